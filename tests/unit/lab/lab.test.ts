import { describe, expect, it } from 'vitest';
import { Lab, WATCHDOG_MS } from '../../../src/hypervisor/lab/lab.ts';
import type { LaunchSpec, RunningVm, VmCounters, VmLauncher, VmSink } from '../../../src/hypervisor/lab/backend.ts';
import type { ImageSource, GuestFiles } from '../../../src/hypervisor/images/download.ts';
import type { GuestImage } from '../../../src/hypervisor/images/catalog.ts';

const image: GuestImage = {
  name: 'tiny', description: '', kind: 'baremetal', memoryMiB: 16, cmdline: '',
  files: { kernel: { path: 'k.gz', sha256: '0'.repeat(64), size: 4, compressedSize: 4 } },
};

const images: ImageSource = {
  catalog: async () => ({ version: 1, images: [image] }),
  load: async (name): Promise<GuestFiles> => {
    if (name !== 'tiny') throw new Error(`no image named "${name}"`);
    return { image, boot: { bios: { kind: 'none' }, kernel: new Uint8Array(4) } };
  },
};

/** A VM that does nothing but keep the counters a real one would report. */
class FakeVm implements RunningVm {
  memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  state: VmCounters['state'] = 'running';
  destroyed = false;
  input: number[] = [];
  answer = true;
  t = 0;
  busy = 0;
  idle = 0;
  constructor(readonly spec: LaunchSpec, readonly sink: VmSink) {}
  consoleInput(bytes: Uint8Array) { this.input.push(...bytes); }
  async pause() { this.state = 'paused'; }
  async resume() { this.state = 'running'; }
  async reboot() { this.state = 'running'; }
  async shutdown() { this.state = 'stopped'; }
  destroy() { this.destroyed = true; }
  counters(): Promise<VmCounters> {
    if (!this.answer) return new Promise(() => {});
    return Promise.resolve({ state: this.state, instructions: this.t * 1000, busyMs: this.busy, idleMs: this.idle, uptimeMs: this.t, inputDropped: 0 });
  }
}

function makeLab() {
  const vms: FakeVm[] = [];
  const launcher: VmLauncher = {
    launch: async (spec, sink) => { const vm = new FakeVm(spec, sink); vms.push(vm); return vm; },
  };
  let now = 0;
  const lab = new Lab({ launcher, images, now: () => now });
  return { lab, vms, advance: (ms: number) => { now += ms; } };
}

const config = (name: string, host = 'host1', memoryMiB = 64) => ({ name, image: 'tiny', host, memoryMiB, vcpus: 1 });
const domain = (lab: Lab, name: string) => lab.snapshot().domains.find((d) => d.name === name)!;

describe('Lab', () => {
  it('starts with host1 and host2, empty', () => {
    const { lab } = makeLab();
    const s = lab.snapshot();
    expect(s.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    expect(s.hosts[0]).toMatchObject({ usedMemoryMiB: 0, usedVcpus: 0, domains: [] });
  });

  it('defines domains shut off and refuses bad ones with a clear message', () => {
    const { lab } = makeLab();
    lab.define(config('web'));
    expect(domain(lab, 'web').state).toBe('shut off');
    expect(() => lab.define(config('web'))).toThrow('a domain named "web" already exists');
    expect(() => lab.define(config('bad name'))).toThrow(/not a valid name/);
    expect(() => lab.define(config('x', 'host9'))).toThrow(/no host named "host9"/);
    expect(() => lab.define(config('big', 'host1', 4096))).toThrow(/memory must be|has only/);
    expect(() => lab.define({ ...config('smp'), vcpus: 2 })).toThrow(/1 vCPU per VM/);
  });

  it('runs the lifecycle: start, pause, resume, reboot, shut down, undefine', async () => {
    const { lab, vms } = makeLab();
    lab.define(config('web'));
    await lab.start('web');
    expect(domain(lab, 'web').state).toBe('running');
    expect(vms[0].spec).toMatchObject({ name: 'web', ramBytes: 64 * 1024 * 1024, harts: 1 });
    expect(lab.snapshot().hosts[0]).toMatchObject({ usedMemoryMiB: 64, usedVcpus: 1, domains: ['web'] });
    expect(lab.memory('web')).toBe(vms[0].memory);
    await lab.pause('web');
    expect(domain(lab, 'web').state).toBe('paused');
    await expect(lab.pause('web')).rejects.toThrow('cannot pause web: it is paused');
    await lab.resume('web');
    expect(domain(lab, 'web').state).toBe('running');
    await lab.reboot('web');
    expect(() => lab.undefine('web')).toThrow(/shut it down or destroy it first/);
    await lab.shutdown('web');
    expect(domain(lab, 'web').state).toBe('shut off');
    expect(vms[0].destroyed).toBe(true);
    expect(lab.snapshot().hosts[0].usedMemoryMiB).toBe(0);
    lab.undefine('web');
    expect(lab.snapshot().domains).toEqual([]);
  });

  it('destroy stops at once and the domain can start again', async () => {
    const { lab, vms } = makeLab();
    lab.define(config('db'));
    await lab.start('db');
    lab.destroy('db');
    expect(domain(lab, 'db').state).toBe('shut off');
    expect(vms[0].destroyed).toBe(true);
    await lab.start('db');
    expect(vms.length).toBe(2);
    expect(domain(lab, 'db').state).toBe('running');
  });

  it('refuses to start a domain that does not fit on its host', async () => {
    const { lab } = makeLab();
    lab.define(config('a', 'host1', 768));
    lab.define(config('b', 'host1', 512));
    await lab.start('a');
    await expect(lab.start('b')).rejects.toThrow('host1 has 256 MiB of memory free; b needs 512 MiB');
    expect(domain(lab, 'b')).toMatchObject({ state: 'shut off', error: 'host1 has 256 MiB of memory free; b needs 512 MiB' });
  });

  it('reports a missing image as a start failure', async () => {
    const { lab } = makeLab();
    lab.define({ ...config('x'), image: 'nope' });
    await expect(lab.start('x')).rejects.toThrow('x did not start: no image named "nope"');
    expect(domain(lab, 'x').state).toBe('shut off');
  });

  it('passes console bytes both ways and keeps the scrollback', async () => {
    const { lab, vms } = makeLab();
    lab.define(config('web'));
    await lab.start('web');
    const seen: number[] = [];
    lab.consoleLog('web').watch((b) => seen.push(...b));
    vms[0].sink.output(Uint8Array.of(104, 105));
    expect(seen).toEqual([104, 105]);
    expect([...lab.consoleLog('web').contents()]).toEqual([104, 105]);
    lab.consoleInput('web', Uint8Array.of(10));
    expect(vms[0].input).toEqual([10]);
  });

  it('follows the guest: poweroff shuts off, a failure code or a crash shows as crashed', async () => {
    const { lab, vms } = makeLab();
    for (const n of ['a', 'b', 'c']) { lab.define(config(n)); await lab.start(n); }
    vms[0].sink.event({ kind: 'exit', exit: { kind: 'poweroff' } });
    vms[1].sink.event({ kind: 'exit', exit: { kind: 'fail', code: 3 } });
    vms[2].sink.event({ kind: 'crashed', message: 'boom' });
    expect(domain(lab, 'a').state).toBe('shut off');
    expect(domain(lab, 'b')).toMatchObject({ state: 'crashed', error: 'b stopped: the guest reported failure (code 3)' });
    expect(domain(lab, 'c')).toMatchObject({ state: 'crashed', error: 'c crashed: boom' });
    expect(vms.every((v) => v.destroyed)).toBe(true);
  });

  it('derives MIPS, CPU % and idle from the counters', async () => {
    const { lab, vms } = makeLab();
    lab.define(config('web'));
    await lab.start('web');
    await lab.sample();
    const vm = vms[0];
    vm.t = 1000; vm.busy = 500; vm.idle = 0;
    await lab.sample();
    expect(domain(lab, 'web').metrics).toMatchObject({ mips: 1, cpuPercent: 50 });
    expect(domain(lab, 'web').state).toBe('running');
    vm.t = 2000; vm.busy = 510; vm.idle = 990;
    await lab.sample();
    expect(domain(lab, 'web').state).toBe('idle');
    expect(domain(lab, 'web').metrics.cpuHistory).toEqual([50, 1]);
  });

  it('stops a VM that stops answering (watchdog)', async () => {
    const { lab, vms, advance } = makeLab();
    lab.define(config('hung'));
    await lab.start('hung');
    vms[0].answer = false;
    void lab.sample();
    advance(WATCHDOG_MS + 1);
    await lab.sample();
    expect(domain(lab, 'hung').state).toBe('crashed');
    expect(domain(lab, 'hung').error).toMatch(/stopped answering/);
    expect(vms[0].destroyed).toBe(true);
  });
});
