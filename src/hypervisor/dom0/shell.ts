/**
 * The dom0 shell: what the dashboard's dom0 xterm talks to (DESIGN.md §5). No DOM: the UI passes
 * what the terminal sends to `feed()` (xterm's onData) and writes what `output` receives to the
 * terminal (xterm.write); `resize()` follows the terminal's width. Everything else is here:
 * line editing, history, Tab completion, here-documents, pipes and redirections, and the commands
 * (virsh, xl, virt-install, file tools), which act on the lab through a Dom0Host.
 *
 *   const shell = new Dom0Shell({ host, fs, output: (s) => term.write(s) });
 *   term.onData((d) => shell.feed(d));
 *   term.onResize(({ cols }) => shell.resize(cols));
 *   shell.start();
 *
 * Commands run one at a time; keys typed meanwhile are kept and handled afterwards, except Ctrl-C,
 * which stops waiting for the running command at once (the hypervisor operation it started goes on)
 * and aborts its `signal`. A full-screen command (xentop) takes the keys itself (`tty.readKeys`).
 */
import { cryptoRandom, type RandomSource } from '../xen/ids.ts';
import type { Dom0Host } from './api.ts';
import { heredocs, parseLine, type ListItem, type Redirect, type SimpleCommand } from './cmdline.ts';
import { errText, type Command, type CommandContext, type ShellEnv, type Tty } from './command.ts';
import { columns, commonPrefix, complete, escapeForShell } from './completion.ts';
import { FILE_COMMANDS, SHELL_COMMANDS } from './coreutils.ts';
import { KeyDecoder, LineEditor, type Key } from './line-editor.ts';
import { SaveImages } from './saves.ts';
import { HOME, MAX_FILE_CHARS, type Vfs } from './vfs.ts';
import { virtInstall } from './virt-install.ts';
import { virsh } from './virsh.ts';
import { xl } from './xl.ts';
import { xentop } from './top.ts';
import { lab } from './lab-command.ts';

export interface Dom0ShellOptions {
  readonly host: Dom0Host;
  /** dom0's file system (the lab persists it: `fs.onChange` + `fs.toJSON()`). */
  readonly fs: Vfs;
  /** Terminal output: text with ANSI escape sequences and CRLF line ends, for xterm.write. */
  readonly output: (data: string) => void;
  /** Terminal width in columns (default 80); see resize(). */
  readonly columns?: number;
  /** Lines from an earlier session, oldest first (the lab may persist `history`). */
  readonly history?: readonly string[];
  readonly hostname?: string;
  /** Domain-0 as `xl list` shows it. */
  readonly dom0?: { readonly memoryMiB: number; readonly vcpus: number };
  readonly random?: RandomSource;
  readonly now?: () => number;
  /** Where save streams are kept (default: a new in-memory store). */
  readonly saves?: SaveImages;
}

/** History lines kept (bash's default HISTSIZE is 500). */
export const MAX_HISTORY = 500;
/** Keys waiting while a command runs; a paste larger than this is cut. */
export const MAX_PENDING_KEYS = 16 * 1024;
/** Here-documents and typed stdin end up in files: the file limit bounds them too. */
export const MAX_INPUT_CHARS = MAX_FILE_CHARS;

const BELL = '\x07';

/** What the shell is doing with the keys it receives. */
type Mode =
  | { readonly kind: 'command' }
  /** Reading the bodies of here-documents, one after the other. */
  | { readonly kind: 'heredoc'; readonly items: readonly ListItem[]; readonly docs: ReturnType<typeof heredocs>; readonly bodies: string[]; lines: string[] }
  /** Reading what a command (cat, tee) takes from the terminal, until Ctrl-D. */
  | { readonly kind: 'stdin'; readonly items: readonly ListItem[]; readonly bodies: readonly string[]; lines: string[] }
  | { readonly kind: 'busy'; readonly run: Run };

/** One command line being run. */
interface Run {
  /** Ctrl-C: the shell went back to its prompt; what the commands print now is dropped. */
  cancelled: boolean;
  /** Aborted with Ctrl-C (the commands' `signal`). */
  readonly abort: AbortController;
  /** A full-screen command (xentop) that reads the keys itself (Tty.readKeys). */
  keys?: (key: Key) => void;
}

export class Dom0Shell {
  readonly commands: readonly Command[] = [virsh, xl, xentop, virtInstall, lab, ...FILE_COMMANDS, ...SHELL_COMMANDS];
  private readonly host: Dom0Host;
  private readonly fs: Vfs;
  private readonly out: (data: string) => void;
  private readonly editor: LineEditor;
  private readonly decoder = new KeyDecoder();
  private readonly utf8 = new TextDecoder();
  private readonly hostname: string;
  private readonly env: ShellEnv;
  private readonly lines: string[];
  private mode: Mode = { kind: 'command' };
  private queue: Key[] = [];
  /** Lines of a command that continues (open quote, trailing `|`). */
  private continued: string[] = [];
  /** Position while browsing history, and the line being typed before browsing began. */
  private historyIndex = 0;
  private draft = '';
  private lastKeyWasTab = false;
  private cwd = HOME;
  private waiters: (() => void)[] = [];

  constructor(opts: Dom0ShellOptions) {
    this.host = opts.host;
    this.fs = opts.fs;
    this.out = opts.output;
    this.editor = new LineEditor((s) => this.out(s), opts.columns ?? 80);
    this.hostname = opts.hostname ?? 'dom0';
    this.lines = (opts.history ?? []).slice(-MAX_HISTORY);
    if (!this.fs.stat(this.cwd)) this.cwd = '/';
    const now = opts.now ?? (() => Date.now());
    const dom0 = { memoryMiB: opts.dom0?.memoryMiB ?? 256, vcpus: opts.dom0?.vcpus ?? 1, startedAt: now() };
    const self = this;
    this.env = {
      host: this.host,
      fs: this.fs,
      get cwd() { return self.cwd; },
      setCwd: (p) => { self.cwd = p; },
      random: opts.random ?? cryptoRandom,
      now,
      commands: () => this.commands,
      history: () => this.lines,
      dom0,
      saves: opts.saves ?? new SaveImages(),
    };
  }

  /** Lines entered so far, oldest first (at most MAX_HISTORY). */
  get history(): readonly string[] {
    return this.lines;
  }

  /** Greet and show the first prompt. */
  start(): void {
    this.out(`virtlab dom0: virsh, xl and virt-install manage the domains. Try 'help'.\r\n`);
    this.prompt();
  }

  /** What the terminal sent: typed keys, pasted text, escape sequences (xterm's onData). */
  feed(data: string | Uint8Array): void {
    const text = typeof data === 'string' ? data : this.utf8.decode(data, { stream: true });
    for (const key of this.decoder.decode(text)) {
      if (this.mode.kind === 'busy' && key.k === 'ctrl' && key.c === 'c') { this.interrupt(this.mode.run); continue; }
      const left = this.mode.kind === 'busy' ? this.toReader(this.mode.run, key) : key;
      if (!left) continue;
      if (this.queue.length >= MAX_PENDING_KEYS) { this.out(BELL); break; }
      this.queue.push(left);
    }
    this.pump();
  }

  resize(cols: number): void {
    if (Number.isInteger(cols) && cols > 0) this.editor.columns = cols;
  }

  /** Resolves once no command runs and every key fed so far has been handled (tests, e2e). */
  idle(): Promise<void> {
    if (this.mode.kind !== 'busy' && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private promptText(): string {
    const c = this.cwd === HOME ? '~' : this.cwd.startsWith(HOME + '/') ? '~' + this.cwd.slice(HOME.length) : this.cwd;
    return `root@${this.hostname}:${c}# `;
  }

  private prompt(): void {
    this.mode = { kind: 'command' };
    this.continued = [];
    this.historyIndex = this.lines.length;
    this.draft = '';
    this.editor.begin(this.promptText());
  }

  private pump(): void {
    while (this.mode.kind !== 'busy' && this.queue.length > 0) this.key(this.queue.shift()!);
    if (this.mode.kind !== 'busy' && this.queue.length === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const resolve of w) resolve();
    }
  }

  private key(key: Key): void {
    const wasTab = this.lastKeyWasTab;
    this.lastKeyWasTab = key.k === 'tab';
    const ed = this.editor;
    switch (key.k) {
      case 'text': if (!ed.insert(key.text)) this.out(BELL); return;
      case 'enter': return this.enter(ed.finish());
      case 'backspace': ed.backspace(); return;
      case 'delete': ed.deleteForward(); return;
      case 'left': case 'right': case 'home': case 'end': ed.move(key.k); return;
      case 'up': case 'down': return this.browse(key.k === 'up' ? -1 : 1);
      case 'tab': return this.tab(wasTab);
      case 'ctrl': return this.control(key.c);
    }
  }

  private control(c: string): void {
    const ed = this.editor;
    if (c === 'c') {
      ed.abandon();
      this.prompt();
    } else if (c === 'd') {
      if (this.mode.kind === 'stdin' || this.mode.kind === 'heredoc') this.endOfInput();
      else if (!ed.deleteForward()) this.out(BELL);
    } else if (c === 'u') ed.killBackward();
    else if (c === 'k') ed.killForward();
    else if (c === 'w') ed.killWord();
    else if (c === 'l') { this.out('\x1b[H\x1b[2J'); ed.reprint(); }
  }

  private browse(step: -1 | 1): void {
    if (this.mode.kind !== 'command' || this.continued.length > 0) return;
    const next = this.historyIndex + step;
    if (next < 0 || next > this.lines.length) { this.out(BELL); return; }
    if (this.historyIndex === this.lines.length) this.draft = this.editor.text;
    this.historyIndex = next;
    this.editor.setText(next === this.lines.length ? this.draft : this.lines[next].replace(/\n/g, ' '));
  }

  private tab(again: boolean): void {
    if (this.mode.kind !== 'command') { this.out(BELL); return; }
    const { partial, candidates } = complete(this.editor.beforeCursor(), this.env, this.commands);
    if (candidates.length === 0) { this.out(BELL); return; }
    if (candidates.length === 1) {
      const c = candidates[0];
      this.editor.insert(escapeForShell(c.slice(partial.length)) + (c.endsWith('/') ? '' : ' '));
      return;
    }
    const prefix = commonPrefix(candidates);
    if (prefix.length > partial.length) { this.editor.insert(escapeForShell(prefix.slice(partial.length))); return; }
    if (!again) { this.out(BELL); return; }
    // Second Tab: list them, as bash does, then the prompt and line again.
    const cut = partial.lastIndexOf('/') + 1;
    this.editor.finish();
    this.write(columns(candidates.map((c) => c.slice(cut)), this.editor.columns));
    this.editor.reprint();
  }

  private enter(line: string): void {
    const m = this.mode;
    if (m.kind === 'heredoc') return this.heredocLine(m, line);
    if (m.kind === 'stdin') {
      m.lines.push(line);
      if (m.lines.reduce((s, l) => s + l.length + 1, 0) > MAX_INPUT_CHARS) return this.tooLong();
      this.editor.begin('');
      return;
    }
    const text = [...this.continued, line].join('\n');
    const parsed = parseLine(text);
    if (parsed.kind === 'incomplete') {
      if (text.length > MAX_INPUT_CHARS) return this.tooLong();
      this.continued.push(line);
      this.editor.begin('> ');
      return;
    }
    if (text.trim() !== '') this.remember(text);
    if (parsed.kind === 'error') {
      this.write(`bash: ${parsed.message}\n`);
      return this.prompt();
    }
    if (parsed.items.length === 0) return this.prompt();
    const docs = heredocs(parsed.items);
    if (docs.length > 0) {
      this.mode = { kind: 'heredoc', items: parsed.items, docs, bodies: [], lines: [] };
      this.editor.begin('> ');
      return;
    }
    this.afterHeredocs(parsed.items, []);
  }

  private heredocLine(m: Extract<Mode, { kind: 'heredoc' }>, line: string): void {
    const doc = m.docs[m.bodies.length];
    const body = doc.stripTabs ? line.replace(/^\t+/, '') : line;
    if (body === doc.delimiter) {
      m.bodies.push(m.lines.map((l) => l + '\n').join(''));
      m.lines = [];
      if (m.bodies.length === m.docs.length) return this.afterHeredocs(m.items, m.bodies);
    } else {
      m.lines.push(body);
      if (m.lines.reduce((s, l) => s + l.length + 1, 0) > MAX_INPUT_CHARS) return this.tooLong();
    }
    this.editor.begin('> ');
  }

  /** Ctrl-D while reading input: ends typed stdin, or a here-document (with bash's warning). */
  private endOfInput(): void {
    const m = this.mode;
    const partial = this.editor.text;
    this.editor.finish();
    if (m.kind === 'stdin') {
      const text = m.lines.map((l) => l + '\n').join('') + partial;
      return this.execute(m.items, m.bodies, text);
    }
    if (m.kind === 'heredoc') {
      const doc = m.docs[m.bodies.length];
      this.write(`bash: warning: here-document delimited by end-of-file (wanted \`${doc.delimiter}')\n`);
      m.bodies.push(m.lines.map((l) => l + '\n').join('') + partial);
      m.lines = [];
      while (m.bodies.length < m.docs.length) m.bodies.push('');
      this.afterHeredocs(m.items, m.bodies);
    }
  }

  private tooLong(): void {
    this.write(`bash: input longer than ${MAX_INPUT_CHARS} characters; cancelled\n`);
    this.prompt();
  }

  /** Here-documents are in: if a command reads the terminal (cat > FILE), read it first. */
  private afterHeredocs(items: readonly ListItem[], bodies: readonly string[]): void {
    if (this.terminalReader(items)) {
      this.mode = { kind: 'stdin', items, bodies, lines: [] };
      this.editor.begin('');
      return;
    }
    this.execute(items, bodies, '');
  }

  /** The first command of a pipeline that takes its input from the terminal, if any. */
  private terminalReader(items: readonly ListItem[]): SimpleCommand | undefined {
    for (const item of items) {
      const first = item.pipeline[0];
      const cmd = this.commands.find((c) => c.name === first.argv[0]);
      const redirected = first.redirects.some((r) => r.op === '<' || r.op === '<<');
      if (cmd?.readsTerminal && !redirected && cmd.readsTerminal(first.argv.slice(1))) return first;
    }
    return undefined;
  }

  private remember(line: string): void {
    if (this.lines[this.lines.length - 1] !== line) this.lines.push(line);
    if (this.lines.length > MAX_HISTORY) this.lines.splice(0, this.lines.length - MAX_HISTORY);
  }

  private interrupt(run: Run): void {
    run.cancelled = true;
    run.keys = undefined;
    run.abort.abort();
    this.queue = [];
    this.write('^C\n');
    this.prompt();
    this.pump();
  }

  private execute(items: readonly ListItem[], bodies: readonly string[], typed: string): void {
    const run: Run = { cancelled: false, abort: new AbortController() };
    this.mode = { kind: 'busy', run };
    const reader = this.terminalReader(items);
    void this.runList(items, [...bodies], reader, typed, run)
      .catch((e) => { if (!run.cancelled) this.write(`bash: ${errText(e)}\n`); })
      .finally(() => {
        if (run.cancelled) return;
        this.prompt();
        this.pump();
      });
  }

  private async runList(items: readonly ListItem[], bodies: string[], reader: SimpleCommand | undefined, typed: string, run: Run): Promise<void> {
    let status = 0;
    for (const item of items) {
      if ((item.after === '&&' && status !== 0) || (item.after === '||' && status === 0)) continue;
      let piped: string | undefined;
      for (let i = 0; i < item.pipeline.length; i++) {
        const c = item.pipeline[i];
        const last = i === item.pipeline.length - 1;
        let stdin = piped ?? (c === reader ? typed : '');
        for (const r of c.redirects) if (r.op === '<<') stdin = bodies.shift() ?? '';
        const res = await this.runCommand(c, stdin, last, run);
        if (run.cancelled) return;
        status = res.status;
        piped = res.stdout;
      }
    }
  }

  /** One simple command with its redirections; stdout is returned when it feeds a pipe. */
  private async runCommand(c: SimpleCommand, stdin: string, last: boolean, run: Run): Promise<{ status: number; stdout: string }> {
    const terminal = (s: string) => { if (!run.cancelled) this.write(s); };
    const files: { target: string; append: boolean; text: string }[] = [];
    let out = last ? terminal : (undefined as ((s: string) => void) | undefined);
    let err = terminal;
    let piped = '';
    if (!out) out = (s) => { piped += s; };
    for (const r of c.redirects as readonly Redirect[]) {
      if (r.op === '<') {
        try {
          stdin = this.fs.readFile(this.fs.resolve(r.target, this.cwd));
        } catch (e) {
          terminal(`bash: ${r.target}: ${errText(e)}\n`);
          return { status: 1, stdout: '' };
        }
      } else if (r.op === '>' || r.op === '>>' || r.op === '2>' || r.op === '2>>') {
        const f = { target: r.target, append: r.op.endsWith('>>'), text: '' };
        files.push(f);
        const sink = (s: string) => { f.text += s; };
        if (r.op[0] === '2') err = sink;
        else out = sink;
      } else if (r.op === '2>&1') err = out;
    }
    let status: number;
    const [name, ...args] = c.argv;
    const cmd = name === undefined ? undefined : this.commands.find((x) => x.name === name);
    if (name === undefined) status = 0; // only redirections: `> file` makes an empty file
    else if (!cmd) {
      err(`bash: ${name}: command not found\n`);
      status = 127;
    } else {
      const ctx: CommandContext = { args, stdin, out: out!, err, env: this.env, signal: run.abort.signal, ...(out === terminal ? { tty: this.tty(run) } : {}) };
      try {
        status = await cmd.run(ctx);
      } catch (e) {
        err(`${name}: ${errText(e)}\n`);
        status = 1;
      } finally {
        run.keys = undefined;
      }
    }
    if (run.cancelled) return { status, stdout: '' };
    for (const f of files) {
      try {
        this.fs.writeFile(this.fs.resolve(f.target, this.cwd), f.text, { append: f.append });
      } catch (e) {
        terminal(`bash: ${f.target}: ${errText(e)}\n`);
        status = 1;
      }
    }
    return { status, stdout: piped };
  }

  /** The terminal as a command whose stdout it is sees it. */
  private tty(run: Run): Tty {
    const self = this;
    return {
      get columns() { return self.editor.columns; },
      readKeys: (listener) => {
        run.keys = listener;
        // Keys typed ahead (`xl top` then `q` before it drew) are the command's too.
        queueMicrotask(() => {
          while (run.keys === listener && this.queue.length > 0) {
            const left = this.toReader(run, this.queue.shift()!);
            if (left) this.queue.unshift(left);
          }
        });
        return () => { if (run.keys === listener) run.keys = undefined; };
      },
    };
  }

  /**
   * Hand a key to the command reading the keys, if one does; typed text goes one character at a
   * time, so that what follows the key that ends it (`q` of xentop) stays the shell's. Returns
   * what it did not take.
   */
  private toReader(run: Run, key: Key): Key | undefined {
    if (!run.keys) return key;
    if (key.k === 'ctrl' && key.c === 'c') { this.interrupt(run); return undefined; } // typed ahead
    if (key.k !== 'text') { run.keys(key); return undefined; }
    const chars = [...key.text];
    for (let i = 0; i < chars.length; i++) {
      if (!run.keys) return { k: 'text', text: chars.slice(i).join('') };
      run.keys({ k: 'text', text: chars[i] });
    }
    return undefined;
  }

  /** Command output to the terminal: newlines become CRLF. */
  private write(text: string): void {
    this.out(text.replace(/\r?\n/g, '\r\n'));
  }
}
