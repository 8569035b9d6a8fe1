// Exceptions and interrupts: where they go (delegation), what they record, and which interrupt
// wins. Privileged spec §3.1.6.1, §3.1.8, §3.1.9, §4.1.1.
import {
  get32, get64, set32, set64, O_PRIV, O_MSTATUS, O_MEDELEG, O_MIDELEG, O_MIE, O_MIP, O_MTVEC,
  O_MEPC, O_MCAUSE, O_MTVAL, O_STVEC, O_SEPC, O_SCAUSE, O_STVAL, O_RESERVATION,
  MS_SIE, MS_MIE, MS_SPIE, MS_MPIE, MS_SPP, MS_MPP, MS_MPP_SHIFT, PRV_M, PRV_S,
  IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI,
} from './state';
import { updateContexts } from './cpu';

const INTERRUPT: u64 = 1 << 63;

/** Enter the trap handler for `cause` (bit 63 set for interrupts) raised at `pc`. Returns the
 *  handler's pc; privilege, status and TLB contexts are updated. */
export function enterTrap(cause: u64, tval: u64, pc: u64): u64 {
  const priv = get32(O_PRIV);
  const isIrq = (cause & INTERRUPT) != 0;
  const code = <u32>(cause & 63);
  const deleg = isIrq ? get64(O_MIDELEG) : get64(O_MEDELEG);
  let ms = get64(O_MSTATUS);
  let vec: u64;
  // A trap taken while in M-mode always stays in M-mode; delegated ones go to S otherwise.
  if (priv <= PRV_S && ((deleg >> code) & 1)) {
    set64(O_SEPC, pc);
    set64(O_SCAUSE, cause);
    set64(O_STVAL, tval);
    ms = (ms & ~(MS_SPIE | MS_SPP | MS_SIE)) | ((ms & MS_SIE) << 4) | (<u64>priv << 8);
    set32(O_PRIV, PRV_S);
    vec = get64(O_STVEC);
  } else {
    set64(O_MEPC, pc);
    set64(O_MCAUSE, cause);
    set64(O_MTVAL, tval);
    ms = (ms & ~(MS_MPIE | MS_MPP | MS_MIE)) | ((ms & MS_MIE) << 4) | (<u64>priv << MS_MPP_SHIFT);
    set32(O_PRIV, PRV_M);
    vec = get64(O_MTVEC);
  }
  set64(O_MSTATUS, ms);
  // A trap breaks any LR/SC sequence (spec allows SC to fail; Linux relies on it after preemption).
  set64(O_RESERVATION, <u64>-1);
  updateContexts();
  const base = vec & ~(<u64>3);
  if (isIrq && (vec & 3) == 1) return base + 4 * <u64>code;
  return base;
}

/** Raise an exception (not an interrupt). */
@inline export function exception(code: u32, tval: u64, pc: u64): u64 {
  return enterTrap(<u64>code, tval, pc);
}

// Highest priority first (privileged spec §3.1.9): MEI, MSI, MTI, SEI, SSI, STI.
@inline function highest(bits: u64): i32 {
  if (bits & (1 << IRQ_MEI)) return IRQ_MEI;
  if (bits & (1 << IRQ_MSI)) return IRQ_MSI;
  if (bits & (1 << IRQ_MTI)) return IRQ_MTI;
  if (bits & (1 << IRQ_SEI)) return IRQ_SEI;
  if (bits & (1 << IRQ_SSI)) return IRQ_SSI;
  if (bits & (1 << IRQ_STI)) return IRQ_STI;
  return -1;
}

/** The interrupt to take now, or -1. M-level interrupts preempt S and U regardless of the lower
 *  level's enables; delegated ones are taken in S or U only (never in M). */
export function pendingInterrupt(): i32 {
  const pending = get64(O_MIP) & get64(O_MIE);
  if (pending == 0) return -1;
  const priv = get32(O_PRIV);
  const ms = get64(O_MSTATUS);
  const deleg = get64(O_MIDELEG);
  const m = pending & ~deleg;
  if (m != 0 && (priv < PRV_M || (ms & MS_MIE))) return highest(m);
  const s = pending & deleg;
  if (s != 0 && (priv < PRV_S || (priv == PRV_S && (ms & MS_SIE)))) return highest(s);
  return -1;
}

/** Take a pending, enabled interrupt at `pc` if there is one; returns the pc to continue at. */
export function checkInterrupts(pc: u64): u64 {
  const irq = pendingInterrupt();
  if (irq < 0) return pc;
  return enterTrap(INTERRUPT | <u64>irq, 0, pc);
}

/** MRET: back to MPP with MIE restored (privileged spec §3.3.2). */
export function mret(): u64 {
  let ms = get64(O_MSTATUS);
  const mpp = <u32>((ms & MS_MPP) >> MS_MPP_SHIFT);
  ms = (ms & ~(MS_MIE | MS_MPP)) | ((ms & MS_MPIE) >> 4) | MS_MPIE;
  if (mpp != PRV_M) ms &= ~(<u64>1 << 17); // MPRV cleared when leaving M
  set64(O_MSTATUS, ms);
  set32(O_PRIV, mpp);
  updateContexts();
  return get64(O_MEPC);
}

/** SRET: back to SPP with SIE restored. */
export function sret(): u64 {
  let ms = get64(O_MSTATUS);
  const spp = <u32>((ms & MS_SPP) >> 8);
  ms = (ms & ~(MS_SIE | MS_SPP)) | ((ms & MS_SPIE) >> 4) | MS_SPIE;
  ms &= ~(<u64>1 << 17); // SRET always returns below M: MPRV cleared
  set64(O_MSTATUS, ms);
  set32(O_PRIV, spp);
  updateContexts();
  return get64(O_SEPC);
}
