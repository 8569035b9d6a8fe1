/**
 * xentop (tools/xentop/xentop.c), which `xl top` runs: a live table of the domains that exist on
 * the lab's hosts, Domain-0 included, redrawn in place every DELAY seconds until `q` or Ctrl-C.
 * `-b` (batch) prints the table DELAY seconds apart without redrawing, as xentop -b does for
 * scripts and pipes.
 *
 * The columns are xentop's first ones, NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) VCPUS,
 * with xentop's widths and formats, then one of ours, MIPS (millions of guest instructions per
 * second); 79 columns in all, so the table fits an 80-column terminal. What the lab does not
 * count (networks, block devices) is left out. CPU(%) and MIPS are the lab's once-a-second sample
 * (lab/metrics.ts), so the first frame already shows them. The whole lab is one node: the summary
 * adds up its hosts' memory and CPUs, and MEM(%) is of that total.
 */
import type { DomainInfo } from './api.ts';
import { matching, Sleeper, type CommandContext, type Command, type ShellEnv } from './command.ts';
import type { Key } from './line-editor.ts';

/** A quiet dom0 spends a small share of wall time on its own CPU: Domain-0's CPU time and CPU(%). */
export const DOM0_CPU_SHARE = 0.02;

/** Domain-0's CPU time, seconds, as `xl list` and xentop show it. */
export function dom0CpuSec(env: ShellEnv): number {
  return ((env.now() - env.dom0.startedAt) / 1000) * DOM0_CPU_SHARE;
}

/** xentop's default is 3 s; the lab samples its figures every second, so this one redraws each second. */
export const DEFAULT_DELAY_SEC = 1;

/** The hypervisor version the summary names. */
const XEN_VERSION = '4.17 (virtlab)';

interface Row {
  readonly name: string;
  readonly dom0: boolean;
  /** xentop's six state letters, "dsbcpr" (dying, shutdown, blocked, crashed, paused, running). */
  readonly state: string;
  readonly cpuSec: number;
  readonly cpuPercent: number;
  readonly memK: number;
  /** undefined: no limit (Domain-0). */
  readonly maxMemK: number | undefined;
  readonly vcpus: number;
  /** undefined for Domain-0: the lab does not count dom0's instructions. */
  readonly mips: number | undefined;
}

interface Field {
  readonly header: string;
  readonly width: number;
  /** xentop's sort order for the column (`s` cycles through them). */
  compare(a: Row, b: Row): number;
  cell(r: Row, v: View): string;
}

/** What one frame shows. */
interface View {
  readonly totalK: number;
  /** NAME's width: 10, or the longest name with -f. */
  readonly nameWidth: number;
  readonly fullName: boolean;
}

const desc = (a: number, b: number) => (a < b ? 1 : a > b ? -1 : 0);
const num = (v: number, w: number, digits = 0) => (digits ? v.toFixed(digits) : String(Math.floor(v))).padStart(w);

function stateLetters(d: DomainInfo): string {
  const s = d.state;
  const flags = {
    d: false,
    s: s === 'in shutdown' || s === 'crashed',
    b: s === 'idle',
    c: s === 'crashed',
    p: s === 'paused',
    r: s === 'running',
  };
  return (Object.keys(flags) as (keyof typeof flags)[]).map((k) => (flags[k] ? k : '-')).join('');
}

const FIELDS: readonly Field[] = [
  {
    header: 'NAME', width: 10,
    compare: (a, b) => { const x = a.name.toLowerCase(), y = b.name.toLowerCase(); return x < y ? -1 : x > y ? 1 : 0; },
    // "%10.10s": right-aligned, cut to 10; with -f the whole name.
    cell: (r, v) => (v.fullName ? r.name : r.name.slice(0, 10)).padStart(v.nameWidth),
  },
  {
    header: 'STATE', width: 6,
    compare: (a, b) => {
      for (let i = 0; i < 6; i++) {
        const x = a.state[i] !== '-', y = b.state[i] !== '-';
        if (x !== y) return x ? -1 : 1;
      }
      return 0;
    },
    cell: (r) => r.state,
  },
  { header: 'CPU(sec)', width: 10, compare: (a, b) => desc(a.cpuSec, b.cpuSec), cell: (r) => num(r.cpuSec, 10) },
  { header: 'CPU(%)', width: 6, compare: (a, b) => desc(a.cpuPercent, b.cpuPercent), cell: (r) => num(r.cpuPercent, 6, 1) },
  { header: 'MEM(k)', width: 10, compare: (a, b) => desc(a.memK, b.memK), cell: (r) => num(r.memK, 10) },
  { header: 'MEM(%)', width: 6, compare: (a, b) => desc(a.memK, b.memK), cell: (r, v) => num(v.totalK > 0 ? (r.memK / v.totalK) * 100 : 0, 6, 1) },
  {
    header: 'MAXMEM(k)', width: 10,
    compare: (a, b) => desc(a.maxMemK ?? Infinity, b.maxMemK ?? Infinity),
    cell: (r) => (r.maxMemK === undefined ? 'no limit'.padStart(10) : num(r.maxMemK, 10)),
  },
  { header: 'VCPUS', width: 5, compare: (a, b) => desc(a.vcpus, b.vcpus), cell: (r) => num(r.vcpus, 5) },
  { header: 'MIPS', width: 8, compare: (a, b) => desc(a.mips ?? -1, b.mips ?? -1), cell: (r) => (r.mips === undefined ? 'n/a'.padStart(8) : num(r.mips, 8, 1)) },
];

export interface TopOptions {
  delaySec: number;
  /** Stop after this many frames; undefined: until q or Ctrl-C. */
  iterations: number | undefined;
  batch: boolean;
  fullName: boolean;
  dom0First: boolean;
  vcpus: boolean;
  repeatHeader: boolean;
  /** Index into the columns. xentop's default sorts by name (its FIELD_DOMID is fields[0]). */
  sort: number;
}

/** A piece of a screen line, with an SGR attribute in interactive mode (reverse, bold). */
type Seg = { readonly text: string; readonly sgr?: string };
type Line = readonly Seg[];

function rows(env: ShellEnv, opts: TopOptions): Row[] {
  const doms = env.host.domains().filter((d) => d.id !== undefined);
  const dom0: Row = {
    name: 'Domain-0', dom0: true, state: '-----r', cpuSec: dom0CpuSec(env), cpuPercent: DOM0_CPU_SHARE * 100,
    memK: env.dom0.memoryMiB * 1024, maxMemK: undefined, vcpus: env.dom0.vcpus, mips: undefined,
  };
  const all: Row[] = [dom0, ...doms.map((d): Row => ({
    name: d.name, dom0: false, state: stateLetters(d), cpuSec: d.cpuTimeSec, cpuPercent: d.cpuPercent,
    memK: d.memoryMiB * 1024, maxMemK: d.maxMemMiB * 1024, vcpus: d.vcpus, mips: d.mips,
  }))];
  const f = FIELDS[opts.sort];
  const sorted = opts.dom0First ? [dom0, ...all.slice(1).sort(f.compare)] : all.sort(f.compare);
  return sorted;
}

/** The lines of one frame: xentop's top(), with do_summary() unless in batch mode. */
function frame(env: ShellEnv, opts: TopOptions, interactive: boolean): Line[] {
  const hosts = env.host.hosts();
  const totalK = hosts.reduce((s, h) => s + h.memoryMiB, 0) * 1024;
  const freeK = hosts.reduce((s, h) => s + h.freeMemoryMiB, 0) * 1024;
  const list = rows(env, opts);
  const view: View = {
    totalK,
    fullName: opts.fullName,
    nameWidth: opts.fullName ? Math.max(FIELDS[0].width, ...list.map((r) => r.name.length)) : FIELDS[0].width,
  };
  const lines: Line[] = [];
  const plain = (text: string): Line => [{ text }];
  if (!opts.batch) {
    const count = (letter: string) => list.filter((r) => r.state.includes(letter)).length;
    const time = new Date(env.now());
    const hms = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    const cpus = hosts.reduce((s, h) => s + h.cpus, 0);
    lines.push(plain(`xentop - ${hms}   Xen ${XEN_VERSION}`));
    // xentop counts a crashed domain under shutdown too (both flags are set); here it is counted once, as crashed.
    const crashed = count('c');
    lines.push(plain(`${list.length} domains: ${count('r')} running, ${count('b')} blocked, ${count('p')} paused, ${crashed} crashed, 0 dying, ${count('s') - crashed} shutdown `));
    lines.push(plain(`Mem: ${totalK}k total, ${totalK - freeK}k used, ${freeK}k free    CPUs: ${cpus}${hosts.length > 1 ? ` on ${hosts.length} hosts` : ''}`));
  }
  const header = (): Line => FIELDS.flatMap((f, i): Seg[] => {
    const text = f.header.padStart(i === 0 ? view.nameWidth : f.width);
    const seg: Seg = interactive ? { text, sgr: i === opts.sort ? '1;7' : '7' } : { text };
    return i === 0 ? [seg] : [{ text: ' ', ...(interactive ? { sgr: '7' } : {}) }, seg];
  });
  list.forEach((r, i) => {
    if (i === 0 || opts.repeatHeader) lines.push(header());
    lines.push(plain(FIELDS.map((f) => f.cell(r, view)).join(' ')));
    if (opts.vcpus) {
      // do_vcpu: "VCPUs(sec): " then " %2u: %10llus" per online vCPU. The lab runs one vCPU per domain.
      lines.push(plain(`VCPUs(sec): ${Array.from({ length: r.vcpus }, (_, n) => ` ${String(n).padStart(2)}: ${num(n === 0 ? r.cpuSec : 0, 10)}s`).join('')}`));
    }
  });
  return lines;
}

/** xentop's bottom line (do_bottom_line), for the keys this one handles, or the delay prompt. */
function bottomLine(opts: TopOptions, prompt: string | undefined): Line {
  if (prompt !== undefined) return [{ text: `  Delay(sec): ${prompt}` }];
  const keys: [string, string][] = [['D', 'elay'], ['V', 'CPUs'], ['R', 'epeat header'], ['S', 'ort order'], ['Q', 'uit']];
  return [{ text: '  ' }, ...keys.flatMap(([k, rest]): Seg[] => [{ text: k, sgr: '7' }, { text: `${rest}  ` }])];
}

/** A line as terminal text, cut to `width` visible columns when a width is given. */
function render(line: Line, width?: number): string {
  let out = '';
  let left = width ?? Infinity;
  for (const seg of line) {
    if (left <= 0) break;
    const text = seg.text.slice(0, left);
    left -= text.length;
    out += seg.sgr ? `\x1b[${seg.sgr}m${text}\x1b[0m` : text;
  }
  return out;
}

const USAGE = `Usage: xentop [OPTION]
Displays ongoing information about xen vm resources 

-h, --help           display this help and exit
-V, --version        output version information and exit
-d, --delay=SECONDS  seconds between updates (default ${DEFAULT_DELAY_SEC}; xentop's is 3)
-r, --repeat-header  repeat table header before each domain
-v, --vcpus          output vcpu data
-b, --batch          output in batch mode, no user input accepted
-i, --iterations     number of iterations before exiting
-f, --full-name      output the full domain name (not truncated)
-z, --dom0-first     display dom0 first (ignore sorting)
(-n/--networks and -x/--vbds: the lab does not count network or disk traffic)

Keys: d delay, v vCPUs, r repeat header, s sort order, q quit (Ctrl-C too).
`;

const LONG: Readonly<Record<string, string>> = {
  help: 'h', version: 'V', networks: 'n', vbds: 'x', 'repeat-header': 'r', vcpus: 'v', delay: 'd', batch: 'b', iterations: 'i', 'full-name': 'f', 'dom0-first': 'z',
};
const WITH_ARG = new Set(['d', 'i']);
export const TOP_OPTIONS: readonly string[] = ['-h', '-V', '-d', '-r', '-v', '-b', '-i', '-f', '-z', ...Object.keys(LONG).filter((k) => !['networks', 'vbds'].includes(k)).map((k) => `--${k}`)];

type Parsed = { kind: 'run'; opts: TopOptions } | { kind: 'exit'; status: number };

/** getopt_long over "hVnxrvd:bi:fz", with getopt's messages. */
function parseArgs(ctx: CommandContext, args: readonly string[]): Parsed {
  const opts: TopOptions = { delaySec: DEFAULT_DELAY_SEC, iterations: undefined, batch: false, fullName: false, dom0First: false, vcpus: false, repeatHeader: false, sort: 0 };
  const fail = (msg: string): Parsed => { ctx.err(`xentop: ${msg}\n`); ctx.out(USAGE); return { kind: 'exit', status: 1 }; };
  const whole = (v: string) => (/^[0-9]+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined);
  const apply = (o: string, value: string | undefined): Parsed | undefined => {
    switch (o) {
      case 'h': ctx.out(USAGE); return { kind: 'exit', status: 0 };
      case 'V': ctx.out('xentop 1.0 (virtlab)\nWritten by Judy Fischbach, David Hendricks, Josh Triplett\n'); return { kind: 'exit', status: 0 };
      case 'n': case 'x':
        ctx.err(`xentop: option '-${o}' is not supported in this lab (it does not count ${o === 'n' ? 'network' : 'block device'} traffic)\n`);
        return { kind: 'exit', status: 1 };
      case 'r': opts.repeatHeader = true; return undefined;
      case 'v': opts.vcpus = true; return undefined;
      case 'b': opts.batch = true; return undefined;
      case 'f': opts.fullName = true; return undefined;
      case 'z': opts.dom0First = true; return undefined;
      case 'd': {
        const n = whole(value!);
        if (n === undefined) { ctx.err(`xentop: invalid delay '${value}': a whole number of seconds, at least 1\n`); return { kind: 'exit', status: 1 }; }
        opts.delaySec = n;
        return undefined;
      }
      case 'i': {
        const n = whole(value!);
        if (n === undefined) { ctx.err(`xentop: invalid number of iterations '${value}': a whole number, at least 1\n`); return { kind: 'exit', status: 1 }; }
        opts.iterations = n;
        return undefined;
      }
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { if (i + 1 < args.length) return fail(`unexpected argument '${args[i + 1]}'`); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const o = LONG[name];
      if (!o) return fail(`unrecognized option '${a}'`);
      let value: string | undefined;
      if (WITH_ARG.has(o)) {
        value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) return fail(`option '--${name}' requires an argument`);
      } else if (eq >= 0) return fail(`option '--${name}' doesn't allow an argument`);
      const r = apply(o, value);
      if (r) return r;
      continue;
    }
    if (!a.startsWith('-') || a === '-') return fail(`unexpected argument '${a}'`);
    for (let j = 1; j < a.length; j++) {
      const o = a[j];
      if (!'hVnxrvdbifz'.includes(o)) return fail(`invalid option -- '${o}'`);
      let value: string | undefined;
      if (WITH_ARG.has(o)) {
        value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined) return fail(`option requires an argument -- '${o}'`);
        j = a.length;
      }
      const r = apply(o, value);
      if (r) return r;
    }
  }
  return { kind: 'run', opts };
}

async function batch(ctx: CommandContext, opts: TopOptions): Promise<number> {
  const sleeper = new Sleeper();
  const aborted = () => ctx.signal?.aborted === true;
  const onAbort = () => sleeper.wake();
  ctx.signal?.addEventListener('abort', onAbort);
  try {
    for (let n = 1; !aborted(); n++) {
      ctx.out(frame(ctx.env, opts, false).map((l) => render(l) + '\n').join(''));
      if (opts.iterations !== undefined && n >= opts.iterations) break;
      await sleeper.sleep(opts.delaySec * 1000);
    }
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  return 0;
}

async function interactive(ctx: CommandContext, opts: TopOptions): Promise<number> {
  const tty = ctx.tty!;
  const sleeper = new Sleeper();
  let prompt: string | undefined;
  let quit = false;
  const onKey = (key: Key) => {
    if (prompt !== undefined) {
      // Prompting for the delay: digits, Backspace, Enter.
      if (key.k === 'text') prompt = (prompt + key.text.replace(/[^0-9]/g, '')).slice(0, 8);
      else if (key.k === 'backspace') prompt = prompt.slice(0, -1);
      else if (key.k === 'enter') { const n = Number(prompt); if (prompt !== '' && n > 0) opts.delaySec = n; prompt = undefined; }
    } else if (key.k === 'text') {
      // The shell hands typed text over one character at a time.
      const ch = key.text.toLowerCase();
      if (ch === 'q') quit = true;
      else if (ch === 's') opts.sort = (opts.sort + 1) % FIELDS.length;
      else if (ch === 'v') opts.vcpus = !opts.vcpus;
      else if (ch === 'r') opts.repeatHeader = !opts.repeatHeader;
      else if (ch === 'd') prompt = '';
    }
    // Give the keys back at once: what follows `q` is the shell's again. Any key redraws at once,
    // as in xentop (Ctrl-L, for one, repaints).
    if (quit) giveBack();
    sleeper.wake();
  };
  const giveBack = tty.readKeys(onKey);
  const onAbort = () => sleeper.wake();
  ctx.signal?.addEventListener('abort', onAbort);
  /** Lines the last frame took, less one: the cursor stays at the end of its bottom line. */
  let up = 0;
  const draw = () => {
    const lines = [...frame(ctx.env, opts, true), bottomLine(opts, prompt)].map((l) => render(l, tty.columns));
    ctx.out(`\r${up > 0 ? `\x1b[${up}A` : ''}\x1b[J${lines.join('\n')}`);
    up = lines.length - 1;
  };
  try {
    draw();
    for (let n = 1; opts.iterations === undefined || n < opts.iterations;) {
      const timedOut = await sleeper.sleep(opts.delaySec * 1000);
      if (quit || ctx.signal?.aborted) break;
      draw();
      if (timedOut) n++;
    }
    // Leave the last frame on the screen, without the keys line: the prompt comes there.
    if (!ctx.signal?.aborted) ctx.out('\r\x1b[K');
  } finally {
    giveBack();
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  return 0;
}

/** xentop with `args` (also `xl top`). */
export async function runTop(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const parsed = parseArgs(ctx, args);
  if (parsed.kind === 'exit') return parsed.status;
  const { opts } = parsed;
  if (!opts.batch && ctx.tty) return interactive(ctx, opts);
  // Not a terminal: batch output. The shell runs a pipe's commands one after the other, so an
  // endless producer would never feed the next: without -i, one frame.
  if (!ctx.tty && opts.iterations === undefined) opts.iterations = 1;
  opts.batch = true;
  return batch(ctx, opts);
}

export function completeTop(args: readonly string[]): string[] {
  const partial = args[args.length - 1] ?? '';
  return partial.startsWith('-') ? matching(TOP_OPTIONS, partial) : [];
}

export const xentop: Command = {
  name: 'xentop',
  summary: 'live view of the domains: CPU, memory, MIPS (q quits; -b -i N for N snapshots); also `xl top`',
  run: (ctx) => runTop(ctx, ctx.args),
  complete: (args) => completeTop(args),
};
