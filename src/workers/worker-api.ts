/**
 * What a VM worker does for the page (protocol.ts VmWorkerApi), as a plain object: vm-worker.ts
 * exposes it over comlink in a real Worker; tests expose it on one end of a node MessageChannel,
 * so that the page's side (vm-client.ts) runs against it unchanged. DOM-free.
 *
 * A worker holds at most one VM in its life: launched, received by migration, or restored. It may
 * be the source of migrations and saves (one at a time) until it is terminated.
 */
import * as Comlink from 'comlink';
import { makeTurn } from '../hypervisor/turn.ts';
import type { Machine } from '../hypervisor/machine/board.ts';
import type { PortLike } from '../hypervisor/migration/transport.ts';
import type { VmEvent } from '../hypervisor/lab/backend.ts';
import { VmRunner, type RunnerDeps } from './vm-runner.ts';
import { OutgoingMigration, saveRunner } from './migration-source.ts';
import { IncomingVm, restoreRunner, type HeaderCheck } from './migration-destination.ts';
import type { MigrationCommand, VmWorkerApi, WorkerSetup } from './protocol.ts';

export interface WorkerApiOptions {
  /** Fault injection for tests: looks at an incoming or restored stream's header; throw to refuse. */
  readonly checkHeader?: HeaderCheck;
  /** Fault injection for tests: what the migration engine sees of its MessagePort (a link that can be cut). */
  readonly wrapPort?: (port: PortLike, side: 'source' | 'destination') => PortLike;
}

/** The API plus what only the host of the object may call. */
export interface VmWorkerHost {
  readonly api: VmWorkerApi;
  /** The worker ends (terminated or killed): stop the VM, drop the migration port silently. */
  dispose(reason: string): void;
  /** The VM, for tests. */
  readonly runner: VmRunner | undefined;
}

export function createVmWorker(opts: WorkerApiOptions = {}): VmWorkerHost {
  const yieldNow = makeTurn();
  let runner: VmRunner | undefined;
  /** Set while the worker builds its VM (incoming or restore): one VM per worker. */
  let claimed = false;
  let outgoing: OutgoingMigration | undefined;
  let inbound: IncomingVm | undefined;

  const deps = (events: (e: VmEvent) => void): RunnerDeps => ({ yieldNow, emit: (e) => { void Promise.resolve(events(e)).catch(() => {}); } });
  const claim = () => {
    if (claimed) throw new Error('this worker already has a VM');
    claimed = true;
  };
  const current = (): VmRunner => {
    if (!runner) throw new Error('the VM has not been started');
    return runner;
  };
  const migrating = () => outgoing !== undefined && !outgoing.finished;
  const notMigrating = (what: string) => {
    if (migrating()) throw new Error(`cannot ${what} while the domain is being migrated`);
  };

  const api: VmWorkerApi = {
    start(setup, events) {
      claim();
      runner = new VmRunner(setup, deps(events));
      // The user's hold, taken before the first slice: resume() lets the vCPU run.
      if (setup.paused) runner.pause();
      void runner.start();
      return runner.memory;
    },

    async incoming(setup, port, options, events) {
      claim();
      const make = (machine: Machine) => new VmRunner(setup, deps(events), machine);
      inbound = new IncomingVm(opts.wrapPort?.(port, 'destination') ?? port, options, make, opts.checkHeader);
      runner = await inbound.done;
      return runner.memory;
    },

    async restore(setup: WorkerSetup, stream, events, paused = false) {
      claim();
      const r = await restoreRunner(stream, (machine) => new VmRunner(setup, deps(events), machine), { check: opts.checkHeader, paused });
      runner = r;
      return { memory: r.memory, ramBytes: r.machine.machine.ramBytes, harts: r.machine.machine.harts };
    },

    pause: () => { notMigrating('pause'); current().pause(); },
    resume: () => { notMigrating('resume'); current().resume(); },
    reset: () => {
      notMigrating('reboot');
      current().reset();
      return current().memory;
    },
    stop: () => {
      if (migrating()) outgoing!.cancel();
      current().stop();
    },
    stats: () => current().counters(),

    async requestShutdown(kind, timeoutMs) {
      // Not during a migration: an answer would come to whichever copy runs by then.
      if (migrating()) return false;
      return current().requestShutdown(kind, timeoutMs);
    },

    async save(domain, paused = false) {
      notMigrating('save');
      const bytes = await saveRunner(current(), domain, paused);
      return Comlink.transfer(bytes, [bytes.buffer]);
    },

    migrate(port, options, report) {
      notMigrating('migrate');
      outgoing = new OutgoingMigration(current(), opts.wrapPort?.(port, 'source') ?? port, options, report);
      // Once `finished` is sent the page's callback is not needed: let its port go.
      void outgoing.run().then(() => releaseRemote(report));
    },

    migration(command: MigrationCommand): boolean {
      const m = outgoing;
      if (!m) return false;
      switch (command.kind) {
        case 'cancel': return m.cancel();
        case 'max-downtime': m.setMaxDowntime(command.ms); return true;
        case 'bandwidth': m.setBandwidth(command.bps); return true;
        case 'lost': m.lost(command.reason); return true;
        case 'rollback': return m.rollback();
      }
    },
  };

  return {
    api,
    get runner() { return runner; },
    dispose(reason) {
      inbound?.lost(reason);
      if (migrating()) outgoing!.lost(reason);
      runner?.stop();
    },
  };
}

/** Let go of a comlink proxy of the page's (its MessagePort closes); plain functions (tests) need nothing. */
function releaseRemote(f: unknown): void {
  try {
    (f as { [Comlink.releaseProxy]?: () => void })[Comlink.releaseProxy]?.();
  } catch { /* already released */ }
}
