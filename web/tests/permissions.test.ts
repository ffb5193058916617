import { describe, expect, it } from 'vitest'
import { groupPermissions, groupState, moduleOf, samePermissions, toggleGroup } from '@/utils/permissions'

const catalogue = [
  { code: 'customer.view', name: '查看客户' },
  { code: 'org.departments.view', name: '查看部门' },
  { code: 'audit.view', name: '查看审计记录' },
  { code: 'org.departments.manage', name: '管理部门' },
  { code: 'reports.view', name: '查看报表' },
  { code: 'loan.view', name: '查看贷款' },
]

describe('the permission matrix', () => {
  it('groups the catalogue by module in the modules\' order, unknown modules last', () => {
    const groups = groupPermissions(catalogue)
    expect(groups.map((g) => g.module)).toEqual(['org', 'customer', 'loan', 'audit', 'reports'])
    expect(groups[0].permissions.map((p) => p.code)).toEqual(['org.departments.view', 'org.departments.manage'])
  })

  it('leaves out modules with no permission', () => {
    expect(groupPermissions([{ code: 'audit.view', name: '' }]).map((g) => g.module)).toEqual(['audit'])
    expect(groupPermissions([])).toEqual([])
  })

  it('takes the module from the code\'s prefix', () => {
    expect(moduleOf('loan.approve.first')).toBe('loan')
    expect(moduleOf('odd')).toBe('odd')
  })

  it('says whether a group is wholly, partly or not selected', () => {
    const [org] = groupPermissions(catalogue)
    expect(groupState(org, [])).toBe('none')
    expect(groupState(org, ['org.departments.view', 'loan.view'])).toBe('some')
    expect(groupState(org, ['org.departments.manage', 'org.departments.view'])).toBe('all')
  })

  it('selects and clears a whole group, keeping the other groups\' selection', () => {
    const [org] = groupPermissions(catalogue)
    const on = toggleGroup(['loan.view', 'org.departments.view'], org, true)
    expect(on.sort()).toEqual(['loan.view', 'org.departments.manage', 'org.departments.view'])
    expect(new Set(on).size).toBe(on.length)
    expect(toggleGroup(on, org, false)).toEqual(['loan.view'])
  })

  it('compares selections as sets', () => {
    expect(samePermissions(['a', 'b'], ['b', 'a', 'a'])).toBe(true)
    expect(samePermissions(['a'], ['a', 'b'])).toBe(false)
  })
})
