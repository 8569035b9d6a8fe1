/**
 * The dirty-page log's host side (asm/dirty.ts is the core's side): which 4 KiB guest RAM pages
 * were written since the last sync.
 *
 * The contract, which pre-copy correctness rests on: call syncDirtyLog between slices, never
 * while the vCPU is inside run(). The core sets a page's bit when it fills a store-TLB entry for
 * it (and on every slow-path store, AMO, SC, A/D update and host write), so stores that hit an
 * existing store-TLB entry do not touch the log. A sync therefore first drops every store-TLB
 * entry (dirtySyncBegin), then takes and clears the bitmap: from then on the first store to any
 * page misses the TLB and marks it again. Every page written after a sync is in the next one.
 *
 * Why not while the vCPU runs (from another thread): the core marks a page and then fills its TLB
 * entry; a sync falling between the two would take the bit and leave a live entry behind, and
 * later stores through it would never be logged. Between slices no such window exists. In the
 * page, the VM's worker runs the sync at its next slice boundary (slices last ~10 ms).
 */
import type { Core } from '../core/core.ts';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

export function pageCount(ramBytes: number): number {
  return Math.ceil(ramBytes / PAGE_SIZE);
}

/** Bytes of a dirty bitmap for `ramBytes` of RAM: one bit per page, page p is bit p%8 of byte p/8. */
export function bitmapBytes(ramBytes: number): number {
  return Math.ceil(pageCount(ramBytes) / 8);
}

/**
 * Take the pages dirtied since the last sync and start a new logging period. Returns a bitmap
 * (`out`, or a new one). The core must be stopped between slices (see the file comment).
 */
export function syncDirtyLog(core: Core, out?: Uint8Array): Uint8Array {
  const n = bitmapBytes(core.ramBytes);
  const bitmap = out ?? new Uint8Array(n);
  if (bitmap.length !== n) throw new RangeError(`dirty bitmap of ${bitmap.length} bytes, this VM needs ${n}`);
  core.exports.dirtySyncBegin();
  const live = core.dirtyBitmap();
  // Atomics.exchange per non-zero byte: a bit set by another thread (a second hart, later) is
  // either taken now or left for the next sync, never lost. Zero bytes are read and skipped.
  for (let i = 0; i < n; i++) bitmap[i] = live[i] === 0 ? 0 : Atomics.exchange(live, i, 0);
  return bitmap;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let v = b; v; v &= v - 1) c++;
  return c;
});

export function countDirty(bitmap: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < bitmap.length; i++) c += POPCOUNT[bitmap[i]];
  return c;
}

/** Page indices set in `bitmap`, ascending. */
export function* dirtyPages(bitmap: Uint8Array): Generator<number> {
  for (let i = 0; i < bitmap.length; i++) {
    let b = bitmap[i];
    while (b) {
      const bit = 31 - Math.clz32(b & -b);
      yield i * 8 + bit;
      b &= b - 1;
    }
  }
}

/** OR `more` into `into` (both the same length). */
export function mergeDirty(into: Uint8Array, more: Uint8Array): void {
  for (let i = 0; i < into.length; i++) into[i] |= more[i];
}

/** RAM as 32-bit words, for isZeroPage (guest RAM starts 64 KiB aligned in the wasm memory). */
export function ramWords(ram: Uint8Array): Int32Array {
  return new Int32Array(ram.buffer, ram.byteOffset, ram.length >> 2);
}

const WORDS_PER_PAGE = PAGE_SIZE / 4;

/** True when guest page `page` is all zero. */
export function isZeroPage(words: Int32Array, page: number): boolean {
  const end = (page + 1) * WORDS_PER_PAGE;
  for (let i = page * WORDS_PER_PAGE; i < end; i++) if (words[i] !== 0) return false;
  return true;
}
