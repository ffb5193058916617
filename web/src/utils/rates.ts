/**
 * Rates as people type them (a percentage, "8.88") and as the API takes them (a fraction string, "0.088800"),
 * converted with exact string and BigInt arithmetic: no float ever touches a rate or an amount.
 */

const PERCENT = /^(\d{1,3})(?:\.(\d{1,4}))?$/
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/

/** What a person may type into a percentage field: up to 3 whole digits and 4 decimals (the API keeps 6 of a fraction). */
export function isPercentInput(value: string): boolean {
  return PERCENT.test(value.trim())
}

/** "8.88" (per cent) → "0.088800" (the fraction the API takes, 6 decimals); throws on anything else. */
export function percentToFraction(percent: string): string {
  const match = PERCENT.exec(percent.trim())
  if (!match) throw new Error(`not a percentage: ${percent}`)
  const [, whole, decimals = ''] = match
  const millionths = BigInt(whole) * 10000n + BigInt(decimals.padEnd(4, '0'))
  const digits = millionths.toString().padStart(7, '0')
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`
}

/** "0.088800" (a fraction from the API) → "8.88" (per cent, trailing zeros dropped), exactly; '' for empty. */
export function fractionToPercent(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const match = DECIMAL.exec(String(value).trim())
  if (!match) throw new Error(`not a decimal: ${value}`)
  const [, sign, whole, decimals = ''] = match
  const padded = decimals.padEnd(2, '0')
  const head = (whole + padded.slice(0, 2)).replace(/^0+(?=\d)/, '')
  const tail = padded.slice(2).replace(/0+$/, '')
  const negative = sign === '-' && /[1-9]/.test(head + tail)
  return `${negative ? '-' : ''}${head}${tail ? `.${tail}` : ''}`
}

function scaled(value: string, places: number): bigint {
  const match = DECIMAL.exec(value.trim())
  if (!match) throw new Error(`not a decimal: ${value}`)
  const [, sign, whole, decimals = ''] = match
  if (decimals.length > places) throw new Error(`more than ${places} decimals: ${value}`)
  const units = BigInt(whole + decimals.padEnd(places, '0'))
  return sign === '-' ? -units : units
}

/** a − b of two money strings (at most 2 decimals), exactly, as a 2-decimal string: "150000.00" − "30000.5" → "119999.50". */
export function subtractMoney(a: string, b: string): string {
  const units = scaled(a, 2) - scaled(b, 2)
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(3, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}
