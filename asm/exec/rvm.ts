// M: multiply and divide (unprivileged spec ch. 7). Division by zero and overflow do not trap:
// the results are fixed by the spec's table 7.1.
import { rs1v, rs2v, wrd, next, sx32 } from './regs';

/** High 64 bits of the unsigned 128-bit product, from 32-bit halves (Wasm has no mulh). */
export function mulhu64(a: u64, b: u64): u64 {
  const aLo = a & 0xFFFF_FFFF, aHi = a >> 32, bLo = b & 0xFFFF_FFFF, bHi = b >> 32;
  const ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
  const mid = (ll >> 32) + (lh & 0xFFFF_FFFF) + (hl & 0xFFFF_FFFF);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}
@inline function mulh64(a: u64, b: u64): u64 {
  let h = mulhu64(a, b);
  if (<i64>a < 0) h -= b;
  if (<i64>b < 0) h -= a;
  return h;
}
@inline function mulhsu64(a: u64, b: u64): u64 {
  let h = mulhu64(a, b);
  if (<i64>a < 0) h -= b;
  return h;
}

@inline export function mul(s: usize, pc: u64): u64 { wrd(s, rs1v(s) * rs2v(s)); return next(s, pc); }
@inline export function mulh(s: usize, pc: u64): u64 { wrd(s, mulh64(rs1v(s), rs2v(s))); return next(s, pc); }
@inline export function mulhsu(s: usize, pc: u64): u64 { wrd(s, mulhsu64(rs1v(s), rs2v(s))); return next(s, pc); }
@inline export function mulhu(s: usize, pc: u64): u64 { wrd(s, mulhu64(rs1v(s), rs2v(s))); return next(s, pc); }
@inline export function mulw(s: usize, pc: u64): u64 { wrd(s, sx32(rs1v(s) * rs2v(s))); return next(s, pc); }

@inline function div64(a: i64, b: i64): i64 {
  if (b == 0) return -1;
  if (a == i64.MIN_VALUE && b == -1) return a;
  return a / b;
}
@inline function rem64(a: i64, b: i64): i64 {
  if (b == 0) return a;
  if (a == i64.MIN_VALUE && b == -1) return 0;
  return a % b;
}
@inline function div32(a: i32, b: i32): i32 {
  if (b == 0) return -1;
  if (a == i32.MIN_VALUE && b == -1) return a;
  return a / b;
}
@inline function rem32(a: i32, b: i32): i32 {
  if (b == 0) return a;
  if (a == i32.MIN_VALUE && b == -1) return 0;
  return a % b;
}

@inline export function div(s: usize, pc: u64): u64 { wrd(s, <u64>div64(<i64>rs1v(s), <i64>rs2v(s))); return next(s, pc); }
@inline export function divu(s: usize, pc: u64): u64 {
  const b = rs2v(s); wrd(s, b == 0 ? <u64>-1 : rs1v(s) / b); return next(s, pc);
}
@inline export function rem(s: usize, pc: u64): u64 { wrd(s, <u64>rem64(<i64>rs1v(s), <i64>rs2v(s))); return next(s, pc); }
@inline export function remu(s: usize, pc: u64): u64 {
  const b = rs2v(s); const a = rs1v(s); wrd(s, b == 0 ? a : a % b); return next(s, pc);
}
@inline export function divw(s: usize, pc: u64): u64 { wrd(s, <u64><i64>div32(<i32>rs1v(s), <i32>rs2v(s))); return next(s, pc); }
@inline export function divuw(s: usize, pc: u64): u64 {
  const b = <u32>rs2v(s); wrd(s, sx32(b == 0 ? <u64>0xFFFF_FFFF : <u64>(<u32>rs1v(s) / b))); return next(s, pc);
}
@inline export function remw(s: usize, pc: u64): u64 { wrd(s, <u64><i64>rem32(<i32>rs1v(s), <i32>rs2v(s))); return next(s, pc); }
@inline export function remuw(s: usize, pc: u64): u64 {
  const b = <u32>rs2v(s); const a = <u32>rs1v(s); wrd(s, sx32(<u64>(b == 0 ? a : a % b))); return next(s, pc);
}
