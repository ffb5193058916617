/** Labels of the loan codes the 业务中心 pages choose from before the API answers (its `*_label` fields win after). */
import { i18n } from '@/i18n'
import type { Schemas } from '@/api/client'

export type RepaymentMethod = Schemas['Product']['repayment_method']
export type Allocation = NonNullable<Schemas['Product']['allocation']>

/** Every repayment method the API accepts (gateway METHODS), in the loan domain's order. */
export const METHODS: RepaymentMethod[] = ['equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat']
export const ALLOCATIONS: Allocation[] = ['installment_first', 'type_first']
export const LINE_STATUSES = ['pending', 'approved', 'rejected'] as const

function known(key: string, code: string | null | undefined): string {
  if (!code) return '—'
  const path = `business.${key}.${code}`
  return i18n.global.te(path) ? i18n.global.t(path) : code
}

export const methodLabel = (code: string | null | undefined) => known('method', code)
export const allocationLabel = (code: string | null | undefined) => known('allocation', code)
export const lineStatusLabel = (code: string | null | undefined) => known('lineStatus', code)
