/**
 * The page's figures for `npm run bench`: seconds from Start to the Linux prompt in the lab page
 * (Chromium, production build served with COOP/COEP), and four Linux VMs booting at once with the
 * longest main-thread task. Needs dist/ (`npm run build`), the linux image and Debian's Chromium.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM } from '../e2e/chromium.ts';
import { LabPage } from '../e2e/lab-page.ts';
import { traceMainThread } from '../e2e/main-thread.ts';
import { repo } from '../tests/helpers/run-guest.ts';

export type ChromiumFigures =
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'ran'; readonly boots: number[]; readonly four: number; readonly longestTaskCpuMs: number; readonly longWallMs: number[] };

/**
 * The page's clock when `name`'s console (its tab in front) shows the prompt: when xterm puts it
 * in the rows, in the animation frame that paints it. (Polling each frame instead may run just
 * before xterm's draw in that frame and see it a frame late.)
 */
async function promptAt(page: Page, name: string): Promise<number> {
  await page.getByRole('tab', { name, exact: true }).click();
  // A string, not a function: the bench runs under tsx, whose helpers do not exist in the page.
  return page.evaluate(`new Promise((resolve, reject) => {
    const rows = document.querySelector('[aria-label="console ${name}"] .xterm-rows');
    if (!rows) return reject(new Error('no console ${name}'));
    const seen = () => rows.textContent.includes('root@virtlab:/#');
    if (seen()) return resolve(performance.now());
    const watch = new MutationObserver(() => {
      if (seen()) { watch.disconnect(); resolve(performance.now()); }
    });
    watch.observe(rows, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { watch.disconnect(); reject(new Error('no prompt in console ${name} within 60 s')); }, 60000);
  })`) as Promise<number>;
}

/** Start the domains together; seconds until the last one shows its prompt. */
async function bootSeconds(page: Page, lab: LabPage, names: readonly string[]): Promise<number> {
  // Timed from the click event itself, not from when Playwright starts moving the mouse.
  const clicked = page.evaluate(() => new Promise<number>((resolve) => {
    document.addEventListener('click', () => resolve(performance.now()), { capture: true, once: true });
  }));
  for (const n of names) await lab.action(n, 'Start').click();
  const t0 = await clicked;
  let last = t0;
  // Background tabs do not draw: look at each console in turn (they boot in parallel meanwhile).
  for (const n of names) last = Math.max(last, await promptAt(page, n));
  return (last - t0) / 1000;
}

async function defineLinux(page: Page, name: string, host: string): Promise<void> {
  await page.getByRole('button', { name: 'New VM' }).click();
  const dialog = page.getByRole('dialog', { name: 'New VM' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Image').selectOption('linux');
  await dialog.getByLabel('Host').selectOption(host);
  await dialog.getByLabel(/Start it now/).uncheck();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: `Console ${name}` }).click();
}

export async function chromiumFigures(): Promise<ChromiumFigures> {
  if (!existsSync(CHROMIUM.executablePath)) return { kind: 'skipped', why: `no Chromium at ${CHROMIUM.executablePath}` };
  if (!existsSync(join(repo, 'public', 'images', 'linux'))) return { kind: 'skipped', why: 'the linux image is not built (npm run images)' };
  if (!existsSync(join(repo, 'dist', 'index.html'))) return { kind: 'skipped', why: 'no production build (npm run build)' };
  const server = await preview({ root: repo, logLevel: 'silent', preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const lab = new LabPage(page);
    await lab.open(server.resolvedUrls!.local[0]);
    // Four boots of one VM (the first warms the JIT of worker and page up, as in the Node
    // figure), each a new VM so that its console shows no earlier prompt.
    const boots: number[] = [];
    for (let i = 1; i <= 4; i++) {
      await defineLinux(page, `one${i}`, 'host1');
      boots.push(await bootSeconds(page, lab, [`one${i}`]));
      await lab.action(`one${i}`, 'Destroy').click();
    }
    // Four at once, consoles open, the page traced.
    const names = ['four1', 'four2', 'four3', 'four4'];
    for (const [i, n] of names.entries()) await defineLinux(page, n, i % 2 ? 'host2' : 'host1');
    const { result: four, tasks } = await traceMainThread(page, () => bootSeconds(page, lab, names));
    return { kind: 'ran', boots, four, longestTaskCpuMs: tasks.maxCpuMs, longWallMs: tasks.longWallMs };
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}
