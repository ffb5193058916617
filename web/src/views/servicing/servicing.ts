/** What the servicing pages derive from the API's answers for display: an installment's state, the schedule as
 * CSV, and the loan's history put together from what the detail, schedule, repayments and requests say. */
import type { Schemas } from '@/api/client'
import { toCsv } from '@/utils/csv'

type Installment = Schemas['Installment']
type Loan = Schemas['Loan']
type Repayment = Schemas['Repayment']
type Reversal = Schemas['Reversal']
type Extension = Schemas['Extension']

export type InstallmentState = 'paid' | 'prepaid' | 'overdue' | 'due' | 'partial' | 'pending'

/**
 * How an installment is shown: the server's status (paid, prepaid, overdue — close of business marks it), and
 * "due" for one still open whose due date has come (today is a business date, YYYY-MM-DD).
 */
export function installmentState(line: Installment, today: string): InstallmentState {
  const status = line.status ?? 'pending'
  if (status === 'paid' || status === 'prepaid' || status === 'overdue') return status
  if (line.due_date && line.due_date <= today) return 'due'
  return status === 'partial' ? 'partial' : 'pending'
}

/** The columns of the schedule's CSV, in order: the API's field and the header shown. */
export const SCHEDULE_FIELDS = [
  'no', 'due_date', 'principal', 'interest', 'fees', 'penalty', 'total', 'paid_principal', 'paid_interest',
  'paid_fees', 'paid_penalty', 'balance_after', 'status',
] as const satisfies readonly (keyof Installment)[]

/** The schedule as CSV: the API's strings as they are (amounts never reformatted), `headers` by field. */
export function scheduleCsv(lines: Installment[], headers: Record<(typeof SCHEDULE_FIELDS)[number], string>,
  statusLabel: (line: Installment) => string = (line) => line.status ?? ''): string {
  const head = SCHEDULE_FIELDS.map((field) => headers[field])
  const body = lines.map((line) => SCHEDULE_FIELDS.map((field) => (field === 'status' ? statusLabel(line) : line[field])))
  return toCsv([head, ...body])
}

export type TimelineTone = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export interface TimelineEvent {
  /** ISO date or timestamp, as the API gave it. */
  at: string
  /** i18n key under `servicing.event`. */
  kind: string
  params: Record<string, string | number>
  tone: TimelineTone
}

function instant(at: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00+08:00` : at)
  return Number.isNaN(ms) ? 0 : ms
}

export interface TimelineSources {
  loan: Loan
  installments?: Installment[]
  repayments?: Repayment[]
  reversals?: Reversal[]
  extensions?: Extension[]
}

/**
 * The loan's history, newest first, from what the API answers (it has no event feed of a loan): signing,
 * disbursement, repayments and their reversals, overdue installments, extensions, settlement. Amounts stay the
 * API's strings (`money` formats them for display).
 */
export function buildTimeline(sources: TimelineSources, money: (value: string | undefined) => string = (v) => v ?? '',
  channel: (code: string) => string = (code) => code): TimelineEvent[] {
  const { loan } = sources
  const events: TimelineEvent[] = []
  const push = (at: string | null | undefined, kind: string, tone: TimelineTone, params: TimelineEvent['params'] = {}) => {
    if (at) events.push({ at, kind, params, tone })
  }
  push(loan.signed_on, 'signed', 'primary')
  const disbursement = loan.disbursement
  if (disbursement && 'registered_at' in disbursement) {
    // Paid out: on its business date; registered and waiting for (or returned by) the review: when registered.
    if (disbursement.status === 'approved') {
      push(disbursement.disbursed_on ?? loan.disbursed_on ?? disbursement.reviewed_at, 'disbursed', 'success',
        { amount: money(disbursement.amount), voucher: disbursement.voucher_no ?? '—' })
    } else {
      push(disbursement.registered_at, 'disbursementRegistered', 'info', { amount: money(disbursement.amount) })
    }
  }
  for (const line of sources.installments ?? []) {
    if (line.status === 'overdue') push(line.due_date, 'overdue', 'danger', { no: line.no ?? '' })
  }
  for (const repayment of sources.repayments ?? []) {
    // The date the money was paid (a repayment may be recorded days later).
    push(repayment.paid_on ?? repayment.created_at, 'repayment', 'success',
      { amount: money(repayment.amount), channel: channel(repayment.channel) })
  }
  for (const reversal of sources.reversals ?? []) {
    const repayment = sources.repayments?.find((r) => r.id === reversal.repayment_id)
    push(reversal.created_at, 'reversalRequested', 'warning', { reason: reversal.reason ?? '' })
    if (reversal.status === 'approved') {
      push(reversal.decided_at, 'repaymentReversed', 'danger', { amount: money(repayment?.amount ?? reversal.repayment?.amount) })
    } else if (reversal.status === 'rejected') {
      push(reversal.decided_at, 'reversalDecided', 'info', { status: reversal.status })
    }
  }
  for (const extension of sources.extensions ?? []) {
    push(extension.created_at, 'extensionRequested', 'warning', { months: extension.extra_months })
    if (extension.status && extension.status !== 'pending') {
      push(extension.decided_at, 'extensionDecided', extension.status === 'approved' ? 'success' : 'info',
        { status: extension.status })
    }
  }
  push(loan.settled_on, 'settled', 'success')
  return events
    .map((event, index) => ({ event, index, time: instant(event.at) }))
    .sort((a, b) => b.time - a.time || b.index - a.index)
    .map(({ event }) => event)
}
