/** Pictures of the lab for people to look at (test-results/screenshots/): a busy lab, the dialog, a phone. */
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { LabPage } from './lab-page.ts';

const shot = (name: string) => join(import.meta.dirname, '..', 'test-results', 'screenshots', `${name}.png`);

test('screenshots of a lab with a few VMs', async ({ page }) => {
  const lab = new LabPage(page);
  await page.setViewportSize({ width: 1366, height: 820 });
  await lab.open();
  await page.screenshot({ path: shot('empty') });
  await lab.create({ name: 'web', image: 'linux', host: 'host1' });
  await lab.create({ name: 'tick', image: 'counter', host: 'host2' });
  await lab.create({ name: 'dirty', image: 'memtouch', host: 'host2' });
  await lab.action('dirty', 'Pause').click();
  await lab.showConsole('web');
  await lab.waitForScreen('web', /root@virtlab:\/#\s*$/, 45_000);
  await lab.type('web', 'uname -a; free -m\n');
  await lab.waitForScreen('web', /Mem:/);
  await page.waitForTimeout(3500); // a few samples for the graphs
  await page.screenshot({ path: shot('lab') });
  await page.getByRole('button', { name: 'New VM' }).click();
  await expect(page.getByRole('dialog', { name: 'New VM' })).toBeVisible();
  await page.screenshot({ path: shot('new-vm') });
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot('phone'), fullPage: true });
});
