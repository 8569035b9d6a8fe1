import { describe, expect, it } from 'vitest';
import { Lab, WATCHDOG_MS, MAX_RESTARTS } from '../../../src/hypervisor/lab/lab.ts';
import { bootPlanOf, xlConfigFor } from '../../../src/hypervisor/lab/domain.ts';
import { parseXlCfg, type LifecycleAction } from '../../../src/hypervisor/xen/xlcfg.ts';
import { CHEF } from '../xen/chef.ts';
import { domain, FakeLauncher, fakeImages, makeLab, settle, xl } from './fake-launcher.ts';

const MiB = 1024 * 1024;

describe('Lab: hosts and definitions', () => {
  it('starts with host1 and host2, empty', () => {
    const { lab } = makeLab();
    const s = lab.snapshot();
    expect(s.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    expect(s.hosts[0]).toMatchObject({ cpus: 4, memoryMiB: 1024, usedMemoryMiB: 0, usedVcpus: 0, domains: [] });
  });

  it('takes the hosts it is given', () => {
    const { lab } = makeLab({ hosts: [{ name: 'big', cpus: 8, memoryMiB: 2048 }] });
    expect(lab.snapshot().hosts).toEqual([{ name: 'big', cpus: 8, memoryMiB: 2048, usedMemoryMiB: 0, usedVcpus: 0, domains: [] }]);
  });

  it('defines a domain shut off, with its XlConfig, host, autostart and no domid', () => {
    const { lab } = makeLab();
    const c = xl('web');
    lab.define(c, { host: 'host2', autostart: true });
    expect(domain(lab, 'web')).toMatchObject({
      name: 'web', uuid: c.uuid, host: 'host2', autostart: true, persistent: true, config: c,
      id: undefined, state: 'shut off', image: 'tiny', memoryMiB: 64, vcpus: 1,
    });
    lab.setAutostart('web', false);
    expect(domain(lab, 'web').autostart).toBe(false);
  });

  it('places new domains on the host with the most free memory', async () => {
    const { lab } = makeLab();
    lab.define(xl('a', { memory: 512, maxmem: 512 }));
    expect(domain(lab, 'a').host).toBe('host1'); // a tie: the first host
    await lab.start('a');
    lab.define(xl('b'));
    expect(domain(lab, 'b').host).toBe('host2');
    lab.define(xl('c'), { host: 'host1' });
    expect(domain(lab, 'c').host).toBe('host1');
  });

  it('replaces a definition with the same UUID, refuses a different one', async () => {
    const { lab } = makeLab();
    const c = xl('web');
    lab.define(c);
    await lab.start('web');
    lab.define({ ...c, memory: 128, maxmem: 128 });
    // A running domain keeps running as it was; the new config is for its next start.
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', memoryMiB: 64, config: { memory: 128 } });
    expect(() => lab.define(xl('web'))).toThrow(`operation failed: domain 'web' already exists with uuid ${c.uuid}`);
    expect(() => lab.define({ ...xl('other'), uuid: c.uuid })).toThrow(`operation failed: domain 'web' already exists with uuid ${c.uuid}`);
    lab.destroy('web');
    await lab.start('web');
    expect(domain(lab, 'web').memoryMiB).toBe(128);
  });

  it('refuses what it cannot run, with libvirt-style messages', async () => {
    const { lab } = makeLab();
    await lab.loadCatalog();
    expect(() => lab.define(xl('smp', { vcpus: 2 }))).toThrow('unsupported configuration: 2 vCPUs: this lab runs 1 vCPU per VM');
    expect(() => lab.define(xl('x', { image: 'nope' }))).toThrow("unsupported configuration: no image named 'nope' (available: tiny, linux)");
    expect(() => lab.define(xl('k', { image: undefined, kernel: '/boot/vmlinuz' }))).toThrow(/unsupported configuration: kernel "\/boot\/vmlinuz": the lab boots the kernels of its images only/);
    expect(() => lab.define(xl('r', { image: undefined, kernel: '/images/linux/Image', ramdisk: '/images/tiny/x' }))).toThrow(/ramdisk .*same image as the kernel/);
    expect(() => lab.define(xl('bad name'))).toThrow(/not a valid name/);
    expect(() => lab.define(xl('h'), { host: 'host9' })).toThrow("unable to connect to host 'host9': no such host in the lab (hosts: host1, host2)");
    expect(() => lab.define(xl('big', { memory: 2048, maxmem: 2048 }))).toThrow('unsupported configuration: big needs 2048 MiB but host1 has only 1024 MiB');
    expect(lab.snapshot().domains).toEqual([]);
  });

  it('undefines only what is not running', async () => {
    const { lab } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    expect(() => lab.undefine('web')).toThrow('Requested operation is not valid: cannot undefine a running domain');
    lab.destroy('web');
    lab.undefine('web');
    expect(lab.snapshot().domains).toEqual([]);
    expect(() => lab.undefine('web')).toThrow("Domain not found: no domain with matching name 'web'");
  });

  it('tells listeners what kind of change happened', async () => {
    const { lab } = makeLab();
    const kinds: string[] = [];
    lab.onChange((k) => kinds.push(k));
    lab.define(xl('web'));
    lab.setAutostart('web', true);
    await lab.start('web');
    await lab.sample();
    expect(kinds[0]).toBe('definition');
    expect(kinds[1]).toBe('definition');
    expect(kinds).toContain('state');
    expect(kinds[kinds.length - 1]).toBe('metrics');
  });
});

describe('Lab: boot', () => {
  it('boots a catalog image, with extra appended to its command line', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web', { image: 'linux', cmdline: 'quiet' }));
    await lab.start('web');
    expect(vms[0].spec).toMatchObject({ name: 'web', ramBytes: 64 * MiB, harts: 1 });
    expect(vms[0].spec.boot.append).toBe('console=ttyS0 quiet');
    expect(vms[0].spec.boot.initrd).toBeDefined();
  });

  it('boots /images/NAME/FILE kernels: the initramfs only with a ramdisk, cmdline as given', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('k', { image: undefined, kernel: '/images/linux/Image', cmdline: 'console=ttyS0 rdinit=/bin/sh' }));
    await lab.start('k');
    expect(vms[0].spec.boot).toMatchObject({ initrd: undefined, append: 'console=ttyS0 rdinit=/bin/sh' });
    lab.define(xl('kr', { image: undefined, kernel: '/images/linux/Image.gz', ramdisk: '/images/linux/initramfs.cpio.gz' }));
    await lab.start('kr');
    expect(vms[1].spec.boot.initrd).toBeDefined();
    expect(vms[1].spec.boot.append).toBe('console=ttyS0');
    lab.define(xl('kx', { image: undefined, kernel: '/images/linux/vmlinux' }));
    await expect(lab.start('kx')).rejects.toThrow('kx did not start: kernel: image \'linux\' has no file "vmlinux" (its kernel is /images/linux/Image)');
  });

  it('boots the default image linux for the seed\'s pygrub config, and says so', async () => {
    const { lab, vms } = makeLab();
    const chef = parseXlCfg(CHEF).config;
    expect(bootPlanOf(chef)).toMatchObject({ image: 'linux', note: expect.stringContaining("(the lab does not run bootloader = \"/usr/bin/pygrub\"): booting the catalog's default image 'linux'") });
    lab.define(chef);
    await lab.start('chef');
    expect(vms[0].spec).toMatchObject({ name: 'chef', ramBytes: 1024 * MiB });
    expect(domain(lab, 'chef')).toMatchObject({ state: 'running', image: 'linux', notice: expect.stringContaining("default image 'linux'") });
  });

  it('reports a missing image as a start failure', async () => {
    const { lab } = makeLab();
    lab.define(xl('x', { image: 'nope' })); // the catalog is not loaded yet
    await expect(lab.start('x')).rejects.toThrow('x did not start: no image named "nope"');
    expect(domain(lab, 'x')).toMatchObject({ state: 'shut off', id: undefined });
  });
});

describe('Lab: lifecycle', () => {
  it('starts a domain paused when asked (xl create -p): the VM is built held, resume runs it', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web', { paused: true });
    expect(vms[0].spec.paused).toBe(true);
    expect(domain(lab, 'web')).toMatchObject({ state: 'paused', id: 1 });
    expect(lab.snapshot().hosts[0]).toMatchObject({ usedMemoryMiB: 64 });
    await lab.sample();
    expect(domain(lab, 'web').state).toBe('paused');
    await lab.resume('web');
    expect(domain(lab, 'web').state).toBe('running');
    expect(vms[0].state).toBe('running');
  });

  it('runs start, pause, resume, reset, graceful shutdown and undefine', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 1 });
    expect(lab.snapshot().hosts[0]).toMatchObject({ usedMemoryMiB: 64, usedVcpus: 1, domains: ['web'] });
    expect(lab.memory('web')).toBe(vms[0].memory);
    await expect(lab.start('web')).rejects.toThrow('Requested operation is not valid: domain is already running');
    await lab.pause('web');
    expect(domain(lab, 'web').state).toBe('paused');
    await lab.pause('web'); // already paused: nothing to do
    await expect(lab.shutdown('web')).rejects.toThrow('Requested operation is not valid: domain is paused');
    await lab.resume('web');
    expect(domain(lab, 'web').state).toBe('running');
    await expect(lab.resume('web')).rejects.toThrow('Requested operation is not valid: domain is not paused');
    await lab.reset('web');
    expect(vms[0].reboots).toBe(1);
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 2 });

    expect(await lab.shutdown('web')).toBe('requested');
    expect(vms[0].requests).toEqual(['poweroff']);
    expect(domain(lab, 'web')).toMatchObject({ state: 'in shutdown', id: 2 });
    vms[0].exit({ kind: 'poweroff' });
    expect(domain(lab, 'web')).toMatchObject({ state: 'shut off', id: undefined });
    expect(vms[0].destroyed).toBe(true);
    expect(lab.snapshot().hosts[0].usedMemoryMiB).toBe(0);
    lab.undefine('web');
    expect(lab.snapshot().domains).toEqual([]);
  });

  it('a guest that ignores the shutdown request keeps running, and that is reported', async () => {
    const { lab, launcher, vms } = makeLab();
    launcher.agent = 'ignore';
    lab.define(xl('stubborn'));
    await lab.start('stubborn');
    expect(await lab.shutdown('stubborn')).toBe('ignored');
    expect(domain(lab, 'stubborn')).toMatchObject({
      state: 'running', task: undefined,
      notice: 'stubborn did not respond to the shutdown request within 0.1 s: it is still running (Destroy forces it off)',
    });
    expect(vms[0].destroyed).toBe(false);
    expect(await lab.reboot('stubborn')).toBe('ignored');
    expect(domain(lab, 'stubborn').notice).toMatch(/did not respond to the reboot request .* \(Reset forces a reboot\)/);
  });

  it('shows the shutdown task while the guest is asked', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    const p = lab.shutdown('web');
    expect(domain(lab, 'web').task).toBe('shutting down');
    await expect(lab.pause('web')).rejects.toThrow("Requested operation is not valid: domain 'web' is busy (shutting down)");
    expect(await p).toBe('requested');
    vms[0].exit({ kind: 'poweroff' });
    expect(domain(lab, 'web').state).toBe('shut off');
  });

  it('graceful reboot asks the guest; on_reboot = restart boots it again with a new domid', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    expect(await lab.reboot('web')).toBe('requested');
    expect(vms[0].requests).toEqual(['reboot']);
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 1 });
    vms[0].exit({ kind: 'reboot' });
    expect(domain(lab, 'web').task).toBe('rebooting');
    await settle();
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 2, task: undefined });
    expect(vms[0].reboots).toBe(1);
    expect(vms).toHaveLength(1);
  });

  it('destroy stops at once; domids are never reused', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('db'));
    lab.define(xl('web'));
    await lab.start('db');
    await lab.start('web');
    expect([domain(lab, 'db').id, domain(lab, 'web').id]).toEqual([1, 2]);
    lab.destroy('db');
    expect(domain(lab, 'db')).toMatchObject({ state: 'shut off', id: undefined });
    expect(vms[0].destroyed).toBe(true);
    expect(() => lab.destroy('db')).toThrow('Requested operation is not valid: domain is not running');
    await lab.start('db');
    expect(domain(lab, 'db')).toMatchObject({ state: 'running', id: 3 });
  });

  it('destroy during a start wins', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const images = { ...fakeImages, load: async (n: string) => { await gate; return fakeImages.load(n); } };
    const { lab, vms } = makeLab({ images });
    lab.define(xl('slow'));
    const p = lab.start('slow');
    expect(domain(lab, 'slow')).toMatchObject({ task: 'starting', id: 1 });
    lab.destroy('slow');
    release();
    await p;
    expect(domain(lab, 'slow')).toMatchObject({ state: 'shut off', id: undefined });
    expect(vms).toHaveLength(0);
  });

  it('passes console bytes both ways and keeps the scrollback', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    const seen: number[] = [];
    lab.consoleLog('web').watch((b) => seen.push(...b));
    vms[0].sink.output(Uint8Array.of(104, 105));
    expect(seen).toEqual([104, 105]);
    expect([...lab.consoleLog('web').contents()]).toEqual([104, 105]);
    lab.consoleInput('web', Uint8Array.of(10));
    expect(vms[0].input).toEqual([10]);
  });
});

describe('Lab: admission', () => {
  it('refuses a domain that does not fit in memory, as Xen reports it', async () => {
    const { lab } = makeLab();
    lab.define(xl('a', { memory: 768, maxmem: 768 }), { host: 'host1' });
    lab.define(xl('b', { memory: 512, maxmem: 512 }), { host: 'host1' });
    await lab.start('a');
    await expect(lab.start('b')).rejects.toThrow('not enough free memory on host1 (needed 512 MiB, free 256 MiB)');
    expect(domain(lab, 'b')).toMatchObject({ state: 'shut off', id: undefined, error: 'not enough free memory on host1 (needed 512 MiB, free 256 MiB)' });
  });

  it('refuses a domain when the host has no free CPU', async () => {
    const { lab } = makeLab({ hosts: [{ name: 'small', cpus: 2, memoryMiB: 1024 }] });
    for (const n of ['a', 'b', 'c']) lab.define(xl(n, { memory: 16, maxmem: 16 }));
    await lab.start('a');
    await lab.start('b');
    expect(lab.freeCpus('small')).toBe(0);
    await expect(lab.start('c')).rejects.toThrow('not enough free CPUs on small (needed 1, free 0)');
  });

  it('counts a preserved domain against its host until it is destroyed', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('p', { onPoweroff: 'preserve', memory: 512, maxmem: 512 }), { host: 'host1' });
    lab.define(xl('q', { memory: 768, maxmem: 768 }), { host: 'host1' });
    await lab.start('p');
    vms[0].exit({ kind: 'poweroff' });
    await expect(lab.start('q')).rejects.toThrow('not enough free memory on host1 (needed 768 MiB, free 512 MiB)');
    lab.destroy('p');
    await lab.start('q');
  });
});

describe('Lab: on_poweroff, on_reboot, on_crash', () => {
  async function stopped(action: LifecycleAction, exit: 'poweroff' | 'reboot' | 'crashed') {
    const key = exit === 'poweroff' ? 'onPoweroff' : exit === 'reboot' ? 'onReboot' : 'onCrash';
    const t = makeLab();
    t.lab.define(xl('g', { [key]: action }));
    await t.lab.start('g');
    t.vms[0].exit({ kind: exit });
    await settle();
    return { ...t, d: domain(t.lab, 'g') };
  }

  it('poweroff with on_poweroff = destroy: shut off, VM released', async () => {
    const { d, vms } = await stopped('destroy', 'poweroff');
    expect(d).toMatchObject({ state: 'shut off', id: undefined, error: undefined });
    expect(vms[0].destroyed).toBe(true);
  });

  it('poweroff with on_poweroff = restart: boots again, new domid', async () => {
    const { d, vms } = await stopped('restart', 'poweroff');
    expect(d).toMatchObject({ state: 'running', id: 2 });
    expect(vms[0]).toMatchObject({ destroyed: false, reboots: 1 });
  });

  it('poweroff with on_poweroff = preserve: kept halted in shutdown with its domid and memory; destroy releases it', async () => {
    const { d, vms, lab } = await stopped('preserve', 'poweroff');
    expect(d).toMatchObject({ state: 'in shutdown', id: 1, notice: 'g powered off; kept as it stopped (on_poweroff = preserve): Destroy releases it' });
    expect(vms[0].destroyed).toBe(false);
    expect(lab.snapshot().hosts[0].usedMemoryMiB).toBe(64);
    await expect(lab.shutdown('g')).rejects.toThrow('domain is not running');
    await expect(lab.pause('g')).rejects.toThrow('domain is not running');
    await expect(lab.start('g')).rejects.toThrow('domain is already running');
    lab.destroy('g');
    expect(domain(lab, 'g')).toMatchObject({ state: 'shut off', id: undefined });
    expect(vms[0].destroyed).toBe(true);
  });

  it('poweroff with on_poweroff = rename-restart: the stopped one is kept as g-1, g starts afresh', async () => {
    const { lab, vms } = await stopped('rename-restart', 'poweroff');
    expect(domain(lab, 'g')).toMatchObject({ state: 'running', id: 2, persistent: true });
    expect(domain(lab, 'g-1')).toMatchObject({ state: 'in shutdown', id: 1, persistent: false, host: 'host1', config: { name: 'g-1' } });
    expect(vms).toHaveLength(2);
    expect(vms[0].destroyed).toBe(false);
    expect(() => lab.setAutostart('g-1', true)).toThrow('transient');
    lab.destroy('g-1');
    expect(lab.snapshot().domains.map((d) => d.name)).toEqual(['g']);
    expect(vms[0].destroyed).toBe(true);
  });

  it('reboot with on_reboot = restart (the default) and = destroy', async () => {
    const r = await stopped('restart', 'reboot');
    expect(r.d).toMatchObject({ state: 'running', id: 2, error: undefined, notice: undefined });
    const d = await stopped('destroy', 'reboot');
    expect(d.d).toMatchObject({ state: 'shut off', id: undefined });
  });

  it('a crash (pvpanic) with on_crash = restart boots it again and says so', async () => {
    const { d, vms } = await stopped('restart', 'crashed');
    expect(d).toMatchObject({ state: 'running', id: 2, notice: 'g crashed (guest kernel panic) and was restarted (on_crash = restart)' });
    expect(vms[0].reboots).toBe(1);
  });

  it('a crash with on_crash = preserve: crashed, with its domid, memory kept', async () => {
    const { d, vms, lab } = await stopped('preserve', 'crashed');
    expect(d).toMatchObject({ state: 'crashed', id: 1 });
    expect(vms[0].destroyed).toBe(false);
    expect(lab.snapshot().hosts[0].usedMemoryMiB).toBe(64);
  });

  it('a crash with on_crash = destroy (the default): shut off with the reason', async () => {
    const { d } = await stopped('destroy', 'crashed');
    expect(d).toMatchObject({ state: 'shut off', id: undefined, error: 'g crashed (guest kernel panic); on_crash = destroy' });
  });

  it('a test finisher failure counts as a crash; pass as a poweroff', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('f'));
    lab.define(xl('p'));
    await lab.start('f');
    await lab.start('p');
    vms[0].exit({ kind: 'fail', code: 3 });
    vms[1].exit({ kind: 'pass' });
    expect(domain(lab, 'f')).toMatchObject({ state: 'shut off', error: 'f stopped: the guest reported failure (code 3); on_crash = destroy' });
    expect(domain(lab, 'p')).toMatchObject({ state: 'shut off', error: undefined });
  });

  it('a guest crashing at every boot is stopped after a few restarts', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('loop', { onCrash: 'restart' }));
    await lab.start('loop');
    for (let i = 0; i <= MAX_RESTARTS; i++) { vms[0].exit({ kind: 'crashed' }); await settle(); }
    expect(domain(lab, 'loop')).toMatchObject({ state: 'shut off', error: expect.stringContaining(`restarted ${MAX_RESTARTS} times within 10 s, so it was stopped`) });
  });

  it('a host-side failure leaves it crashed with no VM', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('c'));
    await lab.start('c');
    vms[0].sink.event({ kind: 'crashed', message: 'boom' });
    expect(domain(lab, 'c')).toMatchObject({ state: 'crashed', id: undefined, error: 'c crashed: boom' });
    expect(vms[0].destroyed).toBe(true);
  });
});

describe('Lab: migration', () => {
  it('checks admission on the target first', async () => {
    const { lab } = makeLab();
    lab.define(xl('web', { memory: 512, maxmem: 512 }), { host: 'host1' });
    lab.define(xl('big', { memory: 768, maxmem: 768 }), { host: 'host2' });
    await lab.start('web');
    await lab.start('big');
    await expect(lab.migrate('web', 'host2')).rejects.toThrow('not enough free memory on host2 (needed 512 MiB, free 256 MiB)');
    await expect(lab.migrate('web', 'host1')).rejects.toThrow('internal error: Attempt to migrate guest to the same host');
    await expect(lab.migrate('web', 'host7')).rejects.toThrow("unable to connect to host 'host7'");
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', host: 'host1', task: undefined });
  });

  it('moves a running domain: task shown, memory held on both hosts, new domid on the target', async () => {
    const { lab, launcher } = makeLab();
    lab.define(xl('web'), { host: 'host1' });
    await lab.start('web');
    const p = lab.migrate('web', 'host2', { maxDowntimeMs: 100 });
    const job = launcher.jobs[0];
    expect(job.request).toMatchObject({ name: 'web', bandwidthBps: 1e9, latencyMs: 0.5, maxDowntimeMs: 100 });
    expect(parseXlCfg(job.request.domain as string).config.name).toBe('web');
    expect(domain(lab, 'web')).toMatchObject({ task: 'migrating', host: 'host1', migration: { target: 'host2' } });
    expect(lab.snapshot().hosts.map((h) => h.usedMemoryMiB)).toEqual([64, 64]);
    expect(lab.jobInfo('web')).toMatchObject({ active: true, target: 'host2', info: { status: 'active' } });
    lab.setMaxDowntime('web', 50);
    expect(job.maxDowntime).toBe(50);
    const dest = job.complete();
    await p;
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', host: 'host2', id: 2, task: undefined });
    expect(lab.snapshot().hosts.map((h) => h.usedMemoryMiB)).toEqual([0, 64]);
    expect(lab.memory('web')).toBe(dest.memory);
    expect(lab.jobInfo('web')).toMatchObject({ active: false, info: { status: 'completed', downtimeMs: 37 } });
    dest.sink.output(Uint8Array.of(33));
    expect([...lab.consoleLog('web').contents()]).toEqual([33]);
    dest.exit({ kind: 'poweroff' });
    expect(domain(lab, 'web').state).toBe('shut off');
  });

  it('an aborted migration leaves the domain running where it was', async () => {
    const { lab, launcher, vms } = makeLab();
    lab.define(xl('web'), { host: 'host1' });
    await lab.start('web');
    const p = lab.migrate('web', 'host2');
    expect(() => lab.abortJob('nobody')).toThrow("Domain not found");
    lab.abortJob('web');
    await expect(p).rejects.toThrow('operation failed: migration job: migration cancelled');
    expect(launcher.jobs[0].cancelled).toBe(true);
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', host: 'host1', id: 1, task: undefined });
    expect(vms[0].destroyed).toBe(false);
    expect(() => lab.abortJob('web')).toThrow('Requested operation is not valid: no job is active on the domain');
    expect(lab.jobInfo('web')).toMatchObject({ active: false, info: { status: 'cancelled' } });
  });

  it('cannot abort once the switchover began; a failed migration is reported', async () => {
    const { lab, launcher } = makeLab();
    lab.define(xl('web'), { host: 'host1' });
    await lab.start('web');
    const p = lab.migrate('web', 'host2');
    launcher.jobs[0].switching = true;
    expect(() => lab.abortJob('web')).toThrow('can no longer be aborted');
    launcher.jobs[0].fail('the destination refused the stream');
    await expect(p).rejects.toThrow('operation failed: migration job: the destination refused the stream');
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', host: 'host1', error: 'migration to host2 failed: the destination refused the stream; web still runs on host1' });
  });

  it('destroy during a migration stops both sides', async () => {
    const { lab, launcher, vms } = makeLab();
    lab.define(xl('web'), { host: 'host1' });
    await lab.start('web');
    const p = lab.migrate('web', 'host2');
    lab.destroy('web');
    await expect(p).rejects.toThrow('the domain was destroyed');
    expect(launcher.jobs[0].cancelled).toBe(true);
    expect(vms[0].destroyed).toBe(true);
    expect(domain(lab, 'web')).toMatchObject({ state: 'shut off', host: 'host1' });
  });
});

describe('Lab: links between hosts', () => {
  it('every pair of hosts has a link, 1 Gbit/s by default, the same both ways', () => {
    const { lab } = makeLab({ hosts: [{ name: 'a', cpus: 2, memoryMiB: 512 }, { name: 'b', cpus: 2, memoryMiB: 512 }, { name: 'c', cpus: 2, memoryMiB: 512 }] });
    expect(lab.snapshot().links).toEqual([
      { hosts: ['a', 'b'], bandwidthBps: 1e9, latencyMs: 0.5 },
      { hosts: ['a', 'c'], bandwidthBps: 1e9, latencyMs: 0.5 },
      { hosts: ['b', 'c'], bandwidthBps: 1e9, latencyMs: 0.5 },
    ]);
    lab.setLink('c', 'a', { bandwidthBps: 1e8 });
    expect(lab.link('a', 'c')).toEqual({ bandwidthBps: 1e8, latencyMs: 0.5 });
    lab.setLink('a', 'c', { latencyMs: 20 });
    expect(lab.link('c', 'a')).toEqual({ bandwidthBps: 1e8, latencyMs: 20 });
    expect(lab.snapshot().links[1]).toEqual({ hosts: ['a', 'c'], bandwidthBps: 1e8, latencyMs: 20 });
    expect(lab.link('a', 'b')).toEqual({ bandwidthBps: 1e9, latencyMs: 0.5 });
  });

  it('refuses links that make no sense, and changes nothing then', () => {
    const { lab } = makeLab();
    const changes: string[] = [];
    lab.onChange((k) => changes.push(k));
    expect(() => lab.setLink('host1', 'host2', { bandwidthBps: 1e3 })).toThrow('link bandwidth must be 1 Mbit/s .. 100 Gbit/s');
    expect(() => lab.setLink('host1', 'host2', { bandwidthBps: Number.NaN })).toThrow('link bandwidth');
    expect(() => lab.setLink('host1', 'host2', { latencyMs: -1 })).toThrow('link latency must be 0 .. 10000 ms');
    expect(() => lab.setLink('host1', 'host1', { latencyMs: 1 })).toThrow('a link joins two different hosts');
    expect(() => lab.setLink('host1', 'host9', { latencyMs: 1 })).toThrow("unable to connect to host 'host9'");
    expect(lab.link('host1', 'host2')).toEqual({ bandwidthBps: 1e9, latencyMs: 0.5 });
    expect(changes).toEqual([]);
    lab.setLink('host1', 'host2', { bandwidthBps: 1e7, latencyMs: 0 });
    expect(changes).toEqual(['definition']);
  });

  it('a migration is paced to its hosts\' link unless it says otherwise; bandwidth changes reach it at once', async () => {
    const { lab, launcher } = makeLab({ hosts: [{ name: 'host1', cpus: 4, memoryMiB: 1024 }, { name: 'host2', cpus: 4, memoryMiB: 1024 }, { name: 'host3', cpus: 4, memoryMiB: 1024 }] });
    lab.setLink('host2', 'host1', { bandwidthBps: 1e7, latencyMs: 30 });
    lab.define(xl('web'), { host: 'host1' });
    lab.define(xl('db'), { host: 'host1' });
    await lab.start('web');
    await lab.start('db');
    const web = lab.migrate('web', 'host2');
    const db = lab.migrate('db', 'host3', { bandwidthBps: 5e8 });
    const [toHost2, toHost3] = launcher.jobs;
    expect(toHost2.request).toMatchObject({ bandwidthBps: 1e7, latencyMs: 30 });
    expect(toHost3.request).toMatchObject({ bandwidthBps: 5e8, latencyMs: 0.5 });
    lab.setLink('host1', 'host2', { bandwidthBps: 1e8 });
    lab.setLink('host1', 'host2', { latencyMs: 5 }); // the next migration's: the running one keeps its transport
    expect(toHost2.bandwidths).toEqual([1e8]);
    expect(toHost3.bandwidths).toEqual([]);
    expect(lab.jobInfo('web')).toMatchObject({ active: true, source: 'host1', target: 'host2', info: { bandwidthBps: 1e8 } });
    toHost2.complete();
    toHost3.complete();
    await Promise.all([web, db]);
    expect(lab.jobInfo('web')).toMatchObject({ active: false, source: 'host1', target: 'host2', info: { status: 'completed' } });
    // Back the other way: the same link.
    const back = lab.migrate('web', 'host1');
    expect(launcher.jobs[2].request).toMatchObject({ bandwidthBps: 1e8, latencyMs: 5 });
    lab.setLink('host2', 'host1', { bandwidthBps: 2e9 });
    expect(launcher.jobs[2].bandwidths).toEqual([2e9]);
    launcher.jobs[2].complete();
    await back;
    expect(domain(lab, 'web').host).toBe('host1');
  });

  it('migrationBlocker says what migrate would refuse with, without doing anything', async () => {
    const { lab } = makeLab();
    lab.define(xl('web', { memory: 512, maxmem: 512 }), { host: 'host1' });
    lab.define(xl('big', { memory: 768, maxmem: 768 }), { host: 'host2' });
    lab.define(xl('off'), { host: 'host1' });
    expect(lab.migrationBlocker('web', 'host2')).toBe('Requested operation is not valid: domain is not running');
    await lab.start('web');
    expect(lab.migrationBlocker('web', 'host2')).toBeUndefined();
    expect(lab.migrationBlocker('web', 'host1')).toBe('internal error: Attempt to migrate guest to the same host');
    expect(lab.migrationBlocker('web', 'host7')).toMatch("unable to connect to host 'host7'");
    expect(lab.migrationBlocker('nobody', 'host2')).toMatch('Domain not found');
    await lab.start('big');
    expect(lab.migrationBlocker('web', 'host2')).toBe('not enough free memory on host2 (needed 512 MiB, free 256 MiB)');
    expect(lab.migrationBlocker('off', 'host2')).toBe('Requested operation is not valid: domain is not running');
    await lab.pause('big');
    expect(lab.migrationBlocker('big', 'host1')).toBe('Requested operation is not valid: domain is paused');
    // Nothing was marked on the domains by asking.
    expect(domain(lab, 'web').error).toBeUndefined();
    expect(domain(lab, 'big').error).toBeUndefined();
  });

  it('a vCPU shortage on the target is a blocker too', async () => {
    const { lab } = makeLab({ hosts: [{ name: 'host1', cpus: 2, memoryMiB: 1024 }, { name: 'host2', cpus: 1, memoryMiB: 1024 }] });
    lab.define(xl('a'), { host: 'host1' });
    lab.define(xl('b'), { host: 'host2' });
    await lab.start('a');
    await lab.start('b');
    expect(lab.migrationBlocker('a', 'host2')).toBe('not enough free CPUs on host2 (needed 1, free 0)');
  });
});

describe('Lab: save and restore', () => {
  it('save writes the stream and shuts the domain off; restore resumes it with a new domid', async () => {
    const { lab, launcher, vms } = makeLab();
    lab.define(xl('web'), { host: 'host2' });
    await lab.start('web');
    const bytes = await lab.save('web');
    expect(domain(lab, 'web')).toMatchObject({ state: 'shut off', id: undefined });
    expect(vms[0].destroyed).toBe(true);
    expect(await lab.restore(bytes)).toBe('web');
    expect(launcher.restored[0]).toMatchObject({ name: 'web', boot: { append: 'ticks=10' } });
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', id: 2, host: 'host2', memoryMiB: 64 });
    await expect(lab.restore(bytes)).rejects.toThrow("Requested operation is not valid: domain 'web' is already active");
  });

  it('a save records the state to restore in: paused if it was, or as asked; restore may override', async () => {
    const { lab, launcher } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    await lab.pause('web');
    const paused = await lab.save('web');
    await lab.restore(paused);
    expect(domain(lab, 'web').state).toBe('paused');
    expect(launcher.restored[0].paused).toBe(true);
    const asRunning = await lab.save('web', { state: 'running' });
    await lab.restore(asRunning);
    expect(domain(lab, 'web').state).toBe('running');
    const asPaused = await lab.save('web', { state: 'paused' });
    await lab.restore(asPaused, { paused: false });
    expect(domain(lab, 'web').state).toBe('running');
  });

  it('restore --paused brings the domain back held where it was saved', async () => {
    const { lab, launcher } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    const bytes = await lab.save('web');
    await lab.restore(bytes, { paused: true });
    expect(launcher.restored[0].paused).toBe(true);
    expect(domain(lab, 'web')).toMatchObject({ state: 'paused', id: 2 });
    await lab.resume('web');
    expect(domain(lab, 'web').state).toBe('running');
  });

  it('restore defines a domain that is gone, and checks admission', async () => {
    const { lab } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    const bytes = await lab.save('web');
    lab.undefine('web');
    expect(await lab.restore(bytes)).toBe('web');
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', persistent: true });
    const other = makeLab({ hosts: [{ name: 'tiny', cpus: 1, memoryMiB: 32 }] });
    await expect(other.lab.restore(bytes)).rejects.toThrow('not enough free memory on tiny (needed 64 MiB, free 32 MiB)');
    await expect(lab.restore(new TextEncoder().encode('hello'))).rejects.toThrow(/not a save file/);
  });
});

describe('Lab: metrics and the watchdog', () => {
  it('derives MIPS, CPU %, idle and CPU time from the counters', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('web'));
    await lab.start('web');
    await lab.sample();
    const vm = vms[0];
    vm.t = 1000; vm.busy = 500; vm.idle = 0;
    await lab.sample();
    expect(domain(lab, 'web').metrics).toMatchObject({ mips: 1, cpuPercent: 50 });
    expect(domain(lab, 'web')).toMatchObject({ state: 'running', cpuTimeSec: 0.5 });
    vm.t = 2000; vm.busy = 510; vm.idle = 990;
    await lab.sample();
    expect(domain(lab, 'web').state).toBe('idle');
    expect(domain(lab, 'web').metrics.cpuHistory).toEqual([50, 1]);
  });

  it('keeps sampling a domain while it migrates (the source runs on); the watchdog waits', async () => {
    const { lab, vms, launcher, advance } = makeLab();
    lab.define(xl('web'), { host: 'host1' });
    await lab.start('web');
    await lab.sample();
    const p = lab.migrate('web', 'host2');
    const vm = vms[0];
    vm.t = 1000; vm.busy = 400; vm.idle = 0;
    await lab.sample();
    expect(domain(lab, 'web')).toMatchObject({ task: 'migrating', metrics: { mips: 1, cpuPercent: 40 } });
    vm.answer = false;
    void lab.sample();
    advance(WATCHDOG_MS + 1);
    await lab.sample();
    expect(domain(lab, 'web')).toMatchObject({ task: 'migrating', state: 'running' });
    launcher.jobs[0].complete();
    await p;
    expect(domain(lab, 'web')).toMatchObject({ host: 'host2', task: undefined });
  });

  it('stops a VM that stops answering (watchdog)', async () => {
    const { lab, vms, advance } = makeLab();
    lab.define(xl('hung'));
    await lab.start('hung');
    vms[0].answer = false;
    void lab.sample();
    advance(WATCHDOG_MS + 1);
    await lab.sample();
    expect(domain(lab, 'hung')).toMatchObject({ state: 'crashed', id: undefined });
    expect(domain(lab, 'hung').error).toMatch(/stopped answering/);
    expect(vms[0].destroyed).toBe(true);
  });

  it('dispose stops every VM', async () => {
    const { lab, vms } = makeLab();
    lab.define(xl('a'));
    await lab.start('a');
    lab.dispose();
    expect(vms[0].destroyed).toBe(true);
  });
});

describe('xlConfigFor', () => {
  it('makes the New VM form\'s config: one NIC on xenbr0 with a Xen MAC, libxl\'s default policies', () => {
    const c = xlConfigFor({ name: 'vm1', image: 'linux', memoryMiB: 64, vcpus: 1 });
    expect(c).toMatchObject({ name: 'vm1', memory: 64, maxmem: 64, vcpus: 1, image: 'linux', onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' });
    expect(c.vifs[0].mac).toMatch(/^00:16:3e:[0-7]/);
    expect(c.vifs[0].bridge).toBe('xenbr0');
    const lab = new Lab({ launcher: new FakeLauncher(), images: fakeImages });
    lab.define(c);
    expect(domain(lab, 'vm1').config).toBe(c);
  });
});
