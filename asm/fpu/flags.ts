// Accrued IEEE-754 exception flags, laid out exactly like the RISC-V fflags CSR
// so the core can read/write this variable directly as the CSR value.
// Every operation in this library only ever ORs bits in; clearing is the
// core's job (a write to fflags/fcsr).

export const FLAG_NX: u32 = 1; // inexact
export const FLAG_UF: u32 = 2; // underflow (tiny after rounding AND inexact)
export const FLAG_OF: u32 = 4; // overflow
export const FLAG_DZ: u32 = 8; // divide by zero
export const FLAG_NV: u32 = 16; // invalid operation

export let fflags: u32 = 0;

// RISC-V rounding modes (the frm encoding). Callers resolve DYN (7) first.
export const RM_RNE: u32 = 0; // to nearest, ties to even
export const RM_RTZ: u32 = 1; // toward zero
export const RM_RDN: u32 = 2; // toward -inf
export const RM_RUP: u32 = 3; // toward +inf
export const RM_RMM: u32 = 4; // to nearest, ties away from zero

// Accessors for callers that prefer functions over importing the mutable global.
@inline export function getFflags(): u32 {
  return fflags;
}
@inline export function setFflags(v: u32): void {
  fflags = v & 0x1f;
}
