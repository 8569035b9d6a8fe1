// F and D: loads/stores, moves, sign injection here; arithmetic in fparith.ts (IEEE-754 via
// asm/fpu). Single-precision values live NaN-boxed in the 64-bit f registers (unpriv spec §13.2).
import { X, W, next } from './regs';
import { slotRd, slotRs1, slotRs2, slotImm } from '../decode';
import { Op } from '../ops';
import { get64, O_MSTATUS, MS_FS, JUNK_REG } from '../state';
import { load32, load64, store32, store64 } from '../memory';
import { trapped, takeTrapPc } from '../cpu';
import { dirtyFs } from '../csr';
import { illegal } from './system';
import { fpArith } from './fparith';

const BOX: u64 = 0xFFFF_FFFF_0000_0000;
const CANONICAL_NAN32: u64 = 0x7FC0_0000;

/** A single-precision operand: the low word if properly NaN-boxed, else the canonical NaN. */
@inline export function unbox(v: u64): u32 { return (v & BOX) == BOX ? <u32>v : <u32>CANONICAL_NAN32; }
@inline export function box(v: u32): u64 { return BOX | <u64>v; }
@inline export function F(off: usize): u64 { return X(off); }
@inline export function setF(off: usize, v: u64): void { W(off, v); dirtyFs(); }

export function fpExec(s: usize, pc: u64, op: u32, retired: u64): u64 {
  // Any F/D instruction with mstatus.FS = Off is illegal (privileged spec §3.1.6.6).
  if ((get64(O_MSTATUS) & MS_FS) == 0 || op >= <u32>Op.COUNT) return illegal(pc);
  const addr = X(slotRs1(s)) + <u64>slotImm(s);
  switch (op) {
    case Op.FLW: {
      const v = load32(addr, pc, retired); if (trapped) return takeTrapPc();
      setF(slotRd(s), box(<u32>v)); return next(s, pc);
    }
    case Op.FLD: {
      const v = load64(addr, pc, retired); if (trapped) return takeTrapPc();
      setF(slotRd(s), v); return next(s, pc);
    }
    case Op.FSW:
      store32(addr, F(slotRs2(s)), pc, retired); return trapped ? takeTrapPc() : next(s, pc);
    case Op.FSD:
      store64(addr, F(slotRs2(s)), pc, retired); return trapped ? takeTrapPc() : next(s, pc);
    case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: {
      const a = unbox(F(slotRs1(s))), b = unbox(F(slotRs2(s)));
      const sign = op == <u32>Op.FSGNJ_S ? b : op == <u32>Op.FSGNJN_S ? ~b : a ^ b;
      setF(slotRd(s), box((a & 0x7FFF_FFFF) | (sign & 0x8000_0000))); return next(s, pc);
    }
    case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: {
      const a = F(slotRs1(s)), b = F(slotRs2(s));
      const sign = op == <u32>Op.FSGNJ_D ? b : op == <u32>Op.FSGNJN_D ? ~b : a ^ b;
      setF(slotRd(s), (a & 0x7FFF_FFFF_FFFF_FFFF) | (sign & 0x8000_0000_0000_0000)); return next(s, pc);
    }
    // FMV.X.W sign-extends the raw low word, boxed or not (it is a bit move, not an FP read).
    case Op.FMV_X_W: wx(s, <u64><i64><i32><u32>F(slotRs1(s))); return next(s, pc);
    case Op.FMV_X_D: wx(s, F(slotRs1(s))); return next(s, pc);
    case Op.FMV_W_X: setF(slotRd(s), box(<u32>X(slotRs1(s)))); return next(s, pc);
    case Op.FMV_D_X: setF(slotRd(s), X(slotRs1(s))); return next(s, pc);
  }
  return fpArith(s, pc, op);
}

@inline function wx(s: usize, v: u64): void { if (slotRd(s) != JUNK_REG) W(slotRd(s), v); }
