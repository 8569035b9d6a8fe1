/**
 * Live migration and save/restore of real guests between two VMs in one process: separate
 * memories, every byte through the stream and a transport. The console is one log across both
 * sides, as the page keeps one console open across the switch: nothing lost, nothing repeated.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, openSync, writeSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, MiB } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine, type BootImages } from '../../src/hypervisor/vm.ts';
import { LocalVm } from '../../src/hypervisor/migration/local.ts';
import { PreCopyMigration, type MigrationInfo, type PreCopyOptions } from '../../src/hypervisor/migration/precopy.ts';
import { IncomingMigration } from '../../src/hypervisor/migration/incoming.ts';
import { memoryTransportPair } from '../../src/hypervisor/migration/transport.ts';
import { saveVm, restoreVm } from '../../src/hypervisor/migration/savefile.ts';
import { loadCatalogImage, readImageFile } from '../../src/cli/images.ts';
import { linuxImages, PROMPT } from '../../bench/linux-boot.ts';
import { coreModule } from '../helpers/run-guest.ts';
import { ConsoleLog, checkingFactory, summary, type RestoreChecks } from '../unit/migration/helpers.ts';

async function bareMetal(name: string, append: string): Promise<{ images: BootImages; memMiB: number }> {
  const im = loadCatalogImage(name);
  return { images: { bios: { kind: 'none' }, kernel: await readImageFile(im.files.kernel, name), append }, memMiB: im.memoryMiB };
}

async function launch(images: BootImages, memMiB: number, log: ConsoleLog): Promise<LocalVm> {
  const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: memMiB * MiB, harts: 1 }), log.io());
  vm.boot(images);
  const l = new LocalVm(vm);
  await l.start();
  return l;
}

interface Migrated { info: MigrationInfo; dst: LocalVm | undefined; checks: RestoreChecks; incoming: IncomingMigration }

/** Migrate `src` to a new VM on the same console; the factory compares both at the switchover. */
async function migrate(src: LocalVm, log: ConsoleLog, opts: PreCopyOptions = {}, during?: (m: PreCopyMigration, link: ReturnType<typeof memoryTransportPair>) => void): Promise<Migrated> {
  const link = memoryTransportPair({ latencyMs: 0.5 });
  const checks: RestoreChecks = {};
  const out: { dst?: LocalVm } = {};
  const incoming = new IncomingMigration(link.destination, checkingFactory(src, checks, out, log));
  const mig = new PreCopyMigration(src, link.source, opts);
  during?.(mig, link);
  const info = await mig.start();
  if (info.status === 'completed') await incoming.done;
  return { info, dst: info.status === 'completed' ? out.dst : undefined, checks, incoming };
}

function counterValues(text: string): number[] {
  return [...text.matchAll(/^counter: (\d+)\r?$/gm)].map((m) => Number(m[1]));
}

/** Consecutive from 1, each once. */
function expectNoGapNoRepeat(values: number[]): void {
  expect(values.length).toBeGreaterThan(0);
  const bad = values.map((v, i) => [v, i + 1]).filter(([v, want]) => v !== want);
  expect(bad.slice(0, 5)).toEqual([]);
}

const lastCounter = (log: ConsoleLog) => counterValues(log.text).at(-1) ?? 0;

describe('live migration: counter (bare metal, timer interrupts)', () => {
  it('moves a running counter there and back: no gap, no repeat, the destination keeps counting in time', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await bareMetal('counter', 'ticks=50');
    const a = await launch(images, memMiB, log);
    await log.waitFor('counter: 10\r\n');
    const there = await migrate(a, log);
    expect(there.info.status).toBe('completed');
    expect(there.checks).toEqual({ ram: [], state: [] });
    expect(a.runState).toBe('destroyed');
    console.log(`counter A→B: ${summary(there.info)}`);

    // The destination counts on, at 50 ticks per second of its guest time.
    const n = lastCounter(log);
    const t0 = performance.now();
    await log.waitFor(`counter: ${n + 25}\r\n`);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThan(300);
    expect(ms).toBeLessThan(3000);

    const back = await migrate(there.dst!, log);
    expect(back.info.status).toBe('completed');
    expect(back.checks).toEqual({ ram: [], state: [] });
    console.log(`counter B→C: ${summary(back.info)}`);
    await log.waitFor(`counter: ${lastCounter(log) + 10}\r\n`);
    back.dst!.destroy();
    expectNoGapNoRepeat(counterValues(log.text));
    expect(there.info.downtimeMs).toBeLessThan(300);
  });
});

describe('live migration: memtouch (dirties pages, verifies them)', () => {
  it('converges over several rounds with no verification error', async () => {
    const log = new ConsoleLog();
    // 8 MiB written at 1500 pages/s (6 MB/s) over a 100 Mbit/s link with a 100 ms limit: each
    // round resends about half of the previous one.
    const { images, memMiB } = await bareMetal('memtouch', 'pages=2048 rate=1500');
    const src = await launch(images, memMiB, log);
    await log.waitFor('memtouch: gen');
    const r = await migrate(src, log, { bandwidthBps: 100e6, maxDowntimeMs: 100 });
    console.log(`memtouch converging: ${summary(r.info)}`);
    expect(r.info.status).toBe('completed');
    expect(r.checks).toEqual({ ram: [], state: [] });
    expect(r.info.rounds.length).toBeGreaterThanOrEqual(3);
    expect(r.info.forcedSwitchover).toBe(false);
    expect(r.info.throttlePercent).toBe(0);
    expect(r.info.expectedDowntimeMs).toBeLessThanOrEqual(100);
    // Dirtied pages shrink round by round.
    const dirtied = r.info.rounds.slice(0, -1).map((x) => x.pagesDirtied);
    expect(dirtied.at(-1)!).toBeLessThan(dirtied[0]);
    // Two more reports from the destination, each over a full pass of verified pages.
    await log.waitFor('pages/s');
    await log.waitFor('pages/s');
    r.dst!.destroy();
    expect(log.text).not.toMatch(/MISMATCH|errors/);
  });

  it('a dirty rate no round can beat: auto-converge throttles to 99 %, then switches over anyway, nothing lost', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await bareMetal('memtouch', 'pages=2048 rate=400000');
    const src = await launch(images, memMiB, log);
    await log.waitFor('memtouch: gen');
    const r = await migrate(src, log, { bandwidthBps: 400e6, maxDowntimeMs: 20, maxRounds: 2, throttle: { initial: 60, increment: 20, max: 99 } });
    console.log(`memtouch auto-converge: ${summary(r.info)}`);
    expect(r.info.status).toBe('completed');
    expect(r.checks).toEqual({ ram: [], state: [] });
    expect(r.info.rounds.map((x) => x.throttlePercent)).toEqual(expect.arrayContaining([60, 80, 99]));
    expect(r.dst!.throttlePercent).toBe(0);
    await log.waitFor('pages/s');
    await log.waitFor('pages/s');
    r.dst!.destroy();
    expect(log.text).not.toMatch(/MISMATCH|errors/);
  });
});

async function sh(log: ConsoleLog, vm: LocalVm, cmd: string): Promise<string> {
  vm.consoleInput(new TextEncoder().encode(cmd + '\n'));
  const out = await log.waitFor(PROMPT);
  return out.slice(out.indexOf('\n') + 1, out.length - PROMPT.length).replace(/\r/g, '').trimEnd();
}

describe('live migration: linux at its shell', () => {
  it('migrates while a shell loop prints; the loop goes on, commands run on the destination, files survive', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await linuxImages();
    const src = await launch(images, memMiB, log);
    await log.waitFor(PROMPT, 60_000);
    expect(await sh(log, src, 'echo hi > /tmp/x')).toBe('');
    src.consoleInput(new TextEncoder().encode('for i in $(seq 1 300); do echo n$i; usleep 2000; done\n'));
    await log.waitFor('n20\r\n');
    const r = await migrate(src, log);
    console.log(`linux: ${summary(r.info)}`);
    expect(r.info.status).toBe('completed');
    expect(r.checks).toEqual({ ram: [], state: [] });
    const dst = r.dst!;
    await log.waitFor('n300\r\n');
    await log.waitFor(PROMPT);
    const printed = [...log.text.matchAll(/^n(\d+)\r?$/gm)].map((m) => Number(m[1]));
    expect(printed).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await sh(log, dst, 'echo $((2+3))')).toBe('5');
    expect(await sh(log, dst, 'cat /tmp/x')).toBe('hi');
    dst.destroy();
  });

  it('migrates while memdirty dirties 20 MiB/s in the guest; it converges, memdirty runs on, commands run after', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await linuxImages();
    const src = await launch(images, memMiB, log);
    await log.waitFor(PROMPT, 60_000);
    await sh(log, src, 'memdirty pages=2048 rate=5120 > /tmp/md.log &');
    expect(await sh(log, src, 'usleep 300000; cat /tmp/md.log')).toBe('memdirty: running, 2048 pages at 5120 pages/s');
    const r = await migrate(src, log);
    console.log(`linux + memdirty: ${summary(r.info)}`);
    expect(r.info.status).toBe('completed');
    expect(r.checks).toEqual({ ram: [], state: [] });
    // The guest dirtied pages while round 1 ran: later rounds resent them.
    expect(r.info.rounds[0].pagesDirtied).toBeGreaterThan(100);
    expect(r.info.downtimeMs!).toBeLessThan(300);
    const dst = r.dst!;
    expect(await sh(log, dst, 'echo after the switch')).toBe('after the switch');
    expect(await sh(log, dst, 'pidof memdirty >/dev/null && echo still dirtying')).toBe('still dirtying');
    dst.destroy();
  });
});

describe('migration failures leave the source running with its console intact', () => {
  it('link cut in the middle of a round', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await bareMetal('counter', 'ticks=50');
    const src = await launch(images, memMiB, log);
    await log.waitFor('counter: 5\r\n');
    // A slow link and small chunks, so round 1 (about 45 KB: the counter is small) takes ~0.4 s.
    const r = await migrate(src, log, { bandwidthBps: 1e6, chunkBytes: 4096 }, (mig, link) => {
      const t = setInterval(() => { if (mig.info.ram.transferred > 8192) { clearInterval(t); link.cut('link cut'); } }, 1);
    });
    expect(r.info.round).toBe(1);
    expect(r.info.status).toBe('failed');
    expect(r.info.error).toBe('migration link closed: link cut');
    await expect(r.incoming.done).rejects.toThrow(/link cut/);
    expect(src.runState).toBe('running');
    await log.waitFor(`counter: ${lastCounter(log) + 10}\r\n`);
    src.destroy();
    expectNoGapNoRepeat(counterValues(log.text));
  });

  it('destination refuses the state after the source paused: the source resumes', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await bareMetal('counter', 'ticks=50');
    const src = await launch(images, memMiB, log);
    await log.waitFor('counter: 5\r\n');
    const link = memoryTransportPair();
    const incoming = new IncomingMigration(link.destination, (h) => {
      const dst = new LocalVm(new VirtualMachine(coreModule(), h.machine, log.io()));
      dst.restoreState = () => { throw new Error('host2: this host has no uart0'); };
      return dst;
    });
    const info = await new PreCopyMigration(src, link.source).start();
    expect(info.status).toBe('failed');
    expect(info.error).toBe('destination refused: host2: this host has no uart0');
    expect(info.rounds.length).toBeGreaterThanOrEqual(2); // it got as far as stop-and-copy
    await expect(incoming.done).rejects.toThrow(/no uart0/);
    await log.waitFor(`counter: ${lastCounter(log) + 10}\r\n`);
    src.destroy();
    expectNoGapNoRepeat(counterValues(log.text));
  });
});

describe('save to a file and restore (virsh save / virsh restore)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtlab-save-'));

  async function saveAndRestore(src: LocalVm, log: ConsoleLog, file: string): Promise<LocalVm> {
    const fd = openSync(file, 'w');
    const saved = await saveVm(src, (chunk) => { writeSync(fd, chunk); }, { domain: { name: 'test' } });
    closeSync(fd);
    expect(statSync(file).size).toBe(saved.bytes);
    src.destroy(); // virsh save stops the domain
    const bytes = new Uint8Array(readFileSync(file));
    const chunks = function* () { for (let o = 0; o < bytes.length; o += 65536) yield bytes.subarray(o, o + 65536); };
    const vm = await restoreVm(chunks(), LocalVm.factory(coreModule(), log.io())) as LocalVm;
    await vm.start();
    return vm;
  }

  it('counter: restored into a fresh VM, it counts on from where it was saved', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await bareMetal('counter', 'ticks=50');
    const src = await launch(images, memMiB, log);
    await log.waitFor('counter: 5\r\n');
    const vm = await saveAndRestore(src, log, join(dir, 'counter.sav'));
    await log.waitFor(`counter: ${lastCounter(log) + 10}\r\n`);
    vm.destroy();
    expectNoGapNoRepeat(counterValues(log.text));
  });

  it('linux: a file written before the save is there after the restore; a damaged file is refused', async () => {
    const log = new ConsoleLog();
    const { images, memMiB } = await linuxImages();
    const src = await launch(images, memMiB, log);
    await log.waitFor(PROMPT, 60_000);
    await sh(log, src, 'echo saved > /tmp/s');
    const file = join(dir, 'linux.sav');
    const vm = await saveAndRestore(src, log, file);
    expect(await sh(log, vm, 'cat /tmp/s')).toBe('saved');
    vm.destroy();

    const damaged = new Uint8Array(readFileSync(file));
    damaged[damaged.length >> 1] ^= 1;
    let built: LocalVm | undefined;
    await expect(restoreVm([damaged], (h) => (built = LocalVm.factory(coreModule(), log.io())(h)))).rejects.toThrow(/migration stream: /);
    expect(built?.runState).toBe('destroyed');
    await expect(restoreVm([damaged.subarray(0, 100_000)], LocalVm.factory(coreModule(), log.io()))).rejects.toThrow(/truncated/);
    rmSync(dir, { recursive: true, force: true });
  });
});
