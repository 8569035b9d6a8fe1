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
  // Warm up once (V8 tiers the core up), then take the best of three.
  await runGuest({ bios: { kind: 'none' }, kernel }, { timeoutMs: 60_000 });
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
