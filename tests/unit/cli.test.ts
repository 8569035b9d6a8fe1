/**
 * The `virtlab run` contract (DESIGN.md §3): exit status 0 on pass/poweroff, the finisher's code on
 * failure, 124 on timeout, 2 with exactly one line on stderr for bad arguments or unloadable files,
 * and never a stack trace for an input error. Spawns the real command (bin/virtlab.mjs), plus the
 * argument parser (src/cli/args.ts) directly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMemory, parseRunArgs, UsageError } from '../../src/cli/args.ts';
import { coreModule, repo } from '../helpers/run-guest.ts';
import { describeMachine } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine } from '../../src/hypervisor/vm.ts';

const MiB = 1024 * 1024;

// ---- running the command -------------------------------------------------------------------------
interface CliResult { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

function virtlab(args: readonly string[], timeoutMs = 15_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repo, 'bin', 'virtlab.mjs'), ...args], {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}
const run = (...args: string[]) => virtlab(['run', ...args]);

const STACK_TRACE = /^\s+at .+[(:]\d+|Error: .*\n\s+at /m;

/** The input-error contract: status 2, one line on stderr, no stack trace anywhere. */
function expectInputError(r: CliResult, ...mentions: string[]): string {
  expect(r.signal, `killed: ${r.stderr}`).toBeNull();
  expect(r.status, `stderr: ${r.stderr}\nstdout: ${r.stdout}`).toBe(2);
  expect(r.stderr).toMatch(/\n$/);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines, `stderr must be exactly one line:\n${r.stderr}`).toHaveLength(1);
  expect(lines[0]!.trim().length).toBeGreaterThan(10);
  for (const m of mentions) expect(lines[0]).toContain(m);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stdout).not.toMatch(STACK_TRACE);
  return lines[0]!;
}

// ---- fixture files (written to a temp dir) ----------------------------------------------------------
let dir = '';
const f = (name: string) => join(dir, name);

function words(ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}

interface Phdr { type?: number; offset: number; paddr: number; filesz: number; memsz: number }
/** An ELF64 header (+ program headers right after it) with every field overridable. */
function elf(opts: { cls?: number; data?: number; machine?: number; entry?: number; phoff?: number; phentsize?: number; phnum?: number; phdrs?: Phdr[]; size?: number; body?: Uint8Array }): Uint8Array {
  const phdrs = opts.phdrs ?? [];
  const headerEnd = 64 + phdrs.length * 56;
  const size = opts.size ?? Math.max(headerEnd + (opts.body?.length ?? 0), 64);
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, opts.cls ?? 2, opts.data ?? 1, 1, 0]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, opts.machine ?? 243, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(opts.entry ?? 0x8000_0000), true);
  v.setBigUint64(32, BigInt(opts.phoff ?? 64), true);
  v.setUint16(52, 64, true);
  v.setUint16(54, opts.phentsize ?? 56, true);
  v.setUint16(56, opts.phnum ?? phdrs.length, true);
  phdrs.forEach((p, i) => {
    const o = 64 + i * 56;
    if (o + 56 > size) return;
    v.setUint32(o, p.type ?? 1, true);
    v.setUint32(o + 4, 5, true);
    v.setBigUint64(o + 8, BigInt(p.offset), true);
    v.setBigUint64(o + 16, BigInt(p.paddr), true);
    v.setBigUint64(o + 24, BigInt(p.paddr), true);
    v.setBigUint64(o + 32, BigInt(p.filesz), true);
    v.setBigUint64(o + 40, BigInt(p.memsz), true);
  });
  if (opts.body && headerEnd + opts.body.length <= size) b.set(opts.body, headerEnd);
  return b;
}

// Bare-metal programs (M-mode at 0x80000000).
const LOOP = [0x0000006f]; // j .
const SLEEP = [0x10500073, 0xffdff06f]; // wfi; j -4 (nothing enabled: sleeps forever)
/** Write `value` to the test finisher at 0x100000. */
const finisher = (value: number) => {
  const lo = (value << 20) >> 20;
  const hi = ((value - lo) >>> 12) & 0xfffff;
  return [
    0x001002b7, // lui t0, 0x100
    ((hi << 12) | (6 << 7) | 0x37) >>> 0, // lui t1, hi
    (((lo & 0xfff) << 20) | (6 << 15) | (6 << 7) | 0x13) >>> 0, // addi t1, t1, lo
    0x0062a023, // sw t1, 0(t0)
    0x0000006f, // j .
  ];
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtlab-cli-'));
  writeFileSync(f('loop.bin'), words(LOOP));
  writeFileSync(f('sleep.bin'), words(SLEEP));
  writeFileSync(f('pass.bin'), words(finisher(0x5555)));
  writeFileSync(f('fail3.bin'), words(finisher((3 << 16) | 0x3333)));
  writeFileSync(f('empty.bin'), new Uint8Array(0));
  mkdirSync(f('a-directory'));
  // Garbage ELFs.
  writeFileSync(f('magic-only.elf'), Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6]));
  const junk = new Uint8Array(200);
  let x = 0x1234567;
  for (let i = 0; i < junk.length; i++) { x = (x * 1103515245 + 12345) >>> 0; junk[i] = x >>> 24; }
  junk.set([0x7f, 0x45, 0x4c, 0x46]);
  writeFileSync(f('magic-junk.elf'), junk);
  writeFileSync(f('elf32.elf'), elf({ cls: 1, phdrs: [{ offset: 0, paddr: 0x8000_0000, filesz: 64, memsz: 64 }] }));
  writeFileSync(f('big-endian.elf'), elf({ data: 2, phdrs: [{ offset: 0, paddr: 0x8000_0000, filesz: 64, memsz: 64 }] }));
  writeFileSync(f('phdrs-truncated.elf'), elf({ phnum: 3, size: 64 }));
  writeFileSync(f('phoff-huge.elf'), elf({ phoff: 2 ** 53, phnum: 1, size: 64 }));
  writeFileSync(f('segment-truncated.elf'), elf({ phdrs: [{ offset: 120, paddr: 0x8000_0000, filesz: 0x10000, memsz: 0x10000 }] }));
  writeFileSync(f('no-load.elf'), elf({ phdrs: [{ type: 4, offset: 0, paddr: 0x8000_0000, filesz: 64, memsz: 64 }] }));
  writeFileSync(f('outside-ram.elf'), elf({ entry: 0x1000, phdrs: [{ offset: 120, paddr: 0x1000, filesz: 4, memsz: 4 }], body: words(LOOP) }));
  writeFileSync(f('huge-bss.elf'), elf({ phdrs: [{ offset: 120, paddr: 0x8000_0000, filesz: 4, memsz: 0x1_0000_0000 }], body: words(LOOP) }));
  writeFileSync(f('pass.elf'), elf({ entry: 0x8000_0000, phdrs: [{ offset: 120, paddr: 0x8000_0000, filesz: 20, memsz: 20 }], body: words(finisher(0x5555)) }));
  writeFileSync(f('too-big.bin'), new Uint8Array(17 * MiB)); // raw, bigger than --mem 16M
  writeFileSync(f('fw-3m.bin'), new Uint8Array(3 * MiB).fill(0x13)); // a 3 MiB "firmware" (0x13131313 words)
});

afterAll(() => {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
});

// ---- exit status contract ------------------------------------------------------------------------------
// Each spawn costs ~0.4 s of CPU (tsx), so the command itself is run for the cases the contract names;
// the other input errors go through main() in-process (those that fail before the console is set up)
// or straight to the loader (VirtualMachine.boot, whose ImageError main() maps to exit 2).
describe.concurrent('virtlab run (spawned): input errors exit 2 with one line on stderr', () => {
  it('missing kernel file', async () => {
    const line = expectInputError(await run('--bios', 'none', '--kernel', f('no-such-kernel.elf')), 'no-such-kernel.elf');
    expect(line).toMatch(/kernel/);
  });

  it('garbage ELF (magic + junk)', async () => {
    expectInputError(await run('--bios', 'none', '--kernel', f('magic-junk.elf')), 'kernel');
  });

  it('wrong-architecture ELF (/bin/true, x86-64)', async () => {
    const line = expectInputError(await run('--bios', 'none', '--kernel', '/bin/true'), 'kernel');
    expect(line).toMatch(/RISC-V/i);
  });

  it('unknown flag', async () => {
    expectInputError(await run('--frobnicate', '--kernel', f('loop.bin')), '--frobnicate');
  });

  it('--mem 3X', async () => {
    expectInputError(await run('--bios', 'none', '--kernel', f('loop.bin'), '--mem', '3X'), '3X');
  });

  it('--timeout 0', async () => {
    expectInputError(await run('--bios', 'none', '--kernel', f('loop.bin'), '--timeout', '0'), '--timeout');
  });

  it('missing value', async () => {
    expectInputError(await run('--bios', 'none', '--kernel'), '--kernel');
  });

  it('--image nosuch lists the available images', async () => {
    const line = expectInputError(await run('--image', 'nosuch'), 'nosuch');
    expect(line).toContain('linux'); // from public/images/index.json
    expect(line).toMatch(/available/);
  });

  // src/cli/run.ts creates the StdioConsole (stdin resumed, raw mode on a TTY) and then calls boot()
  // outside the try/finally that closes it. When VirtualMachine.boot throws an ImageError (wrong
  // architecture, truncated ELF, image too big for RAM) main() prints the line and returns 2, but
  // stdin stays open: with a terminal or an open pipe on stdin the process never exits (a TTY stays
  // in raw mode), and the first byte typed calls vm.consoleInput on an unassigned `vm` -> TypeError,
  // stack trace, exit 1.
  it('an unloadable ELF exits 2 even while stdin stays open (terminal or pipe) and input arrives', async () => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repo, 'bin', 'virtlab.mjs'), 'run', '--bios', 'none', '--kernel', '/bin/true'], {
      cwd: repo, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL',
    });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.on('error', () => {});
    const typed = setTimeout(() => child.stdin.write('x'), 1500); // a user pressing a key
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (s, sig) => res([s, sig])));
    clearTimeout(typed);
    expectInputError({ status, signal, stdout, stderr, ms: performance.now() - t0 }, 'kernel');
  });
});

describe('virtlab main() in-process: input errors that are caught before the console starts', () => {
  async function mainIn(argv: string[]): Promise<{ status: number; stderr: string; stdout: string }> {
    const { main } = await import('../../src/cli/main.ts');
    let stderr = '', stdout = '';
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
    try {
      const status = await main(argv);
      return { status, stderr, stdout };
    } finally {
      errSpy.mockRestore();
      outSpy.mockRestore();
    }
  }
  const expectTwo = (r: { status: number; stderr: string; stdout: string }, ...mentions: string[]) =>
    expectInputError({ status: r.status, signal: null, stdout: r.stdout, stderr: r.stderr, ms: 0 }, ...mentions);

  it('kernel is a directory', async () => {
    expectTwo(await mainIn(['run', '--kernel', f('a-directory')]), 'a-directory');
  });
  it('missing initrd / firmware files are named', async () => {
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), '--initrd', f('no-such-initrd')]), 'no-such-initrd');
    expectTwo(await mainIn(['run', '--bios', f('no-such-fw.bin'), '--kernel', f('loop.bin')]), 'no-such-fw.bin');
  });
  it('run --help prints the usage on stdout and exits 0', async () => {
    const r = await mainIn(['run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: virtlab run');
    expect(r.stderr).toBe('');
  });

  it('stray positional argument', async () => {
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), 'extra']), 'extra');
  });
  it('--mem out of range (8M, 3G)', async () => {
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), '--mem', '8M']), '--mem');
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), '--mem', '3G']), '--mem');
  });
  it('--timeout=-5 and a missing value at the end', async () => {
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), '--timeout=-5']), '--timeout');
    expectTwo(await mainIn(['run', '--kernel', f('loop.bin'), '--mem']), '--mem');
  });
  it('nothing to boot', async () => {
    expectTwo(await mainIn(['run']), 'nothing to boot');
  });
  it('unknown command', async () => {
    expectTwo(await mainIn(['frobnicate']), 'frobnicate');
  });
});

describe('the loader refuses unloadable kernels with an ImageError (main() -> exit 2)', () => {
  function bootError(file: string, bios: 'none' | 'builtin' = 'none', memMiB = 16): Error | undefined {
    const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: memMiB * MiB, harts: 1 }), { consoleOut: () => {}, now: () => performance.now() });
    try {
      vm.boot({ bios: { kind: bios }, kernel: new Uint8Array(readFileSync(file)) });
    } catch (e) {
      return e as Error;
    }
    return undefined;
  }
  it.each([
    'magic-only.elf', 'magic-junk.elf', 'elf32.elf', 'big-endian.elf', 'phdrs-truncated.elf', 'phoff-huge.elf',
    'segment-truncated.elf', 'no-load.elf', 'outside-ram.elf', 'huge-bss.elf', 'empty.bin', 'too-big.bin',
  ])('%s', (name) => {
    const err = bootError(f(name));
    expect(err, `${name} was accepted`).toBeDefined();
    expect(err!.name).toBe('ImageError');
    expect(err!.message).toMatch(/kernel/);
    expect(err!.message).not.toContain('\n');
  });
  it('/bin/true (x86-64)', () => {
    expect(bootError('/bin/true')?.message).toMatch(/not a RISC-V executable/);
  });
  it('the same ELF builder makes a loadable, passing program (so the ones above fail for their defect)', () => {
    const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: 16 * MiB, harts: 1 }), { consoleOut: () => {}, now: () => performance.now() });
    vm.boot({ bios: { kind: 'none' }, kernel: new Uint8Array(readFileSync(f('pass.elf'))) });
    expect(vm.runSlice(10_000)).toMatchObject({ kind: 'exit', exit: { kind: 'pass' } });
  });
  // DESIGN.md §3: an unloadable file -> exit 2 with one clear line. With --bios FILE the firmware goes
  // at 0x80000000 and the kernel at 0x80200000; vm.ts boot() loads the kernel first and then the
  // firmware on top of it (this.load(bios.bytes, DRAM_BASE, 'firmware')) with no overlap check, so a
  // firmware over 2 MiB silently overwrites the start of the kernel (QEMU refuses overlapping images:
  // "rom: requested regions overlap"). `virtlab run --bios fw-3m.bin --kernel pass.bin` then runs the
  // firmware straight into the clobbered kernel and only ends by --timeout.
  it('a firmware image that overlaps the kernel is refused, not silently loaded over it', () => {
    const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: 16 * MiB, harts: 1 }), { consoleOut: () => {}, now: () => performance.now() });
    const kernel = new Uint8Array(readFileSync(f('pass.bin')));
    let err: Error | undefined;
    try {
      vm.boot({ bios: { kind: 'firmware', bytes: new Uint8Array(readFileSync(f('fw-3m.bin'))) }, kernel });
    } catch (e) { err = e as Error; }
    expect(err?.name).toBe('ImageError'); // what main() turns into exit 2 and one line
    expect(err?.message).toMatch(/firmware|kernel/);
  });
  it('a raw image runs from 0x80000000 with --bios none (finisher fail code 3)', () => {
    const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: 16 * MiB, harts: 1 }), { consoleOut: () => {}, now: () => performance.now() });
    vm.boot({ bios: { kind: 'none' }, kernel: new Uint8Array(readFileSync(f('fail3.bin'))) });
    expect(vm.runSlice(10_000)).toMatchObject({ kind: 'exit', exit: { kind: 'fail', code: 3 } });
  });
  it('a raw image is accepted (at 0x80000000 with --bios none, 0x80200000 otherwise)', () => {
    expect(bootError(f('loop.bin'), 'none')).toBeUndefined();
    expect(bootError(f('loop.bin'), 'builtin')).toBeUndefined();
  });
});

describe.concurrent('virtlab run (spawned): guest exit status', () => {
  it('passing ISA program (rv64i-alu.elf, --bios none) -> 0', async () => {
    const r = await run('--bios', 'none', '--kernel', join(repo, 'tests/isa/bin/rv64i-alu.elf'));
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('failing ISA program (fail-code-7.elf) -> 7', async () => {
    const r = await run('--bios', 'none', '--kernel', join(repo, 'tests/isa/bin/fail-code-7.elf'));
    expect(r.status, r.stderr).toBe(7);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });

  it('an infinite loop with --timeout 1 -> 124 within a few seconds', async () => {
    const r = await run('--bios', 'none', '--kernel', f('loop.bin'), '--timeout', '1');
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(124);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(6000);
    expect(r.stderr).toMatch(/timeout/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a guest asleep in WFI with --timeout 1 -> 124 within a few seconds', async () => {
    const r = await run('--bios', 'none', '--kernel', f('sleep.bin'), '--timeout', '1');
    expect(r.status, r.stderr).toBe(124);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(6000);
  });
});

// ---- the argument parser ------------------------------------------------------------------------------------
describe('parseMemory', () => {
  it.each<[string, number]>([
    ['128M', 128 * MiB], ['128m', 128 * MiB], ['1G', 1024 * MiB], ['2G', 2048 * MiB], ['512', 512 * MiB],
    ['16M', 16 * MiB], ['16384K', 16 * MiB], ['256MiB', 256 * MiB], ['256MB', 256 * MiB], [' 64M ', 64 * MiB],
    ['2048M', 2048 * MiB],
  ])('%s -> %d bytes', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it.each(['3X', '', 'M', '-1', '1.5G', '0', '15M', '8M', '1000K', '16385K', '3G', '2049M', '0x100M', '12 8M'])('%j is refused with a UsageError', (text) => {
    expect(() => parseMemory(text)).toThrow(UsageError);
  });

  it('the message names the bad value', () => {
    expect(() => parseMemory('3X')).toThrow(/3X/);
  });
});

describe('parseRunArgs', () => {
  it('defaults: built-in SBI, one hart', () => {
    expect(parseRunArgs(['--kernel', 'k'])).toEqual({ kernel: 'k', bios: 'builtin', smp: 1 });
  });

  it('every option, both spellings', () => {
    const a = parseRunArgs([
      '--kernel', 'Image', '--initrd=rootfs.cpio.gz', '--append', 'console=ttyS0 earlycon=sbi', '--bios', 'none',
      '--mem', '256M', '--smp', '1', '--disk=d.img', '--timeout', '2.5',
    ]);
    expect(a).toEqual({
      kernel: 'Image', initrd: 'rootfs.cpio.gz', append: 'console=ttyS0 earlycon=sbi', bios: 'none',
      memBytes: 256 * MiB, smp: 1, disk: 'd.img', timeoutSec: 2.5,
    });
  });

  it('--append=VALUE keeps everything after the first "="', () => {
    expect(parseRunArgs(['--kernel', 'k', '--append=root=/dev/vda rw']).append).toBe('root=/dev/vda rw');
  });

  it('--bios: none, builtin, or a firmware file', () => {
    expect(parseRunArgs(['--kernel', 'k', '--bios', 'none']).bios).toBe('none');
    expect(parseRunArgs(['--kernel', 'k', '--bios', 'builtin']).bios).toBe('builtin');
    expect(parseRunArgs(['--kernel', 'k', '--bios', 'fw_jump.bin']).bios).toEqual({ file: 'fw_jump.bin' });
  });

  it('-m is --mem (QEMU spelling); a bare number is MiB', () => {
    expect(parseRunArgs(['--kernel', 'k', '-m', '64']).memBytes).toBe(64 * MiB);
  });

  it('the last of a repeated option wins', () => {
    expect(parseRunArgs(['--kernel', 'a', '--kernel', 'b', '--mem', '32M', '--mem', '64M'])).toMatchObject({ kernel: 'b', memBytes: 64 * MiB });
  });

  it('--image instead of --kernel', () => {
    expect(parseRunArgs(['--image', 'linux'])).toEqual({ image: 'linux', bios: 'builtin', smp: 1 });
  });

  it.each<[string, string[], RegExp]>([
    ['nothing to boot', [], /nothing to boot/],
    ['kernel and image', ['--kernel', 'k', '--image', 'linux'], /either/],
    ['unknown option', ['--kernel', 'k', '--frob'], /unknown option --frob/],
    ['unknown short option', ['-x', '--kernel', 'k'], /unknown option -x/],
    ['positional', ['k.elf'], /unexpected argument "k.elf"/],
    ['missing value', ['--kernel'], /--kernel needs a value/],
    ['missing value at the end', ['--kernel', 'k', '--timeout'], /--timeout needs a value/],
    ['timeout 0', ['--kernel', 'k', '--timeout', '0'], /--timeout/],
    ['timeout negative', ['--kernel', 'k', '--timeout', '-1'], /--timeout/],
    ['timeout NaN', ['--kernel', 'k', '--timeout', 'soon'], /--timeout/],
    ['timeout Infinity', ['--kernel', 'k', '--timeout', 'Infinity'], /--timeout/],
    ['smp 0', ['--kernel', 'k', '--smp', '0'], /--smp/],
    ['smp 9', ['--kernel', 'k', '--smp', '9'], /--smp/],
    ['smp 1.5', ['--kernel', 'k', '--smp', '1.5'], /--smp/],
    ['bad mem', ['--kernel', 'k', '--mem', '3X'], /--mem/],
  ])('%s -> UsageError', (_name, argv, message) => {
    let err: unknown;
    try { parseRunArgs(argv); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).name).toBe('UsageError'); // what main.ts keys "exit 2" on
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
