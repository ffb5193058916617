/**
 * 财务中心 in the browser: a loan paid out through the API is posted; the finance clerk sees the books balanced,
 * downloads a ledger as a workbook and reads the disbursement's journal entry with its lines; a finance reviewer
 * reverses that entry (红字冲销) from the page, and a second reversal is refused by the server.
 */
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  api, DESKTOP, digits, disbursedLoan, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, newVin,
  openTab, PHONE, screenshot, still, until,
} from './support'

/** The names of the files in a ZIP archive, from its central directory (an .xlsx is one). */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) return []
  const count = zip.readUInt16LE(end + 10)
  let offset = zip.readUInt32LE(end + 16)
  const names: string[] = []
  for (let i = 0; i < count && zip.readUInt32LE(offset) === 0x02014b50; i++) {
    const nameLength = zip.readUInt16LE(offset + 28)
    const extra = zip.readUInt16LE(offset + 30)
    const comment = zip.readUInt16LE(offset + 32)
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength))
    offset += 46 + nameLength + extra + comment
  }
  return names
}

/** A customer's car valued, a loan approved, signed and paid out: what finance posts a disbursement from. */
async function paidOutLoan(): Promise<{ id: string; contract_no: string }> {
  const { loan } = await disbursedLoan({
    customer: { name: '钱财务', id_number: newIdNumber('110101'), phone: `137${digits(8)}`, monthly_income: '30000.00' },
    vehicle: { vin: newVin('LFV2A21K?N4') },
    appraised: '300000.00',
    product: {
      code: `FIN${digits(8)}`, name: '财务测试 12期', repayment_method: 'equal_installment', annual_rate: '0.088800',
      min_term_months: 12, max_term_months: 36, min_amount: '10000.00', max_amount: '500000.00', max_ltv: '0.80',
      upfront_fees: [{ name: 'GPS费', amount: '1500.00' }] },
    amount: '100000.00', termMonths: 12,
    // Nobody decides on what they investigated: the administrator investigates, the risk reviewer decides.
    investigator: 'admin', decider: 'risk_reviewer',
  })
  return loan
}

interface Entry { id: string; posted_on: string; source_type: string; reverses_id: string | null }

describe('finance: the books of a disbursement', () => {
  let browser: Browser
  let loan: { id: string; contract_no: string }
  let entry: Entry

  beforeAll(async () => {
    loan = await paidOutLoan()
    entry = await until(async () => { // posted from the loan.disbursed event, a moment later
      const { items } = await api<{ items: Entry[] }>('finance_clerk', 'GET',
        `/api/v1/finance/journal-entries?loan_id=${loan.id}`)
      return items.find((e) => e.source_type === 'loan.disbursed')
    }, 'the disbursement posted', 30)
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`the finance clerk sees the trial balance balanced (${name})`, async () => {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'finance_clerk', '/finance/trial-balance')
      await page.getByRole('heading', { name: '试算平衡表' }).waitFor()
      await page.getByRole('status', { name: '借贷平衡' }).waitFor()
      await page.getByRole('row', { name: /1301.*贷款本金/ }).waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `finance-trial-balance-${name}`)
      expectClean(watch)
      await context.close()
    })
  }

  it('the finance clerk downloads the disbursement ledger as a workbook', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_clerk', '/finance/ledgers')
    await page.getByRole('tab', { name: '放款台账' }).waitFor()
    for (const label of ['开始日期', '结束日期']) {
      await page.getByLabel(label).fill(entry.posted_on)
      await page.getByLabel(label).press('Enter')
    }
    await page.getByRole('button', { name: '查询' }).click()
    await page.getByRole('row', { name: new RegExp(loan.contract_no) }).getByText('¥100,000.00').waitFor()
    await still(page)
    await screenshot(page, 'finance-ledger-desktop')

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: '下载 .xlsx' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('放款台账.xlsx')
    const saved = join(tmpdir(), `finance-e2e-${Date.now()}.xlsx`)
    await download.saveAs(saved)
    const workbook = readFileSync(saved)
    expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK')
    expect(zipEntries(workbook)).toContain('xl/workbook.xml')
    await page.getByText('已下载 放款台账.xlsx').waitFor()
    expectClean(watch)
    await context.close()
  })

  it('a ledger fits a phone screen', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'finance_clerk', '/finance/ledgers')
    await page.getByRole('tab', { name: '余额台账' }).click()
    await page.getByRole('row', { name: new RegExp(loan.contract_no) }).waitFor()
    await still(page)
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'finance-ledger-phone')
    expectClean(watch)
    await context.close()
  })

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`the journal entries show the disbursement with its lines (${name})`, async () => {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'finance_clerk', `/finance/journal-entries?loan_id=${loan.id}`)
      const row = page.getByRole('row', { name: new RegExp(entry.id.slice(0, 8)) })
      await row.getByText('放款').first().waitFor()
      await row.getByText(entry.posted_on, { exact: true }).click() // a click on the entry opens its lines
      const lines = page.getByRole('region', { name: `分录 ${entry.id}` })
      await lines.getByRole('row', { name: /1301.*贷款本金.*¥100,000\.00/ }).waitFor()
      await lines.getByRole('row', { name: /1002.*银行存款/ }).waitFor()
      await expect.poll(() => page.getByRole('button', { name: /红字冲销/ }).count()).toBe(0) // not the clerk's
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `finance-journal-entries-${name}`)
      expectClean(watch)
      await context.close()
    })
  }

  it('a finance reviewer reverses the entry from the page; a second reversal is refused', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'finance_reviewer', `/finance/journal-entries?loan_id=${loan.id}`)
    await page.getByRole('button', { name: `红字冲销 ${entry.id}` }).click()
    const dialog = page.getByRole('dialog', { name: '红字冲销凭证' })
    await dialog.getByLabel('冲销原因').fill('放款信息录入有误')
    await dialog.getByRole('button', { name: '红字冲销' }).click()
    await page.getByRole('dialog', { name: '红字冲销', exact: true }).getByRole('button', { name: '确定' }).click()
    await page.getByText(/已生成冲销凭证/).waitFor()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByText(`冲销 ${entry.id.slice(0, 8)}`, { exact: true }).waitFor()

    const { items } = await api<{ items: Entry[] }>('finance_reviewer', 'GET',
      `/api/v1/finance/journal-entries?loan_id=${loan.id}`)
    expect(items.filter((e) => e.reverses_id === entry.id)).toHaveLength(1)

    await page.getByRole('button', { name: `红字冲销 ${entry.id}` }).click()
    await dialog.getByLabel('冲销原因').fill('再冲一次')
    await dialog.getByRole('button', { name: '红字冲销' }).click()
    await page.getByRole('dialog', { name: '红字冲销', exact: true }).getByRole('button', { name: '确定' }).click()
    await page.getByRole('alert').filter({ hasText: '该凭证已冲销' }).waitFor()
    await dialog.getByRole('button', { name: '取消' }).click()
    const after = await api<{ items: Entry[] }>('finance_reviewer', 'GET',
      `/api/v1/finance/journal-entries?loan_id=${loan.id}`)
    expect(after.items.filter((e) => e.reverses_id === entry.id)).toHaveLength(1)

    await page.goto(page.url().replace(/\/finance\/.*$/, '/finance/trial-balance'))
    await page.getByRole('status', { name: '借贷平衡' }).waitFor()
    expectClean(watch)
    await context.close()
  })
})
