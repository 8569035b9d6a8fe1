/** The New VM dialog: catalog defaults, download failures and checks, placement limits, phone width. */
import { test, expect } from '@playwright/test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LabPage } from './lab-page.ts';

test('a failed download says what failed and leaves nothing behind; a retry works', async ({ page }) => {
  const lab = new LabPage(page);
  let fail = true;
  await page.route('**/images/counter/counter.elf.gz', (route) => (fail ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
  await lab.open();
  await page.getByRole('button', { name: 'New VM' }).click();
  const dialog = page.getByRole('dialog', { name: 'New VM' });
  await dialog.getByLabel('Image').selectOption('counter');
  await expect(dialog.getByLabel('Memory (MiB)')).toHaveValue('16');
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/could not fetch counter kernel .*counter\.elf\.gz.*HTTP 404/);
  await expect(page.getByRole('article')).toHaveCount(0);
  fail = false;
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog).toBeHidden();
  await lab.waitForScreen('vm1', /counter: 2\b/);
});

test('an image that does not match its sha256 is refused', async ({ page }) => {
  const lab = new LabPage(page);
  await page.route('**/images/counter/counter.elf.gz', async (route) => {
    // The preview server sends .gz files with Content-Encoding: gzip, so this may be the ELF itself.
    const body = await (await route.fetch()).body();
    const raw = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    // Still a valid gzip of the right size, but one byte of the ELF differs.
    raw[200] ^= 0xff;
    await route.fulfill({ status: 200, contentType: 'application/gzip', body: gzipSync(raw) });
  });
  await lab.open();
  await page.getByRole('button', { name: 'New VM' }).click();
  const dialog = page.getByRole('dialog', { name: 'New VM' });
  await dialog.getByLabel('Image').selectOption('counter');
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/counter kernel: sha256 [0-9a-f]{64} does not match the catalog/);
});

test('a VM that does not fit on its host is refused before anything is downloaded', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByRole('button', { name: 'New VM' }).click();
  const dialog = page.getByRole('dialog', { name: 'New VM' });
  await dialog.getByLabel('Memory (MiB)').fill('1500');
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog.getByRole('alert')).toContainText('vm1 needs 1500 MiB but host1 has only 1024 MiB');
  await dialog.getByLabel('Name').fill('bad name!');
  await dialog.getByLabel('Memory (MiB)').fill('64');
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog.getByRole('alert')).toContainText('is not a valid name');
});

test('at phone width the lab fits the screen and the console still works', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'pocket', image: 'counter' });
  await lab.waitForScreen('pocket', /counter: 2\b/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const b of ['Start', 'Pause', 'Reboot', 'Shut down', 'Destroy']) await expect(lab.action('pocket', b)).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('phone.png'), fullPage: true });
});
