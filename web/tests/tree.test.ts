import { describe, expect, it } from 'vitest'
import { buildTree, filterTree, pathOf, type TreeNode } from '@/utils/tree'

interface Dept { id?: string; parent_id?: string | null; code: string; name: string }
const dept = (id: string, parent: string | null, code = id, name = `部门${id}`): Dept =>
  ({ id, parent_id: parent, code, name })

/** The tree as "code(children…)" so a test reads its shape at a glance. */
function shape(nodes: TreeNode<Dept>[]): string {
  return nodes.map((n) => (n.children.length ? `${n.code}(${shape(n.children)})` : n.code)).join(' ')
}

function count(nodes: TreeNode<Dept>[]): number {
  return nodes.reduce((sum, n) => sum + 1 + count(n.children), 0)
}

describe('the department tree from the flat list', () => {
  it('puts children under their parents, siblings by code, whatever order the list came in', () => {
    const tree = buildTree([dept('c', 'a'), dept('b', 'a'), dept('a', null), dept('d', 'b'), dept('e', null)])
    expect(shape(tree.roots)).toBe('a(b(d) c) e')
    expect(tree.byId.get('d')!.depth).toBe(2)
    expect(tree.orphans).toEqual([])
    expect(tree.cycles).toEqual([])
  })

  it('shows a department whose parent is missing as a root, marked', () => {
    const tree = buildTree([dept('a', null), dept('x', 'gone'), dept('y', 'x')])
    expect(shape(tree.roots)).toBe('a x(y)')
    expect(tree.orphans).toEqual(['x'])
    expect(tree.byId.get('x')!.orphan).toBe(true)
  })

  it('cuts a loop of parents at its lowest code, so every department still appears once', () => {
    // b under c, c under d, d under b: a loop; e hangs below it.
    const items = [dept('a', null), dept('c', 'b'), dept('d', 'c'), dept('b', 'd'), dept('e', 'd')]
    const tree = buildTree(items)
    expect(tree.cycles).toEqual(['b'])
    expect(tree.byId.get('b')!.cycle).toBe(true)
    expect(shape(tree.roots)).toBe('a b(c(d(e)))')
    expect(count(tree.roots)).toBe(items.length)
  })

  it('cuts a department that is its own parent', () => {
    const tree = buildTree([dept('a', 'a'), dept('b', 'a')])
    expect(tree.cycles).toEqual(['a'])
    expect(shape(tree.roots)).toBe('a(b)')
  })

  it('cuts two separate loops each once', () => {
    const tree = buildTree([dept('a', 'b'), dept('b', 'a'), dept('x', 'y'), dept('y', 'x'), dept('z', 'y')])
    expect(tree.cycles.sort()).toEqual(['a', 'x'])
    expect(shape(tree.roots)).toBe('a(b) x(y(z))')
  })

  it('keeps a department met twice once (it moved between two pages read), and skips rows without an id', () => {
    const tree = buildTree([dept('a', null), dept('b', 'a'), dept('b', null), { code: 'n', name: 'no id' }])
    expect(shape(tree.roots)).toBe('a(b)')
    expect(tree.byId.size).toBe(2)
  })

  it('is empty for an empty list', () => {
    expect(buildTree([]).roots).toEqual([])
  })

  it('handles a deep chain without recursion trouble', () => {
    const items = Array.from({ length: 2000 }, (_, i) => dept(`d${String(i).padStart(4, '0')}`,
      i ? `d${String(i - 1).padStart(4, '0')}` : null))
    const tree = buildTree(items)
    expect(tree.roots).toHaveLength(1)
    expect(tree.byId.get('d1999')!.depth).toBe(1999)
  })

  it('leaves the rows given unchanged', () => {
    const items = [dept('a', null), dept('b', 'a')]
    buildTree(items)
    expect(items[0]).toEqual(dept('a', null))
  })
})

describe('filtering the tree', () => {
  const tree = buildTree([dept('hq', null, 'HQ', '总公司'), dept('hz', 'hq', 'HZ', '杭州分公司'),
    dept('risk', 'hz', 'HZ-R', '风控部'), dept('sales', 'hz', 'HZ-S', '销售部'), dept('nb', 'hq', 'NB', '宁波分公司')])

  it('keeps a match with its ancestors', () => {
    expect(filterTree(tree.roots, (n) => n.name.includes('风控')).map((n) => n.code)).toEqual(['HQ'])
    expect(shape(filterTree(tree.roots, (n) => n.name.includes('风控')))).toBe('HQ(HZ(HZ-R))')
  })

  it('keeps all of a match\'s children', () => {
    // HZ matches: its children stay under it, its ancestor HQ around it, its sibling NB goes.
    expect(shape(filterTree(tree.roots, (n) => n.code === 'HZ'))).toBe('HQ(HZ(HZ-R HZ-S))')
  })

  it('finds nothing when nothing matches, and does not change the tree', () => {
    expect(filterTree(tree.roots, () => false)).toEqual([])
    expect(shape(tree.roots)).toBe('HQ(HZ(HZ-R HZ-S) NB)')
  })
})

describe('the path of a department', () => {
  it('names it from its root down', () => {
    const tree = buildTree([dept('hq', null, 'HQ', '总公司'), dept('hz', 'hq', 'HZ', '杭州分公司'),
      dept('risk', 'hz', 'HZ-R', '风控部')])
    expect(pathOf(tree, 'risk')).toBe('总公司 / 杭州分公司 / 风控部')
    expect(pathOf(tree, 'missing')).toBe('')
    expect(pathOf(tree, null)).toBe('')
  })

  it('stops at a loop instead of going round it', () => {
    const tree = buildTree([dept('a', 'b', 'A', '甲'), dept('b', 'a', 'B', '乙')])
    expect(pathOf(tree, 'b')).toBe('甲 / 乙')
  })
})
