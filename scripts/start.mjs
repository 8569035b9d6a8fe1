#!/usr/bin/env node
// `npm start`: from a fresh clone to the lab in the browser. Installs the dependencies when
// node_modules is missing (npm ci), builds the CPU core when asm/ changed, then runs the vite dev
// server, which sends the COOP/COEP headers shared memory needs (vite.config.ts).
// Extra arguments go to vite, e.g. `npm start -- --host` to open the lab from another device.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('virtlab: installing dependencies (npm ci)…');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { buildCore } = await import('./build-asm.mjs');
buildCore();

const vite = spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => vite.kill(sig));
vite.on('exit', (code) => process.exit(code ?? 0));
