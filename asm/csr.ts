// Control and status registers (Zicsr + privileged spec ch. 2, 3, 4). Reads and writes here are the
// architectural ones, with WARL legalisation; privilege and read-only checks are done by csrOp.
import {
  get32, get64, set32, set64, O_PRIV, O_MSTATUS, O_MEDELEG, O_MIDELEG, O_MIE, O_MIP,
  O_MIP_SW, O_MTVEC, O_MSCRATCH, O_MEPC, O_MCAUSE, O_MTVAL, O_MCOUNTEREN, O_SCOUNTEREN, O_STVEC,
  O_SSCRATCH, O_SEPC, O_SCAUSE, O_STVAL, O_SATP, O_FRM, O_MENVCFG, O_SENVCFG, O_MCOUNTINHIBIT,
  O_PMPCFG, O_PMPADDR, O_INSTRET, O_CYCLE, O_HARTID,
  PRV_S, PRV_M, PRV_U, MS_FS, MS_FS_DIRTY, MS_MXR, MS_SD, MS_TVM, MS_UXL, MS_SXL, MS_SIE, MS_MIE,
  MS_SPIE, MS_MPIE, MS_SPP, MS_MPP, MS_MPRV, MS_SUM, MS_TW, MS_TSR,
  MIP_SSIP, MIP_STIP, MIP_SEIP,
} from './state';
import { updateContexts, recomputeMip, forceRefetch, currentTime, publishRetired } from './cpu';
import { tlbFlushAll } from './mmu';
import { pmpChanged } from './pmp';
import { getFflags, setFflags } from './fpu/flags';

// misa: RV64 (MXL=2) with A C D F I M S U.
const MISA: u64 = (<u64>2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
const MSTATUS_WRITABLE: u64 = MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | MS_MPP | MS_FS | MS_MPRV |
  MS_SUM | MS_MXR | MS_TVM | MS_TW | MS_TSR;
const SSTATUS_MASK: u64 = MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR | MS_UXL | MS_SD;
const SSTATUS_WRITABLE: u64 = MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR;
/** Interrupts S-mode may see or delegate: SSI, STI, SEI. */
const S_INTS: u64 = MIP_SSIP | MIP_STIP | MIP_SEIP;
const M_INTS: u64 = S_INTS | (1 << 3) | (1 << 7) | (1 << 11);
/** Every exception except ECALL from M (11) may be delegated; 10 and 14 are reserved. */
const MEDELEG_WRITABLE: u64 = 0xB3FF;
const PMP_ENTRIES: u32 = 16;

/** Set by csrRead/csrWrite when the CSR does not exist (illegal instruction). */
export let csrMissing: bool = false;

@inline function fsOff(): bool { return (get64(O_MSTATUS) & MS_FS) == 0; }

/** Counter access from S/U is gated by mcounteren and, for U, scounteren (spec §3.1.11). */
function counterAllowed(index: u32): bool {
  const priv = get32(O_PRIV);
  if (priv == PRV_M) return true;
  if (!((get32(O_MCOUNTEREN) >> index) & 1)) return false;
  if (priv == PRV_U && !((get32(O_SCOUNTEREN) >> index) & 1)) return false;
  return true;
}

/** Read CSR `csr` with `retired` instructions of the current run already counted. */
export function csrRead(csr: u32, retired: u64): u64 {
  csrMissing = false;
  switch (csr) {
    case 0x001: if (fsOff()) break; return <u64>getFflags();
    case 0x002: if (fsOff()) break; return <u64>get32(O_FRM);
    case 0x003: if (fsOff()) break; return <u64>(getFflags() | (get32(O_FRM) << 5));
    case 0xC00: if (!counterAllowed(0)) break; return get64(O_CYCLE) + retired;
    case 0xC01: if (!counterAllowed(1)) break; publishRetired(retired); return currentTime();
    case 0xC02: if (!counterAllowed(2)) break; return get64(O_INSTRET) + retired;
    case 0x100: return readMstatus() & SSTATUS_MASK;
    case 0x104: return get64(O_MIE) & get64(O_MIDELEG);
    case 0x105: return get64(O_STVEC);
    case 0x106: return <u64>get32(O_SCOUNTEREN);
    case 0x10A: return get64(O_SENVCFG);
    case 0x140: return get64(O_SSCRATCH);
    case 0x141: return get64(O_SEPC);
    case 0x142: return get64(O_SCAUSE);
    case 0x143: return get64(O_STVAL);
    case 0x144: return get64(O_MIP) & get64(O_MIDELEG);
    case 0x180:
      if (get32(O_PRIV) == PRV_S && (get64(O_MSTATUS) & MS_TVM)) break;
      return get64(O_SATP);
    case 0xF11: case 0xF12: case 0xF13: case 0xF15: return 0;
    case 0xF14: return get64(O_HARTID);
    case 0x300: return readMstatus();
    case 0x301: return MISA;
    case 0x302: return get64(O_MEDELEG);
    case 0x303: return get64(O_MIDELEG);
    case 0x304: return get64(O_MIE);
    case 0x305: return get64(O_MTVEC);
    case 0x306: return <u64>get32(O_MCOUNTEREN);
    case 0x30A: return get64(O_MENVCFG);
    case 0x320: return get64(O_MCOUNTINHIBIT);
    case 0x340: return get64(O_MSCRATCH);
    case 0x341: return get64(O_MEPC);
    case 0x342: return get64(O_MCAUSE);
    case 0x343: return get64(O_MTVAL);
    case 0x344: return get64(O_MIP);
    case 0xB00: return get64(O_CYCLE) + retired;
    case 0xB02: return get64(O_INSTRET) + retired;
    default: {
      if (csr >= 0x3A0 && csr <= 0x3AF) { // pmpcfg: even numbers only on RV64
        if (csr & 1) break;
        return csr - 0x3A0 < PMP_ENTRIES / 4 ? load<u64>(stateAddr(O_PMPCFG) + ((<usize>(csr - 0x3A0)) << 3)) : 0;
      }
      if (csr >= 0x3B0 && csr <= 0x3EF) {
        return csr - 0x3B0 < PMP_ENTRIES ? load<u64>(stateAddr(O_PMPADDR) + ((<usize>(csr - 0x3B0)) << 3)) : 0;
      }
      // Unimplemented performance counters and their events read as zero.
      if (csr >= 0xB03 && csr <= 0xB1F) return 0;
      if (csr >= 0x323 && csr <= 0x33F) return 0;
      if (csr >= 0xC03 && csr <= 0xC1F) { if (!counterAllowed(csr - 0xC00)) break; return 0; }
    }
  }
  csrMissing = true;
  return 0;
}

import { STATE } from './layout';
@inline function stateAddr(off: usize): usize { return STATE + off; }

function readMstatus(): u64 {
  let ms = get64(O_MSTATUS) | MS_UXL | MS_SXL;
  if ((ms & MS_FS) == MS_FS_DIRTY) ms |= MS_SD;
  return ms;
}

export function csrWrite(csr: u32, v: u64, retired: u64): void {
  csrMissing = false;
  switch (csr) {
    case 0x001: if (fsOff()) break; setFflags(<u32>v & 31); dirtyFs(); return;
    case 0x002: if (fsOff()) break; set32(O_FRM, <u32>v & 7); dirtyFs(); return;
    case 0x003: if (fsOff()) break; setFflags(<u32>v & 31); set32(O_FRM, (<u32>v >> 5) & 7); dirtyFs(); return;
    case 0x100: writeMstatus((get64(O_MSTATUS) & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); return;
    case 0x104: {
      const m = get64(O_MIDELEG);
      set64(O_MIE, (get64(O_MIE) & ~m) | (v & m));
      forceRefetch();
      return;
    }
    case 0x105: writeTvec(O_STVEC, v); return;
    case 0x106: set32(O_SCOUNTEREN, <u32>v); return;
    case 0x10A: set64(O_SENVCFG, v & 1); return;
    case 0x140: set64(O_SSCRATCH, v); return;
    case 0x141: set64(O_SEPC, v & ~(<u64>1)); return;
    case 0x142: set64(O_SCAUSE, v); return;
    case 0x143: set64(O_STVAL, v); return;
    case 0x144: {
      // Only SSIP is writable through sip, and only when delegated.
      const m = get64(O_MIDELEG) & MIP_SSIP;
      set64(O_MIP_SW, (get64(O_MIP_SW) & ~m) | (v & m));
      recomputeMip();
      forceRefetch();
      return;
    }
    case 0x180: {
      if (get32(O_PRIV) == PRV_S && (get64(O_MSTATUS) & MS_TVM)) break;
      const mode = v >> 60;
      if (mode != 0 && mode != 8 && mode != 9) return; // unsupported MODE: the write has no effect
      // ASIDLEN = 0: Linux then flushes on every switch, which our full flush does anyway.
      set64(O_SATP, v & 0xF000_0FFF_FFFF_FFFF);
      tlbFlushAll();
      return;
    }
    case 0x300: writeMstatus(v); return;
    case 0x301: return; // misa is read-only here (WARL)
    case 0x302: set64(O_MEDELEG, v & MEDELEG_WRITABLE); return;
    case 0x303: set64(O_MIDELEG, v & S_INTS); forceRefetch(); return;
    case 0x304: set64(O_MIE, v & M_INTS); forceRefetch(); return;
    case 0x305: writeTvec(O_MTVEC, v); return;
    case 0x306: set32(O_MCOUNTEREN, <u32>v); return;
    case 0x30A: set64(O_MENVCFG, v & 1); return;
    case 0x320: set64(O_MCOUNTINHIBIT, v & ~(<u64>2)); return;
    case 0x340: set64(O_MSCRATCH, v); return;
    case 0x341: set64(O_MEPC, v & ~(<u64>1)); return;
    case 0x342: set64(O_MCAUSE, v); return;
    case 0x343: set64(O_MTVAL, v); return;
    case 0x344: {
      set64(O_MIP_SW, (get64(O_MIP_SW) & ~S_INTS) | (v & S_INTS));
      recomputeMip();
      forceRefetch();
      return;
    }
    // Writing a counter sets the value the next read (after this instruction) returns.
    case 0xB00: set64(O_CYCLE, v - retired - 1); return;
    case 0xB02: set64(O_INSTRET, v - retired - 1); return;
    default: {
      if (csr >= 0x3A0 && csr <= 0x3AF) {
        if (csr & 1) break;
        if (csr - 0x3A0 < PMP_ENTRIES / 4) { writePmpcfg(csr - 0x3A0, v); entriesChanged(); }
        return;
      }
      if (csr >= 0x3B0 && csr <= 0x3EF) {
        const i = csr - 0x3B0;
        if (i < PMP_ENTRIES && !pmpaddrLocked(i)) {
          store<u64>(stateAddr(O_PMPADDR) + ((<usize>i) << 3), v & 0x003F_FFFF_FFFF_FFFF);
          entriesChanged();
        }
        return;
      }
      if ((csr >= 0xB03 && csr <= 0xB1F) || (csr >= 0x323 && csr <= 0x33F)) return;
    }
  }
  csrMissing = true;
}

// ---- PMP registers (the checks are pmp.ts's) ---------------------------------------------------
const PMP_L: u32 = 0x80;

/** The TLB holds pages checked against the old entries: drop them all. */
function entriesChanged(): void {
  pmpChanged();
  tlbFlushAll();
}
const PMP_A_TOR: u32 = 0x08;

@inline function pmpcfgByte(entry: u32): u32 {
  return <u32>load<u8>(stateAddr(O_PMPCFG) + (<usize>(entry >> 3) << 4) + <usize>(entry & 7));
}

/** A locked entry (L=1) ignores writes to its cfg byte until reset (privileged spec §3.7.1). */
function writePmpcfg(slot: u32, v: u64): void {
  const addr = stateAddr(O_PMPCFG) + (<usize>slot << 3);
  const old = load<u64>(addr);
  let out: u64 = 0;
  for (let j: u64 = 0; j < 64; j += 8) {
    const ob = (old >> j) & 0xFF;
    const nb = (v >> j) & 0x9F;
    out |= ((<u32>ob & PMP_L) ? ob : nb) << j;
  }
  store<u64>(addr, out);
}

/** pmpaddr i is locked by its own L, or by entry i+1 being a locked TOR range that uses it. */
function pmpaddrLocked(i: u32): bool {
  if (pmpcfgByte(i) & PMP_L) return true;
  if (i + 1 < PMP_ENTRIES) {
    const next = pmpcfgByte(i + 1);
    if ((next & PMP_L) && (next & 0x18) == PMP_A_TOR) return true;
  }
  return false;
}

/** The value CSRRS/CSRRC modify. For mip it holds the software-written SEIP bit, not the PLIC's
 *  line: otherwise clearing STIP while a device interrupt is pending would latch SEIP forever
 *  (privileged spec §3.1.9: "only the software-writable SEIP bit" takes part). */
export function csrRmwBase(csr: u32, old: u64): u64 {
  if (csr != 0x344) return old;
  return (old & ~MIP_SEIP) | (get64(O_MIP_SW) & MIP_SEIP);
}

@inline export function dirtyFs(): void { set64(O_MSTATUS, get64(O_MSTATUS) | MS_FS_DIRTY); }

function writeTvec(off: usize, v: u64): void {
  if ((v & 3) >= 2) return; // reserved modes: keep the old value (WARL)
  set64(off, v);
}

function writeMstatus(v: u64): void {
  const old = get64(O_MSTATUS);
  let ms = (old & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
  // MPP is WARL over {U, S, M}: the reserved value 2 leaves the field as it was.
  if ((ms & MS_MPP) == (<u64>2 << 11)) ms = (ms & ~MS_MPP) | (old & MS_MPP);
  set64(O_MSTATUS, ms);
  if ((ms ^ old) & MS_MXR) tlbFlushAll(); // execute-only pages become (un)readable
  updateContexts(); // MPRV, MPP and SUM choose TLB sets; MIE/SIE changes need an interrupt check
}

export { O_MIP, PRV_M };
