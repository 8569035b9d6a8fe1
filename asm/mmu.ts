// Address translation: Sv39/Sv48 page walks with hardware A/D updates (privileged spec §4.3.2,
// §4.4), and the software TLB that caches the result as a host address.
import { TLB, TLB_SIZE, TLB_ENTRIES, TLB_INVALID, RAM, ROM, PAGE_SIZE, CODEMAP } from './layout';
import {
  get64, O_SATP, O_MSTATUS, O_RAM_SIZE, O_BOARD_DRAM, O_BOARD_ROM, MS_SUM, MS_MXR,
  PRV_U, PRV_S, EXC_INSN_PAGE, EXC_LOAD_PAGE, EXC_STORE_PAGE, EXC_INSN_ACCESS, EXC_LOAD_ACCESS,
  EXC_STORE_ACCESS,
} from './state';
import { KIND_FETCH, KIND_LOAD, KIND_STORE, dataPriv, fetchPriv, forceRefetch } from './cpu';
import { markDirty } from './dirty';
import { pmpAllows } from './pmp';

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
// Bits 63:54 must be zero without Svpbmt/Svnapot (we implement neither).
const PTE_RESERVED: u64 = 0xFFC0_0000_0000_0000;
const PTE_PPN_MASK: u64 = 0x003F_FFFF_FFFF_FC00;

/** Set when translate() fails: the exception cause to raise (tval = the virtual address). */
export let xlateFault: u32 = 0;
export let xlateFailed: bool = false;

@inline function fail(cause: u32): u64 { xlateFailed = true; xlateFault = cause; return 0; }
@inline function pageFaultFor(kind: u32): u32 {
  return kind == KIND_FETCH ? EXC_INSN_PAGE : kind == KIND_STORE ? EXC_STORE_PAGE : EXC_LOAD_PAGE;
}
@inline export function accessFaultFor(kind: u32): u32 {
  return kind == KIND_FETCH ? EXC_INSN_ACCESS : kind == KIND_STORE ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS;
}

/** Host address of a guest physical RAM address, or 0 when `pa` is not RAM. */
@inline export function ramHost(pa: u64): usize {
  const off = pa - get64(O_BOARD_DRAM);
  return off < get64(O_RAM_SIZE) ? RAM + <usize>off : 0;
}

/** Host address of a physical page we can run code from or cache in the TLB (RAM or boot ROM),
 *  or 0 for MMIO / nothing. */
export function pageHost(pa: u64): usize {
  const h = ramHost(pa);
  if (h) return h;
  if (pa - get64(O_BOARD_ROM) < <u64>PAGE_SIZE) return ROM + <usize>(pa & 0xFFF);
  return 0;
}

/** Translate `va` for an access of `kind`. Returns the physical address; on failure returns 0
 *  with xlateFailed set and xlateFault = cause. */
export function translate(va: u64, kind: u32): u64 {
  xlateFailed = false;
  const priv = kind == KIND_FETCH ? fetchPriv : dataPriv;
  const satp = get64(O_SATP);
  const mode = <u32>(satp >> 60);
  if (priv > PRV_S || mode == 0) return va;
  const levels: i32 = mode == 9 ? 4 : 3;
  const vaBits: u64 = 12 + 9 * <u64>levels;
  // Virtual addresses must be sign-extended from the top translated bit.
  if (<u64>((<i64>(va << (64 - vaBits))) >> (64 - vaBits)) != va) return fail(pageFaultFor(kind));
  let table = (satp & 0x0FFF_FFFF_FFFF) << 12;
  const ms = get64(O_MSTATUS);
  for (let level = levels - 1; level >= 0; level--) {
    const idx = (va >> (12 + 9 * <u64>level)) & 0x1FF;
    const ptePa = table + idx * 8;
    const pteHost = ramHost(ptePa);
    // The walk's own reads (and A/D writes below) are S-mode accesses to PMP.
    if (!pteHost || !pmpAllows(ptePa, 8, KIND_LOAD, PRV_S)) return fail(accessFaultFor(kind));
    let pte = atomic.load<u64>(pteHost);
    if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) || (pte & PTE_RESERVED)) {
      return fail(pageFaultFor(kind));
    }
    const ppn = (pte & PTE_PPN_MASK) >> 10;
    if (!(pte & (PTE_R | PTE_X))) {
      table = ppn << 12; // pointer to the next level
      continue;
    }
    // Leaf: permission checks.
    if (priv == PRV_U) {
      if (!(pte & PTE_U)) return fail(pageFaultFor(kind));
    } else if (pte & PTE_U) {
      // S-mode never executes user pages; it may load/store them only with SUM.
      if (kind == KIND_FETCH || !(ms & MS_SUM)) return fail(pageFaultFor(kind));
    }
    if (kind == KIND_FETCH) {
      if (!(pte & PTE_X)) return fail(pageFaultFor(kind));
    } else if (kind == KIND_STORE) {
      if (!(pte & PTE_W)) return fail(pageFaultFor(kind));
    } else if (!(pte & PTE_R) && !((ms & MS_MXR) && (pte & PTE_X))) {
      return fail(pageFaultFor(kind));
    }
    // A superpage's low PPN fields must be zero.
    const lowMask: u64 = (<u64>1 << (9 * <u64>level)) - 1;
    if (ppn & lowMask) return fail(pageFaultFor(kind));
    // Hardware A/D update, done atomically so another hart's update is not lost.
    const want = PTE_A | (kind == KIND_STORE ? PTE_D : 0);
    if ((pte & want) != want && !pmpAllows(ptePa, 8, KIND_STORE, PRV_S)) return fail(accessFaultFor(kind));
    while ((pte & want) != want) {
      const seen = atomic.cmpxchg<u64>(pteHost, pte, pte | want);
      if (seen == pte) { markDirty(pteHost); break; }
      pte = seen;
      if (!(pte & PTE_V)) return fail(pageFaultFor(kind));
    }
    const pageOff: u64 = va & ((lowMask << 12) | 0xFFF);
    return ((ppn & ~lowMask) << 12) | pageOff;
  }
  return fail(pageFaultFor(kind));
}

// ---- TLB --------------------------------------------------------------------------------------
const TLB_MASK: u32 = TLB_ENTRIES - 1;

@inline export function tlbEntry(set: usize, va: u64): usize {
  return set + ((<usize>(<u32>(va >> 12) & TLB_MASK)) << 4);
}

/** Cache va's page -> host page in `set`. */
@inline export function tlbFill(set: usize, va: u64, hostPage: usize): void {
  const e = tlbEntry(set, va);
  const vpage = va & ~(<u64>0xFFF);
  store<u64>(e, vpage);
  store<u32>(e, <u32>hostPage - <u32>vpage, 8);
}

export function tlbFlushAll(): void {
  memory.fill(TLB, 0xFF, TLB_SIZE);
  forceRefetch();
}

/** SFENCE.VMA with an address: drop that page from every set. */
export function tlbFlushPage(va: u64): void {
  const vpage = va & ~(<u64>0xFFF);
  for (let set: usize = TLB; set < TLB + TLB_SIZE; set += <usize>(TLB_ENTRIES << 4)) {
    const e = tlbEntry(set, va);
    if (load<u64>(e) == vpage) store<u64>(e, TLB_INVALID);
  }
  forceRefetch();
}

/** Drop store-TLB entries that point at host page `hostPage` (it now holds decoded code, so
 *  stores to it must take the slow path and invalidate the decode cache). */
export function tlbDropStoresTo(hostPage: usize, storeSetsBase: usize, setsSize: usize): void {
  for (let e = storeSetsBase; e < storeSetsBase + setsSize; e += 16) {
    const tag = load<u64>(e);
    if (tag != TLB_INVALID && <usize>(<u32>tag + load<u32>(e, 8)) == hostPage) store<u64>(e, TLB_INVALID);
  }
}

export { CODEMAP, PTE_D };
