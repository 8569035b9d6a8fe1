/**
 * The page's side of the VM workers (backend.ts VmLauncher): spawns one worker per VM and hands
 * out WorkerVm handles (worker-vm.ts); live migrations (migration-job.ts) and restores each get a
 * new worker with its own memory. Runs on the main thread but touches no DOM; only
 * `spawnBrowserWorker` needs a browser, and tests pass their own spawner.
 */
import type { Endpoint } from 'comlink';
import { CpuPool } from '../hypervisor/cpu-pool.ts';
import type { BootImages } from '../hypervisor/vm.ts';
import type { LaunchSpec, MigrationJob, MigrationRequest, RestoreOptions, RunningVm, VmLauncher, VmSink } from '../hypervisor/lab/backend.ts';
import { WorkerVm, type VmWorkerHandle } from './worker-vm.ts';
import { WorkerMigrationJob, type JobOptions } from './migration-job.ts';

export { WorkerVm, type VmWorkerHandle } from './worker-vm.ts';

/**
 * CPUs the VMs may use at once: the machine's cores less one, which stays the page's, so that
 * however many guests boot the dashboard still answers at once.
 */
export function defaultVmCpus(): number {
  return Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
}

/** Makes the worker for a VM named `name`. */
export type SpawnVmWorker = (name: string) => VmWorkerHandle;

/** A real Web Worker running vm-worker.ts. */
export function spawnBrowserWorker(name: string): VmWorkerHandle {
  const worker = new Worker(new URL('./vm-worker.ts', import.meta.url), { type: 'module', name: `vm ${name}` });
  // A spare worker may fail (its script did not load) before anyone listens: keep the failure
  // for the listener that comes later, so a VM started on it fails instead of waiting forever.
  let failure: string | undefined;
  const listeners: ((message: string) => void)[] = [];
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    failure ??= e.message || 'the VM worker failed';
    for (const l of listeners) l(failure);
  });
  return {
    endpoint: worker as Endpoint,
    terminate: () => worker.terminate(),
    onError: (listener) => {
      listeners.push(listener);
      if (failure !== undefined) queueMicrotask(() => listener(failure!));
    },
  };
}

export interface LauncherOptions {
  readonly cpus?: number;
  readonly spawn?: SpawnVmWorker;
  /**
   * Keep one worker spawned ahead of need (default: with the browser's spawner). Starting a
   * worker — fetching, parsing and running its script — takes tens of milliseconds; with a
   * spare, a VM's boot begins as soon as Start is clicked; the next spare loads a little later,
   * not while that boot competes for the machine's cores.
   */
  readonly spare?: boolean;
  /** Engine settings for migrations (tests: shorter timeouts, small chunks). */
  readonly migration?: JobOptions;
}

/** How long after a VM starts the next spare worker is spawned: a Linux boot takes ~0.3 s. */
const SPARE_DELAY_MS = 1000;

export class WorkerVmLauncher implements VmLauncher {
  /** Boot files copied once into shared memory: every later launch hands the worker the same bytes, uncopied. */
  private readonly shared = new WeakMap<Uint8Array, Uint8Array>();
  private readonly spawnWorker: SpawnVmWorker;
  private spare: VmWorkerHandle | undefined;
  private readonly keepSpare: boolean;
  private spareTimer: ReturnType<typeof setTimeout> | undefined;
  readonly cpus: CpuPool;

  constructor(private readonly module: WebAssembly.Module, private readonly opts: LauncherOptions = {}) {
    this.cpus = new CpuPool(CpuPool.allocate(opts.cpus ?? defaultVmCpus()));
    this.spawnWorker = opts.spawn ?? spawnBrowserWorker;
    this.keepSpare = opts.spare ?? opts.spawn === undefined;
    if (this.keepSpare) this.spare = this.spawnWorker('spare');
  }

  /** A worker for VM `name`: the spare if there is one (a new spare follows once things settle). */
  private spawn(name: string): VmWorkerHandle {
    const w = this.spare ?? this.spawnWorker(name);
    this.spare = undefined;
    if (this.keepSpare) {
      clearTimeout(this.spareTimer);
      this.spareTimer = setTimeout(() => { this.spare ??= this.spawnWorker('spare'); }, SPARE_DELAY_MS);
    }
    return w;
  }

  async launch(spec: LaunchSpec, sink: VmSink): Promise<RunningVm> {
    const boot = this.shareBoot(spec.boot);
    const vm = new WorkerVm(this.spawn(spec.name), sink, this.cpus, boot);
    try {
      await vm.start(this.module, { ...spec, boot });
    } catch (e) {
      vm.destroy();
      throw e;
    }
    return vm;
  }

  /**
   * Live-migrate `source` (a VM of this launcher) to a new worker. The destination's console goes
   * to `sink`, opened only when it takes over from the source's (see worker-vm.ts).
   */
  migrate(source: RunningVm, request: MigrationRequest, sink: VmSink): MigrationJob {
    if (!(source instanceof WorkerVm)) throw new Error('this VM does not run in a worker of this page');
    const dest = new WorkerVm(this.spawn(request.name), sink, this.cpus, source.boot, { open: false });
    return new WorkerMigrationJob(source, dest, request, this.module, this.opts.migration);
  }

  /**
   * virsh restore: a new worker builds the VM from the save stream and runs it (or holds it,
   * `paused`). `boot`, if given, is what a later reboot boots (a save stream does not carry the images).
   */
  async restore(stream: Uint8Array, name: string, sink: VmSink, { boot, paused = false }: RestoreOptions = {}): Promise<RunningVm> {
    const vm = new WorkerVm(this.spawn(name), sink, this.cpus, boot && this.shareBoot(boot));
    try {
      await vm.restore(this.module, stream, paused);
    } catch (e) {
      vm.destroy();
      throw e;
    }
    return vm;
  }

  private shareBoot(boot: BootImages): BootImages {
    return { ...boot, kernel: this.share(boot.kernel), initrd: boot.initrd && this.share(boot.initrd) };
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
