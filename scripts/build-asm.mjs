#!/usr/bin/env node
// Compiles asm/ (AssemblyScript) to build/core.wasm, importing a shared memory that the host
// creates per VM. Skips the work when the output is newer than every source file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'core.wasm');

function newestSource(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function buildCore({ force = false } = {}) {
  const srcTime = Math.max(newestSource(join(root, 'asm')), statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (!force && existsSync(out) && statSync(out).mtimeMs > srcTime) return out;
  mkdirSync(dirname(out), { recursive: true });
  const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  execFileSync(process.execPath, [
    asc, 'asm/index.ts', '--outFile', 'build/core.wasm', '--textFile', 'build/core.wat',
    // Shared memory per VM: the host creates it (RAM size varies) and the hypervisor on the main
    // thread holds the same buffer. 65536 pages = the 4 GiB wasm32 limit.
    '--importMemory', '--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads',
    '--runtime', 'stub', '--noAssert', '-O3', '--converge',
  ], { cwd: root, stdio: 'inherit' });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCore({ force: process.argv.includes('--force') });
  console.log(`built ${out}`);
}
