/** 经营驾驶舱 helpers: money strings compared exactly, and turned into numbers only for a chart's geometry. */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/

function cents(value: string): bigint {
  const match = DECIMAL.exec(value.trim())
  if (!match) throw new Error(`not an amount: ${value}`)
  const [, sign, whole, fraction = ''] = match
  const units = BigInt(whole + fraction.padEnd(2, '0'))
  return sign === '-' ? -units : units
}

/** `a - b` of two amounts to the fen ("1200.50" − "200.75" = "999.75"), exactly. */
export function moneyDifference(a: string, b: string): string {
  const units = cents(a) - cents(b)
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(3, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

/** The sign of `a - b`: 1 more, -1 less, 0 the same. */
export function compareMoney(a: string, b: string): number {
  const difference = cents(a) - cents(b)
  return difference > 0n ? 1 : difference < 0n ? -1 : 0
}

/**
 * A bar's height or a slice's angle: ECharts draws numbers. Only the geometry uses it; labels and tooltips show
 * the API's string (a float may be off in the last fen, a picture is not).
 */
export function chartNumber(value: string | null | undefined): number {
  if (!value) return 0
  const number = Number(value)
  return Number.isFinite(number) ? number : 0
}
