/**
 * The dom0 commands against the real lab (LabDom0Host over a Lab with a fake launcher): the seed's
 * whole story through the real shell, and migrate / domjobinfo / domjobabort / save / restore.
 */
import { describe, expect, it } from 'vitest';
import { Dom0Shell } from '../../../src/hypervisor/dom0/shell.ts';
import { Vfs } from '../../../src/hypervisor/dom0/vfs.ts';
import { SaveImages } from '../../../src/hypervisor/dom0/saves.ts';
import type { ShellEnv } from '../../../src/hypervisor/dom0/command.ts';
import { LabDom0Host } from '../../../src/hypervisor/lab/dom0-host.ts';
import { CHEF } from '../xen/chef.ts';
import { domain, makeLab, settle } from '../lab/fake-launcher.ts';
import { FakeHost } from './fake-host.ts';
import { FakeSaveStore } from './fake-save-store.ts';
import { counting, makeEnv, run, T0 } from './run.ts';
import { Term } from './term.ts';

const PROMPT = 'root@dom0:~#';

async function labSession() {
  const t = makeLab();
  await t.lab.loadCatalog();
  t.launcher.agent = 'comply';
  const consoles: string[] = [];
  const host = new LabDom0Host(t.lab, { attachConsole: (n) => consoles.push(n) });
  const fs = Vfs.withDefaults({ now: () => T0 });
  const term = new Term(400);
  const shell = new Dom0Shell({ host, fs, output: (s) => term.write(s), columns: 400, random: counting(), now: () => T0 });
  shell.start();
  let seen = term.lines().length - 1;
  /** Type a line, wait for the shell, and return what it printed (the prompt lines left out). */
  const type = async (line: string) => {
    shell.feed(line.replace(/\n/g, '\r') + '\r');
    await shell.idle();
    const lines = term.lines();
    const out = lines.slice(seen, lines.length - 1).filter((l) => !l.startsWith(PROMPT) && !l.startsWith('> ')).join('\n').replace(/\n+$/, '');
    seen = lines.length - 1;
    return out;
  };
  return { ...t, host, fs, term, shell, type, consoles };
}

function labEnv(host: LabDom0Host): ShellEnv {
  return { ...makeEnv(new FakeHost()), host, saves: new SaveImages() } as ShellEnv;
}

describe('dom0 on the lab: the seed\'s story', () => {
  it('writes /etc/xen/chef with a heredoc, creates, lists, pauses, resumes and shuts it down', async () => {
    const s = await labSession();
    await s.type(`cat > /etc/xen/chef << EOF\n${CHEF}EOF`);
    expect(s.fs.readFile('/etc/xen/chef')).toBe(CHEF);

    const created = await s.type('xl create /etc/xen/chef');
    expect(created).toContain('Parsing config from /etc/xen/chef');
    expect(created).toContain('WARNING: line 6: bootloader: not used by the lab (kept as written)');
    expect(created).toContain("WARNING: chef: no kernel or image in its config (the lab does not run bootloader = \"/usr/bin/pygrub\"): booting the catalog's default image 'linux'");
    expect(domain(s.lab, 'chef')).toMatchObject({ state: 'running', id: 1, host: 'host1', memoryMiB: 1024, image: 'linux' });
    expect(s.vms[0].spec).toMatchObject({ name: 'chef', ramBytes: 1024 * 1024 * 1024 });

    expect(await s.type('virsh list --all')).toBe([' Id   Name   State', '----------------------', ' 1    chef   running'].join('\n'));
    expect(await s.type('xl list')).toMatch(/^chef +1  1024 +1 +r----- +0\.0$/m);

    expect(await s.type('virsh suspend chef')).toBe("Domain 'chef' suspended");
    expect(domain(s.lab, 'chef').state).toBe('paused');
    expect(await s.type('virsh domstate chef')).toBe('paused');
    expect(await s.type('virsh resume chef')).toBe("Domain 'chef' resumed");
    expect(domain(s.lab, 'chef').state).toBe('running');

    expect(await s.type('virsh shutdown chef')).toBe("Domain 'chef' is being shutdown");
    expect(s.vms[0].requests).toEqual(['poweroff']);
    await settle();
    await new Promise((r) => setTimeout(r, 5));
    expect(domain(s.lab, 'chef')).toMatchObject({ state: 'shut off', id: undefined });
    expect(await s.type('virsh list --all')).toBe([' Id   Name   State', '-----------------------', ' -    chef   shut off'].join('\n'));
    expect(await s.type('xl list')).not.toContain('chef');

    expect(await s.type('virsh start chef')).toBe("Domain 'chef' started");
    expect(domain(s.lab, 'chef').id).toBe(2);
    expect(await s.type('virsh console chef')).toContain("Connected to domain 'chef'");
    expect(s.consoles).toEqual(['chef']);
    expect(await s.type('virsh destroy chef')).toBe("Domain 'chef' destroyed");
  });

  it('virt-install creates a second domain next to the first', async () => {
    const s = await labSession();
    await s.type(`cat > /etc/xen/chef << EOF\n${CHEF}EOF`);
    await s.type('xl create chef');
    const out = await s.type('virt-install -n web -r 64 --image linux --nographics');
    expect(out).toContain('Domain config saved in /etc/xen/web');
    expect(domain(s.lab, 'web')).toMatchObject({ state: 'running', id: 2, host: 'host2', image: 'linux', memoryMiB: 64 });
    expect(await s.type('virsh list')).toBe([' Id   Name   State', '----------------------', ' 1    chef   running', ' 2    web    running'].join('\n'));
  });

  it('prints admission refusals as libvirt and xl do', async () => {
    const s = await labSession();
    await s.type(`cat > /etc/xen/chef << EOF\n${CHEF}EOF`);
    await s.type('xl create chef');
    await s.type('virsh define /etc/xen/chef'); // same uuid: replaces
    await s.type(`cat > /etc/xen/big << EOF\nname = "big"\nmemory = 1024\nimage = "linux"\nEOF`);
    await s.type('virsh define /etc/xen/big');
    expect(domain(s.lab, 'big').host).toBe('host2');
    await s.type('virsh start big');
    await s.type(`cat > /etc/xen/third << EOF\nname = "third"\nmemory = 64\nimage = "linux"\nEOF`);
    expect(await s.type('xl create third')).toContain("libxl: error: failed to start domain 'third': not enough free memory on host1 (needed 64 MiB, free 0 MiB)");
    expect(await s.type('virsh start third')).toBe("error: Failed to start domain 'third'\nerror: not enough free memory on host1 (needed 64 MiB, free 0 MiB)");
    await s.type(`cat > /etc/xen/smp << EOF\nname = "smp"\nvcpus = 2\nimage = "linux"\nEOF`);
    expect(await s.type('virsh define /etc/xen/smp')).toBe('error: Failed to define domain from /etc/xen/smp\nerror: unsupported configuration: 2 vCPUs: this lab runs 1 vCPU per VM (SMP is not implemented yet)');
  });

  it('reports a shutdown the guest ignores', async () => {
    const s = await labSession();
    s.launcher.agent = 'ignore';
    await s.type('virt-install -n quiet -r 16 --image tiny --nographics');
    const out = await s.type('virsh shutdown quiet');
    expect(out).toBe("Domain 'quiet' is being shutdown\nwarning: the guest did not respond to the shutdown request; 'quiet' is still running (virsh destroy quiet forces it off)");
    expect(domain(s.lab, 'quiet').state).toBe('running');
    expect(await s.type('virsh reboot quiet')).toContain("warning: the guest did not respond to the reboot request; 'quiet' is still running (virsh reset quiet forces a reboot)");
    expect(await s.type('xl reboot quiet')).toContain('use "-F" to fall back to a reset');
    expect(await s.type('xl reboot -F quiet')).toContain('The guest did not respond: resetting domain');
    expect(domain(s.lab, 'quiet').id).toBe(2);
    expect(await s.type('virsh reset quiet')).toBe("Domain 'quiet' was reset");
  });
});

describe('dom0 on the lab: migrate, domjobinfo, domjobabort, save, restore', () => {
  async function running() {
    const t = makeLab();
    await t.lab.loadCatalog();
    const host = new LabDom0Host(t.lab);
    const env = labEnv(host);
    expect((await run(env, 'virt-install -n web -r 64 --image tiny --nographics')).status).toBe(0);
    return { ...t, host, env };
  }

  it('virsh migrate --live waits for the migration; domjobinfo shows QEMU-style figures meanwhile', async () => {
    const { env, lab, launcher } = await running();
    expect(domain(lab, 'web').host).toBe('host1');
    const migrating = run(env, 'virsh migrate --live web xen+ssh://root@host2/system');
    await settle();
    expect(domain(lab, 'web').task).toBe('migrating');
    const info = await run(env, 'virsh domjobinfo web');
    expect(info.out).toBe([
      'Job type:         Unbounded   ',
      'Operation:        Outgoing migration',
      'Time elapsed:     1234         ms',
      'Data processed:   50.000 MiB',
      'Data remaining:   14.000 MiB',
      'Data total:       64.000 MiB',
      'Memory processed: 50.000 MiB',
      'Memory remaining: 14.000 MiB',
      'Memory total:     64.000 MiB',
      'Memory bandwidth: 104.904 MiB/s',
      'Dirty rate:       310          pages/s',
      'Page size:        4096         bytes',
      'Iteration:        2',
      'Constant pages:   9000',
      'Normal pages:     12800',
      'Normal data:      50.000 MiB',
      'Setup time:       12           ms',
      'Expected downtime: 42           ms',
      '', '',
    ].join('\n'));
    expect((await run(env, 'virsh migrate-setmaxdowntime web 120')).status).toBe(0);
    expect(launcher.jobs[0].maxDowntime).toBe(120);
    launcher.jobs[0].complete();
    expect(await migrating).toEqual({ out: '\n', err: '', status: 0 });
    expect(domain(lab, 'web')).toMatchObject({ host: 'host2', id: 2, state: 'running' });
    expect((await run(env, 'virsh domjobinfo web')).out).toBe('Job type:         None        \n\n');
    const done = (await run(env, 'virsh domjobinfo web --completed')).out;
    expect(done).toContain('Job type:         Completed   \n');
    expect(done).toContain('Total downtime:   37           ms\n');
  });

  it('virsh domjobabort stops it; the domain runs on where it was', async () => {
    const { env, lab } = await running();
    const migrating = run(env, 'virsh migrate --live web host2');
    await settle();
    expect(await run(env, 'virsh domjobabort web')).toEqual({ out: '\n', err: '', status: 0 });
    expect(await migrating).toEqual({ out: '\n', err: 'error: operation failed: migration job: migration cancelled\n', status: 1 });
    expect(domain(lab, 'web')).toMatchObject({ host: 'host1', state: 'running', id: 1 });
    expect(await run(env, 'virsh domjobabort web')).toEqual({ out: '\n', err: 'error: Requested operation is not valid: no job is active on the domain\n', status: 1 });
  });

  it('refuses a migration that cannot be: unknown host, same host, no room', async () => {
    const { env } = await running();
    expect((await run(env, 'virsh migrate --live web host9')).err).toBe("error: unable to connect to host 'host9': no such host in the lab (hosts: host1, host2)\n");
    expect((await run(env, 'virsh migrate --live web host1')).err).toBe('error: internal error: Attempt to migrate guest to the same host\n');
    expect((await run(env, 'virt-install -n big -r 1000 --image tiny --nographics')).status).toBe(0);
    expect((await run(env, 'virsh migrate --live web host2')).err).toBe('error: not enough free memory on host2 (needed 64 MiB, free 24 MiB)\n');
  });

  it('xl migrate prints xl\'s conversation and moves the domain', async () => {
    const { env, lab, launcher } = await running();
    const migrating = run(env, 'xl migrate web host2');
    await settle();
    launcher.jobs[0].complete();
    const r = await migrating;
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/^migration target: Ready to receive domain\.\n[\s\S]*Migration successful\.\n$/);
    expect(domain(lab, 'web').host).toBe('host2');
  });

  it('virsh save writes a stub file and shuts the domain off; virsh restore brings it back', async () => {
    const { env, lab, launcher } = await running();
    expect(await run(env, 'virsh save web /root/web.save')).toEqual({ out: "\nDomain 'web' saved to /root/web.save\n\n", err: '', status: 0 });
    expect(domain(lab, 'web')).toMatchObject({ state: 'shut off', id: undefined });
    const stub = env.fs.readFile('/root/web.save');
    expect(stub).toMatch(/^# virtlab save image of domain 'web' \(/);
    expect(stub).toContain('save-image: ');
    expect((await run(env, 'mv /root/web.save /vm/web.save')).status).toBe(0);
    expect(await run(env, 'virsh restore /vm/web.save')).toEqual({ out: 'Domain restored from /vm/web.save\n\n', err: '', status: 0 });
    expect(launcher.restored).toHaveLength(1);
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 2 });
    expect((await run(env, 'virsh restore /vm/web.save')).err).toBe("error: Failed to restore domain from /vm/web.save\nerror: Requested operation is not valid: domain 'web' is already active\n");
    expect((await run(env, 'virsh restore /etc/xen/web')).err).toBe('error: Failed to restore domain from /etc/xen/web\nerror: not a virtlab save image (no save-image line)\n');
    expect((await run(env, 'virsh save web /nowhere/x')).err).toBe("error: Failed to save domain 'web' to /nowhere/x\nerror: cannot create /nowhere/x: No such file or directory\n");
  });

  it('virsh restore --paused and xl restore -p bring the domain back paused; resume runs it', async () => {
    const { env, lab, launcher } = await running();
    await run(env, 'virsh save web /root/web.save');
    expect(await run(env, 'virsh restore --paused /root/web.save')).toEqual({ out: 'Domain restored from /root/web.save\n\n', err: '', status: 0 });
    expect(launcher.restored[0].paused).toBe(true);
    expect(domain(lab, 'web').state).toBe('paused');
    expect((await run(env, 'virsh resume web')).status).toBe(0);
    expect(domain(lab, 'web').state).toBe('running');
    await run(env, 'xl save web /root/web.chk');
    expect((await run(env, 'xl restore -p /root/web.chk')).status).toBe(0);
    expect(domain(lab, 'web').state).toBe('paused');
    expect((await run(env, 'virsh restore --running --paused /root/web.save')).err).toBe('error: Options --running and --paused are mutually exclusive\n');
    // The image records the state to restore in: virsh save --paused, then a plain restore.
    await run(env, 'virsh resume web');
    expect((await run(env, 'virsh save --paused web /root/held.save')).status).toBe(0);
    expect((await run(env, 'virsh restore /root/held.save')).status).toBe(0);
    expect(domain(lab, 'web').state).toBe('paused');
    expect((await run(env, 'virsh save --running web /root/run.save')).status).toBe(0);
    expect((await run(env, 'virsh restore /root/run.save')).status).toBe(0);
    expect(domain(lab, 'web').state).toBe('running');
    expect((await run(env, 'virsh save --running --paused web /root/x.save')).err).toBe('error: Options --running and --paused are mutually exclusive\n');
  });

  it('xl shutdown -w returns once the guest has shut down; Ctrl-C stops the wait, not the shutdown', async () => {
    const { env, lab, vms } = await running();
    vms[0].agent = 'comply'; // powers off a moment after it is asked
    expect(await run(env, 'xl shutdown -w web')).toEqual({
      out: '', err: 'Shutting down domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 0\n', status: 0,
    });
    expect(domain(lab, 'web').state).toBe('shut off');
    await run(env, 'virsh start web');
    vms[1].agent = 'comply'; // reboots a moment after it is asked: on_reboot = restart, a new domid
    expect(await run(env, 'xl reboot -w web')).toEqual({
      out: '', err: 'Rebooting domain 2\nWaiting for 1 domains\nDomain 2 has been shut down, reason code 1\n', status: 0,
    });
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 3 });
    await run(env, 'virsh destroy web');
    await run(env, 'virsh start web');
    const abort = new AbortController();
    const waiting = run(env, 'xl shutdown -w web', '', abort.signal); // the agent acknowledges, the guest stays up
    await settle();
    abort.abort();
    expect(await waiting).toEqual({ out: '', err: 'Shutting down domain 4\nWaiting for 1 domains\n', status: 1 });
  });

  it('a stub whose bytes are not kept (another browser, or no store across a reload) says so', async () => {
    const { env } = await running();
    await run(env, 'virsh save web /root/web.save');
    const fresh = { ...env, saves: new SaveImages() };
    expect((await run(fresh, 'virsh restore /root/web.save')).err).toBe('error: Failed to restore domain from /root/web.save\nerror: the saved state is not kept in this browser (it keeps the 8 most recent save images, 1 GiB in all)\n');
    expect((await run(fresh, 'xl restore /root/web.save')).err).toBe('/root/web.save: the saved state is not kept in this browser (it keeps the 8 most recent save images, 1 GiB in all)\n');
  });

  it('a save kept in a store survives a reload: a fresh shell restores the same bytes', async () => {
    const { env, lab, launcher } = await running();
    const store = new FakeSaveStore();
    expect((await run({ ...env, saves: new SaveImages(store) }, 'virsh save web /root/web.save')).status).toBe(0);
    const reloaded = { ...env, saves: new SaveImages(store) };
    expect(await run(reloaded, 'virsh restore /root/web.save')).toEqual({ out: 'Domain restored from /root/web.save\n\n', err: '', status: 0 });
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 2 });
    expect(launcher.restored[0].stream).toEqual([...store.images.values()][0].bytes);

    expect((await run(reloaded, 'xl save web /root/web.chk')).status).toBe(0);
    const restored = await run({ ...env, saves: new SaveImages(store) }, 'xl restore /root/web.chk');
    expect(restored.status).toBe(0);
    expect(domain(lab, 'web').state).toBe('running');
  });

  it('a save the store refuses still works for this page, with one warning', async () => {
    const { env, lab } = await running();
    const store = new FakeSaveStore();
    store.failPut = true;
    const page = { ...env, saves: new SaveImages(store) };
    const warning = 'warning: this browser could not keep the save image (QuotaExceededError: the quota has been exceeded): it will not survive a page reload\n';
    expect(await run(page, 'virsh save web /root/web.save')).toEqual({ out: "\nDomain 'web' saved to /root/web.save\n\n", err: warning, status: 0 });
    expect((await run(page, 'virsh restore /root/web.save')).status).toBe(0);
    const saved = await run(page, 'xl save web /root/web.chk');
    expect(saved.status).toBe(0);
    expect(saved.err).toContain(`\n${warning}Saved `);
    expect((await run(page, 'xl restore /root/web.chk')).status).toBe(0);
    expect(domain(lab, 'web').state).toBe('running');
  });

  it('xl save and xl restore', async () => {
    const { env, lab } = await running();
    const saved = await run(env, 'xl save web /root/web.chk');
    expect(saved.status).toBe(0);
    expect(saved.err).toMatch(/^Saving to \/root\/web\.chk new xl format/);
    expect(domain(lab, 'web').state).toBe('shut off');
    const restored = await run(env, 'xl restore /root/web.chk');
    expect(restored.status).toBe(0);
    expect(domain(lab, 'web').state).toBe('running');
  });

  it('Tab offers hosts after the domain of a migrate', async () => {
    const { env } = await running();
    const { virsh } = await import('../../../src/hypervisor/dom0/virsh.ts');
    expect(virsh.complete!(['migrate', '--live', 'web', 'h'], env)).toEqual(['host1', 'host2']);
  });
});
