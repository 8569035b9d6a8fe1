// Conversions: float -> integer (RISC-V saturation rules), integer -> float,
// and binary32 <-> binary64.
//
// Float -> integer needs no software path: Wasm's nearest/trunc/floor/ceil
// are exact IEEE roundToIntegral operations, so the rounded value t is
// computed exactly in f64, NX is simply t != x, and the range check is done
// on t. Comparisons with NaN are false, so NaN falls into the invalid branch,
// where "x < 0" is false too and yields the largest positive result, as the
// RISC-V table requires. Out-of-range results raise NV only (no NX).

import { fflags, FLAG_NV, FLAG_NX, RM_RDN, RM_RNE, RM_RTZ, RM_RUP } from "./flags";
import { F64_CANON_NAN, isNaN32, isSNaN32, shiftRightJam64 } from "./bits";
import { roundPack32, roundPack64 } from "./round";
import { f64BitsToF32 } from "./f32";

// roundToIntegral with a RISC-V rounding mode.
@inline function roundToInt(x: f64, rm: u32): f64 {
  if (rm == RM_RNE) return nearest<f64>(x);
  if (rm == RM_RTZ) return trunc<f64>(x);
  if (rm == RM_RDN) return floor<f64>(x);
  if (rm == RM_RUP) return ceil<f64>(x);
  // RMM: x - trunc(x) is exact (it only keeps x's fraction bits).
  let t = trunc<f64>(x);
  if (abs<f64>(x - t) >= 0.5) t += copysign<f64>(1.0, x);
  return t;
}

@inline function toI32(x: f64, rm: u32): i64 {
  let t = roundToInt(x, rm);
  if (t >= -2147483648.0 && t <= 2147483647.0) {
    if (t != x) fflags |= FLAG_NX;
    return <i64><i32>t;
  }
  fflags |= FLAG_NV;
  return x < 0 ? -2147483648 : 2147483647;
}

// fcvt.wu: the 32-bit result is sign-extended into the 64-bit register.
@inline function toU32(x: f64, rm: u32): i64 {
  let t = roundToInt(x, rm);
  if (t >= 0.0 && t <= 4294967295.0) { // -0.0 >= 0.0 holds: -0.4 -> 0 is fine
    if (t != x) fflags |= FLAG_NX;
    return <i64><i32><u32>t;
  }
  fflags |= FLAG_NV;
  return x < 0 ? 0 : -1;
}

@inline function toI64(x: f64, rm: u32): i64 {
  let t = roundToInt(x, rm);
  if (t >= -9223372036854775808.0 && t < 9223372036854775808.0) {
    if (t != x) fflags |= FLAG_NX;
    return <i64>t;
  }
  fflags |= FLAG_NV;
  return x < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
}

@inline function toU64(x: f64, rm: u32): i64 {
  let t = roundToInt(x, rm);
  if (t >= 0.0 && t < 18446744073709551616.0) {
    if (t != x) fflags |= FLAG_NX;
    return <i64><u64>t;
  }
  fflags |= FLAG_NV;
  return x < 0 ? 0 : -1;
}

export function f64_to_i32(a: u64, rm: u32): i64 { return toI32(reinterpret<f64>(a), rm); }
export function f64_to_u32(a: u64, rm: u32): i64 { return toU32(reinterpret<f64>(a), rm); }
export function f64_to_i64(a: u64, rm: u32): i64 { return toI64(reinterpret<f64>(a), rm); }
export function f64_to_u64(a: u64, rm: u32): i64 { return toU64(reinterpret<f64>(a), rm); }

// binary32 -> f64 is exact (a NaN stays a NaN, which is all that matters here).
export function f32_to_i32(a: u32, rm: u32): i64 { return toI32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u32(a: u32, rm: u32): i64 { return toU32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_i64(a: u32, rm: u32): i64 { return toI64(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u64(a: u32, rm: u32): i64 { return toU64(<f64>reinterpret<f32>(a), rm); }

// ---------------------------------------------------------------- int -> float

// Nonzero magnitude -> sig with its leading one at bit 62 (the last bit
// jammed), plus the exponent of that leading one in `magExp`.
let magExp: i32 = 0;
@inline function normMag(mag: u64): u64 {
  let lz = <i32>clz(mag);
  magExp = 63 - lz;
  return shiftRightJam64(mag << lz, 1);
}

function magToF64(sign: u64, mag: u64, rm: u32): u64 {
  let sig = normMag(mag);
  return roundPack64(sign, magExp + 1023, sig, rm);
}
function magToF32(sign: u32, mag: u64, rm: u32): u32 {
  let sig = normMag(mag);
  return roundPack32(sign, magExp + 127, sig, rm);
}

// Bits of a magnitude that do not fit in a 53-bit (binary64) or 24-bit
// (binary32) significand; zero means the conversion is exact. (clz(0) is 64
// and Wasm shifts count mod 64, so 0 yields 0 too.)
@inline function lost64(mag: u64): u64 { return (mag << clz(mag)) & 0x7ff; }
@inline function lost32(mag: u64): u64 { return (mag << clz(mag)) & 0xffffffffff; }

// Native signed int -> float conversions are correctly rounded (RNE), so
// they serve exact conversions and RNE. Unsigned 64-bit values with the top
// bit set use software only: hardware/engine support for that case varies.
export function i32_to_f64(a: i32, rm: u32): u64 { return reinterpret<u64>(<f64>a); }
export function u32_to_f64(a: u32, rm: u32): u64 { return reinterpret<u64>(<f64>a); }

export function i64_to_f64(a: i64, rm: u32): u64 {
  // -a wraps for i64.MIN_VALUE, which as u64 is the right magnitude 2^63.
  let mag = a < 0 ? <u64>-a : <u64>a;
  if (lost64(mag) == 0) return reinterpret<u64>(<f64>a);
  if (rm == RM_RNE) { fflags |= FLAG_NX; return reinterpret<u64>(<f64>a); }
  return magToF64(a < 0 ? 0x8000000000000000 : 0, mag, rm);
}

export function u64_to_f64(a: u64, rm: u32): u64 {
  if (<i64>a >= 0) return i64_to_f64(<i64>a, rm);
  return magToF64(0, a, rm);
}

export function i32_to_f32(a: i32, rm: u32): u32 {
  let mag = a < 0 ? <u64>(-<i64>a) : <u64>a;
  if (lost32(mag) == 0) return reinterpret<u32>(<f32>a);
  if (rm == RM_RNE) { fflags |= FLAG_NX; return reinterpret<u32>(<f32>a); }
  return magToF32(a < 0 ? 0x80000000 : 0, mag, rm);
}

export function u32_to_f32(a: u32, rm: u32): u32 {
  return i64_to_f32(<i64>a, rm);
}

export function i64_to_f32(a: i64, rm: u32): u32 {
  let mag = a < 0 ? <u64>-a : <u64>a;
  if (lost32(mag) == 0) return reinterpret<u32>(<f32>a);
  if (rm == RM_RNE) { fflags |= FLAG_NX; return reinterpret<u32>(<f32>a); }
  return magToF32(a < 0 ? 0x80000000 : 0, mag, rm);
}

export function u64_to_f32(a: u64, rm: u32): u32 {
  if (<i64>a >= 0) return i64_to_f32(<i64>a, rm);
  return magToF32(0, a, rm);
}

// ---------------------------------------------------------------- f32 <-> f64

export function f32_to_f64(a: u32): u64 {
  if (isNaN32(a)) {
    if (isSNaN32(a)) fflags |= FLAG_NV;
    return F64_CANON_NAN;
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(a)); // exact
}

export function f64_to_f32(a: u64, rm: u32): u32 {
  if (rm == RM_RNE) {
    let x = reinterpret<f64>(a);
    let r = <f32>x;
    let rb = reinterpret<u32>(r);
    // Safe normal result (see f64.ts): hardware demotion is the answer.
    if ((rb & 0x7fffffff) - 0x00800001 < 0x7f800000 - 0x00800001) {
      if (<f64>r != x) fflags |= FLAG_NX;
      return rb;
    }
  }
  return f64BitsToF32(a, rm);
}
