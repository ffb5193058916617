/**
 * 车架号 VIN (ISO 3779 / GB 16735) as the collateral service checks it, for a hint while it is typed: the server
 * normalises (spaces and hyphens dropped, upper case), then wants 17 characters, no I, O or Q, only letters and
 * digits, and the check character at position 9.
 */

export const VIN_LENGTH = 17
const CHECK_POSITION = 8 // the 9th character
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
const VALUES: Record<string, number> = {
  ...Object.fromEntries('0123456789'.split('').map((digit, value) => [digit, value])),
  ...Object.fromEntries('ABCDEFGH'.split('').map((letter, index) => [letter, index + 1])),
  ...Object.fromEntries('JKLMN'.split('').map((letter, index) => [letter, index + 1])),
  P: 7, R: 9,
  ...Object.fromEntries('STUVWXYZ'.split('').map((letter, index) => [letter, index + 2])),
}
// Python's `\s` (what the server strips), which differs from JavaScript's: \x1c-\x1f and \x85 in, \ufeff out.
const STRIPPED = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000-]/gu

export type VinProblem =
  | { kind: 'length'; length: number }
  | { kind: 'forbidden'; letters: string[] }
  | { kind: 'charset'; found: string[] }
  | { kind: 'check'; found: string; expected: string }

/** What the server stores: spaces and hyphens removed, upper case. */
export function normalizeVin(raw: string | null | undefined): string {
  return (raw ?? '').replace(STRIPPED, '').toUpperCase()
}

/** The check character position 9 must hold (a weighted sum modulo 11; 10 is written X). */
export function vinCheckDigit(vin: string): string {
  const characters = Array.from(vin)
  let sum = 0
  for (let index = 0; index < Math.min(characters.length, WEIGHTS.length); index++) {
    sum += VALUES[characters[index]] * WEIGHTS[index]
  }
  const remainder = sum % 11
  return remainder === 10 ? 'X' : String(remainder)
}

function sortedCodePoints(characters: Iterable<string>): string[] {
  // Python sorts strings by code point, JavaScript's default sort by UTF-16 unit: compare code points.
  return [...new Set(characters)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
}

/** null for a valid VIN (already normalised), else what is wrong with it, in the server's order of checks. */
export function vinProblem(vin: string): VinProblem | null {
  const characters = Array.from(vin)
  if (characters.length !== VIN_LENGTH) return { kind: 'length', length: characters.length }
  const forbidden = sortedCodePoints(characters.filter((c) => c === 'I' || c === 'O' || c === 'Q'))
  if (forbidden.length) return { kind: 'forbidden', letters: forbidden }
  const unknown = sortedCodePoints(characters.filter((c) => !(c in VALUES)))
  if (unknown.length) return { kind: 'charset', found: unknown }
  const expected = vinCheckDigit(vin)
  if (characters[CHECK_POSITION] !== expected) return { kind: 'check', found: characters[CHECK_POSITION], expected }
  return null
}
