import { describe, expect, it } from 'vitest'
import { consolePath } from '@/utils/inboxLinks'

const item = (kind: string, link: string, id = 'x1') => ({ kind, id, link })

describe('a to-do opens the page where it is handled', () => {
  it('opens an application to investigate or decide on its page', () => {
    expect(consolePath(item('application_decision', '/api/v1/loan-applications/a7'))).toBe('/business/applications/a7')
    expect(consolePath(item('application_investigation', '/api/v1/loan-applications/a8')))
      .toBe('/business/applications/a8')
  })

  it('opens loan decisions on the loan, at the tab that holds them', () => {
    expect(consolePath(item('extension_decision', '/api/v1/loans/L1'))).toBe('/loans/L1?tab=servicing')
    expect(consolePath(item('transfer_decision', '/api/v1/loans/L1'))).toBe('/loans/L1?tab=servicing')
    expect(consolePath(item('reversal_decision', '/api/v1/loans/L2'))).toBe('/loans/L2?tab=repayments')
    expect(consolePath(item('disbursement_review', '/api/v1/loans/L3'))).toBe('/business/disbursements')
  })

  it('opens collateral tasks with the task, and post-loan work on its pages', () => {
    expect(consolePath(item('mortgage_release', '/api/v1/releases/t9', 't9'))).toBe('/collateral/releases?task=t9')
    expect(consolePath(item('gps_install', '/api/v1/gps-tasks/t1', 't1'))).toBe('/collateral/gps-tasks?task=t1')
    expect(consolePath(item('collection_task', '/api/v1/collection/tasks/c4'))).toBe('/post-loan/tasks/c4')
    expect(consolePath(item('classification_adjustment', '/api/v1/classifications?loan_id=L5')))
      .toBe('/post-loan/classifications?loan_id=L5')
  })

  it('has no page for a kind it does not know', () => {
    expect(consolePath(item('something_new', '/api/v1/things/1'))).toBeNull()
  })
})
