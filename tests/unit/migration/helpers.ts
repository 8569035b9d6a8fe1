/** Shared by the migration tests: building VMs, comparing two machines byte for byte. */
import { describeMachine, MiB } from '../../../src/hypervisor/machine/board.ts';
import { VirtualMachine, type VmIo } from '../../../src/hypervisor/vm.ts';
import type { Core } from '../../../src/hypervisor/core/core.ts';
import { PAGE_SIZE } from '../../../src/hypervisor/migration/dirty-log.ts';
import { coreModule } from '../../helpers/run-guest.ts';
import { LocalVm } from '../../../src/hypervisor/migration/local.ts';
import type { DestinationVm } from '../../../src/hypervisor/migration/restore.ts';
import type { MigrationHeader } from '../../../src/hypervisor/migration/stream.ts';
import type { MigrationInfo } from '../../../src/hypervisor/migration/precopy.ts';

/** Everything a guest prints, on whichever VM it runs (one console across a migration). */
export class ConsoleLog {
  private readonly chunks: string[] = [];
  private readonly dec = new TextDecoder();
  private seen = 0;

  io(now: () => number = () => performance.now()): VmIo {
    return { consoleOut: (b) => { this.chunks.push(this.dec.decode(b, { stream: true })); }, now };
  }

  get text(): string { return this.chunks.join(''); }

  /** Wait (letting the VM loops run) until `text` appears after what earlier waits consumed. */
  async waitFor(text: string, timeoutMs = 20_000): Promise<string> {
    const t0 = performance.now();
    for (;;) {
      const all = this.text;
      const at = all.indexOf(text, this.seen);
      if (at >= 0) {
        const out = all.slice(this.seen, at + text.length);
        this.seen = at + text.length;
        return out;
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)}; console:\n${all.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

export function newVm(memMiB: number, io: VmIo): VirtualMachine {
  return new VirtualMachine(coreModule(), describeMachine({ ramBytes: memMiB * MiB, harts: 1 }), io);
}

/** Byte ranges of the hart-state block that are host mailboxes or derived, not machine state. */
function mailboxes(core: Core): [number, number][] {
  const off = (n: string) => Number((core.exports[n] as WebAssembly.Global).value);
  return [
    [off('O_MMIO_STATUS'), 4], [off('O_STOP'), 4], [off('O_EXECUTED'), 8], [off('O_STOP_REQ'), 4],
    [off('O_RESERVATION'), 8],
    // mip is derived (software bits, CLINT, PLIC lines, timers) and recomputed at the start of
    // every run(); between runs it can lag behind the time the state was saved at.
    [off('O_MIP'), 8],
    [off('FREGS_OFF') - 8, 8], // the junk register that decoded writes to x0 land in
  ];
}

/** Offsets where the two cores' hart-state blocks differ (mailboxes excepted). */
export function stateBlockDiff(a: Core, b: Core): string[] {
  const size = a.exports.layoutStateSize();
  const x = new Uint8Array(a.memory.buffer, a.stateOffset, size);
  const y = new Uint8Array(b.memory.buffer, b.stateOffset, size);
  const skip = new Uint8Array(size);
  for (const [o, n] of mailboxes(a)) skip.fill(1, o, o + n);
  const diffs: string[] = [];
  for (let i = 0; i < size; i++) if (!skip[i] && x[i] !== y[i]) diffs.push(`+0x${i.toString(16)}: ${x[i]} vs ${y[i]}`);
  return diffs;
}

/** Indices of the pages whose contents differ between two equally sized RAM images. */
export function differingPages(a: Uint8Array, b: Uint8Array): number[] {
  // memcmp (Buffer.equals) over 64 KiB blocks, then page by page inside the blocks that differ.
  const x = Buffer.from(a.buffer, a.byteOffset, a.length);
  const y = Buffer.from(b.buffer, b.byteOffset, b.length);
  const BLOCK = 16 * PAGE_SIZE;
  const out: number[] = [];
  for (let o = 0; o < a.length; o += BLOCK) {
    const end = Math.min(a.length, o + BLOCK);
    if (x.subarray(o, end).equals(y.subarray(o, end))) continue;
    for (let p = o; p < end; p += PAGE_SIZE) {
      if (!x.subarray(p, p + PAGE_SIZE).equals(y.subarray(p, p + PAGE_SIZE))) out.push(p / PAGE_SIZE);
    }
  }
  return out;
}

export function bit(bitmap: Uint8Array, page: number): boolean {
  return (bitmap[page >> 3] & (1 << (page & 7))) !== 0;
}

export interface RestoreChecks { ram?: number[]; state?: string[] }

/**
 * A destination factory (for IncomingMigration / restoreVm) that, at the moment the state is
 * restored — source paused, destination not started — compares the two machines: RAM page by
 * page and the hart-state block byte by byte.
 */
export function checkingFactory(src: LocalVm, checks: RestoreChecks, out: { dst?: LocalVm }, log: ConsoleLog) {
  return (h: MigrationHeader): DestinationVm => {
    const dst = new LocalVm(new VirtualMachine(coreModule(), h.machine, log.io()));
    out.dst = dst;
    const restore = dst.restoreState.bind(dst);
    dst.restoreState = (s) => {
      restore(s);
      checks.ram = differingPages(src.ram(), dst.ram());
      checks.state = stateBlockDiff(src.vm.core, dst.vm.core);
    };
    return dst;
  };
}

/** One line of figures for the test log. */
export function summary(info: MigrationInfo): string {
  const r = info.rounds.map((x) => `${x.round}:${x.pagesSent}/${x.pagesDirtied}`).join(' ');
  return `${info.status} in ${info.totalTimeMs.toFixed(0)} ms, downtime ${info.downtimeMs?.toFixed(1)} ms ` +
    `(expected ${info.expectedDowntimeMs.toFixed(1)}), setup ${info.setupTimeMs.toFixed(1)} ms, ` +
    `rounds sent/dirtied ${r}, throttle ${info.throttlePercent}%${info.forcedSwitchover ? ' (forced)' : ''}, ` +
    `${(info.ram.transferred / MiB).toFixed(1)} MiB sent of ${(info.ram.total / MiB).toFixed(0)} MiB RAM, ` +
    `${info.ram.duplicate} zero + ${info.ram.normal} normal pages, ${info.mbps.toFixed(0)} Mbit/s, ${info.ram.dirtySyncCount} syncs`;
}
