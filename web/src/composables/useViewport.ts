/** Whether the screen is phone-sized (below 768 px), kept up to date as it changes. */
import { onBeforeUnmount, ref } from 'vue'

export function useIsPhone() {
  const query = globalThis.matchMedia?.('(max-width: 767px)')
  const isPhone = ref(query?.matches ?? false)
  const update = (event: MediaQueryListEvent) => { isPhone.value = event.matches }
  query?.addEventListener('change', update)
  onBeforeUnmount(() => query?.removeEventListener('change', update))
  return isPhone
}
