// Final rounding + packing shared by every software path.
//
// Intermediate format: a value is (-1)^sign * sig * 2^(be - bias - 62) where
// `sig` is a u64 with its leading one at bit 62 and `be` is the biased exponent
// the result would have if it were normal. Bits below the target precision are
// round/sticky bits; any bit shifted away earlier must have been OR-ed into
// bit 0 ("jammed") so that "nonzero below the guard bit" stays visible.
//
// Packing trick: the rounded significand keeps its implicit bit at the
// position of the exponent's lsb, so `((be - 1) << MANT) + sig` adds that bit
// into the exponent. A rounding carry out of the significand (1.11..1 -> 10.0)
// and a subnormal rounding up to the smallest normal both propagate into the
// exponent field for free.

import { fflags, FLAG_NX, FLAG_OF, FLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ } from "./flags";
import { shiftRightJam64 } from "./bits";

// What to add to sig before truncating the low `shift` bits.
@inline function roundIncrement(rm: u32, neg: bool, half: u64, mask: u64): u64 {
  if (rm == RM_RNE || rm == RM_RMM) return half;
  if (rm == RM_RTZ) return 0;
  if (rm == RM_RDN) return neg ? mask : 0;
  return neg ? 0 : mask; // RUP
}

// Returns the magnitude bits (no sign); ORs NX/UF/OF into fflags.
// SHIFT = 62 - mantissa bits, MAXBE = largest biased exponent of a finite value.
@inline function roundPackMag(
  neg: bool, be: i32, sig: u64, rm: u32,
  SHIFT: i32, MAXBE: i32, MANTBITS: i32, MAXFINITE: u64, INF: u64,
): u64 {
  const mask: u64 = (<u64>1 << SHIFT) - 1;
  const half: u64 = <u64>1 << (SHIFT - 1);
  let inc = roundIncrement(rm, neg, half, mask);
  let flags: u32 = 0;
  if (<u32>(be - 1) >= <u32>(MAXBE - 1)) { // be <= 0 || be >= MAXBE
    if (be <= 0) {
      // RISC-V detects tininess AFTER rounding: the value is tiny unless
      // rounding it to full precision with an unbounded exponent would carry
      // it up to the smallest normal (only possible when be == 0).
      let tiny = be < 0 || sig + inc < 0x8000000000000000;
      sig = shiftRightJam64(sig, 1 - be);
      be = 1;
      if (tiny && (sig & mask) != 0) flags = FLAG_UF;
    } else if (be > MAXBE || sig + inc >= 0x8000000000000000) {
      fflags |= FLAG_OF | FLAG_NX;
      // A zero increment means this mode rounds toward zero for this sign,
      // and IEEE then saturates at the largest finite value instead of inf.
      return inc == 0 ? MAXFINITE : INF;
    }
  }
  let rbits = sig & mask;
  if (rbits != 0) flags |= FLAG_NX;
  fflags |= flags;
  sig = (sig + inc) >> SHIFT;
  // Exact tie under RNE: we rounded up; clearing the lsb picks the even one.
  if (rm == RM_RNE && rbits == half) sig &= ~(<u64>1);
  return (<u64>(be - 1) << MANTBITS) + sig;
}

// sign: 0 or 0x8000000000000000.
export function roundPack64(sign: u64, be: i32, sig: u64, rm: u32): u64 {
  return sign | roundPackMag(sign != 0, be, sig, rm, 10, 0x7fe, 52, 0x7fefffffffffffff, 0x7ff0000000000000);
}

// sign: 0 or 0x80000000. Same 64-bit sig convention (leading one at bit 62).
export function roundPack32(sign: u32, be: i32, sig: u64, rm: u32): u32 {
  return sign | <u32>roundPackMag(sign != 0, be, sig, rm, 39, 0xfe, 23, 0x7f7fffff, 0x7f800000);
}
