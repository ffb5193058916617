/** 我的待办: what waits for the logged-in employee, with counts per kind (GET /api/v1/inbox). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { client, unwrap, type Schemas } from '@/api/client'

export type InboxItem = Schemas['InboxItem']

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
      const answer = await unwrap(client.GET('/api/v1/inbox', { params: { query: { limit: 100 } } }))
      items.value = answer.items
      counts.value = answer.counts
      total.value = answer.total
      unavailable.value = answer.unavailable
      error.value = null
    } catch (cause) {
      error.value = cause
    } finally {
      loading.value = false
    }
  }

  return { items, counts, total, unavailable, loading, error, refresh }
})
