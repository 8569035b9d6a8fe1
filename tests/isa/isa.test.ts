/**
 * The ISA programs of tests/isa (built by tests/isa/build.sh) on our core: each exits through the
 * sifive,test finisher, pass (0) or fail with the number of the failing check. When QEMU is
 * installed, the same ELF runs there too and both must agree (DESIGN.md §9).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runGuest, exitStatus, repo } from '../helpers/run-guest.ts';

/** tests/isa/manifest.json: file is relative to tests/isa; `uart` is text a failing run prints. */
interface Entry {
  name: string;
  file: string;
  expect: 'pass' | { exitCode: number };
  uart?: string;
  /** Where QEMU 7.2 itself departs from the spec, what it returns instead (see qemuNote). */
  qemuExpect?: { exitCode: number };
}
const isaDir = join(repo, 'tests', 'isa');
const entries: Entry[] = JSON.parse(readFileSync(join(isaDir, 'manifest.json'), 'utf8'));

const expected = (e: Entry) => (e.expect === 'pass' ? 0 : e.expect.exitCode);
const qemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

describe('ISA programs on virtlab', () => {
  for (const e of entries) {
    it(`${e.name} exits with ${expected(e)}`, async () => {
      const kernel = new Uint8Array(readFileSync(join(isaDir, e.file)));
      const r = await runGuest({ bios: { kind: 'none' }, kernel }, { timeoutMs: 20_000 });
      expect(exitStatus(r.exit), `output:\n${r.output}`).toBe(expected(e));
      if (e.uart) expect(r.output).toContain(e.uart);
    });
  }
});

describe.skipIf(!qemu)('ISA programs on QEMU agree (differential)', () => {
  for (const e of entries) {
    it(`${e.name} on qemu-system-riscv64`, () => {
      const r = spawnSync('qemu-system-riscv64', ['-M', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', join(isaDir, e.file)], { timeout: 20_000, encoding: 'utf8' });
      expect(r.status, r.stdout).toBe(e.qemuExpect?.exitCode ?? expected(e));
    });
  }
});
