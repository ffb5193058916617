/**
 * 抵押物管理 in the browser: an appraiser registers a customer's car (the VIN checked as it is typed) and values it;
 * the same appraiser is refused the review (maker ≠ checker); a second appraiser approves it from 我的待办.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  api, BASE_URL, DESKTOP, digits, expectClean, expectNoHorizontalScroll, launch, login, newIdNumber, openTab, PHONE,
  screenshot, still, vinCharacters,
} from './support'
import { vinCheckDigit } from '@/utils/vin'

/** A fresh VIN with its check digit; `wrong` gives the same VIN with another 9th character. */
function newVin(): { vin: string; wrong: string; expected: string } {
  const body = `LSVAM418?${vinCharacters(8)}`
  const expected = vinCheckDigit(body.replace('?', '0'))
  const wrongDigit = expected === '0' ? '1' : '0'
  return { vin: body.replace('?', expected), wrong: body.replace('?', wrongDigit), expected }
}

describe('collateral: a car registered, valued, and approved by a second appraiser', () => {
  let browser: Browser
  const customer = { name: '王车主', id_number: newIdNumber('110101'), phone: `139${digits(8)}`, monthly_income: '15000.00' }
  const { vin, wrong, expected } = newVin()
  const plate = `粤BD${digits(5)}`
  let customerId = ''
  let vehicleId = ''

  beforeAll(async () => {
    // The appraiser may read customers but not register them: a loan officer of the same branch does.
    const created = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/customers/persons', customer)
    customerId = created.id
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('an appraiser registers the car, with the VIN checked as it is typed', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'appraiser', '/collateral/vehicles')
    await page.getByRole('heading', { name: '车辆' }).waitFor()
    await page.getByRole('button', { name: '登记车辆' }).click()
    const dialog = page.getByRole('dialog', { name: '登记车辆' })

    await dialog.getByLabel('车架号（VIN）').fill(wrong)
    await expect.poll(() => dialog.getByText(`校验位（第 9 位）为 ${wrong[8]}，应为 ${expected}`).isVisible()).toBe(true)
    await dialog.getByLabel('车架号（VIN）').fill(vin.toLowerCase())
    await dialog.getByText('车架号校验通过').waitFor()

    await dialog.getByLabel('车牌号').fill(plate)
    await dialog.getByLabel('品牌').fill('比亚迪')
    await dialog.getByLabel('车型').fill('汉 EV')
    await dialog.getByLabel('年款').fill('2024')
    await dialog.getByLabel('行驶里程（公里）').fill('8000')
    await dialog.getByLabel('车身颜色').fill('白色')
    await dialog.getByLabel('所有人').fill(customer.id_number)
    await page.getByRole('option', { name: new RegExp(customer.name) }).click()
    await dialog.getByRole('button', { name: '保存' }).click()

    await page.waitForURL(/\/collateral\/vehicles\/[0-9a-f-]{36}$/)
    vehicleId = page.url().split('/').pop()!
    await page.getByText(vin).first().waitFor()
    await expect.poll(() => page.getByRole('link', { name: new RegExp(customer.name) }).count()).toBeGreaterThan(0)

    const stored = await api('appraiser', 'GET', `/api/v1/vehicles/${vehicleId}`)
    expect(stored).toMatchObject({ vin, plate_number: plate, owner_customer_id: customerId, year: 2024, mileage_km: 8000 })
    expectClean(watch)
    await context.close()
  })

  it('the appraiser values it, and may not approve their own valuation', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'appraiser', `/collateral/vehicles/${vehicleId}`)
    await page.getByRole('button', { name: '提交评估' }).click()
    const form = page.getByRole('dialog', { name: '提交评估' })
    await form.getByLabel('评估价值（元）').fill('128000.00')
    await form.getByLabel('评估说明').fill('车况良好，无事故')
    await form.getByRole('button', { name: '提交' }).click()
    await form.waitFor({ state: 'hidden' })

    const row = page.getByRole('region', { name: '评估记录' }).getByRole('row', { name: /¥128,000\.00/ })
    await row.getByText('待复核').waitFor()
    await row.getByRole('button', { name: '复核' }).click()
    const review = page.getByRole('dialog', { name: '复核估值' })
    await review.getByRole('button', { name: '通过' }).click()
    await review.getByRole('alert').getByText('评估须由提交评估的评估师以外的人复核').waitFor()
    await review.getByRole('button', { name: '取消' }).click()
    await row.getByText('待复核').waitFor()

    const valuations = await api('appraiser', 'GET', `/api/v1/vehicles/${vehicleId}/valuations`)
    expect(valuations.items.map((v: { status: string }) => v.status)).toEqual(['submitted'])
    expectClean(watch)
    await context.close()
  })

  it('a second appraiser approves it from 我的待办, and it becomes the current valuation', async () => {
    const { context, page, watch } = await openTab(browser)
    await login(page, 'appraiser_2', '/inbox')
    const item = page.getByRole('row', { name: new RegExp(plate) })
    await item.getByRole('button', { name: '处理' }).click()
    const review = page.getByRole('dialog', { name: '复核估值' })
    await review.getByLabel('意见').fill('价格合理')
    await review.getByRole('button', { name: '通过' }).click()
    await review.waitFor({ state: 'hidden' })
    await item.waitFor({ state: 'detached' })

    await page.goto(`${BASE_URL}/collateral/vehicles/${vehicleId}`)
    const current = page.getByRole('region', { name: '当前有效估值' })
    await current.getByText('¥128,000.00').waitFor()
    await current.getByText('已通过').waitFor()
    await page.getByRole('region', { name: '评估记录' }).getByRole('row', { name: /价格合理/ }).getByText('已通过').waitFor()
    expectClean(watch)
    await context.close()
  })

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`the vehicle list and a vehicle's page fit a ${name} screen`, async () => {
      const { context, page, watch } = await openTab(browser, viewport)
      await login(page, 'appraiser', '/collateral/vehicles')
      await page.getByRole('link', { name: vin }).waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `collateral-vehicles-${name}`)

      await page.getByRole('link', { name: vin }).click()
      await page.getByRole('heading', { name: '评估记录' }).waitFor()
      await page.getByRole('row', { name: /¥128,000\.00/ }).waitFor()
      await still(page)
      await expectNoHorizontalScroll(page)
      await screenshot(page, `collateral-vehicle-${name}`)
      expectClean(watch)
      await context.close()
    })
  }
})
