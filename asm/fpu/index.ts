// RISC-V F/D floating-point library. All values are raw IEEE bit patterns
// (binary32 as u32, binary64 as u64); `rm` is a resolved RISC-V rounding mode
// (0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM). Exceptions accrue into `fflags`.
export * from "./flags";
export { f64_add, f64_sub, f64_mul, f64_div, f64_sqrt } from "./f64";
export { f32_add, f32_sub, f32_mul, f32_div, f32_sqrt } from "./f32";
export {
  f64_madd, f64_msub, f64_nmsub, f64_nmadd,
  f32_madd, f32_msub, f32_nmsub, f32_nmadd,
} from "./fma";
export {
  f64_min, f64_max, f64_eq, f64_lt, f64_le, f64_classify,
  f32_min, f32_max, f32_eq, f32_lt, f32_le, f32_classify,
} from "./compare";
export {
  f64_to_i32, f64_to_u32, f64_to_i64, f64_to_u64,
  f32_to_i32, f32_to_u32, f32_to_i64, f32_to_u64,
  i32_to_f64, u32_to_f64, i64_to_f64, u64_to_f64,
  i32_to_f32, u32_to_f32, i64_to_f32, u64_to_f32,
  f32_to_f64, f64_to_f32,
} from "./convert";
