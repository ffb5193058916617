import { describe, expect, it } from 'vitest'
import { checkLtv, compareDecimal, divideDecimal, multiplyDecimal, ratioAsPercent, withinRange } from '@/views/business/ltv'

describe('exact decimal arithmetic for the application form', () => {
  it('divides exactly, rounding half away from zero', () => {
    expect(divideDecimal('80000.00', '128000.00')).toBe('0.6250')
    expect(divideDecimal('1', '3')).toBe('0.3333')
    expect(divideDecimal('2', '3')).toBe('0.6667')
    expect(divideDecimal('0.00005', '1')).toBe('0.0001')
    expect(divideDecimal('-1', '8', 2)).toBe('-0.13')
    expect(divideDecimal('1', '0')).toBeNull()
    expect(divideDecimal('abc', '1')).toBeNull()
  })

  it('multiplies exactly, to the fen', () => {
    expect(multiplyDecimal('128000.00', '0.80')).toBe('102400.00')
    expect(multiplyDecimal('0.1', '0.2', 2)).toBe('0.02')
    expect(multiplyDecimal('33333.33', '0.7')).toBe('23333.33')
    expect(multiplyDecimal('0.005', '1')).toBe('0.01')
    expect(multiplyDecimal('12', '3', 0)).toBe('36')
  })

  it('compares without floats', () => {
    expect(compareDecimal('0.1', '0.10')).toBe(0)
    expect(compareDecimal('102400.01', '102400')).toBe(1)
    expect(compareDecimal('9999999999999.99', '10000000000000')).toBe(-1)
    expect(compareDecimal('x', '1')).toBeNull()
    expect(withinRange('50000', '10000.00', '500000.00')).toBe(true)
    expect(withinRange('9999.99', '10000.00', '500000.00')).toBe(false)
  })

  it('shows a ratio as a percentage', () => {
    expect(ratioAsPercent('0.6250')).toBe('62.50%')
    expect(ratioAsPercent('1.0001')).toBe('100.01%')
  })

  it('checks the LTV as the server does: amount ≤ value × max LTV, unrounded', () => {
    expect(checkLtv('102400.00', '128000.00', '0.80')).toEqual({ ratio: '0.8000', ceiling: '102400.00', within: true })
    expect(checkLtv('102400.01', '128000.00', '0.80')).toMatchObject({ within: false })
    // 33333.33 × 0.7 = 23333.331: 23333.33 fits, 23333.34 does not
    expect(checkLtv('23333.33', '33333.33', '0.7').within).toBe(true)
    expect(checkLtv('23333.34', '33333.33', '0.7').within).toBe(false)
    expect(checkLtv('', '128000.00', '0.80')).toEqual({ ratio: null, ceiling: '102400.00', within: null })
    expect(checkLtv('1000', null, '0.80')).toEqual({ ratio: null, ceiling: null, within: null })
  })
})
