import { describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import { codeLabel, cobProgress, gradeTag, nextDate } from '@/views/postloan/labels'

describe('post-loan labels', () => {
  it('prefers the API label in Chinese and uses its own in English', () => {
    i18n.global.locale.value = 'zh-CN'
    expect(codeLabel('stage', 'legal', '法务/收车')).toBe('法务/收车')
    expect(codeLabel('grade', 'special_mention')).toBe('关注')
    i18n.global.locale.value = 'en'
    expect(codeLabel('stage', 'legal', '法务/收车')).toBe('Legal / repossession')
    expect(codeLabel('warningKind', 'something_new', '新预警')).toBe('新预警')
    i18n.global.locale.value = 'zh-CN'
  })

  it('shows an unknown or missing code as it is', () => {
    expect(codeLabel('level', 'extreme')).toBe('extreme')
    expect(codeLabel('level', null)).toBe('—')
  })

  it('tags grades by how alarming they are', () => {
    expect(gradeTag('normal')).toBe('success')
    expect(gradeTag('special_mention')).toBe('warning')
    expect(gradeTag('loss')).toBe('danger')
  })
})

describe('close of business progress', () => {
  it('counts the partitions done out of all', () => {
    expect(cobProgress({ done: 13, pending: 3 })).toEqual({ done: 13, total: 16, percent: 81 })
    expect(cobProgress({ done: 16 })).toEqual({ done: 16, total: 16, percent: 100 })
    expect(cobProgress(undefined)).toEqual({ done: 0, total: 0, percent: 0 })
  })

  it('suggests the calendar day after the last date closed', () => {
    expect(nextDate('2026-12-03')).toBe('2026-12-04')
    expect(nextDate('2026-12-31')).toBe('2027-01-01')
    expect(nextDate('2028-02-28')).toBe('2028-02-29')
  })
})
