/**
 * A single-producer, single-consumer byte ring on a SharedArrayBuffer: how console bytes cross
 * between a VM's worker and the page without one postMessage per byte (DESIGN.md §4).
 *
 *   SharedArrayBuffer
 *   ┌──────────────┬──────────────┬──────────────┬─────────┬─────────────────────────────┐
 *   │ written: u32 │ read: u32    │ resting: u32 │ (spare) │ data[capacity] (power of 2) │
 *   └──────────────┴──────────────┴──────────────┴─────────┴─────────────────────────────┘
 *
 * `written` and `read` count bytes since creation and wrap at 2^32; only the producer stores
 * `written`, only the consumer stores `read`. Both are accessed with Atomics, whose sequential
 * consistency orders the plain data copies: bytes are copied before `written` is published and
 * read before `read` is. Each side can wait on the other's counter (Atomics.wait / waitAsync).
 *
 * `resting` is a hint from the producer: its last write ended a burst, nothing follows for now (a
 * guest that printed its prompt and went idle), told with that write or after it (`rest`). A consumer that batches output for drawing can
 * then draw at once instead of waiting to see whether more comes.
 */

const WRITTEN = 0;
const READ = 1;
const RESTING = 2;
const HEADER_BYTES = 16;

export class ByteRing {
  readonly capacity: number;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;

  /** Allocate the shared buffer for a ring of `capacity` bytes (a power of two). */
  static allocate(capacity: number): SharedArrayBuffer {
    if (!Number.isInteger(capacity) || capacity < 16 || capacity > 1 << 30 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`ring capacity must be a power of two from 16 bytes to 1 GiB (got ${capacity})`);
    }
    return new SharedArrayBuffer(HEADER_BYTES + capacity);
  }

  /** Attach to a buffer made by `allocate` (on either side of the ring). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.capacity = buffer.byteLength - HEADER_BYTES;
    if (this.capacity < 16 || (this.capacity & (this.capacity - 1)) !== 0) throw new RangeError('not a ring buffer');
    this.header = new Int32Array(buffer, 0, 3);
    this.data = new Uint8Array(buffer, HEADER_BYTES, this.capacity);
    this.mask = this.capacity - 1;
  }

  /** Bytes waiting to be read. */
  get available(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) >>> 0;
  }

  get free(): number {
    return this.capacity - this.available;
  }

  /**
   * Producer: copy in as much of `bytes` as fits; returns how many were taken. Wakes waiting
   * readers. `resting`: nothing more follows these bytes for now (kept only if all of them fit).
   */
  write(bytes: Uint8Array, resting = false): number {
    const w = Atomics.load(this.header, WRITTEN) >>> 0;
    const used = (w - (Atomics.load(this.header, READ) >>> 0)) >>> 0;
    const n = Math.min(bytes.length, this.capacity - used);
    if (n === 0) return 0;
    const at = w & this.mask;
    const first = Math.min(n, this.capacity - at);
    this.data.set(bytes.subarray(0, first), at);
    if (n > first) this.data.set(bytes.subarray(first, n), 0);
    // Stored before `written`: a reader that sees these bytes sees this flag or a later one.
    Atomics.store(this.header, RESTING, resting && n === bytes.length ? 1 : 0);
    Atomics.store(this.header, WRITTEN, (w + n) | 0);
    Atomics.notify(this.header, WRITTEN);
    return n;
  }

  /**
   * Producer: say after the fact that the last write ended a burst (the guest went idle after a
   * slice that printed nothing more). Wakes waiting readers, though no byte was written.
   */
  rest(): void {
    Atomics.store(this.header, RESTING, 1);
    Atomics.notify(this.header, WRITTEN);
  }

  /** Consumer: take up to `max` bytes (a copy). Wakes a producer waiting for room. */
  read(max = this.capacity): Uint8Array {
    const r = Atomics.load(this.header, READ) >>> 0;
    const n = Math.min(max, (Atomics.load(this.header, WRITTEN) - r) >>> 0);
    const out = new Uint8Array(n);
    if (n === 0) return out;
    const at = r & this.mask;
    const first = Math.min(n, this.capacity - at);
    out.set(this.data.subarray(at, at + first), 0);
    if (n > first) out.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.header, READ, (r + n) | 0);
    Atomics.notify(this.header, READ);
    return out;
  }

  /**
   * Whether the producer's latest write ended a burst (see the layout notes). Read it after
   * `read`: it then describes those bytes' write or a later one.
   */
  get resting(): boolean { return Atomics.load(this.header, RESTING) === 1; }

  /** The producer's counter now: pass it to `waitForData` to sleep until it moves. */
  get writeMark(): number { return Atomics.load(this.header, WRITTEN); }
  /** The consumer's counter now: pass it to `waitForRoom` to sleep until it moves. */
  get readMark(): number { return Atomics.load(this.header, READ); }

  /**
   * Consumer: resolve when bytes are written after `mark` was taken, or after `timeoutMs`.
   * Non-blocking (Atomics.waitAsync), so it is allowed on the page's main thread.
   */
  waitForData(mark: number, timeoutMs = Infinity): Promise<void> {
    return waitAsync(this.header, WRITTEN, mark, timeoutMs);
  }

  /** Producer: resolve when the consumer reads after `mark` was taken, or after `timeoutMs`. */
  waitForRoom(mark: number, timeoutMs = Infinity): Promise<void> {
    return waitAsync(this.header, READ, mark, timeoutMs);
  }
}

/** Atomics.waitAsync (ES2024), typed here because the hypervisor compiles against ES2023. */
type WaitAsyncFn = (words: Int32Array, index: number, value: number, timeoutMs?: number) =>
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };

/**
 * Atomics.waitAsync where the runtime has it (Chromium, Node); elsewhere a short poll, so the
 * ring still works (with a few ms more latency) in a browser that lacks it.
 */
export function waitAsync(words: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
  const wa = (Atomics as unknown as { waitAsync?: WaitAsyncFn }).waitAsync;
  if (wa) {
    const r = wa.call(Atomics, words, index, value, timeoutMs);
    return r.async ? r.value.then(() => undefined) : Promise.resolve();
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    const poll = () => {
      if (Atomics.load(words, index) !== value || performance.now() - t0 >= timeoutMs) resolve();
      else setTimeout(poll, 4);
    };
    poll();
  });
}
