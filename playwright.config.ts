/**
 * e2e: the production build (`npm run build`) served by `vite preview` with COOP/COEP, driven in
 * Debian's Chromium (Playwright's own browser downloads are not used). One worker: each test boots
 * guests that want a CPU core of their own, and CI has two.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './e2e/chromium.ts';

/** E2E_PORT lets two checkouts on one machine run their suites at once. */
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // Playwright launches with a fresh temporary profile every run.
    launchOptions: CHROMIUM,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
