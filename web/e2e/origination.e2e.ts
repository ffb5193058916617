/**
 * 业务中心 from application to money paid out, in the browser: a loan officer applies (the LTV shown before it is
 * sent, the server's LTV_EXCEEDED under the amount); a risk reviewer investigates; above the second-approval
 * threshold an approver gives the second decision; the officer signs; a finance clerk registers the payment and may
 * not review it; a finance reviewer pays it out and the loan is active.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  api, BASE_URL, DESKTOP, digits, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, newVin, openTab,
  PHONE, registerDisbursement, reviewDisbursement, screenshot, signContract, signedLoan, still,
} from './support'

describe('origination: an application through investigation, two approvals, signing and a reviewed disbursement', () => {
  let browser: Browser
  const suffix = digits(6)
  const customer = { name: `钱申请${suffix}`, id_number: newIdNumber('330102'), phone: `137${digits(8)}`, monthly_income: '30000.00' }
  const productName = `测试车贷${suffix}`
  let applicationId = ''
  let loanId = ''
  let contractNo = ''

  beforeAll(async () => {
    const created = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/customers/persons', customer)
    // the officer registers the car (an officer's data scope is their own records), the appraiser values it
    const vehicle = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/vehicles', {
      vin: newVin('LFV2A21K?'), plate_number: `浙A${digits(5)}`, brand: '大众', model: '帕萨特', year: 2023, owner_customer_id: created.id,
    })
    const valuation = await api<{ id: string }>('appraiser', 'POST', `/api/v1/vehicles/${vehicle.id}/valuations`, {
      appraised_value: '500000.00', method: 'market',
    })
    await api('appraiser_2', 'POST', `/api/v1/valuations/${valuation.id}/review`, { approve: true })
    await api('admin', 'POST', '/api/v1/products', {
      code: `E2E${suffix}`, name: productName, repayment_method: 'equal_installment', annual_rate: '0.0600',
      min_term_months: 6, max_term_months: 36, min_amount: '10000.00', max_amount: '1000000.00', max_ltv: '0.80',
    })
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('the loan officer applies: the LTV shown, the server refusing above the max LTV, then accepting', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', '/business/applications')
    await page.getByRole('heading', { name: '贷款申请' }).waitFor()
    await page.getByRole('button', { name: '新建申请' }).click()
    const dialog = page.getByRole('dialog', { name: '新建申请' })
    await dialog.getByLabel('客户', { exact: true }).fill(customer.id_number)
    await page.getByRole('option', { name: new RegExp(customer.name) }).click()
    await dialog.getByText('未列入黑名单').waitFor()
    // the only car with a current valuation is chosen
    await dialog.getByText(/估值 ¥500,000\.00/).waitFor()
    await dialog.getByLabel('贷款产品').click({ force: true }) // its placeholder lies over the input
    await page.getByRole('option', { name: new RegExp(productName) }).filter({ visible: true }).first().click()
    await dialog.getByLabel('申请金额（元）').fill('450000')
    await dialog.getByLabel('期限（月）').fill('24')
    const checks = dialog.getByRole('region', { name: '提交前核对（以服务器审核为准）' })
    await checks.getByText(/90\.00%（申请金额 ÷ 评估价值 ¥500,000\.00），上限 80\.00%，最多可贷 ¥400,000\.00/).waitFor()
    await dialog.getByRole('button', { name: '提交' }).click()
    await dialog.locator('.el-form-item__error').getByText(/400000/).waitFor()

    await dialog.getByLabel('申请金额（元）').fill('320000')
    await checks.getByText(/64\.00%/).waitFor()
    await dialog.getByRole('button', { name: '提交' }).click()
    await page.waitForURL(/\/business\/applications\/[0-9a-f-]{36}$/)
    applicationId = page.url().split('/').pop()!
    await page.getByRole('region', { name: '申请信息' }).getByText('已提交').waitFor()
    const stored = await api('loan_officer', 'GET', `/api/v1/loan-applications/${applicationId}`)
    expect(stored).toMatchObject({ amount: '320000.00', term_months: 24, status: 'submitted' })
    expectClean(watch)
    await context.close()
  })

  it('the risk reviewer investigates, a first approval is given, and the approver gives the second', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'risk_reviewer', `/business/applications/${applicationId}`)
    await tab.page.getByRole('button', { name: '贷前调查' }).click()
    const form = tab.page.getByRole('dialog', { name: '贷前调查' })
    await form.getByLabel('调查结论').fill('收入稳定，车辆权属清晰')
    await form.getByLabel('家访情况').fill('居住稳定')
    await form.getByRole('button', { name: '提交' }).click()
    await form.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('已调查').waitFor()
    await tab.page.getByRole('region', { name: '审批记录' }).getByRole('row', { name: /贷前调查.*收入稳定/ }).waitFor()
    expectClean(tab.watch)
    await tab.context.close()

    // the first level (loan.approve.first) by someone who neither submitted nor investigated it
    const first = await api('admin', 'POST', `/api/v1/loan-applications/${applicationId}/decision`,
      { approve: true, comment: '一级审批通过' })
    expect(first.status).toBe('pending_second_approval') // 320,000.00 is above the threshold

    tab = await openTab(browser)
    await login(tab.page, 'approver', `/business/applications/${applicationId}`)
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('待二级审批').waitFor()
    await tab.page.getByRole('button', { name: '二级审批' }).click()
    const decision = tab.page.getByRole('dialog', { name: '二级审批' })
    await decision.getByLabel('审批意见').fill('同意放款')
    await decision.getByRole('button', { name: '通过' }).click()
    await decision.waitFor({ state: 'hidden' })
    await tab.page.getByRole('region', { name: '申请信息' }).getByText('已批准').waitFor()
    await tab.page.getByRole('region', { name: '审批记录' }).getByRole('row', { name: /二级审批.*同意放款/ }).waitFor()
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('the loan officer signs: the loan is created', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', `/business/applications/${applicationId}`)
    loanId = await signContract(page)
    const loan = await api('loan_officer', 'GET', `/api/v1/loans/${loanId}`)
    expect(loan).toMatchObject({ status: 'signed', principal: '320000.00', application_id: applicationId })
    contractNo = loan.contract_no
    expectClean(watch)
    await context.close()
  })

  it('the finance clerk registers the payment and may not review it; a finance reviewer pays it out', async () => {
    let tab = await openTab(browser)
    await login(tab.page, 'finance_clerk', '/business/disbursements')
    await tab.page.getByRole('row', { name: new RegExp(contractNo) }).getByText('待登记').waitFor()
    const row = await registerDisbursement(tab.page, contractNo, customer.name, '6222020200112233445')
    await row.getByText('您本人').waitFor()
    // no review for the one who registered it: no button, and the gateway refuses
    expect(await row.getByRole('button', { name: '放款复核' }).count()).toBe(0)
    await expect(api('finance_clerk', 'POST', `/api/v1/loans/${loanId}/disbursement/review`,
      { approve: true, voucher_no: 'V1', disbursed_on: new Date().toISOString().slice(0, 10) })).rejects.toThrow(/403/)
    expectClean(tab.watch)
    await tab.context.close()

    tab = await openTab(browser)
    await login(tab.page, 'finance_reviewer', '/business/disbursements')
    await reviewDisbursement(tab.page, contractNo, `FK${suffix}`, undefined,
      (review) => review.getByText(/\*+3445|3445/).first().waitFor())
    const loan = await api('finance_reviewer', 'GET', `/api/v1/loans/${loanId}`)
    expect(loan.status).toBe('active')
    expect(loan.disbursement).toMatchObject({ status: 'approved', voucher_no: `FK${suffix}` })
    expectClean(tab.watch)
    await tab.context.close()
  })

  it('one who may both register and review is refused the review of their own registration, with the reason', async () => {
    // a second signed loan, set up through the API, below the second-approval threshold
    const first = await api('loan_officer', 'GET', `/api/v1/loan-applications/${applicationId}`)
    const { loan } = await signedLoan({
      customer: { name: `孙复核${suffix}`, id_number: newIdNumber('330102'), phone: `136${digits(8)}`, monthly_income: '20000.00' },
      vehicle: { vin: newVin('LFV2A21K?'), plate_number: `浙B${digits(5)}`, brand: '丰田', model: '凯美瑞', year: 2022 },
      appraised: '200000.00',
      product: { id: first.product_id },
      amount: '100000.00', termMonths: 12,
    })

    const { context, page, watch } = await openTab(browser)
    await login(page, 'admin', '/business/disbursements')
    const row = page.getByRole('row', { name: new RegExp(loan.contract_no) })
    await row.getByRole('button', { name: '登记放款' }).click()
    const form = page.getByRole('dialog', { name: '登记放款' })
    await form.getByLabel('收款账号').fill('6222020200998877665')
    await form.getByRole('button', { name: '提交' }).click()
    await form.waitFor({ state: 'hidden' })
    await row.getByRole('button', { name: '放款复核' }).click()
    const review = page.getByRole('dialog', { name: '放款复核' })
    await review.getByText('此笔放款由您登记，您不能复核。').waitFor()
    await review.getByLabel('放款凭证号').fill(`SELF${suffix}`)
    await review.getByRole('button', { name: '通过并放款' }).click()
    await review.getByRole('alert').getByText(/reviewed by someone other than who|登记人以外/).waitFor()
    await review.getByRole('button', { name: '取消' }).click()
    expect((await api('admin', 'GET', `/api/v1/loans/${loan.id}`)).status).toBe('signed')
    expectClean(watch)
    await context.close()
  })

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`the application list, an application and the disbursements fit a ${name} screen`, async () => {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'admin', '/business/applications')
      await page.getByRole('link', { name: customer.name }).first().waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `origination-applications-${name}`)

      await page.goto(`${BASE_URL}/business/applications/${applicationId}`)
      await page.getByRole('region', { name: '审批记录' }).getByText('同意放款').waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `origination-application-${name}`)

      await page.goto(`${BASE_URL}/business/disbursements`)
      await page.getByRole('heading', { name: '放款管理' }).waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `origination-disbursements-${name}`)
      expectClean(watch)
      await context.close()
    })
  }
})
