/**
 * A VM's run loop inside its worker: slices of guest code sized by SliceBudget, console bytes
 * through the shared rings, sleep while the guest waits for an interrupt, pause/resume/reset/stop
 * between slices. DOM-free and clock-injected, so Node tests run it as the page does.
 *
 * The loop never blocks the worker's thread: it yields between busy slices and sleeps with
 * Atomics.waitAsync, so a control call is handled within one slice (~10 ms) even when the guest
 * runs flat out, and at once when it sleeps.
 */
import { describeMachine } from '../hypervisor/machine/board.ts';
import { VirtualMachine, type SliceResult, type VmExit } from '../hypervisor/vm.ts';
import { ByteRing } from '../hypervisor/ring.ts';
import { WakeWord } from '../hypervisor/wake.ts';
import { SliceBudget } from '../hypervisor/slice-budget.ts';
import { CpuPool } from '../hypervisor/cpu-pool.ts';
import type { VmCounters, VmEvent, VmRunState } from '../hypervisor/lab/backend.ts';
import type { WorkerSetup } from './protocol.ts';

/** Input bytes moved into the UART per slice: more than anyone types, less than its queue. */
const INPUT_CHUNK = 4096;
/**
 * Output the worker holds when the page reads slower than the guest prints. Past this the guest
 * is held (as a real UART holds a transmitter) rather than the bytes dropped or memory grown.
 */
const OUTPUT_BACKLOG_BYTES = 1024 * 1024;
/** How long to wait for the page to drain output before looking at control again. */
const BACKLOG_WAIT_MS = 50;

export interface RunnerDeps {
  /** Give the event loop a turn (control messages arrive there). */
  yieldNow(): Promise<void>;
  emit(e: VmEvent): void;
  now?: () => number;
}

export class VmRunner {
  private vm!: VirtualMachine;
  private state: VmRunState = 'running';
  private readonly input: ByteRing;
  private readonly output: ByteRing;
  private readonly wake: WakeWord;
  private readonly cpu: { pool: CpuPool; slot: Int32Array } | undefined;
  private readonly budget = new SliceBudget();
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Output the guest printed that is not in the ring yet: [0, backlogBytes) of `backlog`. */
  private backlog = new Uint8Array(4096);
  private backlogBytes = 0;
  private looping = false;
  private busyMs = 0;
  private idleMs = 0;
  /** Instructions of the machines before the last reset. */
  private earlierInstructions = 0;
  private inputDropped = 0;

  constructor(private readonly setup: WorkerSetup, private readonly deps: RunnerDeps) {
    this.input = new ByteRing(setup.input);
    this.output = new ByteRing(setup.output);
    this.wake = new WakeWord(setup.wake);
    if (setup.cpu) this.cpu = { pool: new CpuPool(setup.cpu.pool), slot: new Int32Array(setup.cpu.slot) };
    this.now = deps.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.build();
  }

  /** The current machine's shared memory (a reset makes a new one). */
  get memory(): WebAssembly.Memory { return this.vm.core.memory; }

  start(): void { this.kick(); }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.wake.ring(); // cut a WFI sleep short so the loop sees it
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.kick();
  }

  reset(): void {
    if (this.state === 'stopped' || this.state === 'crashed') throw new Error(`the VM is ${this.state}`);
    this.flushOutput();
    this.earlierInstructions += this.vm.instructions;
    this.build();
    this.state = 'running'; // a reset machine starts running, paused or not before
    this.wake.ring();
    this.kick();
  }

  stop(): void {
    if (this.state === 'stopped' || this.state === 'crashed') return;
    this.state = 'stopped';
    this.flushOutput();
    this.wake.ring();
  }

  counters(): VmCounters {
    return {
      state: this.state,
      instructions: this.earlierInstructions + this.vm.instructions,
      busyMs: this.busyMs,
      idleMs: this.idleMs,
      uptimeMs: this.now() - this.startedAt,
      inputDropped: this.inputDropped,
    };
  }

  /** A fresh machine with the images loaded; announced so the page holds the new memory. */
  private build(): void {
    const machine = describeMachine({ ramBytes: this.setup.ramBytes, harts: this.setup.harts });
    this.vm = new VirtualMachine(this.setup.module, machine, {
      consoleOut: (bytes) => this.queueOutput(bytes),
      now: this.now,
    });
    this.vm.boot(this.setup.boot);
    this.deps.emit({ kind: 'booted', memory: this.vm.core.memory });
  }

  private kick(): void {
    if (!this.looping && this.state === 'running') void this.loop();
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.state === 'running') {
        if (this.backlogBytes > OUTPUT_BACKLOG_BYTES) {
          await this.waitForOutputRoom();
          continue;
        }
        if (this.cpu) {
          await this.cpu.pool.acquire(this.cpu.slot);
          // Paused, reset or stopped while waiting for a CPU: look again.
          if (this.state !== 'running') { this.cpu.pool.release(this.cpu.slot); continue; }
        }
        this.feedInput();
        const t = this.now();
        let r: SliceResult;
        try {
          r = this.vm.runSlice(this.budget.value);
        } finally {
          if (this.cpu) this.cpu.pool.release(this.cpu.slot);
        }
        const ms = this.now() - t;
        this.busyMs += ms;
        this.flushOutput();
        if (r.kind === 'exit') this.exited(r.exit);
        else if (r.kind === 'idle') await this.sleep(r.sleepMs);
        else {
          this.budget.update(ms);
          await this.deps.yieldNow();
        }
      }
    } catch (e) {
      this.state = 'crashed';
      this.flushOutput();
      this.deps.emit({ kind: 'crashed', message: (e as Error).message || String(e) });
    } finally {
      this.looping = false;
    }
  }

  private exited(exit: VmExit): void {
    if (exit.kind === 'reboot') {
      this.earlierInstructions += this.vm.instructions;
      this.build();
      return;
    }
    this.state = 'stopped';
    this.deps.emit({ kind: 'exit', exit });
  }

  /** Sleep until the guest's next timer, console input or a control call, whichever comes first. */
  private async sleep(ms: number): Promise<void> {
    const mark = this.wake.mark; // taken before looking at the ring: no input slips between
    if (ms <= 0 || this.input.available > 0) return this.deps.yieldNow();
    const t = this.now();
    await this.wake.sleep(mark, ms);
    this.idleMs += this.now() - t;
  }

  private feedInput(): void {
    if (this.input.available === 0) return;
    this.inputDropped += this.vm.consoleInput(this.input.read(INPUT_CHUNK));
  }

  /** Collect a slice's output (the UART hands it over a byte or a line at a time) for one ring write. */
  private queueOutput(bytes: Uint8Array): void {
    const need = this.backlogBytes + bytes.length;
    if (need > this.backlog.length) {
      const grown = new Uint8Array(Math.max(need, this.backlog.length * 2));
      grown.set(this.backlog.subarray(0, this.backlogBytes));
      this.backlog = grown;
    }
    this.backlog.set(bytes, this.backlogBytes);
    this.backlogBytes = need;
  }

  /** Move what the guest printed into the output ring, as much as fits. */
  private flushOutput(): void {
    if (this.backlogBytes === 0) return;
    const n = this.output.write(this.backlog.subarray(0, this.backlogBytes));
    this.backlog.copyWithin(0, n, this.backlogBytes);
    this.backlogBytes -= n;
  }

  private async waitForOutputRoom(): Promise<void> {
    const mark = this.output.readMark;
    this.flushOutput();
    if (this.backlogBytes > OUTPUT_BACKLOG_BYTES) await this.output.waitForRoom(mark, BACKLOG_WAIT_MS);
  }
}
