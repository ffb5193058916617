/** The audit log as staff read it: a compact line per changed field, and time filters in Shanghai time. */

const MAX_VALUE = 60

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** A value as one short piece of text: null as —, lists joined, anything else as compact JSON. */
export function formatValue(value: unknown, max = MAX_VALUE): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') return clip(value, max)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    return value.length ? clip(value.map((item) => formatValue(item, max)).join('、'), max) : '[]'
  }
  return clip(JSON.stringify(value), max)
}

function isFromTo(value: unknown): value is { from: unknown; to: unknown } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 2 && keys.includes('from') && keys.includes('to')
}

export interface ChangeLine { field: string; text: string }

/**
 * What changed, one line per field: `{field: {from, to}}` (a correction) as "old → new", any other member (what a
 * creation or a login recorded) as its value. Values are already masked by the services.
 */
export function changeLines(changes: Record<string, unknown> | null | undefined, max = MAX_VALUE): ChangeLine[] {
  if (!changes || typeof changes !== 'object') return []
  return Object.entries(changes).map(([field, value]) => ({
    field,
    text: isFromTo(value) ? `${formatValue(value.from, max)} → ${formatValue(value.to, max)}` : formatValue(value, max),
  }))
}

/**
 * A time picked on the page ("2026-03-01T09:30:00", read as Shanghai time, as the log shows its times) as the
 * ISO 8601 timestamp with its offset the API takes.
 */
export function shanghaiTimestamp(local: string | null | undefined): string | undefined {
  if (!local) return undefined
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/.exec(local.trim())
  if (!match) return undefined
  return `${match[1]}T${match[2]}${match[3] ?? ':00'}+08:00`
}
