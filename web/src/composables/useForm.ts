/** A form that submits to the gateway: field errors from problem+json under their fields, the rest as a message. */
import { ref } from 'vue'
import { ApiProblem } from '@/api/problem'
import { notifyError } from '@/utils/notify'

export function useSubmit() {
  const fieldErrors = ref<Record<string, string>>({})
  const busy = ref(false)

  /** Runs `action`; on a problem with field errors they are shown under the fields, otherwise as a message. */
  async function submit<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    fieldErrors.value = {}
    try {
      return await action()
    } catch (error) {
      // The detail always shows as a message too: a field error may name a field this form does not have.
      if (error instanceof ApiProblem) fieldErrors.value = error.fieldErrors
      notifyError(error)
      return undefined
    } finally {
      busy.value = false
    }
  }

  function errorOf(field: string): string {
    return fieldErrors.value[field] ?? ''
  }

  function clear(): void {
    fieldErrors.value = {}
  }

  return { fieldErrors, busy, submit, errorOf, clear }
}
