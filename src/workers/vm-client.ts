/**
 * The page's side of a VM worker: spawns it, moves console bytes through the shared rings, and
 * turns the lab's RunningVm calls into comlink calls. Runs on the main thread but touches no DOM.
 */
import * as Comlink from 'comlink';
import { ByteRing } from '../hypervisor/ring.ts';
import { WakeWord } from '../hypervisor/wake.ts';
import { CpuPool } from '../hypervisor/cpu-pool.ts';
import type { LaunchSpec, RunningVm, VmCounters, VmEvent, VmLauncher, VmSink } from '../hypervisor/lab/backend.ts';
import type { VmWorkerApi, WorkerSetup } from './protocol.ts';

/** Console input ring: far more than anyone types or pastes between two slices. */
const INPUT_RING_BYTES = 64 * 1024;
/** Console output ring: a whole Linux boot log fits, so a busy page never stalls a boot. */
const OUTPUT_RING_BYTES = 256 * 1024;
/** The output pump re-checks that its VM is alive this often when nothing is printed. */
const PUMP_IDLE_MS = 1000;

/**
 * CPUs the VMs may use at once: the machine's cores less one, which stays the page's, so that
 * however many guests boot the dashboard still answers at once.
 */
export function defaultVmCpus(): number {
  return Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
}

export class WorkerVmLauncher implements VmLauncher {
  /** Boot files copied once into shared memory: every later launch hands the worker the same bytes, uncopied. */
  private readonly shared = new WeakMap<Uint8Array, Uint8Array>();
  readonly cpus: CpuPool;

  constructor(private readonly module: WebAssembly.Module, cpus = defaultVmCpus()) {
    this.cpus = new CpuPool(CpuPool.allocate(cpus));
  }

  async launch(spec: LaunchSpec, sink: VmSink): Promise<RunningVm> {
    const worker = new Worker(new URL('./vm-worker.ts', import.meta.url), { type: 'module', name: `vm ${spec.name}` });
    const vm = new WorkerVm(worker, sink, this.cpus);
    const boot = { ...spec.boot, kernel: this.share(spec.boot.kernel), initrd: spec.boot.initrd && this.share(spec.boot.initrd) };
    try {
      await vm.start(this.module, { ...spec, boot });
    } catch (e) {
      vm.destroy();
      throw e;
    }
    return vm;
  }

  /**
   * Structured clone would copy megabytes of kernel and initramfs on the page's thread at each
   * start; a SharedArrayBuffer-backed view crosses to the worker for free.
   */
  private share(bytes: Uint8Array): Uint8Array {
    if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
    let s = this.shared.get(bytes);
    if (!s) {
      s = new Uint8Array(new SharedArrayBuffer(bytes.length));
      s.set(bytes);
      this.shared.set(bytes, s);
    }
    return s;
  }
}

class WorkerVm implements RunningVm {
  memory!: WebAssembly.Memory;
  private readonly api: Comlink.Remote<VmWorkerApi>;
  private readonly input = new ByteRing(ByteRing.allocate(INPUT_RING_BYTES));
  private readonly output = new ByteRing(ByteRing.allocate(OUTPUT_RING_BYTES));
  private readonly wake = new WakeWord(WakeWord.allocate());
  private readonly cpuSlot = CpuPool.allocateSlot();
  private pendingInput: Uint8Array[] = [];
  private feeding = false;
  private alive = true;
  /** Rejects when the worker itself fails (script error, out of memory): calls must not hang on it. */
  private readonly died: Promise<never>;

  constructor(private readonly worker: Worker, private readonly sink: VmSink, private readonly cpus: CpuPool) {
    this.api = Comlink.wrap<VmWorkerApi>(worker);
    this.died = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        const message = e.message || 'the VM worker failed';
        reject(new Error(message));
        if (this.alive) this.sink.event({ kind: 'crashed', message });
      });
    });
    this.died.catch(() => {});
  }

  async start(module: WebAssembly.Module, spec: LaunchSpec): Promise<void> {
    const setup: WorkerSetup = {
      module, ramBytes: spec.ramBytes, harts: spec.harts, boot: spec.boot,
      input: this.input.buffer, output: this.output.buffer, wake: this.wake.buffer,
      cpu: { pool: this.cpus.buffer, slot: this.cpuSlot },
    };
    const events = Comlink.proxy((e: VmEvent) => {
      if (!this.alive) return;
      if (e.kind === 'booted') this.memory = e.memory;
      this.sink.event(e);
    });
    this.memory = await this.call(this.api.start(setup, events));
    void this.pumpOutput();
  }

  consoleInput(bytes: Uint8Array): void {
    if (!this.alive || bytes.length === 0) return;
    this.pendingInput.push(bytes.slice());
    void this.feedInput();
  }

  pause(): Promise<void> { return this.call(this.api.pause()); }
  resume(): Promise<void> { return this.call(this.api.resume()); }
  reboot(): Promise<void> { return this.call(this.api.reset()); }
  shutdown(): Promise<void> { return this.call(this.api.stop()); }
  counters(): Promise<VmCounters> { return this.call(this.api.stats()); }

  destroy(): void {
    if (!this.alive) return;
    this.alive = false;
    this.worker.terminate();
    // It may have died holding (or waiting for) a CPU: the other VMs must not wait for it.
    this.cpus.reclaim(new Int32Array(this.cpuSlot));
    this.api[Comlink.releaseProxy]();
  }

  private call<T>(p: Promise<T>): Promise<T> {
    if (!this.alive) return Promise.reject(new Error('the VM is gone'));
    return Promise.race([p, this.died]);
  }

  /** Hand everything the guest prints to the sink, waking only when there is something. */
  private async pumpOutput(): Promise<void> {
    while (this.alive) {
      const mark = this.output.writeMark;
      const bytes = this.output.read();
      if (bytes.length > 0) this.sink.output(bytes);
      else await this.output.waitForData(mark, PUMP_IDLE_MS);
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
