import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'

// End-to-end: Playwright (playwright-core) drives Debian's Chromium against a running platform whose
// address and users the caller (tests/e2e/test_console.py) passes in the environment.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['e2e/**/*.e2e.ts'],
    exclude: ['e2e/story.e2e.ts'], // vitest.story.config.ts: it closes business dates on a platform of its own
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: a page waiting on the gateway of a busy machine takes longer
    expect: { poll: { timeout: 20_000, interval: 100 } },
    fileParallelism: false,
    reporters: ['verbose'],
  },
})
