/**
 * A live migration as the page runs it (backend.ts MigrationJob): two workers and a MessagePort
 * between them. DOM-free apart from MessageChannel (node has it too).
 *
 *   page                         source worker                    destination worker (new)
 *   ────                         ─────────────                    ────────────────────────
 *   MessageChannel: port1 ─────▶ migrate(port1, opts, report)
 *                   port2 ──────────────────────────────────────▶ incoming(port2, opts)
 *                                PreCopyMigration ══ stream ═════▶ IncomingMigration
 *                                  (paced to the bandwidth)         (latency on receipt)
 *   report: events, figures ◀──  ◀═════ accepted / running ══════  builds, fills, restores,
 *                                commit: source held for good       starts: resolves incoming()
 *   finished(info)          ◀──  last output into its ring
 *   handover: source ring read dry → destination console opened → unread input to it →
 *   source worker terminated → `done` resolves with the destination's WorkerVm
 *
 * Failure, at any point before the handover, leaves the source running with its console
 * untouched: the engine resumes it itself (refused, link lost, timeouts, cancel); a dead
 * destination worker is reported to the engine (`lost`) at once; if the engine had already
 * committed, the page rolls it back (the source was only held, not destroyed). The destination
 * worker is terminated and its output, never shown, goes with it.
 */
import * as Comlink from 'comlink';
import { MIN_BANDWIDTH_BPS, MAX_BANDWIDTH_BPS } from '../hypervisor/migration/link.ts';
import { PAGE_SIZE } from '../hypervisor/migration/dirty-log.ts';
import type { MigrationEvent, MigrationInfo } from '../hypervisor/migration/precopy.ts';
import type { MigrationJob, MigrationRequest, RunningVm } from '../hypervisor/lab/backend.ts';
import type { Disposable } from '../hypervisor/lab/console-log.ts';
import type { MigrationCommand, OutgoingOptions, SourceReport } from './protocol.ts';
import type { VmWatcher, WorkerVm } from './worker-vm.ts';

/**
 * How long the page waits, once the source reports the switchover done, for the destination's
 * own word that it runs. It sent that word before the source could commit, so only a destination
 * worker that died or hangs right then takes this long.
 */
const CONFIRM_MS = 10_000;

export interface JobOptions {
  /** Engine timeouts (precopy.ts defaults otherwise). */
  readonly setupTimeoutMs?: number;
  readonly switchoverTimeoutMs?: number;
  readonly maxRounds?: number;
  readonly chunkBytes?: number;
}

export class WorkerMigrationJob implements MigrationJob {
  info: MigrationInfo;
  readonly done: Promise<RunningVm>;
  private readonly listeners = new Set<(e: MigrationEvent) => void>();
  private resolveDone!: (vm: RunningVm) => void;
  private rejectDone!: (e: Error) => void;
  private finishedInfo: MigrationInfo | undefined;
  private onFinished: { resolve(info: MigrationInfo): void; reject(e: Error): void } | undefined;
  private readonly finished: Promise<MigrationInfo>;
  /** The switchover began (status `device`): too late to cancel. */
  private switching = false;
  private settled = false;
  private destinationGone: string | undefined;
  /** On the source while this job runs (its death or destruction fails the job). */
  private readonly sourceWatch: VmWatcher = { gone: (m) => this.onFinished?.reject(new Error(`the source VM went away: ${m}`)) };

  constructor(
    private readonly source: WorkerVm,
    private readonly dest: WorkerVm,
    private readonly request: MigrationRequest,
    module: WebAssembly.Module,
    opts: JobOptions = {},
  ) {
    this.info = initialInfo(request, source.ramBytes);
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject; });
    this.done.catch(() => {});
    this.finished = new Promise((resolve, reject) => { this.onFinished = { resolve, reject }; });
    this.finished.catch(() => {});
    void this.run(module, opts);
  }

  on(listener: (e: MigrationEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  cancel(): boolean {
    // The engine refuses too once END is on its way; `device` is the page's earliest sign of it.
    if (this.settled || this.finishedInfo || this.switching) return false;
    this.command({ kind: 'cancel' });
    return true;
  }

  setMaxDowntime(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 1 && ms <= 60_000)) throw new RangeError(`max downtime must be 1..60000 ms (got ${ms})`);
    this.info = { ...this.info, maxDowntimeMs: ms };
    this.command({ kind: 'max-downtime', ms });
  }

  setBandwidth(bps: number): void {
    if (!(bps >= MIN_BANDWIDTH_BPS && bps <= MAX_BANDWIDTH_BPS)) {
      throw new RangeError(`link bandwidth must be ${MIN_BANDWIDTH_BPS / 1e6} Mbit/s .. ${MAX_BANDWIDTH_BPS / 1e9} Gbit/s (got ${bps} bit/s)`);
    }
    this.info = { ...this.info, bandwidthBps: bps };
    this.command({ kind: 'bandwidth', bps });
  }

  private async run(module: WebAssembly.Module, opts: JobOptions): Promise<void> {
    try {
      if (!this.source.isAlive) throw new Error('the VM is gone');
      if (this.source.watcher) throw new Error('the domain is already being migrated');
      this.source.watcher = this.sourceWatch;
      this.dest.watcher = { gone: (m) => this.destinationDied(m) };
      const { port1, port2 } = new MessageChannel();
      const running = this.dest.receive(module, port2, { latencyMs: this.request.latencyMs, ramBytes: this.source.ramBytes, harts: this.source.harts });
      running.catch(() => {}); // a refusal reaches the source through the port; the engine reports it
      const out: OutgoingOptions = {
        bandwidthBps: this.request.bandwidthBps,
        maxDowntimeMs: this.request.maxDowntimeMs,
        latencyMs: this.request.latencyMs,
        domain: this.request.domain,
        ...opts,
      };
      await this.source.callWorker((api) => api.migrate(Comlink.transfer(port1, [port1]), out, Comlink.proxy((r: SourceReport) => this.report(r))));
      const info = await this.finished;
      if (info.status !== 'completed') throw new Error(info.error ?? `migration ${info.status}`);
      try {
        if (this.destinationGone) throw new Error(this.destinationGone);
        await withTimeout(running, CONFIRM_MS, 'it did not confirm it runs');
      } catch (e) {
        const back = await this.source.callWorker((api) => api.migration({ kind: 'rollback' })).catch(() => false);
        throw new Error(`the destination failed at the switchover (${(e as Error).message}); ${back ? 'the source runs on' : 'the source could not be resumed'}`);
      }
      this.source.handOverTo(this.dest);
      this.source.watcher = undefined;
      this.dest.watcher = undefined;
      this.settled = true;
      this.resolveDone(this.dest);
    } catch (e) {
      this.fail((e as Error).message || String(e));
    }
  }

  private report(r: SourceReport): void {
    if (this.finishedInfo || this.settled) return;
    this.info = r.info;
    if (r.kind === 'finished') {
      this.finishedInfo = r.info;
      this.onFinished?.resolve(r.info);
      return;
    }
    if (r.kind !== 'event') return;
    if (r.event.kind === 'status' && r.event.status === 'device') this.switching = true;
    this.emit(r.event);
  }

  private destinationDied(message: string): void {
    const why = `the destination VM's worker died: ${message}`;
    this.destinationGone = why;
    if (!this.finishedInfo) this.command({ kind: 'lost', reason: why });
  }

  private fail(message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.dest.watcher = undefined;
    this.dest.destroy();
    if (this.source.watcher === this.sourceWatch) this.source.watcher = undefined;
    if (this.info.status !== 'failed' && this.info.status !== 'cancelled') {
      // The engine did not say so itself (a dead worker, a rollback after it committed).
      this.info = { ...this.info, status: 'failed', error: message };
      this.emit({ kind: 'status', status: 'failed' });
      this.emit({ kind: 'end', info: this.info });
    }
    this.rejectDone(new Error(message));
  }

  private command(c: MigrationCommand): void {
    this.source.callWorker((api) => api.migration(c)).catch(() => {});
  }

  private emit(e: MigrationEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { /* a listener's bug must not break the migration */ }
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(what)), ms); })])
    .finally(() => clearTimeout(timer));
}

/** The figures before the source worker sent any. */
function initialInfo(request: MigrationRequest, ramBytes: number): MigrationInfo {
  return {
    status: 'setup', totalTimeMs: 0, setupTimeMs: 0, expectedDowntimeMs: 0,
    maxDowntimeMs: request.maxDowntimeMs, round: 0, mbps: 0, bandwidthBps: request.bandwidthBps,
    throttlePercent: 0, forcedSwitchover: false,
    ram: { transferred: 0, remaining: ramBytes, total: ramBytes, duplicate: 0, normal: 0, normalBytes: 0, dirtyPagesRate: 0, dirtySyncCount: 0, pageSize: PAGE_SIZE },
    rounds: [],
  };
}
