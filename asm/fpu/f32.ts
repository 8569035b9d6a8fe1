// binary32 add/sub/mul/div/sqrt, computed with binary64 hardware.
//
// binary32 operands are exact in f64. The f64 result is then either exact
// (mul always; add unless exponents are far apart) or is forced to be
// "round-to-odd" at 53 bits, or (div, sqrt) provably cannot land on a
// binary32 rounding boundary. In each case rounding that f64 to 24 bits
// (any mode, subnormals, tininess after rounding) gives exactly what a
// single correct rounding of the exact result gives, because 53 >= 2*24 + 2.
// narrowToF32 performs that final rounding: with hardware f64->f32 demotion
// when rm == RNE and the result is a safe normal, else in software.

import { fflags, FLAG_DZ, FLAG_NV, FLAG_NX, RM_RDN, RM_RNE } from "./flags";
import {
  F32_ABS, F32_CANON_NAN, F32_INF, F32_MIN_NORMAL, F32_SIGN, F64_MANT,
  isNaN32, isSNaN32, isSNaN64,
} from "./bits";
import { roundPack32 } from "./round";

// Nudge a round-to-nearest result s (with nonzero exact error err = exact - s)
// to round-to-odd: if s is even, the exact value lies strictly between s and
// its neighbour in err's direction, and that neighbour is odd.
@inline export function roundToOdd(s: f64, err: f64): f64 {
  let sb = reinterpret<u64>(s);
  if ((sb & 1) == 0) {
    sb += ((sb ^ reinterpret<u64>(err)) >> 63) == 0 ? <u64>1 : <u64>-1;
  }
  return reinterpret<f64>(sb);
}

// Round binary64 bits to binary32 with rm, entirely in integer arithmetic.
export function f64BitsToF32(a: u64, rm: u32): u32 {
  let sign = <u32>(a >> 32) & F32_SIGN;
  let e = <i32>(a >> 52) & 0x7ff;
  let m = a & F64_MANT;
  if (e == 0x7ff) {
    if (m != 0) {
      if (isSNaN64(a)) fflags |= FLAG_NV;
      return F32_CANON_NAN;
    }
    return sign | F32_INF;
  }
  if (e == 0) {
    if (m == 0) return sign;
    let sh = <i32>clz(m) - 11;
    m <<= sh;
    e = 1 - sh;
  } else {
    m |= 0x0010000000000000;
  }
  // value = (m << 10) * 2^(e - 1085); binary32 bias 127 vs 1023 -> be = e - 896.
  return roundPack32(sign, e - 896, m << 10, rm);
}

// Final rounding of an f64 intermediate (exact or round-to-odd) to binary32.
@inline export function narrowToF32(s: f64, rm: u32): u32 {
  if (rm == RM_RNE) {
    let r = <f32>s;
    let rb = reinterpret<u32>(r);
    if ((rb & F32_ABS) - (F32_MIN_NORMAL + 1) < F32_INF - (F32_MIN_NORMAL + 1)) {
      if (<f64>r != s) fflags |= FLAG_NX;
      return rb;
    }
  }
  return f64BitsToF32(reinterpret<u64>(s), rm);
}

// NaN result of a binary32 op: NV if an input was signaling, or if no input
// was a NaN at all (the operation itself was invalid, e.g. inf - inf).
@inline function nanResult32(a: u32, b: u32): u32 {
  if (isSNaN32(a) || isSNaN32(b) || !(isNaN32(a) || isNaN32(b))) fflags |= FLAG_NV;
  return F32_CANON_NAN;
}

export function f32_add(a: u32, b: u32, rm: u32): u32 {
  let x = <f64>reinterpret<f32>(a), y = <f64>reinterpret<f32>(b);
  let s = x + y;
  if (s != s) return nanResult32(a, b);
  if (s == 0) {
    // Exact zero. Native RNE already applies the IEEE sign rule except for
    // RDN, where opposite signs (or -0 + +0) give -0.
    if (rm == RM_RDN) return (a | b) & F32_SIGN;
    return <u32>(reinterpret<u64>(s) >> 32);
  }
  // Inexact only when exponents differ by more than ~29; see f64_add for the
  // exactness test. Then TwoSum gives the error and we round to odd.
  if (abs<f64>(s) < Infinity && (s - x != y || s - y != x)) {
    let bb = s - x;
    s = roundToOdd(s, (x - (s - bb)) + (y - bb));
  }
  return narrowToF32(s, rm);
}

export function f32_sub(a: u32, b: u32, rm: u32): u32 {
  return f32_add(a, b ^ F32_SIGN, rm);
}

export function f32_mul(a: u32, b: u32, rm: u32): u32 {
  let p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b); // exact
  if (p != p) return nanResult32(a, b);
  return narrowToF32(p, rm);
}

export function f32_div(a: u32, b: u32, rm: u32): u32 {
  let q = <f64>reinterpret<f32>(a) / <f64>reinterpret<f32>(b);
  if (q != q) return nanResult32(a, b);
  // finite nonzero / zero
  if ((b << 1) == 0 && (a & F32_ABS) < F32_INF && (a << 1) != 0) fflags |= FLAG_DZ;
  // If a/b is not exact it has an infinite binary expansion, and it stays
  // more than 2^-49 relative away from every number of <= 25 bits, i.e. from
  // every binary32 rounding boundary, while the f64 quotient is within
  // 2^-53. So rounding the f64 quotient again is correct (and inexact).
  return narrowToF32(q, rm);
}

export function f32_sqrt(a: u32, rm: u32): u32 {
  let r = sqrt<f64>(<f64>reinterpret<f32>(a));
  if (r != r) return nanResult32(a, a);
  // Same argument as division: an inexact root is far from any 25-bit number.
  return narrowToF32(r, rm);
}
