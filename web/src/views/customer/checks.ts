/**
 * The customer forms' checks: as-you-type format checks of the fields (utils/validators, the customer service's
 * own rules) shown once a value is complete or the field was left, and the server's answer under the same fields
 * (it checks again and has the last word).
 */
import { reactive, ref, watch } from 'vue'
import { ApiProblem } from '@/api/problem'
import { useSubmit } from '@/composables/useForm'
import { i18n } from '@/i18n'
import { isMoneyInput } from '@/utils/money'
import { idNumberProblem, phoneProblem, usccProblem } from '@/utils/validators'

const t = (key: string) => i18n.global.t(key)

/** A field's check: its message, or null; `length`: from this many characters on it is checked as one types. */
export interface FieldCheck { check: (value: string) => string | null; length?: number }

export const required = (value: string) => (value.trim() ? null : t('customer.checks.required'))

export function idNumberMessage(value: string): string | null {
  const problem = idNumberProblem(value)
  return problem ? t(`customer.checks.idNumber.${problem}`) : null
}

export function phoneMessage(value: string): string | null {
  return phoneProblem(value) ? t('customer.checks.phone') : null
}

/** A credit code's refusal, or, unless the user accepted it, its failed check character. */
export function usccMessage(value: string, acceptWarning = false): string | null {
  const { error, warning } = usccProblem(value)
  if (error) return t('customer.checks.uscc.format')
  if (warning && !acceptWarning) return t('customer.checks.uscc.checkCharacter')
  return null
}

export function moneyMessage(value: string): string | null {
  return isMoneyInput(value.trim()) ? null : t('customer.checks.money')
}

/** Required and checked. */
export const mandatory = (check: (value: string) => string | null, length?: number): FieldCheck =>
  ({ check: (value) => required(value) ?? check(value), length })

/** Checked when given. */
export const optional = (check: (value: string) => string | null, length?: number): FieldCheck =>
  ({ check: (value) => (value.trim() ? check(value) : null), length })

/**
 * A form's field errors: the as-you-type check of a field once it is complete (its `length`) or was left, of
 * every field after a submit was tried; otherwise what the server answered for it, until the field changes.
 */
export function useCheckedForm<F extends Record<string, string>>(
  form: F, checks: () => Partial<Record<keyof F, FieldCheck>>,
) {
  const { fieldErrors, busy, submit, clear } = useSubmit()
  const touched = reactive<Record<string, boolean>>({})
  const attempted = ref(false)

  function localError(field: keyof F & string): string {
    const rule = checks()[field]
    if (!rule) return ''
    const value = form[field] ?? ''
    const complete = rule.length !== undefined && value.trim().length >= rule.length
    if (!attempted.value && !touched[field] && !complete) return ''
    return rule.check(value) ?? ''
  }

  function errorOf(field: keyof F & string): string {
    return localError(field) || fieldErrors.value[field] || ''
  }

  function touch(field: keyof F & string): void {
    touched[field] = true
  }

  /** Shows every field's check; true when none fails (then the form may go to the server). */
  function valid(): boolean {
    attempted.value = true
    const rules = checks()
    return Object.entries(rules).every(([field, rule]) => !rule || !rule.check(form[field] ?? ''))
  }

  function reset(): void {
    attempted.value = false
    for (const key of Object.keys(touched)) delete touched[key]
    clear()
  }

  // A field the user changes no longer shows what the server said of its old value.
  watch(() => ({ ...form }), (now, before) => {
    const stale = Object.keys(now).filter((field) => now[field] !== before[field] && fieldErrors.value[field])
    if (!stale.length) return
    const next = { ...fieldErrors.value }
    for (const field of stale) delete next[field]
    fieldErrors.value = next
  })

  return { busy, submit, errorOf, touch, valid, reset }
}

/** The id of the customer a 409 CUSTOMER_DUPLICATE names (its identity number is already registered). */
export function duplicateOf(error: unknown): string | null {
  if (error instanceof ApiProblem && error.code === 'CUSTOMER_DUPLICATE') {
    const id = error.body.existing_id
    return typeof id === 'string' ? id : null
  }
  return null
}

/** The body's optional text fields: blank is left out (the API's default, null). */
export function blankToNull(value: string): string | null {
  const trimmed = value.trim()
  return trimmed ? trimmed : null
}
