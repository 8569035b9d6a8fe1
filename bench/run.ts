/**
 * `npm run bench`: the lab's speed figures. Prints guest MIPS of the interpreter on a CPU-bound
 * bare-metal program with paging off (M-mode) and on (S-mode, Sv39), in Node. Targets are in the
 * README; these are figures, not pass/fail tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGuest, repo } from '../tests/helpers/run-guest.ts';

interface Figure { name: string; value: string; note?: string }
const figures: Figure[] = [];
const report = (name: string, value: string, note?: string) => {
  figures.push({ name, value, note });
  console.log(`${name.padEnd(36)} ${value}${note ? `   (${note})` : ''}`);
};

async function mips(elf: string, label: string): Promise<void> {
  const kernel = new Uint8Array(readFileSync(join(repo, 'bench', 'bin', elf)));
  // Warm up twice (V8 tiers the core's run loop up to TurboFan), then take the best of three.
  for (let i = 0; i < 2; i++) await runGuest({ bios: { kind: 'none' }, kernel }, { timeoutMs: 60_000 });
  let best = 0;
  let insns = 0;
  for (let i = 0; i < 3; i++) {
    const r = await runGuest({ bios: { kind: 'none' }, kernel }, { timeoutMs: 60_000 });
    if (r.exit === 'timeout' || r.exit.kind !== 'pass') throw new Error(`${elf} did not pass: ${JSON.stringify(r.exit)}`);
    insns = r.instructions;
    best = Math.max(best, r.instructions / r.ms / 1000);
  }
  report(`interpreter MIPS, ${label}`, best.toFixed(1), `${(insns / 1e6).toFixed(0)} M instructions, best of 3`);
}

console.log('virtlab bench (Node ' + process.version + ')');
await mips('cpu-bare.elf', 'paging off (M-mode)');
await mips('cpu-sv39.elf', 'paging on (Sv39, S-mode)');

// ---- Linux: seconds to the shell prompt, and a CPU-bound command inside the guest ----------
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bootToPrompt, linuxImages, PROMPT } from './linux-boot.ts';
import { GuestSession } from '../tests/helpers/run-guest.ts';
import { catalogDir } from '../src/cli/images.ts';

const boots: number[] = [];
for (let i = 0; i < 3; i++) {
  const r = await bootToPrompt();
  if (r.exit !== 'timeout' || !r.output.includes(PROMPT)) throw new Error('linux did not reach its prompt');
  // From building the machine, as the page's figure counts from the click on Start.
  boots.push((r.buildMs + r.ms) / 1000);
}
const bestBoot = Math.min(...boots);
report('linux boot to prompt, built-in SBI (s)', bestBoot.toFixed(2), `best of 3: ${boots.map((b) => b.toFixed(2)).join(', ')}`);

// Guest time of a CPU-bound command, measured by the guest's own clock.
{
  const { images, memMiB } = await linuxImages();
  const g = new GuestSession(images, memMiB);
  await g.waitFor(PROMPT, 60_000);
  const cmd = 'time sh -c \'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\'';
  g.send(cmd + '\n');
  const out = await g.waitFor(PROMPT, 120_000);
  // busybox prints "real\t0m 1.23s".
  const real = /real\s+(?:(\d+)m\s*)?([\d.]+)s/.exec(out);
  report('guest time of a 20000-step shell loop (s)', real ? String(Number(real[1] ?? 0) * 60 + Number(real[2])) : 'n/a');
}

/** Seconds QEMU (TCG) takes to print the prompt for the same kernel and initramfs. */
async function qemuBoot(): Promise<number | undefined> {
  const im = await linuxImages();
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/virtlab-bench-');
  writeFileSync(`${dir}/Image`, im.images.kernel);
  writeFileSync(`${dir}/initrd`, im.images.initrd!);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const q = spawn('qemu-system-riscv64', ['-M', 'virt', '-m', `${im.memMiB}M`, '-nographic', '-kernel', `${dir}/Image`, '-initrd', `${dir}/initrd`, '-append', im.images.append ?? ''], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => { q.kill('SIGKILL'); resolve(undefined); }, 60_000);
    q.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(PROMPT)) { clearTimeout(timer); resolve((performance.now() - t0) / 1000); q.kill('SIGKILL'); }
    });
  });
}

const hasQemu = await new Promise<boolean>((res) => spawn('qemu-system-riscv64', ['--version']).on('exit', (c) => res(c === 0)).on('error', () => res(false)));
if (hasQemu && existsSync(catalogDir)) {
  const q = await qemuBoot();
  if (q) report('QEMU TCG boot to prompt, same image (s)', q.toFixed(2), `virtlab/QEMU = ${(bestBoot / q).toFixed(2)}`);
} else {
  report('QEMU comparison', 'skipped', 'qemu-system-riscv64 not installed');
}

// ---- The page: Linux boot in Chromium (the lab's own UI, one worker per VM) ----------------
import { chromiumFigures } from './chromium-boot.ts';

const page = await chromiumFigures();
if (page.kind === 'skipped') {
  report('Chromium: linux boot to prompt (s)', 'skipped', page.why);
} else {
  const best = Math.min(...page.boots.slice(1));
  report('Chromium: linux boot to prompt (s)', best.toFixed(2), `in the page, best of the 3 after a warm-up (Node: best of 3): ${page.boots.map((b) => b.toFixed(2)).join(', ')}; page/Node = ${(best / bestBoot).toFixed(2)}`);
  report('Chromium: 4 linux VMs to prompt (s)', page.four.toFixed(2), `longest main-thread task ${page.longestTaskCpuMs} ms of CPU; over 50 ms of wall time: ${page.longWallMs.length ? page.longWallMs.join(', ') : 'none'}`);
}

// ---- Live migration: a 128 MiB linux guest, idle and while dirtying memory ------------------
import { describeFigures, migrationFigures } from './migration.ts';

for (const f of await migrationFigures()) report(`migration: ${f.label}`, `${f.info.downtimeMs?.toFixed(1)} ms downtime`, describeFigures(f));
