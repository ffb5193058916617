/**
 * What the application form shows before it is sent: the loan-to-value ratio (amount ÷ appraised value) against the
 * product's max LTV, and the amount/term range, in exact decimal-string arithmetic (BigInt, never a float). The
 * gateway decides; these only tell the officer what it will check.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/

interface Scaled { units: bigint; scale: number }

function parse(value: string): Scaled | null {
  const match = DECIMAL.exec(value.trim())
  if (!match) return null
  const [, sign, whole, fraction = ''] = match
  const units = BigInt(whole + fraction)
  return { units: sign === '-' ? -units : units, scale: fraction.length }
}

function align(a: Scaled, b: Scaled): [bigint, bigint] {
  const scale = Math.max(a.scale, b.scale)
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale)]
}

function render(units: bigint, places: number): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0')
  const head = digits.slice(0, digits.length - places)
  const tail = places ? `.${digits.slice(digits.length - places)}` : ''
  return `${negative ? '-' : ''}${head}${tail}`
}

/** -1, 0 or 1 as a < b, a = b, a > b; null when either is not a decimal. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 | null {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y) return null
  const [p, q] = align(x, y)
  return p < q ? -1 : p > q ? 1 : 0
}

/** a ÷ b rounded half away from zero to `places`; null when either is not a decimal or b is zero. */
export function divideDecimal(a: string, b: string, places = 4): string | null {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y || y.units === 0n) return null
  const [p, q] = align(x, y)
  const negative = (p < 0n) !== (q < 0n) && p !== 0n
  const num = (p < 0n ? -p : p) * 10n ** BigInt(places)
  const den = q < 0n ? -q : q
  let quotient = num / den
  if ((num % den) * 2n >= den) quotient += 1n
  return render(negative ? -quotient : quotient, places)
}

/** a × b rounded half away from zero to `places` (e.g. the most that can be lent: value × max LTV, to the fen). */
export function multiplyDecimal(a: string, b: string, places = 2): string | null {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y) return null
  const product = x.units * y.units
  const scale = x.scale + y.scale
  if (scale <= places) return render(product * 10n ** BigInt(places - scale), places)
  const divisor = 10n ** BigInt(scale - places)
  const magnitude = product < 0n ? -product : product
  let rounded = magnitude / divisor
  if ((magnitude % divisor) * 2n >= divisor) rounded += 1n
  return render(product < 0n ? -rounded : rounded, places)
}

/** A ratio ("0.7500") as a percentage ("75.00%"), exactly. */
export function ratioAsPercent(ratio: string, places = 2): string | null {
  const value = multiplyDecimal(ratio, '100', places)
  return value === null ? null : `${value}%`
}

export interface LtvCheck {
  /** amount ÷ appraised value, 4 decimals ("0.6250"), or null while either is missing. */
  ratio: string | null
  /** appraised value × max LTV, to the fen: the most the car carries. */
  ceiling: string | null
  /** whether the ratio is within the product's max LTV (null while unknown). */
  within: boolean | null
}

/** The LTV the server will check: amount ≤ appraised value × max LTV (compared unrounded, as the server does). */
export function checkLtv(amount: string | null | undefined, appraised: string | null | undefined,
  maxLtv: string | null | undefined): LtvCheck {
  const ratio = amount && appraised ? divideDecimal(amount, appraised, 4) : null
  const ceiling = appraised && maxLtv ? multiplyDecimal(appraised, maxLtv, 2) : null
  let within: boolean | null = null
  if (amount && appraised && maxLtv) {
    const exact = multiplyDecimal(appraised, maxLtv, 8)
    const order = exact === null ? null : compareDecimal(amount, exact)
    within = order === null ? null : order <= 0
  }
  return { ratio, ceiling, within }
}

/** Whether a decimal lies within [min, max] (null while any is not a decimal). */
export function withinRange(value: string, min: string, max: string): boolean | null {
  const low = compareDecimal(value, min)
  const high = compareDecimal(value, max)
  if (low === null || high === null) return null
  return low >= 0 && high <= 0
}
