/**
 * The source side of a live migration (and of a save) in the VM's own worker: the migration
 * engine (PreCopyMigration) runs on the same thread as the VM's slice loop, against an adapter
 * over its VmRunner. DOM-free: tests drive it with node's MessageChannel.
 *
 * Because the engine and the loop share the thread, whatever the engine asks for runs between
 * two slices, never during one: the dirty-log sync (migration/README.md's contract), the pause
 * (the host's hold: it takes effect at once, and the time of the last instruction is the end of
 * the last slice, or now if the guest was asleep in WFI), the state, and the resume (releasing
 * the hold: the loop continues exactly where it stopped). The throttle is the runner's.
 *
 * Commit and rollback: when the destination answers `running`, the engine destroys the source;
 * here that retires the runner — held for good, nothing runs it — but leaves its machine intact
 * until the page terminates the worker. Before that, the page can still take the migration back
 * (`rollback`) if it finds the destination dead before it handed the console over. Either way
 * exactly one copy runs from the page's point of view: the destination's output is not shown,
 * nor input given to it, before the page commits (see worker-vm.ts).
 */
import { PreCopyMigration, type MigrationInfo, type MigrationSource } from '../hypervisor/migration/precopy.ts';
import { PortTransport, type PortLike, type ToDestination, type ToSource } from '../hypervisor/migration/transport.ts';
import { syncDirtyLog } from '../hypervisor/migration/dirty-log.ts';
import { saveVm } from '../hypervisor/migration/savefile.ts';
import type { MachineState } from '../hypervisor/snapshot/machine.ts';
import type { Machine } from '../hypervisor/machine/board.ts';
import type { VmRunner } from './vm-runner.ts';
import { DelayedPort } from './link-port.ts';
import type { OutgoingOptions, SourceReport } from './protocol.ts';

/** One clock for both workers, for the downtime figure (precopy.ts PreCopyOptions.clock). */
export const sharedClock = (): number => performance.timeOrigin + performance.now();

/** How often the page gets fresh figures between engine events (bytes move within a round). */
const PROGRESS_MS = 250;
/** Longest the source waits for the page to read its last output after the switchover. */
const OUTPUT_DRAIN_MS = 5000;

/** MigrationSource over a VmRunner, in the runner's thread. */
export class RunnerSource implements MigrationSource {
  constructor(private readonly runner: VmRunner, private readonly clock: () => number = sharedClock, private readonly forSave = false) {}

  get machine(): Machine { return this.runner.machine.machine; }
  migrationBlocker(): string | undefined { return this.runner.blocker(this.forSave); }
  ram(): Uint8Array { return this.runner.machine.core.ram(); }
  /** This thread only runs it between slices (see the file comment). */
  syncDirtyLog(): Uint8Array { return syncDirtyLog(this.runner.machine.core); }
  setThrottle(percent: number): void { this.runner.setThrottle(percent); }
  pause(): number { return this.toClock(this.runner.hold()); }
  resume(): void { this.runner.release(); }
  saveState(): MachineState { return this.runner.saveState(); }
  destroy(): void { this.runner.retire('the domain has migrated to another host'); }

  /** A runner-clock time on the shared clock. */
  private toClock(t: number): number { return t - this.runner.clock() + this.clock(); }
}

/** One outgoing migration: the engine over a (delayed) port, reporting to the page. */
export class OutgoingMigration {
  readonly engine: PreCopyMigration;
  private readonly transport: PortTransport<ToDestination, ToSource>;
  private finishedInfo: MigrationInfo | undefined;

  constructor(
    private readonly runner: VmRunner,
    port: PortLike,
    opts: OutgoingOptions,
    private readonly report: (r: SourceReport) => void,
    clock: () => number = sharedClock,
  ) {
    this.transport = new PortTransport<ToDestination, ToSource>(new DelayedPort(port, opts.latencyMs));
    this.engine = new PreCopyMigration(new RunnerSource(runner, clock), this.transport, {
      bandwidthBps: opts.bandwidthBps,
      maxDowntimeMs: opts.maxDowntimeMs,
      domain: opts.domain,
      clock,
      ...(opts.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: opts.setupTimeoutMs }),
      ...(opts.switchoverTimeoutMs === undefined ? {} : { switchoverTimeoutMs: opts.switchoverTimeoutMs }),
      ...(opts.maxRounds === undefined ? {} : { maxRounds: opts.maxRounds }),
      ...(opts.chunkBytes === undefined ? {} : { chunkBytes: opts.chunkBytes }),
    });
  }

  get finished(): boolean { return this.finishedInfo !== undefined; }

  /** Run to the end; the last report is `finished`. Never rejects. */
  async run(): Promise<MigrationInfo> {
    const off = this.engine.on((event) => this.send({ kind: 'event', event, info: this.engine.info }));
    const timer = setInterval(() => { if (!this.engine.isFinished) this.send({ kind: 'progress', info: this.engine.info }); }, PROGRESS_MS);
    let info: MigrationInfo;
    this.runner.eagerTurns = true;
    try {
      info = await this.engine.start();
    } finally {
      this.runner.eagerTurns = false;
      clearInterval(timer);
      off();
    }
    // Console continuity: the source's last bytes go into its ring before the page hears the
    // result, so the page can read the ring dry before it opens the destination's output.
    if (info.status === 'completed') await this.runner.drainOutput(OUTPUT_DRAIN_MS);
    this.finishedInfo = info;
    this.send({ kind: 'finished', info });
    return info;
  }

  cancel(): boolean { return this.engine.cancel(); }
  setMaxDowntime(ms: number): void { this.engine.setMaxDowntime(ms); }
  setBandwidth(bps: number): void { this.engine.setBandwidth(bps); }
  /** The destination's worker died (the page saw its error event). */
  lost(reason: string): void { this.transport.lost(reason); }

  /** The page found the destination dead after the engine committed: the source runs on. */
  rollback(): boolean {
    if (this.finishedInfo?.status !== 'completed' || !this.runner.retired) return false;
    this.runner.unretire();
    return true;
  }

  private send(r: SourceReport): void {
    try {
      void Promise.resolve(this.report(r)).catch(() => {});
    } catch { /* the page went away: nothing to tell */ }
  }
}

/**
 * virsh save in the worker: hold the VM, write the save stream, and leave it paused the way a user
 * pause does (so that resume() works if the caller does not destroy it). A paused VM can be saved.
 * On failure the VM runs on as it was (savefile.ts resumes it).
 */
export async function saveRunner(runner: VmRunner, domain: unknown, paused = false): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const wasPaused = runner.userPaused;
  await saveVm(new RunnerSource(runner, sharedClock, true), (c) => { chunks.push(c); }, { domain, paused });
  if (!wasPaused) runner.pause();
  runner.release();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
