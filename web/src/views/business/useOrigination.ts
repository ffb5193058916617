/** What the application and disbursement pages share: products by id (read once per tab), status colours. */
import { reactive } from 'vue'
import { client, unwrap, type Schemas } from '@/api/client'

export type Product = Schemas['Product']
export type Application = Schemas['Application']

const products = reactive(new Map<string, Product | null>())
let allLoaded: Promise<void> | null = null

/** Every product (the book has a handful), once per tab; a failure is retried on the next call. */
export function loadProducts(): Promise<void> {
  allLoaded ??= (async () => {
    try {
      for (let page = 1; page <= 20; page++) {
        const answer = await unwrap(client.GET('/api/v1/products', { params: { query: { page, page_size: 100 } } }))
        for (const product of answer.items) if (product.id) products.set(product.id, product)
        if (page * 100 >= answer.total) break
      }
    } catch (error) {
      allLoaded = null
      throw error
    }
  })()
  return allLoaded
}

export async function productOf(id: string | null | undefined): Promise<Product | null> {
  if (!id) return null
  if (!products.has(id)) {
    try {
      products.set(id, await unwrap(client.GET('/api/v1/products/{product_id}', { params: { path: { product_id: id } } })))
    } catch {
      products.set(id, null)
    }
  }
  return products.get(id) ?? null
}

export function useProducts() {
  return { products, get: (id: string | null | undefined) => (id ? products.get(id) ?? undefined : undefined) }
}

export const APPLICATION_STATUS_CODES = ['submitted', 'investigated', 'pending_second_approval', 'approved', 'rejected',
  'contracted'] as const

export function applicationTagType(status: string | undefined): 'info' | 'warning' | 'success' | 'danger' | 'primary' {
  switch (status) {
    case 'approved': case 'contracted': return 'success'
    case 'rejected': return 'danger'
    case 'investigated': case 'pending_second_approval': return 'warning'
    default: return 'info'
  }
}
