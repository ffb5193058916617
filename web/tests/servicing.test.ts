import { describe, expect, it } from 'vitest'
import { buildTimeline, installmentState, scheduleCsv, SCHEDULE_FIELDS } from '@/views/servicing/servicing'
import { toCsv } from '@/utils/csv'

const line = (over: Record<string, unknown> = {}) => ({
  no: 1, due_date: '2026-12-10', principal: '3000.00', interest: '500.00', fees: '0.00', penalty: '0.00',
  total: '3500.00', paid_principal: '0.00', paid_interest: '0.00', paid_fees: '0.00', paid_penalty: '0.00',
  balance_after: '97000.00', status: 'pending', ...over,
})

describe('installmentState', () => {
  it('keeps the server statuses of paid, prepaid and overdue installments', () => {
    expect(installmentState(line({ status: 'paid' }), '2027-01-01')).toBe('paid')
    expect(installmentState(line({ status: 'prepaid' }), '2026-01-01')).toBe('prepaid')
    expect(installmentState(line({ status: 'overdue' }), '2026-12-11')).toBe('overdue')
  })

  it('shows an open installment whose date has come as due', () => {
    expect(installmentState(line(), '2026-12-10')).toBe('due')
    expect(installmentState(line({ status: 'partial' }), '2026-12-12')).toBe('due')
    expect(installmentState(line(), '2026-12-09')).toBe('pending')
    expect(installmentState(line({ status: 'partial' }), '2026-12-09')).toBe('partial')
  })
})

describe('schedule CSV', () => {
  it('quotes cells that need it, with a BOM and CRLF', () => {
    expect(toCsv([['a', 'b,c'], ['say "hi"', null]])).toBe('\uFEFFa,"b,c"\r\n"say ""hi""",\r\n')
  })

  it('writes the API strings as they are, under the headers given', () => {
    const headers = Object.fromEntries(SCHEDULE_FIELDS.map((field) => [field, field.toUpperCase()])) as never
    const csv = scheduleCsv([line({ principal: '3000.10' })], headers, () => '未到期')
    const [head, row] = csv.slice(1).split('\r\n')
    expect(head.split(',')).toEqual(SCHEDULE_FIELDS.map((field) => field.toUpperCase()))
    expect(row).toBe('1,2026-12-10,3000.10,500.00,0.00,0.00,3500.00,0.00,0.00,0.00,0.00,97000.00,未到期')
  })
})

describe('buildTimeline', () => {
  it('puts the loan history together newest first', () => {
    const events = buildTimeline({
      loan: {
        signed_on: '2026-10-01', settled_on: '2026-12-03', status: 'settled',
        disbursement: { amount: '98000.00', payee_account: '6222****', payee_name: '张三', status: 'approved',
          registered_at: '2026-10-01T02:00:00+00:00', reviewed_at: '2026-10-01T03:00:00+00:00', voucher_no: 'V1',
          disbursed_on: '2026-10-02' },
      },
      installments: [line({ no: 1, status: 'overdue', due_date: '2026-11-01' })],
      repayments: [{ id: 'r1', amount: '3500.00', paid_on: '2026-11-20', channel: 'cash',
        created_at: '2026-11-20T05:00:00+00:00' }],
      reversals: [{ id: 'v1', repayment_id: 'r1', reason: '录错', status: 'approved', created_at: '2026-11-21T01:00:00+00:00',
        decided_at: '2026-11-21T02:00:00+00:00' }],
      extensions: [{ extra_months: 3, reason: '资金紧张', status: 'rejected', created_at: '2026-11-10T01:00:00+00:00',
        decided_at: '2026-11-11T01:00:00+00:00' }],
    }, (value) => `¥${value}`, (code) => (code === 'cash' ? '现金' : code))
    expect(events.map((event) => event.kind)).toEqual([
      'settled', 'repaymentReversed', 'reversalRequested', 'repayment', 'extensionDecided', 'extensionRequested',
      'overdue', 'disbursed', 'signed',
    ])
    expect(events.find((event) => event.kind === 'repayment')?.params).toEqual({ amount: '¥3500.00', channel: '现金' })
    expect(events.find((event) => event.kind === 'disbursed')?.params).toEqual({ amount: '¥98000.00', voucher: 'V1' })
  })

  it('skips what has not happened, and shows a disbursement waiting for its review when registered', () => {
    expect(buildTimeline({ loan: { signed_on: '2026-10-01', disbursement: null } }).map((e) => e.kind)).toEqual(['signed'])
    const waiting = buildTimeline({ loan: { signed_on: '2026-10-01', disbursement: { amount: '98000.00',
      payee_account: '6222****', payee_name: '张三', status: 'pending_review', registered_at: '2026-10-01T02:00:00+00:00' } } })
    expect(waiting.map((e) => e.kind)).toEqual(['disbursementRegistered', 'signed'])
  })
})
