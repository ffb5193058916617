/** The permission matrix of a role: the catalogue grouped by module (the code's prefix), and group selection. */

export interface CatalogueEntry { code: string; name: string }

/** Modules in the order the matrix shows them; a prefix not listed here follows them, as first met. */
export const PERMISSION_MODULES = ['org', 'customer', 'blacklist', 'loan', 'collateral', 'finance', 'collection',
  'audit'] as const

export interface PermissionGroup<P extends CatalogueEntry = CatalogueEntry> {
  module: string
  permissions: P[]
}

export function moduleOf(code: string): string {
  const dot = code.indexOf('.')
  return dot === -1 ? code : code.slice(0, dot)
}

/** The catalogue in groups by module, each in the catalogue's own order. */
export function groupPermissions<P extends CatalogueEntry>(catalogue: readonly P[]): PermissionGroup<P>[] {
  const groups = new Map<string, P[]>()
  for (const module of PERMISSION_MODULES) groups.set(module, [])
  for (const entry of catalogue) {
    const module = moduleOf(entry.code)
    if (!groups.has(module)) groups.set(module, [])
    groups.get(module)!.push(entry)
  }
  return [...groups].filter(([, permissions]) => permissions.length).map(([module, permissions]) => ({
    module, permissions }))
}

export type GroupState = 'all' | 'some' | 'none'

export function groupState(group: PermissionGroup, selected: readonly string[]): GroupState {
  const chosen = new Set(selected)
  const count = group.permissions.filter((p) => chosen.has(p.code)).length
  if (count === 0) return 'none'
  return count === group.permissions.length ? 'all' : 'some'
}

/** The selection with every permission of the group added (`on`) or removed; the rest kept, in order. */
export function toggleGroup(selected: readonly string[], group: PermissionGroup, on: boolean): string[] {
  const codes = new Set(group.permissions.map((p) => p.code))
  const rest = selected.filter((code) => !codes.has(code))
  return on ? [...rest, ...group.permissions.map((p) => p.code)] : rest
}

/** Whether two selections hold the same permissions (order and repeats aside). */
export function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((code) => right.has(code))
}
