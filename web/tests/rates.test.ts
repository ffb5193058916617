import { describe, expect, it } from 'vitest'
import { fractionToPercent, isPercentInput, percentToFraction, subtractMoney } from '../src/utils/rates'
import { toCsv } from '../src/utils/csv'

describe('percentToFraction', () => {
  it('shifts the point two places, exactly, to 6 decimals', () => {
    expect(percentToFraction('8.88')).toBe('0.088800')
    expect(percentToFraction('12')).toBe('0.120000')
    expect(percentToFraction('0.0001')).toBe('0.000001')
    expect(percentToFraction('4.35')).toBe('0.043500')
    expect(percentToFraction('100')).toBe('1.000000')
    expect(percentToFraction(' 24.1234 ')).toBe('0.241234')
    expect(percentToFraction('0')).toBe('0.000000')
  })
  it('refuses what is not a percentage', () => {
    for (const bad of ['', 'abc', '-1', '8.888888', '1e2', '1000', '8.', '.5', '８.８']) {
      expect(isPercentInput(bad)).toBe(false)
      expect(() => percentToFraction(bad)).toThrow()
    }
  })
  it('does what floats get wrong', () => {
    // 0.07 * 100 = 7.000000000000001 and 8.88 / 100 = 0.08880000000000001 in binary floating point
    expect(percentToFraction('7')).toBe('0.070000')
    expect(fractionToPercent('0.07')).toBe('7')
    expect(fractionToPercent('0.0888')).toBe('8.88')
  })
})

describe('fractionToPercent', () => {
  it('is the inverse, trailing zeros dropped', () => {
    expect(fractionToPercent('0.088800')).toBe('8.88')
    expect(fractionToPercent('0.120000')).toBe('12')
    expect(fractionToPercent('0.5')).toBe('50')
    expect(fractionToPercent('1.000000')).toBe('100')
    expect(fractionToPercent('0.000001')).toBe('0.0001')
    expect(fractionToPercent('0')).toBe('0')
    expect(fractionToPercent(null)).toBe('')
    for (const value of ['0.088800', '0.241234', '0.000100', '0.800000']) {
      expect(percentToFraction(fractionToPercent(value))).toBe(value)
    }
  })
})

describe('subtractMoney', () => {
  it('subtracts to the fen', () => {
    expect(subtractMoney('150000.00', '30000.5')).toBe('119999.50')
    expect(subtractMoney('0.10', '0.20')).toBe('-0.10')
    expect(subtractMoney('100', '100.00')).toBe('0.00')
    expect(subtractMoney('99999999999.99', '0.01')).toBe('99999999999.98')
  })
})

describe('toCsv', () => {
  it('keeps the strings and quotes what needs it', () => {
    expect(toCsv([['期数', '金额'], ['1', '3,808.41'], ['2', 'a"b']])).toBe('\uFEFF期数,金额\r\n1,"3,808.41"\r\n2,"a""b"\r\n')
  })
})
