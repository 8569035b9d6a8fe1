/**
 * The destination side of a live migration, and restore from a save stream, in the new VM's own
 * worker: IncomingMigration (or restoreVm) fills an empty, unstarted VmRunner built from the
 * stream's header, and starting it makes it the worker's ordinary running VM. DOM-free: tests
 * drive it with node's MessageChannel.
 *
 * The stream is hostile input (stream.ts checks every record). On top of that the header must
 * describe the machine the page prepared this worker for (its RAM and vCPUs were admitted on the
 * target host), and a save file must say it is one.
 */
import { IncomingMigration } from '../hypervisor/migration/incoming.ts';
import { restoreVm } from '../hypervisor/migration/savefile.ts';
import { PortTransport, type PortLike, type ToDestination, type ToSource } from '../hypervisor/migration/transport.ts';
import { StreamError, type MigrationHeader } from '../hypervisor/migration/stream.ts';
import type { DestinationVm } from '../hypervisor/migration/restore.ts';
import type { Machine } from '../hypervisor/machine/board.ts';
import type { MachineState } from '../hypervisor/snapshot/machine.ts';
import type { VmRunner } from './vm-runner.ts';
import { DelayedPort } from './link-port.ts';
import { sharedClock } from './migration-source.ts';
import type { IncomingOptions } from './protocol.ts';

/** Builds the empty runner for a stream's machine. */
export type MakeRunner = (machine: Machine) => VmRunner;
/** A test's say on a header before the VM is built: throw to refuse (fault injection). */
export type HeaderCheck = (header: MigrationHeader) => void;

/** Restore feeds the reader this much at a time (a save file is the size of the guest's RAM). */
const RESTORE_CHUNK_BYTES = 1024 * 1024;

/** DestinationVm over an unstarted VmRunner. */
export class RunnerDestination implements DestinationVm {
  constructor(readonly runner: VmRunner, private readonly clock: () => number = sharedClock) {}

  ram(): Uint8Array { return this.runner.machine.core.ram(); }
  restoreState(state: MachineState): void { this.runner.machine.restoreState(state); }
  async start(): Promise<number> {
    const t = await this.runner.start();
    return t - this.runner.clock() + this.clock();
  }
  destroy(): void { this.runner.stop(); }
}

function mib(bytes: number): string { return `${Math.round(bytes / 2 ** 20)} MiB`; }

/** One incoming migration: resolves `done` with the running runner. */
export class IncomingVm {
  readonly incoming: IncomingMigration;
  readonly done: Promise<VmRunner>;
  private readonly transport: PortTransport<ToSource, ToDestination>;

  constructor(port: PortLike, opts: IncomingOptions, make: MakeRunner, check?: HeaderCheck, clock: () => number = sharedClock) {
    this.transport = new PortTransport<ToSource, ToDestination>(new DelayedPort(port, opts.latencyMs));
    this.incoming = new IncomingMigration(this.transport, (h) => {
      if (h.kind !== 'live') throw new StreamError('this is a save file, not a live migration');
      if (h.machine.ramBytes !== opts.ramBytes || h.machine.harts !== opts.harts) {
        throw new Error(`this VM was prepared for ${mib(opts.ramBytes)} and ${opts.harts} vCPU(s), the stream's has ${mib(h.machine.ramBytes)} and ${h.machine.harts}`);
      }
      check?.(h);
      return new RunnerDestination(make(h.machine), clock);
    });
    this.done = this.incoming.done.then((vm) => (vm as RunnerDestination).runner);
    this.done.catch(() => {});
  }

  /** The worker is going away: fail whatever is in progress, tell nobody (nobody can hear). */
  lost(reason: string): void { this.transport.lost(reason); }
}

/**
 * Build a running VM from a save stream (virsh restore); `paused`: held by the user before its
 * first instruction. Any problem — not a save stream, damaged, truncated, a machine this host
 * cannot build — is one error, and whatever was built is gone.
 */
export async function restoreRunner(stream: Uint8Array, make: MakeRunner, { check, paused = false }: { check?: HeaderCheck; paused?: boolean } = {}): Promise<VmRunner> {
  let built: VmRunner | undefined;
  const chunks = function* () {
    for (let o = 0; o < stream.length; o += RESTORE_CHUNK_BYTES) yield stream.subarray(o, o + RESTORE_CHUNK_BYTES);
  };
  await restoreVm(chunks(), (h) => {
    if (h.kind !== 'save') throw new StreamError('this is a live migration stream, not a save file');
    check?.(h);
    built = make(h.machine);
    return new RunnerDestination(built);
  });
  if (paused) built!.pause();
  await built!.start();
  return built!;
}
