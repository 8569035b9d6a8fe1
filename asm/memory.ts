// Guest loads and stores: a TLB hit is a compare and a host load; everything else (misses,
// misaligned accesses, MMIO, the CLINT, code pages) goes through the slow paths here.
import { CODEMAP, ROM, RAM, MAX_RAM_PAGES } from './layout';
import {
  get32, get64, set32, set64, O_BOARD_CLINT, O_MTIMECMP, O_MSIP, O_MMIO_STATUS, O_RESERVATION,
  MMIO_OK, MMIO_STOP, EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_LOAD_MISALIGNED, EXC_STORE_MISALIGNED,
} from './state';
import {
  loadTlb, storeTlb, setTrap, trapped, KIND_LOAD, KIND_STORE, currentTime, publishRetired, recomputeMip,
  requestStop, dataPriv,
} from './cpu';
import { pmpAllows, pmpPageUniform } from './pmp';
import { translate, xlateFailed, xlateFault, ramHost, pageHost, tlbFill, tlbEntry } from './mmu';
import { exception } from './trap';
import { markDirty } from './dirty';
import { invalidateCodePage } from './dcache';

// The host's MMIO bus (src/hypervisor/devices/bus.ts via the worker). Values are the low 32 bits;
// the status of the access comes back in O_MMIO_STATUS so no value needs a BigInt.
@external("env", "mmioRead") declare function mmioRead(pa: u32, size: u32): u32;
@external("env", "mmioWrite") declare function mmioWrite(pa: u32, size: u32, value: u32): void;

/** Raise `cause` for the access at `va` (tval) from the instruction at `pc`. */
function fault(cause: u32, va: u64, pc: u64): u64 {
  setTrap(exception(cause, va, pc));
  return 0;
}

// ---- fast paths (inlined into every load/store handler) -----------------------------------
// The tag check folds the alignment check in: a misaligned address keeps low bits that a page
// tag never has, so it misses and the slow path splits it.
@inline export function load8(va: u64, pc: u64, rem: u64): u64 {
  const e = tlbEntry(loadTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFF))) return <u64>load<u8>(<usize>(<u32>va + load<u32>(e, 8)));
  return loadSlow(va, 1, pc, rem);
}
@inline export function load16(va: u64, pc: u64, rem: u64): u64 {
  const e = tlbEntry(loadTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFE))) return <u64>load<u16>(<usize>(<u32>va + load<u32>(e, 8)));
  return loadSlow(va, 2, pc, rem);
}
@inline export function load32(va: u64, pc: u64, rem: u64): u64 {
  const e = tlbEntry(loadTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFC))) return <u64>load<u32>(<usize>(<u32>va + load<u32>(e, 8)));
  return loadSlow(va, 4, pc, rem);
}
@inline export function load64(va: u64, pc: u64, rem: u64): u64 {
  const e = tlbEntry(loadTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFF8))) return load<u64>(<usize>(<u32>va + load<u32>(e, 8)));
  return loadSlow(va, 8, pc, rem);
}
@inline export function store8(va: u64, v: u64, pc: u64, rem: u64): void {
  const e = tlbEntry(storeTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFF))) store<u8>(<usize>(<u32>va + load<u32>(e, 8)), <u8>v);
  else storeSlow(va, 1, v, pc, rem);
}
@inline export function store16(va: u64, v: u64, pc: u64, rem: u64): void {
  const e = tlbEntry(storeTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFE))) store<u16>(<usize>(<u32>va + load<u32>(e, 8)), <u16>v);
  else storeSlow(va, 2, v, pc, rem);
}
@inline export function store32(va: u64, v: u64, pc: u64, rem: u64): void {
  const e = tlbEntry(storeTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFFC))) store<u32>(<usize>(<u32>va + load<u32>(e, 8)), <u32>v);
  else storeSlow(va, 4, v, pc, rem);
}
@inline export function store64(va: u64, v: u64, pc: u64, rem: u64): void {
  const e = tlbEntry(storeTlb, va);
  if (load<u64>(e) == (va & ~(<u64>0xFF8))) store<u64>(<usize>(<u32>va + load<u32>(e, 8)), v);
  else storeSlow(va, 8, v, pc, rem);
}

// ---- code pages ----------------------------------------------------------------------------------
@inline export function codeIndex(host: usize): usize {
  return host >= RAM ? (host - RAM) >> 12 : <usize>MAX_RAM_PAGES; // the ROM uses the last byte
}

/** Before a store may write `hostPage` directly, drop any decoded code of that page. */
@inline function prepareStorePage(hostPage: usize): void {
  if (load<u8>(CODEMAP + codeIndex(hostPage))) invalidateCodePage(hostPage);
  markDirty(hostPage);
}

// ---- slow paths -------------------------------------------------------------------------------
export function loadSlow(va: u64, size: u32, pc: u64, rem: u64): u64 {
  if (va & (size - 1)) return loadMisaligned(va, size, pc, rem);
  const pa = translate(va, KIND_LOAD);
  if (xlateFailed) return fault(xlateFault, va, pc);
  if (!pmpAllows(pa, size, KIND_LOAD, dataPriv)) return fault(EXC_LOAD_ACCESS, va, pc);
  const host = pageHost(pa);
  if (host) {
    const page = host & ~(<usize>0xFFF);
    if (pmpPageUniform) tlbFill(loadTlb, va, page); // else every access here is checked
    return loadHost(host, size);
  }
  publishRetired(rem);
  return loadIo(pa, size, va, pc);
}

@inline function loadHost(host: usize, size: u32): u64 {
  if (size == 8) return load<u64>(host);
  if (size == 4) return <u64>load<u32>(host);
  if (size == 2) return <u64>load<u16>(host);
  return <u64>load<u8>(host);
}

function loadIo(pa: u64, size: u32, va: u64, pc: u64): u64 {
  const clintOff = pa - get64(O_BOARD_CLINT);
  if (clintOff < 0x1_0000) return clintRead(<u32>clintOff, size);
  if (pa > 0xFFFF_FFFF) return fault(EXC_LOAD_ACCESS, va, pc);
  set32(O_MMIO_STATUS, MMIO_OK);
  let v: u64;
  if (size == 8) {
    v = <u64>mmioRead(<u32>pa, 4);
    v |= <u64>mmioRead(<u32>pa + 4, 4) << 32;
  } else {
    v = <u64>mmioRead(<u32>pa, size);
  }
  if (!ioOk()) return fault(EXC_LOAD_ACCESS, va, pc);
  return v;
}

/** After an MMIO call: true unless the device reported a fault. A device may also ask the core to
 *  stop (finisher, reset): the access completes and run() returns before the next instruction. */
function ioOk(): bool {
  // A device access may have moved an interrupt line (UART THRE, PLIC claim/complete).
  recomputeMip();
  const st = get32(O_MMIO_STATUS);
  if (st == MMIO_OK) return true;
  if (st == MMIO_STOP) { requestStop(); return true; }
  return false;
}

function loadMisaligned(va: u64, size: u32, pc: u64, rem: u64): u64 {
  // Each byte goes through the aligned path; a fault reports the byte that faulted, so the OS
  // maps the right page and the retry succeeds.
  let v: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const b = loadSlow(va + i, 1, pc, rem);
    if (trapped) return 0;
    v |= b << (8 * <u64>i);
  }
  return v;
}


export function storeSlow(va: u64, size: u32, v: u64, pc: u64, rem: u64): void {
  if (va & (size - 1)) { storeMisaligned(va, size, v, pc, rem); return; }
  const pa = translate(va, KIND_STORE);
  if (xlateFailed) { fault(xlateFault, va, pc); return; }
  if (!pmpAllows(pa, size, KIND_STORE, dataPriv)) { fault(EXC_STORE_ACCESS, va, pc); return; }
  const host = ramHost(pa);
  if (host) {
    const page = host & ~(<usize>0xFFF);
    prepareStorePage(page);
    if (pmpPageUniform) tlbFill(storeTlb, va, page);
    if (size == 8) store<u64>(host, v);
    else if (size == 4) store<u32>(host, <u32>v);
    else if (size == 2) store<u16>(host, <u16>v);
    else store<u8>(host, <u8>v);
    return;
  }
  publishRetired(rem);
  storeIo(pa, size, v, va, pc);
}

function storeIo(pa: u64, size: u32, v: u64, va: u64, pc: u64): void {
  const clintOff = pa - get64(O_BOARD_CLINT);
  if (clintOff < 0x1_0000) { clintWrite(<u32>clintOff, size, v); return; }
  if (pa > 0xFFFF_FFFF) { fault(EXC_STORE_ACCESS, va, pc); return; }
  set32(O_MMIO_STATUS, MMIO_OK);
  if (size == 8) {
    mmioWrite(<u32>pa, 4, <u32>v);
    mmioWrite(<u32>pa + 4, 4, <u32>(v >> 32));
  } else {
    mmioWrite(<u32>pa, size, <u32>v);
  }
  if (!ioOk()) fault(EXC_STORE_ACCESS, va, pc);
}

function storeMisaligned(va: u64, size: u32, v: u64, pc: u64, rem: u64): void {
  // Check both ends first so a fault on the second page leaves memory untouched.
  const last = va + size - 1;
  const first = translate(va, KIND_STORE);
  if (xlateFailed) { fault(xlateFault, va, pc); return; }
  if (!pmpAllows(first, 1, KIND_STORE, dataPriv)) { fault(EXC_STORE_ACCESS, va, pc); return; }
  const lastPa = translate(last, KIND_STORE);
  if (xlateFailed) { fault(xlateFault, last, pc); return; }
  if (!pmpAllows(lastPa, 1, KIND_STORE, dataPriv)) { fault(EXC_STORE_ACCESS, last, pc); return; }
  for (let i: u32 = 0; i < size; i++) {
    storeSlow(va + i, 1, v >> (8 * <u64>i), pc, rem);
    if (trapped) return;
  }
}

// ---- atomics -----------------------------------------------------------------------------------
/** Host address for an AMO/SC (store permission) or LR (load permission) at `va`, or 0 after
 *  raising the exception. AMOs need natural alignment and RAM (privileged spec §3.6.3.3). */
export function atomicHost(va: u64, size: u32, forLoad: bool, pc: u64): usize {
  if (va & (size - 1)) {
    fault(forLoad ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED, va, pc);
    return 0;
  }
  const kind = forLoad ? KIND_LOAD : KIND_STORE;
  const pa = translate(va, kind);
  if (xlateFailed) { fault(xlateFault, va, pc); return 0; }
  const host = ramHost(pa);
  // (An AMO also reads, but write-without-read is a reserved PMP setting: W implies R.)
  if (!host || !pmpAllows(pa, size, kind, dataPriv)) {
    fault(forLoad ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS, va, pc);
    return 0;
  }
  if (!forLoad) prepareStorePage(host & ~(<usize>0xFFF));
  return host;
}

export function clearReservation(): void { set64(O_RESERVATION, <u64>-1); }

// ---- CLINT (per hart: msip at 0x0, mtimecmp at 0x4000, mtime at 0xBFF8) --------------------
function clintRead(off: u32, size: u32): u64 {
  let v: u64 = 0;
  const base = off & ~7;
  if (base == 0) v = <u64>get32(O_MSIP);
  else if (base == 0x4000) v = get64(O_MTIMECMP);
  else if (base == 0xBFF8) v = currentTime();
  else return 0;
  v >>= <u64>(8 * (off & 7));
  if (size == 8) return v;
  return v & ((<u64>1 << (8 * <u64>size)) - 1);
}

function clintWrite(off: u32, size: u32, v: u64): void {
  const base = off & ~7;
  const shift = <u64>(8 * (off & 7));
  const mask: u64 = size == 8 ? <u64>-1 : (((<u64>1 << (8 * <u64>size)) - 1) << shift);
  if (base == 0) {
    if ((off & 7) == 0) set32(O_MSIP, <u32>(v & 1));
  } else if (base == 0x4000) {
    const old = get64(O_MTIMECMP);
    set64(O_MTIMECMP, (old & ~mask) | ((v << shift) & mask));
  } else {
    return; // mtime is read-only here: the host owns time (see cpu.ts)
  }
  recomputeMip();
}

export { ROM };
