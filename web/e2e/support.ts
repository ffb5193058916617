/**
 * What the console's end-to-end tests share: the platform they run against (tests/e2e/test_console.py passes it in
 * the environment), Chromium through playwright-core, logging in as a role, screenshots, and a watch on the
 * browser for console errors and failed requests.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { vinCheckDigit } from '@/utils/vin'

export interface User { username: string; password: string }

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run these tests through tests/e2e/test_console.py`)
  return value
}

export const BASE_URL = required('CARLOAN_E2E_URL')
export const USERS: Record<string, User> = JSON.parse(required('CARLOAN_E2E_USERS'))
export const SCREENSHOTS = process.env.CARLOAN_E2E_SCREENSHOTS ?? resolve(dirname(fileURLToPath(import.meta.url)), 'screenshots')

export const DESKTOP = { width: 1440, height: 900 }
export const PHONE = { width: 390, height: 844 }

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CARLOAN_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Everything the browser reported as wrong while a page was used. */
export interface Watch { problems: string[] }

/**
 * A fresh tab (its own sessionStorage, so its own login) at a viewport, watched for console errors, page errors,
 * failed requests and 5xx answers. Refusals a test provokes on purpose (4xx) are the page's to show, not faults.
 */
export async function openTab(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page;
  watch: Watch }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  const watch: Watch = { problems: [] }
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return
    watch.problems.push(`console: ${text}`)
  })
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? ''
    if (reason === 'net::ERR_ABORTED') return // a navigation that replaced a pending request
    watch.problems.push(`request failed: ${request.method()} ${request.url()} ${reason}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 500) watch.problems.push(`${response.status()} ${response.request().method()} ${response.url()}`)
  })
  return { context, page, watch }
}

export async function login(page: Page, role: string, redirect?: string): Promise<void> {
  const user = USERS[role]
  if (!user) throw new Error(`no user for role ${role}`)
  await page.goto(`${BASE_URL}/login${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`)
  await page.getByLabel('用户名').fill(user.username)
  await page.getByLabel('密码', { exact: true }).fill(user.password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

/** Waits until no request has been in flight for a moment (lists loaded, dialogs filled). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle')
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = resolve(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** The page itself never scrolls sideways (tables scroll inside their cards). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
  expect(scrollWidth, 'page wider than the screen').toBeLessThanOrEqual(innerWidth)
}

export function expectClean(watch: Watch): void {
  expect(watch.problems).toEqual([])
}

/** A call to the gateway as a role, outside the browser (setting up what a test needs). */
export async function api<T = any>(role: string, method: string, path: string, body?: unknown): Promise<T> {
  const token = await tokenOf(role)
  const response = await fetch(`${BASE_URL}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

const tokens = new Map<string, string>()

export async function tokenOf(role: string): Promise<string> {
  const cached = tokens.get(role)
  if (cached) return cached
  const response = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(USERS[role]),
  })
  if (!response.ok) throw new Error(`login as ${role} → ${response.status}: ${await response.text()}`)
  const token = (await response.json()).access_token as string
  tokens.set(role, token)
  return token
}

// -- what the story tests make up: people, cars, dates -------------------------------------------------------
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

export function digits(count: number): string {
  return Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('')
}

/** A fresh valid resident ID number (GB 11643) of someone born 1970–1999 in `region`. */
export function newIdNumber(region = '330102'): string {
  const born = new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 30 * 365) * 86_400_000)
  const body = `${region}${born.toISOString().slice(0, 10).replaceAll('-', '')}${digits(3)}`
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * ID_WEIGHTS[index], 0)
  return body + '10X98765432'[sum % 11]
}

const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ' // no I, O or Q

/** `count` random characters a VIN may hold. */
export function vinCharacters(count: number): string {
  return Array.from({ length: count }, () => VIN_ALPHABET[Math.floor(Math.random() * VIN_ALPHABET.length)]).join('')
}

/** A fresh VIN (ISO 3779) with its check digit: `pattern` has a `?` where the check digit goes, the rest padded
 * with random VIN characters to 17 (eight after the default pattern: 33^8 VINs, where six random digits made a
 * million, few enough for a few hundred vehicles of one suite to collide now and then). */
export function newVin(pattern = 'LSVAM418?'): string {
  const body = pattern + vinCharacters(17 - pattern.length)
  return body.replace('?', vinCheckDigit(body.replace('?', '0')))
}

/** Today where the business is (the services count business dates in Asia/Shanghai). */
export function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

/** A calendar date `days` after `date` (YYYY-MM-DD); negative goes back. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Lists loaded and their loading masks gone, so a screenshot shows the page as a person sees it. */
export async function still(page: Page): Promise<void> {
  await settle(page)
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
}

/** Polls `probe` once a second until it gives something truthy (what an event-driven step takes to arrive). */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

// -- a loan set up through the API: what the pages after the application need -------------------------------
export interface Person { name: string; id_number: string; phone: string; monthly_income: string }
export interface Car { vin: string; brand: string; model: string; year: number; plate_number?: string }
export interface SignedLoan { id: string; contract_no: string; net_amount: string; status: string }

export interface LoanSetUp {
  /** The borrower, registered by the loan officer. */
  customer: Person
  /** Their car, registered by the loan officer: a 2022 日产 轩逸 with a fresh VIN unless told otherwise. */
  vehicle?: Partial<Car>
  /** What the appraiser values the car at (a second appraiser approves the valuation). */
  appraised: string
  /** A product the administrator creates (its fields as POST /api/v1/products takes them), or an existing one. */
  product: Record<string, unknown> | { id: string }
  amount: string
  termMonths: number
  /** The contract's date, and the disbursement's: today (Asia/Shanghai) unless told otherwise. */
  signedOn?: string
  /** Who investigates and who decides (never the same one): the risk reviewer and the administrator by default. */
  investigator?: string
  decider?: string
}

export interface LoanMade {
  loan: SignedLoan
  customer: { id: string; name: string }
  vehicle: { id: string }
  product: { id: string }
}

/**
 * A loan approved and signed through the API: the loan officer registers the customer and their car, the appraiser
 * values it and the second appraiser approves the valuation, (the administrator creates the product,) the officer
 * applies, it is investigated and decided on, and the officer signs the contract.
 */
export async function signedLoan(setUp: LoanSetUp): Promise<LoanMade> {
  const customer = await api<{ id: string; name: string }>('loan_officer', 'POST', '/api/v1/customers/persons',
    setUp.customer)
  const vehicle = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/vehicles', {
    vin: newVin(), brand: '日产', model: '轩逸', year: 2022, ...setUp.vehicle, owner_customer_id: customer.id })
  const valuation = await api<{ id: string }>('appraiser', 'POST', `/api/v1/vehicles/${vehicle.id}/valuations`, {
    appraised_value: setUp.appraised, method: 'market' })
  await api('appraiser_2', 'POST', `/api/v1/valuations/${valuation.id}/review`, { approve: true })
  const product = 'id' in setUp.product ? { id: setUp.product.id as string }
    : await api<{ id: string }>('admin', 'POST', '/api/v1/products', setUp.product)
  const application = await api<{ id: string }>('loan_officer', 'POST', '/api/v1/loan-applications', {
    customer_id: customer.id, product_id: product.id, vehicle_id: vehicle.id, amount: setUp.amount,
    term_months: setUp.termMonths })
  const path = `/api/v1/loan-applications/${application.id}`
  await api(setUp.investigator ?? 'risk_reviewer', 'POST', `${path}/investigation`, {
    findings: '收入稳定', recommendation: 'approve' })
  await api(setUp.decider ?? 'admin', 'POST', `${path}/decision`, { approve: true })
  const loan = await api<SignedLoan>('loan_officer', 'POST', `${path}/contract`, {
    signed_on: setUp.signedOn ?? shanghaiToday() })
  return { loan, customer, vehicle, product }
}

/** signedLoan, then paid out on the day it was signed: the finance clerk registers it, the finance reviewer
 * approves it. */
export async function disbursedLoan(setUp: LoanSetUp): Promise<LoanMade> {
  const signedOn = setUp.signedOn ?? shanghaiToday()
  const made = await signedLoan({ ...setUp, signedOn })
  const { loan, customer } = made
  await api('finance_clerk', 'POST', `/api/v1/loans/${loan.id}/disbursement`, {
    payee_name: customer.name, payee_account: '6222020200112233445', amount: loan.net_amount })
  await api('finance_reviewer', 'POST', `/api/v1/loans/${loan.id}/disbursement/review`, {
    approve: true, voucher_no: `FK${digits(10)}`, disbursed_on: signedOn })
  return made
}


// -- steps on pages both the origination test and the story take -----------------------------------------------
/** Types a date into an Element Plus date picker and confirms it, as a person typing it would. */
export async function typeDate(page: Page, label: string, date: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true })
  await field.fill(date)
  await field.press('Enter')
  await expect.poll(() => field.inputValue()).toBe(date)
}

/** 签约 on the application's page open in `page` (dated `signedOn`, else today): the new loan's id. */
export async function signContract(page: Page, signedOn?: string): Promise<string> {
  await page.getByRole('button', { name: '签约' }).click()
  const dialog = page.getByRole('dialog', { name: '签约' })
  if (signedOn) await typeDate(page, '签约日期', signedOn)
  await dialog.getByRole('button', { name: '签约' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const link = page.getByRole('link', { name: '查看贷款' })
  await link.waitFor()
  return (await link.getAttribute('href'))!.split('/').pop()!
}

/** 登记放款 of the loan `contractNo` on 放款管理 open in `page`, the payee shown as `payee`: its row, now 待复核. */
export async function registerDisbursement(page: Page, contractNo: string, payee: string, account: string) {
  const row = page.getByRole('row', { name: new RegExp(contractNo) })
  await row.getByRole('button', { name: '登记放款' }).click()
  const form = page.getByRole('dialog', { name: '登记放款' })
  await expect.poll(() => form.getByLabel('收款人').inputValue()).toBe(payee)
  await form.getByLabel('收款账号').fill(account)
  await form.getByRole('button', { name: '提交' }).click()
  await form.waitFor({ state: 'hidden' })
  await row.getByText('待复核').waitFor()
  return row
}

/** 放款复核 of the loan `contractNo` on 放款管理 open in `page`: approved under `voucher` (paid out on `disbursedOn`,
 * else today); resolves when its row has left the list. `check` looks at the dialog before it is approved. */
export async function reviewDisbursement(page: Page, contractNo: string, voucher: string, disbursedOn?: string,
  check?: (dialog: ReturnType<Page['getByRole']>) => Promise<unknown>): Promise<void> {
  const pending = page.getByRole('row', { name: new RegExp(contractNo) })
  await pending.getByRole('button', { name: '放款复核' }).click()
  const review = page.getByRole('dialog', { name: '放款复核' })
  if (check) await check(review)
  await review.getByLabel('放款凭证号').fill(voucher)
  if (disbursedOn) await typeDate(page, '放款日期', disbursedOn)
  await review.getByRole('button', { name: '通过并放款' }).click()
  await review.waitFor({ state: 'hidden' })
  await pending.waitFor({ state: 'detached' })
}
