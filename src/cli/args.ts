/**
 * `virtlab run` arguments (DESIGN.md §3), modelled on qemu-system-riscv64 -M virt -nographic.
 * Parsing never exits: a bad argument is a UsageError with one line to print.
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunArgs {
  kernel?: string;
  initrd?: string;
  append?: string;
  bios: 'none' | 'builtin' | { file: string };
  memBytes?: number;
  smp: number;
  disk?: string;
  image?: string;
  timeoutSec?: number;
}

const MiB = 1024 * 1024;

/** QEMU's -m syntax: a number with an optional K/M/G suffix; no suffix means MiB. */
export function parseMemory(text: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--mem: "${text}" is not a size (examples: 128M, 1G, 512)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'M')[0]!.toUpperCase();
  const bytes = unit === 'K' ? n * 1024 : unit === 'G' ? n * 1024 * MiB : n * MiB;
  if (bytes % MiB !== 0 || bytes < 16 * MiB) throw new UsageError(`--mem: ${text} is too small or not whole MiB (at least 16M)`);
  if (bytes > 2048 * MiB) throw new UsageError(`--mem: ${text} is over the 2G limit`);
  return bytes;
}

const VALUE_FLAGS = new Set(['--kernel', '--initrd', '--append', '--bios', '--mem', '--smp', '--disk', '--image', '--timeout']);

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const args: RunArgs = { bios: 'builtin', smp: 1 };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i]!;
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) { value = flag.slice(eq + 1); flag = flag.slice(0, eq); }
    if (flag === '-m') flag = '--mem';
    if (!VALUE_FLAGS.has(flag)) {
      throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${flag}"`);
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--kernel': args.kernel = value; break;
      case '--initrd': args.initrd = value; break;
      case '--append': args.append = value; break;
      case '--bios': args.bios = value === 'none' || value === 'builtin' ? value : { file: value }; break;
      case '--mem': args.memBytes = parseMemory(value); break;
      case '--smp': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 8) throw new UsageError(`--smp: "${value}" is not a hart count from 1 to 8`);
        args.smp = n;
        break;
      }
      case '--disk': args.disk = value; break;
      case '--image': args.image = value; break;
      case '--timeout': {
        const t = Number(value);
        if (!Number.isFinite(t) || t <= 0) throw new UsageError(`--timeout: "${value}" is not a positive number of seconds`);
        args.timeoutSec = t;
        break;
      }
    }
  }
  if (!args.kernel && !args.image) throw new UsageError('nothing to boot: give --kernel FILE or --image NAME');
  if (args.kernel && args.image) throw new UsageError('give either --kernel or --image, not both');
  return args;
}

export const RUN_USAGE = `usage: virtlab run [--kernel FILE] [--initrd FILE] [--append "CMDLINE"] [--bios none|builtin|FILE]
                   [--mem 128M] [--smp N] [--disk FILE] [--image NAME] [--timeout SECONDS]`;
