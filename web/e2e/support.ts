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
