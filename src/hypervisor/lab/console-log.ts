/**
 * A domain's serial console as the lab keeps it: the recent bytes (so a console opened later
 * shows what came before) and whoever is watching now.
 */

/** Scrollback kept per domain: a Linux boot log is ~20 KiB, so this holds several. */
export const CONSOLE_LOG_BYTES = 256 * 1024;

export type Disposable = { dispose(): void };

export class ConsoleLog {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();

  constructor(private readonly limit = CONSOLE_LOG_BYTES) {}

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.bytes += bytes.length;
    while (this.bytes - this.chunks[0].length >= this.limit) this.bytes -= this.chunks.shift()!.length;
    for (const l of this.listeners) l(bytes);
  }

  /** Everything retained, oldest first. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  /** Be told of every byte appended from now on. */
  watch(listener: (bytes: Uint8Array) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
