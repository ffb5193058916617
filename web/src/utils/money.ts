/** Money for display: decimal strings from the API shown as ¥1,234.56, with exact integer arithmetic (no float). */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/

/** Rounds a decimal string half away from zero to `places`, exactly (BigInt), keeping it a string. */
export function roundDecimal(value: string, places = 2): string {
  const match = DECIMAL.exec(value.trim())
  if (!match) throw new Error(`not a decimal: ${value}`)
  const [, sign, whole, fraction = ''] = match
  const padded = (fraction + '0'.repeat(places + 1)).slice(0, places + 1)
  let units = BigInt(whole + padded.slice(0, places))
  if (Number(padded[places]) >= 5) units += 1n
  const digits = units.toString().padStart(places + 1, '0')
  const head = digits.slice(0, digits.length - places)
  const tail = places ? '.' + digits.slice(digits.length - places) : ''
  const negative = sign === '-' && units !== 0n
  return `${negative ? '-' : ''}${head}${tail}`
}

function groupThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** "1234.5" → "¥1,234.50"; "-0.005" → "-¥0.01"; empty or null → "—". */
export function formatMoney(value: string | null | undefined, symbol = '¥'): string {
  if (value === null || value === undefined || value === '') return '—'
  const rounded = roundDecimal(String(value), 2)
  const negative = rounded.startsWith('-')
  const [whole, fraction] = rounded.replace('-', '').split('.')
  return `${negative ? '-' : ''}${symbol}${groupThousands(whole)}.${fraction}`
}

/** A rate given as a fraction ("0.1200") shown as a percentage ("12.00%"), exactly. */
export function formatRate(value: string | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return '—'
  const match = DECIMAL.exec(String(value).trim())
  if (!match) throw new Error(`not a decimal: ${value}`)
  const [, sign, whole, fraction = ''] = match
  const shifted = `${sign}${(whole + fraction.padEnd(2, '0').slice(0, 2)).replace(/^0+(?=\d)/, '')}.${fraction.slice(2) || '0'}`
  return `${roundDecimal(shifted, places)}%`
}

/** What a person types into an amount field: ASCII digits with at most two decimals, as the API accepts. */
export function isMoneyInput(value: string): boolean {
  return /^\d{1,13}(\.\d{1,2})?$/.test(value)
}
