/**
 * `v-permission="'loan.approve.first'"` (or a list: any one suffices) shows an element only to those allowed.
 * The element is hidden, not removed: Vue still patches its siblings against it, and a node taken out of the DOM
 * behind Vue's back breaks the next update of its parent.
 */
import type { Directive } from 'vue'

export type PermissionCheck = (required: string | string[]) => boolean

function apply(el: HTMLElement, allowed: boolean): void {
  if (allowed) {
    if (el.dataset.permissionHidden) {
      el.style.removeProperty('display')
      el.removeAttribute('aria-hidden')
      delete el.dataset.permissionHidden
    }
    return
  }
  el.style.setProperty('display', 'none', 'important')
  el.setAttribute('aria-hidden', 'true')
  el.dataset.permissionHidden = 'true'
}

export function permissionDirective(can: PermissionCheck): Directive<HTMLElement, string | string[]> {
  return {
    mounted(el, binding) { apply(el, can(binding.value)) },
    updated(el, binding) { apply(el, can(binding.value)) },
  }
}
