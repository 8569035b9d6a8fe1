// Bit-level constants and small integer helpers shared by the FPU library.

// ---- binary64 ----
export const F64_SIGN: u64 = 0x8000000000000000;
export const F64_ABS: u64 = 0x7fffffffffffffff;
export const F64_MANT: u64 = 0x000fffffffffffff;
export const F64_IMPLICIT: u64 = 0x0010000000000000;
export const F64_INF: u64 = 0x7ff0000000000000;
export const F64_QUIET: u64 = 0x0008000000000000;
export const F64_CANON_NAN: u64 = 0x7ff8000000000000;
export const F64_MIN_NORMAL: u64 = 0x0010000000000000;
export const F64_MAX_FINITE: u64 = 0x7fefffffffffffff;

// ---- binary32 ----
export const F32_SIGN: u32 = 0x80000000;
export const F32_ABS: u32 = 0x7fffffff;
export const F32_MANT: u32 = 0x007fffff;
export const F32_INF: u32 = 0x7f800000;
export const F32_QUIET: u32 = 0x00400000;
export const F32_CANON_NAN: u32 = 0x7fc00000;
export const F32_MIN_NORMAL: u32 = 0x00800000;

@inline export function isNaN64(a: u64): bool {
  return (a & F64_ABS) > F64_INF;
}
@inline export function isSNaN64(a: u64): bool {
  // NaN with the quiet bit clear: exponent all ones, bit 51 clear, payload != 0.
  return (a & 0x7ff8000000000000) == 0x7ff0000000000000 && (a & 0x0007ffffffffffff) != 0;
}
@inline export function isNaN32(a: u32): bool {
  return (a & F32_ABS) > F32_INF;
}
@inline export function isSNaN32(a: u32): bool {
  return (a & 0x7fc00000) == 0x7f800000 && (a & 0x003fffff) != 0;
}

// Shift right by n, OR-ing every bit shifted out into bit 0 ("sticky").
// Any n >= 0 is accepted; n >= 64 collapses x to its sticky bit.
@inline export function shiftRightJam64(x: u64, n: i32): u64 {
  if (n < 64) {
    // (1 << n) - 1 is 0 for n == 0, so no special case is needed there.
    return (x >> n) | u64((x & ((<u64>1 << n) - 1)) != 0);
  }
  return u64(x != 0);
}

// High 64 bits of the 128-bit product a*b. Wasm has no 64x64->128 multiply, so
// build it from four 32x32->64 partial products; the low half is just a*b.
@inline export function mulHi64(a: u64, b: u64): u64 {
  let a0 = a & 0xffffffff, a1 = a >> 32;
  let b0 = b & 0xffffffff, b1 = b >> 32;
  let p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // Sum of three values < 2^32 each: cannot overflow 64 bits.
  let mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
