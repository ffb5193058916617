/** 我的待办: what waits for the logged-in employee, with counts per kind (GET /api/v1/inbox). */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface InboxItem {
  kind: string
  kind_label?: string
  id: string
  title: string
  summary?: string
  created_at?: string
  link?: string
}

interface InboxAnswer {
  items: InboxItem[]
  counts: Record<string, number>
  total: number
  unavailable?: string[]
}

export const useInbox = defineStore('inbox', () => {
  const items = ref<InboxItem[]>([])
  const counts = ref<Record<string, number>>({})
  const total = ref<number | null>(null)
  const unavailable = ref<string[]>([])
  const loading = ref(false)
  const error = ref<unknown>(null)

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      const { client, unwrap } = await import('@/api/client')
      // The inbox path is typed once the gateway's document lists it; until then it is called untyped.
      const answer = (await unwrap((client as any).GET('/api/v1/inbox'))) as InboxAnswer
      items.value = answer.items
      counts.value = answer.counts
      total.value = answer.total
      unavailable.value = answer.unavailable ?? []
      error.value = null
    } catch (cause) {
      error.value = cause
    } finally {
      loading.value = false
    }
  }

  return { items, counts, total, unavailable, loading, error, refresh }
})
