/**
 * How the migration stream travels between source and destination: a duplex channel of typed
 * messages. Stream bytes go one way in `data` messages; the destination answers with `accepted`,
 * `running` or `refused`. In the page the channel is a MessagePort between the two VMs' host
 * contexts (portTransport); in tests an in-memory pair with a latency (memoryTransportPair). Bytes
 * are always copied or transferred, never shared: the destination has its own memory.
 *
 * Protocol (source → destination):  data* … abort | complete
 *           (destination → source):   accepted, then running | refused (refused may come at any time)
 *   - the destination answers `accepted` once the header is checked and its VM is built;
 *   - after END it restores, starts the VM and answers `running` with the time its first slice
 *     began: that is the commit point. The source then destroys itself and sends `complete`;
 *   - `abort` (source cancelled or gave up waiting) makes the destination destroy its VM, even if
 *     it had started: the source has resumed.
 */

export type ToDestination =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  | { readonly kind: 'abort'; readonly reason: string }
  | { readonly kind: 'complete' };

export type ToSource =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'running'; /** clock ms when the destination's first slice began */ readonly startedAt: number }
  | { readonly kind: 'refused'; readonly message: string };

export interface TransportHandlers<In> {
  message(msg: In): void;
  /** The channel is gone (the other side closed it, its worker died, the link was cut). */
  close(reason: string): void;
}

export interface Transport<Out, In> {
  /** Hand a message to the channel; rejects if the channel is closed. */
  send(msg: Out): Promise<void>;
  /** Receive messages and the close notification (one set of handlers). */
  attach(handlers: TransportHandlers<In>): void;
  /** Close both directions; the other side's close handler runs with `reason`. */
  close(reason?: string): void;
  readonly closed: boolean;
}

export type SourceTransport = Transport<ToDestination, ToSource>;
export type DestinationTransport = Transport<ToSource, ToDestination>;

export class TransportClosed extends Error {
  override name = 'TransportClosed';
}

function copyMessage<M>(msg: M): M {
  const m = msg as { kind: string; bytes?: Uint8Array };
  // The receiver gets its own bytes, as it would from another worker (structured clone).
  return (m.kind === 'data' ? { kind: 'data', bytes: m.bytes!.slice() } : { ...m }) as M;
}

/** One end of an in-memory pair. Messages arrive in order, `latencyMs` after they were sent. */
class MemoryEnd<Out, In> implements Transport<Out, In> {
  peer!: MemoryEnd<In, Out>;
  private handlers: TransportHandlers<In> | undefined;
  /** In flight towards this end: a message, or the other end's close. */
  private readonly inbox: { at: number; msg?: In; closed?: string }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  closed = false;

  constructor(private readonly latencyMs: number) {}

  async send(msg: Out): Promise<void> {
    if (this.closed) throw new TransportClosed('migration link is closed');
    this.peer.deliver({ msg: copyMessage(msg) });
  }

  attach(handlers: TransportHandlers<In>): void { this.handlers = handlers; }

  /** Orderly close: what was sent before still arrives, then the other side sees the close. */
  close(reason = 'closed by the other side'): void {
    if (this.closed) return;
    this.closed = true;
    this.peer.deliver({ closed: reason });
  }

  /** The link is cut: nothing in flight arrives, both sides see the close at once. */
  cut(reason: string): void {
    for (const end of [this, this.peer] as MemoryEnd<unknown, unknown>[]) {
      const wasOpen = !end.closed || end.inbox.length > 0;
      end.closed = true;
      end.inbox.length = 0;
      if (end.timer) clearTimeout(end.timer);
      end.timer = undefined;
      if (wasOpen) end.handlers?.close(reason);
    }
  }

  private deliver(item: { msg?: In; closed?: string }): void {
    if (this.closed && item.msg) return; // this end hung up: late messages are dropped
    this.inbox.push({ at: performance.now() + this.latencyMs, ...item });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.inbox.length === 0) return;
    const wait = Math.max(0, this.inbox[0].at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      while (this.inbox.length && this.inbox[0].at <= now + 0.5) {
        const item = this.inbox.shift()!;
        if (item.closed !== undefined) {
          const wasOpen = !this.closed;
          this.closed = true;
          this.inbox.length = 0;
          if (wasOpen) this.handlers?.close(item.closed);
          return;
        }
        if (!this.closed) this.handlers?.message(item.msg!);
      }
      this.schedule();
    }, wait);
  }
}

export interface MemoryLink {
  readonly source: SourceTransport;
  readonly destination: DestinationTransport;
  /** Cut the link (fault injection): both ends close at once, messages in flight are lost. */
  cut(reason?: string): void;
}

/** A source end and a destination end joined in memory (tests, or two VMs in one context). */
export function memoryTransportPair(opts: { latencyMs?: number } = {}): MemoryLink {
  const latency = opts.latencyMs ?? 0;
  const source = new MemoryEnd<ToDestination, ToSource>(latency);
  const destination = new MemoryEnd<ToSource, ToDestination>(latency);
  source.peer = destination;
  destination.peer = source;
  return { source, destination, cut: (reason = 'link cut') => source.cut(reason) };
}

/** What portTransport needs of a MessagePort (browser, worker, or Node's MessageChannel). */
export interface PortLike {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

type PortMessage<M> = { readonly m: M } | { readonly closed: string };

/**
 * A Transport over a MessagePort. Data chunks are transferred (the writer never reuses them), so
 * crossing to another worker copies nothing twice. A port has no close event, so closing sends a
 * last message first; the owner calls `lost(reason)` when it learns the other side died (a
 * worker's error event, a terminated host).
 */
export class PortTransport<Out, In> implements Transport<Out, In> {
  private handlers: TransportHandlers<In> | undefined;
  closed = false;

  constructor(private readonly port: PortLike) {
    port.onmessage = (e: MessageEvent) => {
      const pm = e.data as PortMessage<In>;
      if ('closed' in pm) this.lost(pm.closed);
      else if (!this.closed) this.handlers?.message(pm.m);
    };
  }

  async send(msg: Out): Promise<void> {
    if (this.closed) throw new TransportClosed('migration link is closed');
    const m = msg as { kind: string; bytes?: Uint8Array };
    const transfer = m.kind === 'data' && m.bytes!.buffer instanceof ArrayBuffer && m.bytes!.byteLength === m.bytes!.buffer.byteLength
      ? [m.bytes!.buffer]
      : [];
    this.port.postMessage({ m: msg } satisfies PortMessage<Out>, transfer);
  }

  attach(handlers: TransportHandlers<In>): void { this.handlers = handlers; }

  close(reason = 'closed by the other side'): void {
    if (this.closed) return;
    this.closed = true;
    try { this.port.postMessage({ closed: reason } satisfies PortMessage<Out>); } catch { /* already gone */ }
    this.port.close();
  }

  /** The other side is gone without closing (its worker died): fail whatever is in progress. */
  lost(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    this.handlers?.close(reason);
  }
}
