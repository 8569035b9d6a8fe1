// The decode cache: decoded slots for whole physical pages, direct-mapped by host page number.
// A page's slots start as OP_DECODE and are decoded the first time each is executed. Pages that
// hold decoded code are flagged in CODEMAP; their store-TLB entries are dropped so that the first
// store to such a page comes through the slow path and throws the decoded slots away (self-
// modifying code, and the OS reusing a page for another program, both just work).
import { DCACHE, DCACHE_TAG, DCACHE_LINES, SLOT_PAGE_SIZE, CODEMAP, CODEMAP_SIZE, TLB_SET_SIZE, TLB_CONTEXTS } from './layout';
import { forceRefetch, tlbSet, KIND_STORE } from './cpu';
import { tlbDropStoresTo } from './mmu';
import { codeIndex } from './memory';

const LINE_MASK: u32 = DCACHE_LINES - 1;

@inline function lineOf(hostPage: usize): u32 { return <u32>(hostPage >> 12) & LINE_MASK; }
/** Tags are host page number + 1 so that 0 means "empty". */
@inline function tagOf(hostPage: usize): u32 { return <u32>(hostPage >> 12) + 1; }

/** Decoded slots of `hostPage`, (re)claiming its cache line if another page held it. */
export function slotsFor(hostPage: usize): usize {
  const line = lineOf(hostPage);
  const tagAddr = DCACHE_TAG + (<usize>line << 2);
  const slots = DCACHE + <usize>line * SLOT_PAGE_SIZE;
  const want = tagOf(hostPage);
  const have = load<u32>(tagAddr);
  if (have == want) return slots;
  if (have != 0) store<u8>(CODEMAP + codeIndex((<usize>(have - 1)) << 12), 0);
  memory.fill(slots, 0, SLOT_PAGE_SIZE); // OP_DECODE = 0
  store<u32>(tagAddr, want);
  store<u8>(CODEMAP + codeIndex(hostPage), 1);
  tlbDropStoresTo(hostPage, tlbSet(KIND_STORE, 0), TLB_SET_SIZE * TLB_CONTEXTS);
  return slots;
}

/** A store is about to change `hostPage`: forget its decoded slots. */
export function invalidateCodePage(hostPage: usize): void {
  store<u8>(CODEMAP + codeIndex(hostPage), 0);
  const tagAddr = DCACHE_TAG + (<usize>lineOf(hostPage) << 2);
  if (load<u32>(tagAddr) == tagOf(hostPage)) store<u32>(tagAddr, 0);
  forceRefetch(); // the page being executed may be the one that changed
}

/** FENCE.I and host DMA into RAM: drop everything decoded. */
export function flushDecodeCache(): void {
  memory.fill(DCACHE_TAG, 0, <usize>DCACHE_LINES << 2);
  memory.fill(CODEMAP, 0, CODEMAP_SIZE);
  forceRefetch();
}
