// Time from navigation to a rendered 20-row customer list, in Chromium through the built console: N fresh loads
// of /customers (logged in, token in sessionStorage), each timed from page.goto until the table shows 20 rows.
// Called by bench/console.py (it lives here so that playwright-core resolves from web/node_modules) with CARLOAN_E2E_URL and CARLOAN_BENCH_TOKEN; prints JSON.
import { chromium } from 'playwright-core'

const url = process.env.CARLOAN_E2E_URL
const token = process.env.CARLOAN_BENCH_TOKEN
const runs = Number(process.env.CARLOAN_BENCH_RUNS ?? 10)
const browser = await chromium.launch({
  executablePath: process.env.CARLOAN_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
const times = []
for (let run = 0; run < runs + 1; run++) { // the first load warms the gateway's caches and is not counted
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  await context.addInitScript((value) => sessionStorage.setItem('carloan.token', value), token)
  const page = await context.newPage()
  const started = performance.now()
  await page.goto(`${url}/customers`)
  await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length >= 20, null,
    { timeout: 30_000 })
  const elapsed = performance.now() - started
  if (run > 0) times.push(elapsed)
  await context.close()
}
await browser.close()
times.sort((a, b) => a - b)
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2
console.log(JSON.stringify({ runs: times.length, median_ms: Math.round(median), min_ms: Math.round(times[0]),
  max_ms: Math.round(times[times.length - 1]), times_ms: times.map(Math.round) }))
