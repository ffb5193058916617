import { describe, expect, it } from 'vitest'
import {
  bucketRange, DPD_BUCKETS, dpdBucket, filtersFromQuery, loansLink, NO_FILTERS, queryFromFilters, sameFilters,
  type DpdBucket,
} from '@/views/servicing/loanFilters'

describe('the loan book filters from the URL query', () => {
  it('reads a link the cockpit gives', () => {
    expect(filtersFromQuery({ min_dpd: '31', classification: 'substandard' })).toEqual({
      ...NO_FILTERS, min_dpd: 31, classification: 'substandard',
    })
    expect(filtersFromQuery({ status: 'active', min_dpd: '1' })).toEqual({ ...NO_FILTERS, status: 'active', min_dpd: 1 })
    expect(filtersFromQuery({ min_dpd: '0', max_dpd: '0', customer_id: 'c-1' })).toEqual({
      ...NO_FILTERS, customer_id: 'c-1', min_dpd: 0, max_dpd: 0,
    })
    expect(filtersFromQuery({})).toEqual(NO_FILTERS)
  })

  it('leaves out what the API would refuse instead of sending it', () => {
    for (const bad of ['-1', '1.5', 'abc', '', '３０', '100000', ' 3']) {
      expect(filtersFromQuery({ min_dpd: bad, max_dpd: bad })).toEqual(NO_FILTERS)
    }
    expect(filtersFromQuery({ classification: 'bad', status: 'closed' })).toEqual(NO_FILTERS)
    expect(filtersFromQuery({ min_dpd: '31', max_dpd: '30' })).toEqual(NO_FILTERS) // upside down: dropped whole
    expect(filtersFromQuery({ min_dpd: ['61', '1'], max_dpd: [null, '90'] })).toEqual({ ...NO_FILTERS, min_dpd: 61 })
  })

  it('writes only the filters set, and reads back what it wrote', () => {
    expect(queryFromFilters(NO_FILTERS)).toEqual({})
    const filters = { ...NO_FILTERS, status: 'active' as const, min_dpd: 0, max_dpd: 30, classification: 'normal' as const }
    expect(queryFromFilters(filters)).toEqual({ status: 'active', min_dpd: '0', max_dpd: '30', classification: 'normal' })
    expect(filtersFromQuery(queryFromFilters(filters) as Record<string, string>)).toEqual(filters)
    expect(sameFilters(filters, { ...filters })).toBe(true)
    expect(sameFilters(filters, { ...filters, max_dpd: null })).toBe(false)
  })
})

describe('the DPD buckets of the select', () => {
  it('map to the ranges the API takes, both ends inclusive', () => {
    expect(bucketRange('')).toEqual({ min_dpd: null, max_dpd: null })
    expect(bucketRange('current')).toEqual({ min_dpd: 0, max_dpd: 0 })
    expect(bucketRange('d1_30')).toEqual({ min_dpd: 1, max_dpd: 30 })
    expect(bucketRange('d31_60')).toEqual({ min_dpd: 31, max_dpd: 60 })
    expect(bucketRange('d61_90')).toEqual({ min_dpd: 61, max_dpd: 90 })
    expect(bucketRange('over90')).toEqual({ min_dpd: 91, max_dpd: null })
    expect(bucketRange('over30')).toEqual({ min_dpd: 31, max_dpd: null })
    expect(bucketRange('overdue')).toEqual({ min_dpd: 1, max_dpd: null })
  })

  it('are found again from a range, and any other range is a custom one', () => {
    for (const key of Object.keys(DPD_BUCKETS) as DpdBucket[]) {
      const { min_dpd, max_dpd } = bucketRange(key)
      expect(dpdBucket(min_dpd, max_dpd)).toBe(key)
    }
    expect(dpdBucket(null, null)).toBe('')
    expect(dpdBucket(5, 10)).toBe('custom')
    expect(dpdBucket(null, 30)).toBe('custom')
    expect(dpdBucket(null, 0)).toBe('current')
  })

  it('leave no day between 0 and 90 out of the bands, and none in two', () => {
    const bands: DpdBucket[] = ['current', 'd1_30', 'd31_60', 'd61_90', 'over90']
    for (let day = 0; day <= 200; day += 1) {
      const holding = bands.filter((key) => {
        const { min, max } = DPD_BUCKETS[key]
        return day >= min && (max === null || day <= max)
      })
      expect(holding, `day ${day}`).toHaveLength(1)
    }
  })
})

describe('the links the cockpit gives to the loan book', () => {
  it('name the filters each figure counts', () => {
    expect(loansLink({ status: 'active', min_dpd: 1 })).toBe('/loans?status=active&min_dpd=1')
    expect(loansLink({ status: 'active', min_dpd: 31 })).toBe('/loans?status=active&min_dpd=31')
    expect(loansLink({ status: 'active', min_dpd: 91 })).toBe('/loans?status=active&min_dpd=91')
    expect(loansLink({ status: 'active', classification: 'doubtful' })).toBe('/loans?status=active&classification=doubtful')
    expect(loansLink({})).toBe('/loans')
  })
})
