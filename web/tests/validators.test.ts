import { describe, expect, it } from 'vitest'
import {
  idNumberCheckDigit, idNumberProblem, normalizeIdentity, phoneProblem, usccCheckCharacter, usccProblem,
} from '@/utils/validators'

// The expected answers are the customer service's (services/customer/domain.py) for the same values.
const TODAY = '2026-05-01'

describe('resident ID number (GB 11643)', () => {
  it('takes a number whose ISO 7064 MOD 11-2 check digit matches, X in either case', () => {
    expect(idNumberProblem('11010519491231002X', TODAY)).toBeNull()
    expect(idNumberProblem('11010519491231002x', TODAY)).toBeNull()
    expect(idNumberProblem(' 440106199001011235 ', TODAY)).toBeNull()
    expect(idNumberProblem('330102200002290015', TODAY)).toBeNull() // 29 February of a leap year
    expect(idNumberProblem('330102190001010011', TODAY)).toBeNull() // 1900 is still plausible
  })

  it('refuses a wrong check digit', () => {
    expect(idNumberProblem('110105194912310021', TODAY)).toBe('checkDigit')
    expect(idNumberProblem('440106199001011234', TODAY)).toBe('checkDigit')
  })

  it('refuses a birth date that is no date', () => {
    expect(idNumberProblem('110105194902300020', TODAY)).toBe('birthDate') // 30 February
    expect(idNumberProblem('330102190002290010', TODAY)).toBe('birthDate') // 1900 was no leap year
    expect(idNumberProblem('330102000001010011', TODAY)).toBe('birthDate') // year 0
    expect(idNumberProblem('330102199013010011', TODAY)).toBe('birthDate') // month 13
  })

  it('refuses a birth date before 1900 or after today', () => {
    expect(idNumberProblem('110105189912310028', TODAY)).toBe('birthImplausible')
    expect(idNumberProblem('110105210012310020', TODAY)).toBe('birthImplausible')
    const tomorrow = '11010520260502' + '001'
    expect(idNumberProblem(tomorrow + idNumberCheckDigit(tomorrow), TODAY)).toBe('birthImplausible')
    const today = '11010520260501' + '001'
    expect(idNumberProblem(today + idNumberCheckDigit(today), TODAY)).toBeNull()
  })

  it('takes ASCII digits only, 18 of them, X only last', () => {
    expect(idNumberProblem('１10105194912310021', TODAY)).toBe('format') // full-width digit
    expect(idNumberProblem('١10105194912310021', TODAY)).toBe('format') // Arabic-Indic digit
    expect(idNumberProblem('11010519491231002', TODAY)).toBe('format')
    expect(idNumberProblem('11010519491231002X1', TODAY)).toBe('format')
    expect(idNumberProblem('X10105194912310021', TODAY)).toBe('format')
    expect(idNumberProblem('11010519491231002X\n', TODAY)).toBeNull() // trailing space trimmed, as the server does
    expect(idNumberProblem('', TODAY)).toBe('format')
  })

  it('computes the check digit so that every well-formed number passes', () => {
    for (let n = 0; n < 200; n++) {
      const first17 = `3301021985${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}`
        + String(n).padStart(3, '0')
      expect(idNumberProblem(first17 + idNumberCheckDigit(first17), TODAY)).toBeNull()
    }
  })
})

describe('unified social credit code (GB 32100)', () => {
  it('takes a code whose MOD 31 check character matches', () => {
    expect(usccProblem('91350100M000100Y43')).toEqual({ error: null, warning: null })
    expect(usccProblem(' 91350100m000100y43 ')).toEqual({ error: null, warning: null })
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3')
  })

  it('warns of a check character that does not match (some early codes), without refusing it', () => {
    expect(usccProblem('91350100M000100Y44')).toEqual({ error: null, warning: 'checkCharacter' })
    expect(usccProblem('11010519491231002X')).toEqual({ error: null, warning: 'checkCharacter' })
  })

  it('refuses a code of the wrong length or with I, O, S, V, Z or a non-ASCII character', () => {
    expect(usccProblem('91350100M000100I43').error).toBe('format')
    expect(usccProblem('913501OOM000100Y43').error).toBe('format')
    expect(usccProblem('91350100M000100Y4').error).toBe('format')
    expect(usccProblem('91350100M000100Y433').error).toBe('format')
    expect(usccProblem('９1350100M000100Y43').error).toBe('format')
  })
})

describe('mainland mobile number', () => {
  it('takes 11 ASCII digits starting 13-19', () => {
    expect(phoneProblem('13812345678')).toBeNull()
    expect(phoneProblem('19912345678')).toBeNull()
    expect(phoneProblem(' 13812345678 ')).toBeNull()
  })

  it('refuses anything else', () => {
    expect(phoneProblem('12812345678')).toBe('format')
    expect(phoneProblem('1381234567')).toBe('format')
    expect(phoneProblem('138123456789')).toBe('format')
    expect(phoneProblem('１3812345678')).toBe('format')
    expect(phoneProblem('+8613812345678')).toBe('format')
    expect(phoneProblem('')).toBe('format')
  })
})

it('normalises identity numbers as the server does', () => {
  expect(normalizeIdentity('  91350100m000100y43\t')).toBe('91350100M000100Y43')
  expect(normalizeIdentity(null)).toBe('')
})
