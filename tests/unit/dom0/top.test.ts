/**
 * The live view: `xl top` / `xentop` (batch and interactive, through the real shell and a terminal
 * model) and `virsh domstats`, over the fake host whose figures the tests change between frames;
 * then the lab's figures through LabDom0Host.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dom0Shell } from '../../../src/hypervisor/dom0/shell.ts';
import { Vfs } from '../../../src/hypervisor/dom0/vfs.ts';
import { complete } from '../../../src/hypervisor/dom0/completion.ts';
import { LabDom0Host } from '../../../src/hypervisor/lab/dom0-host.ts';
import { parseXlCfg } from '../../../src/hypervisor/xen/xlcfg.ts';
import { makeLab, xl as labXl } from '../lab/fake-launcher.ts';
import { FakeHost } from './fake-host.ts';
import { COMMANDS, counting, makeEnv, run, T0 } from './run.ts';
import { Term } from './term.ts';

const PROMPT = 'root@dom0:~#';
const cfg = (name: string, memory = 128) => parseXlCfg(`name = "${name}"\nmemory = ${memory}\nimage = "linux"`).config;

const HEADER = '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) VCPUS     MIPS';
const DOM0 = '  Domain-0 -----r          0    2.0     262144   12.5   no limit     1      n/a';
const KEYS = '  Delay  VCPUs  Repeat header  Sort order  Quit';
const hms = (t: number) => { const d = new Date(t); return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'); };

/** web running flat out, db asleep, off shut off; all on host1 of two 1024 MiB, 4-CPU hosts. */
function populate(host: FakeHost): void {
  host.add(cfg('web', 64), 'running', { cpuTimeSec: 12.34, cpuPercent: 87.5, mips: 153.5, instructions: 1_234_567_890 });
  host.add(cfg('db', 256), 'idle', { cpuTimeSec: 3.9, cpuPercent: 1.2, mips: 2.25, instructions: 5_000_000 });
  host.add(cfg('off'));
}

const rec = (host: FakeHost, name: string) => host.recs.get(name)!;

beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

/** Let promise callbacks run without moving the clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('xl top -b: snapshots without redrawing', () => {
  it('prints one table per iteration, DELAY seconds apart, with xentop’s columns and our MIPS', async () => {
    const env = makeEnv();
    populate(env.host);
    const done = run(env, 'xl top -b -i 2');
    await flush();
    // Between the two frames the lab's figures move on.
    Object.assign(rec(env.host, 'web'), { cpuTimeSec: 13.4, cpuPercent: 99.9, mips: 180 });
    Object.assign(rec(env.host, 'db'), { state: 'paused', cpuPercent: 0, mips: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    const r = await done;
    expect(r).toEqual({
      out: [
        HEADER,
        '        db --b---          3    1.2     262144   12.5     262144     1      2.3',
        DOM0,
        '       web -----r         12   87.5      65536    3.1      65536     1    153.5',
        HEADER,
        '        db ----p-          3    0.0     262144   12.5     262144     1      0.0',
        DOM0,
        '       web -----r         13   99.9      65536    3.1      65536     1    180.0',
      ].map((l) => l + '\n').join(''),
      err: '',
      status: 0,
    });
  });

  it('waits -d seconds between frames and stops after -i of them', async () => {
    const env = makeEnv();
    populate(env.host);
    let finished = false;
    const done = run(env, 'xentop -b -d 3 -i 2').then((r) => { finished = true; return r; });
    await vi.advanceTimersByTimeAsync(2999);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await done).out.split(HEADER).length - 1).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('-z puts Domain-0 first, -f shows whole names, -v adds vCPU times, -r repeats the header', async () => {
    const env = makeEnv();
    populate(env.host);
    env.host.add(cfg('a-rather-long-name', 16), 'running');
    const r = await run(env, 'xentop -b -i 1 -zfvr');
    const wide = '              NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) VCPUS     MIPS';
    expect(r.out.split('\n')).toEqual([
      wide,
      '          Domain-0 -----r          0    2.0     262144   12.5   no limit     1      n/a',
      'VCPUs(sec):   0:          0s',
      wide,
      'a-rather-long-name -----r          0    0.0      16384    0.8      16384     1      0.0',
      'VCPUs(sec):   0:          0s',
      wide,
      '                db --b---          3    1.2     262144   12.5     262144     1      2.3',
      'VCPUs(sec):   0:          3s',
      wide,
      '               web -----r         12   87.5      65536    3.1      65536     1    153.5',
      'VCPUs(sec):   0:         12s',
      '',
    ]);
  });

  it('xentop and xl top take the same options; bad ones get getopt’s words', async () => {
    const env = makeEnv();
    expect(await run(env, 'xl top -d 0')).toEqual({ out: '', err: "xentop: invalid delay '0': a whole number of seconds, at least 1\n", status: 1 });
    expect(await run(env, 'xentop --delay=soon')).toEqual({ out: '', err: "xentop: invalid delay 'soon': a whole number of seconds, at least 1\n", status: 1 });
    expect(await run(env, 'xl top -i -1')).toEqual({ out: '', err: "xentop: invalid number of iterations '-1': a whole number, at least 1\n", status: 1 });
    expect(await run(env, 'xentop -b -i 1.5')).toMatchObject({ err: "xentop: invalid number of iterations '1.5': a whole number, at least 1\n", status: 1 });
    const bad = await run(env, 'xl top -k');
    expect(bad.err).toBe("xentop: invalid option -- 'k'\n");
    expect(bad.out).toMatch(/^Usage: xentop \[OPTION\]/);
    expect(bad.status).toBe(1);
    expect((await run(env, 'xentop --bogus')).err).toBe("xentop: unrecognized option '--bogus'\n");
    expect((await run(env, 'xentop -i')).err).toBe("xentop: option requires an argument -- 'i'\n");
    expect((await run(env, 'xentop --iterations')).err).toBe("xentop: option '--iterations' requires an argument\n");
    expect((await run(env, 'xentop --batch=1')).err).toBe("xentop: option '--batch' doesn't allow an argument\n");
    expect((await run(env, 'xentop web')).err).toBe("xentop: unexpected argument 'web'\n");
    expect(await run(env, 'xentop -n')).toEqual({ out: '', err: "xentop: option '-n' is not supported in this lab (it does not count network traffic)\n", status: 1 });
    expect(await run(env, 'xentop -h')).toMatchObject({ err: '', status: 0 });
    expect((await run(env, 'xl help')).out).toMatch(/^ top {17}Monitor a host and the domains in real time$/m);
  });
});

/** A shell on a terminal, with the fake host, under fake timers. */
function session(columns = 80) {
  const host = new FakeHost();
  populate(host);
  const fs = Vfs.withDefaults({ now: () => T0 });
  const term = new Term(columns);
  const shell = new Dom0Shell({ host, fs, output: (s) => term.write(s), columns, random: counting(), now: () => T0 });
  shell.start();
  const banner = term.row;
  const screen = () => term.lines().slice(banner);
  return { host, fs, term, shell, screen };
}

const SUMMARY = [
  `xentop - ${hms(T0)}   Xen 4.17 (virtlab)`,
  '3 domains: 2 running, 1 blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown',
  'Mem: 2097152k total, 327680k used, 1769472k free    CPUs: 8 on 2 hosts',
];

describe('xl top on the terminal: redrawn in place until q or Ctrl-C', () => {
  it('draws the summary, the table and the keys, redraws each second in place, and quits on q', async () => {
    const s = session();
    s.shell.feed('xl top\r');
    await flush();
    const first = [
      `${PROMPT} xl top`,
      ...SUMMARY,
      HEADER,
      '        db --b---          3    1.2     262144   12.5     262144     1      2.3',
      DOM0,
      '       web -----r         12   87.5      65536    3.1      65536     1    153.5',
      KEYS,
    ];
    expect(s.screen()).toEqual(first);
    expect(s.term.sgr).toContain('1;7'); // the sort column's header is bold

    Object.assign(rec(s.host, 'web'), { cpuTimeSec: 14, cpuPercent: 42, mips: 77.7 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.screen()).toEqual([...first.slice(0, 7), '       web -----r         14   42.0      65536    3.1      65536     1     77.7', KEYS]);

    s.host.add(cfg('new', 16), 'running', { mips: 5 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.screen()).toHaveLength(first.length + 1); // one row more, still in place
    expect(s.screen()[2]).toBe('4 domains: 3 running, 1 blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown');

    s.shell.feed('q');
    await s.shell.idle();
    const after = s.screen();
    expect(after.slice(-2)).toEqual(['       web -----r         14   42.0      65536    3.1      65536     1     77.7', PROMPT]);
    expect(after).not.toContain(KEYS);
    expect(vi.getTimerCount()).toBe(0);
    s.shell.feed('echo back\r');
    await s.shell.idle();
    expect(s.screen().slice(-3)).toEqual([`${PROMPT} echo back`, 'back', PROMPT]);
  });

  it('Ctrl-C stops it and gives a working prompt; nothing is drawn afterwards', async () => {
    const s = session();
    s.shell.feed('xentop\r');
    await flush();
    s.shell.feed('\x03');
    await s.shell.idle();
    expect(s.screen().slice(-2)).toEqual([`${KEYS}  ^C`, PROMPT]);
    const before = s.screen();
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.screen()).toEqual(before);
    expect(vi.getTimerCount()).toBe(0);
    s.shell.feed('echo ok\r');
    await s.shell.idle();
    expect(s.screen().slice(-3)).toEqual([`${PROMPT} echo ok`, 'ok', PROMPT]);
    expect(s.shell.history).toEqual(['xentop', 'echo ok']);
  });

  it('-b on the terminal prints a table each second until Ctrl-C', async () => {
    const s = session();
    s.shell.feed('xl top -b\r');
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.screen().filter((l) => l === HEADER)).toHaveLength(3);
    expect(s.screen()).not.toContain(KEYS);
    s.shell.feed('\x03');
    await s.shell.idle();
    expect(s.screen().slice(-2)).toEqual(['^C', PROMPT]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a Ctrl-C typed ahead interrupts it too', async () => {
    const s = session();
    s.shell.feed('xl top\r\x03');
    await flush();
    await s.shell.idle();
    expect(s.screen().slice(-2)).toEqual([`${KEYS}  ^C`, PROMPT]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('takes keys typed ahead; what follows q is the shell’s again', async () => {
    const s = session();
    s.shell.feed('xl top\rqecho after\r');
    await flush();
    await s.shell.idle();
    const out = s.screen();
    expect(out).toContain(HEADER);
    expect(out.slice(-3)).toEqual([`${PROMPT} echo after`, 'after', PROMPT]);
  });

  it('s changes the sort column, v shows vCPU times, d sets the delay, -i ends it by itself', async () => {
    const s = session();
    s.shell.feed('xl top -i 3\r');
    await flush();
    s.shell.feed('sss'); // NAME → STATE → CPU(sec) → CPU(%): busiest first
    await flush();
    const rows = () => s.screen().filter((l) => /^ +\S+ [-a-z]{6} /.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(rows()).toEqual(['web', 'Domain-0', 'db']);
    s.shell.feed('v');
    await flush();
    expect(s.screen().filter((l) => l.startsWith('VCPUs(sec):'))).toHaveLength(3);
    s.shell.feed('d');
    await flush();
    expect(s.screen().at(-1)).toBe('  Delay(sec):');
    s.shell.feed('5\r');
    await flush();
    expect(s.screen().at(-1)).toBe(KEYS);
    await vi.advanceTimersByTimeAsync(4999);
    expect(s.screen().at(-1)).toBe(KEYS); // still running: keys do not count as updates
    await vi.advanceTimersByTimeAsync(1); // update 2
    await vi.advanceTimersByTimeAsync(5000); // update 3: done
    await s.shell.idle();
    expect(s.screen().at(-1)).toBe(PROMPT);
  });

  it('fits a narrow terminal and still redraws in place', async () => {
    const s = session(50);
    s.shell.feed('xl top\r');
    await flush();
    const first = s.screen();
    expect(Math.max(...first.map((l) => l.length))).toBeLessThanOrEqual(50);
    expect(first[4]).toBe(HEADER.slice(0, 50));
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.screen()).toEqual(first);
    s.shell.feed('q');
    await s.shell.idle();
    expect(s.screen().at(-1)).toBe(PROMPT);
  });

  it('into a file or a pipe it prints one batch table (no terminal, no redrawing)', async () => {
    const s = session();
    s.shell.feed('xl top > /root/top.txt\rxentop | cat\r');
    await flush();
    await s.shell.idle();
    expect(s.fs.readFile('/root/top.txt').split('\n')[0]).toBe(HEADER);
    expect(s.fs.readFile('/root/top.txt')).not.toMatch(/xentop -|\x1b/);
    expect(s.screen().slice(-5)).toEqual([HEADER, '        db --b---          3    1.2     262144   12.5     262144     1      2.3', DOM0, '       web -----r         12   87.5      65536    3.1      65536     1    153.5', PROMPT]);
  });
});

describe('virsh domstats', () => {
  it('prints every group for every domain in libvirt’s format: active ones with CPU time, vCPU and perf figures', async () => {
    const env = makeEnv();
    populate(env.host);
    expect(await run(env, 'virsh domstats')).toEqual({
      out: [
        "Domain: 'web'",
        '  state.state=1',
        '  state.reason=0',
        '  cpu.time=12340000000',
        '  balloon.current=65536',
        '  balloon.maximum=65536',
        '  vcpu.current=1',
        '  vcpu.maximum=1',
        '  vcpu.0.state=1',
        '  vcpu.0.time=12340000000',
        '  perf.instructions=1234567890',
        '',
        "Domain: 'db'",
        '  state.state=2',
        '  state.reason=0',
        '  cpu.time=3900000000',
        '  balloon.current=262144',
        '  balloon.maximum=262144',
        '  vcpu.current=1',
        '  vcpu.maximum=1',
        '  vcpu.0.state=2',
        '  vcpu.0.time=3900000000',
        '  perf.instructions=5000000',
        '',
        "Domain: 'off'",
        '  state.state=5',
        '  state.reason=0',
        '  balloon.current=131072',
        '  balloon.maximum=131072',
        '  vcpu.current=1',
        '  vcpu.maximum=1',
        '',
        '',
      ].join('\n'),
      err: '',
      status: 0,
    });
  });

  it('selects groups and domains (by name, id or UUID), and filters with --list-*', async () => {
    const env = makeEnv();
    populate(env.host);
    rec(env.host, 'db').state = 'paused';
    expect((await run(env, 'virsh domstats --state --cpu-total web 2 off')).out).toBe(
      "Domain: 'web'\n  state.state=1\n  state.reason=0\n  cpu.time=12340000000\n\n" +
      "Domain: 'db'\n  state.state=3\n  state.reason=1\n  cpu.time=3900000000\n\n" +
      "Domain: 'off'\n  state.state=5\n  state.reason=0\n\n");
    const uuid = env.host.recs.get('off')!.config.uuid;
    expect((await run(env, `virsh domstats --balloon ${uuid}`)).out).toBe("Domain: 'off'\n  balloon.current=131072\n  balloon.maximum=131072\n\n");
    const names = async (line: string) => [...(await run(env, line)).out.matchAll(/^Domain: '(.*)'$/gm)].map((m) => m[1]);
    expect(await names('virsh domstats --state --list-active')).toEqual(['web', 'db']);
    expect(await names('virsh domstats --state --list-inactive')).toEqual(['off']);
    expect(await names('virsh domstats --state --list-paused --list-shutoff')).toEqual(['db', 'off']);
    expect(await names('virsh domstats --state --list-running')).toEqual(['web']);
    expect(await names('virsh domstats --state --list-transient')).toEqual([]);
    expect(await names('virsh domstats --state --list-active off web')).toEqual(['web']);
    expect((await run(env, 'virsh domstats --interface --block web')).out).toBe("Domain: 'web'\n\n");
    expect((await run(env, 'virsh domstats --perf --raw off')).out).toBe("Domain: 'off'\n\n");
  });

  it('errors in virsh’s words', async () => {
    const env = makeEnv();
    populate(env.host);
    expect(await run(env, 'virsh domstats web nope')).toEqual({ out: '\n', err: "error: failed to get domain 'nope'\n", status: 1 });
    expect(await run(env, 'virsh domstats --block --interface --enforce')).toEqual({ out: '\n', err: 'error: argument unsupported: Stats types bits 0x30 are not supported by this daemon\n', status: 1 });
    expect(await run(env, 'virsh domstats --memory')).toEqual({ out: '', err: "error: command 'domstats' doesn't support option --memory\n", status: 1 });
    expect((await run(env, 'virsh help')).out).toMatch(/^ {4}domstats {22} get statistics about one or multiple domains$/m);
  });
});

describe('help and Tab completion', () => {
  it('lists xentop, and completes the commands and their options', async () => {
    const env = makeEnv();
    populate(env.host);
    expect((await run(env, 'help')).out).toMatch(/^ {2}xentop +live view/m);
    const c = (line: string) => complete(line, env, COMMANDS).candidates;
    expect(c('xent')).toEqual(['xentop']);
    expect(c('xl t')).toEqual(['top']);
    expect(c('xl top --it')).toEqual(['--iterations']);
    expect(c('xentop -')).toContain('-b');
    expect(c('virsh doms')).toEqual(['domstate', 'domstats']);
    expect(c('virsh domstats --list-a')).toEqual(['--list-active']);
    expect(c('virsh domstats --cpu-total w')).toEqual(['web']);
    expect(c('virsh domstats web o')).toEqual(['off']);
  });
});

describe('the lab’s figures through LabDom0Host', () => {
  it('fills CPU %, MIPS and instructions from the lab’s sample; a shut-off domain has none', async () => {
    vi.useRealTimers();
    const { lab, vms } = makeLab();
    lab.define(labXl('web'));
    lab.define(labXl('off'));
    await lab.start('web');
    await lab.sample();
    Object.assign(vms[0], { t: 1000, busy: 500, idle: 0 });
    await lab.sample();
    const host = new LabDom0Host(lab);
    expect(host.domains().find((d) => d.name === 'web')).toMatchObject({ cpuPercent: 50, mips: 1, instructions: 1_000_000, cpuTimeSec: 0.5 });
    expect(host.domains().find((d) => d.name === 'off')).toMatchObject({ cpuPercent: 0, mips: 0, instructions: 0 });
    const env = { ...makeEnv(), host } as unknown as Parameters<typeof run>[0];
    const top = await run(env, 'xl top -b -i 1');
    expect(top.out).toMatch(/^ +web -----r +0 +50\.0 +65536 +\S+ +65536 +1 +1\.0$/m);
    const stats = await run(env, 'virsh domstats --cpu-total --perf web');
    expect(stats.out).toBe("Domain: 'web'\n  cpu.time=500000000\n  perf.instructions=1000000\n\n");
    lab.destroy('web');
    expect(host.domains().find((d) => d.name === 'web')).toMatchObject({ cpuPercent: 0, mips: 0, instructions: 0 });
  });
});
