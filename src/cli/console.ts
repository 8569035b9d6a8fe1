/**
 * The guest console on the terminal, as qemu -nographic does it: stdin raw when it is a TTY,
 * Ctrl-A X quits, Ctrl-A Ctrl-A sends a Ctrl-A. Output is gathered per slice and written at once.
 */

const CTRL_A = 0x01;

export class StdioConsole {
  private out: Uint8Array[] = [];
  private escape = false;
  private wake: (() => void) | undefined;
  private readonly tty: boolean;
  /** Set when the user typed Ctrl-A X. */
  quitRequested = false;

  constructor(private readonly input: (bytes: Uint8Array) => void) {
    this.tty = Boolean(process.stdin.isTTY);
    if (this.tty) process.stdin.setRawMode(true);
    process.stdin.on('data', (chunk: Buffer) => this.onData(chunk));
    process.stdin.on('error', () => {});
    process.stdin.resume();
  }

  private onData(chunk: Buffer): void {
    if (!this.tty) { this.input(new Uint8Array(chunk)); this.poke(); return; }
    const pass: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        if (b === 0x78 || b === 0x58) { this.quitRequested = true; break; } // x
        if (b === 0x68) { this.out.push(new TextEncoder().encode('\r\nC-a h    print this help\r\nC-a x    exit\r\nC-a C-a  send C-a\r\n')); continue; }
        if (b === CTRL_A) pass.push(CTRL_A);
        continue;
      }
      if (b === CTRL_A) { this.escape = true; continue; }
      pass.push(b);
    }
    if (pass.length) this.input(Uint8Array.from(pass));
    this.poke();
  }

  private poke(): void { const w = this.wake; this.wake = undefined; w?.(); }

  write(bytes: Uint8Array): void { this.out.push(bytes.slice()); }

  flush(): void {
    if (this.out.length === 0) return;
    const all = Buffer.concat(this.out);
    this.out = [];
    process.stdout.write(all);
  }

  /** Sleep up to `ms`, returning early when input arrives. */
  idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
  }

  close(): void {
    this.flush();
    if (this.tty) process.stdin.setRawMode(false);
    process.stdin.pause();
    (process.stdin as { unref?: () => void }).unref?.();
  }
}
