// Register-file access by the byte offsets stored in decoded slots (decode.ts). The constant base
// becomes the load/store's immediate offset, so a register read is one Wasm instruction.
import { XREGS } from '../state';
import { slotRd, slotRs1, slotRs2, slotImm, slotLen } from '../decode';

@inline export function X(off: usize): u64 { return load<u64>(off, XREGS); }
@inline export function W(off: usize, v: u64): void { store<u64>(off, v, XREGS); }
@inline export function rs1v(s: usize): u64 { return X(slotRs1(s)); }
@inline export function rs2v(s: usize): u64 { return X(slotRs2(s)); }
@inline export function wrd(s: usize, v: u64): void { W(slotRd(s), v); }
@inline export function imm(s: usize): u64 { return <u64>slotImm(s); }
@inline export function next(s: usize, pc: u64): u64 { return pc + slotLen(s); }
/** Sign-extend the low 32 bits (the W instructions' result rule). */
@inline export function sx32(v: u64): u64 { return <u64><i64><i32>v; }
