/**
 * The real CPUs the VMs share, as a hypervisor's scheduler sees them: a VM's loop takes a CPU for
 * each slice and gives it back after. With fewer CPUs than cores (the page keeps one for itself),
 * busy guests can never starve the dashboard, whatever they do; with more VMs than CPUs they take
 * turns slice by slice, in order of arrival (a ticket queue), like Xen's credit scheduler does
 * with vCPUs on physical CPUs.
 *
 *   SharedArrayBuffer: [ next ticket: i32 | tickets served: i32 | cpus: i32 ]
 *
 * Ticket t may run while t < served + cpus. The pool is advisory — it guards load, not memory —
 * so every failure mode errs towards running: a worker terminated while it held or waited for a
 * CPU is reclaimed by the page (`reclaim`), and a queue that stops moving for STALL_MS is pushed
 * on by its waiters. Nothing here can leave a VM waiting forever.
 */
import { waitAsync } from './ring.ts';

const NEXT = 0;
const SERVED = 1;
const CPUS = 2;
/** A slice lasts ~10 ms; a queue that has not moved for this long has lost a ticket holder. */
export const STALL_MS = 250;

export class CpuPool {
  private readonly words: Int32Array;

  static allocate(cpus: number): SharedArrayBuffer {
    if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`a CPU pool needs at least one CPU (got ${cpus})`);
    const buf = new SharedArrayBuffer(12);
    new Int32Array(buf)[CPUS] = cpus;
    return buf;
  }

  /** One per VM: whether it holds or waits for a CPU, so the page can reclaim it if the VM dies. */
  static allocateSlot(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  constructor(readonly buffer: SharedArrayBuffer, private readonly now: () => number = () => performance.now()) {
    this.words = new Int32Array(buffer, 0, 3);
  }

  get cpus(): number { return Atomics.load(this.words, CPUS); }

  /** CPUs in use or waited for right now (for display and tests). */
  get demand(): number { return (Atomics.load(this.words, NEXT) - Atomics.load(this.words, SERVED)) | 0; }

  /** Wait for a CPU, in order of arrival. `slot` is this VM's slot buffer view. */
  async acquire(slot: Int32Array): Promise<void> {
    Atomics.store(slot, 0, 1);
    const ticket = Atomics.add(this.words, NEXT, 1);
    let seen = Atomics.load(this.words, SERVED);
    let since = this.now();
    for (;;) {
      const served = Atomics.load(this.words, SERVED);
      if (((ticket - served) | 0) < this.cpus) return;
      if (served !== seen) {
        seen = served;
        since = this.now();
      } else if (this.now() - since >= STALL_MS) {
        // Nobody has given a CPU back for a long time: count one as returned and move on.
        Atomics.compareExchange(this.words, SERVED, served, (served + 1) | 0);
        Atomics.notify(this.words, SERVED);
        continue;
      }
      await waitAsync(this.words, SERVED, served, STALL_MS);
    }
  }

  /** Give the CPU back (the worker, after its slice). */
  release(slot: Int32Array): void {
    if (Atomics.exchange(slot, 0, 0) !== 1) return;
    Atomics.add(this.words, SERVED, 1);
    Atomics.notify(this.words, SERVED);
  }

  /** The page, after terminating a VM's worker: return what it held or waited for. */
  reclaim(slot: Int32Array): void {
    this.release(slot);
  }
}
