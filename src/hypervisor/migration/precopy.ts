/**
 * Live migration by pre-copy (Clark et al. 2005; QEMU's migration/ram.c), source side.
 *
 *   setup    send the header; the destination builds an empty VM and answers `accepted`
 *   round 1  start the dirty log, send every page of RAM while the guest keeps running
 *   round n  sync the dirty log, resend the pages written since the previous sync
 *   stop     when the dirty bytes left would take no longer than the downtime limit at the
 *            bandwidth measured in the last round; or, after `maxRounds`, throttle the vCPU
 *            (auto-converge: 20 %, then +10 % per round up to 99 %) and stop once it fits or
 *            the throttle is at its maximum (virtlab's choice: a migration always ends)
 *   device   pause the source, send the last dirty pages, CPU and device state, END + CRC
 *   commit   the destination restores, starts, and answers `running`: only then is the source
 *            destroyed. Any failure before that (refused, link closed, timeout, cancel) resumes
 *            the source exactly where it stopped.
 *
 * The engine never runs guest code. The VM keeps running on its own loop (a worker in the page,
 * LocalVm in-process) while the engine waits for the link: sends are paced to the link model's
 * bandwidth, and the waits between them are when the guest runs and dirties pages. The dirty
 * log and the state are taken by the VM's loop between slices (see dirty-log.ts).
 *
 * Figures follow QEMU's query-migrate: status, total/setup/down time, expected downtime,
 * transferred/remaining/total RAM, duplicate (zero) and normal pages, dirty-page rate, dirty-sync
 * count, throughput in Mbit/s, throttle percentage. `info` is a snapshot; `on()` streams events.
 */
import type { Machine } from '../machine/board.ts';
import type { MachineState } from '../snapshot/machine.ts';
import { StreamWriter, makeHeader, DEFAULT_CHUNK_BYTES } from './stream.ts';
import { PAGE_SIZE, countDirty, dirtyPages, isZeroPage, mergeDirty, pageCount, ramWords } from './dirty-log.ts';
import { DEFAULT_LINK, Pacer } from './link.ts';
import { stateSections } from './restore.ts';
import type { SourceTransport, ToSource } from './transport.ts';
import { makeTurn } from '../turn.ts';

/** What the engine needs of the VM being migrated away. */
export interface MigrationSource {
  readonly machine: Machine;
  /** A reason the VM cannot be migrated now (not running, exited), or undefined. */
  migrationBlocker(): string | undefined;
  /** Guest RAM, live: read while the guest runs (pages torn by a concurrent write are dirty and resent). */
  ram(): Uint8Array;
  /** Pages dirtied since the previous call; the first call starts logging. Taken between slices. */
  syncDirtyLog(): Promise<Uint8Array> | Uint8Array;
  /** Hold the vCPU back for `percent` (0..99) of its time; 0 = full speed. */
  setThrottle(percent: number): void;
  /** Stop the vCPU at its next slice boundary; resolves with the clock time after which no guest instruction ran. */
  pause(): Promise<number> | number;
  /** Continue after pause(), exactly where it stopped. */
  resume(): void;
  /** CPU, device and VM state (snapshot/machine.ts). Only called while paused. */
  saveState(): Promise<MachineState> | MachineState;
  /** The destination runs: release the source for good. */
  destroy(): void;
}

export type MigrationStatus = 'setup' | 'active' | 'device' | 'completed' | 'failed' | 'cancelled';

export interface ThrottleSteps {
  /** First throttle once rounds run out (QEMU cpu-throttle-initial: 20). */
  readonly initial: number;
  /** Added per further round (QEMU cpu-throttle-increment: 10). */
  readonly increment: number;
  /** Ceiling (QEMU: 99). */
  readonly max: number;
}

export interface PreCopyOptions {
  /** Link bandwidth in bit/s (default 1 Gbit/s). Latency belongs to the transport. */
  readonly bandwidthBps?: number;
  /** The downtime limit, ms (QEMU and libvirt default: 300). */
  readonly maxDowntimeMs?: number;
  /** Rounds before auto-converge starts throttling the vCPU (default 10). */
  readonly maxRounds?: number;
  readonly throttle?: ThrottleSteps;
  /** How long the destination may take to accept the header / to confirm it runs. */
  readonly setupTimeoutMs?: number;
  readonly switchoverTimeoutMs?: number;
  readonly chunkBytes?: number;
  /** The domain's configuration, carried in the header for the destination host. */
  readonly domain?: unknown;
  /** Shared by both sides for the downtime figure: performance.timeOrigin + performance.now() across workers. */
  readonly clock?: () => number;
}

export interface RoundFigures {
  readonly round: number;
  /** Pages sent in this round, zero pages included. */
  readonly pagesSent: number;
  readonly zeroPages: number;
  readonly bytesSent: number;
  readonly ms: number;
  /** Pages the guest dirtied while this round was sent (the next round's work). */
  readonly pagesDirtied: number;
  readonly dirtyPagesRate: number;
  readonly mbps: number;
  readonly expectedDowntimeMs: number;
  readonly throttlePercent: number;
}

export interface MigrationInfo {
  readonly status: MigrationStatus;
  readonly error?: string;
  readonly totalTimeMs: number;
  readonly setupTimeMs: number;
  /** Measured: from the source's last instruction to the destination's first. Set when completed. */
  readonly downtimeMs?: number;
  readonly expectedDowntimeMs: number;
  readonly maxDowntimeMs: number;
  /** The current round (QEMU's iteration; the final stop-and-copy section counts as one). */
  readonly round: number;
  /** Throughput measured over the last round. */
  readonly mbps: number;
  readonly bandwidthBps: number;
  readonly throttlePercent: number;
  /** True if rounds and throttle ran out and the switchover went over the downtime limit. */
  readonly forcedSwitchover: boolean;
  readonly ram: {
    /** Stream bytes sent: pages, records, header and state. */
    readonly transferred: number;
    /** Bytes of dirty pages still to send. */
    readonly remaining: number;
    readonly total: number;
    /** Zero pages (sent as a flag, no payload): QEMU's "duplicate". */
    readonly duplicate: number;
    /** Pages sent with their 4 KiB. */
    readonly normal: number;
    readonly normalBytes: number;
    readonly dirtyPagesRate: number;
    readonly dirtySyncCount: number;
    readonly pageSize: number;
  };
  readonly rounds: readonly RoundFigures[];
}

export type MigrationEvent =
  | { readonly kind: 'status'; readonly status: MigrationStatus }
  | { readonly kind: 'round'; readonly figures: RoundFigures }
  | { readonly kind: 'end'; readonly info: MigrationInfo };

const DEFAULTS = {
  maxDowntimeMs: 300,
  maxRounds: 10,
  throttle: { initial: 20, increment: 10, max: 99 },
  setupTimeoutMs: 10_000,
  switchoverTimeoutMs: 10_000,
};
/** Waits shorter than this are not slept: the next send catches up (see link.ts CATCH_UP_MS). */
const MIN_SLEEP_MS = 2;
/** The longest the engine works without giving the event loop a turn (zero-page scans of a big
 *  guest, bursts of sends): the VM loop, the transport and the page's UI run in the same thread. */
const MAX_BUSY_MS = 4;
/** A round smaller than this is too short to measure the bandwidth; the link's figure is used. */
const MIN_MEASURED_BYTES = 256 * 1024;

class MigrationAborted extends Error {}

export class PreCopyMigration {
  private status: MigrationStatus = 'setup';
  private error: string | undefined;
  private readonly clock: () => number;
  private readonly pacer: Pacer;
  private readonly writer: StreamWriter;
  private readonly listeners = new Set<(e: MigrationEvent) => void>();
  private readonly maxRounds: number;
  private readonly throttleSteps: ThrottleSteps;
  private maxDowntimeMs: number;
  private bandwidthBps: number;

  private t0 = 0;
  private tEnd: number | undefined;
  private setupMs = 0;
  private downtimeMs: number | undefined;
  private expectedDowntimeMs = 0;
  private round = 0;
  private mbps = 0;
  private throttle = 0;
  private forced = false;
  private transferred = 0;
  private remaining = 0;
  private duplicate = 0;
  private normal = 0;
  private dirtyRate = 0;
  private syncs = 0;
  private readonly rounds: RoundFigures[] = [];

  /** Set once END is on its way: from then on cancel() is refused. */
  private switchingOver = false;
  private abortError: Error | undefined;
  private readonly aborted: Promise<never>;
  private abortNow!: (e: Error) => void;
  private readonly replies = new Map<ToSource['kind'], (m: ToSource) => void>();
  private readonly received: ToSource[] = [];
  private runPromise: Promise<MigrationInfo> | undefined;
  private readonly turn = makeTurn();
  private lastTurn = 0;

  constructor(
    private readonly source: MigrationSource,
    private readonly transport: SourceTransport,
    private readonly opts: PreCopyOptions = {},
  ) {
    this.clock = opts.clock ?? (() => performance.now());
    this.bandwidthBps = opts.bandwidthBps ?? DEFAULT_LINK.bandwidthBps;
    this.pacer = new Pacer(this.bandwidthBps, this.clock);
    this.writer = new StreamWriter(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.maxDowntimeMs = checkDowntime(opts.maxDowntimeMs ?? DEFAULTS.maxDowntimeMs);
    this.maxRounds = opts.maxRounds ?? DEFAULTS.maxRounds;
    if (!Number.isInteger(this.maxRounds) || this.maxRounds < 1) throw new RangeError('maxRounds must be a whole number >= 1');
    this.throttleSteps = opts.throttle ?? DEFAULTS.throttle;
    this.aborted = new Promise<never>((_, reject) => { this.abortNow = reject; });
    this.aborted.catch(() => {});
    transport.attach({
      message: (m) => this.reply(m),
      close: (reason) => this.abort(new Error(`migration link closed: ${reason}`)),
    });
  }

  /** Run the migration; resolves with the final figures (never rejects). Call once. */
  start(): Promise<MigrationInfo> {
    this.runPromise ??= this.run();
    return this.runPromise;
  }

  on(listener: (e: MigrationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancel (virsh domjobabort). False when too late: END is sent, the switchover is under way. */
  cancel(): boolean {
    if (this.switchingOver || this.isFinished) return false;
    this.abort(new MigrationAborted('migration cancelled'));
    return true;
  }

  /** virsh migrate-setmaxdowntime: used from the next end-of-round decision. */
  setMaxDowntime(ms: number): void { this.maxDowntimeMs = checkDowntime(ms); }

  /** Change the link's bandwidth (the lab's link setting) while migrating. */
  setBandwidth(bps: number): void {
    this.pacer.setBandwidth(bps);
    this.bandwidthBps = bps;
  }

  get isFinished(): boolean { return this.status === 'completed' || this.status === 'failed' || this.status === 'cancelled'; }

  get info(): MigrationInfo {
    const now = this.tEnd ?? this.clock();
    return {
      status: this.status,
      ...(this.error === undefined ? {} : { error: this.error }),
      totalTimeMs: this.t0 ? now - this.t0 : 0,
      setupTimeMs: this.setupMs,
      ...(this.downtimeMs === undefined ? {} : { downtimeMs: this.downtimeMs }),
      expectedDowntimeMs: this.expectedDowntimeMs,
      maxDowntimeMs: this.maxDowntimeMs,
      round: this.round,
      mbps: this.mbps,
      bandwidthBps: this.bandwidthBps,
      throttlePercent: this.throttle,
      forcedSwitchover: this.forced,
      ram: {
        transferred: this.transferred,
        remaining: this.remaining,
        total: this.source.machine.ramBytes,
        duplicate: this.duplicate,
        normal: this.normal,
        normalBytes: this.normal * PAGE_SIZE,
        dirtyPagesRate: this.dirtyRate,
        dirtySyncCount: this.syncs,
        pageSize: PAGE_SIZE,
      },
      rounds: [...this.rounds],
    };
  }

  // ---- the algorithm ------------------------------------------------------------------------

  private async run(): Promise<MigrationInfo> {
    this.t0 = this.clock();
    this.emit({ kind: 'status', status: 'setup' });
    let paused = false;
    try {
      const blocker = this.source.migrationBlocker();
      if (blocker) throw new Error(blocker);
      const pages = pageCount(this.source.machine.ramBytes);
      this.writer.header(makeHeader('live', this.source.machine, this.opts.domain ?? null));
      this.writer.flush();
      await this.sendChunks();
      await this.waitReply('accepted', this.opts.setupTimeoutMs ?? DEFAULTS.setupTimeoutMs, 'accept the migration');
      this.setupMs = this.clock() - this.t0;
      this.setStatus('active');

      // Round 1: everything, with the log started just before so that every write from now on
      // is seen by a later sync.
      await this.sync();
      let lastSync = this.clock();
      this.round = 1;
      this.remaining = pages * PAGE_SIZE;
      let sent = await this.sendRound(1, range(pages), pages);
      // The pages dirtied since the last sync: sent by the next round, or by the stop-and-copy.
      let bitmap: Uint8Array;
      for (;;) {
        bitmap = await this.sync();
        const now = this.clock();
        const dirty = countDirty(bitmap);
        this.dirtyRate = dirty / Math.max(1e-3, (now - lastSync) / 1000);
        lastSync = now;
        this.remaining = dirty * PAGE_SIZE;
        this.expectedDowntimeMs = this.remaining / this.measuredBytesPerMs(sent);
        this.endRound(sent, dirty);
        if (this.expectedDowntimeMs <= this.maxDowntimeMs) break;
        if (this.round >= this.maxRounds) {
          // Auto-converge: slow the vCPU so it dirties less per round; give up on the limit
          // once the throttle is at its ceiling.
          if (this.throttle >= this.throttleSteps.max) { this.forced = true; break; }
          this.throttle = this.throttle === 0 ? this.throttleSteps.initial : Math.min(this.throttleSteps.max, this.throttle + this.throttleSteps.increment);
          this.source.setThrottle(this.throttle);
        }
        this.round++;
        sent = await this.sendRound(this.round, dirtyPages(bitmap), dirty);
      }

      // Stop and copy.
      this.setStatus('device');
      const stoppedAt = await this.race(Promise.resolve(this.source.pause()));
      paused = true;
      // Still owed: what the deciding sync found, plus what the guest wrote since it.
      const last = bitmap;
      mergeDirty(last, await this.sync());
      const lastCount = countDirty(last);
      this.round++;
      this.remaining = lastCount * PAGE_SIZE;
      sent = await this.sendRound(this.round, dirtyPages(last), lastCount);
      this.endRound(sent, 0);
      const state = await this.race(Promise.resolve(this.source.saveState()));
      for (const [name, version, value] of stateSections(state)) this.writer.state(name, version, value);
      this.switchingOver = true;
      this.writer.end();
      await this.sendChunks();
      const running = await this.waitReply('running', this.opts.switchoverTimeoutMs ?? DEFAULTS.switchoverTimeoutMs, 'start the VM');
      this.downtimeMs = Math.max(0, (running as { startedAt: number }).startedAt - stoppedAt);

      // Committed: the destination runs. The source goes away.
      this.source.setThrottle(0);
      this.source.destroy();
      paused = false;
      this.finish('completed');
      this.transport.send({ kind: 'complete' }).catch(() => {});
      this.transport.close('migration complete');
    } catch (e) {
      const cancelled = e instanceof MigrationAborted;
      const message = (e as Error).message || String(e);
      // The source carries on exactly where it was.
      this.source.setThrottle(0);
      if (paused) this.source.resume();
      if (!this.transport.closed) {
        this.transport.send({ kind: 'abort', reason: message }).catch(() => {});
        this.transport.close(message);
      }
      this.error = message;
      this.finish(cancelled ? 'cancelled' : 'failed');
    }
    return this.info;
  }

  private async sync(): Promise<Uint8Array> {
    const bitmap = await this.race(Promise.resolve(this.source.syncDirtyLog()));
    this.syncs++;
    return bitmap;
  }

  /** One RAM section: each page flagged ZERO or sent whole, paced to the link. */
  private async sendRound(round: number, pages: Iterable<number>, count: number): Promise<{ pages: number; zero: number; bytes: number; ms: number }> {
    const t = this.clock();
    const bytes0 = this.transferred;
    const ram = this.source.ram();
    const words = ramWords(ram);
    let zero = 0;
    let n = 0;
    this.pacer.restart();
    this.writer.ramBegin(round);
    for (const p of pages) {
      if (isZeroPage(words, p)) {
        this.writer.zero(p);
        zero++;
        this.duplicate++;
      } else {
        this.writer.page(p, ram.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE));
        this.normal++;
      }
      n++;
      this.remaining = (count - n) * PAGE_SIZE;
      if (this.writer.pendingBytes >= this.writer.chunkBytes) await this.sendChunks();
      else if ((n & 255) === 0 && this.clock() - this.lastTurn > MAX_BUSY_MS) await this.yieldTurn();
    }
    this.writer.ramEnd();
    this.writer.flush();
    await this.sendChunks();
    // The round ends when its last byte is off the wire, not when it was handed to the link.
    return { pages: n, zero, bytes: this.transferred - bytes0, ms: Math.max(this.clock(), this.pacer.busyUntil) - t };
  }

  private async sendChunks(): Promise<void> {
    for (const chunk of this.writer.take()) {
      this.check();
      const n = chunk.length; // a port transport may transfer (detach) the chunk
      const wait = this.pacer.charge(n);
      await this.race(this.transport.send({ kind: 'data', bytes: chunk }));
      this.transferred += n;
      if (wait >= MIN_SLEEP_MS) {
        await this.race(sleep(wait));
        this.lastTurn = this.clock();
      } else if (this.clock() - this.lastTurn > MAX_BUSY_MS) {
        await this.yieldTurn();
      }
    }
    this.check();
  }

  /** Let the event loop run (the VM's loop in-process, transports, the page's UI). */
  private async yieldTurn(): Promise<void> {
    await this.race(this.turn());
    this.lastTurn = this.clock();
  }

  private measuredBytesPerMs(r: { bytes: number; ms: number }): number {
    const nominal = this.pacer.bytesPerMs;
    if (r.bytes < MIN_MEASURED_BYTES || r.ms <= 0) return nominal;
    return Math.min(nominal, r.bytes / r.ms);
  }

  private endRound(r: { pages: number; zero: number; bytes: number; ms: number }, dirtied: number): void {
    // A round of a few pages says nothing about the link: keep the last real measurement.
    if (r.bytes >= MIN_MEASURED_BYTES && r.ms > 0) this.mbps = (r.bytes * 8) / (r.ms * 1000);
    const figures: RoundFigures = {
      round: this.round,
      pagesSent: r.pages,
      zeroPages: r.zero,
      bytesSent: r.bytes,
      ms: r.ms,
      pagesDirtied: dirtied,
      dirtyPagesRate: this.dirtyRate,
      mbps: r.ms > 0 ? (r.bytes * 8) / (r.ms * 1000) : 0,
      expectedDowntimeMs: this.expectedDowntimeMs,
      throttlePercent: this.throttle,
    };
    this.rounds.push(figures);
    this.emit({ kind: 'round', figures });
  }

  // ---- replies, aborts, events ------------------------------------------------------------------

  private reply(m: ToSource): void {
    if (m.kind === 'refused') {
      this.abort(new Error(`destination refused: ${m.message}`));
      return;
    }
    const waiter = this.replies.get(m.kind);
    if (waiter) waiter(m);
    else this.received.push(m);
  }

  private async waitReply(kind: ToSource['kind'], timeoutMs: number, what: string): Promise<ToSource> {
    const early = this.received.find((m) => m.kind === kind);
    if (early) return early;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await this.race(new Promise<ToSource>((resolve, reject) => {
        this.replies.set(kind, resolve);
        timer = setTimeout(() => reject(new Error(`destination did not ${what} within ${timeoutMs} ms`)), timeoutMs);
      }));
    } finally {
      clearTimeout(timer);
      this.replies.delete(kind);
    }
  }

  private abort(e: Error): void {
    if (this.abortError || this.isFinished) return;
    this.abortError = e;
    this.abortNow(e);
  }

  private check(): void {
    if (this.abortError) throw this.abortError;
  }

  /** Wait for `p`, or fail at once on cancel, refusal or a closed link. */
  private race<T>(p: Promise<T>): Promise<T> {
    this.check();
    return Promise.race([p, this.aborted]);
  }

  private setStatus(s: MigrationStatus): void {
    this.status = s;
    this.emit({ kind: 'status', status: s });
  }

  private finish(s: MigrationStatus): void {
    this.tEnd = this.clock();
    this.setStatus(s);
    this.emit({ kind: 'end', info: this.info });
  }

  private emit(e: MigrationEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { /* a listener's bug must not break the migration */ }
    }
  }
}

function checkDowntime(ms: number): number {
  if (!(Number.isFinite(ms) && ms >= 1 && ms <= 60_000)) throw new RangeError(`max downtime must be 1..60000 ms (got ${ms})`);
  return ms;
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
