/**
 * Migration figures for `npm run bench` (issue 6): a 128 MiB `linux` guest moved at the default
 * link (1 Gbit/s) and downtime limit (300 ms), idle at its prompt and while a guest program
 * dirties memory at 20 MB/s. Both VMs run in this process on their own memories; every page
 * crosses a transport as bytes (migration/README.md). Targets: downtime ≤ 20 ms idle, ≤ 50 ms
 * while dirtying.
 */
import { describeMachine, MiB } from '../src/hypervisor/machine/board.ts';
import { VirtualMachine, type VmIo } from '../src/hypervisor/vm.ts';
import { LocalVm } from '../src/hypervisor/migration/local.ts';
import { PreCopyMigration, type MigrationInfo } from '../src/hypervisor/migration/precopy.ts';
import { IncomingMigration } from '../src/hypervisor/migration/incoming.ts';
import { memoryTransportPair } from '../src/hypervisor/migration/transport.ts';
import { DEFAULT_LINK } from '../src/hypervisor/migration/link.ts';
import { coreModule } from '../tests/helpers/run-guest.ts';
import { linuxImages, PROMPT } from './linux-boot.ts';

export const GUEST_MIB = 128;
/** 20 MiB/s of 4 KiB pages. */
export const DIRTY_PAGES_PER_S = 5120;

export interface MigrationFigures {
  readonly label: string;
  readonly info: MigrationInfo;
}

/** A console shared by the source and the destination, as the page keeps one open across the switch. */
class Console {
  text = '';
  private readonly dec = new TextDecoder();
  io(): VmIo {
    return { consoleOut: (b) => { this.text += this.dec.decode(b, { stream: true }); }, now: () => performance.now() };
  }
  async waitFor(s: string, from: number, timeoutMs = 60_000): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      const at = this.text.indexOf(s, from);
      if (at >= 0) return at + s.length;
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(s)}:\n${this.text.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function bootLinux(con: Console): Promise<LocalVm> {
  const { images } = await linuxImages();
  const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: GUEST_MIB * MiB, harts: 1 }), con.io());
  vm.boot(images);
  const l = new LocalVm(vm);
  await l.start();
  await con.waitFor(PROMPT, 0);
  return l;
}

async function migrate(src: LocalVm, con: Console): Promise<{ info: MigrationInfo; dst?: LocalVm }> {
  const link = memoryTransportPair({ latencyMs: DEFAULT_LINK.latencyMs });
  let dst: LocalVm | undefined;
  const incoming = new IncomingMigration(link.destination, (h) => (dst = new LocalVm(new VirtualMachine(coreModule(), h.machine, con.io()))));
  incoming.done.catch(() => {});
  const info = await new PreCopyMigration(src, link.source, { bandwidthBps: DEFAULT_LINK.bandwidthBps }).start();
  if (info.status === 'completed') await incoming.done;
  return { info, dst };
}

/** Run a command at the guest's shell and wait for its prompt. */
async function sh(con: Console, vm: LocalVm, cmd: string): Promise<void> {
  const from = con.text.length;
  vm.consoleInput(new TextEncoder().encode(cmd + '\n'));
  await con.waitFor(PROMPT, from);
}

export async function migrationFigures(dirtier: string | undefined = 'memdirty'): Promise<MigrationFigures[]> {
  const out: MigrationFigures[] = [];
  const con = new Console();
  const a = await bootLinux(con);
  // Let the guest settle after boot (its page cache and timers), as a VM that has been up a while.
  await new Promise((r) => setTimeout(r, 500));
  const idle = await migrate(a, con);
  if (idle.info.status !== 'completed' || !idle.dst) throw new Error(`idle migration ${idle.info.status}: ${idle.info.error ?? ''}`);
  out.push({ label: `linux ${GUEST_MIB} MiB, idle at its prompt`, info: idle.info });
  const b = idle.dst;
  await sh(con, b, 'echo after-switch');
  if (dirtier) {
    const from = con.text.length;
    b.consoleInput(new TextEncoder().encode(`${dirtier} rate=${DIRTY_PAGES_PER_S} &\n`));
    await con.waitFor('memdirty: running', from);
    await new Promise((r) => setTimeout(r, 1000));
    const busy = await migrate(b, con);
    if (busy.info.status !== 'completed' || !busy.dst) throw new Error(`migration while dirtying ${busy.info.status}: ${busy.info.error ?? ''}`);
    out.push({ label: `linux ${GUEST_MIB} MiB, dirtying ${DIRTY_PAGES_PER_S * 4096 / MiB} MiB/s`, info: busy.info });
    busy.dst.destroy();
  } else {
    b.destroy();
  }
  return out;
}

/** One line for the bench table. */
export function describeFigures(f: MigrationFigures): string {
  const i = f.info;
  return `${i.rounds.length} rounds, total ${i.totalTimeMs.toFixed(0)} ms, downtime ${i.downtimeMs?.toFixed(1)} ms ` +
    `(expected ${i.expectedDowntimeMs.toFixed(1)}), ${(i.ram.transferred / MiB).toFixed(1)} MiB sent for ${(i.ram.total / MiB).toFixed(0)} MiB RAM ` +
    `(${i.ram.duplicate} zero pages), dirty rate ${i.ram.dirtyPagesRate.toFixed(0)} pages/s, throttle ${i.throttlePercent}%`;
}
