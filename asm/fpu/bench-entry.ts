// Wasm entry for tests/fpu/bench.mjs. It lives here rather than in tests/
// because it is AssemblyScript and tests/**/*.ts is type-checked as plain
// TypeScript. Each function runs one FPU operation over operand arrays that
// the host placed in linear memory, `reps` times, XOR-folding the results so
// the work cannot be optimized away. `rm` is a runtime argument so the
// rounding-mode dispatch really executes.
import {
  f64_add, f64_mul, f64_div, f64_sqrt, f64_madd,
  f32_add, f32_mul, f32_div, f32_madd,
  f64_to_i32, i64_to_f64,
} from "./index";

export function native_f64_add(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = rm;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) {
      let o = <usize>i << 3;
      acc ^= reinterpret<u64>(reinterpret<f64>(load<u64>(pa + o)) + reinterpret<f64>(load<u64>(pb + o)));
    }
  return acc;
}

export function b_f64_add(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= f64_add(load<u64>(pa + o), load<u64>(pb + o), rm); }
  return acc;
}
export function b_f64_mul(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= f64_mul(load<u64>(pa + o), load<u64>(pb + o), rm); }
  return acc;
}
export function b_f64_div(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= f64_div(load<u64>(pa + o), load<u64>(pb + o), rm); }
  return acc;
}
export function b_f64_sqrt(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= f64_sqrt(load<u64>(pa + o) & 0x7fffffffffffffff, rm); }
  return acc;
}
export function b_f64_madd(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) {
      let o = <usize>i << 3;
      // c = the next element of b: a different, comparable magnitude addend
      acc ^= f64_madd(load<u64>(pa + o), load<u64>(pb + o), load<u64>(pb + ((o + 8) & (<usize>(n - 1) << 3))), rm);
    }
  return acc;
}
export function b_f32_add(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u32 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 2; acc ^= f32_add(load<u32>(pa + o), load<u32>(pb + o), rm); }
  return acc;
}
export function b_f32_mul(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u32 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 2; acc ^= f32_mul(load<u32>(pa + o), load<u32>(pb + o), rm); }
  return acc;
}
export function b_f32_div(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u32 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 2; acc ^= f32_div(load<u32>(pa + o), load<u32>(pb + o), rm); }
  return acc;
}
export function b_f32_madd(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u32 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) {
      let o = <usize>i << 2;
      acc ^= f32_madd(load<u32>(pa + o), load<u32>(pb + o), load<u32>(pb + ((o + 4) & (<usize>(n - 1) << 2))), rm);
    }
  return acc;
}
export function b_f64_to_i32(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= f64_to_i32(load<u64>(pa + o), rm); }
  return acc;
}
export function b_i64_to_f64(pa: usize, pb: usize, n: i32, rm: u32, reps: i32): u64 {
  let acc: u64 = 0;
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < n; i++) { let o = <usize>i << 3; acc ^= i64_to_f64(load<i64>(pa + o), rm); }
  return acc;
}
