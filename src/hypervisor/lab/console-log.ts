/**
 * A domain's serial console as the lab keeps it: the recent bytes (so a console opened later
 * shows what came before) and whoever is watching now.
 */

/** Scrollback kept per domain: a Linux boot log is ~20 KiB, so this holds several. */
export const CONSOLE_LOG_BYTES = 256 * 1024;

export type Disposable = { dispose(): void };
/** Told of each chunk appended; `resting`: the guest went idle after it, nothing follows for now. */
export type ConsoleListener = (bytes: Uint8Array, resting: boolean) => void;

export class ConsoleLog {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private readonly listeners = new Set<ConsoleListener>();

  constructor(private readonly limit = CONSOLE_LOG_BYTES) {}

  /** `resting`: the guest went idle after printing these (VmSink.output). */
  append(bytes: Uint8Array, resting = false): void {
    if (bytes.length === 0) {
      // Nothing to keep, but watchers drawing in batches may draw now.
      if (resting) for (const l of this.listeners) l(bytes, true);
      return;
    }
    this.chunks.push(bytes);
    this.bytes += bytes.length;
    while (this.bytes - this.chunks[0].length >= this.limit) this.bytes -= this.chunks.shift()!.length;
    for (const l of this.listeners) l(bytes, resting);
  }

  /** Everything retained, oldest first. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  /** Be told of every byte appended from now on. */
  watch(listener: ConsoleListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
