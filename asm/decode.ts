// Decoding an instruction into a 16-byte slot, once per cached page slot.
//
//   +0  u16 op        (ops.ts)
//   +2  u16 rd        byte offset of the destination in the register file (x: 0..248, or the
//                     junk slot for x0 so writes need no check; f: FREGS_OFF + 8*n)
//   +4  u16 rs1       byte offset of source 1 (CSR-immediate forms: the 5-bit immediate itself)
//   +6  u16 rs2       byte offset of source 2
//   +8  i32 imm       immediate; CSR number for Zicsr; the raw bits for ILLEGAL (-> mtval)
//   +12 u8  len       2 or 4: the pc increment
//   +13 u8  rm        FP rounding-mode field
//   +14 u16 rs3       byte offset of FP source 3 (fused multiply-add)
import { Op } from './ops';
import { JUNK_REG, FREGS_OFF } from './state';
import { expandCompressed } from './rvc';

@inline export function slotOp(s: usize): u32 { return load<u16>(s); }
@inline export function slotRd(s: usize): usize { return <usize>load<u16>(s, 2); }
@inline export function slotRs1(s: usize): usize { return <usize>load<u16>(s, 4); }
@inline export function slotRs2(s: usize): usize { return <usize>load<u16>(s, 6); }
@inline export function slotImm(s: usize): i64 { return <i64>load<i32>(s, 8); }
@inline export function slotLen(s: usize): u64 { return <u64>load<u8>(s, 12); }
@inline export function slotRm(s: usize): u32 { return <u32>load<u8>(s, 13); }
@inline export function slotRs3(s: usize): usize { return <usize>load<u16>(s, 14); }

@inline function xd(r: u32): u32 { return r == 0 ? JUNK_REG : r << 3; }
@inline function xs(r: u32): u32 { return r << 3; }
@inline function fr(r: u32): u32 { return FREGS_OFF + (r << 3); }

@inline function put(s: usize, op: Op, rd: u32, rs1: u32, rs2: u32, imm: i32): void {
  store<u16>(s, <u16>op);
  store<u16>(s, <u16>rd, 2);
  store<u16>(s, <u16>rs1, 4);
  store<u16>(s, <u16>rs2, 6);
  store<i32>(s, imm, 8);
}

/** Decode a 16- or 32-bit instruction (`len` 2 or 4) into slot `s`. */
export function decodeInto(s: usize, raw: u32, len: u32): void {
  store<u8>(s, <u8>len, 12);
  store<u8>(s, 0, 13);
  store<u16>(s, 0, 14);
  const insn = len == 2 ? expandCompressed(raw) : raw;
  if (insn == 0 || !decode32(s, insn)) put(s, Op.ILLEGAL, 0, 0, 0, <i32>raw);
}

function decode32(s: usize, i: u32): bool {
  const opcode = i & 0x7F;
  const rd = (i >> 7) & 31;
  const f3 = (i >> 12) & 7;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  const f7 = i >> 25;
  const immI = <i32>i >> 20;
  const immS = ((<i32>i >> 25) << 5) | <i32>((i >> 7) & 31);
  switch (opcode) {
    case 0x37: put(s, Op.LUI, xd(rd), 0, 0, <i32>(i & 0xFFFFF000)); return true;
    case 0x17: put(s, Op.AUIPC, xd(rd), 0, 0, <i32>(i & 0xFFFFF000)); return true;
    case 0x6F: {
      const imm = (((<i32>i) >> 31) << 20) | <i32>(((i >> 21) & 0x3FF) << 1) |
        <i32>(((i >> 20) & 1) << 11) | <i32>(((i >> 12) & 0xFF) << 12);
      put(s, Op.JAL, xd(rd), 0, 0, imm); return true;
    }
    case 0x67: if (f3 != 0) return false; put(s, Op.JALR, xd(rd), xs(rs1), 0, immI); return true;
    case 0x63: {
      const imm = (((<i32>i) >> 31) << 12) | <i32>(((i >> 25) & 0x3F) << 5) |
        <i32>(((i >> 8) & 0xF) << 1) | <i32>(((i >> 7) & 1) << 11);
      let op: Op;
      switch (f3) {
        case 0: op = Op.BEQ; break; case 1: op = Op.BNE; break;
        case 4: op = Op.BLT; break; case 5: op = Op.BGE; break;
        case 6: op = Op.BLTU; break; case 7: op = Op.BGEU; break;
        default: return false;
      }
      put(s, op, 0, xs(rs1), xs(rs2), imm); return true;
    }
    case 0x03: {
      let op: Op;
      switch (f3) {
        case 0: op = Op.LB; break; case 1: op = Op.LH; break; case 2: op = Op.LW; break;
        case 3: op = Op.LD; break; case 4: op = Op.LBU; break; case 5: op = Op.LHU; break;
        case 6: op = Op.LWU; break; default: return false;
      }
      put(s, op, xd(rd), xs(rs1), 0, immI); return true;
    }
    case 0x23: {
      if (f3 > 3) return false;
      put(s, <Op>(<u32>Op.SB + f3), 0, xs(rs1), xs(rs2), immS); return true;
    }
    case 0x13: {
      const shamt = <i32>((i >> 20) & 63);
      switch (f3) {
        case 0: put(s, Op.ADDI, xd(rd), xs(rs1), 0, immI); return true;
        case 2: put(s, Op.SLTI, xd(rd), xs(rs1), 0, immI); return true;
        case 3: put(s, Op.SLTIU, xd(rd), xs(rs1), 0, immI); return true;
        case 4: put(s, Op.XORI, xd(rd), xs(rs1), 0, immI); return true;
        case 6: put(s, Op.ORI, xd(rd), xs(rs1), 0, immI); return true;
        case 7: put(s, Op.ANDI, xd(rd), xs(rs1), 0, immI); return true;
        case 1: if ((i >> 26) != 0) return false; put(s, Op.SLLI, xd(rd), xs(rs1), 0, shamt); return true;
        default: {
          const f6 = i >> 26;
          if (f6 == 0) { put(s, Op.SRLI, xd(rd), xs(rs1), 0, shamt); return true; }
          if (f6 == 0x10) { put(s, Op.SRAI, xd(rd), xs(rs1), 0, shamt); return true; }
          return false;
        }
      }
    }
    case 0x1B: {
      const shamt = <i32>rs2;
      if (f3 == 0) { put(s, Op.ADDIW, xd(rd), xs(rs1), 0, immI); return true; }
      if (f3 == 1 && f7 == 0) { put(s, Op.SLLIW, xd(rd), xs(rs1), 0, shamt); return true; }
      if (f3 == 5 && f7 == 0) { put(s, Op.SRLIW, xd(rd), xs(rs1), 0, shamt); return true; }
      if (f3 == 5 && f7 == 0x20) { put(s, Op.SRAIW, xd(rd), xs(rs1), 0, shamt); return true; }
      return false;
    }
    case 0x33: {
      let op: Op;
      if (f7 == 0) {
        switch (f3) {
          case 0: op = Op.ADD; break; case 1: op = Op.SLL; break; case 2: op = Op.SLT; break;
          case 3: op = Op.SLTU; break; case 4: op = Op.XOR; break; case 5: op = Op.SRL; break;
          case 6: op = Op.OR; break; default: op = Op.AND;
        }
      } else if (f7 == 0x20) {
        if (f3 == 0) op = Op.SUB; else if (f3 == 5) op = Op.SRA; else return false;
      } else if (f7 == 1) {
        op = <Op>(<u32>Op.MUL + f3);
      } else return false;
      put(s, op, xd(rd), xs(rs1), xs(rs2), 0); return true;
    }
    case 0x3B: {
      let op: Op;
      if (f7 == 0 && f3 == 0) op = Op.ADDW;
      else if (f7 == 0 && f3 == 1) op = Op.SLLW;
      else if (f7 == 0 && f3 == 5) op = Op.SRLW;
      else if (f7 == 0x20 && f3 == 0) op = Op.SUBW;
      else if (f7 == 0x20 && f3 == 5) op = Op.SRAW;
      else if (f7 == 1 && f3 == 0) op = Op.MULW;
      else if (f7 == 1 && f3 >= 4) op = <Op>(<u32>Op.DIVW + f3 - 4);
      else return false;
      put(s, op, xd(rd), xs(rs1), xs(rs2), 0); return true;
    }
    case 0x0F:
      if (f3 == 0) { put(s, Op.FENCE, 0, 0, 0, 0); return true; }
      if (f3 == 1) { put(s, Op.FENCE_I, 0, 0, 0, 0); return true; }
      return false;
    case 0x73: return decodeSystem(s, i, rd, f3, rs1, f7);
    case 0x2F: return decodeAmo(s, i, rd, f3, rs1, rs2);
    case 0x07:
      if (f3 == 2) { put(s, Op.FLW, fr(rd), xs(rs1), 0, immI); return true; }
      if (f3 == 3) { put(s, Op.FLD, fr(rd), xs(rs1), 0, immI); return true; }
      return false;
    case 0x27:
      if (f3 == 2) { put(s, Op.FSW, 0, xs(rs1), fr(rs2), immS); return true; }
      if (f3 == 3) { put(s, Op.FSD, 0, xs(rs1), fr(rs2), immS); return true; }
      return false;
    case 0x43: case 0x47: case 0x4B: case 0x4F: {
      const fmt = f7 & 3;
      if (fmt > 1 || !validRm(f3)) return false;
      const base = fmt == 0 ? Op.FMADD_S : Op.FMADD_D;
      put(s, <Op>(<u32>base + ((opcode - 0x43) >> 2)), fr(rd), fr(rs1), fr(rs2), 0);
      store<u8>(s, <u8>f3, 13);
      store<u16>(s, <u16>fr(i >> 27), 14);
      return true;
    }
    case 0x53: return decodeOpFp(s, rd, f3, rs1, rs2, f7);
  }
  return false;
}

/** Rounding-mode fields 5 and 6 are reserved; 7 (dynamic) is checked against frm when executed. */
@inline function validRm(rm: u32): bool { return rm != 5 && rm != 6; }

function decodeSystem(s: usize, i: u32, rd: u32, f3: u32, rs1: u32, f7: u32): bool {
  if (f3 == 0) {
    if (i == 0x00000073) { put(s, Op.ECALL, 0, 0, 0, 0); return true; }
    if (i == 0x00100073) { put(s, Op.EBREAK, 0, 0, 0, 0); return true; }
    if (i == 0x30200073) { put(s, Op.MRET, 0, 0, 0, 0); return true; }
    if (i == 0x10200073) { put(s, Op.SRET, 0, 0, 0, 0); return true; }
    if (i == 0x10500073) { put(s, Op.WFI, 0, 0, 0, 0); return true; }
    if (f7 == 0x09 && rd == 0) { put(s, Op.SFENCE_VMA, 0, xs(rs1), xs((i >> 20) & 31), 0); return true; }
    return false;
  }
  if (f3 == 4) return false;
  const csr = <i32>(i >> 20);
  // Register forms carry rs1's offset; immediate forms carry the 5-bit zimm; both keep the raw
  // rs1 number in rs3 because "rs1 = x0 / zimm = 0 means no write" is decided on the number.
  const op = <Op>(<u32>Op.CSRRW + (f3 & 3) - 1 + (f3 >= 5 ? 3 : 0));
  put(s, op, xd(rd), f3 >= 5 ? rs1 : xs(rs1), 0, csr);
  store<u16>(s, <u16>rs1, 14);
  store<i32>(s, csr, 8);
  return true;
}

function decodeAmo(s: usize, i: u32, rd: u32, f3: u32, rs1: u32, rs2: u32): bool {
  if (f3 != 2 && f3 != 3) return false;
  const f5 = i >> 27;
  let k: i32;
  switch (f5) {
    case 0x02: if (rs2 != 0) return false; k = 0; break; // LR
    case 0x03: k = 1; break; // SC
    case 0x01: k = 2; break; // AMOSWAP
    case 0x00: k = 3; break; // AMOADD
    case 0x04: k = 4; break; // AMOXOR
    case 0x0C: k = 5; break; // AMOAND
    case 0x08: k = 6; break; // AMOOR
    case 0x10: k = 7; break; // AMOMIN
    case 0x14: k = 8; break; // AMOMAX
    case 0x18: k = 9; break; // AMOMINU
    case 0x1C: k = 10; break; // AMOMAXU
    default: return false;
  }
  const base = f3 == 2 ? Op.LR_W : Op.LR_D;
  put(s, <Op>(<u32>base + k), xd(rd), xs(rs1), xs(rs2), 0);
  return true;
}

function decodeOpFp(s: usize, rd: u32, f3: u32, rs1: u32, rs2: u32, f7: u32): bool {
  const dbl = (f7 & 1) != 0;
  const S = dbl ? <u32>Op.FADD_D - <u32>Op.FADD_S : 0; // D ops mirror the S ops' order
  store<u8>(s, <u8>f3, 13);
  switch (f7 & ~1) {
    case 0x00: case 0x04: case 0x08: case 0x0C: {
      if (!validRm(f3)) return false;
      put(s, <Op>(<u32>Op.FADD_S + S + (f7 >> 2)), fr(rd), fr(rs1), fr(rs2), 0); return true;
    }
    case 0x2C:
      if (rs2 != 0 || !validRm(f3)) return false;
      put(s, <Op>(<u32>Op.FSQRT_S + S), fr(rd), fr(rs1), 0, 0); return true;
    case 0x10:
      if (f3 > 2) return false;
      put(s, <Op>(<u32>Op.FSGNJ_S + S + f3), fr(rd), fr(rs1), fr(rs2), 0); return true;
    case 0x14:
      if (f3 > 1) return false;
      put(s, <Op>(<u32>Op.FMIN_S + S + f3), fr(rd), fr(rs1), fr(rs2), 0); return true;
    case 0x60:
      if (rs2 > 3 || !validRm(f3)) return false;
      put(s, <Op>(<u32>Op.FCVT_W_S + S + rs2), xd(rd), fr(rs1), 0, 0); return true;
    case 0x70:
      if (rs2 != 0) return false;
      if (f3 == 0) { put(s, <Op>(<u32>Op.FMV_X_W + S), xd(rd), fr(rs1), 0, 0); return true; }
      if (f3 == 1) { put(s, <Op>(<u32>Op.FCLASS_S + S), xd(rd), fr(rs1), 0, 0); return true; }
      return false;
    case 0x50: {
      if (f3 > 2) return false;
      const op = f3 == 2 ? Op.FEQ_S : f3 == 1 ? Op.FLT_S : Op.FLE_S;
      put(s, <Op>(<u32>op + S), xd(rd), fr(rs1), fr(rs2), 0); return true;
    }
    case 0x68:
      if (rs2 > 3 || !validRm(f3)) return false;
      put(s, <Op>(<u32>Op.FCVT_S_W + S + rs2), fr(rd), xs(rs1), 0, 0); return true;
    case 0x78:
      if (rs2 != 0 || f3 != 0) return false;
      put(s, <Op>(<u32>Op.FMV_W_X + S), fr(rd), xs(rs1), 0, 0); return true;
    case 0x20:
      // FCVT.S.D (f7 0x20, rs2 1) and FCVT.D.S (f7 0x21, rs2 0)
      if (!validRm(f3)) return false;
      if (!dbl && rs2 == 1) { put(s, Op.FCVT_S_D, fr(rd), fr(rs1), 0, 0); return true; }
      if (dbl && rs2 == 0) { put(s, Op.FCVT_D_S, fr(rd), fr(rs1), 0, 0); return true; }
      return false;
  }
  return false;
}
