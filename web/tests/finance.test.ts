import { describe, expect, it } from 'vitest'
import { cellText, decimalEquals, filenameFromDisposition, lastMonthEnd, sumDecimals, subtractDecimals } from '@/views/finance/finance'

describe('finance: exact decimal arithmetic on the API amounts', () => {
  it('compares amounts exactly, whatever their number of places', () => {
    expect(decimalEquals('1234.50', '1234.5')).toBe(true)
    expect(decimalEquals('0.00', '0')).toBe(true)
    expect(decimalEquals('-0.00', '0.00')).toBe(true)
    expect(decimalEquals('99999999999999999.01', '99999999999999999.02')).toBe(false)
    expect(decimalEquals('0.1', '0.10000000000000001')).toBe(false)
    expect(decimalEquals('abc', 'abc')).toBe(false)
    expect(decimalEquals(null, '0')).toBe(false)
  })

  it('sums without floats', () => {
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30')
    expect(sumDecimals(['118500.00', '1500.00', '-120000.00'])).toBe('0.00')
    expect(sumDecimals(['9007199254740993.01', '0.01'])).toBe('9007199254740993.02')
    expect(sumDecimals([])).toBe('0.00')
    expect(sumDecimals(['1.005', null, ''])).toBe('1.005')
    expect(sumDecimals(['1', 'x'])).toBeNull()
  })

  it('subtracts exactly', () => {
    expect(subtractDecimals('100.00', '100.01')).toBe('-0.01')
    expect(subtractDecimals('5', '2.5')).toBe('2.50')
    expect(subtractDecimals('5', 'y')).toBeNull()
  })
})

describe('finance: the name of a downloaded workbook', () => {
  it('takes the UTF-8 name first, then the plain one, then the fallback', () => {
    const header = `attachment; filename=".xlsx"; filename*=UTF-8''${encodeURIComponent('放款台账.xlsx')}`
    expect(filenameFromDisposition(header, 'x.xlsx')).toBe('放款台账.xlsx')
    expect(filenameFromDisposition('attachment; filename="ledger.xlsx"', 'x.xlsx')).toBe('ledger.xlsx')
    expect(filenameFromDisposition('attachment; filename=plain.xlsx', 'x.xlsx')).toBe('plain.xlsx')
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E0%A4%A", 'x.xlsx')).toBe('x.xlsx')
    expect(filenameFromDisposition(null, 'x.xlsx')).toBe('x.xlsx')
  })
})

describe('finance: report cells', () => {
  it('shows amounts as money and the rest as given', () => {
    expect(cellText('outstanding_principal', '1234567.8')).toBe('¥1,234,567.80')
    expect(cellText('contract_no', 'HT-1')).toBe('HT-1')
    expect(cellText('voucher_no', null)).toBe('—')
    expect(cellText('dpd', 0)).toBe('0')
  })
})

describe('finance: the month end before a day', () => {
  it('is the last day of the previous month, across years and leap years', () => {
    expect(lastMonthEnd('2026-12-03')).toBe('2026-11-30')
    expect(lastMonthEnd('2026-01-15')).toBe('2025-12-31')
    expect(lastMonthEnd('2024-03-01')).toBe('2024-02-29')
  })
})
