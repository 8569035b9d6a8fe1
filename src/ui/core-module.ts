/** The CPU core, compiled once on the page; every VM worker instantiates this same Module. */
import coreUrl from '../../build/core.wasm?url';

export async function compileCore(): Promise<WebAssembly.Module> {
  const res = await fetch(coreUrl);
  if (!res.ok) throw new Error(`could not load the CPU core (${coreUrl}): HTTP ${res.status}`);
  // Streaming compile needs the application/wasm type; a plain static server may not send it.
  if (res.headers.get('Content-Type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}
