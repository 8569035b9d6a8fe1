/**
 * The dom0 console end to end (issue 5): write an xl.cfg with a here-document, `xl create` it,
 * `virsh list --all`, suspend / resume, a graceful `virsh shutdown` (the linux image's guest agent
 * answers it), `virt-install` of a second domain; the dashboard shows each step.
 */
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { Dom0Console, LabPage, PROMPT } from './lab-page.ts';
import { CHEF } from '../tests/unit/xen/chef.ts';

const WEB = `cat > /etc/xen/web << EOF
name = "web"
memory = 64
image = "linux"
on_poweroff = "destroy"
vif = [ "bridge=xenbr0" ]
EOF`;

test('the seed\'s story in the dom0 console, step by step on the dashboard', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new LabPage(page);
  await lab.open();
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await expect(page.getByRole('tab', { name: 'dom0', exact: true })).toHaveAttribute('aria-selected', 'true');

  await dom0.run(WEB);
  await dom0.run('cat /etc/xen/web', /image = "linux"[\s\S]*root@dom0:~#\s*$/);

  await dom0.run('xl create /etc/xen/web', /Parsing config from \/etc\/xen\/web[\s\S]*root@dom0:~#\s*$/, 60_000);
  await expect(lab.vm('web')).toBeVisible();
  await expect(lab.host('host1').getByRole('article', { name: 'web' })).toBeVisible();
  await expect(lab.state('web')).toHaveText(/running|idle/);
  await expect(lab.vm('web')).toContainText('id 1');
  await expect(lab.host('host1')).toContainText('64 / 1024 MiB');

  await dom0.run('virsh list --all', /Id\s+Name\s+State\s*\n-+\s*\n\s*1\s+web\s+(running|idle)/);

  // The guest's console, from dom0: its tab comes to the front; Linux reaches its prompt.
  await dom0.clear();
  await lab.type('dom0', 'virsh console web\n');
  await expect(page.getByRole('tab', { name: 'web', exact: true })).toHaveAttribute('aria-selected', 'true');
  await lab.waitForScreen('web', new RegExp(`${PROMPT.replace(/[/$]/g, '\\$&')}\\s*$`), 60_000);
  // A busy loop in the guest, so the live view below has figures to show (an idle Linux at its
  // prompt rounds to 0.0 MIPS).
  await lab.type('web', 'while :; do :; done &\n');
  await lab.waitForScreen('web', /done &\s*\n[^\n]*#\s*$/);
  await lab.showConsole('dom0');
  await lab.waitForScreen('dom0', /Connected to domain 'web'/);

  // The live view (xentop): web's row has the lab's figures.
  const WEB_ROW = /^\s*web\s+[-a-z]{6}\s+\d+\s+[\d.]+\s+65536\s+[\d.]+\s+65536\s+1\s+([\d.]+)\s*$/m;
  await expect.poll(async () => {
    const screen = await dom0.run('xl top -b -i 1', /MIPS[\s\S]*root@dom0:~#\s*$/);
    return Number(WEB_ROW.exec(screen)?.[1] ?? 0);
  }, { timeout: 20_000 }).toBeGreaterThan(0);
  await dom0.clear();
  await lab.type('dom0', 'xl top\n');
  await lab.waitForScreen('dom0', /xentop - \d\d:\d\d:\d\d[\s\S]*Domain-0[^\n]*\n\s*web [^\n]*\n\s*Delay\s+VCPUs\s+Repeat header\s+Sort order\s+Quit\s*$/);
  await page.keyboard.type('q');
  await lab.waitForScreen('dom0', /\n\s*web [^\n]*\n\s*root@dom0:~#\s*$/);

  await dom0.run('virsh suspend web', /Domain 'web' suspended/);
  await expect(lab.state('web')).toHaveText('paused');
  await dom0.run('virsh list --all', /1\s+web\s+paused/);
  await dom0.run('virsh resume web', /Domain 'web' resumed/);
  await expect(lab.state('web')).toHaveText(/running|idle/);

  await dom0.run('virsh shutdown web', /Domain 'web' is being shutdown/);
  await expect(lab.state('web')).toHaveText('shut off', { timeout: 30_000 });
  await expect(lab.vm('web')).not.toContainText('id 1');
  await expect(lab.host('host1')).toContainText('0 / 1024 MiB');
  await dom0.run('virsh list --all', /-\s+web\s+shut off/);

  // virt-install attaches to the new domain's console, as it does with --nographics: its tab comes to the front.
  await dom0.clear();
  await lab.type('dom0', 'virt-install -n second -r 16 --image counter --nographics\n');
  await expect(page.getByRole('tab', { name: 'second', exact: true })).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
  await lab.waitForScreen('second', /counter: 2\b/);
  await lab.showConsole('dom0');
  await lab.waitForScreen('dom0', /Connected to domain 'second'[\s\S]*Domain creation completed[\s\S]*root@dom0:~#\s*$/);
  await expect(lab.vm('second')).toBeVisible();
  await expect(lab.state('second')).toHaveText(/running|idle/);
  await dom0.run('virsh list --all', /2\s+second\s+(running|idle)\s*\n\s*-\s+web\s+shut off/);
  await page.screenshot({ path: join(import.meta.dirname, '..', 'test-results', 'screenshots', 'dom0.png') });
  await dom0.run('virsh destroy second', /Domain 'second' destroyed/);
  await expect(lab.state('second')).toHaveText('shut off');
});

test('the dom0 console keeps its files and history across a reload', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await dom0.run('echo "kept across reloads" > /root/note');
  await page.waitForTimeout(1500); // the lab (dom0's files with it) is kept a moment after a change
  await page.reload();
  await expect(lab.host('host1')).toBeVisible();
  await dom0.open();
  await dom0.run('cat /root/note', /kept across reloads/);
  await dom0.clear();
  await lab.page.keyboard.press('ArrowUp');
  await lab.page.keyboard.press('ArrowUp');
  await lab.waitForScreen('dom0', /echo "kept across reloads" > \/root\/note\s*$/);
});

test('the dashboard\'s buttons and dom0 drive the same domain; admission is refused in libvirt\'s words', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'tick', image: 'counter', host: 'host1' });
  await lab.create({ name: 'tock', image: 'counter', host: 'host2' });
  await lab.showConsole('tick');
  await lab.waitForScreen('tick', /counter: 2\b/);
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await dom0.run('cat /etc/xen/tick', /image = "counter"/);
  await dom0.run('xl list', /tick\s+1\s+16\s+1\s+(r|-b)/);
  await lab.action('tick', 'Pause').click();
  await dom0.run('virsh domstate tick', /\npaused\s*\n/);
  await dom0.run('virsh resume tick', /Domain 'tick' resumed/);
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await dom0.run('virt-install -n huge -r 1024 --image counter --nographics', /not enough free memory on host1 \(needed 1024 MiB, free 1008 MiB\)/);
  await expect(lab.vm('huge')).toHaveCount(0);
});

test('the card\'s Shut down asks the guest: Linux powers off, a bare-metal guest ignores it and says so', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'tux', image: 'linux', host: 'host1' });
  await lab.create({ name: 'tick', image: 'counter', host: 'host2' });
  await lab.showConsole('tux');
  await lab.waitForScreen('tux', new RegExp(`${PROMPT.replace(/[/$]/g, '\\$&')}\\s*$`), 60_000);
  await lab.action('tux', 'Shut down').click();
  await expect(lab.state('tux')).toHaveText('shut off', { timeout: 30_000 });
  await expect(lab.host('host1')).toContainText('0 / 1024 MiB');

  await lab.action('tick', 'Shut down').click();
  await expect(lab.vm('tick').getByRole('status')).toHaveText(/tick did not respond to the shutdown request within 5 s: it is still running/, { timeout: 20_000 });
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await lab.action('tick', 'Destroy').click();
  await expect(lab.state('tick')).toHaveText('shut off');
});

test('virsh migrate --live moves a running domain to the other host; save and restore bring one back', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'tick', image: 'counter', host: 'host1' });
  await lab.waitForScreen('tick', /counter: 3\b/);
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await dom0.run('virsh migrate --live --verbose tick host2', /Migration: \[100 %\][\s\S]*root@dom0:~#\s*$/, 60_000);
  await expect(lab.host('host2').getByRole('article', { name: 'tick' })).toBeVisible();
  await expect(lab.host('host1')).toContainText('0 / 1024 MiB');
  await dom0.run('virsh domjobinfo tick --completed', /Job type:\s+Completed[\s\S]*Total downtime:\s+\d+\s+ms/);
  await lab.showConsole('tick');
  const before = Math.max(...[...(await lab.screen('tick')).matchAll(/counter: (\d+)/g)].map((m) => Number(m[1])));
  await expect.poll(async () => Math.max(...[...(await lab.screen('tick')).matchAll(/counter: (\d+)/g)].map((m) => Number(m[1])))).toBeGreaterThan(before + 2);

  await lab.showConsole('dom0');
  await dom0.run('virsh save tick /root/tick.save', /Domain 'tick' saved to \/root\/tick\.save/);
  await expect(lab.state('tick')).toHaveText('shut off');
  await dom0.run('virsh restore /root/tick.save', /Domain restored from \/root\/tick\.save/);
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  await lab.showConsole('tick');
  await expect.poll(async () => Math.max(...[...(await lab.screen('tick')).matchAll(/counter: (\d+)/g)].map((m) => Number(m[1])))).toBeGreaterThan(before + 5);
});

test('a virsh save survives a page reload: virsh restore brings the domain back where it was', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.create({ name: 'tick', image: 'counter', host: 'host1' });
  await lab.waitForScreen('tick', /counter: 3\b/);
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await dom0.run('virsh save tick /root/tick.save', /Domain 'tick' saved to \/root\/tick\.save/);
  await expect(lab.state('tick')).toHaveText('shut off');
  await lab.showConsole('tick');
  // The ticks, not the banner's "counter: 10 ticks per second".
  const counters = async () => [...(await lab.screen('tick')).matchAll(/counter: (\d+) *$/gm)].map((m) => Number(m[1]));
  const saved = Math.max(...(await counters()));
  await page.waitForTimeout(1500); // the lab (the stub in dom0's files with it) is kept a moment after a change

  await page.reload();
  await expect(lab.host('host1')).toBeVisible();
  await expect(lab.state('tick')).toHaveText('shut off');
  await dom0.open();
  await dom0.run('cat /root/tick.save', /The bytes are kept in this browser, not in this file/);
  await dom0.run('virsh restore /root/tick.save', /Domain restored from \/root\/tick\.save/);
  await expect(lab.state('tick')).toHaveText(/running|idle/);
  // The counter goes on from where it was saved: a fresh boot would print its banner and count from 1.
  await lab.vm('tick').getByRole('button', { name: 'Console tick' }).click();
  await expect.poll(async () => (await counters()).length).toBeGreaterThan(2);
  expect(Math.min(...(await counters()))).toBeGreaterThan(saved);
  expect(await lab.screen('tick')).not.toContain('ticks per second');
});

test('the seed\'s own /etc/xen/chef (pygrub, 1024 MiB) boots the default linux image', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  const dom0 = new Dom0Console(lab);
  await dom0.open();
  await dom0.run(`cat > /etc/xen/chef << EOF
${CHEF}EOF`);
  await dom0.run('xl create chef', /booting the catalog's default image 'linux'[\s\S]*root@dom0:~#\s*$/, 60_000);
  await expect(lab.state('chef')).toHaveText(/running|idle/);
  await expect(lab.host('host1')).toContainText('1024 / 1024 MiB');
  await dom0.run('virsh list --all', /1\s+chef\s+(running|idle)/);
  await dom0.run('xl pause chef');
  await expect(lab.state('chef')).toHaveText('paused');
  await dom0.run('xl unpause chef');
  await expect(lab.state('chef')).toHaveText(/running|idle/);
  await lab.page.getByRole('button', { name: 'Console chef' }).click();
  await lab.waitForScreen('chef', new RegExp(`${PROMPT.replace(/[/$]/g, '\\$&')}\\s*$`), 60_000);
  await lab.showConsole('dom0');
  await dom0.run('xl shutdown chef', /Shutting down domain 1/);
  await expect(lab.state('chef')).toHaveText('shut off', { timeout: 30_000 });
  await dom0.run('virsh list --all', /-\s+chef\s+shut off/);
});
