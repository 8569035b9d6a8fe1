// RV64C: each 16-bit instruction is expanded to the 32-bit instruction it stands for (unpriv spec
// ch. 16), then decoded like any other. Returns 0 for reserved/illegal encodings (0 is itself not
// a valid 32-bit instruction, so the caller can tell).

@inline function bits(h: u32, hi: u32, lo: u32): u32 { return (h >> lo) & ((1 << (hi - lo + 1)) - 1); }
@inline function sext(v: u32, width: u32): i32 { return (<i32>(v << (32 - width))) >> (32 - width); }

@inline function iType(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return ((<u32>imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function sType(imm: i32, rs2: u32, rs1: u32, f3: u32, op: u32): u32 {
  const u = <u32>imm;
  return (((u >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1F) << 7) | op;
}
@inline function rType(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function bType(imm: i32, rs2: u32, rs1: u32, f3: u32): u32 {
  const u = <u32>imm;
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) |
    (f3 << 12) | (((u >> 1) & 0xF) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}
@inline function jType(imm: i32, rd: u32): u32 {
  const u = <u32>imm;
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3FF) << 21) | (((u >> 11) & 1) << 20) |
    (((u >> 12) & 0xFF) << 12) | (rd << 7) | 0x6F;
}

const OP_LOAD: u32 = 0x03, OP_LOAD_FP: u32 = 0x07, OP_IMM: u32 = 0x13, OP_IMM32: u32 = 0x1B;
const OP_STORE: u32 = 0x23, OP_STORE_FP: u32 = 0x27, OP_REG: u32 = 0x33, OP_REG32: u32 = 0x3B;
const OP_LUI: u32 = 0x37, OP_JALR: u32 = 0x67;

export function expandCompressed(h: u32): u32 {
  const quadrant = h & 3;
  const f3 = bits(h, 15, 13);
  const rdp = bits(h, 4, 2) + 8; // rd'/rs2' in bits 4:2
  const rs1p = bits(h, 9, 7) + 8; // rs1'/rd' in bits 9:7
  const rd = bits(h, 11, 7);
  const rs2 = bits(h, 6, 2);
  const imm6 = sext((bits(h, 12, 12) << 5) | bits(h, 6, 2), 6);
  if (quadrant == 0) {
    if (f3 == 0) { // C.ADDI4SPN
      const imm = (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 3);
      return imm == 0 ? 0 : iType(imm, 2, 0, rdp, OP_IMM);
    }
    const off8 = (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6); // C.LD/C.SD/C.FLD/C.FSD
    const off4 = (bits(h, 12, 10) << 3) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 6); // C.LW/C.SW
    if (f3 == 1) return iType(off8, rs1p, 3, rdp, OP_LOAD_FP);
    if (f3 == 2) return iType(off4, rs1p, 2, rdp, OP_LOAD);
    if (f3 == 3) return iType(off8, rs1p, 3, rdp, OP_LOAD);
    if (f3 == 5) return sType(off8, rdp, rs1p, 3, OP_STORE_FP);
    if (f3 == 6) return sType(off4, rdp, rs1p, 2, OP_STORE);
    if (f3 == 7) return sType(off8, rdp, rs1p, 3, OP_STORE);
    return 0;
  }
  if (quadrant == 1) {
    switch (f3) {
      case 0: return iType(imm6, rd, 0, rd, OP_IMM); // C.ADDI (rd=0: hint)
      case 1: return rd == 0 ? 0 : iType(imm6, rd, 0, rd, OP_IMM32); // C.ADDIW
      case 2: return iType(imm6, 0, 0, rd, OP_IMM); // C.LI
      case 3: {
        if (rd == 2) { // C.ADDI16SP
          const imm = sext((bits(h, 12, 12) << 9) | (bits(h, 6, 6) << 4) | (bits(h, 5, 5) << 6) |
            (bits(h, 4, 3) << 7) | (bits(h, 2, 2) << 5), 10);
          return imm == 0 ? 0 : iType(imm, 2, 0, 2, OP_IMM);
        }
        if (imm6 == 0) return 0; // C.LUI with nzimm = 0 is reserved
        return ((<u32>imm6 & 0xFFFFF) << 12) | (rd << 7) | OP_LUI;
      }
      case 4: {
        const f2 = bits(h, 11, 10);
        const shamt = (bits(h, 12, 12) << 5) | bits(h, 6, 2);
        if (f2 == 0) return iType(shamt, rs1p, 5, rs1p, OP_IMM); // C.SRLI
        if (f2 == 1) return iType(shamt | 0x400, rs1p, 5, rs1p, OP_IMM); // C.SRAI
        if (f2 == 2) return iType(imm6, rs1p, 7, rs1p, OP_IMM); // C.ANDI
        const f = bits(h, 6, 5);
        if (bits(h, 12, 12) == 0) {
          if (f == 0) return rType(0x20, rdp, rs1p, 0, rs1p, OP_REG); // C.SUB
          if (f == 1) return rType(0, rdp, rs1p, 4, rs1p, OP_REG); // C.XOR
          if (f == 2) return rType(0, rdp, rs1p, 6, rs1p, OP_REG); // C.OR
          return rType(0, rdp, rs1p, 7, rs1p, OP_REG); // C.AND
        }
        if (f == 0) return rType(0x20, rdp, rs1p, 0, rs1p, OP_REG32); // C.SUBW
        if (f == 1) return rType(0, rdp, rs1p, 0, rs1p, OP_REG32); // C.ADDW
        return 0;
      }
      case 5: { // C.J
        const imm = sext((bits(h, 12, 12) << 11) | (bits(h, 11, 11) << 4) | (bits(h, 10, 9) << 8) |
          (bits(h, 8, 8) << 10) | (bits(h, 7, 7) << 6) | (bits(h, 6, 6) << 7) | (bits(h, 5, 3) << 1) |
          (bits(h, 2, 2) << 5), 12);
        return jType(imm, 0);
      }
      default: { // C.BEQZ / C.BNEZ
        const imm = sext((bits(h, 12, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) |
          (bits(h, 4, 3) << 1) | (bits(h, 2, 2) << 5), 9);
        return bType(imm, 0, rs1p, f3 == 6 ? 0 : 1);
      }
    }
  }
  // quadrant 2
  switch (f3) {
    case 0: return iType((bits(h, 12, 12) << 5) | bits(h, 6, 2), rd, 1, rd, OP_IMM); // C.SLLI
    case 1: return iType((bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6), 2, 3, rd, OP_LOAD_FP); // C.FLDSP
    case 2: // C.LWSP
      return rd == 0 ? 0 : iType((bits(h, 12, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6), 2, 2, rd, OP_LOAD);
    case 3: // C.LDSP
      return rd == 0 ? 0 : iType((bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6), 2, 3, rd, OP_LOAD);
    case 4: {
      if (bits(h, 12, 12) == 0) {
        if (rs2 == 0) return rd == 0 ? 0 : iType(0, rd, 0, 0, OP_JALR); // C.JR
        return rType(0, rs2, 0, 0, rd, OP_REG); // C.MV
      }
      if (rs2 == 0) {
        if (rd == 0) return 0x00100073; // C.EBREAK
        return iType(0, rd, 0, 1, OP_JALR); // C.JALR
      }
      return rType(0, rs2, rd, 0, rd, OP_REG); // C.ADD
    }
    case 5: return sType((bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6), rs2, 2, 3, OP_STORE_FP); // C.FSDSP
    case 6: return sType((bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6), rs2, 2, 2, OP_STORE); // C.SWSP
    default: return sType((bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6), rs2, 2, 3, OP_STORE); // C.SDSP
  }
}
