/**
 * 贷中 in the browser: a loan paid out 40 days ago (set up through the API, as tests/e2e/test_servicing.py does);
 * the finance clerk finds it in the loan book by its borrower, records the first installment by double-clicking
 * the submit button and exactly one repayment is booked (one Idempotency-Key per opened form), sees it in the
 * history with its voucher no and payer, then pays the loan off early from a quote and sees it settled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  addDays, api, BASE_URL, digits, disbursedLoan, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber,
  newVin, openTab, PHONE, screenshot, shanghaiToday, still,
} from './support'

interface Loan { id: string; contract_no: string; net_amount: string; status: string }
interface Installment { no: number; total: string; principal: string; interest: string }

describe('servicing: a repayment booked once on a double click, then the loan paid off early', () => {
  let browser: Browser
  const customer = { name: `贷中${digits(3)}`, id_number: newIdNumber('110101'), phone: `137${digits(8)}`, monthly_income: '20000.00' }
  const voucher = `HK${digits(10)}`
  const payer = '王付款'
  let loan: Loan
  let first: Installment
  let customerId: string

  beforeAll(async () => {
    const made = await disbursedLoan({
      customer,
      vehicle: { vin: newVin() },
      appraised: '300000.00',
      product: {
        code: `E2E-SVC-${digits(6)}`, name: '二手车按揭 12期', repayment_method: 'equal_installment',
        annual_rate: '0.088800', min_term_months: 6, max_term_months: 36, min_amount: '10000.00',
        max_amount: '500000.00', max_ltv: '0.80', grace_days: 3, prepayment_fee_rate: '0.02' },
      amount: '60000.00', termMonths: 12,
      signedOn: addDays(shanghaiToday(), -40),
    })
    customerId = made.customer.id
    loan = made.loan
    const schedule = await api<{ installments: Installment[] }>('finance_clerk', 'GET', `/api/v1/loans/${loan.id}/schedule`)
    first = schedule.installments[0]
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('the finance clerk opens the loan from the loan book and records a repayment by double-clicking: booked once', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', '/loans')
    await page.getByRole('heading', { name: '贷款台账' }).waitFor()
    await page.getByRole('combobox', { name: '借款人' }).fill(customer.id_number)
    await page.getByRole('option', { name: new RegExp(customer.name) }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('customer_id')).toBe(customerId) // a link keeps it
    await page.getByRole('link', { name: loan.contract_no }).click()
    await page.waitForURL(`${BASE_URL}/loans/${loan.id}`)
    await page.getByRole('heading', { name: loan.contract_no }).waitFor()
    await still(page)
    await screenshot(page, 'servicing-loan-desktop')

    const keys: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith(`/api/v1/loans/${loan.id}/repayments`)) {
        keys.push(request.headers()['idempotency-key'] ?? '')
      }
    })
    await page.getByRole('button', { name: '登记还款' }).click()
    const dialog = page.getByRole('dialog', { name: '登记还款' })
    await dialog.getByLabel('还款金额').fill('12.345')
    await dialog.getByText('请输入金额，最多两位小数').waitFor()
    await dialog.getByLabel('还款金额').fill(first.total)
    await dialog.getByLabel('凭证号').fill(voucher)
    await dialog.getByLabel('付款人').fill(payer)
    await dialog.getByRole('button', { name: '登记还款' }).dblclick()
    await dialog.getByText('本次还款分配').waitFor()

    const booked = await api<{ total: number; items: { voucher_no: string; payer_name: string;
      allocation: { principal: string; interest: string } }[] }>('finance_clerk', 'GET', `/api/v1/loans/${loan.id}/repayments`)
    expect(booked.total).toBe(1)
    // Every request this form sent carries its one key: a second one would have been answered from the first.
    expect(keys.length).toBeGreaterThanOrEqual(1)
    expect(new Set(keys).size).toBe(1)
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(booked.items[0]).toMatchObject({ voucher_no: voucher, payer_name: payer,
      allocation: { principal: first.principal, interest: first.interest } })
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()

    await page.getByRole('tab', { name: '还款记录' }).click()
    const row = page.getByRole('row').filter({ hasText: voucher })
    await row.waitFor()
    await expect.poll(() => row.textContent()).toContain(payer)
    expect(await page.getByRole('row').filter({ hasText: voucher }).count()).toBe(1)
    await page.getByRole('tab', { name: '还款计划' }).click()
    await expect.poll(() => page.getByRole('row').filter({ hasText: '已还清' }).count()).toBe(1)
    expectClean(watch)
    await context.close()
  })

  it('the loan book and the loan page (its schedule, one installment paid) on a desktop and a phone', async () => {
    for (const [name, viewport] of [['desktop', undefined], ['phone', PHONE]] as const) {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'finance_clerk', '/loans')
      await page.getByRole('heading', { name: '贷款台账' }).waitFor()
      await still(page)
      await screenshot(page, `servicing-loans-${name}`)
      await expectNoHorizontalScroll(page)
      await page.goto(`${BASE_URL}/loans/${loan.id}`)
      await page.getByRole('heading', { name: loan.contract_no }).waitFor()
      await still(page)
      await screenshot(page, `servicing-loan-schedule-${name}`)
      await expectNoHorizontalScroll(page)
      expectClean(watch)
      await context.close()
    }
  })

  it('a link opens the loan book filtered by DPD and grade, and 重置 clears the filters from the URL', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', `/loans?customer_id=${customerId}&min_dpd=91&classification=loss`)
    await page.getByRole('heading', { name: '贷款台账' }).waitFor()
    await page.getByText('暂无贷款').waitFor() // a loan paid out 40 days ago is neither 90 days late nor 损失
    const filter = (label: string) => page.locator('.filter-bar .el-form-item').filter({ hasText: label })
    expect(await filter('逾期天数').textContent()).toContain('逾期 90 天以上（PAR90）')
    expect(await filter('五级分类').textContent()).toContain('损失')
    await page.goto(`${BASE_URL}/loans?customer_id=${customerId}&max_dpd=${99_999}`)
    await page.getByRole('link', { name: loan.contract_no }).waitFor()
    expect(await filter('逾期天数').textContent()).toContain('逾期 99999 天及以内')
    await page.getByRole('button', { name: '重置' }).click()
    await expect.poll(() => new URL(page.url()).search).toBe('')
    expectClean(watch)
    await context.close()
  })

  it('a full early repayment is quoted, executed, and the loan shows settled', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', `/loans/${loan.id}`)
    await page.getByRole('heading', { name: loan.contract_no }).waitFor()
    await still(page)
    await page.getByRole('button', { name: '提前还款' }).click()
    const dialog = page.getByRole('dialog', { name: '提前还款' })
    await dialog.getByRole('button', { name: '试算' }).click()
    await dialog.getByText('试算结果').waitFor()
    await dialog.getByText('应付金额').waitFor()
    await dialog.getByRole('button', { name: '确认提前还款' }).dblclick()
    await dialog.getByText('贷款已结清').waitFor()
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()

    await page.getByText(/该贷款已于 .* 结清/).waitFor()
    const settled = await api<Loan>('finance_clerk', 'GET', `/api/v1/loans/${loan.id}`)
    expect(settled.status).toBe('settled')
    expect(await page.getByRole('button', { name: '登记还款' }).count()).toBe(0)
    expectClean(watch)
    await context.close()
  })
})
