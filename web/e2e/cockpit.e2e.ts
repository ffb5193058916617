/**
 * 经营驾驶舱 in the browser: with a loan paid out today, the administrator's home shows the figure cards with the
 * gateway's own strings (GET /api/v1/dashboard/summary) and draws its charts; a collector's home shows their tasks
 * and none of the finance figures. Screenshots of the cockpit on a desktop and a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  api, DESKTOP, digits, disbursedLoan, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, newVin, openTab,
  PHONE, screenshot, still,
} from './support'
import { formatMoney, formatRate } from '@/utils/money'

/** A loan of the branch paid out today: officer, two appraisers, risk reviewer, administrator, finance. */
async function loanPaidOutToday(): Promise<void> {
  await disbursedLoan({
    product: {
      code: `COCKPIT-${Date.now()}`, name: '驾驶舱测试产品', repayment_method: 'equal_installment', annual_rate: '0.088800',
      min_term_months: 12, max_term_months: 36, min_amount: '10000.00', max_amount: '500000.00' },
    customer: { name: '钱驾驶', id_number: newIdNumber('110101'), phone: `139${digits(8)}`, monthly_income: '20000.00' },
    vehicle: { vin: newVin(), brand: '大众', model: '朗逸' },
    appraised: '200000.00',
    amount: '96000.00', termMonths: 24,
  })
}

async function canvasSizes(page: Page): Promise<{ width: number; height: number }[]> {
  await page.waitForSelector('canvas')
  return page.evaluate(() => [...document.querySelectorAll('canvas')].map((canvas) => {
    const box = canvas.getBoundingClientRect()
    return { width: box.width, height: box.height }
  }))
}

describe('cockpit: the home page shows the figures of one\'s own work', () => {
  let browser: Browser

  beforeAll(async () => {
    await loanPaidOutToday()
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('the administrator sees every figure card with the gateway\'s values, and the charts drawn', async () => {
    const { context, page, watch } = await openTab(browser, DESKTOP)
    await login(page, 'admin')
    await still(page)
    const summary = await api('admin', 'GET', '/api/v1/dashboard/summary')
    expect(summary.unavailable).toEqual([])
    expect(summary.flows.this_month.disbursed_count).toBeGreaterThan(0)

    const card = (name: string) => page.getByRole('region', { name, exact: true })
    await expect.poll(() => card('贷款余额').textContent()).toContain(formatMoney(summary.portfolio.outstanding_principal))
    expect(await card('贷款余额').textContent()).toContain(`在贷笔数 ${summary.portfolio.active_loans} 笔`)
    const overdue = await card('逾期率').textContent()
    expect(overdue).toContain(formatRate(summary.portfolio.overdue_rate))
    expect(overdue).toContain(`PAR30 ${formatRate(summary.portfolio.par30)}`)
    expect(overdue).toContain(`PAR90 ${formatRate(summary.portfolio.par90)}`)
    const disbursed = await card('本月放款').textContent()
    expect(disbursed).toContain(formatMoney(summary.flows.this_month.disbursed_amount))
    expect(disbursed).toContain(`${summary.flows.this_month.disbursed_count} 笔`)
    expect(await card('本月回款').textContent()).toContain(formatMoney(summary.flows.this_month.collected))
    expect(await card('在催任务').textContent()).toContain(String(summary.collection_funnel.open_tasks))
    expect(await card('五级分类余额').textContent()).toContain(formatMoney(summary.grades.outstanding_principal))
    await expect.poll(() => card('我的待办').isVisible()).toBe(true)

    // each figure leads to the list behind it
    expect(await card('贷款余额').getByRole('link').first().getAttribute('href')).toBe('/loans?status=active')
    expect(await card('逾期率').getByRole('link').first().getAttribute('href')).toBe('/loans?status=active&min_dpd=1')
    expect(await card('逾期率').getByRole('link', { name: /PAR30/ }).getAttribute('href'))
      .toBe('/loans?status=active&min_dpd=31')
    expect(await card('逾期率').getByRole('link', { name: /PAR90/ }).getAttribute('href'))
      .toBe('/loans?status=active&min_dpd=91')
    expect(await card('催收漏斗（在催任务）').getByRole('link', { name: '外访' }).getAttribute('href'))
      .toBe('/post-loan/tasks?stage=visit')
    const submitted = summary.applications.by_status.find((row: { status: string }) => row.status === 'submitted')
    expect(await card('贷款申请').getByRole('link', { name: `已提交 ${submitted.count}` }).getAttribute('href'))
      .toBe('/business/applications?status=submitted')

    // a chart of shares is drawn only when there is something to share (ECharts would split zeros equally)
    const tasks = summary.collection_funnel.open_tasks > 0
    if (!tasks) await card('催收漏斗（在催任务）').getByText('暂无在催任务').waitFor()
    const canvases = await canvasSizes(page)
    expect(canvases.length).toBe(2 + (tasks ? 1 : 0) + (summary.grades.loans > 0 ? 1 : 0))
    for (const size of canvases) expect(size.width * size.height).toBeGreaterThan(0)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'cockpit-admin-desktop')
    expectClean(watch)
    await context.close()
  })

  it('on a phone the cards stack and the charts fit the screen', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'admin')
    await still(page)
    const canvases = await canvasSizes(page)
    for (const size of canvases) {
      expect(size.height).toBeGreaterThan(0)
      expect(size.width).toBeGreaterThan(0)
      expect(size.width).toBeLessThanOrEqual(PHONE.width)
    }
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'cockpit-admin-phone')
    expectClean(watch)
    await context.close()
  })

  it('a collector sees their tasks and the inbox, and none of the finance figures', async () => {
    const { context, page, watch } = await openTab(browser, DESKTOP)
    await login(page, 'collector')
    await still(page)
    const summary = await api('collector', 'GET', '/api/v1/dashboard/summary')
    expect(summary.flows).toBeUndefined()
    const tasks = page.getByRole('region', { name: '在催任务', exact: true })
    await expect.poll(() => tasks.textContent()).toContain(String(summary.collection_funnel.open_tasks))
    await expect.poll(() => page.getByRole('region', { name: '我的待办' }).isVisible()).toBe(true)
    for (const name of ['本月放款', '本月回款', '贷款余额', '逾期率', '五级分类余额', '放款与回款（本月 / 上月）']) {
      expect(await page.getByRole('region', { name, exact: true }).count(), name).toBe(0)
    }
    expect(await page.getByText('本月放款').count()).toBe(0)
    await screenshot(page, 'cockpit-collector-desktop')
    expectClean(watch)
    await context.close()
  })
})
