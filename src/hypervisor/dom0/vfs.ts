/**
 * dom0's file system: a small tree of text files (configs under /etc/xen, notes anywhere) that the
 * lab persists across page reloads and in lab files (DESIGN.md §5, §7). It is data: `toJSON()` gives
 * a plain object, `Vfs.fromJSON()` reads one back and checks it, since a saved lab or a lab link is
 * untrusted input. Every size is bounded.
 *
 * Errors are VfsError with an errno-like code and strerror's words ("No such file or directory");
 * the commands put the program and path in front, as coreutils does.
 */

/** A file holds a config or a note; the xl.cfg reader has the same limit. */
export const MAX_FILE_CHARS = 64 * 1024;
/** The whole tree is saved in localStorage (about 5 MB per origin) and in lab links. */
export const MAX_TOTAL_CHARS = 1024 * 1024;
/** Files and directories together. */
export const MAX_NODES = 512;
/** NAME_MAX as on Linux. */
export const MAX_NAME_CHARS = 255;
/** Far below PATH_MAX; the Labfile's own path limit (labfile/format.ts), so every file can be saved in one. */
export const MAX_PATH_CHARS = 255;
export const MAX_DEPTH = 16;

export const HOME = '/root';
/** Created in a new file system; /etc/xen holds domain configs, /vm their disks (as in the seed). */
export const DEFAULT_DIRS: readonly string[] = ['/etc', '/etc/xen', '/vm', HOME];

/** A starting point to copy, as Debian's xen-utils ships /etc/xen/xlexample.* files. */
export const DEFAULT_FILES: Readonly<Record<string, string>> = {
  '/etc/xen/xlexample.linux': `# Example xl.cfg for a lab guest: copy it to /etc/xen/NAME, edit, then
#   xl create /etc/xen/NAME
# Keys are documented in xl.cfg(5); "image" names a guest image of the lab.

name = "example"
image = "linux"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
vif = [ "bridge=xenbr0" ]
`,
};

export type VfsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EFBIG' | 'ENOSPC' | 'EINVAL' | 'ENAMETOOLONG' | 'EPERM';

const STRERROR: Record<VfsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EINVAL: 'Invalid argument',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
};

export class VfsError extends Error {
  override name = 'VfsError';
  constructor(
    readonly code: VfsErrorCode,
    /** Why, in more words, when strerror is not enough (e.g. a bad saved file system). */
    detail?: string,
  ) {
    super(detail ?? STRERROR[code]);
  }
}

export interface VfsStat {
  readonly kind: 'file' | 'dir';
  /** Characters of text (0 for a directory). */
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly mtime: number;
}

export interface VfsJson {
  readonly version: 1;
  readonly dirs: readonly string[];
  readonly files: readonly { readonly path: string; readonly text: string; readonly mtime: number }[];
}

type Node = { kind: 'dir'; mtime: number } | { kind: 'file'; text: string; mtime: number };

export interface VfsOptions {
  readonly now?: () => number;
}

export class Vfs {
  private readonly nodes = new Map<string, Node>();
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private total = 0;

  /** An empty tree (only `/`); `Vfs.withDefaults()` is what a new lab starts with. */
  constructor(opts: VfsOptions = {}) {
    this.now = opts.now ?? (() => Date.now());
    this.nodes.set('/', { kind: 'dir', mtime: this.now() });
  }

  static withDefaults(opts: VfsOptions = {}): Vfs {
    const fs = new Vfs(opts);
    for (const d of DEFAULT_DIRS) fs.mkdir(d, { parents: true });
    for (const [p, text] of Object.entries(DEFAULT_FILES)) fs.writeFile(p, text);
    return fs;
  }

  /** Read a saved tree; throws VfsError('EINVAL', why) and builds nothing if it is not valid. */
  static fromJSON(json: unknown, opts: VfsOptions = {}): Vfs {
    const bad = (why: string) => new VfsError('EINVAL', `saved file system: ${why}`);
    if (typeof json !== 'object' || json === null) throw bad('not an object');
    const j = json as Record<string, unknown>;
    if (j.version !== 1) throw bad(`version ${String(j.version)} is not supported (expected 1)`);
    if (!Array.isArray(j.dirs) || !Array.isArray(j.files)) throw bad('"dirs" and "files" must be lists');
    if (j.dirs.length + j.files.length > MAX_NODES) throw bad(`more than ${MAX_NODES} entries`);
    const fs = new Vfs(opts);
    const canonical = (p: unknown): string => {
      if (typeof p !== 'string' || !p.startsWith('/')) throw bad(`${JSON.stringify(p)} is not an absolute path`);
      const r = fs.resolve(p);
      if (r !== p) throw bad(`"${p}" is not a normal path (expected "${r}")`);
      return r;
    };
    try {
      for (const d of j.dirs) fs.mkdir(canonical(d), { parents: true, quiet: true });
      for (const f of j.files as unknown[]) {
        if (typeof f !== 'object' || f === null) throw bad('a file entry is not an object');
        const e = f as Record<string, unknown>;
        if (typeof e.text !== 'string') throw bad(`${String(e.path)}: text must be a string`);
        const path = canonical(e.path);
        fs.ensureDir(parentOf(path));
        fs.writeFile(path, e.text, { quiet: true });
        if (typeof e.mtime === 'number' && Number.isFinite(e.mtime)) (fs.nodes.get(path) as Node).mtime = e.mtime;
      }
    } catch (e) {
      if (e instanceof VfsError && e.code !== 'EINVAL') throw bad(e.message);
      throw e;
    }
    return fs;
  }

  toJSON(): VfsJson {
    const dirs: string[] = [];
    const files: { path: string; text: string; mtime: number }[] = [];
    for (const [path, n] of [...this.nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (path === '/') continue;
      if (n.kind === 'dir') dirs.push(path);
      else files.push({ path, text: n.text, mtime: n.mtime });
    }
    return { version: 1, dirs, files };
  }

  /** Be told after every change (the lab saves the tree). */
  onChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** An absolute, normal path: `~` is /root, relative paths start at `cwd`, `.` and `..` resolved. */
  resolve(path: string, cwd = '/'): string {
    if (path.includes('\0')) throw new VfsError('EINVAL');
    let p = path;
    if (p === '~' || p.startsWith('~/')) p = HOME + p.slice(1);
    if (!p.startsWith('/')) p = `${cwd}/${p}`;
    const parts: string[] = [];
    for (const c of p.split('/')) {
      if (c === '' || c === '.') continue;
      if (c === '..') parts.pop();
      else {
        if (c.length > MAX_NAME_CHARS) throw new VfsError('ENAMETOOLONG');
        parts.push(c);
      }
    }
    const out = '/' + parts.join('/');
    if (out.length > MAX_PATH_CHARS || parts.length > MAX_DEPTH) throw new VfsError('ENAMETOOLONG');
    return out;
  }

  stat(path: string): VfsStat | undefined {
    const n = this.nodes.get(path);
    if (!n) return undefined;
    return { kind: n.kind, size: n.kind === 'file' ? n.text.length : 0, mtime: n.mtime };
  }

  readFile(path: string): string {
    const n = this.lookup(path);
    if (n.kind === 'dir') throw new VfsError('EISDIR');
    return n.text;
  }

  /** Names in a directory, sorted. */
  readdir(path: string): string[] {
    const n = this.lookup(path);
    if (n.kind !== 'dir') throw new VfsError('ENOTDIR');
    return this.children(path).map((p) => p.slice(path === '/' ? 1 : path.length + 1)).sort();
  }

  writeFile(path: string, text: string, opts: { append?: boolean; quiet?: boolean } = {}): void {
    const old = this.nodes.get(path);
    if (old?.kind === 'dir' || path === '/') throw new VfsError('EISDIR');
    this.parentDir(path);
    const next = opts.append && old?.kind === 'file' ? old.text + text : text;
    if (next.length > MAX_FILE_CHARS) throw new VfsError('EFBIG');
    const oldSize = old?.kind === 'file' ? old.text.length : 0;
    if (this.total - oldSize + next.length > MAX_TOTAL_CHARS) throw new VfsError('ENOSPC');
    if (!old && this.nodes.size >= MAX_NODES) throw new VfsError('ENOSPC');
    this.total += next.length - oldSize;
    this.nodes.set(path, { kind: 'file', text: next, mtime: this.now() });
    if (!opts.quiet) this.changed();
  }

  /** Create an empty file, or only update the time of an existing one. */
  touch(path: string): void {
    const n = this.nodes.get(path);
    if (!n) return this.writeFile(path, '');
    n.mtime = this.now();
    this.changed();
  }

  mkdir(path: string, opts: { parents?: boolean; quiet?: boolean } = {}): void {
    const n = this.nodes.get(path);
    if (n) {
      if (opts.parents && n.kind === 'dir') return;
      throw new VfsError('EEXIST');
    }
    if (opts.parents) this.ensureDir(parentOf(path));
    else this.parentDir(path);
    if (this.nodes.size >= MAX_NODES) throw new VfsError('ENOSPC');
    this.nodes.set(path, { kind: 'dir', mtime: this.now() });
    if (!opts.quiet) this.changed();
  }

  /** mkdir -p's walk up: a file where a directory should be is ENOTDIR. */
  private ensureDir(path: string): void {
    const n = this.nodes.get(path);
    if (n?.kind === 'file') throw new VfsError('ENOTDIR');
    if (n) return;
    this.ensureDir(parentOf(path));
    if (this.nodes.size >= MAX_NODES) throw new VfsError('ENOSPC');
    this.nodes.set(path, { kind: 'dir', mtime: this.now() });
  }

  remove(path: string, opts: { recursive?: boolean } = {}): void {
    if (path === '/') throw new VfsError('EPERM');
    const n = this.lookup(path);
    if (n.kind === 'dir') {
      const inside = this.descendants(path);
      if (inside.length > 0 && !opts.recursive) throw new VfsError('ENOTEMPTY');
      for (const p of inside) this.drop(p);
    }
    this.drop(path);
    this.changed();
  }

  /** Copy a file; `to` is the new file's path (replaced if it is a file). */
  copyFile(from: string, to: string): void {
    this.writeFile(to, this.readFile(from));
  }

  /** Rename a file or directory; `to` must not be an existing directory. */
  rename(from: string, to: string): void {
    if (from === '/') throw new VfsError('EPERM');
    const n = this.lookup(from);
    if (from === to) return;
    if (to.startsWith(from + '/')) throw new VfsError('EINVAL'); // a directory into itself
    const target = this.nodes.get(to);
    if (target?.kind === 'dir') throw new VfsError('EISDIR');
    if (target && n.kind === 'dir') throw new VfsError('ENOTDIR');
    this.parentDir(to);
    if (target) this.drop(to);
    const moved = [from, ...(n.kind === 'dir' ? this.descendants(from) : [])];
    for (const p of moved) {
      const node = this.nodes.get(p) as Node;
      this.nodes.delete(p);
      this.nodes.set(to + p.slice(from.length), node);
    }
    this.changed();
  }

  private lookup(path: string): Node {
    const n = this.nodes.get(path);
    if (n) return n;
    // ENOTDIR when a file stands where a directory should be, as the kernel reports it.
    for (let p = parentOf(path); p !== '/'; p = parentOf(p)) if (this.nodes.get(p)?.kind === 'file') throw new VfsError('ENOTDIR');
    throw new VfsError('ENOENT');
  }

  private parentDir(path: string): void {
    const parent = this.lookup(parentOf(path));
    if (parent.kind !== 'dir') throw new VfsError('ENOTDIR');
  }

  private children(dir: string): string[] {
    const prefix = dir === '/' ? '/' : dir + '/';
    return [...this.nodes.keys()].filter((p) => p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'));
  }

  private descendants(dir: string): string[] {
    return [...this.nodes.keys()].filter((p) => p.startsWith(dir + '/'));
  }

  private drop(path: string): void {
    const n = this.nodes.get(path);
    if (n?.kind === 'file') this.total -= n.text.length;
    this.nodes.delete(path);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
