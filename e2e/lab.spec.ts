/** The lab page end to end: isolation, creating VMs, consoles both ways, pause/resume, destroy. */
import { test, expect } from '@playwright/test';
import { LabPage, PROMPT } from './lab-page.ts';
import { traceMainThread } from './main-thread.ts';

test('the page is cross-origin isolated and shows two empty hosts', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  for (const h of ['host1', 'host2']) {
    await expect(lab.host(h)).toContainText(`No VMs on ${h} yet.`);
    await expect(lab.host(h)).toContainText('1024 MiB');
  }
});

test('a bare-metal VM prints to its console; pause stops it, resume goes on, destroy shuts it off', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'tick', image: 'counter', host: 'host2' });
  await expect(lab.host('host2').getByRole('article', { name: 'tick' })).toBeVisible();
  await lab.waitForScreen('tick', /counter: 5\b/);
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await expect(lab.host('host2')).toContainText('16 / 1024 MiB');

  const last = async () => Math.max(...[...(await lab.screen('tick')).matchAll(/counter: (\d+)/g)].map((m) => Number(m[1])));
  await lab.action('tick', 'Pause').click();
  await expect(lab.state('tick')).toHaveText('paused');
  await page.waitForTimeout(400); // as below: output from before the pause may still be landing
  const frozen = await last();
  await page.waitForTimeout(700);
  expect(await last()).toBe(frozen);

  await lab.action('tick', 'Resume').click();
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await expect.poll(last).toBeGreaterThan(frozen + 3);

  await lab.action('tick', 'Destroy').click();
  await expect(lab.state('tick')).toHaveText('shut off');
  // Bytes the guest printed just before the worker was terminated may still be on their way to the
  // terminal (it draws at most every 100 ms during floods): let them land, then nothing more may.
  await page.waitForTimeout(400);
  const stopped = await last();
  await page.waitForTimeout(500);
  expect(await last()).toBe(stopped);
  await expect(lab.host('host2')).toContainText('0 / 1024 MiB');

  await lab.vm('tick').getByRole('button', { name: 'Delete tick' }).click();
  await expect(lab.vm('tick')).toHaveCount(0);
});

test('Linux boots to a shell that answers: uname -m is riscv64', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'linux1', image: 'linux' });
  await lab.waitForScreen('linux1', new RegExp(`${PROMPT.replace(/[/$]/g, '\\$&')}\\s*$`), 45_000);
  await lab.type('linux1', 'uname -m\n');
  await lab.waitForScreen('linux1', /uname -m\s+riscv64\s/);
  // An idle shell sleeps in WFI: the lab shows it idle, using little CPU.
  await expect(lab.state('linux1')).toHaveText('idle', { timeout: 10_000 });
});

test('two Linux VMs run at once and each console answers on its own', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'alpha', image: 'linux', host: 'host1' });
  await lab.create({ name: 'beta', image: 'linux', host: 'host2' });
  await expect(page.getByRole('tab')).toHaveCount(2);
  await lab.waitForScreen('beta', /root@virtlab:\/#\s*$/, 45_000);
  await lab.type('beta', 'echo beta-$((7*8))\n');
  await lab.showConsole('alpha');
  await lab.waitForScreen('alpha', /root@virtlab:\/#\s*$/, 45_000);
  await lab.type('alpha', 'echo alpha-$((6*7))\n');
  const a = await lab.waitForScreen('alpha', /^alpha-42$/m);
  expect(a).not.toContain('beta-56');
  await lab.showConsole('beta');
  const b = await lab.waitForScreen('beta', /^beta-56$/m);
  expect(b).not.toContain('alpha-42');
});

test('four Linux VMs booting leave the page responsive: no main-thread task does over 50 ms of work', async ({ page }, info) => {
  const lab = new LabPage(page);
  const names = ['r1', 'r2', 'r3', 'r4'];
  await lab.open();
  for (const [i, name] of names.entries()) await lab.create({ name, image: 'linux', host: i % 2 ? 'host2' : 'host1' });
  await lab.waitForScreen('r4', /root@virtlab:\/#\s*$/, 45_000);
  // Whole boots with the consoles open: reboot all four and wait for the last prompt again.
  const { tasks } = await traceMainThread(page, async () => {
    for (const vm of names) await lab.action(vm, 'Reboot').click();
    for (const vm of names) {
      await lab.showConsole(vm);
      await lab.waitForScreen(vm, /Run \/init[\s\S]*root@virtlab:\/#\s*$/, 45_000);
    }
  });
  const figures = `${tasks.tasks} main-thread tasks, the longest ${tasks.maxCpuMs} ms of CPU; over 50 ms of wall time: ${tasks.longWallMs.join(', ') || 'none'}`;
  info.annotations.push({ type: 'main thread', description: figures });
  console.log(`      ${figures}`);
  expect(tasks.maxCpuMs).toBeLessThan(50);
});
