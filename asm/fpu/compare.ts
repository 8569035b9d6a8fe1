// min/max (RISC-V >= 2.2: IEEE 754-2019 minimumNumber/maximumNumber),
// quiet eq, signaling lt/le, and fclass. None of these round.

import { fflags, FLAG_NV } from "./flags";
import {
  F32_CANON_NAN, F32_QUIET, F64_CANON_NAN, F64_QUIET,
  isNaN32, isNaN64, isSNaN32, isSNaN64,
} from "./bits";

// ---------------------------------------------------------------- binary64

export function f64_min(a: u64, b: u64): u64 {
  let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x < y) return a;
  if (y < x) return b;
  // Equal values differ in bits only for +0/-0: OR selects -0.
  if (x == y) return a | b;
  return minMaxNaN64(a, b);
}

export function f64_max(a: u64, b: u64): u64 {
  let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x > y) return a;
  if (y > x) return b;
  if (x == y) return a & b; // AND selects +0
  return minMaxNaN64(a, b);
}

// At least one NaN: a lone NaN is ignored, two NaNs give the canonical NaN.
function minMaxNaN64(a: u64, b: u64): u64 {
  if (isSNaN64(a) || isSNaN64(b)) fflags |= FLAG_NV;
  if (isNaN64(a)) return isNaN64(b) ? F64_CANON_NAN : b;
  return a;
}

export function f64_eq(a: u64, b: u64): u32 {
  let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x == y) return 1;
  if (isSNaN64(a) || isSNaN64(b)) fflags |= FLAG_NV; // quiet compare
  return 0;
}

export function f64_lt(a: u64, b: u64): u32 {
  let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x < y) return 1;
  if (x != x || y != y) fflags |= FLAG_NV; // signaling compare
  return 0;
}

export function f64_le(a: u64, b: u64): u32 {
  let x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x <= y) return 1;
  if (x != x || y != y) fflags |= FLAG_NV;
  return 0;
}

// fclass bits: 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
// 6 +normal, 7 +inf, 8 sNaN, 9 qNaN.
export function f64_classify(a: u64): u32 {
  let neg = (a >> 63) != 0;
  let e = <u32>(a >> 52) & 0x7ff;
  let m = a & 0x000fffffffffffff;
  if (e == 0x7ff) {
    if (m == 0) return neg ? 1 << 0 : 1 << 7;
    return (m & F64_QUIET) != 0 ? 1 << 9 : 1 << 8;
  }
  if (e == 0) {
    if (m == 0) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

// ---------------------------------------------------------------- binary32

export function f32_min(a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x < y) return a;
  if (y < x) return b;
  if (x == y) return a | b;
  return minMaxNaN32(a, b);
}

export function f32_max(a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x > y) return a;
  if (y > x) return b;
  if (x == y) return a & b;
  return minMaxNaN32(a, b);
}

function minMaxNaN32(a: u32, b: u32): u32 {
  if (isSNaN32(a) || isSNaN32(b)) fflags |= FLAG_NV;
  if (isNaN32(a)) return isNaN32(b) ? F32_CANON_NAN : b;
  return a;
}

export function f32_eq(a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x == y) return 1;
  if (isSNaN32(a) || isSNaN32(b)) fflags |= FLAG_NV;
  return 0;
}

export function f32_lt(a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x < y) return 1;
  if (x != x || y != y) fflags |= FLAG_NV;
  return 0;
}

export function f32_le(a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x <= y) return 1;
  if (x != x || y != y) fflags |= FLAG_NV;
  return 0;
}

export function f32_classify(a: u32): u32 {
  let neg = (a >> 31) != 0;
  let e = (a >> 23) & 0xff;
  let m = a & 0x007fffff;
  if (e == 0xff) {
    if (m == 0) return neg ? 1 << 0 : 1 << 7;
    return (m & F32_QUIET) != 0 ? 1 << 9 : 1 << 8;
  }
  if (e == 0) {
    if (m == 0) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}
