/**
 * The dom0 console's view of the lab: `Dom0Host` (dom0/api.ts) over a `Lab`. Every call is one
 * Lab method, so virsh, xl and virt-install do exactly what the dashboard's buttons do, and the
 * dashboard (which watches lab.onChange) shows each dom0 step.
 */
import type { DefineResult, Dom0Host, DomainInfo, HostInfo, ImageInfo, JobInfo, MigrateOptions, ShutdownOutcome } from '../dom0/api.ts';
import { dom0Errors } from '../dom0/api.ts';
import type { XlConfig } from '../xen/xlcfg.ts';
import { bootPlanOf } from './domain.ts';
import type { Lab } from './lab.ts';

export interface LabDom0HostOptions {
  /** Show the domain's console (the dashboard brings its tab to the front). */
  attachConsole?: (name: string) => void;
}

export class LabDom0Host implements Dom0Host {
  /**
   * `lab` may be replaced (the page opens another lab, issue 7): the shell over this host then
   * drives the new one.
   */
  constructor(public lab: Lab, readonly opts: LabDom0HostOptions = {}) {}

  hosts(): readonly HostInfo[] {
    return this.lab.snapshot().hosts.map((h) => ({ name: h.name, cpus: h.cpus, memoryMiB: h.memoryMiB, freeMemoryMiB: h.memoryMiB - h.usedMemoryMiB }));
  }

  domains(): readonly DomainInfo[] {
    return this.lab.snapshot().domains.map((d): DomainInfo => ({
      name: d.name, id: d.id, uuid: d.uuid, state: d.state, vcpus: d.vcpus, memoryMiB: d.memoryMiB, maxMemMiB: d.maxMemMiB,
      cpuTimeSec: d.cpuTimeSec, host: d.host, persistent: d.persistent, autostart: d.autostart, config: d.config,
      // The sampler of a domain that stopped keeps its last figures: a domain without a domid shows none.
      cpuPercent: d.id === undefined ? 0 : d.metrics.cpuPercent,
      mips: d.id === undefined ? 0 : d.metrics.mips,
      instructions: d.id === undefined ? 0 : d.metrics.instructions,
      ...(d.task ? { task: d.task } : {}),
      ...(d.halted ? { halted: true } : {}),
    }));
  }

  images(): readonly ImageInfo[] {
    return (this.lab.catalog?.images ?? []).map((i) => ({ name: i.name, description: i.description, kind: i.kind, memoryMiB: i.memoryMiB }));
  }

  async define(config: XlConfig): Promise<DefineResult> {
    this.lab.define(config);
    const note = bootPlanOf(config).note;
    return { notes: note ? [note] : [] };
  }

  async undefine(name: string): Promise<void> { this.lab.undefine(name); }
  start(name: string, opts: { paused?: boolean } = {}): Promise<void> { return this.lab.start(name, opts); }
  shutdown(name: string): Promise<ShutdownOutcome> { return this.lab.shutdown(name); }
  reboot(name: string): Promise<ShutdownOutcome> { return this.lab.reboot(name); }
  reset(name: string): Promise<void> { return this.lab.reset(name); }
  async destroy(name: string): Promise<void> { this.lab.destroy(name); }
  suspend(name: string): Promise<void> { return this.lab.pause(name); }
  resume(name: string): Promise<void> { return this.lab.resume(name); }
  async setAutostart(name: string, on: boolean): Promise<void> { this.lab.setAutostart(name, on); }

  async attachConsole(name: string): Promise<void> {
    const d = this.lab.snapshot().domains.find((x) => x.name === name);
    if (!d) throw dom0Errors.noDomain(name);
    if (d.id === undefined) throw dom0Errors.notRunning();
    if (!this.opts.attachConsole) throw dom0Errors.internal('there is no dashboard to show the console in');
    this.opts.attachConsole(name);
  }

  migrate(name: string, host: string, opts: MigrateOptions = {}): Promise<void> { return this.lab.migrate(name, host, opts); }
  jobInfo(name: string): JobInfo | undefined { return this.lab.jobInfo(name); }
  async abortJob(name: string): Promise<void> { this.lab.abortJob(name); }
  async setMaxDowntime(name: string, ms: number): Promise<void> { this.lab.setMaxDowntime(name, ms); }
  save(name: string, opts: { state?: 'running' | 'paused' } = {}): Promise<Uint8Array> { return this.lab.save(name, opts); }
  restore(stream: Uint8Array, opts: { paused?: boolean } = {}): Promise<string> { return this.lab.restore(stream, opts); }
}
