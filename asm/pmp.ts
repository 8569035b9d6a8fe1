// Physical memory protection (privileged spec §3.7.1): 16 entries, each OFF, TOR, NA4 or NAPOT
// over physical addresses, with R/W/X permissions and a lock bit. Checked where a physical
// address is first known — a TLB miss, an MMIO access, a page-table walk — never on a TLB hit:
// a page goes into the TLB only when every byte of it gets the same answer, so a hit needs no
// check. Changing an entry flushes the TLB (csr.ts).
import { STATE, PMP_TABLE, PMP_ROW_SIZE } from './layout';
import { O_PMPCFG, O_PMPADDR, PRV_M } from './state';
import { KIND_FETCH, KIND_STORE } from './cpu';

const ENTRIES: u32 = 16;
const R: u32 = 1;
const W: u32 = 2;
const X: u32 = 4;
const A_SHIFT: u32 = 3;
const A_TOR: u32 = 1;
const A_NA4: u32 = 2;
const A_NAPOT: u32 = 3;
const L: u32 = 0x80;

/**
 * Set by pmpAllows: whether the whole 4 KiB page around the address got the same answer (no
 * entry starts or ends inside it), so that the TLB may cache the page.
 */
export let pmpPageUniform: bool = true;

/** Entries in force (A != OFF, not empty), decoded into PMP_TABLE in priority order. */
let active: u32 = 0;
/** One of them is locked: only then can an M-mode access be refused (M-mode's way out). */
let anyLocked: bool = false;

@inline function cfgOf(i: u32): u32 {
  return <u32>load<u8>(STATE + O_PMPCFG + (<usize>(i >> 3) << 4) + <usize>(i & 7));
}
@inline function addrOf(i: u32): u64 {
  return load<u64>(STATE + O_PMPADDR + (<usize>i << 3));
}
@inline function row(n: u32): usize { return PMP_TABLE + <usize>n * PMP_ROW_SIZE; }

/**
 * The entries changed (a CSR write, a restored snapshot): decode them into byte ranges once, so
 * that each check is a few compares per entry in force (one or two under OpenSBI or ours).
 */
export function pmpChanged(): void {
  active = 0;
  anyLocked = false;
  let prevTop: u64 = 0;
  for (let i: u32 = 0; i < ENTRIES; i++) {
    const cfg = cfgOf(i);
    const a = (cfg >> A_SHIFT) & 3;
    const reg = addrOf(i);
    // [lo, hi) in bytes; pmpaddr holds bits 55:2 of an address.
    let lo: u64 = 0;
    let hi: u64 = 0;
    if (a == A_TOR) {
      lo = prevTop;
      hi = reg << 2;
    } else if (a == A_NA4) {
      lo = reg << 2;
      hi = lo + 4;
    } else if (a == A_NAPOT) {
      // t trailing ones: 2^(t+3) bytes (all 54 bits set: the whole space, without overflow).
      const bytesLog2 = <u64>ctz(~reg) + 3;
      const mask: u64 = bytesLog2 >= 64 ? <u64>-1 : (<u64>1 << bytesLog2) - 1;
      lo = (reg << 2) & ~mask;
      hi = mask == <u64>-1 ? mask : lo + mask + 1;
    }
    prevTop = reg << 2;
    if (a == 0 || hi <= lo) continue;
    const r = row(active++);
    store<u64>(r, lo);
    store<u64>(r, hi, 8);
    store<u32>(r, cfg, 16);
    if (cfg & L) anyLocked = true;
  }
}

/**
 * Whether `priv` may make an access of `kind` (KIND_FETCH / LOAD / STORE) to the `size` bytes at
 * physical `pa`. The lowest-numbered entry that matches any byte decides, and it must match all
 * of them; with no match, M-mode may and S/U-mode may not (every entry is implemented). An
 * entry binds M-mode only when it is locked.
 */
export function pmpAllows(pa: u64, size: u32, kind: u32, priv: u32): bool {
  pmpPageUniform = true;
  if (priv == PRV_M && !anyLocked) return true;
  const end = pa + <u64>size;
  const page = pa & ~(<u64>0xFFF);
  const pageEnd = page + 0x1000;
  for (let n: u32 = 0; n < active; n++) {
    const r = row(n);
    const lo = load<u64>(r);
    const hi = load<u64>(r, 8);
    if (!(pa < hi && end > lo)) {
      if (page < hi && pageEnd > lo) pmpPageUniform = false; // it decides other bytes of the page
      continue;
    }
    if (pa < lo || end > hi) { pmpPageUniform = false; return false; } // matches only some bytes
    if (!(lo <= page && pageEnd <= hi)) pmpPageUniform = false;
    const cfg = load<u32>(r, 16);
    if (priv == PRV_M && !(cfg & L)) return true;
    const need = kind == KIND_FETCH ? X : kind == KIND_STORE ? W : R;
    return (cfg & need) != 0;
  }
  return priv == PRV_M;
}
