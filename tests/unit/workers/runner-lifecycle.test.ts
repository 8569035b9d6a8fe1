/**
 * VmRunner's lifecycle (backend.ts): a guest's exit halts the machine and leaves the decision to
 * the lab; reset() boots it again from there. The user's pause and the host's hold (migration,
 * save) are independent; a runner built for a restore does nothing until started. Guests are
 * a few instructions assembled here (tests/unit/migration/rv-asm.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VmRunner } from '../../../src/workers/vm-runner.ts';
import { ByteRing } from '../../../src/hypervisor/ring.ts';
import { WakeWord } from '../../../src/hypervisor/wake.ts';
import { FINISHER, FINISHER_CODE, PVPANIC, MiB, describeMachine } from '../../../src/hypervisor/machine/board.ts';
import type { BootImages } from '../../../src/hypervisor/vm.ts';
import type { VmEvent } from '../../../src/hypervisor/lab/backend.ts';
import { coreModule } from '../../helpers/run-guest.ts';
import { Asm, REG, scribbler } from '../migration/rv-asm.ts';

/** Spin `n` loops, then store `value` to `addr` (a device that stops the machine); `sb` or `sw`. */
function spinThenStore(n: number, addr: number, value: number, width: 'sb' | 'sw'): Uint8Array {
  const { t0, t1, t2 } = REG;
  const a = new Asm();
  a.li32(t2, n).label('spin').addi(t2, t2, -1).bne(t2, 0, 'spin');
  a.li32(t0, addr).li32(t1, value);
  if (width === 'sb') a.sb(t1, 0, t0); else a.sw(t1, 0, t0);
  a.label('end').j('end');
  return a.bytes();
}

const bare = (kernel: Uint8Array): BootImages => ({ bios: { kind: 'none' }, kernel });

const runners: VmRunner[] = [];
afterEach(() => { for (const r of runners.splice(0)) r.stop(); });

function make(boot: BootImages | undefined, restoreInto?: ReturnType<typeof describeMachine>) {
  const events: VmEvent[] = [];
  const setup = {
    module: coreModule(), ramBytes: 16 * MiB, harts: 1, ...(boot ? { boot } : {}),
    input: ByteRing.allocate(4096), output: ByteRing.allocate(4096), wake: WakeWord.allocate(),
  };
  const runner = new VmRunner(setup, { yieldNow: () => new Promise((r) => setImmediate(r)), emit: (e) => events.push(e) }, restoreInto);
  runners.push(runner);
  return { runner, events };
}

async function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('VmRunner: exits halt the machine; reset boots it again', () => {
  it('a guest reboot (finisher reset) emits exit {reboot} and halts; reset() boots a new machine', async () => {
    const { runner, events } = make(bare(spinThenStore(3_000_000, FINISHER.base, FINISHER_CODE.reset, 'sw')));
    void runner.start();
    await waitFor(() => events.some((e) => e.kind === 'exit'));
    expect(events.map((e) => e.kind)).toEqual(['booted', 'exit']);
    expect(events[1]).toEqual({ kind: 'exit', exit: { kind: 'reboot' } });
    const halted = runner.counters();
    expect(halted.state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 50));
    expect(runner.counters().instructions).toBe(halted.instructions); // halted: nothing runs
    expect(events.length).toBe(2); // and nothing rebuilds it by itself
    const memory = runner.memory;
    runner.reset();
    expect(runner.memory).not.toBe(memory);
    expect(runner.counters().state).toBe('running');
    await waitFor(() => events.filter((e) => e.kind === 'exit').length === 2);
    expect(events.map((e) => e.kind)).toEqual(['booted', 'exit', 'booted', 'exit']);
    expect(runner.counters().instructions).toBeGreaterThan(2 * 3_000_000);
  });

  it('a guest panic (pvpanic) is exit {crashed}: state crashed, and reset() restarts it', async () => {
    const { runner, events } = make(bare(spinThenStore(1000, PVPANIC.base, 1, 'sb')));
    void runner.start();
    await waitFor(() => events.some((e) => e.kind === 'exit'));
    expect(events.at(-1)).toEqual({ kind: 'exit', exit: { kind: 'crashed' } });
    expect(runner.counters().state).toBe('crashed');
    expect(await runner.requestShutdown('poweroff', 1000)).toBe(false);
    runner.reset();
    await waitFor(() => events.filter((e) => e.kind === 'exit').length === 2);
  });

  it('stop() releases: no reset after it', async () => {
    const { runner } = make(bare(scribbler(1 * MiB, 16)));
    void runner.start();
    runner.stop();
    expect(() => runner.reset()).toThrow(/stopped/);
  });
});

describe('VmRunner: pauses and holds', () => {
  it("the user's pause and the host's hold are independent; a release resumes exactly where it was", async () => {
    const { runner } = make(bare(scribbler(1 * MiB, 16)));
    void runner.start();
    await waitFor(() => runner.counters().instructions > 1_000_000);
    const t = runner.hold();
    expect(t).toBeLessThanOrEqual(runner.clock());
    const held = runner.counters().instructions;
    expect(runner.counters().state).toBe('running'); // a host hold is not the user's pause
    expect(runner.blocker(false)).toMatch(/already being migrated/);
    expect(() => runner.reset()).toThrow(/migrated or saved/);
    runner.pause();
    runner.release();
    await new Promise((r) => setTimeout(r, 50));
    expect(runner.counters()).toMatchObject({ state: 'paused', instructions: held });
    expect(runner.blocker(false)).toBe('the domain is paused, not running');
    expect(runner.blocker(true)).toBeUndefined(); // a paused VM may be saved
    runner.resume();
    await waitFor(() => runner.counters().instructions > held);
  });

  it('retire holds it for good until unretire', async () => {
    const { runner } = make(bare(scribbler(1 * MiB, 16)));
    void runner.start();
    await waitFor(() => runner.counters().instructions > 0);
    runner.hold();
    runner.retire('the domain has migrated to another host');
    const n = runner.counters().instructions;
    expect(() => runner.pause()).toThrow(/migrated/);
    expect(runner.blocker(true)).toMatch(/migrated/);
    runner.release(); // the engine's resume after a late failure must not revive a retired copy
    await new Promise((r) => setTimeout(r, 30));
    expect(runner.counters().instructions).toBe(n);
    runner.unretire();
    await waitFor(() => runner.counters().instructions > n);
  });

  it('a runner built for a restore runs nothing until start(), which resolves at its first slice', async () => {
    const { runner, events } = make(undefined, describeMachine({ ramBytes: 16 * MiB, harts: 1 }));
    expect(events).toEqual([]);
    runner.machine.core.writeRam(0, scribbler(1 * MiB, 16));
    runner.machine.core.pc = 0x8000_0000n;
    runner.machine.core.exports.stateChanged();
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.counters().instructions).toBe(0);
    const before = runner.clock();
    const first = await runner.start();
    expect(first).toBeGreaterThanOrEqual(before);
    await waitFor(() => runner.counters().instructions > 0);
    await expect(runner.start()).rejects.toThrow(/already started/);
    expect(() => runner.reset()).toThrow(/without its boot images/);
  });

  it('throttling holds the vCPU back for its share of the time', async () => {
    const { runner } = make(bare(scribbler(1 * MiB, 16)));
    void runner.start();
    runner.setThrottle(80);
    await new Promise((r) => setTimeout(r, 30));
    const a = runner.counters();
    await new Promise((r) => setTimeout(r, 400));
    const b = runner.counters();
    // 20 % of the time running, give or take the shared machine.
    expect((b.busyMs - a.busyMs) / (b.uptimeMs - a.uptimeMs)).toBeLessThan(0.45);
    expect(() => runner.setThrottle(100)).toThrow(RangeError);
  });
});
