/**
 * The dirty-page log's contract (src/hypervisor/migration/dirty-log.ts): every page whose
 * contents changed after a sync is in the next sync. Pre-copy correctness rests on it: a write
 * missing from the log is a page the destination never receives again.
 */
import { describe, it, expect } from 'vitest';
import { MiB } from '../../../src/hypervisor/machine/board.ts';
import { syncDirtyLog, countDirty, dirtyPages, bitmapBytes } from '../../../src/hypervisor/migration/dirty-log.ts';
import { loadCatalogImage, readImageFile } from '../../../src/cli/images.ts';
import { Asm, REG, scribbler } from './rv-asm.ts';
import { ConsoleLog, newVm, differingPages, bit } from './helpers.ts';

const REGION = 1 * MiB; // the scribbler's pages start 1 MiB into RAM
const REGION_PAGES = 512;

/** Run `slices` slices of the given budgets, syncing after each; returns lost pages (must be none). */
function checkNoLostWrites(vm: ReturnType<typeof newVm>, budgets: () => number, slices: number) {
  const ram = vm.core.ram();
  syncDirtyLog(vm.core); // start a logging period
  const prev = ram.slice();
  const lost: string[] = [];
  let dirtied = 0;
  const everDirty = new Set<number>();
  for (let s = 0; s < slices; s++) {
    vm.runSlice(budgets());
    const bitmap = syncDirtyLog(vm.core);
    dirtied += countDirty(bitmap);
    for (const p of dirtyPages(bitmap)) everDirty.add(p);
    for (const p of differingPages(prev, ram)) {
      if (!bit(bitmap, p)) lost.push(`slice ${s}: page ${p}`);
      prev.set(ram.subarray(p * 4096, (p + 1) * 4096), p * 4096);
    }
  }
  return { lost, dirtied, everDirty };
}

describe('dirty-page log', () => {
  it('a bare-metal guest storing every way it can: no changed page is ever missing from the next sync', () => {
    const vm = newVm(8, new ConsoleLog().io());
    vm.boot({ bios: { kind: 'none' }, kernel: scribbler(REGION, REGION_PAGES) });
    // Budgets from 1 instruction (syncs land between any two instructions) to 200k.
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const sizes = [1, 2, 3, 5, 17, 100, 1000, 20_000, 200_000];
    const r = checkNoLostWrites(vm, () => sizes[rnd() % sizes.length], 1500);
    expect(r.lost).toEqual([]);
    expect(r.dirtied).toBeGreaterThan(5000);
    // Precise as well as complete: nothing outside the scribbled region (+1 straddle page) is logged.
    const first = REGION / 4096;
    for (const p of r.everDirty) expect(p >= first && p <= first + REGION_PAGES).toBe(true);
  });

  it('a store through a store-TLB entry filled before the sync is logged after it', () => {
    // sd to one address in a tight loop: after the first store, every store hits the TLB.
    const { t0, t1 } = REG;
    const a = new Asm();
    a.li32(t0, 0x8010_0000).addi(t1, 0, 0).label('loop').addi(t1, t1, 1).sd(t1, 0, t0).j('loop');
    const vm = newVm(4, new ConsoleLog().io());
    vm.boot({ bios: { kind: 'none' }, kernel: a.bytes() });
    const page = 0x10_0000 / 4096;
    vm.runSlice(10_000);
    expect(bit(syncDirtyLog(vm.core), page)).toBe(true);
    for (let i = 0; i < 5; i++) {
      vm.runSlice(10_000);
      expect(bit(syncDirtyLog(vm.core), page)).toBe(true);
    }
    // Control: clearing the bitmap without dropping the store TLB (no dirtySyncBegin) loses them.
    vm.runSlice(10_000);
    vm.core.dirtyBitmap().fill(0);
    vm.runSlice(10_000);
    expect(bit(vm.core.dirtyBitmap().slice(), page)).toBe(false);
  });

  it('host writes into RAM (image loads, device DMA) are logged', () => {
    const vm = newVm(4, new ConsoleLog().io());
    syncDirtyLog(vm.core);
    vm.core.writeRam(3 * 4096 + 100, new Uint8Array(5000)); // pages 3 and 4
    const b = syncDirtyLog(vm.core);
    expect([...dirtyPages(b)]).toEqual([3, 4]);
    expect(countDirty(syncDirtyLog(vm.core))).toBe(0);
    expect(b.length).toBe(bitmapBytes(4 * MiB));
  });

  it('memtouch (the catalog guest) at a high rate: every page it writes is in the next sync', async () => {
    const im = loadCatalogImage('memtouch');
    const kernel = await readImageFile(im.files.kernel, 'memtouch');
    const log = new ConsoleLog();
    const vm = newVm(im.memoryMiB, log.io());
    vm.boot({ bios: { kind: 'none' }, kernel, append: 'pages=1024 rate=200000' });
    const sizes = [1, 7, 300, 5000, 100_000];
    let k = 0;
    const r = checkNoLostWrites(vm, () => sizes[k++ % sizes.length], 600);
    expect(r.lost).toEqual([]);
    expect(r.everDirty.size).toBeGreaterThan(500);
    expect(log.text).not.toContain('MISMATCH');
  });
});
