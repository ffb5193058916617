/** 组织架构 calls the pages share: whole lists (departments, positions, roles) read page by page. */
import { client, unwrap, type Page, type Schemas } from './client'

export type Department = Schemas['Department']
export type Position = Schemas['Position']
export type Role = Schemas['Role']
export type Employee = Schemas['Employee']
export type Permission = Schemas['Permission']

/** The API's largest page. */
export const MAX_PAGE_SIZE = 100
/** A list longer than this many pages is cut (a safety net: lists of the organisation are short). */
const MAX_PAGES = 200

/** Every item of a paginated list: page after page until `total` is reached or a page comes back short. */
export async function readAll<T>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>,
  pageSize = MAX_PAGE_SIZE): Promise<T[]> {
  const items: T[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await fetchPage(page, pageSize)
    items.push(...answer.items)
    if (answer.items.length < pageSize || items.length >= answer.total) break
  }
  return items
}

export function allDepartments(): Promise<Department[]> {
  return readAll((page, page_size) =>
    unwrap(client.GET('/api/v1/departments', { params: { query: { page, page_size } } })))
}

export function allPositions(): Promise<Position[]> {
  return readAll((page, page_size) =>
    unwrap(client.GET('/api/v1/positions', { params: { query: { page, page_size } } })))
}

export function allRoles(): Promise<Role[]> {
  return readAll((page, page_size) => unwrap(client.GET('/api/v1/roles', { params: { query: { page, page_size } } })))
}

export function allPermissions(): Promise<Permission[]> {
  return unwrap(client.GET('/api/v1/permissions'))
}
