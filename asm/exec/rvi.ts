// RV64I: integer computation, control transfer, loads and stores (unprivileged spec ch. 2, 5).
import { rs1v, rs2v, wrd, imm, next, sx32 } from './regs';
import { slotLen } from '../decode';
import { load8, load16, load32, load64, store8, store16, store32, store64 } from '../memory';
import { trapped, takeTrapPc } from '../cpu';

// ---- upper immediates and jumps ----
@inline export function lui(s: usize, pc: u64): u64 { wrd(s, imm(s)); return next(s, pc); }
@inline export function auipc(s: usize, pc: u64): u64 { wrd(s, pc + imm(s)); return next(s, pc); }
@inline export function jal(s: usize, pc: u64): u64 { wrd(s, pc + slotLen(s)); return pc + imm(s); }
@inline export function jalr(s: usize, pc: u64): u64 {
  const target = (rs1v(s) + imm(s)) & ~(<u64>1); // read rs1 before rd is written (rd may be rs1)
  wrd(s, pc + slotLen(s));
  return target;
}

// ---- branches: with C, every target is 2-byte aligned, so no misaligned-fetch case ----
@inline export function beq(s: usize, pc: u64): u64 { return rs1v(s) == rs2v(s) ? pc + imm(s) : next(s, pc); }
@inline export function bne(s: usize, pc: u64): u64 { return rs1v(s) != rs2v(s) ? pc + imm(s) : next(s, pc); }
@inline export function blt(s: usize, pc: u64): u64 { return <i64>rs1v(s) < <i64>rs2v(s) ? pc + imm(s) : next(s, pc); }
@inline export function bge(s: usize, pc: u64): u64 { return <i64>rs1v(s) >= <i64>rs2v(s) ? pc + imm(s) : next(s, pc); }
@inline export function bltu(s: usize, pc: u64): u64 { return rs1v(s) < rs2v(s) ? pc + imm(s) : next(s, pc); }
@inline export function bgeu(s: usize, pc: u64): u64 { return rs1v(s) >= rs2v(s) ? pc + imm(s) : next(s, pc); }

// ---- loads: a faulting load must leave rd untouched ----
@inline export function lb(s: usize, pc: u64, n: u64): u64 {
  const v = load8(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, <u64><i64><i8>v); return next(s, pc);
}
@inline export function lh(s: usize, pc: u64, n: u64): u64 {
  const v = load16(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, <u64><i64><i16>v); return next(s, pc);
}
@inline export function lw(s: usize, pc: u64, n: u64): u64 {
  const v = load32(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, sx32(v)); return next(s, pc);
}
@inline export function ld(s: usize, pc: u64, n: u64): u64 {
  const v = load64(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, v); return next(s, pc);
}
@inline export function lbu(s: usize, pc: u64, n: u64): u64 {
  const v = load8(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, v); return next(s, pc);
}
@inline export function lhu(s: usize, pc: u64, n: u64): u64 {
  const v = load16(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, v); return next(s, pc);
}
@inline export function lwu(s: usize, pc: u64, n: u64): u64 {
  const v = load32(rs1v(s) + imm(s), pc, n); if (trapped) return takeTrapPc();
  wrd(s, v); return next(s, pc);
}

// ---- stores ----
@inline export function sb(s: usize, pc: u64, n: u64): u64 {
  store8(rs1v(s) + imm(s), rs2v(s), pc, n); return trapped ? takeTrapPc() : next(s, pc);
}
@inline export function sh(s: usize, pc: u64, n: u64): u64 {
  store16(rs1v(s) + imm(s), rs2v(s), pc, n); return trapped ? takeTrapPc() : next(s, pc);
}
@inline export function sw(s: usize, pc: u64, n: u64): u64 {
  store32(rs1v(s) + imm(s), rs2v(s), pc, n); return trapped ? takeTrapPc() : next(s, pc);
}
@inline export function sd(s: usize, pc: u64, n: u64): u64 {
  store64(rs1v(s) + imm(s), rs2v(s), pc, n); return trapped ? takeTrapPc() : next(s, pc);
}

// ---- register-immediate ----
@inline export function addi(s: usize, pc: u64): u64 { wrd(s, rs1v(s) + imm(s)); return next(s, pc); }
@inline export function slti(s: usize, pc: u64): u64 { wrd(s, <u64>(<i64>rs1v(s) < <i64>imm(s))); return next(s, pc); }
@inline export function sltiu(s: usize, pc: u64): u64 { wrd(s, <u64>(rs1v(s) < imm(s))); return next(s, pc); }
@inline export function xori(s: usize, pc: u64): u64 { wrd(s, rs1v(s) ^ imm(s)); return next(s, pc); }
@inline export function ori(s: usize, pc: u64): u64 { wrd(s, rs1v(s) | imm(s)); return next(s, pc); }
@inline export function andi(s: usize, pc: u64): u64 { wrd(s, rs1v(s) & imm(s)); return next(s, pc); }
@inline export function slli(s: usize, pc: u64): u64 { wrd(s, rs1v(s) << imm(s)); return next(s, pc); }
@inline export function srli(s: usize, pc: u64): u64 { wrd(s, rs1v(s) >> imm(s)); return next(s, pc); }
@inline export function srai(s: usize, pc: u64): u64 { wrd(s, <u64>(<i64>rs1v(s) >> <i64>imm(s))); return next(s, pc); }

// ---- register-register ----
@inline export function add(s: usize, pc: u64): u64 { wrd(s, rs1v(s) + rs2v(s)); return next(s, pc); }
@inline export function sub(s: usize, pc: u64): u64 { wrd(s, rs1v(s) - rs2v(s)); return next(s, pc); }
@inline export function sll(s: usize, pc: u64): u64 { wrd(s, rs1v(s) << (rs2v(s) & 63)); return next(s, pc); }
@inline export function slt(s: usize, pc: u64): u64 { wrd(s, <u64>(<i64>rs1v(s) < <i64>rs2v(s))); return next(s, pc); }
@inline export function sltu(s: usize, pc: u64): u64 { wrd(s, <u64>(rs1v(s) < rs2v(s))); return next(s, pc); }
@inline export function xor(s: usize, pc: u64): u64 { wrd(s, rs1v(s) ^ rs2v(s)); return next(s, pc); }
@inline export function srl(s: usize, pc: u64): u64 { wrd(s, rs1v(s) >> (rs2v(s) & 63)); return next(s, pc); }
@inline export function sra(s: usize, pc: u64): u64 { wrd(s, <u64>(<i64>rs1v(s) >> <i64>(rs2v(s) & 63))); return next(s, pc); }
@inline export function or(s: usize, pc: u64): u64 { wrd(s, rs1v(s) | rs2v(s)); return next(s, pc); }
@inline export function and(s: usize, pc: u64): u64 { wrd(s, rs1v(s) & rs2v(s)); return next(s, pc); }

// ---- 32-bit (W) forms: operate on the low word, sign-extend the result ----
@inline export function addiw(s: usize, pc: u64): u64 { wrd(s, sx32(rs1v(s) + imm(s))); return next(s, pc); }
@inline export function slliw(s: usize, pc: u64): u64 { wrd(s, sx32(<u64>(<u32>rs1v(s) << <u32>imm(s)))); return next(s, pc); }
@inline export function srliw(s: usize, pc: u64): u64 { wrd(s, sx32(<u64>(<u32>rs1v(s) >> <u32>imm(s)))); return next(s, pc); }
@inline export function sraiw(s: usize, pc: u64): u64 { wrd(s, <u64><i64>(<i32>rs1v(s) >> <i32>imm(s))); return next(s, pc); }
@inline export function addw(s: usize, pc: u64): u64 { wrd(s, sx32(rs1v(s) + rs2v(s))); return next(s, pc); }
@inline export function subw(s: usize, pc: u64): u64 { wrd(s, sx32(rs1v(s) - rs2v(s))); return next(s, pc); }
@inline export function sllw(s: usize, pc: u64): u64 { wrd(s, sx32(<u64>(<u32>rs1v(s) << (<u32>rs2v(s) & 31)))); return next(s, pc); }
@inline export function srlw(s: usize, pc: u64): u64 { wrd(s, sx32(<u64>(<u32>rs1v(s) >> (<u32>rs2v(s) & 31)))); return next(s, pc); }
@inline export function sraw(s: usize, pc: u64): u64 { wrd(s, <u64><i64>(<i32>rs1v(s) >> (<i32>rs2v(s) & 31))); return next(s, pc); }
