/**
 * The typed surface between the page and a VM's worker (comlink). Control goes over this API;
 * console bytes do not: they cross in the SharedArrayBuffer rings named in WorkerSetup. Migration
 * stream bytes do not either: they cross a MessagePort of their own between the two VMs' workers
 * (migration/transport.ts PortTransport), which the page hands to each side.
 */
import type { BootImages } from '../hypervisor/vm.ts';
import type { GuestRequest, VmCounters, VmEvent } from '../hypervisor/lab/backend.ts';
import type { MigrationEvent, MigrationInfo } from '../hypervisor/migration/precopy.ts';

export interface WorkerSetup {
  /** The core, compiled once on the page and shared by every VM. */
  readonly module: WebAssembly.Module;
  /** ByteRing buffers: console input (page → guest UART) and output (guest → page). */
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  /** WakeWord buffer: the page rings it when it has input for a sleeping guest. */
  readonly wake: SharedArrayBuffer;
  /** The CPUs the page's VMs share (CpuPool) and this VM's slot in it; absent: run unscheduled. */
  readonly cpu?: { readonly pool: SharedArrayBuffer; readonly slot: SharedArrayBuffer };
  /**
   * What a reboot boots (and a launch boots first). A VM restored from a save stream without them
   * runs, but cannot boot again.
   */
  readonly boot?: BootImages;
}

/** A new machine to boot. */
export interface LaunchSetup extends WorkerSetup {
  readonly ramBytes: number;
  readonly harts: number;
  readonly boot: BootImages;
  /** Held paused before the first instruction (LaunchSpec.paused). */
  readonly paused?: boolean;
}

/** The source side of a live migration: the engine's options and the link model. */
export interface OutgoingOptions {
  readonly bandwidthBps: number;
  readonly maxDowntimeMs: number;
  /** One-way latency added on the receiving side of the port (link.ts). */
  readonly latencyMs: number;
  /** Travels in the stream header (the domain's xl.cfg). */
  readonly domain: unknown;
  readonly setupTimeoutMs?: number;
  readonly switchoverTimeoutMs?: number;
  readonly maxRounds?: number;
  readonly chunkBytes?: number;
}

/** The destination side: the link's latency, and the machine the page prepared this VM for. */
export interface IncomingOptions {
  readonly latencyMs: number;
  /** The stream's machine must have this much RAM and these vCPUs (the page admitted that much). */
  readonly ramBytes: number;
  readonly harts: number;
}

/**
 * What the source worker tells the page while it migrates, in order, on one callback (so the
 * last event is never overtaken by the result): engine events, progress figures between events
 * (bytes move within a round), and once only, `finished` — sent after the engine ended and, when
 * it completed, after every byte the source printed is in its output ring.
 */
export type SourceReport =
  | { readonly kind: 'event'; readonly event: MigrationEvent; readonly info: MigrationInfo }
  | { readonly kind: 'progress'; readonly info: MigrationInfo }
  | { readonly kind: 'finished'; readonly info: MigrationInfo };

/** Commands for the source's migration while it runs (or, `rollback`, right after it completed). */
export type MigrationCommand =
  /** virsh domjobabort; answers false once the switchover has begun. */
  | { readonly kind: 'cancel' }
  | { readonly kind: 'max-downtime'; readonly ms: number }
  | { readonly kind: 'bandwidth'; readonly bps: number }
  /** The destination's worker died: the engine fails at once instead of at its next timeout. */
  | { readonly kind: 'lost'; readonly reason: string }
  /**
   * The engine completed, but the page found the destination dead before it took the console
   * over: the source (held, never destroyed until the page terminates it) runs on.
   */
  | { readonly kind: 'rollback' };

/** A VM built from a save stream: its memory, and the machine the stream described. */
export interface RestoredVm {
  readonly memory: WebAssembly.Memory;
  readonly ramBytes: number;
  readonly harts: number;
}

/** What the worker exposes. Each call returns once the worker has done it. */
export interface VmWorkerApi {
  /** Build the machine, load the images and start running; resolves with the VM's shared memory. */
  start(setup: LaunchSetup, events: (e: VmEvent) => void): WebAssembly.Memory;
  /**
   * Receive a live migration on `port` and run the VM once it is complete; resolves with its
   * memory then, rejects with the one error that stopped it (the worker is then useless).
   */
  incoming(setup: WorkerSetup, port: MessagePort, opts: IncomingOptions, events: (e: VmEvent) => void): Promise<WebAssembly.Memory>;
  /** Build a VM from a save stream and run it; rejects with one clear error for a bad stream. */
  restore(setup: WorkerSetup, stream: Uint8Array, events: (e: VmEvent) => void, paused?: boolean): Promise<RestoredVm>;
  pause(): void;
  resume(): void;
  /**
   * Reset the machine and boot the same images again: from running, paused or halted after an
   * exit. Resolves with the new memory (also announced by a `booted` event, which may come later).
   */
  reset(): WebAssembly.Memory;
  /** Stop running guest code; the worker can then be terminated. */
  stop(): void;
  stats(): VmCounters;
  /** Ask the guest agent (backend.ts RunningVm.requestShutdown). */
  requestShutdown(kind: GuestRequest, timeoutMs: number): Promise<boolean>;
  /** Hold the VM and write it as a save stream; it stays paused (user-paused: resume works). */
  save(domain: unknown, paused?: boolean): Promise<Uint8Array>;
  /** Start migrating this VM out over `port`; progress and the result come through `report`. */
  migrate(port: MessagePort, opts: OutgoingOptions, report: (r: SourceReport) => void): void;
  /** Control the migration `migrate` started; answers whether it was done (cancel may be too late). */
  migration(command: MigrationCommand): boolean;
}
