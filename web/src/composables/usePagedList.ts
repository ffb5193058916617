/** A server-paginated list with filters: what every list page of the console shows. */
import { reactive, ref, shallowRef } from 'vue'
import type { Page } from '@/api/client'
import { notifyError } from '@/utils/notify'

export interface ListQuery { page: number; page_size: number }

export function usePagedList<T, F extends Record<string, unknown>>(
  fetchPage: (query: ListQuery & Partial<F>) => Promise<Page<T>>,
  initialFilters: F,
  pageSize = 20,
) {
  const filters = reactive({ ...initialFilters }) as F
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const page = ref(1)
  const size = ref(pageSize)
  const loading = ref(false)
  const loaded = ref(false)
  let latest = 0

  /** Filters with empty values left out, so the API applies its defaults. */
  function activeFilters(): Partial<F> {
    return Object.fromEntries(
      Object.entries(filters).filter(([, value]) => value !== '' && value !== null && value !== undefined),
    ) as Partial<F>
  }

  async function load(): Promise<void> {
    const ticket = ++latest
    loading.value = true
    try {
      const answer = await fetchPage({ ...activeFilters(), page: page.value, page_size: size.value })
      if (ticket !== latest) return // a later request has the user's newest filters
      items.value = answer.items
      total.value = answer.total
      loaded.value = true
    } catch (error) {
      if (ticket === latest) notifyError(error)
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  function search(): Promise<void> {
    page.value = 1
    return load()
  }

  function reset(): Promise<void> {
    Object.assign(filters, initialFilters)
    return search()
  }

  function changePage(next: number): Promise<void> {
    page.value = next
    return load()
  }

  function changeSize(next: number): Promise<void> {
    size.value = next
    page.value = 1
    return load()
  }

  return { filters, items, total, page, size, loading, loaded, load, search, reset, changePage, changeSize }
}
