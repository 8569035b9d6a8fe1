/**
 * The link model's latency on a real MessagePort (migration/link.ts): each side wraps its end so
 * that what arrives is handed on `latencyMs` after it arrived, in order. Sends are not delayed
 * (the sender's pacer already holds them to the bandwidth), so a message takes one latency from
 * one worker to the other, as on a wire. The close notice PortTransport sends travels the same
 * way, so it never overtakes the data before it.
 */
import type { PortLike } from '../hypervisor/migration/transport.ts';

export class DelayedPort implements PortLike {
  private handler: ((e: MessageEvent) => void) | null = null;
  /** Arrived, not handed on yet: [due time, event]. */
  private readonly queue: [number, MessageEvent][] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly port: PortLike, private readonly latencyMs: number, private readonly now: () => number = () => performance.now()) {
    if (!(latencyMs >= 0 && latencyMs <= 60_000)) throw new RangeError(`link latency must be 0..60000 ms (got ${latencyMs})`);
  }

  get onmessage(): ((e: MessageEvent) => void) | null { return this.handler; }

  set onmessage(h: ((e: MessageEvent) => void) | null) {
    this.handler = h;
    this.port.onmessage = h ? (e) => this.arrived(e) : null;
  }

  postMessage(msg: unknown, transfer?: Transferable[]): void {
    this.port.postMessage(msg, transfer);
  }

  /** Close the port; what is still in flight towards this side is dropped. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.port.close();
  }

  private arrived(e: MessageEvent): void {
    if (this.closed) return;
    if (this.latencyMs === 0 && this.queue.length === 0) {
      this.handler?.(e);
      return;
    }
    this.queue.push([this.now() + this.latencyMs, e]);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    this.timer = setTimeout(() => this.deliver(), Math.max(0, this.queue[0][0] - this.now()));
  }

  /** Hand on everything due (timers fire late in a busy worker: one wake-up delivers a batch). */
  private deliver(): void {
    this.timer = undefined;
    // Within half a millisecond counts as due: a timer never fires earlier than asked.
    const now = this.now() + 0.5;
    while (!this.closed && this.queue.length > 0 && this.queue[0][0] <= now) this.handler?.(this.queue.shift()![1]);
    this.schedule();
  }
}
