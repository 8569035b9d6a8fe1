/**
 * The lab page: Svelte dashboard + one module worker per VM. Shared memory needs the page to be
 * cross-origin isolated, so dev and preview send COOP/COEP, and the build ships a service worker
 * (coi-serviceworker) that adds them when a plain static server does not (DESIGN.md §4).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Serves (dev) and emits (build) coi-serviceworker.js next to index.html, and loads it first thing. */
function coiServiceWorker(): Plugin {
  const file = 'coi-serviceworker.js';
  const source = () => readFileSync(createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.min.js'), 'utf8');
  return {
    name: 'virtlab:coi-serviceworker',
    configureServer(server) {
      server.middlewares.use(`/${file}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: file, source: source() });
    },
    // A classic script, before anything else: it must register before the page needs isolation.
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'script', attrs: { src: `./${file}` }, injectTo: 'head-prepend' }],
    },
  };
}

export default defineConfig({
  // Relative URLs: dist/ works from any folder of any static server.
  base: './',
  plugins: [svelte(), coiServiceWorker()],
  server: { port: 5173, headers: ISOLATION_HEADERS },
  preview: { port: 4173, headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
