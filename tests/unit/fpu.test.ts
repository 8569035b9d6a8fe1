// Conformance of the AssemblyScript FPU library (asm/fpu) against vectors
// produced by QEMU's RISC-V F/D implementation (tests/fpu/gen-vectors.sh).
// Every vector checks the exact result bits AND the exact fflags value.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = 'asm/fpu/test-entry.ts';
// FPU_VECTORS overrides the fixture, e.g. a much larger local run of gen-vectors.
const VECTORS = process.env.FPU_VECTORS ?? resolve(root, 'tests/fixtures/fpu/vectors.txt.gz');

// Wasm-side types: f32 bits and 32-bit ints cross as JS numbers, 64-bit as BigInt.
type ArgT = 'f32' | 'f64' | 'i32' | 'u32' | 'i64' | 'u64';
type RetT = 'f32' | 'f64' | 'reg32' | 'reg64';
interface Sig { args: ArgT[]; rm: boolean; ret: RetT }

function signature(op: string): Sig {
  let m: RegExpMatchArray | null;
  if ((m = op.match(/^(f32|f64)_(add|sub|mul|div|min|max)$/))) {
    const t = m[1] as ArgT;
    return { args: [t, t], rm: m[2] !== 'min' && m[2] !== 'max', ret: t as RetT };
  }
  if ((m = op.match(/^(f32|f64)_(madd|msub|nmsub|nmadd)$/))) {
    const t = m[1] as ArgT;
    return { args: [t, t, t], rm: true, ret: t as RetT };
  }
  if ((m = op.match(/^(f32|f64)_sqrt$/))) return { args: [m[1] as ArgT], rm: true, ret: m[1] as RetT };
  if ((m = op.match(/^(f32|f64)_(eq|lt|le)$/))) return { args: [m[1] as ArgT, m[1] as ArgT], rm: false, ret: 'reg32' };
  if ((m = op.match(/^(f32|f64)_classify$/))) return { args: [m[1] as ArgT], rm: false, ret: 'reg32' };
  if ((m = op.match(/^(f32|f64)_to_([iu](32|64))$/))) return { args: [m[1] as ArgT], rm: true, ret: 'reg64' };
  if ((m = op.match(/^([iu](32|64))_to_(f32|f64)$/))) return { args: [m[1] as ArgT], rm: true, ret: m[3] as RetT };
  if (op === 'f32_to_f64') return { args: ['f32'], rm: false, ret: 'f64' };
  if (op === 'f64_to_f32') return { args: ['f64'], rm: true, ret: 'f32' };
  throw new Error(`unknown op ${op}`);
}

interface Vec { args: string[]; res: { bits: bigint; flags: number }[] }
interface OpVectors { op: string; sig: Sig; vecs: Vec[] }

function loadVectors(): OpVectors[] {
  const text = gunzipSync(readFileSync(VECTORS)).toString('latin1');
  const out: OpVectors[] = [];
  let cur: OpVectors | null = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const tok = line.split(' ');
    if (tok[0] === '@') {
      cur = { op: tok[1], sig: signature(tok[1]), vecs: [] };
      out.push(cur);
      continue;
    }
    const n = cur!.sig.args.length;
    const res: Vec['res'] = [];
    for (const t of tok.slice(n)) {
      if (t === '=') { res.push(res[res.length - 1]); continue; }
      const [b, f] = t.split(':');
      res.push({ bits: BigInt('0x' + b), flags: parseInt(f, 16) });
    }
    cur!.vecs.push({ args: tok.slice(0, n), res });
  }
  return out;
}

// Wasm exports are untyped here; each op is called through this shape.
type WasmFn = (...a: (number | bigint)[]) => number | bigint;
let wasm: Record<string, WasmFn>;

async function compile(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  let errText = '';
  const { error } = await asc.main(
    [ENTRY, '--runtime', 'stub', '-O3', '--noAssert', '--outFile', 'fpu-test.wasm', '--baseDir', root],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
      },
      stdout: { write() { return true; } } as never,
      stderr: { write(s: string) { errText += s; return true; } } as never,
    },
  );
  if (error || !binary) throw new Error(`asc failed: ${error?.message ?? ''}\n${errText}`);
  return binary;
}

function toArg(t: ArgT, hex: string): number | bigint {
  return t === 'f64' || t === 'i64' || t === 'u64' ? BigInt('0x' + hex) : parseInt(hex, 16);
}
function fromRet(t: RetT, v: number | bigint): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (t === 'f32') return BigInt(v >>> 0);
  return BigInt.asUintN(64, BigInt(v)); // 32-bit results as a sign-extended register (compares/fclass are small)
}
const hex = (v: bigint) => v.toString(16);
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];

const all = loadVectors();

beforeAll(async () => {
  const module = await WebAssembly.compile(new Uint8Array(await compile()));
  const instance = await WebAssembly.instantiate(module, {
    env: { abort() { throw new Error('abort'); } },
  });
  wasm = instance.exports as unknown as Record<string, WasmFn>;
}, 120_000);

describe('fpu conformance vs QEMU', () => {
  it('has vectors for every operation', () => {
    expect(all.length).toBeGreaterThanOrEqual(48);
    const total = all.reduce((n, o) => n + o.vecs.reduce((k, v) => k + v.res.length, 0), 0);
    console.log(`fpu: ${all.length} ops, ${all.reduce((n, o) => n + o.vecs.length, 0)} vectors, ${total} checks`);
  });

  for (const { op, sig, vecs } of all) {
    it(op, () => {
      const fn = wasm[op];
      expect(fn, `export ${op}`).toBeTypeOf('function');
      const failures = new Map<string, { n: number; examples: string[] }>();
      let count = 0;
      for (const v of vecs) {
        const args = v.args.map((h, i) => toArg(sig.args[i], h));
        for (let rm = 0; rm < v.res.length; rm++) {
          wasm.set_fflags(0);
          const got = fromRet(sig.ret, sig.rm ? fn(...args, rm) : fn(...args));
          const flags = wasm.get_fflags() as number;
          const want = v.res[rm];
          if (got !== want.bits || flags !== want.flags) {
            const key = sig.rm ? RM[rm] : '-';
            const f = failures.get(key) ?? { n: 0, examples: [] };
            if (f.examples.length < 6) {
              f.examples.push(`(${v.args.join(', ')}) -> ${hex(got)} fl=${flags.toString(16)}, want ${hex(want.bits)} fl=${want.flags.toString(16)}`);
            }
            f.n++;
            failures.set(key, f);
            count++;
          }
        }
      }
      if (count) {
        const report = [...failures]
          .map(([rm, f]) => `  ${op} rm=${rm}: ${f.n} failing\n    ${f.examples.join('\n    ')}`)
          .join('\n');
        expect.fail(`${count} mismatches in ${op}\n${report}`);
      }
    });
  }
});

// The native fast paths (rm = RNE) must agree bit-for-bit, flags included,
// with the exact software paths that the QEMU vectors verify in every mode.
// Inputs concentrate where the fast paths actually run, with short
// significands (exact results, ties) and near-cancellation mixed in.
describe('fpu fast paths agree with software paths', () => {
  let seed = 0x2545f4914f6cdd1dn;
  const next = (): bigint => {
    // xorshift64*
    seed ^= seed >> 12n; seed ^= (seed << 25n) & 0xffffffffffffffffn; seed ^= seed >> 27n;
    return (seed * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
  const int = (n: number) => Number(next() % BigInt(n));
  const f64 = (expLo: number, expHi: number): bigint => {
    let mant = next() & 0xfffffffffffffn;
    if (int(3) === 0) mant &= ~((1n << BigInt(int(53))) - 1n); // few significant bits
    const e = BigInt(expLo + int(expHi - expLo + 1));
    return ((next() & 1n) << 63n) | (e << 52n) | mant;
  };
  const asF = (b: bigint) => new Float64Array(new BigUint64Array([b]).buffer)[0];
  const bitsOf = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
  const N = 40_000;

  const check = (fast: string, soft: string, gen: () => bigint[]) => {
    let bad = 0;
    const examples: string[] = [];
    for (let i = 0; i < N; i++) {
      const args = gen();
      wasm.set_fflags(0);
      const r1 = BigInt.asUintN(64, wasm[fast](...args, 0) as bigint);
      const f1 = wasm.get_fflags();
      wasm.set_fflags(0);
      const r2 = BigInt.asUintN(64, wasm[soft](...args, 0) as bigint);
      const f2 = wasm.get_fflags();
      if (r1 !== r2 || f1 !== f2) {
        if (examples.length < 6) examples.push(`(${args.map(hex).join(', ')}) fast ${hex(r1)}/${f1} soft ${hex(r2)}/${f2}`);
        bad++;
      }
    }
    if (bad) expect.fail(`${bad} of ${N} differ:\n  ${examples.join('\n  ')}`);
  };

  it('add', () => check('f64_add', 'add64Soft', () => {
    const a = f64(1, 2046);
    const ea = Number((a >> 52n) & 0x7ffn);
    switch (int(3)) {
      case 0: return [a, f64(Math.max(1, ea - 60), Math.min(2046, ea + 60))];
      case 1: return [a, (a ^ (1n << 63n)) + BigInt(int(64) - 32)]; // cancellation
      default: return [a, f64(1, 2046)];
    }
  }));
  it('mul', () => check('f64_mul', 'mul64Soft', () => [f64(500, 1540), f64(500, 1540)]));
  it('div', () => check('f64_div', 'div64Soft', () => {
    const b = f64(500, 1540);
    // sometimes an exact quotient: a = b * small integer
    return int(4) === 0 ? [bitsOf(asF(b) * (1 + int(1000))), b] : [f64(500, 1540), b];
  }));
  it('sqrt', () => check('f64_sqrt', 'sqrt64Soft', () => {
    if (int(3) === 0) { // perfect squares and neighbours
      const r = asF(f64(600, 1400) & 0x7fffffffffffffffn);
      return [BigInt.asUintN(64, bitsOf(r * r) + BigInt(int(3) - 1))];
    }
    return [f64(1, 2046) & 0x7fffffffffffffffn];
  }));
  it('fma', () => check('f64_madd', 'fma64Soft', () => {
    const a = f64(600, 1450), b = f64(600, 1450);
    const ep = Number((a >> 52n) & 0x7ffn) + Number((b >> 52n) & 0x7ffn) - 1023;
    switch (int(3)) {
      case 0: return [a, b, BigInt.asUintN(64, bitsOf(-(asF(a) * asF(b))) + BigInt(int(16) - 8))];
      case 1: return [a, b, f64(Math.max(130, ep - 110), Math.min(2040, ep + 110))];
      default: return [a, b, f64(130, 2040)];
    }
  }));
});
