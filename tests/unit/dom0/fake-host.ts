/** A Dom0Host in memory, with the lab's rules: admission by free memory, libvirt's state checks. */
import { dom0Errors, type Dom0Host, type DomainInfo, type DomainState, type HostInfo, type ImageInfo, type JobInfo, type ShutdownOutcome } from '../../../src/hypervisor/dom0/api.ts';
import type { XlConfig } from '../../../src/hypervisor/xen/xlcfg.ts';

interface Rec {
  config: XlConfig;
  state: DomainState;
  id: number | undefined;
  host: string;
  cpuTimeSec: number;
  autostart: boolean;
  /** Live figures (the lab's sample); tests change them between frames of xl top. */
  cpuPercent: number;
  mips: number;
  instructions: number;
}

const IDLE = { cpuPercent: 0, mips: 0, instructions: 0 };

export class FakeHost implements Dom0Host {
  readonly recs = new Map<string, Rec>();
  readonly calls: string[] = [];
  readonly consoles: string[] = [];
  /** Domains whose guest ignores a shutdown request. */
  readonly stubborn = new Set<string>();
  /** Where define() places new domains. */
  placement = 'host1';
  /** When set, start() waits for this promise (to test Ctrl-C while a command runs). */
  startGate: Promise<void> | undefined;
  private nextId = 1;

  constructor(
    readonly hostList: { name: string; cpus: number; memoryMiB: number }[] = [
      { name: 'host1', cpus: 4, memoryMiB: 1024 },
      { name: 'host2', cpus: 4, memoryMiB: 1024 },
    ],
    readonly imageList: ImageInfo[] = [
      { name: 'linux', description: 'Linux 6.1 + busybox', kind: 'linux', memoryMiB: 128 },
      { name: 'counter', description: 'counts', kind: 'baremetal', memoryMiB: 16 },
    ],
  ) {}

  hosts(): HostInfo[] {
    return this.hostList.map((h) => ({ ...h, freeMemoryMiB: this.free(h.name) }));
  }

  domains(): DomainInfo[] {
    return [...this.recs.values()].map((r) => ({
      name: r.config.name, id: r.id, uuid: r.config.uuid, state: r.state, vcpus: r.config.vcpus,
      memoryMiB: r.config.memory, maxMemMiB: r.config.maxmem, cpuTimeSec: r.cpuTimeSec, host: r.host,
      persistent: true, autostart: r.autostart, config: r.config,
      cpuPercent: r.id === undefined ? 0 : r.cpuPercent, mips: r.id === undefined ? 0 : r.mips, instructions: r.id === undefined ? 0 : r.instructions,
    }));
  }

  images(): ImageInfo[] {
    return this.imageList;
  }

  /** Test setup: a domain in a given state without going through the commands. */
  add(config: XlConfig, state: DomainState = 'shut off', extra: Partial<Rec> = {}): void {
    const live = state !== 'shut off';
    this.recs.set(config.name, { config, state, id: live ? this.nextId++ : undefined, host: this.placement, cpuTimeSec: 0, autostart: false, ...IDLE, ...extra });
  }

  async define(config: XlConfig): Promise<void> {
    this.calls.push(`define ${config.name}`);
    const old = this.recs.get(config.name);
    if (old && old.config.uuid !== config.uuid) throw dom0Errors.exists(config.name, old.config.uuid);
    if (config.vcpus !== 1) throw dom0Errors.unsupported(`${config.vcpus} vCPUs: this lab runs 1 vCPU per domain`);
    if (config.image !== undefined && !this.imageList.some((i) => i.name === config.image)) throw dom0Errors.unsupported(`no image named '${config.image}'`);
    if (old) old.config = config;
    else this.recs.set(config.name, { config, state: 'shut off', id: undefined, host: this.placement, cpuTimeSec: 0, autostart: false, ...IDLE });
  }

  async undefine(name: string): Promise<void> {
    this.calls.push(`undefine ${name}`);
    const r = this.rec(name);
    if (r.id !== undefined) throw dom0Errors.cannotUndefineActive();
    this.recs.delete(name);
  }

  async start(name: string, { paused = false }: { paused?: boolean } = {}): Promise<void> {
    this.calls.push(paused ? `start --paused ${name}` : `start ${name}`);
    const r = this.rec(name);
    if (r.id !== undefined) throw dom0Errors.alreadyRunning();
    const free = this.free(r.host);
    if (r.config.memory > free) throw dom0Errors.insufficientMemory(r.host, r.config.memory, free);
    if (this.startGate) await this.startGate;
    r.id = this.nextId++;
    r.state = paused ? 'paused' : 'running';
  }

  async shutdown(name: string): Promise<ShutdownOutcome> {
    this.calls.push(`shutdown ${name}`);
    const r = this.live(name);
    if (this.stubborn.has(name)) return 'ignored';
    this.stop(r);
    return 'requested';
  }

  async reboot(name: string): Promise<ShutdownOutcome> {
    this.calls.push(`reboot ${name}`);
    this.live(name);
    return this.stubborn.has(name) ? 'ignored' : 'requested';
  }

  async reset(name: string): Promise<void> {
    this.calls.push(`reset ${name}`);
    this.live(name);
  }

  async migrate(name: string, host: string): Promise<void> {
    this.calls.push(`migrate ${name} ${host}`);
    this.live(name).host = host;
  }

  jobInfo(): JobInfo | undefined {
    return undefined;
  }

  async abortJob(): Promise<void> {
    throw dom0Errors.noJob();
  }

  async setMaxDowntime(name: string, ms: number): Promise<void> {
    this.calls.push(`setMaxDowntime ${name} ${ms}`);
  }

  async save(name: string, { state }: { state?: 'running' | 'paused' } = {}): Promise<Uint8Array> {
    this.calls.push(state ? `save --${state} ${name}` : `save ${name}`);
    this.stop(this.live(name));
    return new TextEncoder().encode(name);
  }

  async restore(bytes: Uint8Array, { paused = false }: { paused?: boolean } = {}): Promise<string> {
    const name = new TextDecoder().decode(bytes);
    this.calls.push(paused ? `restore --paused ${name}` : `restore ${name}`);
    await this.start(name, { paused });
    return name;
  }

  async destroy(name: string): Promise<void> {
    this.calls.push(`destroy ${name}`);
    this.stop(this.live(name));
  }

  async suspend(name: string): Promise<void> {
    this.calls.push(`suspend ${name}`);
    const r = this.live(name);
    if (r.state === 'paused') throw dom0Errors.busy(name, 'already paused');
    r.state = 'paused';
  }

  async resume(name: string): Promise<void> {
    this.calls.push(`resume ${name}`);
    const r = this.live(name);
    if (r.state !== 'paused') throw dom0Errors.notPaused();
    r.state = 'running';
  }

  async setAutostart(name: string, on: boolean): Promise<void> {
    this.rec(name).autostart = on;
  }

  async attachConsole(name: string): Promise<void> {
    this.live(name);
    this.consoles.push(name);
  }

  private free(host: string): number {
    const h = this.hostList.find((x) => x.name === host)!;
    let used = 0;
    for (const r of this.recs.values()) if (r.host === host && r.id !== undefined) used += r.config.memory;
    return h.memoryMiB - used;
  }

  private rec(name: string): Rec {
    const r = this.recs.get(name);
    if (!r) throw dom0Errors.noDomain(name);
    return r;
  }

  private live(name: string): Rec {
    const r = this.rec(name);
    if (r.id === undefined) throw dom0Errors.notRunning();
    return r;
  }

  private stop(r: Rec): void {
    r.id = undefined;
    r.state = 'shut off';
    r.cpuTimeSec = 0;
    Object.assign(r, IDLE);
  }
}
