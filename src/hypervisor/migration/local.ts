/**
 * A VM run in the current thread by an asynchronous slice loop, as a migration source and as a
 * destination. Used by the tests and by any host that keeps VMs in-process (the Node CLI); the
 * page does the same in a worker (src/workers/vm-runner.ts), and its adapter implements the same
 * two interfaces (MigrationSource, DestinationVm) over comlink.
 *
 * The loop gives the event loop a turn after every slice, so the migration engine, transports and
 * timers run between slices: everything the engine asks for (dirty-log sync, pause, state) is
 * therefore taken at a slice boundary, as dirty-log.ts requires.
 */
import { VirtualMachine, type VmExit, type VmIo } from '../vm.ts';
import { SliceBudget } from '../slice-budget.ts';
import type { MachineState } from '../snapshot/machine.ts';
import type { MigrationSource } from './precopy.ts';
import type { DestinationVm } from './restore.ts';
import type { MigrationHeader } from './stream.ts';
import { syncDirtyLog } from './dirty-log.ts';
import { makeTurn } from '../turn.ts';

export type LocalRunState = 'created' | 'running' | 'paused' | 'exited' | 'crashed' | 'destroyed';

/** A WFI sleep is cut to this so a paused or resumed loop notices soon. */
const MAX_IDLE_MS = 20;

export class LocalVm implements MigrationSource, DestinationVm {
  private state: LocalRunState = 'created';
  /** Bumped by every start/resume: a loop from before a pause stops when it sees a newer one. */
  private generation = 0;
  private throttle = 0;
  private readonly budget = new SliceBudget();
  private lastSliceEnd = 0;
  private sleeping = false;
  private wakeUp: (() => void) | undefined;
  private firstSlice: ((t: number) => void) | undefined;
  private readonly turn: () => Promise<void> = makeTurn();
  private readonly exitWaiters: ((e: VmExit | Error) => void)[] = [];
  /** Set when the guest ended (or the loop crashed: `error`). */
  exit: VmExit | undefined;
  error: Error | undefined;
  busyMs = 0;

  constructor(readonly vm: VirtualMachine, private readonly clock: () => number = () => performance.now()) {}

  /** A destination factory for IncomingMigration / restoreVm: a fresh, unstarted VM per header. */
  static factory(module: WebAssembly.Module, io: VmIo, clock?: () => number): (h: MigrationHeader) => LocalVm {
    return (h) => new LocalVm(new VirtualMachine(module, h.machine, io), clock);
  }

  get machine() { return this.vm.machine; }
  get runState(): LocalRunState { return this.state; }
  get throttlePercent(): number { return this.throttle; }

  /** Start (or, after pause, continue) the slice loop; resolves with the time the first slice began. */
  start(): Promise<number> {
    if (this.state !== 'created' && this.state !== 'paused') throw new Error(`cannot start a ${this.state} VM`);
    return new Promise<number>((resolve) => {
      this.firstSlice = resolve;
      this.state = 'running';
      void this.loop(++this.generation);
    });
  }

  consoleInput(bytes: Uint8Array): number {
    const dropped = this.vm.consoleInput(bytes);
    this.wakeUp?.();
    return dropped;
  }

  /** Resolves when the guest exits (or rejects if the loop crashed). */
  waitExit(): Promise<VmExit> {
    if (this.exit) return Promise.resolve(this.exit);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => this.exitWaiters.push((e) => (e instanceof Error ? reject(e) : resolve(e))));
  }

  // ---- MigrationSource ---------------------------------------------------------------------------

  migrationBlocker(): string | undefined {
    if (this.state === 'running') return undefined;
    return `the domain is ${this.state === 'exited' ? 'shut off' : this.state}, not running`;
  }

  ram(): Uint8Array { return this.vm.core.ram(); }

  syncDirtyLog(): Uint8Array {
    // In this thread the loop is always between slices when anyone else runs.
    return syncDirtyLog(this.vm.core);
  }

  setThrottle(percent: number): void {
    if (!(percent >= 0 && percent <= 99)) throw new RangeError(`throttle must be 0..99 % (got ${percent})`);
    this.throttle = percent;
  }

  /** Stop at the slice boundary (now, in this thread). Returns when the guest last ran: now if it
   *  was asleep in WFI (it needed no CPU), else the end of its last slice. */
  pause(): number {
    if (this.state !== 'running') throw new Error(`cannot pause a ${this.state} VM`);
    const stoppedAt = this.sleeping ? this.clock() : this.lastSliceEnd;
    this.state = 'paused';
    this.generation++;
    this.wakeUp?.();
    return stoppedAt;
  }

  resume(): void {
    if (this.state !== 'paused') return;
    void this.start();
  }

  saveState(): MachineState {
    if (this.state === 'running') throw new Error('saveState: pause the VM first');
    return this.vm.saveState();
  }

  destroy(): void {
    if (this.state === 'running' || this.state === 'paused') this.generation++;
    this.state = 'destroyed';
    this.wakeUp?.();
  }

  // ---- DestinationVm -----------------------------------------------------------------------------

  restoreState(state: MachineState): void {
    if (this.state !== 'created') throw new Error('restoreState: only an unstarted VM can be restored');
    this.vm.restoreState(state);
  }

  // ---- the loop ----------------------------------------------------------------------------------

  private async loop(gen: number): Promise<void> {
    while (gen === this.generation && this.state === 'running') {
      const t = this.clock();
      if (this.firstSlice) { this.firstSlice(t); this.firstSlice = undefined; }
      let r;
      try {
        r = this.vm.runSlice(this.budget.value);
      } catch (e) {
        this.ended('crashed', e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const end = this.clock();
      this.lastSliceEnd = end;
      this.busyMs += end - t;
      if (r.kind === 'exit') { this.ended('exited', r.exit); return; }
      if (r.kind === 'idle') {
        await this.sleep(Math.min(r.sleepMs, MAX_IDLE_MS));
        continue;
      }
      this.budget.update(end - t);
      // Auto-converge: sleep p/(100-p) of the time just run, so the guest gets (100-p) % of it.
      if (this.throttle > 0) await this.sleep(((end - t) * this.throttle) / (100 - this.throttle));
      else await this.turn();
    }
  }

  private ended(state: 'exited' | 'crashed', why: VmExit | Error): void {
    this.state = state;
    if (why instanceof Error) this.error = why;
    else this.exit = why;
    for (const w of this.exitWaiters.splice(0)) w(why);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return this.turn();
    this.sleeping = true;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleeping = false;
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
