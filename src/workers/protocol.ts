/**
 * The typed surface between the page and a VM's worker (comlink). Control goes over this API;
 * console bytes do not: they cross in the SharedArrayBuffer rings named in WorkerSetup.
 */
import type { BootImages } from '../hypervisor/vm.ts';
import type { VmCounters, VmEvent } from '../hypervisor/lab/backend.ts';

export interface WorkerSetup {
  /** The core, compiled once on the page and shared by every VM. */
  readonly module: WebAssembly.Module;
  readonly ramBytes: number;
  readonly harts: number;
  readonly boot: BootImages;
  /** ByteRing buffers: console input (page → guest UART) and output (guest → page). */
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  /** WakeWord buffer: the page rings it when it has input for a sleeping guest. */
  readonly wake: SharedArrayBuffer;
  /** The CPUs the page's VMs share (CpuPool) and this VM's slot in it; absent: run unscheduled. */
  readonly cpu?: { readonly pool: SharedArrayBuffer; readonly slot: SharedArrayBuffer };
}

/** What the worker exposes. Each call returns once the worker has done it. */
export interface VmWorkerApi {
  /** Build the machine, load the images and start running; resolves with the VM's shared memory. */
  start(setup: WorkerSetup, events: (e: VmEvent) => void): WebAssembly.Memory;
  pause(): void;
  resume(): void;
  /** Reset the machine and boot the same images again (a new memory, announced by a `booted` event). */
  reset(): void;
  /** Stop running guest code; the worker can then be terminated. */
  stop(): void;
  stats(): VmCounters;
}
