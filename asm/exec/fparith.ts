// F and D arithmetic, comparisons and conversions, on top of asm/fpu (IEEE-754 with all rounding
// modes and exact fflags). Single values are unboxed on read and NaN-boxed on write (rvfd.ts).
import { X, W, next } from './regs';
import { slotRd, slotRs1, slotRs2, slotRs3, slotRm } from '../decode';
import { Op } from '../ops';
import { get32, O_FRM } from '../state';
import { illegal } from './system';
import { dirtyFs } from '../csr';
import { unbox, box, F, setF } from './rvfd';
import * as fp from '../fpu/index';

/** The rounding mode for this instruction: the static field, or frm when it says dynamic (7).
 *  Returns 8 when frm holds a reserved value: the instruction is then illegal. */
@inline function roundingMode(s: usize): u32 {
  const rm = slotRm(s);
  if (rm != 7) return rm;
  const frm = get32(O_FRM);
  return frm <= 4 ? frm : 8;
}

export function fpArith(s: usize, pc: u64, op: u32): u64 {
  const rd = slotRd(s);
  const a = F(slotRs1(s));
  const b = F(slotRs2(s));
  // Ops whose funct3 is a rounding mode check it first (unpriv spec §13.2: reserved rm is illegal).
  let rm: u32 = 0;
  if (usesRm(op)) {
    rm = roundingMode(s);
    if (rm > 4) return illegal(pc);
  }
  switch (op) {
    // ---- single ----
    case Op.FADD_S: setF(rd, box(fp.f32_add(unbox(a), unbox(b), rm))); break;
    case Op.FSUB_S: setF(rd, box(fp.f32_sub(unbox(a), unbox(b), rm))); break;
    case Op.FMUL_S: setF(rd, box(fp.f32_mul(unbox(a), unbox(b), rm))); break;
    case Op.FDIV_S: setF(rd, box(fp.f32_div(unbox(a), unbox(b), rm))); break;
    case Op.FSQRT_S: setF(rd, box(fp.f32_sqrt(unbox(a), rm))); break;
    case Op.FMADD_S: setF(rd, box(fp.f32_madd(unbox(a), unbox(b), unbox(F(slotRs3(s))), rm))); break;
    case Op.FMSUB_S: setF(rd, box(fp.f32_msub(unbox(a), unbox(b), unbox(F(slotRs3(s))), rm))); break;
    case Op.FNMSUB_S: setF(rd, box(fp.f32_nmsub(unbox(a), unbox(b), unbox(F(slotRs3(s))), rm))); break;
    case Op.FNMADD_S: setF(rd, box(fp.f32_nmadd(unbox(a), unbox(b), unbox(F(slotRs3(s))), rm))); break;
    case Op.FMIN_S: setF(rd, box(fp.f32_min(unbox(a), unbox(b)))); break;
    case Op.FMAX_S: setF(rd, box(fp.f32_max(unbox(a), unbox(b)))); break;
    case Op.FEQ_S: W(rd, <u64>fp.f32_eq(unbox(a), unbox(b))); break;
    case Op.FLT_S: W(rd, <u64>fp.f32_lt(unbox(a), unbox(b))); break;
    case Op.FLE_S: W(rd, <u64>fp.f32_le(unbox(a), unbox(b))); break;
    case Op.FCLASS_S: W(rd, <u64>fp.f32_classify(unbox(a))); break;
    case Op.FCVT_W_S: W(rd, <u64>fp.f32_to_i32(unbox(a), rm)); break;
    case Op.FCVT_WU_S: W(rd, <u64>fp.f32_to_u32(unbox(a), rm)); break;
    case Op.FCVT_L_S: W(rd, <u64>fp.f32_to_i64(unbox(a), rm)); break;
    case Op.FCVT_LU_S: W(rd, <u64>fp.f32_to_u64(unbox(a), rm)); break;
    case Op.FCVT_S_W: setF(rd, box(fp.i32_to_f32(<i32>X(slotRs1(s)), rm))); break;
    case Op.FCVT_S_WU: setF(rd, box(fp.u32_to_f32(<u32>X(slotRs1(s)), rm))); break;
    case Op.FCVT_S_L: setF(rd, box(fp.i64_to_f32(<i64>X(slotRs1(s)), rm))); break;
    case Op.FCVT_S_LU: setF(rd, box(fp.u64_to_f32(X(slotRs1(s)), rm))); break;
    // ---- double ----
    case Op.FADD_D: setF(rd, fp.f64_add(a, b, rm)); break;
    case Op.FSUB_D: setF(rd, fp.f64_sub(a, b, rm)); break;
    case Op.FMUL_D: setF(rd, fp.f64_mul(a, b, rm)); break;
    case Op.FDIV_D: setF(rd, fp.f64_div(a, b, rm)); break;
    case Op.FSQRT_D: setF(rd, fp.f64_sqrt(a, rm)); break;
    case Op.FMADD_D: setF(rd, fp.f64_madd(a, b, F(slotRs3(s)), rm)); break;
    case Op.FMSUB_D: setF(rd, fp.f64_msub(a, b, F(slotRs3(s)), rm)); break;
    case Op.FNMSUB_D: setF(rd, fp.f64_nmsub(a, b, F(slotRs3(s)), rm)); break;
    case Op.FNMADD_D: setF(rd, fp.f64_nmadd(a, b, F(slotRs3(s)), rm)); break;
    case Op.FMIN_D: setF(rd, fp.f64_min(a, b)); break;
    case Op.FMAX_D: setF(rd, fp.f64_max(a, b)); break;
    case Op.FEQ_D: W(rd, <u64>fp.f64_eq(a, b)); break;
    case Op.FLT_D: W(rd, <u64>fp.f64_lt(a, b)); break;
    case Op.FLE_D: W(rd, <u64>fp.f64_le(a, b)); break;
    case Op.FCLASS_D: W(rd, <u64>fp.f64_classify(a)); break;
    case Op.FCVT_W_D: W(rd, <u64>fp.f64_to_i32(a, rm)); break;
    case Op.FCVT_WU_D: W(rd, <u64>fp.f64_to_u32(a, rm)); break;
    case Op.FCVT_L_D: W(rd, <u64>fp.f64_to_i64(a, rm)); break;
    case Op.FCVT_LU_D: W(rd, <u64>fp.f64_to_u64(a, rm)); break;
    case Op.FCVT_D_W: setF(rd, fp.i32_to_f64(<i32>X(slotRs1(s)), rm)); break;
    case Op.FCVT_D_WU: setF(rd, fp.u32_to_f64(<u32>X(slotRs1(s)), rm)); break;
    case Op.FCVT_D_L: setF(rd, fp.i64_to_f64(<i64>X(slotRs1(s)), rm)); break;
    case Op.FCVT_D_LU: setF(rd, fp.u64_to_f64(X(slotRs1(s)), rm)); break;
    case Op.FCVT_S_D: setF(rd, box(fp.f64_to_f32(a, rm))); break;
    case Op.FCVT_D_S: setF(rd, fp.f32_to_f64(unbox(a))); break;
    default: return illegal(pc);
  }
  // Comparisons, classify and conversions to integers write x registers, but they may set fflags,
  // which is FP state too: FS becomes Dirty for every FP instruction.
  dirtyFs();
  return next(s, pc);
}


function usesRm(op: u32): bool {
  switch (op) {
    case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: case Op.FMIN_S: case Op.FMAX_S:
    case Op.FEQ_S: case Op.FLT_S: case Op.FLE_S: case Op.FCLASS_S: case Op.FMV_X_W: case Op.FMV_W_X:
    case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: case Op.FMIN_D: case Op.FMAX_D:
    case Op.FEQ_D: case Op.FLT_D: case Op.FLE_D: case Op.FCLASS_D: case Op.FMV_X_D: case Op.FMV_D_X:
    case Op.FCVT_D_S: case Op.FCVT_D_W: case Op.FCVT_D_WU:
      // Exact conversions ignore rm, but a reserved static rm is still illegal (checked in decode).
      return false;
  }
  return true;
}
