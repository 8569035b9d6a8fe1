/**
 * The pre-copy engine with a small CPU-bound guest (the scribbler) between two in-process VMs:
 * memory and hart state identical at the switchover, rounds and auto-converge, and every failure
 * before the commit leaves the source running exactly where it was.
 */
import { describe, it, expect } from 'vitest';
import { MiB } from '../../../src/hypervisor/machine/board.ts';
import { LocalVm } from '../../../src/hypervisor/migration/local.ts';
import { PreCopyMigration, type MigrationEvent, type PreCopyOptions } from '../../../src/hypervisor/migration/precopy.ts';
import { IncomingMigration } from '../../../src/hypervisor/migration/incoming.ts';
import {
  memoryTransportPair, PortTransport, type SourceTransport, type DestinationTransport, type ToDestination, type ToSource,
} from '../../../src/hypervisor/migration/transport.ts';
import { Asm, scribbler } from './rv-asm.ts';
import { ConsoleLog, newVm, checkingFactory, summary, type RestoreChecks } from './helpers.ts';

const MEM_MIB = 4;

async function scribbling(delay = 0): Promise<LocalVm> {
  const vm = newVm(MEM_MIB, new ConsoleLog().io());
  vm.boot({ bios: { kind: 'none' }, kernel: scribbler(1 * MiB, 256, delay) });
  const src = new LocalVm(vm);
  await src.start();
  await new Promise((r) => setTimeout(r, 30));
  return src;
}

async function running(src: LocalVm): Promise<void> {
  const before = src.vm.instructions;
  const t0 = performance.now();
  while (src.vm.instructions === before) {
    if (performance.now() - t0 > 5000) throw new Error('source does not run');
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(src.runState).toBe('running');
}

describe('pre-copy migration (in-process, scribbler guest)', () => {
  it('converges with auto-converge; memory and hart state are identical at the switchover', async () => {
    const src = await scribbling(400);
    const link = memoryTransportPair({ latencyMs: 0.5 });
    const checks: RestoreChecks = {};
    const out: { dst?: LocalVm } = {};
    const incoming = new IncomingMigration(link.destination, checkingFactory(src, checks, out, new ConsoleLog()));
    const events: MigrationEvent[] = [];
    const opts: PreCopyOptions = { bandwidthBps: 200e6, maxDowntimeMs: 20, maxRounds: 2, throttle: { initial: 50, increment: 20, max: 99 } };
    const mig = new PreCopyMigration(src, link.source, opts);
    mig.on((e) => events.push(e));
    const info = await mig.start();
    expect(info.error).toBeUndefined();
    expect(info.status).toBe('completed');
    const dst = await incoming.done;
    expect(dst).toBe(out.dst);
    expect(checks.ram).toEqual([]);
    expect(checks.state).toEqual([]);
    expect(src.runState).toBe('destroyed');
    await running(out.dst!);
    out.dst!.destroy();

    // The figures.
    const rounds = events.filter((e) => e.kind === 'round');
    expect(rounds.length).toBe(info.rounds.length);
    expect(info.rounds.length).toBeGreaterThanOrEqual(3); // round 1, at least one more, the final section
    expect(info.throttlePercent).toBeGreaterThan(0);
    expect(info.rounds[0].pagesSent).toBe((MEM_MIB * MiB) / 4096);
    expect(info.ram.duplicate + info.ram.normal).toBe(info.rounds.reduce((n, r) => n + r.pagesSent, 0));
    expect(info.ram.dirtySyncCount).toBe(info.rounds.length + 1); // the start of logging + one per round
    expect(info.ram.total).toBe(MEM_MIB * MiB);
    expect(info.ram.remaining).toBe(0);
    expect(info.ram.transferred).toBeGreaterThan(info.ram.normalBytes);
    expect(info.downtimeMs).toBeGreaterThan(0);
    expect(info.setupTimeMs).toBeGreaterThan(0);
    expect(info.totalTimeMs).toBeGreaterThan(info.setupTimeMs);
    expect(events.filter((e) => e.kind === 'status').map((e) => (e as { status: string }).status))
      .toEqual(['setup', 'active', 'device', 'completed']);
    console.log(`scribbler: ${summary(info)}`);
  });

  it('pages dirtied before the deciding sync and never again still reach the destination', async () => {
    // Regression: the sync that decides to stop takes the dirty set; the stop-and-copy must send
    // it (plus what came after), not only what a second sync after the pause finds.
    const vm = newVm(MEM_MIB, new ConsoleLog().io());
    vm.boot({ bios: { kind: 'none' }, kernel: new Asm().label('l').emitRaw(0x10500073).j('l').bytes() }); // wfi; j l
    vm.core.writeRam(1 * MiB, new Uint8Array(2 * MiB).fill(0x11)); // round 1: ~170 ms at 100 Mbit/s
    const src = new LocalVm(vm);
    await src.start();
    const link = memoryTransportPair();
    const checks: RestoreChecks = {};
    const out: { dst?: LocalVm } = {};
    const incoming = new IncomingMigration(link.destination, checkingFactory(src, checks, out, new ConsoleLog()));
    const mig = new PreCopyMigration(src, link.source, { bandwidthBps: 100e6 });
    // Written once, in the middle of round 1, to pages round 1 sent long before (at ~10 ms).
    const t = setTimeout(() => vm.core.writeRam(1 * MiB + 16384, new Uint8Array(8192).fill(0xa5)), 80);
    const info = await mig.start();
    clearTimeout(t);
    expect(info.status).toBe('completed');
    expect(info.rounds[0].pagesDirtied).toBe(2);
    await incoming.done;
    expect(checks).toEqual({ ram: [], state: [] });
    out.dst!.destroy();
  });

  it('works over a MessagePort (Node MessageChannel): the bytes cross a real port', async () => {
    const src = await scribbling();
    const ch = new MessageChannel();
    const s = new PortTransport<ToDestination, ToSource>(ch.port1 as never) as SourceTransport;
    const d = new PortTransport<ToSource, ToDestination>(ch.port2 as never) as DestinationTransport;
    const checks: RestoreChecks = {};
    const out: { dst?: LocalVm } = {};
    const incoming = new IncomingMigration(d, checkingFactory(src, checks, out, new ConsoleLog()));
    // Stop-and-copy right after round 1: the scribbler dirties everything all the time.
    const info = await new PreCopyMigration(src, s, { maxRounds: 1, throttle: { initial: 99, increment: 0, max: 99 } }).start();
    expect(info.status).toBe('completed');
    await incoming.done;
    expect(checks.ram).toEqual([]);
    expect(checks.state).toEqual([]);
    expect(info.forcedSwitchover || info.expectedDowntimeMs <= info.maxDowntimeMs).toBe(true);
    expect(incoming.bytesReceived).toBe(info.ram.transferred);
    out.dst!.destroy();
  });

  it('the destination refusing at setup leaves the source running', async () => {
    const src = await scribbling();
    const link = memoryTransportPair();
    const incoming = new IncomingMigration(link.destination, () => { throw new Error('host2 has 12 MiB free, the domain needs 4 MiB more'); });
    const info = await new PreCopyMigration(src, link.source).start();
    expect(info.status).toBe('failed');
    expect(info.error).toBe('destination refused: host2 has 12 MiB free, the domain needs 4 MiB more');
    await expect(incoming.done).rejects.toThrow(/host2 has 12 MiB free/);
    await running(src);
    src.destroy();
  });

  it('a link cut in the middle of a round: source keeps running, destination discarded', async () => {
    const src = await scribbling();
    const link = memoryTransportPair({ latencyMs: 0.5 });
    const out: { dst?: LocalVm } = {};
    const incoming = new IncomingMigration(link.destination, checkingFactory(src, {}, out, new ConsoleLog()));
    const mig = new PreCopyMigration(src, link.source, { bandwidthBps: 100e6 });
    const cutter = setInterval(() => { if (mig.info.ram.transferred > 200_000) link.cut('cable pulled'); }, 1);
    const info = await mig.start();
    clearInterval(cutter);
    expect(info.status).toBe('failed');
    expect(info.error).toBe('migration link closed: cable pulled');
    expect(info.round).toBe(1);
    await expect(incoming.done).rejects.toThrow(/cable pulled/);
    expect(out.dst!.runState).toBe('destroyed');
    await running(src);
    src.destroy();
  });

  it('cancel during the rounds: cancelled, throttle released, source runs on', async () => {
    const src = await scribbling(400);
    const link = memoryTransportPair();
    const out: { dst?: LocalVm } = {};
    const incoming = new IncomingMigration(link.destination, checkingFactory(src, {}, out, new ConsoleLog()));
    const mig = new PreCopyMigration(src, link.source, { bandwidthBps: 100e6, maxDowntimeMs: 1, maxRounds: 1 });
    mig.on((e) => { if (e.kind === 'round' && e.figures.round === 2) expect(mig.cancel()).toBe(true); });
    const info = await mig.start();
    expect(info.status).toBe('cancelled');
    expect(info.error).toBe('migration cancelled');
    expect(src.throttlePercent).toBe(0);
    await expect(incoming.done).rejects.toThrow(/aborted/);
    expect(out.dst!.runState).toBe('destroyed');
    expect(mig.cancel()).toBe(false);
    await running(src);
    src.destroy();
  });

  it('refused after the last byte, or no confirmation: the paused source resumes exactly where it stopped', async () => {
    for (const failure of ['bad-state', 'never-starts'] as const) {
      const src = await scribbling();
      let atPause: Uint8Array | undefined;
      const pause = src.pause.bind(src);
      src.pause = () => {
        const t = pause();
        atPause = new Uint8Array(src.vm.core.memory.buffer, src.vm.core.stateOffset, 0x700).slice();
        return t;
      };
      const resume = src.resume.bind(src);
      let resumedSame: boolean | undefined;
      src.resume = () => {
        const now = new Uint8Array(src.vm.core.memory.buffer, src.vm.core.stateOffset, 0x700);
        const timeOff = Number((src.vm.core.exports.O_TIME as WebAssembly.Global).value);
        resumedSame = now.every((b, i) => b === atPause![i] || (i >= timeOff && i < timeOff + 8));
        resume();
      };
      const link = memoryTransportPair();
      const out: { dst?: LocalVm } = {};
      const make = checkingFactory(src, {}, out, new ConsoleLog());
      const incoming = new IncomingMigration(link.destination, (h) => {
        const dst = make(h) as LocalVm;
        if (failure === 'bad-state') dst.restoreState = () => { throw new Error('device state: field "ier" must be an integer in 0..15'); };
        else dst.start = () => new Promise<number>(() => {});
        return dst;
      });
      const info = await new PreCopyMigration(src, link.source, { maxRounds: 1, switchoverTimeoutMs: 500 }).start();
      expect(info.status).toBe('failed');
      expect(info.error).toMatch(failure === 'bad-state' ? /destination refused: .*"ier"/ : /did not start the VM within 500 ms/);
      expect(resumedSame).toBe(true);
      await running(src);
      if (failure === 'bad-state') await expect(incoming.done).rejects.toThrow(/ier/);
      await new Promise((r) => setTimeout(r, 20));
      expect(out.dst!.runState).toBe('destroyed');
      src.destroy();
    }
  });
});
