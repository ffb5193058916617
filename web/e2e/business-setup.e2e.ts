/**
 * 业务中心 setup as staff use it: a loan officer's 还款试算 shows exactly the schedule the API computes (every row,
 * to the fen), and the administrator creates a loan product from the page and finds it in the list; on a desktop
 * and on a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { formatMoney, formatRate } from '../src/utils/money'
import { BASE_URL, PHONE, api, digits, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, openTab,
  screenshot, settle } from './support'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

interface Installment { no: number; due_date: string; principal: string; interest: string; total: string; balance_after: string }
interface Schedule { installments: Installment[]; total_interest: string; total_payment: string; apr: string }

/** The schedule table's rows as the page shows them, cell by cell. */
async function scheduleRows(page: Page): Promise<string[][]> {
  return page.locator('.schedule-table .el-table__body-wrapper tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell as HTMLElement).innerText.trim())))
}

/** Picks `name` in a select's option list (its placeholder lies over the input: the click goes where the box is). */
async function pick(page: Page, select: Locator, name: string): Promise<void> {
  await select.click({ force: true })
  await page.getByRole('option', { name, exact: true }).filter({ visible: true }).first().click()
}

/** "¥1,234.56" → "1234.56": what a money cell says, as the API's string. */
const plain = (text: string) => text.replace(/[¥,]/g, '')

async function calculate(page: Page) {
  await page.getByLabel('贷款金额（元）').fill('120000.00')
  await page.getByLabel('年利率（%）').fill('8.88')
  await page.getByLabel('期限（月）').fill('36')
  await page.getByLabel('期限（月）').blur()
  await pick(page, page.getByRole('combobox', { name: '还款方式' }), '等额本息')
  const startDate = await page.getByLabel('起息日').inputValue()
  await page.getByRole('button', { name: '试算' }).click()
  await page.locator('.schedule-table .el-table__body-wrapper tbody tr').first().waitFor()
  await settle(page)
  return startDate
}

describe('a loan officer uses the repayment calculator', () => {
  it('shows for 120,000.00 at 8.88 % over 36 months of 等额本息 exactly the installments the API returns', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', '/business/calculator')
    await page.waitForURL(`${BASE_URL}/business/calculator`)
    await settle(page)
    const startDate = await calculate(page)
    expect(startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    const expected = await api<Schedule>('loan_officer', 'POST', '/api/v1/calculator/schedule', {
      amount: '120000.00', annual_rate: '0.0888', term_months: 36, repayment_method: 'equal_installment',
      start_date: startDate,
    })
    expect(expected.installments).toHaveLength(36)
    const rows = await scheduleRows(page)
    expect(rows).toHaveLength(36)
    expect(rows).toEqual(expected.installments.map((row) => [String(row.no), row.due_date, formatMoney(row.principal),
      formatMoney(row.interest), formatMoney(row.total), formatMoney(row.balance_after)]))
    // To the fen: each money cell, separators taken away, is the API's own string.
    rows.forEach((row, index) => {
      const api = expected.installments[index]
      expect(row.slice(2).map(plain)).toEqual([api.principal, api.interest, api.total, api.balance_after])
    })
    expect(plain(await page.getByTestId('total-interest').innerText())).toBe(expected.total_interest)
    expect(plain(await page.getByTestId('total-payment').innerText())).toBe(expected.total_payment)
    expect(await page.getByTestId('apr').innerText()).toBe(formatRate(expected.apr))

    // 打印 and the download are offered once there is a schedule; the download holds the API's strings.
    await expect(page.getByRole('button', { name: '打印' }).isVisible()).resolves.toBe(true)
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click()])
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    const csv = Buffer.concat(chunks).toString('utf8')
    const first = expected.installments[0]
    expect(csv).toContain(`1,${first.due_date},${first.principal},${first.interest},${first.total},${first.balance_after}`)

    // Printed, the page is the result alone: no menu, no top bar, no form.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.shell-aside').isVisible()).toBe(false)
    expect(await page.locator('.topbar').isVisible()).toBe(false)
    expect(await page.getByLabel('贷款金额（元）').isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })

    await screenshot(page, 'business-calculator-desktop')
    expectClean(watch)
    await context.close()
  })

  it('works on a phone', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'loan_officer', '/business/calculator')
    await settle(page)
    await calculate(page)
    expect(await scheduleRows(page)).toHaveLength(36)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'business-calculator-phone')
    expectClean(watch)
    await context.close()
  })
})

describe('the administrator sets up a loan product', () => {
  const suffix = Date.now().toString(36).slice(-6).toUpperCase()
  const code = `A-E2E-${suffix}`
  const name = `测试车贷产品${suffix}`

  it('creates a product from the page and finds it in the list', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/business/products')
    await page.waitForURL(`${BASE_URL}/business/products`)
    await settle(page)

    await page.getByRole('button', { name: '新建产品' }).click()
    const dialog = page.getByRole('dialog', { name: '新建产品' })
    await dialog.waitFor()
    await dialog.getByLabel('产品编码').fill(code)
    await dialog.getByLabel('产品名称').fill(name)
    await pick(page, dialog.getByRole('combobox', { name: '还款方式' }), '等额本金')
    await dialog.getByLabel('年利率（%）').fill('9.6')
    await dialog.getByLabel('最短期限（月）').fill('12')
    await dialog.getByLabel('最长期限（月）').fill('48')
    await dialog.getByLabel('最低金额（元）').fill('30000.00')
    await dialog.getByLabel('最高金额（元）').fill('300000.00')
    await dialog.getByLabel('最高抵押率（%）').fill('75')
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await settle(page)

    const row = page.locator('.products-table .el-table__body-wrapper tbody tr', { hasText: code })
    await expect.poll(() => row.count()).toBe(1)
    const text = await row.innerText()
    expect(text).toContain(name)
    expect(text).toContain('等额本金')
    expect(text).toContain('9.60%')
    expect(text).toContain('75.00%')
    expect(text).toContain('¥30,000.00')
    expect(text).toContain('¥300,000.00')

    const products = await api<{ items: { code: string; annual_rate: string; max_ltv: string; min_amount: string }[] }>(
      'admin', 'GET', '/api/v1/products?page_size=100')
    const created = products.items.find((product) => product.code === code)
    expect(created).toMatchObject({ annual_rate: '0.096000', max_ltv: '0.750000', min_amount: '30000.00' })

    await screenshot(page, 'business-products-desktop')
    expectClean(watch)
    await context.close()
  })

  it('lists the products on a phone', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'admin', '/business/products')
    await settle(page)
    await expect.poll(() => page.locator('.products-table tbody tr', { hasText: code }).count()).toBe(1)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'business-products-phone')
    expectClean(watch)
    await context.close()
  })
})

describe('授信: a loan officer requests a credit line, someone else decides', () => {
  const customer = { name: `授信客户${digits(4)}`, id_number: newIdNumber('110101'), phone: `138${digits(8)}`, monthly_income: '22000.00' }
  const expiresOn = `${new Date().getUTCFullYear() + 1}-12-31`
  let customerId = ''

  beforeAll(async () => {
    customerId = (await api<{ id: string }>('loan_officer', 'POST', '/api/v1/customers/persons', customer)).id
  })

  it('the officer requests one for a customer found by search', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', '/business/credit-lines')
    await settle(page)
    await page.getByRole('button', { name: '申请授信' }).click()
    const dialog = page.getByRole('dialog', { name: '申请授信' })
    await dialog.waitFor()
    await dialog.getByRole('combobox', { name: '客户' }).fill(customer.id_number)
    await page.getByRole('option', { name: new RegExp(customer.name) }).click()
    await dialog.getByLabel('授信额度（元）').fill('200000.00')
    await dialog.getByLabel('到期日').fill(expiresOn)
    await dialog.getByLabel('到期日').press('Enter')
    await dialog.getByRole('button', { name: '提交' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.locator('.el-table__body-wrapper tbody tr', { hasText: customer.name })
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.innerText()).toMatch(/¥200,000\.00[\s\S]*待审批/)
    expectClean(watch)
    await context.close()
  })

  it('who requested a line may not decide it; another user approves', async () => {
    // The administrator requests one too, for the refusal of deciding one's own request.
    const ownLine = await api<{ id: string }>('admin', 'POST', '/api/v1/credit-lines', { customer_id: customerId, limit: '50000.00', expires_on: expiresOn })
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/business/credit-lines')
    await settle(page)
    const rows = page.locator('.el-table__body-wrapper tbody tr', { hasText: customer.name })
    await expect.poll(() => rows.count()).toBe(2)

    await rows.filter({ hasText: '¥50,000.00' }).getByRole('button', { name: '审批' }).click()
    let dialog = page.getByRole('dialog', { name: '授信审批' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: '批准' }).click()
    // The dialog says what the server said (maker ≠ checker), as the server said it.
    const refused = await api('admin', 'POST', `/api/v1/credit-lines/${ownLine.id}/decision`, { approve: true })
      .then(() => null, (error: Error) => JSON.parse(error.message.slice(error.message.indexOf(': ') + 2)))
    expect(refused).toMatchObject({ status: 403, code: 'SEGREGATION_OF_DUTIES' })
    await expect.poll(() => dialog.locator('.el-alert').innerText()).toContain(refused.detail)
    await dialog.getByRole('button', { name: '取消' }).click()
    await dialog.waitFor({ state: 'hidden' })

    await rows.filter({ hasText: '¥200,000.00' }).getByRole('button', { name: '审批' }).click()
    dialog = page.getByRole('dialog', { name: '授信审批' })
    await dialog.waitFor()
    await dialog.getByLabel('审批意见').fill('收入稳定，同意授信')
    await dialog.getByRole('button', { name: '批准' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => rows.filter({ hasText: '¥200,000.00' }).innerText()).toContain('已批准')

    const lines = await api<{ items: { limit: string; status: string; comment: string | null }[] }>(
      'admin', 'GET', `/api/v1/credit-lines?customer_id=${customerId}`)
    expect(lines.items.find((line) => line.limit === '200000.00')).toMatchObject({ status: 'approved', comment: '收入稳定，同意授信' })
    expect(lines.items.find((line) => line.limit === '50000.00')).toMatchObject({ status: 'pending' })
    await screenshot(page, 'business-credit-lines-desktop')
    expectClean(watch)
    await context.close()
  })
})
