import { describe, expect, it } from 'vitest'
import { normalizeVin, vinCheckDigit, vinProblem } from '@/utils/vin'
import { isPlate, normalizePlate } from '@/utils/plate'

// Each vector is what services/collateral/domain.py answers for the same input (normalize_vin, vin_problem).
describe('a VIN is checked as the collateral service checks it', () => {
  it('accepts VINs whose 9th character is their check digit', () => {
    for (const vin of ['1M8GDM9AXKP042788', 'LSVAM4187C2184847', '11111111111111111', 'LJ1EEASP3N1000000']) {
      expect(vinProblem(vin), vin).toBeNull()
    }
    expect(vinCheckDigit('1M8GDM9AXKP042788')).toBe('X') // a remainder of 10 is written X
    expect(vinCheckDigit('LSVAM4187C2184847')).toBe('7')
  })

  it('drops spaces and hyphens and upper-cases, as the server stores it', () => {
    expect(normalizeVin('1m8gdm9axkp042788')).toBe('1M8GDM9AXKP042788')
    expect(normalizeVin('1M8 GDM9A-XKP042788')).toBe('1M8GDM9AXKP042788')
    expect(normalizeVin('1M8GDM9AXKP04278\u00a0')).toBe('1M8GDM9AXKP04278') // Python's \s holds NBSP
    expect(normalizeVin('1M8GDM9AXKP042788\x1c')).toBe('1M8GDM9AXKP042788') // …and the separators \x1c-\x1f
    expect(normalizeVin('\ufeff1M8GDM9AXKP042788')).toBe('\ufeff1M8GDM9AXKP042788') // …but not the BOM
    expect(normalizeVin('ıM8GDM9AXKP042788')).toBe('IM8GDM9AXKP042788')
    expect(normalizeVin(null)).toBe('')
  })

  it('counts the characters first', () => {
    expect(vinProblem('1M8GDM9AXKP04278')).toEqual({ kind: 'length', length: 16 })
    expect(vinProblem('1M8GDM9AXKP0427888')).toEqual({ kind: 'length', length: 18 })
    expect(vinProblem('')).toEqual({ kind: 'length', length: 0 })
    expect(vinProblem('1M8GDM9AXKP0427𝟖')).toEqual({ kind: 'length', length: 16 }) // code points, not UTF-16 units
  })

  it('then refuses I, O and Q, named in order', () => {
    expect(vinProblem('QOIGDM9AXKP04278Q')).toEqual({ kind: 'forbidden', letters: ['I', 'O', 'Q'] })
    expect(vinProblem('IM8GDM9AXKP042788')).toEqual({ kind: 'forbidden', letters: ['I'] })
  })

  it('then anything but letters and digits', () => {
    expect(vinProblem('LSVAM418?C2184847')).toEqual({ kind: 'charset', found: ['?'] })
    expect(vinProblem(normalizeVin('1M8GDM9AXKP04278é'))).toEqual({ kind: 'charset', found: ['É'] })
    expect(vinProblem('LSVAM418?C21848*7')).toEqual({ kind: 'charset', found: ['*', '?'] })
  })

  it('and last the check digit, saying what it should be', () => {
    expect(vinProblem('LFV2A21K8D4012345')).toEqual({ kind: 'check', found: '8', expected: '3' })
    expect(vinProblem('LSVAM418XC2184847')).toEqual({ kind: 'check', found: 'X', expected: '7' })
    expect(vinProblem('1M8GDM9A1KP042788')).toEqual({ kind: 'check', found: '1', expected: 'X' })
    expect(vinProblem('ABCDEFGHJKLMNPRST')).toEqual({ kind: 'check', found: 'J', expected: '1' })
  })

  it('finds any single mistyped character of a valid VIN but the 9th', () => {
    const vin = 'LSVAM4187C2184847'
    for (let index = 0; index < vin.length; index++) {
      if (index === 8) continue
      const replacement = vin[index] === '0' ? '1' : '0' // only 0 has the value 0 (V and 5 are both 5)
      const typo = vin.slice(0, index) + replacement + vin.slice(index + 1)
      // weights 1..10 times a change of value 1..9 is never a multiple of 11
      expect(vinProblem(typo)?.kind, typo).toBe('check')
    }
  })
})

// Each vector is what services/collateral/domain.py answers (normalize_plate, plate_problem).
describe('a plate number is checked as the collateral service checks it', () => {
  const valid = ['京A12345', '粤BD12345', '粤B12345D', '京AD1234', '粤BF1234', '粤BDA1234', '粤B1234F', '沪AF1234',
    '京A1234挂', '京A1234学', '京A1234警', '陕A12345']
  const invalid = ['京I12345', '京A1234I', '京AO1234', '京A1234', '京A1234567', '京112345', '港A12345', '台A12345',
    '粤BD1234A', '陜A12345']

  it('accepts ordinary and new-energy plates', () => {
    for (const plate of valid) expect(isPlate(plate), plate).toBe(true)
  })

  it('refuses what the server refuses, the Traditional 陜 included (plates carry 陕)', () => {
    for (const plate of invalid) expect(isPlate(plate), plate).toBe(false)
  })

  it('drops separators and upper-cases letters', () => {
    expect(normalizePlate('京 A·12345')).toBe('京A12345')
    expect(normalizePlate('京A-123.45')).toBe('京A12345')
    expect(normalizePlate('京a12345\n')).toBe('京A12345')
    expect(normalizePlate('粤B 12345 D')).toBe('粤B12345D')
  })
})
