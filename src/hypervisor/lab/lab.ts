/**
 * The lab: hosts, the domains placed on them and their lifecycle, the way a libvirt connection
 * shows them (DESIGN.md §5). The dashboard reads `snapshot()` and calls the operations; later the
 * dom0 console (virsh/xl) drives the same methods. What runs a VM is behind `VmLauncher`.
 */
import { MiB } from '../machine/board.ts';
import type { ImageSource, LoadProgress } from '../images/download.ts';
import type { RunningVm, VmEvent, VmLauncher } from './backend.ts';
import { ConsoleLog, type Disposable } from './console-log.ts';
import { checkDomainConfig, isLive, LabError, type DomainConfig, type DomainState, type DomainTask } from './domain.ts';
import { DEFAULT_HOSTS, type HostConfig } from './host.ts';
import { MetricsSampler, NO_METRICS, type Metrics } from './metrics.ts';

export interface HostSnapshot extends HostConfig {
  readonly usedMemoryMiB: number;
  readonly usedVcpus: number;
  /** Names of the domains placed on this host, in creation order. */
  readonly domains: readonly string[];
}

export interface DomainSnapshot extends DomainConfig {
  readonly state: DomainState;
  readonly task?: DomainTask;
  /** Why the last operation failed or the domain crashed, for a person to read. */
  readonly error?: string;
  readonly metrics: Metrics;
}

export interface LabSnapshot {
  readonly hosts: readonly HostSnapshot[];
  readonly domains: readonly DomainSnapshot[];
}

/** A VM whose counters do not answer for this long is declared crashed and stopped. */
export const WATCHDOG_MS = 10_000;
/** Over this share of a sample asleep in WFI, a running domain shows as idle. */
const IDLE_SHARE = 0.9;

interface DomainRecord {
  config: DomainConfig;
  state: DomainState;
  task?: DomainTask;
  error?: string;
  vm?: RunningVm;
  /** Bumped at every launch so late events from a previous run are ignored. */
  run: number;
  console: ConsoleLog;
  sampler: MetricsSampler;
  /** When the counters call in flight was made (the watchdog looks at it). */
  sampling?: number;
}

export interface LabOptions {
  launcher: VmLauncher;
  images: ImageSource;
  hosts?: readonly HostConfig[];
  now?: () => number;
}

export class Lab {
  readonly hosts: readonly HostConfig[];
  private readonly domains = new Map<string, DomainRecord>();
  private readonly listeners = new Set<() => void>();
  private readonly launcher: VmLauncher;
  private readonly images: ImageSource;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: LabOptions) {
    this.hosts = opts.hosts ?? DEFAULT_HOSTS;
    this.launcher = opts.launcher;
    this.images = opts.images;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Be told after every change (state, placement, metrics). */
  onChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): LabSnapshot {
    const domains = [...this.domains.values()].map((d): DomainSnapshot => ({
      ...d.config, state: d.state, task: d.task, error: d.error, metrics: d.sampler.metrics,
    }));
    const hosts = this.hosts.map((h): HostSnapshot => {
      const mine = domains.filter((d) => d.host === h.name);
      const live = mine.filter((d) => isLive(d.state, d.task));
      return {
        ...h,
        usedMemoryMiB: live.reduce((s, d) => s + d.memoryMiB, 0),
        usedVcpus: live.reduce((s, d) => s + d.vcpus, 0),
        domains: mine.map((d) => d.name),
      };
    });
    return { hosts, domains };
  }

  /** Throw LabError, with a message for a person, if `config` could not be defined. */
  check(config: DomainConfig): void {
    checkDomainConfig(config);
    if (this.domains.has(config.name)) throw new LabError(`a domain named "${config.name}" already exists`);
    const host = this.host(config.host);
    if (config.memoryMiB > host.memoryMiB) throw new LabError(`${config.name} needs ${config.memoryMiB} MiB but ${host.name} has only ${host.memoryMiB} MiB`);
  }

  /** Add a domain (shut off). */
  define(config: DomainConfig): void {
    this.check(config);
    this.domains.set(config.name, {
      config: { ...config }, state: 'shut off', run: 0, console: new ConsoleLog(), sampler: new MetricsSampler(),
    });
    this.changed();
  }

  /** Remove a domain that is not running. */
  undefine(name: string): void {
    const d = this.domain(name);
    if (isLive(d.state, d.task)) throw new LabError(`${name} is ${d.task ?? d.state}: shut it down or destroy it first`);
    this.domains.delete(name);
    this.changed();
  }

  /** Boot a shut-off (or crashed) domain on its host, downloading its image if needed. */
  async start(name: string, onProgress?: (p: LoadProgress) => void): Promise<void> {
    const d = this.domain(name);
    if (isLive(d.state, d.task)) throw new LabError(`${name} is already ${d.task ?? d.state}`);
    const free = this.freeMemoryMiB(d.config.host);
    if (d.config.memoryMiB > free) throw this.fail(d, `${d.config.host} has ${free} MiB of memory free; ${name} needs ${d.config.memoryMiB} MiB`);
    const run = ++d.run;
    d.task = 'starting';
    d.error = undefined;
    d.sampler = new MetricsSampler();
    this.changed();
    try {
      const files = await this.images.load(d.config.image, onProgress);
      if (d.run !== run) return; // destroyed while downloading
      const vm = await this.launcher.launch(
        { name, ramBytes: d.config.memoryMiB * MiB, harts: d.config.vcpus, boot: files.boot },
        {
          output: (bytes) => { if (d.run === run) d.console.append(bytes); },
          event: (e) => { if (d.run === run) this.onVmEvent(d, e); },
        },
      );
      if (d.run !== run) { vm.destroy(); return; }
      d.vm = vm;
      d.state = 'running';
      d.task = undefined;
      this.changed();
    } catch (e) {
      if (d.run !== run) return;
      d.task = undefined;
      d.state = 'shut off';
      throw this.fail(d, `${name} did not start: ${(e as Error).message}`);
    }
  }

  async pause(name: string): Promise<void> {
    await this.control(name, 'pausing', 'pause', (vm) => vm.pause(), 'paused', ['running', 'idle']);
  }

  async resume(name: string): Promise<void> {
    await this.control(name, 'resuming', 'resume', (vm) => vm.resume(), 'running', ['paused']);
  }

  async reboot(name: string): Promise<void> {
    await this.control(name, 'rebooting', 'reboot', (vm) => vm.reboot(), 'running', ['running', 'idle', 'paused']);
  }

  /**
   * Stop the domain at the end of its current slice. The board has no power button the guest
   * could be asked through, so this is a clean stop of the vCPU rather than a guest shutdown.
   */
  async shutdown(name: string): Promise<void> {
    const d = this.domain(name);
    const run = d.run;
    await this.control(name, 'shutting down', 'shut down', (vm) => vm.shutdown(), 'in shutdown', ['running', 'idle', 'paused']);
    if (d.run === run) this.release(d, 'shut off');
  }

  /** Pull the plug: stop at once, whatever the VM is doing (also while it starts). */
  destroy(name: string): void {
    const d = this.domain(name);
    if (!isLive(d.state, d.task)) throw new LabError(`${name} is not running`);
    d.run++;
    this.release(d, 'shut off');
  }

  consoleLog(name: string): ConsoleLog {
    return this.domain(name).console;
  }

  /** Bytes typed at the domain's console (kept by the VM's UART while it is paused). */
  consoleInput(name: string, bytes: Uint8Array): void {
    this.domain(name).vm?.consoleInput(bytes);
  }

  /** The running domain's shared memory: the hypervisor's view of the same buffer the VM runs on. */
  memory(name: string): WebAssembly.Memory | undefined {
    return this.domain(name).vm?.memory;
  }

  /** Sample every running domain's counters now (MIPS, CPU %, idle) and run the watchdog. */
  async sample(): Promise<void> {
    const jobs = [...this.domains.values()].map(async (d) => {
      const vm = d.vm;
      if (!vm || d.task) return;
      if (d.sampling !== undefined) {
        if (this.now() - d.sampling > WATCHDOG_MS) {
          d.error = `${d.config.name} stopped answering for ${WATCHDOG_MS / 1000} s and was stopped`;
          this.release(d, 'crashed');
        }
        return;
      }
      const run = d.run;
      d.sampling = this.now();
      try {
        const c = await vm.counters();
        if (d.run !== run || d.vm !== vm) return;
        const m = d.sampler.add(c);
        if (c.state === 'paused') d.state = 'paused';
        else if (c.state === 'running' && (d.state === 'running' || d.state === 'idle')) d.state = m.idleShare > IDLE_SHARE ? 'idle' : 'running';
      } catch {
        // The VM went away between the check and the answer: its events say why.
      } finally {
        if (d.run === run) d.sampling = undefined;
      }
    });
    await Promise.all(jobs);
    this.changed();
  }

  /** Sample every `ms` until dispose() (the page does this; tests call sample() themselves). */
  startSampling(ms = 1000): void {
    this.timer ??= setInterval(() => void this.sample(), ms);
  }

  /** Stop sampling and every VM. */
  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const d of this.domains.values()) if (d.vm) { d.run++; this.release(d, 'shut off'); }
  }

  freeMemoryMiB(hostName: string): number {
    const host = this.host(hostName);
    let used = 0;
    for (const d of this.domains.values()) if (d.config.host === host.name && isLive(d.state, d.task)) used += d.config.memoryMiB;
    return host.memoryMiB - used;
  }

  /** Run one control operation on a live VM: `from` the states it makes sense in, `after` the state it leaves. */
  private async control(name: string, task: DomainTask, verb: string, op: (vm: RunningVm) => Promise<void>, after: DomainState, from: readonly DomainState[]): Promise<void> {
    const d = this.domain(name);
    if (d.task) throw new LabError(`${name} is busy (${d.task})`);
    if (!d.vm || !from.includes(d.state)) throw new LabError(`cannot ${verb} ${name}: it is ${d.state}`);
    const run = d.run;
    d.task = task;
    this.changed();
    try {
      await op(d.vm);
      if (d.run !== run) return;
      d.state = after;
    } catch (e) {
      if (d.run !== run) return;
      throw this.fail(d, `${name}: ${task} failed: ${(e as Error).message}`);
    } finally {
      if (d.run === run) { d.task = undefined; this.changed(); }
    }
  }

  private onVmEvent(d: DomainRecord, e: VmEvent): void {
    if (e.kind === 'booted') return; // the RunningVm already exposes the new memory
    if (e.kind === 'crashed') {
      d.error = `${d.config.name} crashed: ${e.message}`;
      this.release(d, 'crashed');
    } else if (e.exit.kind === 'fail') {
      d.error = `${d.config.name} stopped: the guest reported failure (code ${e.exit.code})`;
      this.release(d, 'crashed');
    } else {
      this.release(d, 'shut off');
    }
  }

  /** Let go of the VM (its worker ends) and settle the domain in `state`. */
  private release(d: DomainRecord, state: DomainState): void {
    const vm = d.vm;
    d.vm = undefined;
    d.task = undefined;
    d.sampling = undefined;
    d.state = state;
    vm?.destroy();
    this.changed();
  }

  private fail(d: DomainRecord, message: string): LabError {
    d.error = message;
    this.changed();
    return new LabError(message);
  }

  private domain(name: string): DomainRecord {
    const d = this.domains.get(name);
    if (!d) throw new LabError(`no domain named "${name}"`);
    return d;
  }

  private host(name: string): HostConfig {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new LabError(`no host named "${name}" (hosts: ${this.hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
