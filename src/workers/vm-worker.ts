/**
 * Web Worker entry point: one per VM. Runs the VM's slice loop (vm-runner.ts), and its migrations
 * and saves, and exposes their control over comlink (protocol.ts, worker-api.ts). The page never
 * runs guest code; if this worker misbehaves the page terminates it and nothing else is touched.
 */
import * as Comlink from 'comlink';
import { createVmWorker } from './worker-api.ts';

Comlink.expose(createVmWorker().api);
