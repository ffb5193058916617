/**
 * The whole story of one car loan, by clicking, each step by the person whose role it is: the loan officer
 * registers the borrower and the car, the appraisers value it (maker and checker), the officer applies, a risk
 * reviewer investigates, a second risk reviewer approves and the approver gives the second approval (the amount
 * is above the threshold), the officer signs, a finance clerk registers the payment and a finance reviewer pays it
 * out; the GPS installation task appears for the collateral clerk; the first installment is paid by a double click
 * (one repayment); the administrator closes the business date past the second due date; the loan shows overdue
 * with its DPD and penalty; the collector sees the task and records a promise to pay; the post-loan manager sees
 * the grade; the promise is kept, the borrower then repays everything early, the loan is settled, its release task
 * opens, and the trial balance balances on screen.
 *
 * It runs on a platform of its own (tests/e2e/test_console.py): it closes business dates, which no other browser
 * test may see happen under it. The loan is signed and paid out 70 days back, so two installments fall due.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  addDays, api, BASE_URL, digits, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber,
  newVin, openTab, PHONE, registerDisbursement, reviewDisbursement, screenshot, shanghaiToday, signContract, still,
  typeDate, until,
} from './support'
import { formatMoney } from '@/utils/money'

interface Installment {
  no: number; due_date: string; status: string; total: string; principal: string; interest: string; fees: string
  penalty: string; paid_principal: string; paid_interest: string; paid_fees: string; paid_penalty: string
}
interface Loan { id: string; contract_no: string; status: string; dpd: number; accrued_penalty: string;
  outstanding_principal: string;
  classification: string; classification_label: string }

/** What is still owed on the installments past due, to the fen (BigInt fen, no floating point). */
function owedOnOverdue(lines: Installment[]): string {
  const fen = (value: string) => BigInt(value.replace('.', ''))
  const owed = lines.filter((line) => line.status === 'overdue').reduce((sum, line) => sum
    + fen(line.principal) + fen(line.interest) + fen(line.fees) + fen(line.penalty)
    - fen(line.paid_principal) - fen(line.paid_interest) - fen(line.paid_fees) - fen(line.paid_penalty), 0n)
  const text = owed.toString().padStart(3, '0')
  return `${text.slice(0, -2)}.${text.slice(-2)}`
}

describe('a car loan from the first visit to its settlement, each step by its own person', () => {
  let browser: Browser
  const suffix = digits(5)
  const borrower = { name: `赵全程${suffix}`, idNumber: newIdNumber(), phone: `138${digits(8)}` }
  const plate = `浙A${digits(5)}`
  const vin = newVin('LFV3A23C?H3')
  const productName = `新车按揭 24期 ${suffix}`
  const signedOn = addDays(shanghaiToday(), -70)
  let vehicleId = ''
  let applicationId = ''
  let loanId = ''
  let contractNo = ''
  let taskId = ''

  beforeAll(async () => {
    // The product is the company's set-up, not a step of the story (业务中心's own test creates one by clicking).
    await api('admin', 'POST', '/api/v1/products', {
      code: `STORY${suffix}`, name: productName, repayment_method: 'equal_installment', annual_rate: '0.072000',
      min_term_months: 12, max_term_months: 36, min_amount: '10000.00', max_amount: '1000000.00', max_ltv: '0.80',
      grace_days: 3, prepayment_fee_rate: '0.01',
    })
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  // A story: once a step fails, the steps after it would only fail for the same reason.
  let brokenAt = ''
  beforeEach((context) => { if (brokenAt) context.skip(`step "${brokenAt}" failed`) })
  afterEach((context) => { if (context.task.result?.state === 'fail') brokenAt = context.task.name })

  it('1. the loan officer registers the borrower and the car', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', '/customers')
    await page.getByRole('button', { name: '新建个人客户' }).click()
    const person = page.getByRole('dialog', { name: '新建个人客户' })
    await person.getByLabel('姓名').fill(borrower.name)
    await person.getByLabel('身份证号').fill(borrower.idNumber)
    await person.getByLabel('手机号').fill(borrower.phone)
    await person.getByLabel('月收入（元）').fill('32000.00')
    await person.getByRole('button', { name: '保存' }).click()
    await person.waitFor({ state: 'hidden' })
    await page.getByRole('link', { name: borrower.name }).first().waitFor()
    await still(page)
    await screenshot(page, 'story-01-customers-desktop')

    await page.goto(`${BASE_URL}/collateral/vehicles`)
    await page.getByRole('button', { name: '登记车辆' }).click()
    const car = page.getByRole('dialog', { name: '登记车辆' })
    await car.getByLabel('车架号（VIN）').fill(vin)
    await car.getByText('车架号校验通过').waitFor()
    await car.getByLabel('车牌号').fill(plate)
    await car.getByLabel('品牌').fill('大众')
    await car.getByLabel('车型').fill('帕萨特 330TSI')
    await car.getByLabel('年款').fill('2024')
    await car.getByLabel('所有人').fill(borrower.idNumber)
    await page.getByRole('option', { name: new RegExp(borrower.name) }).click()
    await car.getByRole('button', { name: '保存' }).click()
    await page.waitForURL(/\/collateral\/vehicles\/[0-9a-f-]{36}$/)
    vehicleId = page.url().split('/').pop()!
    await page.getByText(vin).first().waitFor()
    expectClean(watch)
    await context.close()
  })

  it('2. an appraiser values the car and a second appraiser approves the valuation', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'appraiser', `/collateral/vehicles/${vehicleId}`)
    await tab.page.getByRole('button', { name: '提交评估' }).click()
    const form = tab.page.getByRole('dialog', { name: '提交评估' })
    await form.getByLabel('评估价值（元）').fill('500000.00')
    await form.getByLabel('评估说明').fill('一年车龄，车况良好')
    await form.getByRole('button', { name: '提交' }).click()
    await form.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '评估记录' }).getByText('待复核').waitFor()
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'appraiser_2', '/inbox')
    const item = tab.page.getByRole('row', { name: new RegExp(plate) })
    await item.getByRole('button', { name: '处理' }).click()
    const review = tab.page.getByRole('dialog', { name: '复核估值' })
    await review.getByLabel('意见').fill('与市场价相符')
    await review.getByRole('button', { name: '通过' }).click()
    await review.waitFor({ state: 'hidden' })
    await item.waitFor({ state: 'detached' })
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('3. the loan officer applies, with the LTV shown before it is sent', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', '/business/applications')
    await page.getByRole('button', { name: '新建申请' }).click()
    const dialog = page.getByRole('dialog', { name: '新建申请' })
    await dialog.getByLabel('客户', { exact: true }).fill(borrower.idNumber)
    await page.getByRole('option', { name: new RegExp(borrower.name) }).click()
    await dialog.getByText('未列入黑名单').waitFor()
    await dialog.getByText(/估值 ¥500,000\.00/).waitFor()
    await dialog.getByLabel('贷款产品').click({ force: true })
    await page.getByRole('option', { name: new RegExp(productName) }).filter({ visible: true }).first().click()
    await dialog.getByLabel('申请金额（元）').fill('320000')
    await dialog.getByLabel('期限（月）').fill('24')
    await dialog.getByRole('region', { name: '提交前核对（以服务器审核为准）' }).getByText(/64\.00%/).waitFor()
    await still(page)
    await screenshot(page, 'story-03-application-form-desktop')
    await dialog.getByRole('button', { name: '提交' }).click()
    await page.waitForURL(/\/business\/applications\/[0-9a-f-]{36}$/)
    applicationId = page.url().split('/').pop()!
    await page.getByRole('region', { name: '申请信息' }).getByText('已提交').waitFor()
    expectClean(watch)
    await context.close()
  })

  it('4. a risk reviewer investigates; a second one approves; the approver gives the second approval', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'risk_reviewer', `/business/applications/${applicationId}`)
    await tab.page.getByRole('button', { name: '贷前调查' }).click()
    const form = tab.page.getByRole('dialog', { name: '贷前调查' })
    await form.getByLabel('调查结论').fill('工作稳定，月收入 3.2 万元，车辆权属清晰')
    await form.getByLabel('家访情况').fill('自有住房，家庭和睦')
    await form.getByRole('button', { name: '提交' }).click()
    await form.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('已调查').waitFor()
    // whoever investigated may not also approve, and is told so before trying
    await tab.page.getByRole('button', { name: '审批', exact: true }).click()
    const own = tab.page.getByRole('dialog', { name: '审批' })
    await own.getByText('您提交或调查了此申请，服务器将拒绝您的审批。').waitFor()
    await own.getByRole('button', { name: '取消' }).click()
    await own.waitFor({ state: 'hidden' })
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'risk_reviewer_2', `/business/applications/${applicationId}`)
    await tab.page.getByRole('button', { name: '审批', exact: true }).click()
    const first = tab.page.getByRole('dialog', { name: '审批' })
    await first.getByLabel('审批意见').fill('风险可控，同意')
    await first.getByRole('button', { name: '通过' }).click()
    await first.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('待二级审批').waitFor()
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'approver', `/business/applications/${applicationId}`)
    await tab.page.getByRole('button', { name: '二级审批' }).click()
    const second = tab.page.getByRole('dialog', { name: '二级审批' })
    await second.getByLabel('审批意见').fill('同意，按期放款')
    await second.getByRole('button', { name: '通过' }).click()
    await second.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('已批准').waitFor()
    const history = tab.page.getByRole('region', { name: '审批记录' })
    await history.getByRole('row', { name: /一级审批.*风险可控/ }).waitFor()
    await history.getByRole('row', { name: /二级审批.*同意，按期放款/ }).waitFor()
    await still(tab.page)
    await screenshot(tab.page, 'story-04-approved-desktop')
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('5. the loan officer signs the contract (dated 70 days back): the loan is created', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', `/business/applications/${applicationId}`)
    loanId = await signContract(page, signedOn)
    const loan = await api('loan_officer', 'GET', `/api/v1/loans/${loanId}`)
    expect(loan).toMatchObject({ status: 'signed', principal: '320000.00', signed_on: signedOn })
    contractNo = loan.contract_no
    expectClean(watch)
    await context.close()
  })

  it('6. a finance clerk registers the payment; a finance reviewer pays it out', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'finance_clerk', '/business/disbursements')
    const row = await registerDisbursement(tab.page, contractNo, borrower.name, '6222021202004455667')
    expect(await row.getByRole('button', { name: '放款复核' }).count()).toBe(0) // not the one who registered it
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'finance_reviewer', '/business/disbursements')
    await reviewDisbursement(tab.page, contractNo, `FK${suffix}`, signedOn)
    const loan = await api('finance_reviewer', 'GET', `/api/v1/loans/${loanId}`)
    expect(loan).toMatchObject({ status: 'active', disbursed_on: signedOn })
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('7. the GPS installation task appears for the collateral clerk', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'collateral_clerk', '/collateral/gps-tasks')
    await page.getByRole('heading', { name: 'GPS安装', level: 1 }).waitFor()
    const row = page.getByRole('row', { name: new RegExp(plate) })
    await until(async () => { // the task is opened by the loan.disbursed event: the list is looked at again until it is
      await page.reload()
      await still(page)
      return (await row.getByText('GPS安装').count()) > 0
    }, 'the GPS task in the list', 60)
    await still(page)
    await screenshot(page, 'story-07-gps-tasks-desktop')
    expectClean(watch)
    await context.close()
  })

  it('8. the finance clerk records the first installment by double-clicking: one repayment', async () => {
    const schedule = await api<{ installments: Installment[] }>('finance_clerk', 'GET', `/api/v1/loans/${loanId}/schedule`)
    expect(schedule.installments).toHaveLength(24)
    const first = schedule.installments[0]
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', '/loans')
    await page.getByRole('combobox', { name: '借款人' }).fill(borrower.idNumber)
    await page.getByRole('option', { name: new RegExp(borrower.name) }).click()
    await page.getByRole('link', { name: contractNo }).click()
    await page.getByRole('heading', { name: contractNo }).waitFor()
    await page.getByRole('button', { name: '登记还款' }).click()
    const dialog = page.getByRole('dialog', { name: '登记还款' })
    await dialog.getByLabel('还款金额').fill(first.total)
    await typeDate(page, '还款日期', first.due_date)
    await dialog.getByLabel('凭证号').fill(`HK${suffix}01`)
    await dialog.getByLabel('付款人').fill(borrower.name)
    await dialog.getByRole('button', { name: '登记还款' }).dblclick()
    await dialog.getByText('本次还款分配').waitFor()
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()
    const booked = await api<{ total: number }>('finance_clerk', 'GET', `/api/v1/loans/${loanId}/repayments`)
    expect(booked.total).toBe(1)
    await page.getByRole('tab', { name: '还款计划' }).click()
    await expect.poll(() => page.getByRole('row').filter({ hasText: '已还清' }).count()).toBe(1)
    expectClean(watch)
    await context.close()
  })

  it('9. the administrator runs the close of business for today, past the second due date', async () => {
    const today = shanghaiToday()
    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/post-loan/cob')
    await page.getByRole('heading', { name: '日终批处理' }).waitFor()
    await expect.poll(() => page.getByLabel('批处理至').inputValue()).toBe(today)
    await page.getByRole('button', { name: '执行日终批处理' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
    await page.getByText(`日终批处理已完成：${today}`).waitFor({ timeout: 100_000 })
    await still(page)
    await screenshot(page, 'story-09-cob-desktop')
    expectClean(watch)
    await context.close()
  })

  it('10. the loan shows overdue, with its DPD and penalty', async () => {
    const schedule = await api<{ installments: Installment[] }>('loan_officer', 'GET', `/api/v1/loans/${loanId}/schedule`)
    const second = schedule.installments[1]
    expect(second.status).toBe('overdue')
    const dpd = (Date.parse(shanghaiToday()) - Date.parse(second.due_date)) / 86_400_000
    const loan = await until(async () => {
      const now = await api<Loan>('loan_officer', 'GET', `/api/v1/loans/${loanId}`)
      return now.dpd === dpd && now
    }, `DPD ${dpd}`)
    expect(loan.accrued_penalty).toMatch(/^\d+\.\d{2}$/)
    expect(loan.accrued_penalty).not.toBe('0.00')

    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', `/loans/${loanId}`)
    await page.getByRole('heading', { name: contractNo }).waitFor()
    await page.getByText(`逾期天数 ${dpd}`, { exact: true }).waitFor() // the tag beside the title
    const overdueRow = page.getByRole('row').filter({ hasText: second.due_date }).filter({ hasText: '已逾期' }).first()
    await overdueRow.waitFor()
    await expect.poll(() => overdueRow.innerText()).toContain(formatMoney(second.penalty))
    await still(page)
    await screenshot(page, 'story-10-loan-overdue-desktop')
    expectClean(watch)
    await context.close()
  })

  it('11. the collector sees the task and records a promise to pay', async () => {
    taskId = (await until(async () => (await api<{ items: { id: string }[] }>('collector', 'GET',
      `/api/v1/collection/tasks?loan_id=${loanId}&status=open`)).items[0], 'the collection task')).id
    const { context, page, watch } = await openTab(browser)
    await login(page, 'collector', '/post-loan/tasks')
    const card = page.getByRole('article', { name: contractNo })
    await card.getByRole('button', { name: '查看' }).click()
    await page.waitForURL(new RegExp(`/post-loan/tasks/${taskId}$`))
    await page.getByRole('button', { name: '记录催收' }).click()
    const dialog = page.getByRole('dialog', { name: '记录催收' })
    await dialog.getByLabel('催收结果').fill('电话联系借款人，承诺今日还清逾期款项')
    await dialog.getByText('客户承诺还款').click()
    await dialog.getByLabel('承诺金额').fill('8000.00')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.getByText('已记录催收').waitFor()
    await page.getByText(`承诺 ${shanghaiToday()} 还 ¥8,000.00`).waitFor()
    await still(page)
    await screenshot(page, 'story-11-collection-task-desktop')
    expectClean(watch)
    await context.close()
  })

  it("12. the post-loan manager sees the loan's five-level grade", async () => {
    const graded = await until(async () => {
      const row = (await api<{ items: { grade: string; grade_label: string }[] }>('post_loan_manager', 'GET',
        `/api/v1/classifications?loan_id=${loanId}`)).items[0]
      return row && row.grade !== 'normal' && row
    }, 'the overdue loan graded')
    const { context, page, watch } = await openTab(browser)
    await login(page, 'post_loan_manager', '/post-loan/classifications')
    await page.getByLabel('贷款编号').fill(loanId)
    await page.getByRole('button', { name: '查询' }).click()
    const row = page.getByRole('row').filter({ hasText: contractNo })
    await expect.poll(() => row.getByText(graded.grade_label, { exact: true }).first().isVisible()).toBe(true)
    await still(page)
    await screenshot(page, 'story-12-classification-desktop')
    expectClean(watch)
    await context.close()
  })

  it('13. the promise is kept, then the borrower repays the whole loan early: settled, release task opened', async () => {
    const schedule = await api<{ installments: Installment[] }>('finance_clerk', 'GET', `/api/v1/loans/${loanId}/schedule`)
    const owed = owedOnOverdue(schedule.installments)
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', `/loans/${loanId}`)
    await page.getByRole('heading', { name: contractNo }).waitFor()
    await page.getByRole('button', { name: '登记还款' }).click()
    const repayment = page.getByRole('dialog', { name: '登记还款' })
    await repayment.getByLabel('还款金额').fill(owed)
    await repayment.getByLabel('凭证号').fill(`HK${suffix}02`)
    await repayment.getByRole('button', { name: '登记还款' }).click()
    await repayment.getByText('本次还款分配').waitFor()
    await repayment.getByRole('button', { name: '关闭', exact: true }).click()
    await until(async () => (await api<Loan>('finance_clerk', 'GET', `/api/v1/loans/${loanId}`)).dpd === 0,
      'the loan current again')

    await page.reload()
    await page.getByRole('heading', { name: contractNo }).waitFor()
    await page.getByRole('button', { name: '提前还款' }).click()
    const prepay = page.getByRole('dialog', { name: '提前还款' })
    await prepay.getByRole('button', { name: '试算' }).click()
    await prepay.getByText('试算结果').waitFor()
    await still(page)
    await screenshot(page, 'story-13-prepayment-quote-desktop')
    await prepay.getByRole('button', { name: '确认提前还款' }).dblclick()
    await prepay.getByText('贷款已结清').waitFor()
    await prepay.getByRole('button', { name: '关闭', exact: true }).click()
    await page.getByText(/该贷款已于 .* 结清/).waitFor()
    const settled = await api<Loan>('finance_clerk', 'GET', `/api/v1/loans/${loanId}`)
    expect(settled).toMatchObject({ status: 'settled', outstanding_principal: '0.00', dpd: 0 })
    // the first installment and the overdue one, each booked once; the early repayment is the settlement itself
    const repayments = await api<{ total: number }>('finance_clerk', 'GET', `/api/v1/loans/${loanId}/repayments`)
    expect(repayments.total).toBe(2)
    await still(page)
    await screenshot(page, 'story-13-loan-settled-desktop')
    expectClean(watch)
    await context.close()

    const clerk = await openTab(browser)
    await login(clerk.page, 'collateral_clerk', '/collateral/releases')
    const release = clerk.page.getByRole('row', { name: new RegExp(plate) })
    await until(async () => {
      await clerk.page.reload()
      await still(clerk.page)
      return (await release.count()) > 0
    }, 'the release task', 60)
    await still(clerk.page)
    await screenshot(clerk.page, 'story-13-release-task-desktop')
    expectClean(clerk.watch)
    await clerk.context.close()
  })

  it('14. the finance reviewer sees the trial balance balanced; the manager reads the cockpit', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'finance_reviewer', '/finance/trial-balance')
    await tab.page.getByRole('heading', { name: '试算平衡表' }).waitFor()
    await tab.page.getByRole('status', { name: '借贷平衡' }).waitFor()
    await still(tab.page)
    await screenshot(tab.page, 'story-14-trial-balance-desktop')
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'post_loan_manager', '/')
    await tab.page.locator('main h1').first().waitFor()
    // the only loan is settled: nothing outstanding, nothing to chase, said in words rather than drawn as zeros
    await tab.page.getByRole('region', { name: '五级分类余额' }).getByText('暂无在贷贷款').waitFor()
    await tab.page.getByRole('region', { name: '催收漏斗（在催任务）' }).getByText('暂无在催任务').waitFor()
    await still(tab.page)
    await screenshot(tab.page, 'story-14-cockpit-desktop')
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('15. every page of the story fits a phone', async () => {
    const pages: [string, string, string][] = [
      ['loan_officer', '/customers', 'customers'],
      ['loan_officer', `/business/applications/${applicationId}`, 'application'],
      ['finance_reviewer', '/business/disbursements', 'disbursements'],
      ['collateral_clerk', '/collateral/gps-tasks', 'gps-tasks'],
      ['finance_clerk', `/loans/${loanId}`, 'loan'],
      ['admin', '/post-loan/cob', 'cob'],
      ['collector', `/post-loan/tasks/${taskId}`, 'collection-task'],
      ['post_loan_manager', '/post-loan/classifications', 'classifications'],
      ['finance_reviewer', '/finance/trial-balance', 'trial-balance'],
      ['post_loan_manager', '/', 'cockpit'],
    ]
    for (const [role, path, name] of pages) {
      const { context, page, watch } = await openTab(browser, PHONE)
      await login(page, role, path)
      await page.locator('main h1').first().waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `story-phone-${name}`)
      expectClean(watch)
      await context.close()
    }
  })
})
