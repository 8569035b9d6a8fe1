// Zicsr and the privileged instructions: CSR access, ECALL/EBREAK, xRET, WFI, SFENCE.VMA.
import { X, W, next } from './regs';
import { slotRd, slotRs1, slotRs3, slotImm } from '../decode';
import { Op } from '../ops';
import {
  get32, get64, O_PRIV, O_MSTATUS, O_MIP, O_MIE, O_SBI_MODE, JUNK_REG, PRV_U, PRV_S, PRV_M,
  MS_TVM, MS_TW, MS_TSR, EXC_ILLEGAL, EXC_BREAKPOINT, EXC_ECALL_U,
} from '../state';
import { csrRead, csrWrite, csrMissing, csrRmwBase } from '../csr';
import { exception, mret, sret } from '../trap';
import { fetchVa, fetchHost, forceRefetch } from '../cpu';
import { straddlePc, straddleBits } from '../fetch';
import { tlbFlushAll, tlbFlushPage } from '../mmu';

/** The instruction bits at pc, for mtval on illegal instruction: from the current fetch page, or,
 *  for an instruction straddling a page end, as fetch.ts recorded them when it decoded it. */
export function rawAt(pc: u64): u64 {
  const off = pc - fetchVa;
  if (off >= 0x1000 || fetchHost == 0) return 0;
  const lo = <u64>load<u16>(fetchHost + <usize>off);
  if ((lo & 3) != 3) return lo;
  if (off >= 0xFFE) return pc == straddlePc ? <u64>straddleBits : lo;
  return <u64>load<u32>(fetchHost + <usize>off);
}

export function illegal(pc: u64): u64 { return exception(EXC_ILLEGAL, rawAt(pc), pc); }

export function csrOp(s: usize, pc: u64, op: u32, retired: u64): u64 {
  const csr = <u32>slotImm(s) & 0xFFF;
  const priv = get32(O_PRIV);
  if (((csr >> 8) & 3) > priv) return illegal(pc);
  const isImm = op >= <u32>Op.CSRRWI;
  const kind = isImm ? op - <u32>Op.CSRRWI : op - <u32>Op.CSRRW; // 0 write, 1 set, 2 clear
  const srcNum = <u32>slotRs3(s);
  // CSRRS/CSRRC with rs1 = x0 (or zimm = 0) must not write, so they may read read-only CSRs.
  const writes = kind == 0 || srcNum != 0;
  if (writes && (csr >> 10) == 3) return illegal(pc);
  const src: u64 = isImm ? <u64>slotRs1(s) : X(slotRs1(s));
  const old = csrRead(csr, retired);
  if (csrMissing) return illegal(pc);
  if (writes) {
    const base = csrRmwBase(csr, old);
    const v = kind == 0 ? src : kind == 1 ? base | src : base & ~src;
    csrWrite(csr, v, retired);
    if (csrMissing) return illegal(pc);
  }
  if (slotRd(s) != JUNK_REG) W(slotRd(s), old);
  return next(s, pc);
}

/** ECALL: returns the next pc, or 0 when the host's built-in SBI must answer (S-mode caller). */
export function ecall(pc: u64): u64 {
  const priv = get32(O_PRIV);
  if (priv == PRV_S && get32(O_SBI_MODE)) return 0;
  return exception(EXC_ECALL_U + priv, 0, pc);
}

export function ebreak(pc: u64): u64 { return exception(EXC_BREAKPOINT, pc, pc); }

export function doMret(pc: u64): u64 {
  if (get32(O_PRIV) != PRV_M) return illegal(pc);
  return mret();
}

export function doSret(pc: u64): u64 {
  const priv = get32(O_PRIV);
  if (priv == PRV_U || (priv == PRV_S && (get64(O_MSTATUS) & MS_TSR))) return illegal(pc);
  return sret();
}

/** WFI: returns the next pc, or 0 when the hart should sleep (nothing pending in mie). */
export function wfi(s: usize, pc: u64): u64 {
  const priv = get32(O_PRIV);
  if (priv == PRV_U || (priv == PRV_S && (get64(O_MSTATUS) & MS_TW))) return illegal(pc);
  if (get64(O_MIP) & get64(O_MIE)) return next(s, pc);
  return 0;
}

export function sfenceVma(s: usize, pc: u64): u64 {
  const priv = get32(O_PRIV);
  if (priv == PRV_U || (priv == PRV_S && (get64(O_MSTATUS) & MS_TVM))) return illegal(pc);
  if (slotRs1(s) == 0) tlbFlushAll();
  else tlbFlushPage(X(slotRs1(s)));
  return next(s, pc);
}

/** FENCE.I: stores already drop decoded code of the pages they hit (dcache.ts), so the decode cache
 *  is coherent; only the current page is looked at again. */
export function fenceI(s: usize, pc: u64): u64 { forceRefetch(); return next(s, pc); }
