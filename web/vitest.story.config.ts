import { defineConfig } from 'vitest/config'
import e2e from './vitest.e2e.config'

// The whole story of one loan (e2e/story.e2e.ts), on a platform of its own: tests/e2e/test_console.py starts it.
export default defineConfig({ ...e2e, test: { ...e2e.test, include: ['e2e/story.e2e.ts'], exclude: [] } })
