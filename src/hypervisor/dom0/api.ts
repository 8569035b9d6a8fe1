/**
 * What the dom0 commands (virsh, xl, virt-install) need from the hypervisor: the narrow interface
 * the lab implements (DESIGN.md §5: "GUI and console drive the same hypervisor API").
 *
 * Queries are synchronous snapshots (tab completion and `list` need them at once); operations are
 * async and reject with a Dom0Error whose message is in libvirt's words, because the commands print
 * it as libvirt would (`error: Failed to start domain 'chef'` then `error: <message>`). Build them
 * with the `dom0Errors` helpers below so the wording lives in one place.
 *
 * Domains are addressed by name; the commands resolve ids and UUIDs to names themselves.
 */
import type { XlConfig } from '../xen/xlcfg.ts';
import type { MigrationInfo } from '../migration/precopy.ts';

/** libvirt's state names (virsh list, dominfo, domstate). */
export type DomainState = 'running' | 'idle' | 'paused' | 'in shutdown' | 'shut off' | 'crashed';

/** Something the lab is doing to a domain that takes a moment (the dashboard's buttons wait for it). */
export type DomainTask = 'starting' | 'rebooting' | 'pausing' | 'resuming' | 'shutting down' | 'migrating' | 'saving' | 'restoring';

export interface HostInfo {
  readonly name: string;
  readonly cpus: number;
  readonly memoryMiB: number;
  /** Memory not taken by live domains, MiB. */
  readonly freeMemoryMiB: number;
}

export interface DomainInfo {
  readonly name: string;
  /**
   * Xen's domid while the domain exists on a host (running, idle, paused, in shutdown, or crashed
   * and preserved), else undefined. Assigned at each start from 1 upward and not reused while the
   * lab runs, as Xen does; 0 is dom0. `xl` only sees domains that have one.
   */
  readonly id: number | undefined;
  readonly uuid: string;
  readonly state: DomainState;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly maxMemMiB: number;
  /** Guest CPU time consumed since start (0 when shut off). */
  readonly cpuTimeSec: number;
  /**
   * Live figures of the lab's once-a-second sample (lab/metrics.ts), 0 while the domain has no
   * domid. `cpuPercent`: share of one host CPU its vCPU used over the last sample, 0..100 (xentop's
   * CPU(%)); `mips`: millions of guest instructions per second over the last sample;
   * `instructions`: guest instructions retired since the VM was launched (virsh domstats'
   * perf.instructions).
   */
  readonly cpuPercent: number;
  readonly mips: number;
  readonly instructions: number;
  /** Host the domain is placed on. */
  readonly host: string;
  /** Defined (survives shutdown); every domain the commands create is. */
  readonly persistent: boolean;
  /** Started when the lab loads. */
  readonly autostart: boolean;
  /** The persistent configuration (for a running domain, what the next start uses). */
  readonly config: XlConfig;
  /** What the lab is doing to it now (starting, migrating, saving, …), if anything. */
  readonly task?: DomainTask;
  /**
   * The guest stopped its machine and the domain is kept with its domid (on_poweroff / on_crash
   * = preserve): it has shut down, unlike a domain `in shutdown` whose guest is still going down.
   */
  readonly halted?: boolean;
}

/** A guest image of the catalog (public/images/index.json). */
export interface ImageInfo {
  readonly name: string;
  readonly description: string;
  readonly kind: 'linux' | 'baremetal';
  readonly memoryMiB: number;
}

/**
 * What a graceful shutdown did. `requested`: the guest was asked (as with an ACPI power button) and
 * is going down; the state moves through `in shutdown` to `shut off`. `ignored`: the guest did not
 * react within the lab's grace period and keeps running; nothing was forced.
 */
export type ShutdownOutcome = 'requested' | 'ignored';

/** What `define` wants the person to know besides success (e.g. which image a pygrub config boots). */
export interface DefineResult {
  readonly notes: readonly string[];
}

/** `virsh migrate` options (libvirt's names; the link model of DESIGN.md §6). */
export interface MigrateOptions {
  /** Link bandwidth, bit/s (virsh takes MiB/s and converts). */
  readonly bandwidthBps?: number;
  readonly maxDowntimeMs?: number;
}

/** A domain's migration job: the current one, or the last one that ended (`virsh domjobinfo --completed`). */
export interface JobInfo {
  readonly active: boolean;
  /** Destination host. */
  readonly target: string;
  readonly info: MigrationInfo;
}

export interface Dom0Host {
  hosts(): readonly HostInfo[];
  /** Every defined domain, in any order (the commands sort as virsh and xl do). */
  domains(): readonly DomainInfo[];
  /** Images that `image = "NAME"` and `virt-install --image` may name; may be empty until loaded. */
  images(): readonly ImageInfo[];

  /**
   * Define a domain from its config, shut off. If one with the same name exists, its config is
   * replaced (a running domain keeps running and uses the new config at its next start), as
   * libvirt's define does; the UUID must then match (`exists` otherwise). The lab picks the host.
   * Rejects with `config-invalid` for what the lab cannot run (e.g. 2 vCPUs, an unknown image).
   */
  define(config: XlConfig): Promise<DefineResult | void>;
  /** Remove a domain that is not running. */
  undefine(name: string): Promise<void>;
  /**
   * Boot a shut-off or crashed domain; admission (memory, CPUs) is checked here. `paused`: built
   * and loaded, its vCPU held before the first instruction (xl create -p, virsh start --paused).
   */
  start(name: string, opts?: { paused?: boolean }): Promise<void>;
  /** Ask the guest to power off; see ShutdownOutcome. */
  shutdown(name: string): Promise<ShutdownOutcome>;
  /** Ask the guest to reboot (graceful, like shutdown); its on_reboot policy then applies. */
  reboot(name: string): Promise<ShutdownOutcome>;
  /** Reset the machine at once (virsh reset): a hard reboot. */
  reset(name: string): Promise<void>;
  /** Pull the plug: stop at once. */
  destroy(name: string): Promise<void>;
  /** Pause the vCPUs (xl pause, virsh suspend); memory stays allocated. */
  suspend(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  setAutostart(name: string, autostart: boolean): Promise<void>;
  /** Show the domain's serial console to the person (the dashboard opens its xterm). */
  attachConsole(name: string): Promise<void>;

  /**
   * Live-migrate a running domain to `host` (pre-copy); resolves once it runs there, rejects if
   * it could not go (admission on the target is checked first) or was aborted: it then runs on
   * where it was.
   */
  migrate(name: string, host: string, opts?: MigrateOptions): Promise<void>;
  /** The domain's current or last migration job, if any. */
  jobInfo(name: string): JobInfo | undefined;
  /** Cancel the running job (virsh domjobabort). */
  abortJob(name: string): Promise<void>;
  /** The downtime limit of the running migration, or of the next one (virsh migrate-setmaxdowntime). */
  setMaxDowntime(name: string, ms: number): Promise<void>;
  /** Write the domain's whole state as a save stream and shut it off (virsh save). */
  /** Save and shut off; `state` is what the image records to restore it in (default: as it is now). */
  save(name: string, opts?: { state?: 'running' | 'paused' }): Promise<Uint8Array>;
  /**
   * Run a domain again from a save stream (virsh restore), in the state the image recorded unless
   * `paused` says; resolves with its name.
   */
  restore(stream: Uint8Array, opts?: { paused?: boolean }): Promise<string>;
}

/** Kinds of failure, after libvirt's virErrorNumber (the commands print `message`, not the code). */
export type Dom0ErrorCode =
  /** VIR_ERR_NO_DOMAIN */
  | 'no-domain'
  /** VIR_ERR_NO_CONNECT: a host (migration target) that does not exist. */
  | 'no-host'
  /** VIR_ERR_OPERATION_INVALID: not in a state that allows it. */
  | 'operation-invalid'
  /** Admission refused: the host has not enough free memory or CPUs. */
  | 'insufficient-resources'
  /** VIR_ERR_CONFIG_UNSUPPORTED: the config is valid xl.cfg but the lab cannot run it. */
  | 'config-invalid'
  /** VIR_ERR_OPERATION_FAILED: a different domain already has this name. */
  | 'exists'
  /** Anything else (a failed image download, a VM that would not boot): the message says what. */
  | 'internal';

export class Dom0Error extends Error {
  override name = 'Dom0Error';
  constructor(
    readonly code: Dom0ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The messages, in libvirt's wording where libvirt has one. Admission uses memory as Xen reports
 * it, in MiB: `not enough free memory on host1 (needed 1024 MiB, free 512 MiB)`; virsh prints it as
 * `error: Failed to start domain 'chef'` / `error: not enough free memory on host1 (…)`, xl as
 * `libxl: error: failed to start domain 'chef': not enough free memory on host1 (…)`.
 */
export const dom0Errors = {
  noDomain: (name: string) => new Dom0Error('no-domain', `Domain not found: no domain with matching name '${name}'`),
  notRunning: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: domain is not running'),
  alreadyRunning: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: domain is already running'),
  notPaused: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: domain is not paused'),
  isPaused: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: domain is paused'),
  alreadyActive: (name: string) => new Dom0Error('operation-invalid', `Requested operation is not valid: domain '${name}' is already active`),
  noJob: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: no job is active on the domain'),
  jobFinal: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: the migration is switching over and can no longer be aborted'),
  sameHost: () => new Dom0Error('internal', 'internal error: Attempt to migrate guest to the same host'),
  noHost: (host: string, hosts: readonly string[]) => new Dom0Error('no-host', `unable to connect to host '${host}': no such host in the lab (hosts: ${hosts.join(', ')})`),
  migrationFailed: (what: string) => new Dom0Error('internal', `operation failed: migration job: ${what}`),
  busy: (name: string, task: string) => new Dom0Error('operation-invalid', `Requested operation is not valid: domain '${name}' is busy (${task})`),
  cannotUndefineActive: () => new Dom0Error('operation-invalid', 'Requested operation is not valid: cannot undefine a running domain'),
  insufficientMemory: (host: string, neededMiB: number, freeMiB: number) =>
    new Dom0Error('insufficient-resources', `not enough free memory on ${host} (needed ${neededMiB} MiB, free ${freeMiB} MiB)`),
  insufficientCpus: (host: string, needed: number, free: number) =>
    new Dom0Error('insufficient-resources', `not enough free CPUs on ${host} (needed ${needed}, free ${free})`),
  unsupported: (what: string) => new Dom0Error('config-invalid', `unsupported configuration: ${what}`),
  exists: (name: string, uuid: string) => new Dom0Error('exists', `operation failed: domain '${name}' already exists with uuid ${uuid}`),
  internal: (what: string) => new Dom0Error('internal', `internal error: ${what}`),
};

/** Any rejection as a Dom0Error (a lab bug surfaces with its own message rather than vanishing). */
export function asDom0Error(e: unknown): Dom0Error {
  if (e instanceof Dom0Error) return e;
  return new Dom0Error('internal', e instanceof Error ? e.message : String(e));
}
