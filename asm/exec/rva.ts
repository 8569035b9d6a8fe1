// A: load-reserved / store-conditional and AMOs (unprivileged spec ch. 8), done with Wasm atomics
// on the shared memory so they stay atomic once several harts share it.
import { rs1v, rs2v, wrd, next, sx32 } from './regs';
import { atomicHost } from '../memory';
import { takeTrapPc } from '../cpu';
import { get64, set64, O_RESERVATION } from '../state';
import { markDirty } from '../dirty';

// LR remembers the address and the value seen; SC succeeds if the reservation is ours and memory
// still holds that value (compare-and-swap).
let reservedValue: u64 = 0;

@inline export function lrW(s: usize, pc: u64): u64 {
  const h = atomicHost(rs1v(s), 4, true, pc); if (!h) return takeTrapPc();
  const v = <u64>atomic.load<u32>(h);
  set64(O_RESERVATION, <u64>h); reservedValue = v;
  wrd(s, sx32(v)); return next(s, pc);
}
@inline export function lrD(s: usize, pc: u64): u64 {
  const h = atomicHost(rs1v(s), 8, true, pc); if (!h) return takeTrapPc();
  const v = atomic.load<u64>(h);
  set64(O_RESERVATION, <u64>h); reservedValue = v;
  wrd(s, v); return next(s, pc);
}
@inline export function scW(s: usize, pc: u64): u64 {
  const h = atomicHost(rs1v(s), 4, false, pc); if (!h) return takeTrapPc();
  let ok = false;
  if (get64(O_RESERVATION) == <u64>h) {
    ok = <u64>atomic.cmpxchg<u32>(h, <u32>reservedValue, <u32>rs2v(s)) == (reservedValue & 0xFFFF_FFFF);
  }
  set64(O_RESERVATION, <u64>-1);
  wrd(s, ok ? 0 : 1); return next(s, pc);
}
@inline export function scD(s: usize, pc: u64): u64 {
  const h = atomicHost(rs1v(s), 8, false, pc); if (!h) return takeTrapPc();
  let ok = false;
  if (get64(O_RESERVATION) == <u64>h) ok = atomic.cmpxchg<u64>(h, reservedValue, rs2v(s)) == reservedValue;
  set64(O_RESERVATION, <u64>-1);
  wrd(s, ok ? 0 : 1); return next(s, pc);
}

// AMO kinds, in the order of ops.ts (SWAP, ADD, XOR, AND, OR, MIN, MAX, MINU, MAXU).
export function amoW(s: usize, pc: u64, kind: u32): u64 {
  const h = atomicHost(rs1v(s), 4, false, pc); if (!h) return takeTrapPc();
  const b = <u32>rs2v(s);
  let old: u32;
  switch (kind) {
    case 0: old = atomic.xchg<u32>(h, b); break;
    case 1: old = atomic.add<u32>(h, b); break;
    case 2: old = atomic.xor<u32>(h, b); break;
    case 3: old = atomic.and<u32>(h, b); break;
    case 4: old = atomic.or<u32>(h, b); break;
    default: {
      // min/max have no Wasm atomic: compare-and-swap until nobody else changed it.
      old = atomic.load<u32>(h);
      while (true) {
        let nv: u32;
        if (kind == 5) nv = <i32>old < <i32>b ? old : b;
        else if (kind == 6) nv = <i32>old > <i32>b ? old : b;
        else if (kind == 7) nv = old < b ? old : b;
        else nv = old > b ? old : b;
        const seen = atomic.cmpxchg<u32>(h, old, nv);
        if (seen == old) break;
        old = seen;
      }
    }
  }
  markDirty(h);
  wrd(s, sx32(<u64>old)); return next(s, pc);
}
export function amoD(s: usize, pc: u64, kind: u32): u64 {
  const h = atomicHost(rs1v(s), 8, false, pc); if (!h) return takeTrapPc();
  const b = rs2v(s);
  let old: u64;
  switch (kind) {
    case 0: old = atomic.xchg<u64>(h, b); break;
    case 1: old = atomic.add<u64>(h, b); break;
    case 2: old = atomic.xor<u64>(h, b); break;
    case 3: old = atomic.and<u64>(h, b); break;
    case 4: old = atomic.or<u64>(h, b); break;
    default: {
      old = atomic.load<u64>(h);
      while (true) {
        let nv: u64;
        if (kind == 5) nv = <i64>old < <i64>b ? old : b;
        else if (kind == 6) nv = <i64>old > <i64>b ? old : b;
        else if (kind == 7) nv = old < b ? old : b;
        else nv = old > b ? old : b;
        const seen = atomic.cmpxchg<u64>(h, old, nv);
        if (seen == old) break;
        old = seen;
      }
    }
  }
  markDirty(h);
  wrd(s, old); return next(s, pc);
}
