import { describe, expect, it } from 'vitest'
import { changeLines, formatValue, shanghaiTimestamp } from '@/utils/audit'

describe('what an audit record changed, compactly', () => {
  it('shows a correction as old → new', () => {
    expect(changeLines({ name: { from: '张三', to: '张四' }, department_id: { from: null, to: 'd1' } })).toEqual([
      { field: 'name', text: '张三 → 张四' }, { field: 'department_id', text: '— → d1' }])
  })

  it('shows what a creation recorded as its values, lists joined', () => {
    expect(changeLines({ username: 'li', roles: ['loan_officer', 'collector'], must_change_password: true })).toEqual([
      { field: 'username', text: 'li' }, { field: 'roles', text: 'loan_officer、collector' },
      { field: 'must_change_password', text: 'true' }])
  })

  it('writes nested values as compact JSON, cut short when long', () => {
    expect(formatValue({ report: 'ledger', rows: 3 })).toBe('{"report":"ledger","rows":3}')
    const long = formatValue('x'.repeat(200), 10)
    expect(long).toHaveLength(10)
    expect(long.endsWith('…')).toBe(true)
  })

  it('has no lines when nothing was recorded', () => {
    expect(changeLines(null)).toEqual([])
    expect(changeLines({})).toEqual([])
  })

  it('keeps an object with more than from and to as a value', () => {
    expect(changeLines({ x: { from: 1, to: 2, why: 'z' } })[0].text).toBe('{"from":1,"to":2,"why":"z"}')
  })
})

describe('time filters', () => {
  it('reads a picked time as Shanghai time', () => {
    expect(shanghaiTimestamp('2026-03-01T09:30:00')).toBe('2026-03-01T09:30:00+08:00')
    expect(shanghaiTimestamp('2026-03-01 09:30')).toBe('2026-03-01T09:30:00+08:00')
  })

  it('leaves out an empty or unreadable time', () => {
    expect(shanghaiTimestamp('')).toBeUndefined()
    expect(shanghaiTimestamp(null)).toBeUndefined()
    expect(shanghaiTimestamp('yesterday')).toBeUndefined()
  })
})
