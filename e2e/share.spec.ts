/**
 * Lab links, Labfiles and the lab kept across reloads (issue 7): a link made in one browser
 * rebuilds the same lab in a fresh one; hostile links change nothing; the lab survives a reload.
 */
import { test, expect, type Page } from '@playwright/test';
import { LabPage } from './lab-page.ts';

const cfg = (name: string, image: string, memory: number) =>
  `name = "${name}"\nmemory = ${memory}\nvcpus = 1\nimage = "${image}"\nvif = [ "bridge=xenbr0" ]\n`;

/** Two hosts, three domains: web (Linux) starts with the lab, tick and spare (bare metal) do not. */
const LABFILE = {
  labfile: 1,
  title: 'Networking 101',
  description: 'Web runs Linux.\nStart tick on host2, then share the lab.',
  hosts: [
    { name: 'host1', cpus: 4, memoryMiB: 1024 },
    { name: 'host2', cpus: 2, memoryMiB: 512 },
  ],
  domains: [
    { name: 'web', host: 'host1', autostart: true, config: cfg('web', 'linux', 64) },
    { name: 'tick', host: 'host2', autostart: false, config: cfg('tick', 'counter', 16) },
    { name: 'spare', host: 'host2', autostart: false, config: cfg('spare', 'counter', 16) },
  ],
  files: [{ path: '/root/README', content: 'Ping web from tick.\n' }],
};

/** New VM → name, image, host → Create and start (LabPage.create, with the host field picked by its name). */
async function create(lab: LabPage, name: string, image: string, host: string): Promise<void> {
  await lab.page.getByRole('button', { name: 'New VM' }).click();
  const dialog = lab.page.getByRole('dialog', { name: 'New VM' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.locator('select[name=image]').selectOption(image);
  await dialog.locator('select[name=host]').selectOption(host);
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(dialog).toBeHidden();
  await expect(lab.vm(name)).toBeVisible();
}

/** Import a Labfile through the dashboard's Import button, and close the dialog once it is built. */
async function importLab(page: Page, labfile: object, name = 'lab.labfile.json'): Promise<void> {
  await page.getByLabel('Labfile to import').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(labfile)) });
  const dialog = page.getByRole('dialog', { name: (labfile as { title: string }).title });
  await expect(dialog.getByText(/^Lab ready/)).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
}

/** Share → the link in the dialog. */
async function shareLink(page: Page, title?: string, description?: string): Promise<string> {
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this lab' });
  if (title !== undefined) await dialog.getByLabel('Title').fill(title);
  if (description !== undefined) await dialog.getByLabel('Description').fill(description);
  const field = dialog.getByLabel('Lab link');
  await expect(field).toHaveValue(/#lab=[A-Za-z0-9_-]+$/);
  const link = await field.inputValue();
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByText(/Copied to the clipboard|press Ctrl\+C/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  return link;
}

async function expectSameLab(lab: LabPage): Promise<void> {
  await expect(lab.host('host1')).toContainText('1024 MiB');
  await expect(lab.host('host2')).toContainText('512 MiB');
  await expect(lab.host('host1').getByRole('article')).toHaveCount(1);
  await expect(lab.host('host1').getByRole('article', { name: 'web' })).toBeVisible();
  await expect(lab.host('host2').getByRole('article', { name: 'tick' })).toBeVisible();
  await expect(lab.host('host2').getByRole('article', { name: 'spare' })).toBeVisible();
  await expect(lab.page.getByLabel('Lab title')).toHaveText('Networking 101');
}

test('a lab built in the page, shared, rebuilds the same in a fresh browser and boots its autostart VM', async ({ page, browser, baseURL }) => {
  const lab = new LabPage(page);
  await lab.open();
  // Two hosts, three domains: web (Linux) on host1, tick and spare (bare metal) on host2.
  await create(lab, 'web', 'linux', 'host1');
  await create(lab, 'tick', 'counter', 'host2');
  await create(lab, 'spare', 'counter', 'host2');
  await lab.action('spare', 'Destroy').click();
  await expect(lab.state('spare')).toHaveText('shut off');
  // web starts with the lab: marked in the dom0 console, as on a Xen host.
  await page.getByRole('button', { name: 'dom0', exact: true }).click();
  await lab.type('dom0', 'virsh autostart web\n');
  await lab.waitForScreen('dom0', /Domain 'web' marked as autostarted/);
  // A slow link between the hosts, to watch migrations in rounds: it travels with the lab.
  await page.getByLabel('Bandwidth host1 ↔ host2').fill('0');
  await page.getByLabel('Latency host1 ↔ host2').selectOption('20');
  await expect(page.getByRole('group', { name: 'Link host1 ↔ host2' })).toContainText('10 Mbit/s');

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const link = await shareLink(page, 'Networking 101', 'Web runs Linux.\nPing it from tick.');
  expect(link.startsWith(`${baseURL}/#lab=`)).toBe(true);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await lab.type('dom0', 'lab show\n');
  await lab.waitForScreen('dom0', /lab show\s+Networking 101\s+Web runs Linux\.\s+Ping it from tick\.\s+Hosts: host1 \(4 CPUs, 1024 MiB\), host2 \(4 CPUs, 1024 MiB\)/);

  // A fresh browser: no storage, nothing shared with the first.
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    const fresh = new LabPage(other);
    await other.goto(link);
    const dialog = other.getByRole('dialog', { name: 'Networking 101' });
    await expect(dialog).toContainText('Opening a lab from a lab link');
    await expect(dialog).toContainText('Web runs Linux.');
    await expect(dialog.getByRole('region', { name: 'What the lab creates' })).toContainText(/web\s*64 MiB, 1 vCPU · starts with the lab/);
    await expect(dialog.getByRole('region', { name: 'What the lab creates' })).toContainText('Links: host1 ↔ host2 (10 Mbit/s, 20 ms)');
    await expect(dialog.getByText(/^Lab ready: 3 domains; started web\.$/)).toBeVisible({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(new URL(other.url()).hash).toBe('');
    await expect(other.getByLabel('Lab title')).toHaveText('Networking 101');
    await expect(fresh.host('host1').getByRole('article')).toHaveCount(1);
    await expect(fresh.host('host1').getByRole('article', { name: 'web' })).toBeVisible();
    await expect(fresh.host('host2').getByRole('article')).toHaveCount(2);
    await expect(fresh.host('host2').getByRole('article', { name: 'tick' })).toBeVisible();
    await expect(fresh.host('host2').getByRole('article', { name: 'spare' })).toBeVisible();
    // web starts with the lab and boots, its console in front; tick and spare do not start.
    await expect(fresh.state('web')).toHaveText(/running|idle/);
    await fresh.waitForScreen('web', /Linux version|Run \/init|root@virtlab/, 45_000);
    await expect(fresh.state('tick')).toHaveText('shut off');
    await expect(fresh.state('spare')).toHaveText('shut off');
    await expect(other.getByRole('group', { name: 'Link host1 ↔ host2' })).toContainText('10 Mbit/s');
    await expect(other.getByLabel('Latency host1 ↔ host2')).toHaveValue('20');
  } finally {
    await context.close();
  }
});

test('a Labfile imported from a file opens with its own hosts, and exports again', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await importLab(page, LABFILE);
  await expectSameLab(lab);
  await expect(lab.state('web')).toHaveText(/running|idle/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('networking-101.labfile.json');
  const text = await (await file.createReadStream()).toArray();
  const exported = JSON.parse(Buffer.concat(text).toString('utf8')) as typeof LABFILE;
  expect(exported.title).toBe(LABFILE.title);
  expect(exported.hosts).toEqual(LABFILE.hosts);
  expect(exported.domains.map((d) => [d.name, d.host, d.autostart])).toEqual(LABFILE.domains.map((d) => [d.name, d.host, d.autostart]));
  // Each config as written, with the uuid and MAC its domain was given appended (they are kept).
  exported.domains.forEach((d, i) => {
    expect(d.config.startsWith(LABFILE.domains[i].config)).toBe(true);
    expect(d.config.slice(LABFILE.domains[i].config.length)).toMatch(/^# virtlab: the uuid and MACs this domain was defined with\nuuid = "[0-9a-f-]{36}"\nvif = \[ "mac=00:16:3e:[0-9a-f:]{8},bridge=xenbr0" \]\n$/);
  });
  expect(exported.files).toEqual(LABFILE.files);
  // A file too large is refused before it is read.
  await page.getByLabel('Labfile to import').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(2 * 1024 * 1024, 32) });
  await expect(page.getByRole('alert')).toHaveText('huge.json is 2048 KiB; a Labfile is at most 1024 KiB. It was not opened.');
});

test('lab export and lab import in the dom0 console replace the lab only with --yes while VMs run', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await importLab(page, LABFILE);
  await expect(lab.state('web')).toHaveText(/running|idle/);
  await page.getByRole('button', { name: 'dom0', exact: true }).click();
  await lab.type('dom0', 'lab export /root/lab.json\n');
  await lab.waitForScreen('dom0', /Exported the lab to \/root\/lab\.json\s+root@dom0:~#\s*$/);
  await lab.type('dom0', 'lab import lab.json\n');
  await lab.waitForScreen('dom0', /Stops 1 running domain of the current lab: web\s+lab: not imported: this stops web, running now\. To replace[\s\S]*root@dom0:~#\s*$/);
  await expect(lab.state('web')).toHaveText(/running|idle/);
  await lab.type('dom0', 'lab import lab.json --yes\n');
  await lab.waitForScreen('dom0', /Opened "Networking 101": 3 domains, started web\s+root@dom0:~#\s*$/, 30_000);
  await expectSameLab(lab);
  await expect(lab.state('web')).toHaveText(/running|idle/);
  await expect(page.getByRole('tab', { name: 'dom0', exact: true })).toHaveAttribute('aria-selected', 'true');
});

test('a corrupted or hostile link shows one clear message and leaves the lab as it was', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await importLab(page, { ...LABFILE, domains: LABFILE.domains.map((d) => ({ ...d, autostart: false })) });
  await lab.action('tick', 'Start').click();
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  const good = await shareLink(page);
  const fragment = good.slice(good.indexOf('#'));
  // Cut short at a whole base64 quantum: the alphabet and length are right, the DEFLATE data is not.
  const cut = fragment.slice(0, '#lab='.length + 4 * Math.floor((fragment.length - '#lab='.length) / 8));
  const notice = page.getByRole('alert').filter({ hasText: /lab link/ });

  const tries: [string, RegExp][] = [
    [cut, /^This lab link is damaged: its data is incomplete or corrupt; was the link cut short/],
    [`${cut}x`, /^This lab link is damaged: its length \(\d+ characters\) cannot be base64/],
    ['#lab=%%%not-base64', /^This lab link is damaged: /],
    ['#lab=', /^This lab link is damaged: nothing follows #lab=/],
    [`#lab=${'A'.repeat(70_000)}`, /^This lab link is too long: 70000 characters/],
  ];
  for (const [hash, message] of tries) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await expect(notice).toHaveText(message);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
  }
  await expectSameLab(lab);
  await expect(lab.state('tick')).toHaveText(/running|idle/);

  // A good link while a VM runs: nothing happens unless the person agrees.
  await page.evaluate((h) => { location.hash = h; }, fragment);
  const dialog = page.getByRole('dialog', { name: 'Networking 101' });
  await expect(dialog.getByRole('alert')).toHaveText('This replaces the current lab and stops 1 running VM: tick.');
  await dialog.getByRole('button', { name: 'Keep the current lab' }).click();
  await expect(dialog).toBeHidden();
  await expect(lab.state('tick')).toHaveText(/running|idle/);
});

test('the lab survives a reload: VMs that ran come back shut off, with Start all', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await importLab(page, { ...LABFILE, domains: LABFILE.domains.map((d) => ({ ...d, autostart: d.name === 'tick' })) });
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await lab.action('spare', 'Start').click();
  await expect(lab.state('spare')).toHaveText(/running|idle/);
  await page.waitForTimeout(1000); // the save follows changes within half a second

  await page.reload();
  await expect(lab.host('host1')).toBeVisible();
  await expectSameLab(lab);
  for (const vm of ['web', 'tick', 'spare']) await expect(lab.state(vm)).toHaveText('shut off');
  const banner = page.getByRole('status').filter({ hasText: 'Lab restored' });
  await expect(banner).toContainText('These VMs were running before the reload: tick, spare.');
  await banner.getByRole('button', { name: 'Start all' }).click();
  await expect(banner).toBeHidden();
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await expect(lab.state('spare')).toHaveText(/running|idle/);
  await expect(lab.state('web')).toHaveText('shut off');
  await lab.vm('tick').getByRole('button', { name: 'Console tick' }).click();
  await lab.waitForScreen('tick', /counter: 3\b/);
});

test('a bad saved lab gives a message and a fresh lab, never a broken page', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.evaluate(() => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('virtlab');
    open.onupgradeneeded = () => open.result.createObjectStore('lab');
    open.onsuccess = () => {
      const tx = open.result.transaction('lab', 'readwrite');
      tx.objectStore('lab').put({ version: 1, labfile: '{"labfile": 1, "title": "x", "hosts": []}', running: [] }, 'lab');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  }));
  await page.reload();
  await expect(page.getByRole('alert')).toHaveText('The lab saved in this browser could not be restored: hosts: is empty: a lab has at least one host. This is a fresh lab.');
  await expect(lab.host('host1')).toContainText('No VMs on host1 yet.');
});

test('a title with markup in a link shows as text, never as markup', async ({ page, browser }) => {
  const lab = new LabPage(page);
  await lab.open();
  const title = '<img src=x onerror="window.__owned=1">Lab';
  const link = await shareLink(page, title);
  await expect(page.getByLabel('Lab title')).toHaveText(title);

  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    await other.goto(link);
    const dialog = other.getByRole('dialog', { name: title });
    await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(title);
    await expect(dialog.getByText(/^Lab ready/)).toBeVisible();
    expect(await other.locator('img').count()).toBe(0);
    expect(await other.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(other.getByLabel('Lab title')).toHaveText(title);
    expect(await other.title()).toBe(`${title} · virtlab`);
  } finally {
    await context.close();
  }
});
