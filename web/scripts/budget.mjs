// The size budget of what a browser loads before it shows the login and home pages: the entry chunk, its static
// imports, and the chunks of those two routes with their imports, JS and CSS gzipped. Fails the build over budget.
// `node scripts/budget.mjs [DIR]` checks a build in DIR (vite build --outDir DIR) instead of web/dist.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BUDGET_KB = Number(process.env.CARLOAN_CONSOLE_BUDGET_KB ?? 400)
const dist = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const manifest = JSON.parse(readFileSync(resolve(dist, '.vite/manifest.json'), 'utf8'))

function closure(keys) {
  const seen = new Set()
  const files = new Set()
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return
    seen.add(key)
    const chunk = manifest[key]
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
    for (const next of chunk.imports ?? []) visit(next)
  }
  keys.forEach(visit)
  return files
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry)
const routes = ['src/views/LoginPage.vue', 'src/views/HomePage.vue', 'src/layout/AppLayout.vue']
const files = closure([entry, ...routes.filter((key) => manifest[key])])
let total = 0
for (const file of files) total += gzipSync(readFileSync(resolve(dist, file))).length
const kb = total / 1024
console.log(`initial JS+CSS of the login and home routes: ${kb.toFixed(1)} KB gzipped in ${files.size} files ` +
  `(budget ${BUDGET_KB} KB)`)
if (kb > BUDGET_KB) {
  console.error(`over the budget by ${(kb - BUDGET_KB).toFixed(1)} KB`)
  process.exit(1)
}
