/** 财务中心 helpers: exact decimal sums and comparisons of the API's amounts, report cells, workbook downloads. */
import { unwrap } from '@/api/client'
import { formatMoney } from '@/utils/money'
import { dictLabel } from '@/utils/dictionaries'

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/

/** A decimal string as an integer count of 10^-places units (BigInt), or null when it is not a decimal. */
function toUnits(value: string, places: number): bigint | null {
  const match = DECIMAL.exec(value.trim())
  if (!match) return null
  const [, sign, whole, fraction = ''] = match
  if (fraction.length > places) return null
  const units = BigInt(whole + fraction.padEnd(places, '0'))
  return sign === '-' ? -units : units
}

function placesOf(values: string[]): number {
  return Math.max(2, ...values.map((v) => (v.trim().split('.')[1] ?? '').length))
}

function fromUnits(units: bigint, places: number): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0')
  const head = digits.slice(0, digits.length - places)
  const tail = places ? '.' + digits.slice(digits.length - places) : ''
  return `${negative ? '-' : ''}${head}${tail}`
}

/** Whether two decimal strings are the same amount ("10.5" = "10.50"), exactly; not decimals → false. */
export function decimalEquals(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return false
  const places = placesOf([a, b])
  const x = toUnits(a, places)
  const y = toUnits(b, places)
  return x !== null && y !== null && x === y
}

/** The exact sum of decimal strings (at least two places), or null when one of them is not a decimal. */
export function sumDecimals(values: (string | null | undefined)[]): string | null {
  const present = values.filter((v): v is string => v != null && v !== '')
  const places = placesOf(present)
  let total = 0n
  for (const value of present) {
    const units = toUnits(value, places)
    if (units === null) return null
    total += units
  }
  return fromUnits(total, places)
}

/** a − b exactly, or null when one is not a decimal. */
export function subtractDecimals(a: string, b: string): string | null {
  const places = placesOf([a, b])
  const x = toUnits(a, places)
  const y = toUnits(b, places)
  return x === null || y === null ? null : fromUnits(x - y, places)
}

/** The file name a Content-Disposition header gives (RFC 6266: `filename*` UTF-8 first), else `fallback`. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''))
    } catch { /* a broken encoding: the plain name below */ }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  const name = plain ? (plain[2] ?? plain[1]).trim() : ''
  return name || fallback
}

/** Report columns whose cells are amounts (decimal strings), shown as money. */
export const MONEY_KEYS = new Set(['principal', 'fees', 'net_amount', 'amount', 'interest', 'penalty', 'advance',
  'outstanding_principal', 'income', 'expense', 'balance', 'interest_income', 'penalty_income', 'fee_income',
  'total_income', 'provision_expense', 'net'])

/** A report cell as staff read it: amounts as ¥1,234.56, the five grades by their label, nothing as —. */
export function cellText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (MONEY_KEYS.has(key)) return formatMoney(String(value))
  if (key === 'classification') return dictLabel('loanClassification', String(value))
  return String(value)
}

/** A column is right-aligned when it holds amounts or counts. */
export function isNumericColumn(key: string): boolean {
  return MONEY_KEYS.has(key) || key === 'dpd'
}

/**
 * Saves the `.xlsx` an export call answers (made with `parseAs: 'blob'`, so the bearer token goes with it) under
 * the name its Content-Disposition gives; a refusal is thrown as the gateway's ApiProblem.
 */
export async function saveDownload(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>, fallback: string,
): Promise<string> {
  let response: Response | undefined
  const blob = await unwrap(call.then((result) => { response = result.response; return result })) as Blob
  const name = filenameFromDisposition(response?.headers.get('Content-Disposition'), fallback)
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return name
}

/** Source events of journal entries, as i18n keys under `finance.sources`. */
export function sourceKey(sourceType: string | null | undefined): string {
  return `finance.sources.${(sourceType ?? '').replace(/\./g, '_')}`
}

/** The last day of the month before `day` (YYYY-MM-DD): the month end provisions are usually run for. */
export function lastMonthEnd(day: string): string {
  const [year, month] = day.split('-').map(Number)
  const end = new Date(Date.UTC(year, month - 1, 0))
  return end.toISOString().slice(0, 10)
}
