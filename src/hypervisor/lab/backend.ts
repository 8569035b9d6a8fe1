/**
 * The contract between the lab (which domains exist, where, in what state) and whatever actually
 * runs a VM: in the page a Web Worker per VM (src/workers/vm-client.ts), in tests a fake. The lab
 * never knows which; it only launches, controls and samples.
 */
import type { BootImages, VmExit } from '../vm.ts';

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
  /** The guest stopped the machine: powered off, or a test finisher's pass/fail. */
  | { readonly kind: 'exit'; readonly exit: VmExit }
  /** The VM cannot go on: a host-side error while running it. */
  | { readonly kind: 'crashed'; readonly message: string };

export interface LaunchSpec {
  readonly name: string;
  readonly ramBytes: number;
  readonly harts: number;
  readonly boot: BootImages;
}

export interface VmSink {
  output(bytes: Uint8Array): void;
  event(e: VmEvent): void;
}

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
  /** Stop at once, whatever the VM is doing (never waits for it). */
  destroy(): void;
  counters(): Promise<VmCounters>;
}

export interface VmLauncher {
  /** Boot a VM; rejects (with a message for a person) if it cannot boot. */
  launch(spec: LaunchSpec, sink: VmSink): Promise<RunningVm>;
}
