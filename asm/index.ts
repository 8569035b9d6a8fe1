// The Wasm <-> host surface of the core: everything the TypeScript side may call is exported here,
// and nothing else. The host owns time, devices and the SBI; the core runs instructions.
import {
  STATE, RAM, ROM, ROM_SIZE, DIRTY, DIRTY_SIZE, TLB, TLB_SIZE, DCACHE, DCACHE_SIZE, SCRATCH,
  CODEMAP, CODEMAP_SIZE, MAX_RAM_PAGES, TLB_SET_SIZE, TLB_CONTEXTS, REFETCH, SLOT_PAGE_SIZE, SLOT_SIZE,
  SLOTS_PER_PAGE,
} from './layout';
import {
  set32, set64, get64, O_PRIV, O_RAM_SIZE, O_BOARD_DRAM, O_BOARD_ROM, O_BOARD_CLINT, O_HARTID,
  O_RESERVATION, O_MTIMECMP, O_STIMECMP, O_MSTATUS, PRV_M, STATE_END,
} from './state';
import { Op } from './ops';
import { recomputeMip, updateContexts, setTimeRate as setRate, tlbSet, KIND_STORE, KIND_LOAD, forceRefetch } from './cpu';
import { tlbFlushAll, translate, xlateFailed, ramHost } from './mmu';
import { pmpChanged } from './pmp';
import { flushDecodeCache, invalidateCodePage } from './dcache';
import { markDirty } from './dirty';
import { getFflags, setFflags } from './fpu/flags';
export { run } from './run';

// ---- layout (the host reads offsets from here, never from a copy) --------------------------
export function layoutState(): usize { return STATE; }
export function layoutStateSize(): usize { return STATE_END; }
export function layoutRam(): usize { return RAM; }
export function layoutRom(): usize { return ROM; }
export function layoutRomSize(): usize { return ROM_SIZE; }
export function layoutDirty(): usize { return DIRTY; }
export function layoutDirtySize(): usize { return DIRTY_SIZE; }
export function layoutTlb(): usize { return TLB; }
export function layoutTlbSize(): usize { return TLB_SIZE; }
export function layoutCodemap(): usize { return CODEMAP; }
export function layoutCodemapSize(): usize { return CODEMAP_SIZE; }
export function layoutDcache(): usize { return DCACHE; }
export function layoutDcacheSize(): usize { return DCACHE_SIZE; }
export function layoutScratch(): usize { return SCRATCH; }
export function layoutRefetch(): usize { return REFETCH; }
export function layoutMaxRamPages(): u32 { return MAX_RAM_PAGES; }
export function layoutHeapBase(): usize { return __heap_base; }

/** Set up an empty hart on a board whose RAM, ROM and CLINT are at these guest addresses. */
export function configure(ramBytes: u32, dramBase: u32, romBase: u32, clintBase: u32, hartid: u32): void {
  memory.fill(STATE, 0, STATE_END);
  set64(O_RAM_SIZE, <u64>ramBytes);
  set64(O_BOARD_DRAM, <u64>dramBase);
  set64(O_BOARD_ROM, <u64>romBase);
  set64(O_BOARD_CLINT, <u64>clintBase);
  set64(O_HARTID, <u64>hartid);
  // The "fetch again" page: every slot dispatches to the slow fetch path.
  for (let i: u32 = 0; i < SLOTS_PER_PAGE; i++) store<u16>(REFETCH + <usize>(i * SLOT_SIZE), <u16>Op.REFETCH);
  reset();
}

/** Architectural reset (privileged spec §3.4): M-mode, interrupts off, caches empty. */
export function reset(): void {
  set32(O_PRIV, PRV_M);
  set64(O_MSTATUS, 0);
  set64(O_RESERVATION, <u64>-1);
  set64(O_MTIMECMP, <u64>-1);
  set64(O_STIMECMP, <u64>-1);
  setFflags(0);
  tlbFlushAll();
  flushDecodeCache();
  memory.fill(SCRATCH, 0, 16);
  updateContexts();
  recomputeMip();
}

/** After the host changed privilege, CSRs or satp directly (restore, SBI): re-derive caches. */
export function stateChanged(): void {
  pmpChanged();
  tlbFlushAll();
  updateContexts();
  recomputeMip();
}

/** The host moved an interrupt line (O_EXT_IRQ, O_MSIP), the time, or a timer deadline. */
export function interruptsChanged(): void { recomputeMip(); forceRefetch(); }

/** The host wrote guest RAM [pa, pa+len) behind the core's back (image load, device DMA): drop
 *  decoded code of those pages and log them dirty. */
export function hostWrote(ramOffset: u32, len: u32): void {
  if (len == 0) return;
  const first = ramOffset >> 12;
  const last = (ramOffset + len - 1) >> 12;
  for (let p = first; p <= last; p++) {
    const host = RAM + (<usize>p << 12);
    if (load<u8>(CODEMAP + <usize>p)) invalidateCodePage(host);
    markDirty(host);
  }
}

export function flushTlb(): void { tlbFlushAll(); }
export function flushCode(): void { flushDecodeCache(); }

/** Dirty-log sync for migration: the caller copies and clears DIRTY between this and run(); store
 *  TLB entries are dropped so the next store to any page marks it again. */
export function dirtySyncBegin(): void {
  memory.fill(tlbSet(KIND_STORE, 0), 0xFF, TLB_SET_SIZE * TLB_CONTEXTS);
}

export function setTimeRate(r: u32): void { setRate(r); }

let virtualOk: bool = false;
/** A naturally aligned 64-bit load at `va` through the current data translation, for the host's
 *  firmware (SBI calls that pass pointers). Faults are not raised in the guest: see loadVirtualOk. */
export function loadVirtual64(va: u64): u64 {
  virtualOk = false;
  if (va & 7) return 0;
  const pa = translate(va, KIND_LOAD);
  if (xlateFailed) return 0;
  const host = ramHost(pa);
  if (!host) return 0;
  virtualOk = true;
  return load<u64>(host);
}
export function loadVirtualOk(): bool { return virtualOk; }
export function fflags(): u32 { return getFflags(); }
export function setFflagsValue(v: u32): void { setFflags(v); }


// State field offsets and stop/status codes, exported as Wasm globals so the host reads them from
// the module instead of keeping a copy (src/hypervisor/core/core.ts).
export {
  O_PC, O_PRIV, O_MSTATUS, O_MEDELEG, O_MIDELEG, O_MIE, O_MIP, O_MIP_SW, O_MTVEC, O_MSCRATCH, O_MEPC,
  O_MCAUSE, O_MTVAL, O_MCOUNTEREN, O_SCOUNTEREN, O_STVEC, O_SSCRATCH, O_SEPC, O_SCAUSE, O_STVAL,
  O_SATP, O_FRM, O_FFLAGS, O_MENVCFG, O_SENVCFG, O_MCOUNTINHIBIT, O_PMPCFG, O_PMPADDR, O_MTIMECMP,
  O_MSIP, O_STIMECMP, O_SBI_TIMER, O_TIME, O_INSTRET, O_CYCLE, O_RESERVATION, O_HARTID,
  O_MMIO_STATUS, O_EXT_IRQ, O_RAM_SIZE, O_SBI_MODE, O_STOP, O_EXECUTED, O_STOP_REQ,
  FREGS_OFF, STOP_BUDGET, STOP_WFI, STOP_SBI, STOP_HOST, MMIO_OK, MMIO_FAULT, MMIO_STOP,
} from './state';
