/**
 * The lab: hosts, the domains placed on them and their lifecycle, the way a libvirt connection
 * shows them (DESIGN.md §5). Each domain has an xl.cfg configuration (XlConfig). The dashboard
 * reads `snapshot()` and calls the operations; the dom0 console (virsh, xl, virt-install) drives
 * the same methods through LabDom0Host (dom0-host.ts). What runs a VM is behind `VmLauncher`.
 *
 * README.md (this folder) lists the API other parts rely on and the decisions: domids, policies,
 * preserved states, boot of pygrub configs, admission.
 */
import { MiB } from '../machine/board.ts';
import type { ImageSource, LoadProgress } from '../images/download.ts';
import type { Catalog } from '../images/catalog.ts';
import type { BootImages, VmExit } from '../vm.ts';
import type { MigrationInfo } from '../migration/precopy.ts';
import { DEFAULT_LINK, MAX_BANDWIDTH_BPS, MAX_LATENCY_MS, MIN_BANDWIDTH_BPS, type LinkModel } from '../migration/link.ts';
import { StreamReader, type MigrationHeader } from '../migration/stream.ts';
import { dom0Errors, Dom0Error, type ShutdownOutcome } from '../dom0/api.ts';
import { parseXlCfg, serializeXlCfg, XlCfgError, DOMAIN_NAME, type LifecycleAction, type XlConfig } from '../xen/xlcfg.ts';
import type { GuestRequest, MigrationJob, RunningVm, VmEvent, VmLauncher, VmSink } from './backend.ts';
import { ConsoleLog, type Disposable } from './console-log.ts';
import { bootPlanOf, checkVcpus, fileNames, LabError, type BootPlan, type DomainState, type DomainTask } from './domain.ts';
import { DEFAULT_HOSTS, type HostConfig } from './host.ts';
import { MetricsSampler, type Metrics } from './metrics.ts';

export type { DomainState, DomainTask } from './domain.ts';

export interface HostSnapshot extends HostConfig {
  /** Memory of the domains that hold some on this host (running, paused, preserved, starting, arriving). */
  readonly usedMemoryMiB: number;
  readonly usedVcpus: number;
  /** Names of the domains placed on this host, in creation order. */
  readonly domains: readonly string[];
}

export interface DomainSnapshot {
  readonly name: string;
  readonly uuid: string;
  readonly host: string;
  readonly autostart: boolean;
  /** False for a transient domain (the renamed one a rename-restart leaves): it goes when destroyed. */
  readonly persistent: boolean;
  /** The persistent configuration: what the next start uses. */
  readonly config: XlConfig;
  /** Xen's domid while the domain exists on a host; undefined when shut off. */
  readonly id: number | undefined;
  readonly state: DomainState;
  readonly task?: DomainTask;
  /** The guest stopped and its halted VM is kept (on_* = preserve): only destroy applies. */
  readonly halted: boolean;
  /** Why the last operation failed or the domain crashed, for a person to read. */
  readonly error?: string;
  /** Something worth knowing that is not a failure (a shutdown request was ignored, a policy applied). */
  readonly notice?: string;
  /** The catalog image it boots (or runs). */
  readonly image: string;
  /** Of the running instance when there is one, else of the config. */
  readonly memoryMiB: number;
  readonly maxMemMiB: number;
  readonly vcpus: number;
  /** Guest CPU time of the running instance, seconds. */
  readonly cpuTimeSec: number;
  readonly metrics: Metrics;
  /** While migrating: where to, and how far. */
  readonly migration?: { readonly target: string; readonly info: MigrationInfo };
}

/** The link model between two hosts (DESIGN.md §6): what a migration between them is paced to. */
export interface LinkSnapshot extends LinkModel {
  /** The two hosts, in the lab's host order. */
  readonly hosts: readonly [string, string];
}

export interface LabSnapshot {
  readonly hosts: readonly HostSnapshot[];
  readonly domains: readonly DomainSnapshot[];
  /** Every pair of hosts, in host order (host1 ↔ host2, host1 ↔ host3, host2 ↔ host3, …). */
  readonly links: readonly LinkSnapshot[];
}

/** What changed (README.md: which kinds to persist on). */
export type LabChange = 'definition' | 'state' | 'metrics';

export interface DefineOptions {
  /** The host to place a new domain on (default: the one with the most free memory). */
  readonly host?: string;
  readonly autostart?: boolean;
}

export interface StartOptions {
  /** Hold the vCPU before its first instruction: the domain starts paused. */
  readonly paused?: boolean;
  /** The image's download, if it is not in the cache yet. */
  readonly onProgress?: (p: LoadProgress) => void;
}

export interface MigrateOptions {
  readonly bandwidthBps?: number;
  readonly latencyMs?: number;
  readonly maxDowntimeMs?: number;
}

export interface JobSnapshot {
  readonly active: boolean;
  /** The host the domain left (or is leaving). */
  readonly source: string;
  readonly target: string;
  readonly info: MigrationInfo;
}

/** A change to the link between two hosts; what is left out stays as it is. */
export interface LinkChange {
  readonly bandwidthBps?: number;
  readonly latencyMs?: number;
}

/** A VM whose counters do not answer for this long is declared crashed and stopped. */
export const WATCHDOG_MS = 10_000;
/** How long a guest has to acknowledge a shutdown or reboot request. */
export const SHUTDOWN_GRACE_MS = 5_000;
/** More restarts than this within RESTART_WINDOW_MS stop the domain instead (a guest crashing at boot). */
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 10_000;
/** The longest one-way latency a link may be given, ms (migration/link.ts, with the bandwidth's bounds). */
export { MAX_LATENCY_MS };
/** QEMU's and libvirt's default downtime limit. */
export const DEFAULT_MAX_DOWNTIME_MS = 300;
/** Over this share of a sample asleep in WFI, a running domain shows as idle. */
const IDLE_SHARE = 0.9;

/** A domain as it exists on a host: a domid, the config it was started with, and (once booted) its VM. */
interface Instance {
  owner: DomainRecord;
  id: number;
  readonly config: XlConfig;
  readonly image: string;
  vm?: RunningVm;
  /** The guest stopped and the VM is kept halted (on_* = preserve, or the renamed half of rename-restart). */
  halted?: boolean;
  cpuMs: number;
}

interface Migration {
  readonly source: string;
  readonly target: string;
  readonly job: MigrationJob;
  readonly dest: Instance;
  /** Events the destination sent before it took over, replayed once it has. */
  readonly pending: VmEvent[];
}

interface DomainRecord {
  name: string;
  config: XlConfig;
  host: string;
  autostart: boolean;
  persistent: boolean;
  state: DomainState;
  task?: DomainTask;
  error?: string;
  notice?: string;
  inst?: Instance;
  /** Bumped whenever the domain's lifecycle takes a turn, so an operation that awaited knows it is stale. */
  run: number;
  console: ConsoleLog;
  sampler: MetricsSampler;
  /** When the counters call in flight was made (the watchdog looks at it). */
  sampling?: number;
  migration?: Migration;
  lastJob?: JobSnapshot;
  maxDowntimeMs?: number;
  restarts: number[];
}

export interface LabOptions {
  launcher: VmLauncher;
  images: ImageSource;
  hosts?: readonly HostConfig[];
  now?: () => number;
  /** How long a guest has to acknowledge shutdown / reboot requests (default SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
}

export class Lab {
  readonly hosts: readonly HostConfig[];
  readonly shutdownGraceMs: number;
  private readonly domains = new Map<string, DomainRecord>();
  private readonly listeners = new Set<(kind: LabChange) => void>();
  private readonly launcher: VmLauncher;
  private readonly images: ImageSource;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextId = 1;
  private catalogValue: Catalog | undefined;
  /** Links set away from DEFAULT_LINK, by linkKey(a, b). */
  private readonly links = new Map<string, LinkModel>();

  constructor(opts: LabOptions) {
    this.hosts = opts.hosts ?? DEFAULT_HOSTS;
    this.launcher = opts.launcher;
    this.images = opts.images;
    this.now = opts.now ?? (() => performance.now());
    this.shutdownGraceMs = opts.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
    void this.loadCatalog();
  }

  /** The image catalog once loaded (define checks image names against it then). */
  get catalog(): Catalog | undefined { return this.catalogValue; }

  async loadCatalog(): Promise<Catalog | undefined> {
    try {
      this.catalogValue = await this.images.catalog();
      this.changed('state');
    } catch {
      // The dashboard reports catalog problems; start() reports them per domain.
    }
    return this.catalogValue;
  }

  /** Be told after every change (definitions, states, metrics; see LabChange). */
  onChange(listener: (kind: LabChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): LabSnapshot {
    const domains = [...this.domains.values()].map((d) => this.domainSnapshot(d));
    const hosts = this.hosts.map((h): HostSnapshot => {
      const used = this.used(h.name);
      return { ...h, usedMemoryMiB: used.memory, usedVcpus: used.vcpus, domains: domains.filter((d) => d.host === h.name).map((d) => d.name) };
    });
    const links: LinkSnapshot[] = [];
    this.hosts.forEach((a, i) => {
      for (const b of this.hosts.slice(i + 1)) links.push({ hosts: [a.name, b.name], ...this.link(a.name, b.name) });
    });
    return { hosts, domains, links };
  }

  private domainSnapshot(d: DomainRecord): DomainSnapshot {
    const live = d.inst?.config ?? d.config;
    return {
      name: d.name, uuid: d.config.uuid, host: d.host, autostart: d.autostart, persistent: d.persistent, config: d.config,
      id: d.inst?.id, state: d.state, task: d.task, halted: d.inst?.halted === true, error: d.error, notice: d.notice,
      image: d.inst?.image ?? imageOf(d.config),
      memoryMiB: live.memory, maxMemMiB: live.maxmem, vcpus: live.vcpus,
      cpuTimeSec: (d.inst?.cpuMs ?? 0) / 1000,
      metrics: d.sampler.metrics,
      ...(d.migration ? { migration: { target: d.migration.target, info: d.migration.job.info } } : {}),
    };
  }

  // ---- definitions ---------------------------------------------------------------------------

  /**
   * Throw (a Dom0Error with libvirt's wording) if `config` could not be defined: an invalid name,
   * what the lab cannot run (vCPUs, boot), an unknown host or image, more memory than the host has,
   * a name or UUID taken by a different domain.
   */
  check(config: XlConfig, opts: DefineOptions = {}): void {
    if (!DOMAIN_NAME.test(config.name)) throw new LabError(`"${config.name}" is not a valid name: use up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit`, 'config-invalid');
    checkVcpus(config.vcpus);
    const plan = bootPlanOf(config);
    const catalog = this.catalogValue;
    if (catalog && !catalog.images.some((i) => i.name === plan.image)) {
      throw dom0Errors.unsupported(`no image named '${plan.image}' (available: ${catalog.images.map((i) => i.name).join(', ')})`);
    }
    const old = this.domains.get(config.name);
    if (old && old.config.uuid !== config.uuid) throw dom0Errors.exists(config.name, old.config.uuid);
    for (const other of this.domains.values()) {
      if (other !== old && other.config.uuid === config.uuid) throw dom0Errors.exists(other.name, config.uuid);
    }
    const hostName = opts.host ?? old?.host ?? this.roomiest();
    const host = this.host(hostName);
    if (old && opts.host !== undefined && opts.host !== old.host && this.holds(old)) {
      throw new LabError(`Requested operation is not valid: ${config.name} runs on ${old.host}; migrate it to move it`, 'operation-invalid');
    }
    if (config.memory > host.memoryMiB) throw dom0Errors.unsupported(`${config.name} needs ${config.memory} MiB but ${host.name} has only ${host.memoryMiB} MiB`);
    if (config.vcpus > host.cpus) throw dom0Errors.unsupported(`${config.name} has ${config.vcpus} vCPUs but ${host.name} has ${host.cpus} CPUs`);
  }

  /**
   * Define a domain, shut off; or replace the config of the one of that name (same UUID): a
   * running domain keeps running as it is and uses the new config at its next start.
   */
  define(config: XlConfig, opts: DefineOptions = {}): void {
    this.check(config, opts);
    const old = this.domains.get(config.name);
    if (old) {
      old.config = config;
      if (opts.host !== undefined) old.host = opts.host;
      if (opts.autostart !== undefined) old.autostart = opts.autostart;
      old.persistent = true;
    } else {
      this.domains.set(config.name, {
        name: config.name, config, host: opts.host ?? this.roomiest(), autostart: opts.autostart ?? false, persistent: true,
        state: 'shut off', run: 0, console: new ConsoleLog(), sampler: new MetricsSampler(), restarts: [],
      });
    }
    this.changed('definition');
  }

  /** Remove a domain that is not running. */
  undefine(name: string): void {
    const d = this.domain(name);
    if (this.holds(d) || d.task) throw dom0Errors.cannotUndefineActive();
    this.domains.delete(name);
    this.changed('definition');
  }

  setAutostart(name: string, on: boolean): void {
    const d = this.domain(name);
    if (!d.persistent) throw new LabError('Requested operation is not valid: cannot set autostart for transient domain', 'operation-invalid');
    d.autostart = on;
    this.changed('definition');
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * Boot a shut-off (or crashed) domain on its host, downloading its image if needed. `paused`:
   * build and load it but hold its vCPU before the first instruction (xl create -p).
   */
  async start(name: string, { paused = false, onProgress }: StartOptions = {}): Promise<void> {
    const d = this.domain(name);
    if (d.task) throw dom0Errors.busy(name, d.task);
    if (d.inst) throw dom0Errors.alreadyRunning();
    const plan = bootPlanOf(d.config);
    this.admit(d.host, d.config.memory, d.config.vcpus, d);
    const run = ++d.run;
    const inst = this.instance(d, d.config, plan.image);
    d.inst = inst;
    d.task = 'starting';
    d.error = undefined;
    d.notice = plan.note;
    d.sampler = new MetricsSampler();
    this.changed('state');
    try {
      const boot = await this.bootImages(plan, onProgress);
      if (d.run !== run) return; // destroyed while downloading
      const vm = await this.launcher.launch({ name, ramBytes: d.config.memory * MiB, harts: d.config.vcpus, boot, paused }, this.sink(inst));
      if (d.run !== run || d.inst !== inst) { vm.destroy(); return; }
      inst.vm = vm;
      d.state = paused ? 'paused' : 'running';
      d.task = undefined;
      this.changed('state');
    } catch (e) {
      if (d.run !== run) return;
      d.inst = undefined;
      d.task = undefined;
      d.state = 'shut off';
      throw this.fail(d, `${name} did not start: ${(e as Error).message}`);
    }
  }

  /** Pause the vCPU (virsh suspend, xl pause); pausing a paused domain does nothing. */
  async pause(name: string): Promise<void> {
    const d = this.domain(name);
    if (d.state === 'paused' && !d.task && d.inst?.vm) return;
    await this.control(d, 'pausing', (vm) => vm.pause(), 'paused', ['running', 'idle']);
  }

  async resume(name: string): Promise<void> {
    const d = this.domain(name);
    if (d.inst?.vm && !d.inst.halted && !d.task && d.state !== 'paused') throw dom0Errors.notPaused();
    await this.control(d, 'resuming', (vm) => vm.resume(), 'running', ['paused']);
  }

  /** Reset the machine at once (virsh reset): a new domid, as any restart. */
  async reset(name: string): Promise<void> {
    const d = this.domain(name);
    const inst = d.inst;
    await this.control(d, 'rebooting', (vm) => { if (inst) inst.id = this.nextId++; return vm.reboot(); }, 'running', ['running', 'idle', 'paused', 'in shutdown']);
    if (inst) inst.cpuMs = 0;
  }

  /**
   * Ask the guest to power off (virsh shutdown, the dashboard's Shut down): `requested` — it
   * acknowledged and the domain is `in shutdown` until it stops, when on_poweroff applies;
   * `ignored` — no answer within the grace period: it keeps running (the notice says so).
   */
  shutdown(name: string): Promise<ShutdownOutcome> {
    return this.request(name, 'poweroff');
  }

  /** Ask the guest to reboot (virsh reboot): as shutdown; on_reboot applies when it stops. */
  reboot(name: string): Promise<ShutdownOutcome> {
    return this.request(name, 'reboot');
  }

  private async request(name: string, kind: GuestRequest): Promise<ShutdownOutcome> {
    const d = this.domain(name);
    if (d.task) throw dom0Errors.busy(name, d.task);
    const inst = d.inst;
    if (!inst?.vm || inst.halted) throw dom0Errors.notRunning();
    if (d.state === 'paused') throw dom0Errors.isPaused();
    const run = d.run;
    d.task = kind === 'poweroff' ? 'shutting down' : 'rebooting';
    d.notice = undefined;
    d.error = undefined;
    this.changed('state');
    let acked: boolean;
    try {
      acked = await inst.vm.requestShutdown(kind, this.shutdownGraceMs);
    } catch (e) {
      if (d.run !== run) return 'requested';
      d.task = undefined;
      throw this.fail(d, `${name}: the ${kind === 'poweroff' ? 'shutdown' : 'reboot'} request failed: ${(e as Error).message}`);
    }
    // The guest may have stopped already (its exit event came first): the policy took over.
    if (d.run !== run || d.inst !== inst) return 'requested';
    d.task = undefined;
    if (acked) {
      if (kind === 'poweroff') d.state = 'in shutdown';
      this.changed('state');
      return 'requested';
    }
    const secs = this.shutdownGraceMs / 1000;
    d.notice = kind === 'poweroff'
      ? `${name} did not respond to the shutdown request within ${secs} s: it is still running (Destroy forces it off)`
      : `${name} did not respond to the reboot request within ${secs} s: it is still running (Reset forces a reboot)`;
    this.changed('state');
    return 'ignored';
  }

  /** Pull the plug: stop at once, whatever the VM is doing (also while it starts or migrates). */
  destroy(name: string): void {
    const d = this.domain(name);
    if (!this.holds(d)) throw dom0Errors.notRunning();
    d.notice = undefined;
    this.release(d, 'shut off');
  }

  consoleLog(name: string): ConsoleLog {
    return this.domain(name).console;
  }

  /** Bytes typed at the domain's console (kept by the VM's UART while it is paused). */
  consoleInput(name: string, bytes: Uint8Array): void {
    const inst = this.domain(name).inst;
    if (inst && !inst.halted) inst.vm?.consoleInput(bytes);
  }

  /** The running domain's shared memory: the hypervisor's view of the same buffer the VM runs on. */
  memory(name: string): WebAssembly.Memory | undefined {
    return this.domain(name).inst?.vm?.memory;
  }

  // ---- migration, save, restore -------------------------------------------------------------

  /**
   * Live-migrate a running domain to `target`: admission there first, then pre-copy through the
   * launcher. Resolves once it runs on the target (a new domid there); rejects if it failed or was
   * aborted, and it then runs on where it was.
   */
  async migrate(name: string, target: string, opts: MigrateOptions = {}): Promise<void> {
    const d = this.domain(name);
    this.checkMigration(d, target);
    const inst = d.inst!;
    const source = d.host;
    // Its domid is given when it runs on the target (Xen builds the domain there then).
    const dest: Instance = { owner: d, id: 0, config: inst.config, image: inst.image, cpuMs: 0 };
    const pending: VmEvent[] = [];
    const sink: VmSink = {
      output: (bytes, resting) => { if (d.migration?.dest === dest || d.inst === dest) d.console.append(bytes, resting); },
      event: (e) => {
        if (d.inst === dest) this.onVmEvent(d, dest, e);
        else if (d.migration?.dest === dest) pending.push(e);
      },
    };
    const maxDowntimeMs = opts.maxDowntimeMs ?? d.maxDowntimeMs ?? DEFAULT_MAX_DOWNTIME_MS;
    // The link between the two hosts, unless this migration says otherwise (virsh migrate --bandwidth).
    const link = this.link(source, target);
    const job = this.launcher.migrate(inst.vm!, {
      name, domain: serializeXlCfg(inst.config),
      bandwidthBps: opts.bandwidthBps ?? link.bandwidthBps,
      latencyMs: opts.latencyMs ?? link.latencyMs,
      maxDowntimeMs,
    }, sink);
    const migration: Migration = { source, target, job, dest, pending };
    d.migration = migration;
    d.task = 'migrating';
    d.error = undefined;
    d.notice = undefined;
    this.changed('state');
    const progress = job.on(() => this.changed('state'));
    try {
      const vm = await job.done;
      if (d.migration !== migration) { vm.destroy(); return; } // destroyed meanwhile
      d.run++;
      dest.vm = vm;
      dest.id = this.nextId++;
      d.inst = dest;
      d.host = target;
      d.task = undefined;
      d.migration = undefined;
      d.sampling = undefined;
      d.lastJob = { active: false, source, target, info: job.info };
      d.sampler = new MetricsSampler();
      this.changed('definition');
      for (const e of pending.splice(0)) if (d.inst === dest) this.onVmEvent(d, dest, e);
    } catch (e) {
      if (d.migration !== migration) throw dom0Errors.migrationFailed('the domain was destroyed');
      d.migration = undefined;
      d.task = undefined;
      d.lastJob = { active: false, source, target, info: job.info };
      const why = (e as Error).message;
      d.error = `migration to ${target} failed: ${why}; ${name} still runs on ${d.host}`;
      this.changed('state');
      throw dom0Errors.migrationFailed(why);
    } finally {
      progress.dispose();
    }
  }

  /** The running migration, or the last one that ended (virsh domjobinfo [--completed]). */
  jobInfo(name: string): JobSnapshot | undefined {
    const d = this.domain(name);
    if (d.migration) return { active: true, source: d.migration.source, target: d.migration.target, info: d.migration.job.info };
    return d.lastJob;
  }

  /**
   * Why `name` cannot be live-migrated to `target` now (in the words migrate() would throw), or
   * undefined if it can: the dashboard shows it on a host a VM card is dragged over.
   */
  migrationBlocker(name: string, target: string): string | undefined {
    try {
      this.checkMigration(this.domain(name), target);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** The link model between two hosts (the same both ways; DEFAULT_LINK until set). */
  link(a: string, b: string): LinkModel {
    this.host(a);
    this.host(b);
    if (a === b) throw new LabError(`invalid argument: a link joins two different hosts (got ${a} twice)`, 'operation-invalid');
    return this.links.get(linkKey(a, b)) ?? DEFAULT_LINK;
  }

  /**
   * Change the link between two hosts: the bandwidth applies at once to the migrations running
   * between them (either way), the latency from the next migration (it belongs to the transport).
   */
  setLink(a: string, b: string, change: LinkChange): void {
    const old = this.link(a, b);
    const bandwidthBps = change.bandwidthBps ?? old.bandwidthBps;
    const latencyMs = change.latencyMs ?? old.latencyMs;
    if (!(bandwidthBps >= MIN_BANDWIDTH_BPS && bandwidthBps <= MAX_BANDWIDTH_BPS)) {
      throw new LabError(`invalid argument: link bandwidth must be ${MIN_BANDWIDTH_BPS / 1e6} Mbit/s .. ${MAX_BANDWIDTH_BPS / 1e9} Gbit/s (got ${bandwidthBps} bit/s)`, 'operation-invalid');
    }
    if (!(latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS)) {
      throw new LabError(`invalid argument: link latency must be 0 .. ${MAX_LATENCY_MS} ms (got ${latencyMs})`, 'operation-invalid');
    }
    this.links.set(linkKey(a, b), { bandwidthBps, latencyMs });
    if (change.bandwidthBps !== undefined) {
      for (const d of this.domains.values()) {
        const m = d.migration;
        if (m && linkKey(m.source, m.target) === linkKey(a, b)) m.job.setBandwidth(bandwidthBps);
      }
    }
    // Part of the lab's definition: a Labfile keeps the links (a teacher's slow link travels with the lab).
    this.changed('definition');
  }

  /** virsh domjobabort: the migration stops and the domain runs on where it was. */
  abortJob(name: string): void {
    const d = this.domain(name);
    if (!d.migration) throw dom0Errors.noJob();
    if (!d.migration.job.cancel()) throw dom0Errors.jobFinal();
  }

  /** The downtime limit of the running migration, and of the next ones of this domain. */
  setMaxDowntime(name: string, ms: number): void {
    const d = this.domain(name);
    if (!Number.isFinite(ms) || ms <= 0) throw new LabError(`invalid argument: downtime must be a positive number of ms (got ${ms})`, 'operation-invalid');
    d.maxDowntimeMs = ms;
    d.migration?.job.setMaxDowntime(ms);
    this.changed('state');
  }

  /**
   * virsh save: pause, write the whole machine as a save stream (the domain's xl.cfg in its
   * header), then release the VM: the domain is shut off. The caller keeps the bytes.
   */
  /**
   * virsh save: write the domain as a save stream and shut it off. The stream records the state
   * to restore it in: `state` if given (virsh save --running / --paused), else paused if it is.
   */
  async save(name: string, { state }: { state?: 'running' | 'paused' } = {}): Promise<Uint8Array> {
    const d = this.domain(name);
    if (d.task) throw dom0Errors.busy(name, d.task);
    const inst = d.inst;
    if (!inst?.vm || inst.halted) throw dom0Errors.notRunning();
    const run = d.run;
    d.task = 'saving';
    d.notice = undefined;
    this.changed('state');
    let bytes: Uint8Array;
    try {
      bytes = await inst.vm.save(serializeXlCfg(inst.config), (state ?? (d.state === 'paused' ? 'paused' : 'running')) === 'paused');
    } catch (e) {
      if (d.run !== run) throw dom0Errors.internal('the domain went away while it was saved');
      d.task = undefined;
      throw this.fail(d, `${name}: save failed: ${(e as Error).message}`);
    }
    if (d.run !== run) throw dom0Errors.internal('the domain went away while it was saved');
    this.release(d, 'shut off');
    return bytes;
  }

  /**
   * virsh restore: the domain named in the stream's header runs again where it was saved (its host
   * if defined, else the roomiest; defined from the header's config if it was not), running or
   * held paused as the stream recorded, unless `paused` says (virsh restore --running / --paused,
   * xl restore [-p]). Resolves with its name.
   */
  async restore(stream: Uint8Array, opts: { paused?: boolean } = {}): Promise<string> {
    const header = readHeader(stream);
    const paused = opts.paused ?? header.paused === true;
    if (header.kind !== 'save') throw dom0Errors.internal('this is a live migration stream, not a save file');
    if (typeof header.domain !== 'string') throw dom0Errors.internal('the save file does not say which domain it holds');
    let config: XlConfig;
    try {
      config = parseXlCfg(header.domain).config;
    } catch (e) {
      throw dom0Errors.internal(`the save file's domain config is not valid: ${e instanceof XlCfgError ? e.message : String(e)}`);
    }
    const name = config.name;
    let d = this.domains.get(name);
    if (d && (this.holds(d) || d.task)) throw dom0Errors.alreadyActive(name);
    if (d && d.config.uuid !== config.uuid) throw dom0Errors.exists(name, d.config.uuid);
    const memory = header.machine.ramBytes / MiB;
    this.admit(d?.host ?? this.roomiest(), memory, header.machine.harts, d);
    if (!d) {
      this.define(config);
      d = this.domain(name);
    }
    const run = ++d.run;
    const inst = this.instance(d, { ...config, memory, maxmem: Math.max(memory, config.maxmem) }, imageOf(config));
    d.inst = inst;
    d.task = 'restoring';
    d.error = undefined;
    d.notice = undefined;
    d.sampler = new MetricsSampler();
    this.changed('state');
    try {
      // What a later reboot of the restored VM boots (a save stream does not carry the images).
      const boot = await (async () => this.bootImages(bootPlanOf(config)))().catch(() => undefined);
      if (d.run !== run) throw dom0Errors.internal('the domain was destroyed while it was restored');
      const vm = await this.launcher.restore(stream, name, this.sink(inst), { boot, paused });
      if (d.run !== run || d.inst !== inst) { vm.destroy(); throw dom0Errors.internal('the domain was destroyed while it was restored'); }
      inst.vm = vm;
      d.state = paused ? 'paused' : 'running';
      d.task = undefined;
      this.changed('state');
      return name;
    } catch (e) {
      if (d.run !== run) throw e;
      d.inst = undefined;
      d.task = undefined;
      d.state = 'shut off';
      throw this.fail(d, `${name} was not restored: ${(e as Error).message}`);
    }
  }

  // ---- metrics ------------------------------------------------------------------------------

  /** Sample every running domain's counters now (MIPS, CPU %, idle) and run the watchdog. */
  async sample(): Promise<void> {
    const jobs = [...this.domains.values()].map(async (d) => {
      const inst = d.inst;
      const vm = inst?.vm;
      // A task (starting, saving, rebooting…) holds the VM: no sample, no watchdog. A migration's
      // source runs on throughout, and its card shows that (auto-converge's throttle too); the
      // migration's own timeouts, not the watchdog, deal with a worker that stops answering then.
      const migrating = d.task === 'migrating';
      if (!inst || !vm || inst.halted || (d.task && !migrating)) return;
      if (d.sampling !== undefined) {
        if (!migrating && this.now() - d.sampling > WATCHDOG_MS) {
          d.error = `${d.name} stopped answering for ${WATCHDOG_MS / 1000} s and was stopped`;
          this.release(d, 'crashed');
        }
        return;
      }
      const run = d.run;
      d.sampling = this.now();
      try {
        const c = await vm.counters();
        if (d.run !== run || d.inst !== inst || inst.vm !== vm) return;
        const m = d.sampler.add(c);
        inst.cpuMs = c.busyMs;
        if (c.state === 'paused' && d.state !== 'in shutdown') d.state = 'paused';
        else if (c.state === 'running' && (d.state === 'running' || d.state === 'idle')) d.state = m.idleShare > IDLE_SHARE ? 'idle' : 'running';
      } catch {
        // The VM went away between the check and the answer: its events say why.
      } finally {
        if (d.run === run) d.sampling = undefined;
      }
    });
    await Promise.all(jobs);
    this.changed('metrics');
  }

  /** Sample every `ms` until dispose() (the page does this; tests call sample() themselves). */
  startSampling(ms = 1000): void {
    this.timer ??= setInterval(() => void this.sample(), ms);
  }

  /** Stop sampling and every VM. */
  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const d of [...this.domains.values()]) {
      if (d.migration) d.migration.job.cancel();
      if (this.holds(d)) this.release(d, 'shut off');
    }
  }

  freeMemoryMiB(hostName: string): number {
    return this.host(hostName).memoryMiB - this.used(hostName).memory;
  }

  freeCpus(hostName: string): number {
    return this.host(hostName).cpus - this.used(hostName).vcpus;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Throw what migrate() refuses with: no such host, busy, not running, same host, no room there. */
  private checkMigration(d: DomainRecord, target: string): void {
    if (!this.hosts.some((h) => h.name === target)) throw dom0Errors.noHost(target, this.hosts.map((h) => h.name));
    if (d.task) throw dom0Errors.busy(d.name, d.task);
    const inst = d.inst;
    if (!inst?.vm || inst.halted || (d.state !== 'running' && d.state !== 'idle')) {
      throw d.state === 'paused' ? dom0Errors.isPaused() : dom0Errors.notRunning();
    }
    if (target === d.host) throw dom0Errors.sameHost();
    this.admit(target, inst.config.memory, inst.config.vcpus);
  }

  /** Memory and vCPUs held on a host: domains with an instance there, and migrations arriving. */
  private used(hostName: string): { memory: number; vcpus: number } {
    let memory = 0;
    let vcpus = 0;
    for (const d of this.domains.values()) {
      if (d.inst && d.host === hostName) { memory += d.inst.config.memory; vcpus += d.inst.config.vcpus; }
      if (d.migration?.target === hostName) { memory += d.migration.dest.config.memory; vcpus += d.migration.dest.config.vcpus; }
    }
    return { memory, vcpus };
  }

  /** Admission: refuse, in libvirt's words, what does not fit on `hostName` now. */
  private admit(hostName: string, memory: number, vcpus: number, d?: DomainRecord): void {
    const host = this.host(hostName);
    const used = this.used(host.name);
    const free = host.memoryMiB - used.memory;
    if (memory > free) throw d ? this.fail(d, dom0Errors.insufficientMemory(host.name, memory, free)) : dom0Errors.insufficientMemory(host.name, memory, free);
    const cpus = host.cpus - used.vcpus;
    if (vcpus > cpus) throw d ? this.fail(d, dom0Errors.insufficientCpus(host.name, vcpus, cpus)) : dom0Errors.insufficientCpus(host.name, vcpus, cpus);
  }

  /** The host with the most free memory (the first of them on a tie). */
  private roomiest(): string {
    let best = this.hosts[0];
    for (const h of this.hosts) if (this.freeMemoryMiB(h.name) > this.freeMemoryMiB(best.name)) best = h;
    return best.name;
  }

  /** True while the domain exists on a host (has a domid): it holds memory and can be destroyed. */
  private holds(d: DomainRecord): boolean {
    return d.inst !== undefined;
  }

  private instance(owner: DomainRecord, config: XlConfig, image: string): Instance {
    return { owner, id: this.nextId++, config, image, cpuMs: 0 };
  }

  /** Where a VM's output and events go: to whichever domain owns the instance, while it does. */
  private sink(inst: Instance): VmSink {
    return {
      output: (bytes, resting) => { if (inst.owner.inst === inst) inst.owner.console.append(bytes, resting); },
      event: (e) => { if (inst.owner.inst === inst) this.onVmEvent(inst.owner, inst, e); },
    };
  }

  /** The image's files, as the boot plan takes them (kernel only, own command line, …). */
  private async bootImages(plan: BootPlan, onProgress?: (p: LoadProgress) => void): Promise<BootImages> {
    const files = await this.images.load(plan.image, onProgress);
    const image = files.image;
    if (plan.kernelFile !== undefined && !fileNames(image.files.kernel.path).includes(plan.kernelFile)) {
      throw new LabError(`kernel: image '${image.name}' has no file "${plan.kernelFile}" (its kernel is /images/${image.name}/${fileNames(image.files.kernel.path).at(-1)})`, 'config-invalid');
    }
    if (plan.initrdFile !== undefined && !(image.files.initrd && fileNames(image.files.initrd.path).includes(plan.initrdFile))) {
      throw new LabError(image.files.initrd
        ? `ramdisk: image '${image.name}' has no file "${plan.initrdFile}" (its initramfs is /images/${image.name}/${fileNames(image.files.initrd.path)[0]})`
        : `ramdisk: image '${image.name}' has no initramfs`, 'config-invalid');
    }
    const base = files.boot.append ?? '';
    const append = plan.cmdline ?? (plan.extra ? `${base} ${plan.extra}`.trim() : base);
    return { ...files.boot, initrd: plan.initrd ? files.boot.initrd : undefined, append };
  }

  /** Run one control operation on a live VM: `from` the states it makes sense in, `after` the state it leaves. */
  private async control(d: DomainRecord, task: DomainTask, op: (vm: RunningVm) => Promise<void>, after: DomainState, from: readonly DomainState[]): Promise<void> {
    if (d.task) throw dom0Errors.busy(d.name, d.task);
    const inst = d.inst;
    if (!inst?.vm || inst.halted) throw dom0Errors.notRunning();
    if (!from.includes(d.state)) throw d.state === 'paused' ? dom0Errors.isPaused() : dom0Errors.notPaused();
    const run = d.run;
    d.task = task;
    d.notice = undefined;
    this.changed('state');
    try {
      await op(inst.vm);
      if (d.run !== run) return;
      d.state = after;
    } catch (e) {
      if (d.run !== run) return;
      throw this.fail(d, `${d.name}: ${task} failed: ${(e as Error).message}`);
    } finally {
      if (d.run === run) { d.task = undefined; this.changed('state'); }
    }
  }

  private onVmEvent(d: DomainRecord, inst: Instance, e: VmEvent): void {
    if (e.kind === 'booted') return; // the RunningVm already exposes the new memory
    if (e.kind === 'crashed') {
      d.error = `${d.name} crashed: ${e.message}`;
      this.release(d, 'crashed');
      return;
    }
    this.onExit(d, inst, e.exit);
  }

  /** The guest stopped its machine: apply on_poweroff / on_reboot / on_crash. */
  private onExit(d: DomainRecord, inst: Instance, exit: VmExit): void {
    if (inst.halted) return;
    if (d.migration) { d.migration.job.cancel(); d.migration = undefined; }
    d.run++;
    d.task = undefined;
    d.sampling = undefined;
    const c = inst.config;
    const crash = exit.kind === 'crashed' || exit.kind === 'fail';
    const [key, action, what]: [string, LifecycleAction, string] =
      exit.kind === 'reboot' ? ['on_reboot', c.onReboot, 'rebooted']
        : crash ? ['on_crash', c.onCrash, exit.kind === 'fail' ? `stopped: the guest reported failure (code ${exit.code})` : 'crashed (guest kernel panic)']
          : ['on_poweroff', c.onPoweroff, 'powered off'];
    const why = `${d.name} ${what}`;
    switch (action) {
      case 'destroy':
        if (crash) d.error = `${why}; ${key} = destroy`;
        this.release(d, 'shut off');
        return;
      case 'preserve':
        this.preserve(d, inst, crash);
        d.notice = `${why}; kept as it stopped (${key} = preserve): Destroy releases it`;
        this.changed('state');
        return;
      case 'restart':
        if (crash) d.notice = `${why} and was restarted (${key} = restart)`;
        void this.restart(d, inst, why);
        return;
      case 'rename-restart':
        this.renameRestart(d, inst, crash, `${why} (${key} = rename-restart)`);
        return;
    }
  }

  private preserve(d: DomainRecord, inst: Instance, crash: boolean): void {
    inst.halted = true;
    d.state = crash ? 'crashed' : 'in shutdown';
  }

  /** Boot the same VM again with a new domid, unless it restarts too often. */
  private async restart(d: DomainRecord, inst: Instance, why: string): Promise<void> {
    const now = this.now();
    d.restarts = [...d.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (d.restarts.length > MAX_RESTARTS) {
      d.error = `${why}: restarted ${MAX_RESTARTS} times within ${RESTART_WINDOW_MS / 1000} s, so it was stopped`;
      d.notice = undefined;
      this.release(d, 'shut off');
      return;
    }
    const vm = inst.vm!;
    const run = d.run;
    inst.id = this.nextId++;
    inst.cpuMs = 0;
    d.task = 'rebooting';
    this.changed('state');
    try {
      await vm.reboot();
      if (d.run !== run || d.inst !== inst) return;
      d.state = 'running';
      d.task = undefined;
      d.sampler = new MetricsSampler();
      this.changed('state');
    } catch (e) {
      if (d.run !== run || d.inst !== inst) return;
      d.error = `${why} and could not be restarted: ${(e as Error).message}`;
      this.release(d, 'shut off');
    }
  }

  /** The stopped VM stays, preserved, as a transient domain NAME-ID; NAME starts afresh. */
  private renameRestart(d: DomainRecord, inst: Instance, crash: boolean, why: string): void {
    let kept = `${d.name}-${inst.id}`;
    for (let i = 2; this.domains.has(kept); i++) kept = `${d.name}-${inst.id}-${i}`;
    const console = new ConsoleLog();
    console.append(d.console.contents());
    const rec: DomainRecord = {
      name: kept, config: { ...inst.config, name: kept }, host: d.host, autostart: false, persistent: false,
      state: 'shut off', run: 0, console, sampler: new MetricsSampler(), restarts: [],
      notice: `${why}: kept as it stopped under this name; Destroy releases it`,
    };
    inst.owner = rec;
    rec.inst = inst;
    this.preserve(rec, inst, crash);
    this.domains.set(kept, rec);
    d.inst = undefined;
    d.state = 'shut off';
    d.notice = `${why}: the stopped one is kept as ${kept}; ${d.name} starts afresh`;
    this.changed('definition');
    this.start(d.name).catch(() => { /* the reason is on the domain (error) */ });
  }

  /** Let go of the VM (its worker ends) and settle the domain in `state`; a transient domain goes. */
  private release(d: DomainRecord, state: DomainState): void {
    const vm = d.inst?.vm;
    const migration = d.migration;
    d.run++;
    d.inst = undefined;
    d.task = undefined;
    d.sampling = undefined;
    d.migration = undefined;
    d.state = state;
    migration?.job.cancel();
    vm?.destroy();
    if (!d.persistent) {
      this.domains.delete(d.name);
      this.changed('definition');
    } else {
      this.changed('state');
    }
  }

  private fail(d: DomainRecord, error: string | Dom0Error): Dom0Error {
    const e = typeof error === 'string' ? new LabError(error) : error;
    d.error = e.message;
    this.changed('state');
    return e;
  }

  private domain(name: string): DomainRecord {
    const d = this.domains.get(name);
    if (!d) throw dom0Errors.noDomain(name);
    return d;
  }

  private host(name: string): HostConfig {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw dom0Errors.noHost(name, this.hosts.map((x) => x.name));
    return h;
  }

  private changed(kind: LabChange): void {
    for (const l of this.listeners) l(kind);
  }
}

/** One key for the link between two hosts, whichever way round. */
function linkKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** The catalog image a config boots, for display (a config the lab cannot boot shows what it names). */
function imageOf(c: XlConfig): string {
  try {
    return bootPlanOf(c).image;
  } catch {
    return c.image ?? c.kernel ?? '';
  }
}

/** The header of a save stream, read (and checked) without reading the rest. */
function readHeader(stream: Uint8Array): MigrationHeader {
  let header: MigrationHeader | undefined;
  const stop = new Error('header read');
  const reader = new StreamReader({
    header: (h) => { header = h; throw stop; },
    page: () => {}, zero: () => {}, state: () => {}, end: () => {},
  });
  try {
    reader.push(stream.subarray(0, Math.min(stream.length, 70 * 1024)));
  } catch (e) {
    if (e !== stop) throw dom0Errors.internal(`not a save file: ${(e as Error).message}`);
  }
  if (!header) throw dom0Errors.internal('not a save file: it ends inside its header');
  return header;
}
