// Fused multiply-add for binary64 and binary32: a*b + c with ONE rounding.
// The msub/nmsub/nmadd variants negate operands first, which is exact.

import { fflags, FLAG_NV, FLAG_NX, RM_RDN, RM_RNE } from "./flags";
import {
  F32_CANON_NAN, F32_SIGN, F64_CANON_NAN, F64_INF, F64_MANT, F64_SIGN,
  isNaN32, isNaN64, isSNaN32, isSNaN64, mulHi64,
} from "./bits";
import { roundPack64 } from "./round";
import { unpack64, unpackedExp } from "./soft64";
import { isSafeNormal64 } from "./f64";
import { narrowToF32, roundToOdd } from "./f32";

// ---------------------------------------------------------------- binary64

// Fast path: Boldo & Melquiond, "Emulation of FMA and correctly rounded sums:
// proved algorithms using rounding to odd" (IEEE TC 2008):
//   (uh, ul) = TwoProduct(a, b)     exact, Dekker/Veltkamp
//   (th, tl) = TwoSum(c, uh)        exact
//   v        = RO(tl + ul)          round-to-odd, emulated from RNE + TwoSum
//   result   = RN(th + v)           correctly rounded a*b + c
// Their proof assumes no underflow/overflow, so it only runs when exponents
// keep every intermediate far from both ends: |a|,|b| < 2^996 (the Veltkamp
// split multiplies by 2^27+1), E(a)+E(b) in [-900, 1020] and E(c) in
// [-900, 1021]. Then all quantities are multiples of 2^-1004 (never
// subnormal) and below 2^1023. The result itself must be a safe normal.
function fma64(a: u64, b: u64, c: u64, rm: u32): u64 {
  if (rm == RM_RNE) {
    let ea = <i32>(a >> 52) & 0x7ff, eb = <i32>(b >> 52) & 0x7ff, ec = <i32>(c >> 52) & 0x7ff;
    if (<u32>(ea - 1) < 2018 && <u32>(eb - 1) < 2018 &&
        <u32>(ea + eb - 1146) <= 1920 && <u32>(ec - 123) <= 1921) {
      let x = reinterpret<f64>(a), y = reinterpret<f64>(b), z = reinterpret<f64>(c);
      let uh = x * y;
      let cx = 134217729.0 * x, xh = cx - (cx - x), xl = x - xh;
      let cy = 134217729.0 * y, yh = cy - (cy - y), yl = y - yh;
      let ul = ((xh * yh - uh) + xh * yl + xl * yh) + xl * yl;
      let th = z + uh;
      let bb = th - z;
      let tl = (z - (th - bb)) + (uh - bb);
      let v = tl + ul;
      let bv = v - tl;
      let ev = (tl - (v - bv)) + (ul - bv);
      let inexact = ev != 0;
      if (inexact) v = roundToOdd(v, ev);
      let r = th + v;
      let rb = reinterpret<u64>(r);
      if (isSafeNormal64(rb)) {
        // If RO(tl+ul) was inexact then so is the whole sum: tl != 0 implies
        // |tl + ul| <= 2^-51 |th|, and an exact representable total would
        // make tl + ul = total - th representable (Sterbenz).
        if (inexact || r - th != v || r - v != th) fflags |= FLAG_NX;
        return rb;
      }
    }
  }
  return fma64Soft(a, b, c, rm);
}

// 128-bit intermediates live in module globals (no tuples, no heap).
let H: u64 = 0;
let L: u64 = 0;

// (H, L) >>= n, jamming lost bits into bit 0. n >= 1.
@inline function shr128Jam(hi: u64, lo: u64, n: i32): void {
  if (n < 64) {
    L = (lo >> n) | (hi << (64 - n)) | u64((lo << (64 - n)) != 0);
    H = hi >> n;
  } else if (n < 128) {
    let sticky = lo != 0 || (n > 64 && (hi << (128 - n)) != 0);
    L = (hi >> (n - 64)) | u64(sticky);
    H = 0;
  } else {
    L = u64((hi | lo) != 0);
    H = 0;
  }
}

// Exact software FMA for every input and rounding mode.
export function fma64Soft(a: u64, b: u64, c: u64, rm: u32): u64 {
  let ea = <i32>(a >> 52) & 0x7ff, eb = <i32>(b >> 52) & 0x7ff, ec = <i32>(c >> 52) & 0x7ff;
  let sp = (a ^ b) & F64_SIGN, sc = c & F64_SIGN;
  let aZero = (a << 1) == 0, bZero = (b << 1) == 0, cZero = (c << 1) == 0;
  if (ea == 0x7ff || eb == 0x7ff || ec == 0x7ff) {
    // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
    let infZero = (ea == 0x7ff && (a & F64_MANT) == 0 && bZero) ||
                  (eb == 0x7ff && (b & F64_MANT) == 0 && aZero);
    if (infZero || isNaN64(a) || isNaN64(b) || isNaN64(c)) {
      if (infZero || isSNaN64(a) || isSNaN64(b) || isSNaN64(c)) fflags |= FLAG_NV;
      return F64_CANON_NAN;
    }
    if (ea == 0x7ff || eb == 0x7ff) {
      if (ec == 0x7ff && sc != sp) { fflags |= FLAG_NV; return F64_CANON_NAN; } // inf - inf
      return sp | F64_INF;
    }
    return c; // finite product + inf
  }
  if (aZero || bZero) {
    if (cZero) return sp == sc ? sc : (rm == RM_RDN ? F64_SIGN : 0);
    return c; // exact zero product: c is returned unchanged
  }

  // Product P = ma*mb in [2^104, 2^106), normalized as a 128-bit value with
  // its leading one at bit 126; pe is the unbiased exponent of that bit.
  let ma = unpack64(a); ea = unpackedExp;
  let mb = unpack64(b); eb = unpackedExp;
  let x = ma << 10, y = mb << 11; // x*y = P << 21 in [2^125, 2^127)
  let phi = mulHi64(x, y), plo = x * y;
  let pe = ea + eb - 2046;
  if (phi < 0x4000000000000000) {
    phi = (phi << 1) | (plo >> 63);
    plo <<= 1;
  } else {
    pe++;
  }
  if (cZero) return roundPack64(sp, pe + 1023, phi | u64(plo != 0), rm);

  let mc = unpack64(c);
  let ce = unpackedExp - 1023;
  let chi = mc << 10, clo: u64 = 0; // leading one at bit 126 as well

  // Align to the larger exponent. Jamming is safe: the product's low 21 bits
  // and c's low 74 bits are zero, so bits are only lost when the exponents
  // differ so much that the result needs at most one normalizing shift.
  let e = pe;
  let d = pe - ce;
  if (d > 0) {
    shr128Jam(chi, clo, d); chi = H; clo = L;
  } else if (d < 0) {
    shr128Jam(phi, plo, -d); phi = H; plo = L;
    e = ce;
  }
  let hi: u64, lo: u64, sign: u64;
  if (sp == sc) {
    lo = plo + clo;
    hi = phi + chi + u64(lo < plo);
    if (hi >= 0x8000000000000000) {
      lo = (lo >> 1) | (hi << 63) | (lo & 1);
      hi >>= 1;
      e++;
    }
    sign = sp;
  } else {
    if (phi > chi || (phi == chi && plo >= clo)) {
      hi = phi - chi - u64(plo < clo);
      lo = plo - clo;
      sign = sp;
    } else {
      hi = chi - phi - u64(clo < plo);
      lo = clo - plo;
      sign = sc;
    }
    if ((hi | lo) == 0) return rm == RM_RDN ? F64_SIGN : 0; // exact cancellation
    let sh = (hi != 0 ? <i32>clz(hi) : 64 + <i32>clz(lo)) - 1;
    if (sh >= 64) {
      hi = lo << (sh - 64);
      lo = 0;
    } else if (sh > 0) {
      hi = (hi << sh) | (lo >> (64 - sh));
      lo <<= sh;
    }
    e -= sh;
  }
  return roundPack64(sign, e + 1023, hi | u64(lo != 0), rm);
}

export function f64_madd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fma64(a, b, c, rm);
}
export function f64_msub(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fma64(a, b, c ^ F64_SIGN, rm);
}
export function f64_nmsub(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fma64(a ^ F64_SIGN, b, c, rm);
}
export function f64_nmadd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fma64(a ^ F64_SIGN, b, c ^ F64_SIGN, rm);
}

// ---------------------------------------------------------------- binary32

// The 48-bit product of two binary32 values is exact in f64 (and never
// subnormal there). The sum with c is made exact-or-round-to-odd at 53 bits,
// and rounding that to 24 bits is correct in every mode (53 >= 24 + 2).
function fma32(a: u32, b: u32, c: u32, rm: u32): u32 {
  let x = <f64>reinterpret<f32>(a), y = <f64>reinterpret<f32>(b), z = <f64>reinterpret<f32>(c);
  let p = x * y;
  let s = p + z;
  if (s != s) {
    let infZero = (isInf32(a) && (b << 1) == 0) || (isInf32(b) && (a << 1) == 0);
    if (infZero || isSNaN32(a) || isSNaN32(b) || isSNaN32(c) ||
        !(isNaN32(a) || isNaN32(b) || isNaN32(c))) fflags |= FLAG_NV;
    return F32_CANON_NAN;
  }
  if (s == 0) {
    // Exact zero: native RNE gives +0 for opposite signs; RDN wants -0.
    if (rm == RM_RDN) return (<u32>(reinterpret<u64>(p) >> 32) | c) & F32_SIGN;
    return <u32>(reinterpret<u64>(s) >> 32);
  }
  if (abs<f64>(s) < Infinity && (s - p != z || s - z != p)) {
    let bb = s - p;
    s = roundToOdd(s, (p - (s - bb)) + (z - bb));
  }
  return narrowToF32(s, rm);
}

@inline function isInf32(a: u32): bool {
  return (a << 1) == 0xff000000;
}

export function f32_madd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return fma32(a, b, c, rm);
}
export function f32_msub(a: u32, b: u32, c: u32, rm: u32): u32 {
  return fma32(a, b, c ^ F32_SIGN, rm);
}
export function f32_nmsub(a: u32, b: u32, c: u32, rm: u32): u32 {
  return fma32(a ^ F32_SIGN, b, c, rm);
}
export function f32_nmadd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return fma32(a ^ F32_SIGN, b, c ^ F32_SIGN, rm);
}
