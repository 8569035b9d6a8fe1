/** Runs a guest in-process until it exits or a wall-clock limit passes (tests and bench). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine, MiB } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine, type BootImages, type VmExit } from '../../src/hypervisor/vm.ts';
import { buildCore } from '../../scripts/build-asm.mjs';

let cached: WebAssembly.Module | undefined;
export function coreModule(): WebAssembly.Module {
  if (!cached) cached = new WebAssembly.Module(readFileSync(buildCore()));
  return cached;
}

export const repo = join(import.meta.dirname, '..', '..');

export interface GuestRun {
  exit: VmExit | 'timeout';
  output: string;
  instructions: number;
  /** Wall time running the guest (from its first instruction). */
  ms: number;
  /** Wall time building the machine and loading the images before that. */
  buildMs: number;
  vm: VirtualMachine;
}

export interface RunOptions {
  memMiB?: number;
  timeoutMs?: number;
  /** Called after every slice with the output so far; return true to stop early. */
  until?: (output: string) => boolean;
}

export function bootGuest(images: BootImages, memMiB = 128): { vm: VirtualMachine; out: () => string } {
  const chunks: string[] = [];
  const dec = new TextDecoder();
  const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: memMiB * MiB, harts: 1 }), {
    consoleOut: (b) => chunks.push(dec.decode(b, { stream: true })),
    now: () => performance.now(),
  });
  vm.boot(images);
  return { vm, out: () => chunks.join('') };
}

/** Run synchronously, sleeping through idle periods by busy-advancing (tests only). */
export async function runGuest(images: BootImages, opts: RunOptions = {}): Promise<GuestRun> {
  const tb = performance.now();
  const { vm, out } = bootGuest(images, opts.memMiB);
  const t0 = performance.now();
  const buildMs = t0 - tb;
  const limit = opts.timeoutMs ?? 10_000;
  for (;;) {
    const r = vm.runSlice(2_000_000);
    if (r.kind === 'exit') return { exit: r.exit, output: out(), instructions: vm.instructions, ms: performance.now() - t0, buildMs, vm };
    if (opts.until?.(out())) return { exit: 'timeout', output: out(), instructions: vm.instructions, ms: performance.now() - t0, buildMs, vm };
    if (performance.now() - t0 > limit) return { exit: 'timeout', output: out(), instructions: vm.instructions, ms: performance.now() - t0, buildMs, vm };
    if (r.kind === 'idle' && r.sleepMs > 0) await new Promise((res) => setTimeout(res, Math.min(r.sleepMs, 50)));
  }
}

export function exitStatus(exit: VmExit | 'timeout'): number {
  if (exit === 'timeout') return 124;
  if (exit.kind === 'fail') return exit.code;
  return 0;
}

/** An interactive guest for tests: type at its console and wait for what it prints. */
export class GuestSession {
  private readonly boot: { vm: VirtualMachine; out: () => string };
  private seen = 0;
  exit: VmExit | undefined;

  constructor(images: BootImages, memMiB = 128) {
    this.boot = bootGuest(images, memMiB);
  }

  get vm(): VirtualMachine { return this.boot.vm; }
  get output(): string { return this.boot.out(); }

  send(text: string): void { this.vm.consoleInput(new TextEncoder().encode(text)); }

  /** Run until `text` appears after what earlier waits consumed; returns the output up to it. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<string> {
    const t0 = performance.now();
    for (;;) {
      const out = this.output;
      const at = out.indexOf(text, this.seen);
      if (at >= 0) {
        const chunk = out.slice(this.seen, at + text.length);
        this.seen = at + text.length;
        return chunk;
      }
      if (this.exit) throw new Error(`guest exited (${JSON.stringify(this.exit)}) before printing ${JSON.stringify(text)}; output:\n${out.slice(-2000)}`);
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)}; output:\n${out.slice(-2000)}`);
      const r = this.vm.runSlice(2_000_000);
      if (r.kind === 'exit') this.exit = r.exit;
      else if (r.kind === 'idle' && r.sleepMs > 0) await new Promise((res) => setTimeout(res, Math.min(r.sleepMs, 20)));
    }
  }

  /** Run until the guest exits. */
  async waitExit(timeoutMs = 30_000): Promise<VmExit> {
    const t0 = performance.now();
    while (!this.exit) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`guest did not exit; output:\n${this.output.slice(-2000)}`);
      const r = this.vm.runSlice(2_000_000);
      if (r.kind === 'exit') this.exit = r.exit;
      else if (r.kind === 'idle' && r.sleepMs > 0) await new Promise((res) => setTimeout(res, Math.min(r.sleepMs, 20)));
    }
    return this.exit;
  }
}
