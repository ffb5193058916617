/**
 * 贷款台账's filters and the URL query that carries them, so that a link opens the list filtered
 * (`/loans?min_dpd=31&classification=substandard`, the cockpit's PAR30 and grade figures do): borrower, status,
 * DPD range (`min_dpd`..`max_dpd`, both inclusive, as `GET /api/v1/loans` takes them) and five-level grade.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { Schemas } from '@/api/client'

type LoanStatus = NonNullable<Schemas['Loan']['status']>

export const LOAN_STATUSES: readonly LoanStatus[] = ['signed', 'active', 'settled']
/** 五级分类, best to worst (the API's `classification`). */
export const GRADES = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const
export type Grade = (typeof GRADES)[number]
/** The largest DPD the API takes in a filter. */
export const MAX_DPD = 99_999

export interface LoanFilters {
  [key: string]: unknown
  customer_id: string | null
  status: '' | LoanStatus
  min_dpd: number | null
  max_dpd: number | null
  classification: '' | Grade
}

export const NO_FILTERS: Readonly<LoanFilters> = Object.freeze({
  customer_id: null, status: '', min_dpd: null, max_dpd: null, classification: '',
})

/**
 * The DPD ranges offered in the select, in the order shown: 未逾期, the bands of 30 days, and the cockpit's
 * thresholds (overdue = DPD ≥ 1, PAR30 = DPD > 30, PAR90 = DPD > 90) so that its links show as a choice.
 */
export const DPD_BUCKETS = {
  current: { min: 0, max: 0 },
  overdue: { min: 1, max: null },
  d1_30: { min: 1, max: 30 },
  d31_60: { min: 31, max: 60 },
  d61_90: { min: 61, max: 90 },
  over30: { min: 31, max: null },
  over90: { min: 91, max: null },
} as const satisfies Record<string, { min: number; max: number | null }>
export type DpdBucket = keyof typeof DPD_BUCKETS

/** The select's value for a range: '' for none, a bucket's key, or 'custom' for any other range (a link's). */
export function dpdBucket(min: number | null, max: number | null): DpdBucket | 'custom' | '' {
  if (min === null && max === null) return ''
  const found = (Object.keys(DPD_BUCKETS) as DpdBucket[])
    .find((key) => DPD_BUCKETS[key].min === (min ?? 0) && DPD_BUCKETS[key].max === max)
  return found ?? 'custom'
}

/** The range a bucket stands for ('' for none). */
export function bucketRange(bucket: DpdBucket | ''): { min_dpd: number | null; max_dpd: number | null } {
  if (!bucket) return { min_dpd: null, max_dpd: null }
  const { min, max } = DPD_BUCKETS[bucket]
  return { min_dpd: min, max_dpd: max }
}

function single(value: LocationQuery[string] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}

function days(value: string | undefined): number | null {
  if (value === undefined || !/^[0-9]{1,5}$/.test(value)) return null
  return Number(value)
}

/**
 * The filters a URL query names; what the API would refuse is left out rather than sent (a non-integer or
 * negative DPD, an unknown status or grade), and a range upside down is dropped whole.
 */
export function filtersFromQuery(query: LocationQuery): LoanFilters {
  const status = single(query.status)
  const grade = single(query.classification)
  let min = days(single(query.min_dpd))
  let max = days(single(query.max_dpd))
  if (min !== null && max !== null && min > max) min = max = null
  const customer = single(query.customer_id)
  return {
    customer_id: customer || null,
    status: LOAN_STATUSES.find((code) => code === status) ?? '',
    min_dpd: min,
    max_dpd: max,
    classification: GRADES.find((code) => code === grade) ?? '',
  }
}

/** The URL query of the filters: only those set, in a fixed order. */
export function queryFromFilters(filters: LoanFilters): LocationQueryRaw {
  const query: Record<string, string> = {}
  if (filters.customer_id) query.customer_id = filters.customer_id
  if (filters.status) query.status = filters.status
  if (filters.min_dpd !== null) query.min_dpd = String(filters.min_dpd)
  if (filters.max_dpd !== null) query.max_dpd = String(filters.max_dpd)
  if (filters.classification) query.classification = filters.classification
  return query
}

/** The list's link for a set of filters (what the cockpit's figures open). */
export function loansLink(filters: Partial<LoanFilters>): string {
  const query = new URLSearchParams(queryFromFilters({ ...NO_FILTERS, ...filters }) as Record<string, string>)
  const text = query.toString()
  return text ? `/loans?${text}` : '/loans'
}

/** Whether two sets of filters ask for the same list. */
export function sameFilters(a: LoanFilters, b: LoanFilters): boolean {
  return JSON.stringify(queryFromFilters(a)) === JSON.stringify(queryFromFilters(b))
}
