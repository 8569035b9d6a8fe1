// Exact integer implementations of binary64 add, mul, div and sqrt.
// These handle every input (specials, subnormals, all rounding modes) and are
// what the native fast paths in f64.ts fall back to.

import { fflags, FLAG_DZ, FLAG_NV, RM_RDN } from "./flags";
import {
  F64_CANON_NAN, F64_IMPLICIT, F64_INF, F64_MANT, F64_SIGN,
  isNaN64, isSNaN64, mulHi64, shiftRightJam64,
} from "./bits";
import { roundPack64 } from "./round";

// Second return value of unpack64 (module global: no heap, no tuples).
export let unpackedExp: i32 = 0;

// Finite nonzero binary64 -> significand with its leading one at bit 52;
// the biased exponent goes to `unpackedExp` (<= 0 for subnormals, so that
// value = sig * 2^(unpackedExp - 1075) always holds).
@inline export function unpack64(a: u64): u64 {
  let e = <i32>(a >> 52) & 0x7ff;
  let m = a & F64_MANT;
  if (e == 0) {
    let sh = <i32>clz(m) - 11;
    m <<= sh;
    e = 1 - sh;
  } else {
    m |= F64_IMPLICIT;
  }
  unpackedExp = e;
  return m;
}

// Canonical NaN result for an operation with at least one NaN operand.
@inline export function nanResult64(a: u64, b: u64): u64 {
  if (isSNaN64(a) || isSNaN64(b)) fflags |= FLAG_NV;
  return F64_CANON_NAN;
}

@inline function invalid64(): u64 {
  fflags |= FLAG_NV;
  return F64_CANON_NAN;
}

export function add64Soft(a: u64, b: u64, rm: u32): u64 {
  let ea = <i32>(a >> 52) & 0x7ff;
  let eb = <i32>(b >> 52) & 0x7ff;
  let sa = a & F64_SIGN, sb = b & F64_SIGN;
  if (ea == 0x7ff || eb == 0x7ff) {
    if (isNaN64(a) || isNaN64(b)) return nanResult64(a, b);
    if (ea == eb && sa != sb) return invalid64(); // inf - inf
    return ea == 0x7ff ? a : b;
  }
  if ((b << 1) == 0) {
    // x + 0 is exact; only 0 + 0 needs the IEEE sign rule
    // (opposite signs give +0, or -0 when rounding down).
    if ((a << 1) == 0) return sa == sb ? a : (rm == RM_RDN ? F64_SIGN : 0);
    return a;
  }
  if ((a << 1) == 0) return b;

  let ma = unpack64(a); ea = unpackedExp;
  let mb = unpack64(b); eb = unpackedExp;
  // Make A the larger magnitude so the difference below is never negative.
  if (ea < eb || (ea == eb && ma < mb)) {
    let t = ma; ma = mb; mb = t;
    let te = ea; ea = eb; eb = te;
    let ts = sa; sa = sb; sb = ts;
  }
  let sigA = ma << 10;
  // Jamming is safe even for subtraction: with 10 spare bits below the
  // mantissa the jammed bit stays far below the guard bit, and when bits are
  // lost (ea - eb >= 2) the difference needs at most one normalizing shift.
  let sigB = shiftRightJam64(mb << 10, ea - eb);
  if (sa == sb) {
    let s = sigA + sigB; // both < 2^63: no u64 overflow
    if (s >= 0x8000000000000000) {
      s = (s >> 1) | (s & 1);
      ea++;
    }
    return roundPack64(sa, ea, s, rm);
  }
  let d = sigA - sigB;
  if (d == 0) return rm == RM_RDN ? F64_SIGN : 0; // exact cancellation
  let sh = <i32>clz(d) - 1;
  return roundPack64(sa, ea - sh, d << sh, rm);
}

export function mul64Soft(a: u64, b: u64, rm: u32): u64 {
  let ea = <i32>(a >> 52) & 0x7ff;
  let eb = <i32>(b >> 52) & 0x7ff;
  let sign = (a ^ b) & F64_SIGN;
  let aZero = (a << 1) == 0, bZero = (b << 1) == 0;
  if (ea == 0x7ff || eb == 0x7ff) {
    if (isNaN64(a) || isNaN64(b)) return nanResult64(a, b);
    if (aZero || bZero) return invalid64(); // inf * 0
    return sign | F64_INF;
  }
  if (aZero || bZero) return sign;

  let ma = unpack64(a); ea = unpackedExp;
  let mb = unpack64(b); eb = unpackedExp;
  // (ma << 10) * (mb << 11) = P << 21 with P = ma*mb in [2^104, 2^106),
  // so the high word is in [2^61, 2^63).
  let x = ma << 10, y = mb << 11;
  let hi = mulHi64(x, y);
  let lo = x * y;
  let be = ea + eb - 1023;
  let sig: u64;
  if (hi < 0x4000000000000000) {
    sig = (hi << 1) | u64(lo != 0);
  } else {
    sig = hi | u64(lo != 0);
    be++;
  }
  return roundPack64(sign, be, sig, rm);
}

export function div64Soft(a: u64, b: u64, rm: u32): u64 {
  let ea = <i32>(a >> 52) & 0x7ff;
  let eb = <i32>(b >> 52) & 0x7ff;
  let sign = (a ^ b) & F64_SIGN;
  let aZero = (a << 1) == 0, bZero = (b << 1) == 0;
  if (ea == 0x7ff || eb == 0x7ff) {
    if (isNaN64(a) || isNaN64(b)) return nanResult64(a, b);
    if (ea == eb) return invalid64(); // inf / inf
    return ea == 0x7ff ? sign | F64_INF : sign; // inf / x, x / inf
  }
  if (bZero) {
    if (aZero) return invalid64(); // 0 / 0
    fflags |= FLAG_DZ;
    return sign | F64_INF;
  }
  if (aZero) return sign;

  let ma = unpack64(a); ea = unpackedExp;
  let mb = unpack64(b); eb = unpackedExp;
  if (ma < mb) { ma <<= 1; ea--; } // now ma/mb in [1, 2)
  // Q = floor(ma * 2^55 / mb) lies in [2^55, 2^56). Estimate it with one
  // native division (relative error <= 2^-53, i.e. |q - Q| <= 5), then fix
  // it up with the exact remainder. The remainder is tiny (< 6 * 2^53), so
  // computing it with wrapping 64-bit arithmetic gives its exact value even
  // though ma * 2^55 itself needs 109 bits.
  let q = <u64>(<f64>ma / <f64>mb * 36028797018963968.0);
  let r = <i64>((ma << 55) - q * mb);
  while (r < 0) { q--; r += <i64>mb; }
  while (r >= <i64>mb) { q++; r -= <i64>mb; }
  let sig = (q << 7) | u64(r != 0);
  return roundPack64(sign, ea - eb + 1023, sig, rm);
}

export function sqrt64Soft(a: u64, rm: u32): u64 {
  if (isNaN64(a)) return nanResult64(a, a);
  if ((a << 1) == 0) return a; // sqrt(-0) = -0
  if ((a & F64_SIGN) != 0) return invalid64();
  if (a == F64_INF) return a;

  let m = unpack64(a);
  let e = unpackedExp;
  // Make the unbiased exponent (e - 1075) even so it halves exactly.
  if ((e & 1) == 0) { m <<= 1; e--; }
  // S = floor(sqrt(m * 2^58)) in [2^55, 2^56): native sqrt gives it to
  // within a few units; the exact remainder (wrapping arithmetic, as in
  // div64Soft) corrects it and gives the sticky bit.
  let s = <u64>sqrt<f64>(<f64>m * 288230376151711744.0);
  let r = <i64>((m << 58) - s * s);
  while (r < 0) { s--; r += <i64>(2 * s + 1); }
  while (r > <i64>(2 * s)) { r -= <i64>(2 * s + 1); s++; }
  let sig = (s << 7) | u64(r != 0);
  return roundPack64(0, ((e - 1075) >> 1) + 1049, sig, rm);
}

