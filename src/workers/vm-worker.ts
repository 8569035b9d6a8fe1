/**
 * Web Worker entry point: one per VM. Runs the VM's slice loop (vm-runner.ts) and exposes its
 * control over comlink (protocol.ts). The page never runs guest code; if this worker misbehaves
 * the page terminates it and nothing else is touched.
 */
import * as Comlink from 'comlink';
import { VmRunner } from './vm-runner.ts';
import { makeTurn } from '../hypervisor/turn.ts';
import type { VmWorkerApi } from './protocol.ts';

let runner: VmRunner | undefined;

function current(): VmRunner {
  if (!runner) throw new Error('the VM has not been started');
  return runner;
}

const api: VmWorkerApi = {
  start(setup, events) {
    if (runner) throw new Error('the VM is already started');
    runner = new VmRunner(setup, { yieldNow: makeTurn(), emit: (e) => void events(e) });
    runner.start();
    return runner.memory;
  },
  pause: () => current().pause(),
  resume: () => current().resume(),
  reset: () => current().reset(),
  stop: () => current().stop(),
  stats: () => current().counters(),
};

Comlink.expose(api);
