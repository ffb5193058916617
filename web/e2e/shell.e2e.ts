/** The shell as each employee meets it: login, the menus their permissions allow, 403, an expired session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import zhCN from '@/i18n/zh-CN'
import { menuFor } from '@/layout/menu'
import { pageRoutes } from '@/router/routes'
import { BASE_URL, DESKTOP, PHONE, USERS, api, expectClean, expectNoHorizontalScroll, launch, login, openTab,
  screenshot, settle } from './support'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

function label(key: string): string {
  return key.split('.').reduce<any>((node, part) => node?.[part], zhCN) ?? key
}

/** The menu entries shown (leaves, in order), as the person reads them. */
async function menuEntries(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: '菜单' })
  await nav.waitFor()
  return nav.evaluate((element) => [...element.querySelectorAll('li[role="menuitem"]:not(.el-sub-menu)')]
    .map((item) => (item as HTMLElement).innerText.replace(/\s*\d+\+?\s*$/, '').trim()))
}

describe('logging in', () => {
  it('says so when the password is wrong, and lets the right one in', async () => {
    const { context, page, watch } = await openTab(browser)
    await page.goto(`${BASE_URL}/login`)
    await screenshot(page, 'login-desktop')
    await page.getByLabel('用户名').fill(USERS.loan_officer.username)
    await page.getByLabel('密码', { exact: true }).fill('not-the-password-1')
    await page.getByRole('button', { name: '登录' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/\S/)
    expect(page.url()).toContain('/login')
    await page.getByLabel('密码', { exact: true }).fill(USERS.loan_officer.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(`${BASE_URL}/`)
    await expect.poll(() => page.getByTestId('current-user').innerText()).toContain('测试员工')
    expectClean(watch)
    await context.close()
  })

  it('fits a phone screen', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await page.goto(`${BASE_URL}/login`)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'login-phone')
    expectClean(watch)
    await context.close()
  })
})

describe('each built-in role sees exactly the menus its permissions allow', () => {
  for (const role of Object.keys(USERS)) {
    it(role, async () => {
      const me = await api(role, 'GET', '/api/v1/me')
      const held = new Set<string>(me.permissions)
      const can = (required?: string | string[]) => !required || [required].flat().some((code) => held.has(code))
      const expected = menuFor(can).flatMap((section) => section.items.map((item) => label(item.title)))

      const { context, page, watch } = await openTab(browser)
      await login(page, role)
      expect(await menuEntries(page)).toEqual(expected)
      expectClean(watch)
      await context.close()
    })
  }

  it('gives the administrator the organisation and a loan officer not', async () => {
    const { context, page } = await openTab(browser)
    await login(page, 'admin')
    expect(await menuEntries(page)).toEqual(expect.arrayContaining(['员工管理', '角色权限', '客户列表', '车辆']))
    await context.close()
    const officer = await openTab(browser)
    await login(officer.page, 'loan_officer')
    expect(await menuEntries(officer.page)).not.toContain('员工管理')
    await officer.context.close()
  })
})

describe('a page one may not open', () => {
  it('shows the 403 page, not a broken table', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'collector')
    await page.goto(`${BASE_URL}/org/roles`)
    await expect.poll(() => page.getByText('无权访问').count()).toBeGreaterThan(0)
    expect(await page.getByRole('table').count()).toBe(0)
    expectClean(watch)
    await context.close()
  })
})

describe('an expired session', () => {
  it('returns to login with a message, then back to the page one was on', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin')
    await page.evaluate((token) => sessionStorage.setItem('carloan.token', token),
      process.env.CARLOAN_E2E_EXPIRED_TOKEN!)
    await page.goto(`${BASE_URL}/org/employees?page=1`)
    await page.waitForURL(/\/login\?redirect=/)
    await expect.poll(() => page.getByRole('status').innerText()).toMatch(/\S/)
    await page.getByLabel('用户名').fill(USERS.admin.username)
    await page.getByLabel('密码', { exact: true }).fill(USERS.admin.password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(`${BASE_URL}/org/employees?page=1`)
    expectClean(watch)
    await context.close()
  })
})

describe('every page renders on a desktop and on a phone', () => {
  const pages = pageRoutes.filter((route) => !route.path.includes(':'))
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`as the administrator, ${size}`, async () => {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'admin')
      for (const route of pages) {
        await page.goto(`${BASE_URL}/${route.path}`)
        await settle(page)
        await expect.poll(() => page.locator('main').count(), { message: route.path }).toBeGreaterThan(0)
        if (size === 'phone') await expectNoHorizontalScroll(page)
        if (size === 'phone' && route.name === 'inbox') {  // to-dos as cards, not a table squeezed sideways
          await page.getByRole('list', { name: '我的待办' }).waitFor()
          expect(await page.getByRole('table').count()).toBe(0)
        }
        if (route.name === 'inbox' || route.name === 'home') await screenshot(page, `${String(route.name)}-${size}`)
      }
      expect(watch.problems, 'console errors or failed requests').toEqual([])
      await context.close()
    })
  }
})
