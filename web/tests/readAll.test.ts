import { describe, expect, it } from 'vitest'
import { readAll } from '@/api/org'

function pages(total: number) {
  const asked: number[] = []
  const fetchPage = async (page: number, pageSize: number) => {
    asked.push(page)
    const start = (page - 1) * pageSize
    const items = Array.from({ length: Math.max(0, Math.min(pageSize, total - start)) }, (_, i) => start + i)
    return { items, total, page, page_size: pageSize }
  }
  return { asked, fetchPage }
}

describe('reading a whole list page by page', () => {
  it('reads every page of a long list', async () => {
    const { asked, fetchPage } = pages(250)
    const items = await readAll(fetchPage, 100)
    expect(items).toHaveLength(250)
    expect(items[249]).toBe(249)
    expect(asked).toEqual([1, 2, 3])
  })

  it('stops after a full last page without asking for an empty one', async () => {
    const { asked, fetchPage } = pages(200)
    expect(await readAll(fetchPage, 100)).toHaveLength(200)
    expect(asked).toEqual([1, 2])
  })

  it('reads one page of a short or empty list', async () => {
    const { asked, fetchPage } = pages(0)
    expect(await readAll(fetchPage, 100)).toEqual([])
    expect(asked).toEqual([1])
  })
})
