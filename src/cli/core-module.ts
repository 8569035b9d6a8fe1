/** Finds (building if needed) and compiles the core's Wasm module for the Node side. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export async function loadCoreModule(): Promise<WebAssembly.Module> {
  const wasm = join(repoRoot, 'build', 'core.wasm');
  try {
    const build = await import(join(repoRoot, 'scripts', 'build-asm.mjs'));
    // Rebuilds only when asm/ is newer than the output (fresh clone: first run builds it).
    build.buildCore();
  } catch (e) {
    if (!existsSync(wasm)) throw new Error(`the CPU core is not built and building it failed (${(e as Error).message}); run: npm run build:asm`);
  }
  return new WebAssembly.Module(readFileSync(wasm));
}
