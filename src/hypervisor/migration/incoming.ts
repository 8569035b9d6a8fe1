/**
 * The destination side of a live migration: reads the stream from the transport as it arrives,
 * builds the VM from the header, fills its RAM, and at the end (checksum good, state restored)
 * starts it and tells the source it runs. Whatever goes wrong before that — a malformed or
 * hostile stream, a state that does not fit, the link closing, the source aborting — produces one
 * clear error, a `refused` answer, and a destroyed, never-started VM.
 *
 * In the page this runs where the destination VM lives (its worker), on the destination end of
 * the MessagePort; in tests, on the destination end of memoryTransportPair.
 */
import { StreamReader, type MigrationHeader } from './stream.ts';
import { RestoreSink, type CreateDestination, type DestinationVm } from './restore.ts';
import type { DestinationTransport, ToDestination } from './transport.ts';

export type IncomingStatus = 'setup' | 'receiving' | 'running' | 'failed';

export type IncomingEvent =
  | { readonly kind: 'accepted'; readonly header: MigrationHeader }
  | { readonly kind: 'running'; readonly vm: DestinationVm }
  /** Refused, link lost or aborted before running: the VM (if built) is destroyed. */
  | { readonly kind: 'failed'; readonly message: string }
  /** The source gave up after this side had started (it never saw `running`): the VM is destroyed. */
  | { readonly kind: 'aborted-after-start'; readonly message: string };

export class IncomingMigration {
  private status: IncomingStatus = 'setup';
  private readonly sink: RestoreSink;
  private readonly reader: StreamReader;
  private readonly listeners = new Set<(e: IncomingEvent) => void>();
  private resolveDone!: (vm: DestinationVm) => void;
  private rejectDone!: (e: Error) => void;
  /** Resolves with the running VM; rejects with the one error that stopped the migration. */
  readonly done: Promise<DestinationVm>;
  bytesReceived = 0;

  constructor(private readonly transport: DestinationTransport, create: CreateDestination) {
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject; });
    this.done.catch(() => {});
    this.sink = new RestoreSink(create, (header) => {
      this.status = 'receiving';
      this.emit({ kind: 'accepted', header });
      transport.send({ kind: 'accepted' }).catch(() => {});
    });
    this.reader = new StreamReader(this.sink);
    transport.attach({
      message: (m) => this.message(m),
      close: (reason) => this.lost(`migration link closed: ${reason}`),
    });
  }

  get state(): IncomingStatus { return this.status; }
  get pagesWritten(): number { return this.sink.pagesWritten; }

  on(listener: (e: IncomingEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private message(m: ToDestination): void {
    if (m.kind === 'abort') {
      if (this.status === 'running') this.abortedAfterStart(m.reason);
      else this.fail(`the source aborted the migration: ${m.reason}`, false);
      return;
    }
    if (m.kind === 'complete') {
      this.transport.close('migration complete');
      return;
    }
    if (this.status === 'failed' || this.status === 'running') return;
    this.bytesReceived += m.bytes.length;
    try {
      this.reader.push(m.bytes);
    } catch (e) {
      this.fail((e as Error).message, true);
      return;
    }
    if (this.sink.restored) void this.startVm();
  }

  private async startVm(): Promise<void> {
    const vm = this.sink.vm!;
    this.status = 'running';
    let startedAt: number;
    try {
      startedAt = await vm.start();
    } catch (e) {
      this.status = 'receiving';
      this.fail(`the VM did not start: ${(e as Error).message}`, true);
      return;
    }
    if (this.status !== 'running') return; // aborted while starting
    this.transport.send({ kind: 'running', startedAt }).catch(() => {});
    this.emit({ kind: 'running', vm });
    this.resolveDone(vm);
  }

  private lost(message: string): void {
    // After `running` the VM is committed: the source destroys itself on our answer.
    if (this.status === 'running' || this.status === 'failed') return;
    this.fail(message, false);
  }

  private fail(message: string, tellSource: boolean): void {
    if (this.status === 'failed') return;
    this.status = 'failed';
    this.sink.vm?.destroy();
    if (tellSource && !this.transport.closed) {
      this.transport.send({ kind: 'refused', message }).catch(() => {});
    }
    this.transport.close(message);
    this.emit({ kind: 'failed', message });
    this.rejectDone(new Error(message));
  }

  private abortedAfterStart(reason: string): void {
    this.status = 'failed';
    this.sink.vm?.destroy();
    this.transport.close(reason);
    this.emit({ kind: 'aborted-after-start', message: `the source resumed (${reason}); this copy was destroyed` });
  }

  private emit(e: IncomingEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { /* listeners must not break the migration */ }
    }
  }
}
