// Throughput of the FPU library's hot operations, measured inside Wasm.
//   node tests/fpu/bench.mjs
// "fast" = rm RNE on ordinary normal operands (native f64 + exactness test);
// "slow" = the same operands with rm RTZ, which always takes the exact
// integer software path (as do specials, subnormal results and overflow).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let wasmBin;
const { error } = await asc.main(
  ['asm/fpu/bench-entry.ts', '--runtime', 'stub', '-O3', '--noAssert', '--initialMemory', '64',
    '--outFile', 'bench.wasm', '--baseDir', root],
  { writeFile(name, c) { if (name.endsWith('.wasm')) wasmBin = c; }, stdout: { write() { return true; } } },
);
if (error) throw error;
const { instance } = await WebAssembly.instantiate(wasmBin, { env: { abort() { throw new Error('abort'); } } });
const ex = instance.exports;

const N = 4096; // operands per array (power of two: fma indexing wraps with a mask)
const A = 1 << 20, B = A + 8 * N;
const mem = () => ex.memory.buffer;

// Deterministic operands: random significands, exponents in [-30, 30].
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
function fill64(off) {
  const f = new Float64Array(mem(), off, N);
  for (let i = 0; i < N; i++) f[i] = (rnd() < 0.5 ? -1 : 1) * (1 + rnd()) * 2 ** Math.floor(rnd() * 61 - 30);
}
function fill32(off) {
  const f = new Float32Array(mem(), off, N);
  for (let i = 0; i < N; i++) f[i] = (rnd() < 0.5 ? -1 : 1) * (1 + rnd()) * 2 ** Math.floor(rnd() * 61 - 30);
}
function fillI64(off) {
  const f = new BigInt64Array(mem(), off, N);
  for (let i = 0; i < N; i++) f[i] = BigInt(Math.floor(rnd() * 2 ** 53)) * 1021n - 2n ** 60n;
}

function run(name, rm, minMs = 300) {
  const fn = ex[name];
  fn(A, B, N, rm, 20); // warm up / tier up
  let reps = 20, t;
  for (;;) {
    const t0 = performance.now();
    fn(A, B, N, rm, reps);
    t = performance.now() - t0;
    if (t >= minMs) break;
    reps *= 2;
  }
  return (N * reps) / (t / 1000);
}
const fmt = (x) => (x / 1e6).toFixed(1).padStart(7) + ' Mops/s';

fill64(A); fill64(B);
console.log(`node ${process.version}, ${N} operands, values ~ ±[1,2)·2^[-30,30]`);
console.log(`native f64 add (no flags)  ${fmt(run('native_f64_add', 0))}`);
for (const op of ['f64_add', 'f64_mul', 'f64_div', 'f64_sqrt', 'f64_madd']) {
  console.log(`${op.padEnd(9)} fast (RNE) ${fmt(run('b_' + op, 0))}   slow (RTZ) ${fmt(run('b_' + op, 1))}`);
}
console.log(`f64_to_i32 RTZ            ${fmt(run('b_f64_to_i32', 1))}`);
fillI64(A);
console.log(`i64_to_f64 RNE            ${fmt(run('b_i64_to_f64', 0))}`);
fill32(A); fill32(B);
for (const op of ['f32_add', 'f32_mul', 'f32_div', 'f32_madd']) {
  console.log(`${op.padEnd(9)} fast (RNE) ${fmt(run('b_' + op, 0))}   slow (RTZ) ${fmt(run('b_' + op, 1))}`);
}
