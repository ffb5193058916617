/**
 * 影像资料 and 资料清单 in the browser: a loan officer uploads an ID card photo to a customer (a text file named .png
 * refused, in Chinese, by its content), previews it, and deletes a document; a risk reviewer sees an application's
 * checklist, is told which documents are missing when recording the investigation, and uploads one from the
 * checklist, which then shows it on file.
 */
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { api, BASE_URL, digits, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, newVin, openTab,
  PHONE, screenshot, still } from './support'

// -- a small valid PNG, of a colour of its own (the same content twice on one record is refused) ----------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A width × height RGB PNG: a card-like block of one colour with a darker band, so a preview shows something. */
function png(width = 160, height = 100): Buffer {
  const [r, g, b] = [60 + Math.floor(Math.random() * 150), 90 + Math.floor(Math.random() * 120), 140 + Math.floor(Math.random() * 100)]
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // truecolour RGB
  const rows: Buffer[] = []
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3)
    for (let x = 0; x < width; x += 1) {
      const band = y > height * 0.6 && y < height * 0.75 && x > width * 0.1 && x < width * 0.9
      row[1 + x * 3] = band ? r / 3 : r
      row[2 + x * 3] = band ? g / 3 : g
      row[3 + x * 3] = band ? b / 3 : b
    }
    rows.push(row)
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

// -- steps on the documents panel --------------------------------------------------------------------------------
/** Chooses `label` in the upload dialog's category select. */
async function chooseCategory(page: Page, dialog: Locator, label: string): Promise<void> {
  await dialog.getByRole('combobox', { name: '资料类别' }).click()
  await page.getByRole('option', { name: label, exact: true }).filter({ visible: true }).first().click()
}

async function dropFile(dialog: Locator, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await dialog.locator('input[type=file]').first().setInputFiles({ name, mimeType, buffer })
}

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

describe('a customer’s documents', () => {
  const suffix = digits(6)
  const customer = { name: `周资料${suffix}`, id_number: newIdNumber('330106'), phone: `135${digits(8)}`, monthly_income: '18000.00' }
  let customerId = ''

  beforeAll(async () => {
    customerId = (await api<{ id: string }>('loan_officer', 'POST', '/api/v1/customers/persons', customer)).id
  })

  it('uploads an ID card photo, is refused a text file named .png, previews the photo and deletes a document', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'loan_officer', `/customers/${customerId}`)
    await page.getByRole('heading', { name: customer.name, level: 1 }).waitFor()
    const panel = page.getByRole('region', { name: '影像资料' })
    await panel.getByText('暂无影像资料').waitFor()

    await panel.getByRole('button', { name: '上传资料' }).click()
    const dialog = page.getByRole('dialog', { name: '上传影像资料' })
    await dialog.waitFor()
    // only what a customer keeps: no vehicle or GPS categories
    await dialog.getByRole('combobox', { name: '资料类别' }).click()
    await page.getByRole('option', { name: '身份证反面' }).filter({ visible: true }).first().waitFor()
    expect(await page.getByRole('option', { name: 'GPS安装照片' }).filter({ visible: true }).count()).toBe(0)
    expect(await page.getByRole('option', { name: '机动车登记证书' }).filter({ visible: true }).count()).toBe(0)
    await page.getByRole('option', { name: '身份证正面', exact: true }).filter({ visible: true }).first().click()

    await dropFile(dialog, '身份证正面.png', 'image/png', png())
    const row = panel.getByRole('row').filter({ hasText: '身份证正面.png' })
    await row.waitFor()
    expect(await row.innerText()).toMatch(/身份证正面[\s\S]*第 1 版/)
    await expect.poll(async () => (await row.innerText()).includes('KB') || (await row.innerText()).includes(' B')).toBe(true)

    // a text file named .png is told by its content, refused with the reason, and nothing is listed
    await chooseCategory(page, dialog, '身份证反面')
    await dropFile(dialog, '身份证反面.png', 'image/png', Buffer.from('这不是图片，只是一段文字\n'))
    const refusal = dialog.getByRole('alert').filter({ hasText: '身份证反面.png 上传失败' })
    await refusal.waitFor()
    expect(await refusal.innerText()).toContain('文件内容不是 JPEG、PNG 或 PDF')
    await screenshot(page, 'documents-upload-refused-desktop')
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await panel.getByRole('row').filter({ hasText: '身份证反面.png' }).count()).toBe(0)

    // a second document, to delete
    await panel.getByRole('button', { name: '上传资料' }).click()
    await dialog.waitFor()
    await chooseCategory(page, dialog, '收入证明')
    await dropFile(dialog, '收入证明.png', 'image/png', png(120, 160))
    await panel.getByRole('row').filter({ hasText: '收入证明.png' }).waitFor()
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()
    await dialog.waitFor({ state: 'hidden' })
    await still(page)
    await screenshot(page, 'documents-customer-desktop')

    // 预览: the photo itself, fetched with the officer's token, inside the dialog
    await row.getByRole('button', { name: '预览' }).click()
    const preview = page.getByRole('dialog', { name: '预览：身份证正面.png' })
    const image = preview.getByRole('img', { name: '身份证正面.png' })
    await image.waitFor()
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(160)
    await screenshot(page, 'documents-preview-desktop')
    await preview.getByRole('button', { name: '关闭', exact: true }).click()
    await preview.waitFor({ state: 'hidden' })

    // 删除, after a confirmation: no longer listed
    const income = panel.getByRole('row').filter({ hasText: '收入证明.png' })
    await income.getByRole('button', { name: '删除' }).click()
    const confirm = page.getByRole('dialog', { name: '删除' })
    await confirm.getByText('确定删除资料「收入证明.png」吗').waitFor()
    await confirm.getByRole('button', { name: '确定', exact: true }).click()
    await income.waitFor({ state: 'detached' })
    await row.waitFor()

    const listed = await api<{ items: { file_name: string; category: string }[] }>('loan_officer', 'GET',
      `/api/v1/documents?owner_type=customer&owner_id=${customerId}`)
    expect(listed.items.map((item) => [item.file_name, item.category])).toEqual([['身份证正面.png', 'id_card_front']])
    expectClean(watch)
    await context.close()
  })

  it('fits a phone: the panel, and the upload with the camera', async () => {
    const { context, page, watch } = await openTab(browser, PHONE)
    await login(page, 'loan_officer', `/customers/${customerId}`)
    const panel = page.getByRole('region', { name: '影像资料' })
    await panel.getByRole('row').filter({ hasText: '身份证正面.png' }).waitFor()
    await still(page)
    await expectNoHorizontalScroll(page)
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'documents-customer-phone')
    await panel.getByRole('button', { name: '上传资料' }).click()
    const dialog = page.getByRole('dialog', { name: '上传影像资料' })
    await dialog.getByRole('button', { name: '拍照上传' }).waitFor()
    expect(await dialog.locator('input[capture]').getAttribute('accept')).toBe('image/*')
    expect(await dialog.locator('.el-upload input[type=file]').getAttribute('accept')).toBe('image/*,application/pdf')
    await expectNoHorizontalScroll(page)
    await screenshot(page, 'documents-upload-phone')
    expectClean(watch)
    await context.close()
  })
})

describe('an application’s checklist', () => {
  const suffix = digits(6)
  const customer = { name: `吴清单${suffix}`, id_number: newIdNumber('330105'), phone: `138${digits(8)}`, monthly_income: '25000.00' }
  let applicationId = ''

  beforeAll(async () => {
    const created = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/customers/persons', customer)
    const vehicle = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/vehicles', {
      vin: newVin('LSGJA52U?'), plate_number: `浙C${digits(5)}`, brand: '别克', model: '英朗', year: 2022, owner_customer_id: created.id,
    })
    const valuation = await api<{ id: string }>('appraiser', 'POST', `/api/v1/vehicles/${vehicle.id}/valuations`, {
      appraised_value: '150000.00', method: 'market' })
    await api('appraiser_2', 'POST', `/api/v1/valuations/${valuation.id}/review`, { approve: true })
    const product = await api<{ id: string }>('admin', 'POST', '/api/v1/products', {
      code: `DOC${suffix}`, name: `资料清单车贷${suffix}`, repayment_method: 'equal_installment', annual_rate: '0.0700',
      min_term_months: 6, max_term_months: 36, min_amount: '10000.00', max_amount: '500000.00', max_ltv: '0.80',
      checklist: {
        approval: [{ owner_type: 'customer', category: 'id_card_front' }, { owner_type: 'customer', category: 'id_card_back' },
          { owner_type: 'vehicle', category: 'vehicle_registration_certificate' }],
        signing: [{ owner_type: 'customer', category: 'driving_licence' }],
      },
    })
    applicationId = (await api<{ id: string }>('loan_officer', 'POST', '/api/v1/loan-applications', {
      customer_id: created.id, product_id: product.id, vehicle_id: vehicle.id, amount: '80000.00', term_months: 12 })).id
  })

  it('shows what is missing, refuses the investigation naming it, and fills an item from the checklist', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'risk_reviewer', `/business/applications/${applicationId}`)
    const checklist = page.getByRole('region', { name: '资料清单' })
    const approval = checklist.getByRole('group', { name: '提交审批' })
    await approval.getByText('缺 3 项').waitFor()
    expect(await approval.innerText()).toMatch(/✗\s*客户 · 身份证正面\s*缺失/)
    expect(await approval.innerText()).toContain('车辆 · 机动车登记证书')
    await checklist.getByRole('group', { name: '签约' }).getByText('客户 · 驾驶证').waitFor()

    await page.getByRole('button', { name: '贷前调查' }).click()
    const form = page.getByRole('dialog', { name: '贷前调查' })
    await form.getByLabel('调查结论').fill('收入稳定')
    await form.getByRole('button', { name: '提交' }).click()
    await form.getByRole('alert').getByText('缺少资料：身份证正面、身份证反面、机动车登记证书').waitFor()
    await screenshot(page, 'documents-missing-refusal-desktop')
    await form.getByRole('button', { name: '取消' }).click()
    await form.waitFor({ state: 'hidden' })

    await approval.getByRole('button', { name: '上传 客户身份证正面' }).click()
    const upload = page.getByRole('dialog', { name: '上传客户资料：身份证正面' })
    await dropFile(upload, 'id-front.png', 'image/png', png())
    await upload.waitFor({ state: 'hidden' })
    await approval.getByText('缺 2 项').waitFor()
    expect(await approval.innerText()).toMatch(/✓\s*客户 · 身份证正面\s*已上传/)
    // the customer's tab of the documents panel shows the new file
    await page.getByRole('region', { name: '影像资料' }).getByRole('row').filter({ hasText: 'id-front.png' }).waitFor()
    await still(page)
    await screenshot(page, 'documents-application-checklist-desktop')

    await page.goto(`${BASE_URL}/business/applications/${applicationId}`)
    await approval.getByText('缺 2 项').waitFor()
    expectClean(watch)
    await context.close()
  })
})
