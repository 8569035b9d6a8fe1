/**
 * A wake word: one Int32 in a SharedArrayBuffer that a sleeping VM loop waits on. Whoever has news
 * for the loop (console input, a control call) bumps it; the loop takes a `mark` before it checks
 * for work and sleeps only while the word still holds that mark, so no wake-up is lost between
 * the check and the sleep.
 */
import { waitAsync } from './ring.ts';

export class WakeWord {
  private readonly word: Int32Array;

  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  constructor(readonly buffer: SharedArrayBuffer) {
    this.word = new Int32Array(buffer, 0, 1);
  }

  get mark(): number {
    return Atomics.load(this.word, 0);
  }

  /** Wake the sleeper (any thread, the page's main thread included). */
  ring(): void {
    Atomics.add(this.word, 0, 1);
    Atomics.notify(this.word, 0);
  }

  /**
   * Sleep until rung after `mark` was taken, or `timeoutMs` passes. Asynchronous on purpose: the
   * worker's event loop stays free to receive control messages while the guest sleeps.
   */
  sleep(mark: number, timeoutMs: number): Promise<void> {
    return waitAsync(this.word, 0, mark, timeoutMs);
  }
}
