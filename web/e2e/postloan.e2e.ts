/**
 * 贷后管理 in the browser: a loan paid out weeks ago is closed past its first due date, so a collection task opens
 * for the branch's collector, who sees it on the board and records a promise to pay from the task page; the
 * post-loan manager sees the loan's five-level grade; the administrator closes the next business date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  addDays, api, BASE_URL, DESKTOP, digits, disbursedLoan, expectClean, expectNoHorizontalScroll, launch, login,
  newIdNumber, newVin, openTab, PHONE, screenshot, shanghaiToday, still, until,
} from './support'

interface Cob { business_date?: string; status?: string }

/** Close business dates up to `day` through the API, waiting for the replicas when the answer is 202. */
async function closeUpTo(day: string): Promise<void> {
  const run = await api<Cob>('admin', 'POST', '/api/v1/cob', { business_date: day })
  if (run.status === 'done') return
  await until(async () => {
    const now = await api<Cob>('admin', 'GET', '/api/v1/cob')
    return now.status === 'done' && (now.business_date ?? '') >= day
  }, `the close of business up to ${day}`, 110)
}

describe('post-loan: an overdue loan chased, graded, and the next business date closed', () => {
  let browser: Browser
  let loanId = ''
  let contractNo = ''
  let taskId = ''

  beforeAll(async () => {
    const { loan } = await disbursedLoan({
      product: {
        code: `PL${digits(8)}`, name: '二手车按揭 24期', repayment_method: 'equal_installment', annual_rate: '0.088800',
        min_term_months: 12, max_term_months: 36, min_amount: '10000.00', max_amount: '500000.00', max_ltv: '0.80',
        grace_days: 3, prepayment_fee_rate: '0.02', upfront_fees: [{ name: 'GPS费', amount: '1500.00' }],
      },
      customer: { name: '钱逾期', id_number: newIdNumber('110101'), phone: `139${digits(8)}`, monthly_income: '15000.00' },
      vehicle: { vin: newVin() },
      appraised: '300000.00',
      amount: '120000.00', termMonths: 24,
      signedOn: addDays(shanghaiToday(), -45),
    })
    loanId = loan.id
    contractNo = loan.contract_no

    // Close of business past the first due date (and grace): overdue, so a task opens for the collector.
    const schedule = await api<{ installments: { due_date: string }[] }>('loan_officer', 'GET',
      `/api/v1/loans/${loanId}/schedule`)
    const closed = (await api<Cob>('admin', 'GET', '/api/v1/cob')).business_date
    const pastDue = addDays(schedule.installments[0].due_date, 5)
    await closeUpTo(closed && addDays(closed, 1) > pastDue ? addDays(closed, 1) : pastDue)
    const tasks = await until(async () => (await api<{ items: { id: string }[] }>('post_loan_manager', 'GET',
      `/api/v1/collection/tasks?loan_id=${loanId}&status=open`)).items[0], 'the collection task')
    taskId = tasks.id
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('the collector sees the task on the board and records a promise to pay', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'collector', '/post-loan/tasks')
    await page.getByRole('heading', { name: '催收任务' }).waitFor()
    const card = page.getByRole('article', { name: contractNo })
    await card.waitFor()
    await still(page)
    await screenshot(page, 'postloan-board-desktop')
    await card.getByRole('button', { name: '查看' }).click()
    await page.waitForURL(new RegExp(`/post-loan/tasks/${taskId}$`))
    await page.getByRole('heading', { name: `催收任务 ${contractNo}` }).waitFor()

    await page.getByRole('button', { name: '记录催收' }).click()
    const dialog = page.getByRole('dialog', { name: '记录催收' })
    await dialog.getByLabel('催收结果').fill('电话联系借款人，承诺五日内还清逾期款项')
    await dialog.getByText('客户承诺还款').click()
    await expect.poll(() => dialog.getByLabel('客户承诺还款').isChecked()).toBe(true)
    await dialog.getByLabel('承诺金额').fill('3000.00')
    await expect.poll(() => dialog.getByLabel('承诺日期').inputValue()).toBe(shanghaiToday())
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.getByText('已记录催收').waitFor()
    await expect.poll(() => dialog.isVisible()).toBe(false)

    const records = page.locator('.el-card').filter({ hasText: '催收记录' })
    await records.getByRole('cell', { name: '电话联系借款人，承诺五日内还清逾期款项' }).waitFor()
    await expect.poll(() => records.getByRole('cell', { name: '¥3,000.00' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByText(`承诺 ${shanghaiToday()} 还 ¥3,000.00`).isVisible()).toBe(true)
    const task = await api<{ promise: { status: string; amount: string } }>('collector', 'GET',
      `/api/v1/collection/tasks/${taskId}`)
    expect(task.promise).toMatchObject({ status: 'pending', amount: '3000.00' })
    await still(page)
    await screenshot(page, 'postloan-task-desktop')
    expectClean(watch)
    await context.close()
  })

  it('on a phone the board stacks its stages and the task page fits', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'collector', '/post-loan/tasks')
    await page.getByRole('article', { name: contractNo }).waitFor()
    await still(page)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'postloan-board-phone')
    await page.goto(`${BASE_URL}/post-loan/tasks/${taskId}`)
    await page.getByRole('heading', { name: `催收任务 ${contractNo}` }).waitFor()
    await still(page)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'postloan-task-phone')
    expectClean(watch)
    await context.close()
  })

  it("the post-loan manager sees the loan's five-level grade", async () => {
    const graded = await until(async () => {
      const row = (await api<{ items: { grade: string; grade_label: string }[] }>('post_loan_manager', 'GET',
        `/api/v1/classifications?loan_id=${loanId}`)).items[0]
      return row && row.grade !== 'normal' && row
    }, 'the overdue loan graded')
    for (const [viewport, name] of [[DESKTOP, 'desktop'], [PHONE, 'phone']] as const) {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'post_loan_manager', '/post-loan/classifications')
      await page.getByRole('heading', { name: '五级分类' }).waitFor()
      await page.getByLabel('贷款编号').fill(loanId)
      await page.getByRole('button', { name: '查询' }).click()
      const row = page.getByRole('row').filter({ hasText: contractNo })
      await row.waitFor()
      await expect.poll(() => row.getByText(graded.grade_label, { exact: true }).first().isVisible()).toBe(true)
      await row.locator('.el-table__expand-icon').click()
      await page.getByRole('heading', { name: '分类变动' }).waitFor()
      await still(page)
      if (name === 'phone') await expectNoHorizontalScroll(page)
      await screenshot(page, `postloan-classifications-${name}`)
      expectClean(watch)
      await context.close()
    }
  })

  it('the administrator closes the next business date from 日终批处理', async () => {
    const closed = (await api<Cob>('admin', 'GET', '/api/v1/cob')).business_date as string
    const next = addDays(closed, 1)
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/post-loan/cob')
    await page.getByRole('heading', { name: '日终批处理' }).waitFor()
    await page.getByText(closed, { exact: true }).waitFor()
    await expect.poll(() => page.getByLabel('批处理至').inputValue()).toBe(next)
    await page.getByRole('button', { name: '执行日终批处理' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
    await page.getByText(`日终批处理已完成：${next}`).waitFor({ timeout: 100_000 })
    await expect.poll(() => page.getByText(next, { exact: true }).isVisible()).toBe(true)
    await expect.poll(() => page.getByRole('status').filter({ hasText: '已完成' }).isVisible()).toBe(true)
    expect((await api<Cob>('admin', 'GET', '/api/v1/cob'))).toMatchObject({ business_date: next, status: 'done' })
    await screenshot(page, 'postloan-cob-desktop')
    expectClean(watch)
    await context.close()
  })
})
