// Wasm entry used by tests/unit/fpu.test.ts and tests/fpu/bench.mjs: the
// public API as plain exports, plus flag accessors and the software paths
// (to measure/force them independently of the fast paths).
import { fflags } from "./flags";
export * from "./index";
export { add64Soft, mul64Soft, div64Soft, sqrt64Soft } from "./soft64";
export { fma64Soft } from "./fma";

export function get_fflags(): u32 {
  return fflags;
}
export function set_fflags(v: u32): void {
  fflags = v;
}
