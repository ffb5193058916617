import { describe, expect, it } from 'vitest'
import { formatMoney, formatRate, isMoneyInput, roundDecimal } from '@/utils/money'

describe('money is shown to the fen without floating point', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatMoney('1234.56')).toBe('¥1,234.56')
    expect(formatMoney('150000')).toBe('¥150,000.00')
    expect(formatMoney('0.5')).toBe('¥0.50')
    expect(formatMoney('-1234567.8')).toBe('-¥1,234,567.80')
  })

  it('keeps amounts a float would corrupt', () => {
    // 0.1 + 0.2 and 2^53 + 1 are not representable as doubles; the strings are shown as they are.
    expect(formatMoney('0.30')).toBe('¥0.30')
    expect(formatMoney('9007199254740993.01')).toBe('¥9,007,199,254,740,993.01')
    expect(formatMoney('1.005')).toBe('¥1.01') // a double holds 1.00499999…, which toFixed(2) rounds down
  })

  it('rounds half away from zero, and a negative that rounds to zero is zero', () => {
    expect(roundDecimal('2.345')).toBe('2.35')
    expect(roundDecimal('-2.345')).toBe('-2.35')
    expect(roundDecimal('-0.004')).toBe('0.00')
    expect(roundDecimal('0.9999', 2)).toBe('1.00')
  })

  it('shows nothing for a missing amount and refuses what is not a decimal', () => {
    expect(formatMoney(null)).toBe('—')
    expect(formatMoney('')).toBe('—')
    expect(() => formatMoney('12e3')).toThrow()
    expect(() => formatMoney('１２')).toThrow()
  })

  it('shows rates given as fractions as percentages', () => {
    expect(formatRate('0.1200')).toBe('12.00%')
    expect(formatRate('0.0345')).toBe('3.45%')
    expect(formatRate('0.035')).toBe('3.50%')
    expect(formatRate('1')).toBe('100.00%')
  })

  it('accepts typed amounts in ASCII digits with at most two decimals', () => {
    expect(isMoneyInput('128000.00')).toBe(true)
    expect(isMoneyInput('128000.001')).toBe(false)
    expect(isMoneyInput('１２８')).toBe(false)
    expect(isMoneyInput('-5')).toBe(false)
  })
})
