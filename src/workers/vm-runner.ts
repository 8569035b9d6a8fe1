/**
 * A VM's run loop inside its worker: slices of guest code sized by SliceBudget, console bytes
 * through the shared rings, sleep while the guest waits for an interrupt, pause/resume/reset/stop
 * between slices. DOM-free and clock-injected, so Node tests run it as the page does.
 *
 * The loop never blocks the worker's thread: it yields between busy slices and sleeps with
 * Atomics.waitAsync, so a control call is handled within one slice (~10 ms) even when the guest
 * runs flat out, and at once when it sleeps. Everything else in the worker (control calls, the
 * migration engine, the guest agent's timers) therefore runs between two slices, never during
 * one: which is what the dirty log and saveState need (migration/README.md).
 *
 * Lifecycle: a runner is built around a booted machine (launch) or an empty one that a save or
 * migration stream fills (restore, incoming), and does nothing until start(). When the guest
 * stops the machine (poweroff, reboot, pvpanic, finisher) the runner emits `exit` and halts with
 * the machine kept as it was: reset() boots it again, stop() releases it (backend.ts).
 *
 * Pausing has two independent holders: the user (pause/resume) and the host (a migration's
 * stop-and-copy, a save). The vCPU runs only when neither holds it, so a migration that gives up
 * and resumes never un-pauses a VM the user paused, and the reverse.
 */
import { describeMachine, type Machine } from '../hypervisor/machine/board.ts';
import { VirtualMachine, type BootImages, type SliceResult, type VmExit } from '../hypervisor/vm.ts';
import { GuestAgent } from '../hypervisor/guest-agent.ts';
import { ByteRing } from '../hypervisor/ring.ts';
import { WakeWord } from '../hypervisor/wake.ts';
import { SliceBudget } from '../hypervisor/slice-budget.ts';
import { CpuPool } from '../hypervisor/cpu-pool.ts';
import type { MachineState } from '../hypervisor/snapshot/machine.ts';
import type { GuestRequest, VmCounters, VmEvent, VmRunState } from '../hypervisor/lab/backend.ts';
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
/**
 * A busy guest gives the worker's event loop a turn (control calls, a migration's messages) after
 * this much run time. Each turn costs ~0.3 ms in a browser worker: after every 10 ms slice that
 * was 3-4 % of a boot; a control call still waits at most ~20 ms.
 */
const TURN_EVERY_MS = 20;

export interface RunnerDeps {
  /** Give the event loop a turn (control messages arrive there). */
  yieldNow(): Promise<void>;
  emit(e: VmEvent): void;
  now?: () => number;
}

/** What a runner is built from: the worker's rings and CPU slot, plus, to boot, the machine's size. */
export type RunnerSetup = WorkerSetup & { readonly ramBytes?: number; readonly harts?: number };

/** Where the runner is in its life; `running` may still be held paused (see holds). */
type Phase = 'running' | 'halted' | 'stopped' | 'crashed';
/** Who holds the vCPU paused: not started yet, the user, or the host (migration, save). */
type Hold = 'unstarted' | 'user' | 'host';

export class VmRunner {
  private vm!: VirtualMachine;
  private agent: GuestAgent | undefined;
  private phase: Phase = 'running';
  private exit: VmExit | undefined;
  private readonly holds = new Set<Hold>(['unstarted']);
  /** Set once the VM lives on elsewhere (migrated): nothing may run it or change it here. */
  private retiredBecause: string | undefined;
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
  /** The page was told the guest went idle after its last output (flushOutput). */
  private toldResting = false;
  private looping = false;
  private busyMs = 0;
  private idleMs = 0;
  /** Instructions of the machines before the last reset. */
  private earlierInstructions = 0;
  private inputDropped = 0;
  /** Auto-converge (migration): the share of time the vCPU is held back, 0..99 %. */
  private throttle = 0;
  /** Run time since the event loop last had a turn. */
  private sinceTurnMs = 0;
  /** A migration's engine shares this thread: give it a turn after every slice. */
  eagerTurns = false;
  /** When the last slice ended (runner clock), and whether the guest sleeps in WFI now. */
  private lastSliceEnd: number | undefined;
  private inWfi = false;
  private firstSlice: ((t: number) => void) | undefined;

  /**
   * Boot a new machine of `setup.ramBytes` / `setup.harts` from `setup.boot` (announced by a
   * `booted` event); or, with `restoreInto`, build that machine empty and unbooted for a save or
   * migration stream to fill (no event: the guest does not boot).
   */
  constructor(private readonly setup: RunnerSetup, private readonly deps: RunnerDeps, restoreInto?: Machine) {
    this.input = new ByteRing(setup.input);
    this.output = new ByteRing(setup.output);
    this.wake = new WakeWord(setup.wake);
    if (setup.cpu) this.cpu = { pool: new CpuPool(setup.cpu.pool), slot: new Int32Array(setup.cpu.slot) };
    this.now = deps.now ?? (() => performance.now());
    this.startedAt = this.now();
    if (restoreInto) {
      this.build(restoreInto);
    } else {
      if (!setup.boot || !setup.ramBytes || !setup.harts) throw new Error('a VM to boot needs its images, RAM size and vCPUs');
      this.build(describeMachine({ ramBytes: setup.ramBytes, harts: setup.harts }), setup.boot);
    }
  }

  /** The current machine's shared memory (a reset makes a new one). */
  get memory(): WebAssembly.Memory { return this.vm.core.memory; }
  /** The current machine (for the migration adapters, which run between slices in this thread). */
  get machine(): VirtualMachine { return this.vm; }
  /** The runner's clock (deps.now). */
  clock(): number { return this.now(); }

  /**
   * Start running (once). Resolves with the time (runner clock) at which the first slice began,
   * or at once if the user paused it before it started.
   */
  start(): Promise<number> {
    if (!this.holds.has('unstarted')) return Promise.reject(new Error('the VM is already started'));
    return new Promise<number>((resolve) => {
      this.holds.delete('unstarted');
      if (this.holds.size > 0 || this.phase !== 'running') return resolve(this.now());
      this.firstSlice = resolve;
      this.kick();
    });
  }

  pause(): void {
    this.checkNotRetired();
    if (this.phase !== 'running') return;
    this.holds.add('user');
    this.wake.ring(); // cut a WFI sleep short so the loop sees it
  }

  resume(): void {
    this.checkNotRetired();
    if (!this.holds.delete('user')) return;
    this.kick();
  }

  /** Reset the machine and boot the same images again: from running, paused or halted. */
  reset(): void {
    this.checkNotRetired();
    if (this.phase === 'stopped') throw new Error('the VM is stopped');
    if (this.holds.has('host')) throw new Error('the VM is being migrated or saved');
    if (!this.setup.boot) throw new Error('this VM was restored from a save or migration stream without its boot images, so it cannot boot again: destroy it and start the domain afresh');
    this.flushOutput();
    this.earlierInstructions += this.vm.instructions;
    this.build(this.vm.machine, this.setup.boot);
    this.phase = 'running';
    this.exit = undefined;
    this.holds.clear(); // a reset machine starts running, paused or not before
    this.wake.ring();
    this.kick();
  }

  /** Stop for good (release): the worker may then be terminated. */
  stop(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.agent?.dispose();
    this.flushOutput();
    this.wake.ring();
  }

  counters(): VmCounters {
    return {
      state: this.runState(),
      instructions: this.earlierInstructions + this.vm.instructions,
      busyMs: this.busyMs,
      idleMs: this.idleMs,
      uptimeMs: this.now() - this.startedAt,
      inputDropped: this.inputDropped,
    };
  }

  /**
   * Ask the guest agent to power off or reboot (backend.ts requestShutdown). Only a running guest
   * can answer: paused (by the user, or held by a migration's switchover or a save), halted,
   * stopped, not started or migrated away, the answer is false at once rather than after the
   * timeout — the caller knows the state and can say why.
   */
  requestShutdown(kind: GuestRequest, timeoutMs: number): Promise<boolean> {
    if (this.retiredBecause || this.phase !== 'running' || this.holds.size > 0 || !this.agent) return Promise.resolve(false);
    return this.agent.request(kind, timeoutMs);
  }

  // ---- for migration and save (migration-source.ts, migration-destination.ts) ---------------------

  /** Why the VM cannot be migrated or saved now, or undefined. Paused VMs may be saved, not migrated. */
  blocker(forSave: boolean): string | undefined {
    if (this.retiredBecause) return this.retiredBecause;
    if (this.phase !== 'running') return `the domain is ${this.phase === 'halted' ? 'shut off' : this.phase}, not running`;
    if (this.holds.has('host')) return 'the domain is already being migrated or saved';
    if (this.holds.has('unstarted')) return 'the domain has not started';
    if (this.holds.has('user') && !forSave) return 'the domain is paused, not running';
    return undefined;
  }

  get userPaused(): boolean { return this.holds.has('user'); }

  /**
   * Hold the vCPU for the host (stop-and-copy, save). Returns the runner-clock time after which
   * no guest instruction ran: now if it was asleep in WFI or already paused (it needed no CPU),
   * else the end of its last slice. This thread runs it between slices, so it holds at once.
   */
  hold(): number {
    this.checkNotRetired();
    if (this.phase === 'halted') throw new Error(`the guest stopped its machine (${this.exit!.kind})`);
    if (this.phase !== 'running') throw new Error(`the VM is ${this.phase}`);
    const wasRunning = this.holds.size === 0;
    this.holds.add('host');
    this.wake.ring();
    return !wasRunning || this.inWfi || this.lastSliceEnd === undefined ? this.now() : this.lastSliceEnd;
  }

  /** Give back the host's hold: the vCPU continues exactly where it was, unless the user paused it. */
  release(): void {
    if (this.retiredBecause) return;
    if (this.holds.delete('host')) this.kick();
  }

  setThrottle(percent: number): void {
    if (!(percent >= 0 && percent <= 99)) throw new RangeError(`throttle must be 0..99 % (got ${percent})`);
    this.throttle = percent;
  }

  /** CPU, device and VM state; the vCPU must be held (only the host's hold guarantees it stays so). */
  saveState(): MachineState {
    if (this.holds.size === 0 || this.phase !== 'running') throw new Error('saveState: hold the VM first');
    return this.vm.saveState();
  }

  /**
   * The VM now runs elsewhere (a migration committed): keep it held and refuse everything. The
   * machine is left intact so that `unretire` can still take it back (the page's rollback when
   * the destination died before the page saw it run).
   */
  retire(reason: string): void {
    this.holds.add('host');
    this.retiredBecause = reason;
    this.agent?.dispose(); // requests still waiting answer false: this copy will not run again
  }

  /** Undo `retire` and give back the host's hold: the source runs on where it stopped. */
  unretire(): void {
    if (!this.retiredBecause) return;
    this.retiredBecause = undefined;
    this.agent = this.vm.agentUart ? this.newAgent(this.vm) : undefined;
    this.release();
  }

  get retired(): boolean { return this.retiredBecause !== undefined; }

  /**
   * Move every byte the guest printed into the output ring, waiting for the page to make room,
   * then resolve: after it, the ring holds the VM's last output (a held VM prints nothing more).
   * Gives up after `timeoutMs` (the page stopped reading) and returns the bytes still held.
   */
  async drainOutput(timeoutMs: number): Promise<number> {
    const t0 = this.now();
    for (;;) {
      const mark = this.output.readMark;
      this.flushOutput();
      if (this.backlogBytes === 0) return 0;
      const left = timeoutMs - (this.now() - t0);
      if (left <= 0) return this.backlogBytes;
      await this.output.waitForRoom(mark, Math.min(left, BACKLOG_WAIT_MS));
    }
  }

  // ---- the loop ------------------------------------------------------------------------------------

  private runState(): VmRunState {
    switch (this.phase) {
      case 'running': return this.holds.has('user') ? 'paused' : 'running';
      case 'halted': return this.exit?.kind === 'crashed' ? 'crashed' : 'stopped';
      default: return this.phase;
    }
  }

  private get runnable(): boolean { return this.phase === 'running' && this.holds.size === 0; }

  private checkNotRetired(): void {
    if (this.retiredBecause) throw new Error(this.retiredBecause);
  }

  /** Make `machine` the current one: booted from `boot` (announced), or empty for a restore. */
  private build(machine: Machine, boot?: BootImages): void {
    this.agent?.dispose();
    this.vm = new VirtualMachine(this.setup.module, machine, {
      consoleOut: (bytes) => this.queueOutput(bytes),
      now: this.now,
    });
    this.agent = this.vm.agentUart ? this.newAgent(this.vm) : undefined;
    this.lastSliceEnd = undefined;
    if (!boot) return;
    this.vm.boot(boot);
    this.deps.emit({ kind: 'booted', memory: this.vm.core.memory });
  }

  private newAgent(vm: VirtualMachine): GuestAgent {
    return new GuestAgent(vm, { now: this.now, onInput: () => this.wake.ring() });
  }

  private kick(): void {
    if (!this.looping && this.runnable) void this.loop();
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.runnable) {
        if (this.backlogBytes > OUTPUT_BACKLOG_BYTES) {
          await this.waitForOutputRoom();
          continue;
        }
        if (this.cpu) {
          await this.cpu.pool.acquire(this.cpu.slot);
          // Paused, reset or stopped while waiting for a CPU: look again.
          if (!this.runnable) { this.cpu.pool.release(this.cpu.slot); continue; }
        }
        this.feedInput();
        const t = this.now();
        if (this.firstSlice) { this.firstSlice(t); this.firstSlice = undefined; }
        let r: SliceResult;
        try {
          r = this.vm.runSlice(this.budget.value);
        } finally {
          if (this.cpu) this.cpu.pool.release(this.cpu.slot);
        }
        const end = this.now();
        this.lastSliceEnd = end;
        const ms = end - t;
        this.busyMs += ms;
        // An idle or stopped guest prints nothing more for now: the page may draw at once.
        this.flushOutput(r.kind !== 'ran');
        if (r.kind === 'exit') this.exited(r.exit);
        else if (r.kind === 'idle') await this.sleep(r.sleepMs);
        else {
          this.budget.update(ms);
          // Auto-converge: sleep p/(100-p) of the time just run, so the guest gets (100-p) % of it.
          if (this.throttle > 0) await this.throttled((ms * this.throttle) / (100 - this.throttle));
          else if (this.eagerTurns || (this.sinceTurnMs += ms) >= TURN_EVERY_MS) {
            this.sinceTurnMs = 0;
            await this.deps.yieldNow();
          }
        }
      }
    } catch (e) {
      this.phase = 'crashed';
      this.agent?.dispose();
      this.flushOutput();
      this.deps.emit({ kind: 'crashed', message: (e as Error).message || String(e) });
    } finally {
      this.looping = false;
    }
  }

  /** The guest stopped the machine: halt with it as it is, and let the lab decide (backend.ts). */
  private exited(exit: VmExit): void {
    this.phase = 'halted';
    this.exit = exit;
    this.deps.emit({ kind: 'exit', exit });
  }

  /** Sleep until the guest's next timer, console input or a control call, whichever comes first. */
  private async sleep(ms: number): Promise<void> {
    const mark = this.wake.mark; // taken before looking at the ring: no input slips between
    if (ms <= 0 || this.input.available > 0) return this.deps.yieldNow();
    const t = this.now();
    this.inWfi = true;
    try {
      await this.wake.sleep(mark, ms);
    } finally {
      this.inWfi = false;
    }
    this.idleMs += this.now() - t;
  }

  /** Hold the vCPU back for `ms` (throttling), waking early only to pause or stop. */
  private async throttled(ms: number): Promise<void> {
    const until = this.now() + ms;
    for (let left = ms; left > 0.5 && this.runnable; left = until - this.now()) {
      await this.wake.sleep(this.wake.mark, left);
    }
    await this.deps.yieldNow();
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

  /**
   * Move what the guest printed into the output ring, as much as fits. `resting`: the guest went
   * idle, so nothing follows for now; told once, with the last bytes or after them (ByteRing).
   */
  private flushOutput(resting = false): void {
    if (this.backlogBytes === 0) {
      if (resting && !this.toldResting) this.output.rest();
      this.toldResting ||= resting;
      return;
    }
    const n = this.output.write(this.backlog.subarray(0, this.backlogBytes), resting);
    this.backlog.copyWithin(0, n, this.backlogBytes);
    this.backlogBytes -= n;
    this.toldResting = resting && this.backlogBytes === 0;
  }

  private async waitForOutputRoom(): Promise<void> {
    const mark = this.output.readMark;
    this.flushOutput();
    if (this.backlogBytes > OUTPUT_BACKLOG_BYTES) await this.output.waitForRoom(mark, BACKLOG_WAIT_MS);
  }
}
