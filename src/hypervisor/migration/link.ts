/**
 * The link model between two hosts: a bandwidth the sender is paced to, and a latency the
 * transport adds to every message. Real bytes cross a MessagePort far faster than any network;
 * pacing them to the modelled bandwidth is what makes the pre-copy rounds take visible time, let
 * the guest dirty pages meanwhile, and gives the expected-downtime estimate its meaning.
 */

export interface LinkModel {
  /** Bits per second (1 Gbit/s = 1e9). */
  readonly bandwidthBps: number;
  /** One-way latency in ms (applied by the transport: memoryTransportPair, or a delayed port). */
  readonly latencyMs: number;
}

/** The default: a 1 Gbit/s LAN with sub-millisecond latency. */
export const DEFAULT_LINK: LinkModel = { bandwidthBps: 1e9, latencyMs: 0.5 };

/** Slowest and fastest links accepted: below 1 Mbit/s a 16 MiB guest takes minutes. */
export const MIN_BANDWIDTH_BPS = 1e6;
export const MAX_BANDWIDTH_BPS = 1e11;
/** The longest one-way latency a link may be given, ms (Lab.setLink and the Labfile's links). */
export const MAX_LATENCY_MS = 10_000;

/**
 * How late the sender may be before the link counts as idle. Timers in a busy event loop fire
 * late (a guest slice is ~10 ms); within this window the sender catches up by sending without
 * waiting, so the average rate stays at the link's bandwidth instead of dropping with every late
 * wake-up. Beyond it the link really was idle and the lost time is not made up.
 */
const CATCH_UP_MS = 25;

export class Pacer {
  /** Clock time at which the link has sent everything charged so far. */
  private freeAt = -Infinity;

  constructor(private bandwidthBps: number, private readonly now: () => number) {
    this.setBandwidth(bandwidthBps);
  }

  setBandwidth(bps: number): void {
    if (!(bps >= MIN_BANDWIDTH_BPS && bps <= MAX_BANDWIDTH_BPS)) {
      throw new RangeError(`link bandwidth must be ${MIN_BANDWIDTH_BPS / 1e6} Mbit/s .. ${MAX_BANDWIDTH_BPS / 1e9} Gbit/s (got ${bps} bit/s)`);
    }
    this.bandwidthBps = bps;
  }

  get bytesPerMs(): number { return this.bandwidthBps / 8000; }

  /** The sender is about to start after a pause of its own (a sync, a round's end): time the
   *  link sat idle then is not credit for a burst. */
  restart(): void {
    this.freeAt = Math.max(this.freeAt, this.now());
  }

  /** When the link will have sent everything charged so far (a clock time). */
  get busyUntil(): number { return this.freeAt; }

  /** Put `bytes` on the wire; returns how many ms until the link can take more. */
  charge(bytes: number): number {
    const now = this.now();
    this.freeAt = Math.max(this.freeAt, now - CATCH_UP_MS) + bytes / this.bytesPerMs;
    return Math.max(0, this.freeAt - now);
  }
}
