import { describe, expect, it } from 'vitest'
import { chartNumber, compareMoney, moneyDifference } from '@/utils/cockpit'

describe('cockpit money helpers', () => {
  it('subtracts amounts exactly to the fen', () => {
    expect(moneyDifference('1200.50', '200.75')).toBe('999.75')
    expect(moneyDifference('0.10', '0.20')).toBe('-0.10')
    expect(moneyDifference('100', '99.99')).toBe('0.01')
    expect(moneyDifference('9007199254740993.01', '0.01')).toBe('9007199254740993.00')
  })

  it('compares amounts without floats', () => {
    expect(compareMoney('0.30', '0.1')).toBe(1)
    expect(compareMoney('5.00', '5')).toBe(0)
    expect(compareMoney('-1.00', '0.00')).toBe(-1)
  })

  it('rejects what is not an amount', () => {
    expect(() => moneyDifference('1e3', '0')).toThrow()
  })

  it('gives a chart a number, and nothing for no value', () => {
    expect(chartNumber('1279281.04')).toBe(1279281.04)
    expect(chartNumber(null)).toBe(0)
    expect(chartNumber('x')).toBe(0)
  })
})
