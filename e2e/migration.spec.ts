/**
 * Live migration from the dashboard (issue 6): drag a running Linux VM's card onto the other host
 * while its shell prints, watch the panel to the end, and keep typing in the same console; the
 * "Migrate…" menu from the keyboard; Cancel on a slow link.
 */
import { test, expect, type Locator } from '@playwright/test';
import { LabPage, Migration, PROMPT } from './lab-page.ts';

/** The panel's announced result (the link's bandwidth <output> is a status too, so not by role). */
const result = (panel: Locator): Locator => panel.locator('[role="status"]');

const prompt = new RegExp(`${PROMPT.replace(/[/$]/g, '\\$&')}\\s*$`);

test('dragging a Linux VM onto host2 migrates it while its shell prints; no line lost or repeated, typing goes on', async ({ page }) => {
  const lab = new LabPage(page);
  const mig = new Migration(lab);
  await lab.open();
  await lab.create({ name: 'web', image: 'linux', host: 'host1' });
  await lab.waitForScreen('web', prompt, 45_000);

  // A pause every 10 lines (busybox usleep): the loop prints for ~3 s, the migration well inside it.
  await lab.type('web', 'i=0; while [ $i -lt 400 ]; do echo line $i; i=$((i+1)); [ $((i % 10)) -eq 0 ] && usleep 60000; done\n');
  await lab.waitForScreen('web', /line \d+/);
  await mig.drag('web', 'host2');

  const panel = mig.panel('web');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('host1 → host2');
  await expect(result(panel)).toContainText(/Completed in .* with [\d.]+ m?s of downtime: web runs on host2\./, { timeout: 30_000 });
  // It moved while the loop printed (else this would test nothing).
  expect(await mig.consoleText('web')).not.toContain('line 399');
  await expect(lab.host('host2').getByRole('article', { name: 'web' })).toBeVisible();
  await expect(lab.host('host1').getByRole('article', { name: 'web' })).toHaveCount(0);
  await expect(lab.console('web')).toBeVisible();

  // Every line once, in order, across the switch.
  await lab.waitForScreen('web', /line 399\s+root@virtlab:\/#\s*$/, 30_000);
  const text = await mig.consoleText('web');
  const lines = [...text.matchAll(/^line (\d+)$/gm)].map((m) => Number(m[1]));
  expect(lines).toEqual(Array.from({ length: 400 }, (_, i) => i));

  await lab.type('web', 'uname -m\n');
  await lab.waitForScreen('web', /uname -m\s+riscv64\s/);
  await panel.getByRole('button', { name: 'Dismiss migration web' }).click();
  await expect(panel).toHaveCount(0);
});

test('"Migrate…" from the keyboard, at phone width, moves a counter with no tick lost or repeated; a drop where it cannot go is refused', async ({ page }) => {
  const lab = new LabPage(page);
  const mig = new Migration(lab);
  await page.setViewportSize({ width: 390, height: 844 });
  await lab.open();
  await lab.create({ name: 'tick', image: 'counter', host: 'host1' });
  await lab.waitForScreen('tick', /counter: 5\b/);

  // Paused, it may not go: the host it is dragged over says why, and a drop does nothing.
  await lab.action('tick', 'Pause').click();
  await expect(lab.state('tick')).toHaveText('paused');
  await expect(lab.vm('tick').getByRole('button', { name: 'Migrate tick' })).toBeDisabled();
  await lab.vm('tick').hover();
  await page.mouse.down();
  await lab.host('host2').hover();
  await lab.host('host2').hover({ position: { x: 40, y: 60 } });
  await expect(lab.host('host2')).toContainText('tick cannot move here: Requested operation is not valid: domain is paused');
  await page.mouse.up();
  await expect(lab.host('host2')).not.toContainText('cannot move here');
  await expect(mig.panel('tick')).toHaveCount(0);
  await lab.action('tick', 'Resume').click();
  await expect(lab.state('tick')).toHaveText(/running|idle/);

  const button = lab.vm('tick').getByRole('button', { name: 'Migrate tick' });
  await button.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Migrate tick to' });
  await expect(menu).toBeVisible();
  const item = menu.getByRole('menuitem', { name: /^host2/ });
  await expect(item).toBeFocused();
  await expect(item).toContainText('1024 MiB free');
  await expect(menu.getByRole('menuitem')).toHaveCount(1); // not its own host
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(item).toBeFocused();
  await page.keyboard.press('Enter');

  const panel = mig.panel('tick');
  await expect(result(panel)).toContainText(/Completed in .*: tick runs on host2\./, { timeout: 30_000 });
  await expect(lab.host('host2').getByRole('article', { name: 'tick' })).toBeVisible();
  await expect(lab.host('host1')).toContainText('0 / 1024 MiB');
  // Nothing sticks out sideways on a phone: the panel, the cards and the links fit.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const at = Math.max(...[...(await mig.consoleText('tick')).matchAll(/counter: (\d+)/g)].map((m) => Number(m[1])));
  await expect.poll(async () => (await mig.consoleText('tick')).includes(`counter: ${at + 5}`)).toBe(true);
  const ticks = [...(await mig.consoleText('tick')).matchAll(/^counter: (\d+)$/gm)].map((m) => Number(m[1]));
  expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + ticks[0]));
});

test('Cancel on a slow link: the VM stays on host1, running, and its console goes on', async ({ page }) => {
  const lab = new LabPage(page);
  const mig = new Migration(lab);
  await lab.open();
  // memtouch dirties 2000 pages/s of its 1024 (and checks them): at 10 Mbit/s a round takes
  // seconds. (counter's RAM is nearly all zero pages: it moves in ~0.1 s even at 10 Mbit/s.)
  await lab.create({ name: 'dirty', image: 'memtouch', host: 'host1' });
  await lab.waitForScreen('dirty', /memtouch: gen 2\b/);
  await mig.setBandwidth('host1', 'host2', '10 Mbit/s');
  await mig.drag('dirty', 'host2');

  const panel = mig.panel('dirty');
  await expect(panel).toContainText('pre-copy');
  await expect(panel.getByText(/Round 1: [\d,]+ of 4,096 pages sent/)).toBeVisible();
  await expect(panel).toContainText('of 10 Mbit/s');
  // The panel's slider is the same link: the running migration speeds up to it at once.
  await panel.getByRole('slider', { name: 'Bandwidth host1 ↔ host2' }).fill('1');
  await expect(panel).toContainText('of 20 Mbit/s');
  await expect(mig.bandwidth('host1', 'host2')).toHaveAttribute('aria-valuetext', '20 Mbit/s');
  await panel.getByRole('button', { name: 'Cancel migration dirty' }).click();
  await expect(result(panel)).toHaveText('Cancelled: migration cancelled. dirty keeps running on host1.');
  await expect(panel.getByRole('button', { name: 'Cancel migration dirty' })).toHaveCount(0);
  await expect(lab.host('host1').getByRole('article', { name: 'dirty' })).toBeVisible();
  await expect(lab.state('dirty')).toHaveText(/running|idle/);
  await expect(lab.host('host2')).toContainText('0 / 1024 MiB');

  const gen = async () => Math.max(...[...(await mig.consoleText('dirty')).matchAll(/memtouch: gen (\d+)/g)].map((m) => Number(m[1])));
  const now = await gen();
  await expect.poll(gen, { timeout: 10_000 }).toBeGreaterThan(now + 1);
  expect(await mig.consoleText('dirty')).not.toContain('MISMATCH');
  await panel.getByRole('button', { name: 'Dismiss migration dirty' }).click();
  await expect(panel).toHaveCount(0);
});
