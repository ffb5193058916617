/**
 * As-you-type format checks of identity data, the same rules the customer service applies (it checks again and
 * its answer is the one that counts): the resident ID number (GB 11643, ISO 7064 MOD 11-2 check digit and a real,
 * past birth date), the unified social credit code (GB 32100, MOD 31 check character) and the mainland mobile
 * number. ASCII digits only: a full-width "１" or an Arabic-Indic "٣" is not a digit here, nor on the server.
 * Each check answers a problem code (labelled by the page) or null.
 */
import { businessToday } from './dates'

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

export type IdNumberProblem = 'format' | 'birthDate' | 'birthImplausible' | 'checkDigit'
export type UsccError = 'format'
export type UsccWarning = 'checkCharacter'
export type PhoneProblem = 'format'

/** As the server reads an ID number or a credit code: surrounding spaces dropped, letters upper-case. */
export function normalizeIdentity(value: string | null | undefined): string {
  return (value ?? '').trim().toUpperCase()
}

/** The check digit (0-9 or X) of the first 17 digits of an ID number. */
export function idNumberCheckDigit(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[total % 11]
}

function daysInMonth(year: number, month: number): number {
  return [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31,
    30, 31][month - 1]
}

/**
 * Why an 18-character resident ID number is invalid, or null. `today` (YYYY-MM-DD, Shanghai's business date by
 * default): a birth date after it, or before 1900, is not plausible.
 */
export function idNumberProblem(raw: string, today: string = businessToday()): IdNumberProblem | null {
  const value = normalizeIdentity(raw)
  if (!/^[0-9]{17}[0-9X]$/.test(value)) return 'format'
  const year = Number(value.slice(6, 10))
  const month = Number(value.slice(10, 12))
  const day = Number(value.slice(12, 14))
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'birthDate'
  const born = value.slice(6, 10) + '-' + value.slice(10, 12) + '-' + value.slice(12, 14)
  if (born > today || year < 1900) return 'birthImplausible'
  if (idNumberCheckDigit(value) !== value[17]) return 'checkDigit'
  return null
}

/** The check character of the first 17 characters of a credit code (which must be of its alphabet). */
export function usccCheckCharacter(first17: string): string {
  let total = 0
  let weight = 1
  for (let i = 0; i < 17; i++) {
    total += USCC_ALPHABET.indexOf(first17[i]) * weight
    weight = (weight * 3) % 31
  }
  return USCC_ALPHABET[(31 - (total % 31)) % 31]
}

/**
 * A credit code's error (refused) and warning (a failed check character, as some early codes have: accepted
 * only when the user confirms, `accept_uscc_warning`).
 */
export function usccProblem(raw: string): { error: UsccError | null; warning: UsccWarning | null } {
  const value = normalizeIdentity(raw)
  const characters = [...value]
  if (characters.length !== 18 || characters.some((ch) => !USCC_ALPHABET.includes(ch))) {
    return { error: 'format', warning: null }
  }
  if (usccCheckCharacter(value) !== value[17]) return { error: null, warning: 'checkCharacter' }
  return { error: null, warning: null }
}

/** A mainland China mobile number: 11 ASCII digits, 1 then 3-9. */
export function phoneProblem(raw: string): PhoneProblem | null {
  return /^1[3-9][0-9]{9}$/.test((raw ?? '').trim()) ? null : 'format'
}
