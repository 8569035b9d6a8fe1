/**
 * The worker-side migration pieces without comlink: OutgoingMigration on a source VmRunner and
 * IncomingVm building the destination runner, joined by a node MessageChannel. A scribbler guest
 * (stores of every kind all over its pages, flat out) checks the dirty-log contract as the
 * runner keeps it: at the moment the destination is restored — source held, destination not
 * started — both machines are equal, RAM page by page and hart state byte by byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VmRunner } from '../../../src/workers/vm-runner.ts';
import { OutgoingMigration } from '../../../src/workers/migration-source.ts';
import { IncomingVm } from '../../../src/workers/migration-destination.ts';
import { DelayedPort } from '../../../src/workers/link-port.ts';
import type { SourceReport } from '../../../src/workers/protocol.ts';
import { ByteRing } from '../../../src/hypervisor/ring.ts';
import { WakeWord } from '../../../src/hypervisor/wake.ts';
import { MiB, type Machine } from '../../../src/hypervisor/machine/board.ts';
import { coreModule } from '../../helpers/run-guest.ts';
import { scribbler } from '../migration/rv-asm.ts';
import { differingPages, stateBlockDiff, summary } from '../migration/helpers.ts';

const runners: VmRunner[] = [];
afterEach(() => { for (const r of runners.splice(0)) r.stop(); });

function setup(ramMiB: number) {
  return {
    module: coreModule(), ramBytes: ramMiB * MiB, harts: 1,
    input: ByteRing.allocate(4096), output: ByteRing.allocate(4096), wake: WakeWord.allocate(),
  };
}
const deps = { yieldNow: () => new Promise<void>((r) => setImmediate(r)), emit: () => {} };

function scribblerRunner(delay: number, typed?: string): VmRunner {
  const s = setup(16);
  // Console input the guest never reads: it waits in the UART, whose state must travel.
  if (typed) new ByteRing(s.input).write(new TextEncoder().encode(typed));
  const r = new VmRunner({ ...s, boot: { bios: { kind: 'none' }, kernel: scribbler(1 * MiB, 512, delay) } }, deps);
  runners.push(r);
  void r.start();
  return r;
}

interface Compared { ram?: number[]; state?: string[]; devices?: string[] }

/** Migrate `src` over a MessageChannel; compare both machines when the destination is restored. */
async function migrate(src: VmRunner, opts: { bandwidthBps: number; maxDowntimeMs: number; maxRounds?: number; latencyMs?: number }) {
  const { port1, port2 } = new MessageChannel();
  const compared: Compared = {};
  const reports: SourceReport[] = [];
  const incoming = new IncomingVm(port2, { latencyMs: opts.latencyMs ?? 0.5, ramBytes: 16 * MiB, harts: 1 }, (machine: Machine) => {
    const dst = new VmRunner(setup(16), deps, machine);
    runners.push(dst);
    const restore = dst.machine.restoreState.bind(dst.machine);
    dst.machine.restoreState = (s) => {
      restore(s);
      compared.ram = differingPages(src.machine.core.ram(), dst.machine.core.ram());
      compared.state = stateBlockDiff(src.machine.core, dst.machine.core);
      compared.devices = Object.keys(src.machine.devices).filter((n) =>
        JSON.stringify(src.machine.devices[n].save()) !== JSON.stringify(dst.machine.devices[n].save()));
    };
    return dst;
  });
  const out = new OutgoingMigration(src, port1, { latencyMs: 0.5, domain: null, ...opts }, (r) => reports.push(r));
  const info = await out.run();
  return { info, out, compared, reports, incoming };
}

describe('worker-side migration over a MessageChannel', () => {
  it('a guest storing flat out (and input waiting in its UART): converges, both machines equal at the switchover, the destination runs on', async () => {
    const src = scribblerRunner(200, 'typed, never read');
    await new Promise((r) => setTimeout(r, 50));
    const uart = src.machine.uart.save() as { rxFifo: number[]; inputQueue: number[] };
    expect(uart.rxFifo.length + uart.inputQueue.length).toBe(17);
    const { info, compared, reports, incoming } = await migrate(src, { bandwidthBps: 400e6, maxDowntimeMs: 50 });
    console.log(`scribbler: ${summary(info)}`);
    expect(info.status).toBe('completed');
    expect(compared).toEqual({ ram: [], state: [], devices: [] });
    expect(src.retired).toBe(true);
    const dst = await incoming.done;
    const n = dst.counters().instructions;
    await new Promise((r) => setTimeout(r, 50));
    expect(dst.counters().instructions).toBeGreaterThan(n);
    // Reports: events in order, `finished` last and once.
    expect(reports.at(-1)).toMatchObject({ kind: 'finished', info: { status: 'completed' } });
    expect(reports.filter((r) => r.kind === 'finished').length).toBe(1);
    expect(info.downtimeMs).toBeLessThan(1000);
  });

  it('auto-converge throttles the runner, and the destination runs unthrottled', async () => {
    const src = scribblerRunner(0);
    await new Promise((r) => setTimeout(r, 30));
    const { info, compared, incoming } = await migrate(src, { bandwidthBps: 100e6, maxDowntimeMs: 5, maxRounds: 2 });
    console.log(`scribbler auto-converge: ${summary(info)}`);
    expect(info.status).toBe('completed');
    expect(info.rounds.some((r) => r.throttlePercent > 0)).toBe(true);
    expect(compared).toEqual({ ram: [], state: [], devices: [] });
    const dst = await incoming.done;
    const a = dst.counters();
    await new Promise((r) => setTimeout(r, 200));
    const b = dst.counters();
    expect((b.busyMs - a.busyMs) / (b.uptimeMs - a.uptimeMs)).toBeGreaterThan(0.5);
  });

  it('rollback after the commit gives the source back; the engine resuming never revives a retired source', async () => {
    const src = scribblerRunner(200);
    await new Promise((r) => setTimeout(r, 30));
    const { info, out, incoming } = await migrate(src, { bandwidthBps: 1e9, maxDowntimeMs: 300 });
    expect(info.status).toBe('completed');
    (await incoming.done).stop();
    const n = src.counters().instructions;
    expect(out.rollback()).toBe(true);
    expect(out.rollback()).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(src.counters().instructions).toBeGreaterThan(n);
  });

  it('the destination refuses a stream for another machine size', async () => {
    const src = scribblerRunner(200);
    const { port1, port2 } = new MessageChannel();
    const incoming = new IncomingVm(port2, { latencyMs: 0, ramBytes: 32 * MiB, harts: 1 }, () => { throw new Error('not reached'); });
    const info = await new OutgoingMigration(src, port1, { latencyMs: 0, domain: null, bandwidthBps: 1e9, maxDowntimeMs: 300 }, () => {}).run();
    expect(info.error).toBe("destination refused: this VM was prepared for 32 MiB and 1 vCPU(s), the stream's has 16 MiB and 1");
    await expect(incoming.done).rejects.toThrow(/prepared for 32 MiB/);
    const n = src.counters().instructions;
    await new Promise((r) => setTimeout(r, 30));
    expect(src.counters().instructions).toBeGreaterThan(n);
  });
});

describe('DelayedPort', () => {
  it('hands messages on one latency after they arrive, in order; a closed port drops what is in flight', async () => {
    const { port1, port2 } = new MessageChannel();
    const rx = new DelayedPort(port2 as never, 40);
    const got: [number, number][] = [];
    const t0 = performance.now();
    rx.onmessage = (e) => got.push([e.data as number, performance.now() - t0]);
    for (let i = 0; i < 5; i++) port1.postMessage(i);
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(got.map(([v]) => v)).toEqual([0, 1, 2, 3, 4]);
    expect(Math.min(...got.map(([, t]) => t))).toBeGreaterThanOrEqual(39);
    port1.postMessage(5);
    await new Promise((r) => setTimeout(r, 10));
    rx.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(got.length).toBe(5);
    expect(() => new DelayedPort(port1 as never, -1)).toThrow(RangeError);
    port1.close();
  });
});
