/**
 * The contract between the lab (which domains exist, where, in what state) and whatever actually
 * runs a VM: in the page a Web Worker per VM (src/workers/vm-client.ts), in tests a fake. The lab
 * never knows which; it only launches, controls and samples.
 */
import type { BootImages, VmExit } from '../vm.ts';
import type { MigrationEvent, MigrationInfo } from '../migration/precopy.ts';
import type { Disposable } from './console-log.ts';

/** What the VM's own loop reports it is doing. */
export type VmRunState = 'running' | 'paused' | 'stopped' | 'crashed';

/** Cumulative counters since launch; the lab derives rates (MIPS, CPU %) from their deltas. */
export interface VmCounters {
  readonly state: VmRunState;
  readonly instructions: number;
  /** Milliseconds spent running guest code. */
  readonly busyMs: number;
  /** Milliseconds asleep because the guest waits for an interrupt (WFI). */
  readonly idleMs: number;
  /** Milliseconds since launch, on the VM's clock (all three share it). */
  readonly uptimeMs: number;
  /** Console input bytes the guest's UART had no room for. */
  readonly inputDropped: number;
}

export type VmEvent =
  /** The guest (re)booted: its memory is new (a reboot builds a fresh machine). */
  | { readonly kind: 'booted'; readonly memory: WebAssembly.Memory }
  /**
   * The guest stopped the machine: powered off, asked for a reboot (SBI SRST or the finisher's
   * reset), crashed (pvpanic), or a test finisher's pass/fail. The VM is then halted but not
   * released: the lab applies the domain's on_poweroff / on_reboot / on_crash policy — `reboot()`
   * boots it again (restart), `destroy()` releases it (destroy), or it is kept halted with its
   * memory (preserve).
   */
  | { readonly kind: 'exit'; readonly exit: VmExit }
  /** The VM cannot go on: a host-side error while running it. */
  | { readonly kind: 'crashed'; readonly message: string };

export interface LaunchSpec {
  readonly name: string;
  readonly ramBytes: number;
  readonly harts: number;
  readonly boot: BootImages;
  /**
   * Build and load the machine but hold its vCPU before the first instruction (xl create -p,
   * virsh start --paused): the VM counts as paused until resumed.
   */
  readonly paused?: boolean;
}

export interface VmSink {
  /**
   * What the guest printed; `resting`: it then went idle, so nothing more follows for now. May
   * come with no bytes: the guest went idle after the bytes given last.
   */
  output(bytes: Uint8Array, resting?: boolean): void;
  event(e: VmEvent): void;
}

/** What a graceful request asks the guest for (DESIGN.md §5: shutdown asks, destroy forces). */
export type GuestRequest = 'poweroff' | 'reboot';

export interface RunningVm {
  /** The VM's shared memory (core state, TLB, dirty map, RAM): the same buffer the VM runs on. */
  readonly memory: WebAssembly.Memory;
  consoleInput(bytes: Uint8Array): void;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Reset the machine and boot the same images again. */
  reboot(): Promise<void>;
  /** Stop the vCPU at the end of its slice and release the VM. */
  shutdown(): Promise<void>;
  /**
   * Ask the guest, through its agent channel (as qemu-guest-agent's guest-shutdown), to power off
   * or reboot. Resolves true once the guest acknowledged (the `exit` event follows when it is
   * done), false if nothing answered within `timeoutMs` (a guest with no agent, or one that
   * ignores it). Never forces anything.
   */
  requestShutdown(kind: GuestRequest, timeoutMs: number): Promise<boolean>;
  /**
   * Pause and write the whole machine as a save stream (migration/savefile.ts), for
   * `virsh save`, recording `paused` as the state to restore it in. The VM stays paused; the
   * caller destroys it once the bytes are kept.
   */
  save(domain: unknown, paused?: boolean): Promise<Uint8Array>;
  /** Stop at once, whatever the VM is doing (never waits for it). */
  destroy(): void;
  counters(): Promise<VmCounters>;
}

/** A live migration the lab asked for (DESIGN.md §6). */
export interface MigrationRequest {
  /** The destination VM's name (the domain keeps its name across hosts). */
  readonly name: string;
  /** Travels in the stream header: the domain's xl.cfg text. */
  readonly domain: unknown;
  /** Link model between the two hosts. */
  readonly bandwidthBps: number;
  readonly latencyMs: number;
  readonly maxDowntimeMs: number;
}

export interface MigrationJob {
  /** The QEMU query-migrate figures now (virsh domjobinfo). */
  readonly info: MigrationInfo;
  on(listener: (e: MigrationEvent) => void): Disposable;
  /** virsh domjobabort; false once the switchover has begun. */
  cancel(): boolean;
  setMaxDowntime(ms: number): void;
  setBandwidth(bps: number): void;
  /**
   * Resolves with the destination VM, running on its own worker and memory, once it runs; the
   * source is then gone and the destination's output goes to `sink` with no byte lost or repeated.
   * Rejects (message for a person) if the migration failed or was cancelled: the source runs on.
   */
  readonly done: Promise<RunningVm>;
}

export interface VmLauncher {
  /** Boot a VM; rejects (with a message for a person) if it cannot boot. */
  launch(spec: LaunchSpec, sink: VmSink): Promise<RunningVm>;
  /** Live-migrate a running VM to a new VM of its own (pre-copy over a MessagePort). */
  migrate(source: RunningVm, request: MigrationRequest, sink: VmSink): MigrationJob;
  /**
   * Build a VM from a save stream (virsh restore); it resumes where it was saved, or stays held
   * there with `paused` (virsh restore --paused). A save stream does not carry the boot images:
   * `boot`, if given, is what a later reboot boots.
   */
  restore(stream: Uint8Array, name: string, sink: VmSink, opts?: RestoreOptions): Promise<RunningVm>;
}

export interface RestoreOptions {
  readonly boot?: BootImages;
  readonly paused?: boolean;
}
