/** Labels of the post-loan codes (stages, channels, warning levels and kinds, grades) and small pure helpers. */
import { i18n } from '@/i18n'

type Labels = Record<string, { 'zh-CN': string; en: string }>
const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

export const STAGES = ['call_sms', 'visit', 'legal'] as const
export type Stage = (typeof STAGES)[number]
export const CHANNELS = ['call', 'sms', 'visit', 'letter'] as const
export const GRADES = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const
export type Grade = (typeof GRADES)[number]

export const LABELS = {
  stage: { call_sms: label('电催/短信', 'Calls / SMS'), visit: label('外访', 'Visits'), legal: label('法务/收车', 'Legal / repossession') },
  taskStatus: { open: label('处理中', 'Open'), closed: label('已关闭', 'Closed') },
  channel: { call: label('电话', 'Call'), sms: label('短信', 'SMS'), visit: label('外访', 'Visit'), letter: label('函件', 'Letter') },
  promiseStatus: { pending: label('待履约', 'Pending'), kept: label('已履约', 'Kept'), broken: label('已失信', 'Broken') },
  level: { low: label('低', 'Low'), medium: label('中', 'Medium'), high: label('高', 'High') },
  warningStatus: { open: label('待处理', 'Open'), resolved: label('已处理', 'Resolved') },
  warningKind: {
    first_overdue: label('首次逾期', 'First overdue'), dpd_over_30: label('逾期超过30天', 'Over 30 days past due'),
    repeated_late: label('近6期逾期2次及以上', 'Repeatedly late'), gps_offline: label('GPS离线', 'GPS offline'),
    gps_removed: label('GPS设备被拆除', 'GPS removed'), geofence_exit: label('车辆驶出电子围栏', 'Left the geofence'),
    customer_blacklisted: label('借款人被列入黑名单', 'Borrower blacklisted'), ltv_high: label('重估后抵押率超限', 'LTV above limit'),
  },
  grade: {
    normal: label('正常', 'Normal'), special_mention: label('关注', 'Special mention'), substandard: label('次级', 'Substandard'),
    doubtful: label('可疑', 'Doubtful'), loss: label('损失', 'Loss'),
  },
  gradeSource: { auto: label('自动（逾期天数）', 'Automatic (DPD)'), manual: label('人工调整', 'Manual') },
  closeReason: { current: label('已还清逾期', 'Current again'), settled: label('已结清', 'Settled') },
  cobStatus: { queued: label('排队中', 'Queued'), running: label('执行中', 'Running'), done: label('已完成', 'Done') },
} satisfies Record<string, Labels>

export type LabelSet = keyof typeof LABELS

/**
 * The label of a code: the API's own `*_label` in Chinese when it sent one, else ours in the current language;
 * an unknown code is shown as it is.
 */
export function codeLabel(set: LabelSet, code: string | null | undefined, apiLabel?: string | null): string {
  if (!code) return '—'
  const locale = i18n.global.locale.value
  if (locale !== 'en' && apiLabel) return apiLabel
  const entry = (LABELS[set] as Labels)[code]
  if (!entry) return apiLabel || code
  return locale === 'en' ? entry.en : entry['zh-CN']
}

export function codeOptions(set: LabelSet): { value: string; label: string }[] {
  return Object.keys(LABELS[set]).map((value) => ({ value, label: codeLabel(set, value) }))
}

/** Element Plus tag types: how alarming a grade, level or stage looks. */
export function gradeTag(grade: string | null | undefined): 'success' | 'warning' | 'danger' | 'info' {
  if (grade === 'normal') return 'success'
  if (grade === 'special_mention') return 'warning'
  return grade ? 'danger' : 'info'
}

export function levelTag(level: string | null | undefined): 'info' | 'warning' | 'danger' {
  return level === 'high' ? 'danger' : level === 'medium' ? 'warning' : 'info'
}

export function stageTag(stage: string | null | undefined): 'primary' | 'warning' | 'danger' {
  return stage === 'legal' ? 'danger' : stage === 'visit' ? 'warning' : 'primary'
}

/** How far a close of business got: its loan-id partitions by status ({pending: 3, done: 13}). */
export function cobProgress(partitions: Record<string, number> | null | undefined): { done: number; total: number; percent: number } {
  const counts = partitions ?? {}
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
  const done = counts.done ?? 0
  return { done, total, percent: total ? Math.floor((done * 100) / total) : 0 }
}

/** The day after a business date (YYYY-MM-DD), in the calendar, whatever the browser's zone. */
export function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number)
  const next = new Date(Date.UTC(year, month - 1, day + 1))
  return next.toISOString().slice(0, 10)
}
