/**
 * The page's handle on one VM worker (backend.ts RunningVm): turns the lab's calls into comlink
 * calls, moves console bytes through the shared rings, and hands the console over from a
 * migration's source to its destination. Runs on the page's main thread but touches no DOM: the
 * worker is whatever `VmWorkerHandle` says (a Web Worker in the page, an in-process endpoint in
 * Node tests).
 *
 * Console handover (a live migration, DESIGN.md §6: no byte lost or repeated, typing goes on):
 *
 *   output  The destination's output (and events) are held — in its own ring and worker — until
 *           the page commits; it never interleaves with the source's. The source's worker puts
 *           its last bytes into its ring before it reports the migration finished, and the page
 *           reads that ring dry (`handOverTo`) before it opens the destination's. The guest's
 *           UART state, with the input it had not read yet, travels in the stream.
 *   input   The lab types into the source until `done` resolves. During the switchover the
 *           source's vCPU is held and reads nothing: bytes stay in its input ring (or queued here
 *           when the ring is full). At the handover the page takes them out of that ring — it is
 *           the ring's only reader then, the source being held for good — and gives them to the
 *           destination before anything typed later; from then on the old handle forwards what it
 *           is given. If the migration fails instead, the source resumes and reads them itself.
 */
import * as Comlink from 'comlink';
import { ByteRing } from '../hypervisor/ring.ts';
import { WakeWord } from '../hypervisor/wake.ts';
import { CpuPool } from '../hypervisor/cpu-pool.ts';
import type { BootImages } from '../hypervisor/vm.ts';
import type { GuestRequest, LaunchSpec, RunningVm, VmCounters, VmEvent, VmSink } from '../hypervisor/lab/backend.ts';
import type { IncomingOptions, VmWorkerApi, WorkerSetup } from './protocol.ts';

/** Console input ring: far more than anyone types or pastes between two slices. */
const INPUT_RING_BYTES = 64 * 1024;
/** Console output ring: a whole Linux boot log fits, so a busy page never stalls a boot. */
const OUTPUT_RING_BYTES = 256 * 1024;
/** The output pump re-checks that its VM is alive this often when nothing is printed. */
const PUMP_IDLE_MS = 1000;

/** A VM's worker as the page sees it. */
export interface VmWorkerHandle {
  /** What comlink talks to (a Worker, or a MessagePort in tests). */
  readonly endpoint: Comlink.Endpoint;
  /** End the worker at once. */
  terminate(): void;
  /** `listener` runs if the worker dies by itself (script error, out of memory). */
  onError(listener: (message: string) => void): void;
}

/** Someone who must hear that this VM went away under it (a migration it takes part in). */
export interface VmWatcher {
  gone(message: string): void;
}

export class WorkerVm implements RunningVm {
  memory!: WebAssembly.Memory;
  /** The machine's size, for migrating it on. */
  ramBytes = 0;
  harts = 0;
  private readonly api: Comlink.Remote<VmWorkerApi>;
  private readonly input = new ByteRing(ByteRing.allocate(INPUT_RING_BYTES));
  private readonly output = new ByteRing(ByteRing.allocate(OUTPUT_RING_BYTES));
  private readonly wake = new WakeWord(WakeWord.allocate());
  private readonly cpuSlot = CpuPool.allocateSlot();
  private pendingInput: Uint8Array[] = [];
  private feeding = false;
  private alive = true;
  /** Output and events reach the sink only once open (a migration's destination: at the handover). */
  private open: boolean;
  private pumping = false;
  private heldEvents: VmEvent[] = [];
  /** After a handover: the VM this one's console input now goes to. */
  private successor: WorkerVm | undefined;
  /** Told if this VM's worker dies or it is destroyed (a migration it is part of). */
  watcher: VmWatcher | undefined;
  /** Rejects when the worker itself fails (script error, out of memory): calls must not hang on it. */
  private readonly died: Promise<never>;

  constructor(
    private readonly worker: VmWorkerHandle,
    private readonly sink: VmSink,
    private readonly cpus: CpuPool,
    /** What a reboot boots; a migration's destination gets the source's. */
    readonly boot: BootImages | undefined,
    { open = true }: { open?: boolean } = {},
  ) {
    this.open = open;
    this.api = Comlink.wrap<VmWorkerApi>(worker.endpoint);
    this.died = new Promise<never>((_, reject) => {
      worker.onError((message) => {
        reject(new Error(message));
        if (!this.alive) return;
        this.watcher?.gone(message);
        this.deliver({ kind: 'crashed', message });
      });
    });
    this.died.catch(() => {});
  }

  get isAlive(): boolean { return this.alive; }

  /** Boot the machine in the worker and start pumping its console. */
  async start(module: WebAssembly.Module, spec: LaunchSpec): Promise<void> {
    this.ramBytes = spec.ramBytes;
    this.harts = spec.harts;
    const setup = { ...this.setup(module), ramBytes: spec.ramBytes, harts: spec.harts, boot: spec.boot, paused: spec.paused };
    this.memory = await this.call(() => this.api.start(setup, this.events()));
    this.pump();
  }

  /** Receive a live migration on `port`; resolves once the VM runs (its console still closed). */
  async receive(module: WebAssembly.Module, port: MessagePort, opts: IncomingOptions): Promise<void> {
    this.ramBytes = opts.ramBytes;
    this.harts = opts.harts;
    this.memory = await this.call(() => this.api.incoming(this.setup(module), Comlink.transfer(port, [port]), opts, this.events()));
    this.pump();
  }

  /** Build the VM from a save stream (a copy is sent) and run it, or hold it where it was (`paused`). */
  async restore(module: WebAssembly.Module, stream: Uint8Array, paused = false): Promise<void> {
    const copy = stream.slice();
    const r = await this.call(() => this.api.restore(this.setup(module), Comlink.transfer(copy, [copy.buffer]), this.events(), paused));
    this.memory = r.memory;
    this.ramBytes = r.ramBytes;
    this.harts = r.harts;
    this.pump();
  }

  consoleInput(bytes: Uint8Array): void {
    if (this.successor) return this.successor.consoleInput(bytes);
    if (!this.alive || bytes.length === 0) return;
    this.pendingInput.push(bytes.slice());
    void this.feedInput();
  }

  pause(): Promise<void> { return this.call(() => this.api.pause()); }
  resume(): Promise<void> { return this.call(() => this.api.resume()); }
  async reboot(): Promise<void> { this.memory = await this.call(() => this.api.reset()); }
  shutdown(): Promise<void> { return this.call(() => this.api.stop()); }
  counters(): Promise<VmCounters> { return this.call(() => this.api.stats()); }
  requestShutdown(kind: GuestRequest, timeoutMs: number): Promise<boolean> {
    return this.call(() => this.api.requestShutdown(kind, timeoutMs));
  }
  save(domain: unknown, paused = false): Promise<Uint8Array> { return this.call(() => this.api.save(domain, paused)); }

  destroy(): void {
    if (!this.alive) return;
    this.release();
    this.watcher?.gone('the VM was destroyed');
  }

  // ---- console handover -------------------------------------------------------------------------

  /**
   * Migration committed: this (the source) gives its console to `next`. Its worker has put its
   * last output in the ring and reads no more input (it is held for good); the ring's rest goes to
   * this VM's sink, then `next`'s output opens, then the input this VM never read goes to `next`
   * first. This VM's worker ends.
   */
  handOverTo(next: WorkerVm): void {
    const last = this.output.read();
    if (last.length > 0) this.sink.output(last);
    next.openConsole();
    const unread = [this.input.read(), ...this.pendingInput];
    this.pendingInput = [];
    this.successor = next;
    this.release();
    for (const bytes of unread) next.consoleInput(bytes);
  }

  /** Let the held output and events through (a migration's destination, at the handover). */
  openConsole(): void {
    if (this.open) return;
    this.open = true;
    for (const e of this.heldEvents.splice(0)) this.sink.event(e);
    this.pump();
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  private setup(module: WebAssembly.Module): WorkerSetup {
    return {
      module, input: this.input.buffer, output: this.output.buffer, wake: this.wake.buffer,
      cpu: { pool: this.cpus.buffer, slot: this.cpuSlot },
      ...(this.boot ? { boot: this.boot } : {}),
    };
  }

  private events(): (e: VmEvent) => void {
    return Comlink.proxy((e: VmEvent) => {
      if (!this.alive) return;
      if (e.kind === 'booted') this.memory = e.memory;
      this.deliver(e);
    });
  }

  private deliver(e: VmEvent): void {
    if (this.open) this.sink.event(e);
    else this.heldEvents.push(e);
  }

  /** Terminate the worker and give back its CPU; nothing more reaches the sink. */
  private release(): void {
    this.alive = false;
    this.worker.terminate();
    // It may have died holding (or waiting for) a CPU: the other VMs must not wait for it.
    this.cpus.reclaim(new Int32Array(this.cpuSlot));
    this.api[Comlink.releaseProxy]();
  }

  /** Any other call to the worker (a migration's), on the same terms as the lab's. */
  callWorker<T>(send: (api: Comlink.Remote<VmWorkerApi>) => Promise<T>): Promise<T> {
    return this.call(() => send(this.api));
  }

  /** A call to the worker, unless it is gone; fails at once if the worker dies meanwhile. */
  private call<T>(send: () => Promise<T>): Promise<T> {
    if (!this.alive) return Promise.reject(new Error('the VM is gone'));
    return Promise.race([send(), this.died]);
  }

  private pump(): void {
    if (this.open && !this.pumping) void this.pumpOutput();
  }

  /** Hand everything the guest prints to the sink, waking only when there is something. */
  private async pumpOutput(): Promise<void> {
    this.pumping = true;
    let toldResting = false;
    try {
      while (this.alive) {
        const mark = this.output.writeMark;
        const bytes = this.output.read();
        const resting = this.output.resting;
        // Bytes, or no bytes but the news that the guest went idle after the last ones.
        if (bytes.length > 0 || (resting && !toldResting)) {
          this.sink.output(bytes, resting);
          toldResting = resting;
        } else await this.output.waitForData(mark, PUMP_IDLE_MS);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Move typed bytes into the input ring, waiting for room when a paste overfills it. */
  private async feedInput(): Promise<void> {
    if (this.feeding) return;
    this.feeding = true;
    try {
      while (this.alive && this.pendingInput.length > 0) {
        const mark = this.input.readMark;
        const head = this.pendingInput[0];
        const n = this.input.write(head);
        if (n === head.length) this.pendingInput.shift();
        else this.pendingInput[0] = head.subarray(n);
        this.wake.ring();
        if (n < head.length) await this.input.waitForRoom(mark, PUMP_IDLE_MS);
      }
    } finally {
      this.feeding = false;
    }
  }
}
