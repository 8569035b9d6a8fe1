/** dist/ on a static server that sends no isolation headers: the service worker supplies them. */
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { serveStatic } from './static-server.ts';
import { LabPage } from './lab-page.ts';

test('without COOP/COEP headers the service worker makes the page isolated and VMs run', async ({ page }) => {
  const server = await serveStatic(join(import.meta.dirname, '..', 'dist'));
  try {
    const first = await page.request.get(server.url);
    expect(first.headers()['cross-origin-embedder-policy']).toBeUndefined();
    await page.goto(server.url);
    // coi-serviceworker registers, then reloads the page under its control.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 15_000 }).toBe(true);
    const lab = new LabPage(page);
    await expect(lab.host('host1')).toBeVisible();
    await lab.create({ name: 'static', image: 'counter' });
    await lab.waitForScreen('static', /counter: 2\b/);
  } finally {
    await server.close();
  }
});
