/** `v-permission="'loan.approve.first'"` (or a list: any one suffices) keeps an element only for those allowed. */
import type { Directive } from 'vue'

export type PermissionCheck = (required: string | string[]) => boolean

export function permissionDirective(can: PermissionCheck): Directive<HTMLElement, string | string[]> {
  return {
    mounted(el, binding) {
      if (!can(binding.value)) el.remove()
    },
    updated(el, binding) {
      if (!can(binding.value)) el.remove()
    },
  }
}
