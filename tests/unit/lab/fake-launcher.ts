/**
 * A VmLauncher for lab tests (backend.ts): VMs that do nothing but keep the counters a real one
 * reports, a guest agent whose answer the test chooses, save streams with a real header, and
 * migration jobs the test completes, fails or watches being cancelled.
 */
import { Lab, type LabOptions } from '../../../src/hypervisor/lab/lab.ts';
import type { GuestRequest, LaunchSpec, MigrationJob, MigrationRequest, RestoreOptions, RunningVm, VmCounters, VmLauncher, VmSink } from '../../../src/hypervisor/lab/backend.ts';
import type { ImageSource, GuestFiles } from '../../../src/hypervisor/images/download.ts';
import type { Catalog, GuestImage } from '../../../src/hypervisor/images/catalog.ts';
import type { MigrationEvent, MigrationInfo } from '../../../src/hypervisor/migration/precopy.ts';
import { StreamWriter, makeHeader } from '../../../src/hypervisor/migration/stream.ts';
import { describeMachine, MiB } from '../../../src/hypervisor/machine/board.ts';
import type { XlConfig } from '../../../src/hypervisor/xen/xlcfg.ts';
import { xlConfigFor } from '../../../src/hypervisor/lab/domain.ts';
import type { BootImages, VmExit } from '../../../src/hypervisor/vm.ts';

const file = (path: string) => ({ path, sha256: '0'.repeat(64), size: 4, compressedSize: 4 });

export const IMAGES: GuestImage[] = [
  { name: 'tiny', description: 'bare metal', kind: 'baremetal', memoryMiB: 16, cmdline: 'ticks=10', files: { kernel: file('tiny/tiny.elf.gz') } },
  { name: 'linux', description: 'Linux', kind: 'linux', memoryMiB: 64, cmdline: 'console=ttyS0', files: { kernel: file('linux/Image.gz'), initrd: file('linux/initramfs.cpio.gz') } },
];

export const fakeImages: ImageSource = {
  catalog: async (): Promise<Catalog> => ({ version: 1, images: IMAGES }),
  load: async (name): Promise<GuestFiles> => {
    const image = IMAGES.find((i) => i.name === name);
    if (!image) throw new Error(`no image named "${name}"`);
    return {
      image,
      boot: {
        bios: image.kind === 'linux' ? { kind: 'builtin' } : { kind: 'none' },
        kernel: new Uint8Array(4),
        initrd: image.files.initrd ? new Uint8Array(2) : undefined,
        append: image.cmdline,
      },
    };
  },
};

/**
 * What the fake guest agent does with a shutdown / reboot request: acknowledge it (the test then
 * stops the guest), ignore it, or comply (acknowledge, then power off or reboot a moment later).
 */
export type AgentBehaviour = 'ack' | 'ignore' | 'comply';

export class FakeVm implements RunningVm {
  memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  state: VmCounters['state'] = 'running';
  destroyed = false;
  input: number[] = [];
  answer = true;
  agent: AgentBehaviour = 'ack';
  requests: GuestRequest[] = [];
  reboots = 0;
  t = 0;
  busy = 0;
  idle = 0;
  constructor(readonly spec: LaunchSpec, public sink: VmSink) {
    if (spec.paused) this.state = 'paused';
  }
  consoleInput(bytes: Uint8Array) { this.input.push(...bytes); }
  async pause() { this.state = 'paused'; }
  async resume() { this.state = 'running'; }
  async reboot() { this.state = 'running'; this.reboots++; }
  async shutdown() { this.state = 'stopped'; }
  async requestShutdown(kind: GuestRequest): Promise<boolean> {
    this.requests.push(kind);
    if (this.agent === 'comply') setTimeout(() => this.exit({ kind }), 1);
    return this.agent !== 'ignore';
  }
  async save(domain: unknown, paused = false): Promise<Uint8Array> {
    this.state = 'paused';
    const w = new StreamWriter();
    w.header(makeHeader('save', describeMachine({ ramBytes: this.spec.ramBytes, harts: this.spec.harts }), domain, paused));
    w.end();
    const chunks = w.take();
    const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }
  destroy() { this.destroyed = true; }
  counters(): Promise<VmCounters> {
    if (!this.answer) return new Promise(() => {});
    return Promise.resolve({ state: this.state, instructions: this.t * 1000, busyMs: this.busy, idleMs: this.idle, uptimeMs: this.t, inputDropped: 0 });
  }
  /** The guest stops its machine (poweroff, reboot, panic…). */
  exit(exit: VmExit) { this.state = 'stopped'; this.sink.event({ kind: 'exit', exit }); }
}

const info = (status: MigrationInfo['status'], maxDowntimeMs: number): MigrationInfo => ({
  status, totalTimeMs: 1234, setupTimeMs: 12, expectedDowntimeMs: 42, maxDowntimeMs, round: 2, mbps: 880,
  bandwidthBps: 1e9, throttlePercent: 0, forcedSwitchover: false,
  ram: { transferred: 50 * MiB, remaining: 14 * MiB, total: 64 * MiB, duplicate: 9000, normal: 12800, normalBytes: 12800 * 4096, dirtyPagesRate: 310, dirtySyncCount: 2, pageSize: 4096 },
  rounds: [],
});

export class FakeJob implements MigrationJob {
  info: MigrationInfo;
  cancelled = false;
  /** Once true, cancel() refuses (the switchover began). */
  switching = false;
  maxDowntime: number;
  /** Every setBandwidth() call, in order. */
  bandwidths: number[] = [];
  private listeners = new Set<(e: MigrationEvent) => void>();
  private settle!: { resolve: (vm: RunningVm) => void; reject: (e: Error) => void };
  readonly done: Promise<RunningVm>;
  constructor(readonly source: FakeVm, readonly request: MigrationRequest, readonly sink: VmSink, readonly launcher: FakeLauncher) {
    this.maxDowntime = request.maxDowntimeMs;
    this.info = info('active', request.maxDowntimeMs);
    this.done = new Promise((resolve, reject) => { this.settle = { resolve, reject }; });
  }
  on(l: (e: MigrationEvent) => void) { this.listeners.add(l); return { dispose: () => this.listeners.delete(l) }; }
  cancel(): boolean {
    if (this.switching) return false;
    this.cancelled = true;
    this.info = { ...this.info, status: 'cancelled' };
    this.settle.reject(new Error('migration cancelled'));
    return true;
  }
  setMaxDowntime(ms: number) { this.maxDowntime = ms; this.info = { ...this.info, maxDowntimeMs: ms }; }
  setBandwidth(bps: number) { this.bandwidths.push(bps); this.info = { ...this.info, bandwidthBps: bps }; }
  round() { for (const l of this.listeners) l({ kind: 'round', figures: {} as never }); }
  /** The destination runs: the source is gone. */
  complete(): FakeVm {
    const dest = new FakeVm(this.source.spec, this.sink);
    this.launcher.vms.push(dest);
    this.source.destroyed = true;
    this.info = { ...this.info, status: 'completed', downtimeMs: 37 };
    this.settle.resolve(dest);
    return dest;
  }
  fail(message: string) {
    this.info = { ...this.info, status: 'failed', error: message };
    this.settle.reject(new Error(message));
  }
}

export class FakeLauncher implements VmLauncher {
  readonly vms: FakeVm[] = [];
  readonly jobs: FakeJob[] = [];
  readonly restored: { stream: Uint8Array; name: string; boot?: BootImages; paused?: boolean }[] = [];
  /** The agent of VMs launched from now on. */
  agent: AgentBehaviour = 'ack';
  launchError: Error | undefined;
  async launch(spec: LaunchSpec, sink: VmSink): Promise<RunningVm> {
    if (this.launchError) throw this.launchError;
    const vm = new FakeVm(spec, sink);
    vm.agent = this.agent;
    this.vms.push(vm);
    return vm;
  }
  migrate(source: RunningVm, request: MigrationRequest, sink: VmSink): MigrationJob {
    const job = new FakeJob(source as FakeVm, request, sink, this);
    this.jobs.push(job);
    return job;
  }
  /** As WorkerVmLauncher: `boot` is what a later reboot of the restored VM boots. */
  async restore(stream: Uint8Array, name: string, sink: VmSink, { boot, paused }: RestoreOptions = {}): Promise<RunningVm> {
    this.restored.push({ stream, name, boot, paused });
    const vm = new FakeVm({ name, ramBytes: 16 * MiB, harts: 1, boot: { bios: { kind: 'none' }, kernel: new Uint8Array() }, paused }, sink);
    this.vms.push(vm);
    return vm;
  }
  last(): FakeVm { return this.vms[this.vms.length - 1]; }
}

export function makeLab(opts: Partial<LabOptions> = {}) {
  const launcher = new FakeLauncher();
  let now = 0;
  const lab = new Lab({ launcher, images: fakeImages, now: () => now, shutdownGraceMs: 100, ...opts });
  return { lab, launcher, vms: launcher.vms, advance: (ms: number) => { now += ms; } };
}

let uuidSeed = 1;
const seq = (b: Uint8Array) => { for (let i = 0; i < b.length; i++) b[i] = (uuidSeed * 31 + i) & 0xff; uuidSeed++; };

/** An XlConfig for tests: the tiny image, 64 MiB, libxl's default policies, overridable. */
export function xl(name: string, over: Partial<XlConfig> = {}): XlConfig {
  return { ...xlConfigFor({ name, image: 'tiny', memoryMiB: 64, vcpus: 1 }, seq), ...over };
}

export const domain = (lab: Lab, name: string) => lab.snapshot().domains.find((d) => d.name === name)!;

/** Let promise callbacks run (a policy's restart, a migration's completion). */
export const settle = () => new Promise((r) => setTimeout(r, 0));
