/** The department tree from the flat list the API answers (each row with its `parent_id`). */

export interface FlatNode {
  id?: string
  parent_id?: string | null
  code?: string
  name?: string
}

export type TreeNode<T> = T & {
  children: TreeNode<T>[]
  /** How deep it sits: 0 at a root. */
  depth: number
  /** Its parent is not in the list (deleted, or outside what the caller may see): shown as a root. */
  orphan?: boolean
  /** Its ancestors loop back to it (bad data): the loop is cut here and it is shown as a root. */
  cycle?: boolean
}

export interface Tree<T> {
  roots: TreeNode<T>[]
  /** Every node by id. */
  byId: Map<string, TreeNode<T>>
  /** Ids of the nodes shown as roots because their parent is missing. */
  orphans: string[]
  /** Ids of the nodes where a loop of parents was cut. */
  cycles: string[]
}

function byCodeThenName(a: FlatNode, b: FlatNode): number {
  return (a.code ?? '').localeCompare(b.code ?? '') || (a.name ?? '').localeCompare(b.name ?? '')
}

/**
 * Builds the tree: children under their parent, siblings by code. Every row appears exactly once, whatever the
 * data: a row whose parent is missing becomes a root (`orphan`), and a loop of parents (A under B under A) is cut
 * at the member with the lowest code, which becomes a root (`cycle`). Rows without an id and repeated ids (a
 * department that moved between two pages read) are kept once, the first seen.
 */
export function buildTree<T extends FlatNode>(items: readonly T[]): Tree<T> {
  const byId = new Map<string, TreeNode<T>>()
  for (const item of items) {
    if (!item.id || byId.has(item.id)) continue
    byId.set(item.id, { ...item, children: [], depth: 0 })
  }
  const parentOf = (node: TreeNode<T>) => (node.parent_id && byId.has(node.parent_id) ? node.parent_id : null)

  const orphans: string[] = []
  const cycles: string[] = []
  const isRoot = new Set<string>()
  for (const node of byId.values()) {
    if (!node.parent_id) isRoot.add(node.id!)
    else if (!byId.has(node.parent_id)) {
      node.orphan = true
      orphans.push(node.id!)
      isRoot.add(node.id!)
    }
  }

  // Walk up from every node; a walk that comes back to a node it passed is a loop: cut it at its lowest code.
  const settled = new Set<string>() // reaches a root
  for (const start of byId.values()) {
    const path: string[] = []
    const onPath = new Set<string>()
    let current: string | null = start.id!
    while (current && !settled.has(current) && !isRoot.has(current) && !onPath.has(current)) {
      path.push(current)
      onPath.add(current)
      current = parentOf(byId.get(current)!)
    }
    if (current && onPath.has(current)) {
      const loop = path.slice(path.indexOf(current)).map((id) => byId.get(id)!)
      const cut = [...loop].sort(byCodeThenName)[0]
      cut.cycle = true
      cycles.push(cut.id!)
      isRoot.add(cut.id!)
    }
    for (const id of path) settled.add(id)
  }

  const roots: TreeNode<T>[] = []
  for (const node of byId.values()) {
    if (isRoot.has(node.id!)) roots.push(node)
    else byId.get(node.parent_id!)!.children.push(node)
  }
  const order = (nodes: TreeNode<T>[], depth: number) => {
    nodes.sort(byCodeThenName)
    for (const node of nodes) {
      node.depth = depth
      order(node.children, depth + 1)
    }
  }
  order(roots, 0)
  return { roots, byId, orphans, cycles }
}

/**
 * The nodes matching `keep`, with their ancestors (so each match is still seen where it sits) and, under a
 * match, all its children. Copies: the tree given is left as it is.
 */
export function filterTree<T>(nodes: readonly TreeNode<T>[], keep: (node: TreeNode<T>) => boolean): TreeNode<T>[] {
  const out: TreeNode<T>[] = []
  for (const node of nodes) {
    if (keep(node)) out.push(node)
    else {
      const children = filterTree(node.children, keep)
      if (children.length) out.push({ ...node, children })
    }
  }
  return out
}

/** The names from a root down to the node, e.g. "总公司 / 杭州分公司 / 风控部". */
export function pathOf<T extends FlatNode>(tree: Tree<T>, id: string | null | undefined, separator = ' / '): string {
  const names: string[] = []
  const seen = new Set<string>()
  let current = id ? tree.byId.get(id) : undefined
  while (current && !seen.has(current.id!)) {
    seen.add(current.id!)
    names.unshift(current.name ?? current.code ?? current.id!)
    if (current.cycle || current.orphan) break
    current = current.parent_id ? tree.byId.get(current.parent_id) : undefined
  }
  return names.join(separator)
}
