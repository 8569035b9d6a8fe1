// binary64 add/sub/mul/div/sqrt.
//
// Fast path (rm == RNE): Wasm f64 arithmetic is IEEE round-to-nearest-even,
// so its result is already the right answer whenever the result is a normal
// number strictly above the smallest normal (no overflow, and no underflow
// flag can apply: an exact result above 2^-1022 by more than half an ulp is
// not tiny even after rounding). Only the inexact flag must be derived, with
// an exact test that the operation lost no bits. Everything else (other
// rounding modes, specials, subnormal/overflowing results) goes to soft64.ts.

import { fflags, FLAG_NX, RM_RNE } from "./flags";
import { F64_ABS, F64_IMPLICIT, F64_INF, F64_MANT, F64_MIN_NORMAL, F64_SIGN } from "./bits";
import { add64Soft, div64Soft, mul64Soft, sqrt64Soft } from "./soft64";

// True when |bits| is a finite normal strictly greater than the smallest normal.
@inline export function isSafeNormal64(bits: u64): bool {
  return (bits & F64_ABS) - (F64_MIN_NORMAL + 1) < F64_INF - (F64_MIN_NORMAL + 1);
}

export function f64_add(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
    let s = x + y;
    let sb = reinterpret<u64>(s);
    if (isSafeNormal64(sb)) {
      // Exactness test (Fast2Sum argument): if |x| >= |y| then s - x is
      // computed exactly and equals y iff s == x + y exactly; symmetrically
      // for |y| >= |x|. Requiring both is thus equivalent to exactness and
      // needs no comparison of magnitudes. An intermediate can only overflow
      // when the sum was already inexact, which still reports NX correctly.
      if (s - x != y || s - y != x) fflags |= FLAG_NX;
      return sb;
    }
  }
  return add64Soft(a, b, rm);
}

export function f64_sub(a: u64, b: u64, rm: u32): u64 {
  // Negating b is exact; a NaN's sign does not matter (results are canonical).
  return f64_add(a, b ^ F64_SIGN, rm);
}

export function f64_mul(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    let p = reinterpret<f64>(a) * reinterpret<f64>(b);
    let pb = reinterpret<u64>(p);
    let ea = <i32>(a >> 52) & 0x7ff, eb = <i32>(b >> 52) & 0x7ff;
    if (isSafeNormal64(pb) && ea != 0 && eb != 0) {
      // ma*mb is a 105/106-bit integer P; the product is exact iff the low
      // k bits that rounding drops are zero, and the low 64 bits of P are
      // just the wrapping u64 product. k = 52 + (1 if P >= 2^105), read off
      // the result exponent. If rounding carried into a new binade k comes
      // out one too large, but then P was inexact and its low k bits are not
      // all zero either, so the verdict stays right.
      let ma = (a & F64_MANT) | F64_IMPLICIT, mb = (b & F64_MANT) | F64_IMPLICIT;
      let k = 52 + (<i32>(pb >> 52) & 0x7ff) - (ea + eb - 1023);
      if (((ma * mb) & ((<u64>1 << k) - 1)) != 0) fflags |= FLAG_NX;
      return pb;
    }
  }
  return mul64Soft(a, b, rm);
}

export function f64_div(a: u64, b: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    let q = reinterpret<f64>(a) / reinterpret<f64>(b);
    let qb = reinterpret<u64>(q);
    let ea = <i32>(a >> 52) & 0x7ff, eb = <i32>(b >> 52) & 0x7ff;
    if (isSafeNormal64(qb) && ea != 0 && eb != 0) {
      // q is exact iff mq*mb == ma*2^k with k = ea - eb - eq + 1075, and an
      // exact product of two 53-bit significands forces k into {52, 53}.
      // |mq*mb - ma*2^k| < mb/2 < 2^52 (q is within half an ulp), so
      // equality modulo 2^64 (wrapping products) is exact equality.
      let ma = (a & F64_MANT) | F64_IMPLICIT, mb = (b & F64_MANT) | F64_IMPLICIT;
      let mq = (qb & F64_MANT) | F64_IMPLICIT;
      let k = ea - eb - (<i32>(qb >> 52) & 0x7ff) + 1075;
      if (<u32>(k - 52) > 1 || mq * mb != ma << k) fflags |= FLAG_NX;
      return qb;
    }
  }
  return div64Soft(a, b, rm);
}

export function f64_sqrt(a: u64, rm: u32): u64 {
  let ea = <i32>(a >> 52) & 0x7ff;
  // Positive normal input: the root is always a safe normal.
  if (rm == RM_RNE && <u32>(ea - 1) < 0x7fe && (a & F64_SIGN) == 0) {
    let r = sqrt<f64>(reinterpret<f64>(a));
    let rb = reinterpret<u64>(r);
    // Same idea as division: exact iff mr^2 == ma*2^k, k in {52, 53}, and
    // |mr^2 - ma*2^k| <= (mr + sqrt(ma*2^k))/2 < 2^54, far below 2^64.
    let ma = (a & F64_MANT) | F64_IMPLICIT;
    let mr = (rb & F64_MANT) | F64_IMPLICIT;
    let k = ea - 2 * (<i32>(rb >> 52) & 0x7ff) + 1075;
    if (<u32>(k - 52) > 1 || mr * mr != ma << k) fflags |= FLAG_NX;
    return rb;
  }
  return sqrt64Soft(a, rm);
}
