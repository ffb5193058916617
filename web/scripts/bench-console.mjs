// The console's timings in Chromium through the built console, one figure a call: `node scripts/bench-console.mjs
// MODE`. Called by bench/console.py (it lives here so that playwright-core resolves from web/node_modules) with
// CARLOAN_E2E_URL, CARLOAN_BENCH_TOKEN (put in sessionStorage: logged in) and CARLOAN_BENCH_RUNS (10); each run is
// a fresh browser context, and one more run before them warms the gateway's caches and is not counted. Prints JSON:
// the runs' median, min and max, and for the last two modes `data_median_ms`, when the API had answered the data the
// page shows (the resources' responseEnd, on the same clock): what is left of the figure is the browser's work.
//   customers  page.goto('/customers') until the table shows 20 rows (the clock in this process).
//   schedule   /loans filtered by the borrower of CARLOAN_BENCH_LOAN ({id, contract_no, customer_name}), then the
//              click on its contract number until its 还款计划 holds CARLOAN_BENCH_ROWS rows: from the click event's
//              time stamp to the first animation frame with every row in the table (the page's clock).
//   cockpit    page.goto('/') until the home page has CARLOAN_BENCH_CHARTS charts, each a canvas of non-zero size
//              whose ECharts instance is `finished` (EChart.vue's data-finished, entry animations included): from
//              the navigation's start to the first animation frame with all of them (the page's clock).
import { chromium } from 'playwright-core'

const mode = process.argv[2]
const url = process.env.CARLOAN_E2E_URL
const token = process.env.CARLOAN_BENCH_TOKEN
const runs = Number(process.env.CARLOAN_BENCH_RUNS ?? 10)
const TIMEOUT = 30_000

// In the page: when the last of these API paths was answered (the resource's responseEnd, on the page's clock).
const ANSWERED = `window.answered = (paths) => Math.max(...performance.getEntriesByType('resource')
  .filter((entry) => paths.includes(new URL(entry.name).pathname)).map((entry) => entry.responseEnd))`

/** The customer list: milliseconds from page.goto to 20 rows. */
async function customers(page) {
  const started = performance.now()
  await page.goto(`${url}/customers`)
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length >= 20, null,
    { timeout: TIMEOUT })
  return { elapsed: performance.now() - started }
}

/** The loan schedule: milliseconds from the click on the loan in 贷款台账 to its schedule's rows rendered, and to
 * the loan and its schedule answered by the API. */
async function schedule(page) {
  const loan = JSON.parse(process.env.CARLOAN_BENCH_LOAN)
  const rows = Number(process.env.CARLOAN_BENCH_ROWS ?? 60)
  await page.goto(`${url}/loans`)
  await page.getByRole('heading', { name: '贷款台账' }).waitFor({ timeout: TIMEOUT })
  await page.getByRole('combobox', { name: '借款人' }).fill(loan.customer_name)
  await page.getByRole('option', { name: new RegExp(loan.customer_name) }).click({ timeout: TIMEOUT })
  const link = page.getByRole('link', { name: loan.contract_no, exact: true })
  await link.waitFor({ timeout: TIMEOUT })
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: TIMEOUT })
  await page.evaluate(({ contractNo, rows }) => {
    document.addEventListener('click', (event) => {
      if (event.target.closest('a')?.textContent.trim() !== contractNo) return
      const started = window.benchStarted = event.timeStamp
      const frame = () => {
        const table = document.querySelector('.el-table[aria-label="还款计划"]')
        if (table && table.querySelectorAll('.el-table__body-wrapper tbody tr.el-table__row').length >= rows) {
          window.benchElapsed = performance.now() - started
        } else {
          requestAnimationFrame(frame)
        }
      }
      requestAnimationFrame(frame)
    }, { capture: true, once: true })
  }, { contractNo: loan.contract_no, rows })
  await link.click()
  await page.waitForFunction(() => window.benchElapsed !== undefined, null, { timeout: TIMEOUT })
  await page.waitForURL(`${url}/loans/${loan.id}`)
  const shown = await page.locator('.el-table[aria-label="还款计划"] .el-table__body-wrapper tbody tr.el-table__row').count()
  if (shown !== rows) throw new Error(`the schedule shows ${shown} rows, not ${rows}`)
  return page.evaluate((paths) => ({ elapsed: window.benchElapsed, data: answered(paths) - window.benchStarted }),
    [`/api/v1/loans/${loan.id}`, `/api/v1/loans/${loan.id}/schedule`])
}

/** The cockpit: milliseconds from the navigation's start to every chart drawn, and to the summary answered. */
async function cockpit(page) {
  const charts = Number(process.env.CARLOAN_BENCH_CHARTS)
  await page.goto(`${url}/`)
  await page.waitForFunction((charts) => {
    const drawn = [...document.querySelectorAll('.echart')].filter((chart) => {
      const box = chart.querySelector('canvas')?.getBoundingClientRect()
      return chart.hasAttribute('data-finished') && box && box.width * box.height > 0
    })
    if (drawn.length >= charts) window.benchElapsed ??= performance.now()
    return drawn.length >= charts
  }, charts, { polling: 'raf', timeout: TIMEOUT })
  const shown = await page.locator('.echart').count()
  if (shown !== charts) throw new Error(`the cockpit shows ${shown} charts, not ${charts}`)
  return page.evaluate(() => ({ elapsed: window.benchElapsed, data: answered(['/api/v1/dashboard/summary']) }))
}

const measure = { customers, schedule, cockpit }[mode]
if (!measure) {
  console.error('usage: node scripts/bench-console.mjs customers|schedule|cockpit')
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: process.env.CARLOAN_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
const times = []
try {
  for (let run = 0; run < runs + 1; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await context.addInitScript((value) => sessionStorage.setItem('carloan.token', value), token)
    await context.addInitScript(ANSWERED)
    const { elapsed, data } = await measure(await context.newPage())
    if (run > 0) times.push({ elapsed, data })
    await context.close()
  }
} finally {
  await browser.close()
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  return Math.round(sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2)
}
const elapsed = times.map((time) => time.elapsed)
const data = times.map((time) => time.data).filter(Number.isFinite)
console.log(JSON.stringify({ mode, runs: times.length, median_ms: median(elapsed), min_ms: Math.round(Math.min(...elapsed)),
  max_ms: Math.round(Math.max(...elapsed)), times_ms: elapsed.map(Math.round),
  ...(data.length ? { data_median_ms: median(data) } : {}) }))
