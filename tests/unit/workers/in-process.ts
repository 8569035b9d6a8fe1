/**
 * VM "workers" in this process for Node tests of the page's side (src/workers/vm-client.ts): each
 * is the real worker object (worker-api.ts) exposed over comlink on one end of a node
 * MessageChannel, so every control call, event, console ring and migration port crosses a real
 * port (structured clone, transfers) as it does between the page and a Web Worker; only the
 * thread is shared. Each VM has its own WebAssembly.Memory. Faults: kill a worker (its error
 * event, nothing more from it), refuse headers, cut a migration link.
 */
import * as Comlink from 'comlink';
import { createVmWorker, type VmWorkerHost, type WorkerApiOptions } from '../../../src/workers/worker-api.ts';
import type { VmWorkerHandle } from '../../../src/workers/worker-vm.ts';
import type { PortLike } from '../../../src/hypervisor/migration/transport.ts';

export class InProcessWorker implements VmWorkerHandle {
  readonly host: VmWorkerHost;
  readonly endpoint: MessagePort;
  private readonly port: MessagePort;
  private readonly errorListeners: ((message: string) => void)[] = [];
  ended: 'terminated' | 'killed' | undefined;

  constructor(readonly name: string, opts: WorkerApiOptions) {
    const { port1, port2 } = new MessageChannel();
    this.host = createVmWorker(opts);
    Comlink.expose(this.host.api, port1);
    this.port = port1;
    this.endpoint = port2;
  }

  terminate(): void {
    if (this.ended) return;
    this.ended = 'terminated';
    this.end('terminated');
  }

  /** The worker dies by itself (as of an out-of-memory error): its error event, then silence. */
  kill(message = 'killed by the test'): void {
    if (this.ended) return;
    this.ended = 'killed';
    this.end(message);
    for (const l of this.errorListeners) l(message);
  }

  onError(listener: (message: string) => void): void {
    this.errorListeners.push(listener);
  }

  private end(reason: string): void {
    this.host.dispose(reason);
    this.port.close();
    this.endpoint.close();
  }
}

/** A link whose traffic can be dropped both ways, silently, as a dead network does. */
export class CuttableLink {
  cut = false;
  wrap = (port: PortLike): PortLike => {
    const link = this;
    return {
      postMessage(msg, transfer) { if (!link.cut) port.postMessage(msg, transfer); },
      get onmessage() { return port.onmessage; },
      set onmessage(h) { port.onmessage = h ? (e) => { if (!link.cut) h(e); } : null; },
      close() { port.close(); },
    };
  };
}

export class InProcessWorkers {
  readonly all: InProcessWorker[] = [];
  /** Options for the workers spawned from now on. */
  options: WorkerApiOptions = {};

  readonly spawn = (name: string): InProcessWorker => {
    const w = new InProcessWorker(name, this.options);
    this.all.push(w);
    return w;
  };

  get last(): InProcessWorker { return this.all.at(-1)!; }

  /** Workers not terminated or killed. */
  get live(): InProcessWorker[] { return this.all.filter((w) => !w.ended); }

  endAll(): void {
    for (const w of this.all) w.terminate();
  }
}
