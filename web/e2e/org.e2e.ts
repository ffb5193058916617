/**
 * 组织架构 in the browser: the administrator builds a department (and one below it), is told why a department
 * cannot move under its own child, creates an employee in it with a role, and that employee logs in, changes the
 * first password as asked, and is in. Screenshots of the employees page and the role matrix, desktop and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  BASE_URL, DESKTOP, PHONE, expectClean, expectNoHorizontalScroll, launch, login, openTab, screenshot, settle,
} from './support'

const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`
const department = { code: `E2E-${tag}`.toUpperCase(), name: `测试部${tag}` }
const child = { code: `E2E-${tag}-A`.toUpperCase(), name: `测试组${tag}` }
const employee = { username: `e2e.${tag}`, password: 'Kd8#mQ2!vLx9', name: `测试员${tag.slice(-4)}`,
  phone: '13912345678' }
const nextPassword = 'Wn5$tR8@pZq3'

let browser: Browser

beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** Picks `name` in the open tree or option list of a select (its popper is the one visible). */
async function pick(page: Page, select: Locator, name: string, role: 'treeitem' | 'option'): Promise<void> {
  // A person clicks the box; its placeholder lies over the input, so the click goes to where the box is.
  await select.click({ force: true })
  if (role === 'treeitem') {
    await select.fill(name)
    await page.getByRole('treeitem').filter({ visible: true }).getByText(name, { exact: true }).first().click()
  } else {
    await page.getByRole('option', { name, exact: true }).filter({ visible: true }).first().click()
  }
  // The choice made, the list must be out of the way before the next click (a busy machine closes it late, and
  // an open list lies over the dialog's buttons): a person clicks beside it when it lingers.
  const open = page.getByRole(role).filter({ visible: true }).first()
  try {
    await open.waitFor({ state: 'hidden', timeout: 3_000 })
  } catch {
    await select.press('Tab')
    await open.waitFor({ state: 'hidden' })
  }
}

async function gone(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'hidden' })
}

describe('组织架构 (organisation)', () => {
  it('an administrator creates a department and one below it; a move under its own child is refused', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/org/departments')
    await settle(page)

    await page.getByRole('button', { name: '新建部门' }).click()
    let dialog = page.getByRole('dialog', { name: '新建部门' })
    await dialog.getByLabel('部门编码').fill(department.code)
    await dialog.getByLabel('部门名称').fill(department.name)
    await dialog.getByRole('button', { name: '保存' }).click()
    await gone(dialog)
    await page.getByRole('cell', { name: department.code, exact: true }).waitFor()

    await page.getByRole('button', { name: `新增下级 ${department.name}` }).click()
    dialog = page.getByRole('dialog', { name: '新建部门' })
    await dialog.getByLabel('部门编码').fill(child.code)
    await dialog.getByLabel('部门名称').fill(child.name)
    await dialog.getByRole('button', { name: '保存' }).click()
    await gone(dialog)
    await page.getByRole('cell', { name: child.code, exact: true }).waitFor()

    // The child sits under its parent in the tree: the parent's row comes first, the child's is indented.
    const rows = page.getByRole('row')
    const names = await rows.allInnerTexts()
    const parentRow = names.findIndex((text) => text.includes(department.code))
    expect(names[parentRow + 1]).toContain(child.code)

    // Moving the department under its own child: the server's refusal shows under the parent field.
    await page.getByRole('button', { name: `编辑 ${department.name}`, exact: true }).click()
    dialog = page.getByRole('dialog', { name: '编辑部门' })
    await pick(page, dialog.getByRole('combobox', { name: '上级部门' }), child.name, 'treeitem')
    await dialog.getByRole('button', { name: '保存' }).click()
    // (the message under the field is the gateway's: it names the loop, in Chinese or, for now, in English)
    await dialog.getByText(/下级|成环|cycle/).first().waitFor()
    await dialog.getByRole('button', { name: '取消' }).click()
    await gone(dialog)

    expectClean(watch)
    await context.close()
  })

  it('an administrator creates an employee in it, found by department with the phone masked', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/org/employees')
    await settle(page)

    await page.getByRole('button', { name: '新建员工' }).click()
    const dialog = page.getByRole('dialog', { name: '新建员工' })
    await dialog.getByLabel('用户名').fill(employee.username)
    await dialog.getByLabel('初始密码').fill(employee.password)
    await dialog.getByLabel('姓名').fill(employee.name)
    await dialog.getByLabel('手机号').fill(employee.phone)
    await pick(page, dialog.getByRole('combobox', { name: '部门' }), department.name, 'treeitem')
    await pick(page, dialog.getByRole('combobox', { name: '角色' }), '客户经理', 'option')
    await dialog.getByRole('heading', { name: '新建员工' }).click() // closes the role list
    expect(await dialog.getByRole('checkbox', { name: '首次登录时须修改密码' }).isChecked()).toBe(true)
    await dialog.getByRole('button', { name: '保存' }).click()
    await gone(dialog)

    // Found by the department filter, with the phone masked, the department and the role by name.
    await pick(page, page.getByRole('combobox', { name: '部门' }), department.name, 'treeitem')
    await page.getByRole('button', { name: '查询' }).click()
    const row = page.getByRole('row').filter({ hasText: employee.username })
    await row.waitFor()
    const text = await row.innerText()
    expect(text).toContain('139****5678')
    expect(text).toContain(department.name)
    expect(text).toContain('客户经理')
    expect(text).toContain('在职')

    // The administrator may see the whole number (audited).
    await row.getByRole('button', { name: '显示' }).click()
    await row.getByText(employee.phone).waitFor()

    await page.reload()
    await settle(page)
    await screenshot(page, 'org-employees-desktop')
    await expectNoHorizontalScroll(page)
    expectClean(watch)
    await context.close()
  })

  it('the employees page on a phone: filters stacked, the table scrolling in its card, the form fitting',
    async () => {
      const { context, page, watch } = await openTab(browser, PHONE)
      await login(page, 'admin', '/org/employees')
      await settle(page)
      await page.getByRole('row').filter({ hasText: employee.username }).first().waitFor({ state: 'attached' })
      await screenshot(page, 'org-employees-phone')
      await expectNoHorizontalScroll(page)
      await page.getByRole('button', { name: '新建员工' }).click()
      await page.getByRole('dialog', { name: '新建员工' }).getByLabel('用户名').waitFor()
      await expectNoHorizontalScroll(page)
      expectClean(watch)
      await context.close()
    })

  it('the role matrix shows each module\'s permissions by name, with a select-all', async () => {
    const { context, page, watch } = await openTab(browser, DESKTOP)
    await login(page, 'admin', '/org/roles')
    await settle(page)
    await page.getByRole('button', { name: '编辑 客户经理' }).click()
    const drawer = page.getByRole('dialog', { name: /客户经理/ })
    await drawer.getByText('查看客户', { exact: true }).waitFor()
    expect(await drawer.getByRole('checkbox', { name: '查看客户' }).isChecked()).toBe(true)
    expect(await drawer.getByRole('checkbox', { name: '一级审批' }).isChecked()).toBe(false)
    expect(await drawer.getByRole('radio', { name: '本人' }).isChecked()).toBe(true)
    for (const module of ['组织架构', '客户管理', '黑名单', '贷款业务', '抵押物管理', '财务管理', '贷后管理', '审计']) {
      await drawer.getByRole('group', { name: module, exact: true }).waitFor()
    }
    // Select all of a group, then clear it again: nothing is saved.
    const all = drawer.getByRole('checkbox', { name: '全选财务管理权限' })
    // The box itself is drawn over a hidden input: the click goes to the input, as a person's on the box does.
    await all.dispatchEvent('click')
    expect(await drawer.getByRole('checkbox', { name: '导出报表' }).isChecked()).toBe(true)
    await all.dispatchEvent('click')
    expect(await drawer.getByRole('checkbox', { name: '导出报表' }).isChecked()).toBe(false)

    await screenshot(page, 'org-roles-matrix-desktop')
    await drawer.getByRole('button', { name: '取消' }).click()
    await gone(drawer)
    expectClean(watch)
    await context.close()

    const phone = await openTab(browser, PHONE)
    await login(phone.page, 'admin', '/org/roles')
    await settle(phone.page)
    await phone.page.getByRole('button', { name: '编辑 客户经理' }).click()
    await phone.page.getByRole('dialog', { name: /客户经理/ }).getByText('查看客户', { exact: true }).waitFor()
    await phone.page.waitForTimeout(400) // the drawer's opening animation
    await screenshot(phone.page, 'org-roles-matrix-phone')
    await expectNoHorizontalScroll(phone.page)
    expectClean(phone.watch)
    await phone.context.close()
  })

  it('the new employee logs in, changes the first password as asked, and is in', async () => {
    const { context, page, watch } = await openTab(browser)
    await page.goto(`${BASE_URL}/login`)
    await page.getByLabel('用户名').fill(employee.username)
    await page.getByLabel('密码', { exact: true }).fill(employee.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL((url) => url.pathname === '/account/password')
    await page.getByLabel('当前密码').fill(employee.password)
    await page.getByLabel('新密码', { exact: true }).fill(nextPassword)
    await page.getByLabel('确认新密码').fill(nextPassword)
    await page.getByRole('button', { name: '保存' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.getByTestId('current-user').getByText(employee.name).waitFor()

    expectClean(watch)
    await context.close()
  })

  it('the audit log, filtered by the employee, shows their login and password change', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/org/audit-log')
    await settle(page)
    await page.getByLabel('操作人').fill(employee.username)
    await Promise.all([
      page.waitForResponse((response) => response.url().includes('/api/v1/audit-log?')
        && response.url().includes(`actor=${encodeURIComponent(employee.username)}`)),
      page.getByRole('button', { name: '查询' }).click(),
    ])
    await settle(page)
    // Only the employee's records: their login and their password change, newest first.
    const rows = page.getByRole('row').filter({ hasText: employee.username })
    await rows.filter({ hasText: '修改密码' }).first().waitFor()
    await rows.filter({ hasText: '登录' }).first().waitFor()
    const texts = await page.getByRole('row').allInnerTexts()
    expect(texts.slice(1).every((text) => text.includes(employee.username))).toBe(true)
    await screenshot(page, 'org-audit-desktop')
    await expectNoHorizontalScroll(page)

    expectClean(watch)
    await context.close()
  })
})
