/**
 * What a dom0 command is: a name, a one-line summary for `help`, a run function over text streams,
 * and optionally tab completion. Commands never touch the terminal; the shell wires their streams
 * to it, to files (`>`) or to the next command of a pipe.
 */
import type { RandomSource } from '../xen/ids.ts';
import type { DomainInfo, Dom0Host } from './api.ts';
import type { Key } from './line-editor.ts';
import type { SaveImages } from './saves.ts';
import { baseName, type Vfs } from './vfs.ts';

/** What every command can reach: the hypervisor, the file system and the shell's own state. */
export interface ShellEnv {
  readonly host: Dom0Host;
  readonly fs: Vfs;
  readonly cwd: string;
  setCwd(path: string): void;
  /** Random bytes for generated UUIDs and MACs. */
  readonly random: RandomSource;
  /** Milliseconds since the epoch (ls -l dates, xl's Domain-0 time). */
  now(): number;
  /** The commands, for `help`. */
  commands(): readonly Command[];
  history(): readonly string[];
  /** Domain-0 as `xl list` shows it. */
  readonly dom0: { readonly memoryMiB: number; readonly vcpus: number; readonly startedAt: number };
  /** Save streams of `virsh save` / `xl save` (the file gets a stub: saves.ts). */
  readonly saves: SaveImages;
}

export interface CommandContext {
  /** Arguments after the command name. */
  readonly args: readonly string[];
  readonly stdin: string;
  out(text: string): void;
  err(text: string): void;
  readonly env: ShellEnv;
  /**
   * Aborted when the person presses Ctrl-C: the shell is back at its prompt and drops what the
   * command prints from then on; a command that waits or repeats (xentop) stops. Absent outside
   * the shell (tests that call `run` directly).
   */
  readonly signal?: AbortSignal;
  /** Present when stdout is the terminal itself (not a pipe or a file), as isatty(1) tells. */
  readonly tty?: Tty;
}

/** The terminal, for a full-screen command (xentop): its width and the keys typed. */
export interface Tty {
  /** Width in columns, now (it follows resizes). */
  readonly columns: number;
  /**
   * Take the keys typed while the command runs, those typed ahead included, instead of the shell
   * keeping them for after it; Ctrl-C still interrupts. Typed text comes one character at a time.
   * Returns the function that gives them back: the keys after it are the shell's again, so a
   * command that ends on a key (xentop's `q`) calls it in the listener. The shell takes them back
   * anyway when the command returns.
   */
  readKeys(listener: (key: Key) => void): () => void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Exit status: 0 for success. */
  run(ctx: CommandContext): Promise<number> | number;
  /**
   * Candidates for the last element of `args` (the word being typed). A candidate ending in "/"
   * is a directory and gets no space after it.
   */
  complete?(args: readonly string[], env: ShellEnv): readonly string[];
  /** True when, with these arguments and nothing piped in, the command reads what is typed (cat, tee). */
  readsTerminal?(args: readonly string[]): boolean;
}

/** Candidates from a fixed list that start with the typed prefix. */
export function matching(words: Iterable<string>, prefix: string): string[] {
  return [...new Set(words)].filter((w) => w.startsWith(prefix)).sort();
}

/** File and directory names completing `partial` (relative to the cwd, or absolute). */
export function completePath(env: ShellEnv, partial: string): string[] {
  const slash = partial.lastIndexOf('/');
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : '';
  const namePart = partial.slice(slash + 1);
  let dir: string;
  try {
    dir = env.fs.resolve(dirPart === '' ? '.' : dirPart, env.cwd);
    return env.fs
      .readdir(dir)
      .filter((n) => n.startsWith(namePart) && (namePart.startsWith('.') || !n.startsWith('.')))
      .map((n) => dirPart + n + (env.fs.stat(dir === '/' ? `/${n}` : `${dir}/${n}`)?.kind === 'dir' ? '/' : ''));
  } catch {
    return [];
  }
}

/** Domain names completing `partial`, optionally only those `which` accepts. */
export function completeDomain(env: ShellEnv, partial: string, which: (d: DomainInfo) => boolean = () => true): string[] {
  return matching(env.host.domains().filter(which).map((d) => d.name), partial);
}

/** virsh's lookup order for a <domain> argument: id, then UUID, then name. */
export function findDomain(host: Dom0Host, ref: string): DomainInfo | undefined {
  const all = host.domains();
  if (/^[0-9]+$/.test(ref)) {
    const byId = all.find((d) => d.id === Number(ref));
    if (byId) return byId;
  }
  return all.find((d) => d.uuid === ref.toLowerCase()) ?? all.find((d) => d.name === ref);
}

/** The default config path for a bare name: `xl create chef` reads /etc/xen/chef if ./chef is absent. */
export function configPath(env: ShellEnv, file: string): string {
  const p = env.fs.resolve(file, env.cwd);
  if (env.fs.stat(p) || file.includes('/')) return p;
  const etc = `/etc/xen/${baseName(file)}`;
  return env.fs.stat(etc) ? etc : p;
}

/** Error text as coreutils writes it (`cat: x: No such file or directory`). */
export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Wait `ms`, or less: `wake()` ends the wait early (a key, Ctrl-C). Resolves true when the time ran out. */
export class Sleeper {
  private wakeUp: (() => void) | undefined;
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wakeUp = undefined; resolve(true); }, ms);
      this.wakeUp = () => { clearTimeout(t); this.wakeUp = undefined; resolve(false); };
    });
  }
  wake(): void { this.wakeUp?.(); }
}

/**
 * Look at `done` every `everyMs` until it holds (true) or Ctrl-C aborts the command (false): for
 * commands that wait on a domain, as `xl shutdown -w` does.
 */
export async function pollUntil(ctx: CommandContext, done: () => boolean, everyMs = 100): Promise<boolean> {
  const sleeper = new Sleeper();
  const onAbort = () => sleeper.wake();
  ctx.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (done()) return true;
      if (ctx.signal?.aborted) return false;
      await sleeper.sleep(everyMs);
    }
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}
