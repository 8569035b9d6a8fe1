/**
 * File and shell commands over dom0's Vfs, with coreutils' and bash's messages:
 * ls, cat, echo, tee, touch, mkdir, rm, cp, mv, pwd, cd, clear, history, help.
 */
import { completePath, errText, matching, type Command, type CommandContext, type ShellEnv } from './command.ts';
import { baseName, HOME, type Vfs } from './vfs.ts';

/** Split `-la` style flags from operands; `--` ends options. Unknown flags make an error line. */
function flags(ctx: CommandContext, name: string, allowed: string): { set: Set<string>; operands: string[] } | undefined {
  const set = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of ctx.args) {
    if (done || !a.startsWith('-') || a === '-') { operands.push(a); continue; }
    if (a === '--') { done = true; continue; }
    for (const f of a.slice(1)) {
      if (!allowed.includes(f)) {
        ctx.err(`${name}: invalid option -- '${f}'\nTry '${name} --help' for more information.\n`);
        return undefined;
      }
      set.add(f);
    }
  }
  return { set, operands };
}

function cmd(name: string, summary: string, run: (ctx: CommandContext) => number, extra: Partial<Command> = {}): Command {
  return {
    name,
    summary,
    run,
    complete: (args, env) => completePath(env, args[args.length - 1] ?? ''),
    ...extra,
  };
}

const at = (ctx: CommandContext, p: string) => ctx.env.fs.resolve(p, ctx.env.cwd);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** ls -l's date: time of day within the last half year, else the year. */
function lsDate(mtime: number, now: number): string {
  const d = new Date(mtime);
  const day = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')}`;
  const recent = now - mtime < 182 * 86_400_000 && mtime <= now + 3_600_000;
  return recent ? `${day} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}` : `${day}  ${d.getFullYear()}`;
}

function longListing(fs: Vfs, dir: string | undefined, entries: { name: string; path: string }[], now: number): string {
  const rows = entries.map(({ name, path }) => {
    const st = fs.stat(path)!;
    const isDir = st.kind === 'dir';
    const links = isDir ? 2 + fs.readdir(path).filter((n) => fs.stat(`${path === '/' ? '' : path}/${n}`)?.kind === 'dir').length : 1;
    return { mode: isDir ? 'drwxr-xr-x' : '-rw-r--r--', links: String(links), size: String(isDir ? 4096 : st.size), date: lsDate(st.mtime, now), name };
  });
  const lw = Math.max(0, ...rows.map((r) => r.links.length));
  const sw = Math.max(0, ...rows.map((r) => r.size.length));
  const blocks = rows.reduce((s, r) => s + (r.mode[0] === 'd' ? 4 : Math.ceil(Number(r.size) / 4096) * 4), 0);
  const head = dir !== undefined ? `total ${blocks}\n` : '';
  return head + rows.map((r) => `${r.mode} ${r.links.padStart(lw)} root root ${r.size.padStart(sw)} ${r.date} ${r.name}\n`).join('');
}

const ls = cmd('ls', 'list directory contents (-l long, -a all)', (ctx) => {
  const f = flags(ctx, 'ls', 'la1d');
  if (!f) return 2;
  const { fs } = ctx.env;
  const ops = f.operands.length > 0 ? f.operands : ['.'];
  let status = 0;
  const files: { name: string; path: string }[] = [];
  const dirs: { name: string; path: string }[] = [];
  for (const op of ops) {
    try {
      const path = at(ctx, op);
      const st = fs.stat(path);
      if (!st) throw new Error('No such file or directory');
      (st.kind === 'dir' && !f.set.has('d') ? dirs : files).push({ name: op, path });
    } catch (e) {
      ctx.err(`ls: cannot access '${op}': ${errText(e)}\n`);
      status = 2;
    }
  }
  const show = (dir: string | undefined, entries: { name: string; path: string }[]) => {
    if (entries.length === 0 && dir === undefined) return;
    if (f.set.has('l')) ctx.out(longListing(fs, dir, entries, ctx.env.now()));
    else if (entries.length > 0) ctx.out(entries.map((e) => e.name).join(f.set.has('1') ? '\n' : '  ') + '\n');
  };
  show(undefined, files);
  dirs.forEach((d, i) => {
    const names = fs.readdir(d.path).filter((n) => f.set.has('a') || !n.startsWith('.'));
    const entries = [
      ...(f.set.has('a') ? [{ name: '.', path: d.path }, { name: '..', path: fs.resolve('..', d.path) }] : []),
      ...names.map((n) => ({ name: n, path: d.path === '/' ? `/${n}` : `${d.path}/${n}` })),
    ];
    if (ops.length > 1) ctx.out(`${files.length > 0 || i > 0 ? '\n' : ''}${d.name}:\n`);
    show(d.path, entries);
  });
  return status;
});

const cat = cmd('cat', 'print files (or what is typed, until Ctrl-D)', (ctx) => {
  const f = flags(ctx, 'cat', '');
  if (!f) return 1;
  let status = 0;
  for (const op of f.operands.length > 0 ? f.operands : ['-']) {
    if (op === '-') { ctx.out(ctx.stdin); continue; }
    try {
      ctx.out(ctx.env.fs.readFile(at(ctx, op)));
    } catch (e) {
      ctx.err(`cat: ${op}: ${errText(e)}\n`);
      status = 1;
    }
  }
  return status;
}, { readsTerminal: (args) => args.filter((a) => a !== '-' && !a.startsWith('-')).length === 0 || args.includes('-') });

const ECHO_ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', a: '\x07', r: '\r', e: '\x1b' };
const echo = cmd('echo', 'print the arguments (-n: no newline, -e: escapes)', (ctx) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < ctx.args.length && /^-[neE]+$/.test(ctx.args[i]); i++) {
    for (const c of ctx.args[i].slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
  }
  let text = ctx.args.slice(i).join(' ');
  if (escapes) text = text.replace(/\\([ntar\\e])/g, (_, c: string) => ECHO_ESCAPES[c]);
  ctx.out(text + (newline ? '\n' : ''));
  return 0;
}, { complete: undefined });

const tee = cmd('tee', 'copy standard input to files and to the output (-a: append)', (ctx) => {
  const f = flags(ctx, 'tee', 'a');
  if (!f) return 1;
  let status = 0;
  for (const op of f.operands) {
    try {
      ctx.env.fs.writeFile(at(ctx, op), ctx.stdin, { append: f.set.has('a') });
    } catch (e) {
      ctx.err(`tee: ${op}: ${errText(e)}\n`);
      status = 1;
    }
  }
  ctx.out(ctx.stdin);
  return status;
}, { readsTerminal: () => true });

const touch = cmd('touch', 'create empty files or update their time', (ctx) => {
  const f = flags(ctx, 'touch', '');
  if (!f) return 1;
  if (f.operands.length === 0) { ctx.err("touch: missing file operand\nTry 'touch --help' for more information.\n"); return 1; }
  let status = 0;
  for (const op of f.operands) {
    try { ctx.env.fs.touch(at(ctx, op)); } catch (e) { ctx.err(`touch: cannot touch '${op}': ${errText(e)}\n`); status = 1; }
  }
  return status;
});

const mkdir = cmd('mkdir', 'make directories (-p: with parents, no error if they exist)', (ctx) => {
  const f = flags(ctx, 'mkdir', 'p');
  if (!f) return 1;
  if (f.operands.length === 0) { ctx.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n"); return 1; }
  let status = 0;
  for (const op of f.operands) {
    try { ctx.env.fs.mkdir(at(ctx, op), { parents: f.set.has('p') }); } catch (e) { ctx.err(`mkdir: cannot create directory '${op}': ${errText(e)}\n`); status = 1; }
  }
  return status;
});

const rm = cmd('rm', 'remove files (-r: directories too, -f: no complaints)', (ctx) => {
  const f = flags(ctx, 'rm', 'rRf');
  if (!f) return 1;
  const recursive = f.set.has('r') || f.set.has('R');
  const force = f.set.has('f');
  if (f.operands.length === 0) {
    if (force) return 0;
    ctx.err("rm: missing operand\nTry 'rm --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const op of f.operands) {
    try {
      const path = at(ctx, op);
      if (path === '/') { ctx.err(`rm: it is dangerous to operate recursively on '/'\n`); status = 1; continue; }
      const st = ctx.env.fs.stat(path);
      if (!st) { if (!force) { ctx.err(`rm: cannot remove '${op}': No such file or directory\n`); status = 1; } continue; }
      if (st.kind === 'dir' && !recursive) { ctx.err(`rm: cannot remove '${op}': Is a directory\n`); status = 1; continue; }
      ctx.env.fs.remove(path, { recursive });
    } catch (e) {
      ctx.err(`rm: cannot remove '${op}': ${errText(e)}\n`);
      status = 1;
    }
  }
  return status;
});

/** Where `src` lands: inside `dst` when that is a directory (or there are several sources). */
function destination(ctx: CommandContext, name: string, ops: string[]): { sources: string[]; target: (src: string) => string } | undefined {
  if (ops.length < 2) {
    ctx.err(ops.length === 0 ? `${name}: missing file operand\n` : `${name}: missing destination file operand after '${ops[0]}'\n`);
    ctx.err(`Try '${name} --help' for more information.\n`);
    return undefined;
  }
  const dstOp = ops[ops.length - 1];
  const dst = at(ctx, dstOp);
  const isDir = ctx.env.fs.stat(dst)?.kind === 'dir';
  if (!isDir && ops.length > 2) { ctx.err(`${name}: target '${dstOp}' is not a directory\n`); return undefined; }
  return { sources: ops.slice(0, -1), target: (src) => (isDir ? ctx.env.fs.resolve(baseName(at(ctx, src)), dst) : dst) };
}

function copyTree(fs: Vfs, from: string, to: string): void {
  if (fs.stat(from)?.kind !== 'dir') return fs.copyFile(from, to);
  if (to.startsWith(from + '/')) throw new Error(`cannot copy a directory into itself`);
  fs.mkdir(to, { parents: true });
  for (const n of fs.readdir(from)) copyTree(fs, `${from === '/' ? '' : from}/${n}`, `${to}/${n}`);
}

const cp = cmd('cp', 'copy files (-r: directories too)', (ctx) => {
  const f = flags(ctx, 'cp', 'rR');
  if (!f) return 1;
  const d = destination(ctx, 'cp', f.operands);
  if (!d) return 1;
  let status = 0;
  for (const src of d.sources) {
    try {
      const from = at(ctx, src);
      const st = ctx.env.fs.stat(from);
      if (!st) { ctx.err(`cp: cannot stat '${src}': No such file or directory\n`); status = 1; continue; }
      if (st.kind === 'dir' && !f.set.has('r') && !f.set.has('R')) { ctx.err(`cp: -r not specified; omitting directory '${src}'\n`); status = 1; continue; }
      copyTree(ctx.env.fs, from, d.target(src));
    } catch (e) {
      ctx.err(`cp: cannot create '${src}': ${errText(e)}\n`);
      status = 1;
    }
  }
  return status;
});

const mv = cmd('mv', 'move or rename files', (ctx) => {
  const f = flags(ctx, 'mv', 'f');
  if (!f) return 1;
  const d = destination(ctx, 'mv', f.operands);
  if (!d) return 1;
  let status = 0;
  for (const src of d.sources) {
    try {
      const from = at(ctx, src);
      if (!ctx.env.fs.stat(from)) { ctx.err(`mv: cannot stat '${src}': No such file or directory\n`); status = 1; continue; }
      ctx.env.fs.rename(from, d.target(src));
    } catch (e) {
      ctx.err(`mv: cannot move '${src}': ${errText(e)}\n`);
      status = 1;
    }
  }
  return status;
});

const pwd = cmd('pwd', 'print the current directory', (ctx) => { ctx.out(ctx.env.cwd + '\n'); return 0; }, { complete: undefined });

const cd = cmd('cd', 'change the current directory (default: ~)', (ctx) => {
  if (ctx.args.length > 1) { ctx.err('bash: cd: too many arguments\n'); return 1; }
  const op = ctx.args[0] ?? HOME;
  try {
    const path = at(ctx, op);
    const st = ctx.env.fs.stat(path);
    if (!st) throw new Error('No such file or directory');
    if (st.kind !== 'dir') throw new Error('Not a directory');
    ctx.env.setCwd(path);
    return 0;
  } catch (e) {
    ctx.err(`bash: cd: ${op}: ${errText(e)}\n`);
    return 1;
  }
}, { complete: (args, env) => completePath(env, args[args.length - 1] ?? '').filter((c) => c.endsWith('/')) });

const clear = cmd('clear', 'clear the screen', (ctx) => { ctx.out('\x1b[H\x1b[2J\x1b[3J'); return 0; }, { complete: undefined });

const history = cmd('history', 'list the commands typed so far', (ctx) => {
  ctx.env.history().forEach((line, i) => ctx.out(`${String(i + 1).padStart(5)}  ${line}\n`));
  return 0;
}, { complete: undefined });

const help = cmd('help', 'this list; `virsh help`, `xl help`, `virt-install --help` for theirs', (ctx) => {
  const all = ctx.env.commands();
  const w = Math.max(...all.map((c) => c.name.length));
  ctx.out('dom0 shell: manage the lab\'s domains the Xen/libvirt way.\n\n');
  for (const c of all) ctx.out(`  ${c.name.padEnd(w)}  ${c.summary}\n`);
  ctx.out('\nLine editing: ←/→, Home/End, ↑/↓ history, Tab completes, Ctrl-C cancels, Ctrl-U clears.\n');
  ctx.out('Write a file:  cat > /etc/xen/NAME << EOF  (lines…)  EOF\n');
  return 0;
}, { complete: (args, env: ShellEnv) => matching(env.commands().map((c) => c.name), args[args.length - 1] ?? '') });

export const FILE_COMMANDS: readonly Command[] = [ls, cat, echo, tee, touch, mkdir, rm, cp, mv, pwd, cd];
export const SHELL_COMMANDS: readonly Command[] = [help, clear, history];
