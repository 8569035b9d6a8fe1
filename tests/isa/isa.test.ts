/**
 * The ISA programs of tests/isa (built by tests/isa/build.sh) on our core: each exits through the
 * sifive,test finisher, pass (0) or fail with the number of the failing check. When QEMU is
 * installed, the same ELF runs there too and both must agree (DESIGN.md §9).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runGuest, exitStatus, repo } from '../helpers/run-guest.ts';

const binDir = join(repo, 'tests', 'isa', 'bin');
interface Entry { name: string; file: string; expect: 'pass' | { exitCode: number } }
const manifestPath = join(repo, 'tests', 'isa', 'manifest.json');
const entries: Entry[] = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, 'utf8')).tests as Entry[])
  : readdirSync(binDir).filter((f) => f.endsWith('.elf')).map((f) => ({ name: f.replace(/\.elf$/, ''), file: f, expect: 'pass' as const }));

const expected = (e: Entry) => (e.expect === 'pass' ? 0 : e.expect.exitCode);
const qemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

describe('ISA programs on virtlab', () => {
  for (const e of entries) {
    it(`${e.name} exits with ${expected(e)}`, async () => {
      const kernel = new Uint8Array(readFileSync(join(binDir, e.file.replace(/^bin\//, ''))));
      const r = await runGuest({ bios: { kind: 'none' }, kernel }, { timeoutMs: 20_000 });
      expect(exitStatus(r.exit), `output:\n${r.output}`).toBe(expected(e));
    });
  }
});

describe.skipIf(!qemu)('ISA programs on QEMU agree (differential)', () => {
  for (const e of entries) {
    it(`${e.name} on qemu-system-riscv64`, () => {
      const r = spawnSync('qemu-system-riscv64', ['-M', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', join(binDir, e.file.replace(/^bin\//, ''))], { timeout: 20_000, encoding: 'utf8' });
      expect(r.status, r.stdout).toBe(expected(e));
    });
  }
});
