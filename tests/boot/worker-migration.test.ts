/**
 * Live migration, save/restore and guest requests through the page's VM launcher
 * (src/workers/vm-client.ts), with each VM's worker in this process on a node MessageChannel
 * (tests/unit/workers/in-process.ts): the page's code, the worker's code and every port between
 * them are the real ones; each VM has its own memory and the stream crosses a real MessagePort.
 *
 * The console is one log across source and destination, as the lab keeps one per domain: nothing
 * may be lost or repeated across a switch, and typing goes on on the destination.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerVmLauncher, type WorkerVm } from '../../src/workers/vm-client.ts';
import type { MigrationJob, MigrationRequest, RunningVm, VmEvent, VmSink } from '../../src/hypervisor/lab/backend.ts';
import type { MigrationEvent, MigrationInfo } from '../../src/hypervisor/migration/precopy.ts';
import { StreamReader, type MigrationHeader } from '../../src/hypervisor/migration/stream.ts';
import type { JobOptions } from '../../src/workers/migration-job.ts';
import { MiB } from '../../src/hypervisor/machine/board.ts';
import type { BootImages } from '../../src/hypervisor/vm.ts';
import { loadCatalogImage, readImageFile } from '../../src/cli/images.ts';
import { linuxImages, PROMPT } from '../../bench/linux-boot.ts';
import { coreModule } from '../helpers/run-guest.ts';
import { summary } from '../unit/migration/helpers.ts';
import { CuttableLink, InProcessWorkers } from '../unit/workers/in-process.ts';

/** One domain's console: every VM it runs on writes here. */
class Console {
  text = '';
  readonly events: VmEvent[] = [];
  private readonly dec = new TextDecoder();
  private seen = 0;

  readonly sink: VmSink = {
    output: (b) => { this.text += this.dec.decode(b, { stream: true }); },
    event: (e) => { this.events.push(e); },
  };

  async waitFor(text: string, timeoutMs = 30_000): Promise<string> {
    const t0 = performance.now();
    for (;;) {
      const at = this.text.indexOf(text, this.seen);
      if (at >= 0) {
        const out = this.text.slice(this.seen, at + text.length);
        this.seen = at + text.length;
        return out;
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)}; console:\n${this.text.slice(-1500)}`);
      await sleep(5);
    }
  }

  async waitForEvent(pred: (e: VmEvent) => boolean, timeoutMs = 30_000): Promise<VmEvent> {
    const t0 = performance.now();
    for (;;) {
      const e = this.events.find(pred);
      if (e) return e;
      if (performance.now() - t0 > timeoutMs) throw new Error(`no such event in ${JSON.stringify(this.events)}`);
      await sleep(5);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = (s: string) => new TextEncoder().encode(s);

let workers: InProcessWorkers;
afterEach(() => workers?.endAll());

function newLauncher(migration: JobOptions = {}): WorkerVmLauncher {
  workers = new InProcessWorkers();
  return new WorkerVmLauncher(coreModule(), { cpus: 2, spawn: workers.spawn, migration });
}

async function counterImages(): Promise<{ boot: BootImages; memMiB: number }> {
  const im = loadCatalogImage('counter');
  return { boot: { bios: { kind: 'none' }, kernel: await readImageFile(im.files.kernel, 'counter'), append: 'ticks=50' }, memMiB: im.memoryMiB };
}

/** `memMiB`: more RAM makes round 1 longer on a slow link (zero pages cost 5 bytes each). */
async function launchCounter(launcher: WorkerVmLauncher, con: Console, memMiB?: number): Promise<WorkerVm> {
  const im = await counterImages();
  return await launcher.launch({ name: 'c', ramBytes: (memMiB ?? im.memMiB) * MiB, harts: 1, boot: im.boot }, con.sink) as WorkerVm;
}

/** A launcher, a console, and a counter VM on it that has printed `counter: upTo`. */
async function startCounter(upTo: number, options: JobOptions = {}, memMiB?: number): Promise<{ launcher: WorkerVmLauncher; con: Console; vm: WorkerVm }> {
  const launcher = newLauncher(options);
  const con = new Console();
  const vm = await launchCounter(launcher, con, memMiB);
  await con.waitFor(`counter: ${upTo}\r\n`);
  return { launcher, con, vm };
}

/** A launcher, a console, and the linux image booted on it to its shell prompt. */
async function startLinux(): Promise<{ launcher: WorkerVmLauncher; con: Console; vm: RunningVm; images: BootImages }> {
  const launcher = newLauncher();
  const con = new Console();
  const { images, memMiB } = await linuxImages();
  const vm = await launcher.launch({ name: 'l', ramBytes: memMiB * MiB, harts: 1, boot: images }, con.sink);
  await con.waitFor(PROMPT, 90_000);
  return { launcher, con, vm, images };
}

function counterValues(text: string): number[] {
  return [...text.matchAll(/^counter: (\d+)\r?$/gm)].map((m) => Number(m[1]));
}
const lastCounter = (con: Console) => counterValues(con.text).at(-1) ?? 0;

/** Consecutive from 1, each once. */
function expectNoGapNoRepeat(values: number[]): void {
  expect(values.length).toBeGreaterThan(0);
  const bad = values.map((v, i) => [v, i + 1]).filter(([v, want]) => v !== want);
  expect(bad.slice(0, 5)).toEqual([]);
}

/** 32768 pages, nearly all zero: round 1 takes about 1.3 s at 1 Mbit/s. */
const SLOW_ROUND_MIB = 128;

const request = (over: Partial<MigrationRequest> = {}): MigrationRequest => ({
  name: 'c', domain: 'name = "c"\n', bandwidthBps: 1e9, latencyMs: 0.5, maxDowntimeMs: 300, ...over,
});

/** Start a migration and record its events. */
function migrate(launcher: WorkerVmLauncher, vm: RunningVm, con: Console, over: Partial<MigrationRequest> = {}) {
  const job = launcher.migrate(vm, request(over), con.sink);
  const events: MigrationEvent[] = [];
  job.on((e) => events.push(e));
  return { job, events };
}

async function failure(job: MigrationJob): Promise<string> {
  try {
    await job.done;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the migration completed');
}

/** Wait until the job's figures satisfy `pred`. */
async function until(job: MigrationJob, pred: (i: MigrationInfo) => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = performance.now();
  while (!pred(job.info)) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`job stuck at ${JSON.stringify(job.info).slice(0, 300)}`);
    await sleep(2);
  }
}

/** The source still runs with its console intact: ten more counts, none lost or repeated. */
async function sourceRunsOn(vm: RunningVm, con: Console): Promise<void> {
  expect((await vm.counters()).state).toBe('running');
  await con.waitFor(`counter: ${lastCounter(con) + 10}\r\n`);
  expectNoGapNoRepeat(counterValues(con.text));
}

describe('live migration between two VM workers: counter', () => {
  it('moves a running counter there and back: no gap, no repeat; figures and events are live', async () => {
    const { launcher, con, vm: a } = await startCounter(10);
    const sourceWorker = workers.last;
    const there = migrate(launcher, a, con);
    const b = await there.job.done;
    console.log(`worker counter A→B: ${summary(there.job.info)}`);
    expect(there.job.info.status).toBe('completed');
    expect(sourceWorker.ended).toBe('terminated');
    expect(b.memory).not.toBe(a.memory);
    expect(b.memory.buffer).not.toBe(a.memory.buffer);
    const statuses = there.events.filter((e) => e.kind === 'status').map((e) => (e as { status: string }).status);
    expect(statuses).toEqual(['setup', 'active', 'device', 'completed']);
    expect(there.events.some((e) => e.kind === 'round')).toBe(true);
    expect(there.events.at(-1)?.kind).toBe('end');
    expect(there.job.cancel()).toBe(false);
    await expect(a.counters()).rejects.toThrow(/gone/);

    // The destination counts on, in time, on the same console.
    const n = lastCounter(con);
    const t0 = performance.now();
    await con.waitFor(`counter: ${n + 25}\r\n`);
    expect(performance.now() - t0).toBeGreaterThan(300);
    expect((await b.counters()).state).toBe('running');

    const back = migrate(launcher, b, con);
    const c = await back.job.done;
    console.log(`worker counter B→C: ${summary(back.job.info)}`);
    await con.waitFor(`counter: ${lastCounter(con) + 10}\r\n`);
    expectNoGapNoRepeat(counterValues(con.text));
    // All VMs share this thread here (each has a worker of its own in the page): allow for it.
    expect(there.job.info.downtimeMs).toBeLessThan(1000);
    expect(workers.live.length).toBe(1);
    // Figures and settings reach the source worker while it runs: a link that starts slow.
    const third = migrate(launcher, c, con, { bandwidthBps: 1e6 });
    await until(third.job, (i) => i.status === 'active');
    expect(() => third.job.setBandwidth(1)).toThrow(RangeError);
    third.job.setMaxDowntime(500);
    third.job.setBandwidth(1e9);
    const d = await third.job.done;
    expect(third.job.info).toMatchObject({ status: 'completed', bandwidthBps: 1e9, maxDowntimeMs: 500 });
    await con.waitFor(`counter: ${lastCounter(con) + 5}\r\n`);
    expectNoGapNoRepeat(counterValues(con.text));
    d.destroy();
    expect(workers.live.length).toBe(0);
  });

  it('a migrated VM is a full VM: pause, resume, reboot with the images it came with', async () => {
    const { launcher, con, vm: a } = await startCounter(3);
    const c = await migrate(launcher, a, con).job.done;
    await c.pause();
    expect((await c.counters()).state).toBe('paused');
    await c.resume();
    await c.reboot();
    await con.waitFor('counter: 1\r\n');
    c.destroy();
  });
});

describe('live migration between two VM workers: linux', () => {
  it('migrates while a shell loop prints; input typed during the switchover and after reaches the destination', async () => {
    const { launcher, con, vm: src } = await startLinux();
    src.consoleInput(enc('echo hi > /tmp/x\n'));
    await con.waitFor(PROMPT);
    src.consoleInput(enc('for i in $(seq 1 300); do echo n$i; usleep 2000; done\n'));
    await con.waitFor('n20\r\n');
    const { job } = migrate(launcher, src, con, { name: 'l' });
    // Typed into the source while it is held for the switchover: the shell reads it after the loop.
    job.on((e) => { if (e.kind === 'status' && e.status === 'device') src.consoleInput(enc('echo typed-at-switchover\n')); });
    const dst = await job.done;
    console.log(`worker linux: ${summary(job.info)}`);
    // What the lab routes to the old handle goes on to the destination.
    src.consoleInput(enc('echo via-old-handle\n'));
    await con.waitFor('n300\r\n', 60_000);
    await con.waitFor('typed-at-switchover\r\n', 30_000);
    await con.waitFor('via-old-handle\r\n', 30_000);
    const printed = [...con.text.matchAll(/^n(\d+)\r?$/gm)].map((m) => Number(m[1]));
    expect(printed).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await con.waitFor(PROMPT);
    dst.consoleInput(enc('echo $((2+3)); cat /tmp/x\n'));
    expect(await con.waitFor(PROMPT)).toMatch(/\r\n5\r\nhi\r\n/);
    expect(con.events.filter((e) => e.kind !== 'booted')).toEqual([]);
    dst.destroy();
  }, 240_000);
});

describe('migration failures: the source runs on, its console intact', () => {
  it('the destination refuses the header', async () => {
    const { launcher, con, vm } = await startCounter(5);
    workers.options = { checkHeader: () => { throw new Error('host2: no room for it'); } };
    const { job } = migrate(launcher, vm, con);
    expect(await failure(job)).toBe('destination refused: host2: no room for it');
    expect(job.info.status).toBe('failed');
    expect(workers.last.ended).toBe('terminated');
    await sourceRunsOn(vm, con);
  });

  it('the destination worker dies in the middle of the rounds', async () => {
    const { launcher, con, vm } = await startCounter(5, { chunkBytes: 4096 }, SLOW_ROUND_MIB);
    // A slow link and small chunks: round 1 takes over a second.
    const { job } = migrate(launcher, vm, con, { bandwidthBps: 1e6 });
    await until(job, (i) => i.status === 'active' && i.ram.transferred > 16_384);
    workers.last.kill('out of memory');
    expect(await failure(job)).toMatch(/destination VM's worker died: out of memory/);
    expect(job.info.round).toBe(1);
    await sourceRunsOn(vm, con);
  });

  it('the destination worker dies just before the switchover', async () => {
    const { launcher, con, vm } = await startCounter(5);
    // 50 ms of latency: the stop-and-copy is under way and the stream's end not yet there.
    const { job } = migrate(launcher, vm, con, { latencyMs: 50 });
    const dest = workers.last;
    job.on((e) => { if (e.kind === 'status' && e.status === 'device') dest.kill('crashed'); });
    expect(await failure(job)).toMatch(/destination VM's worker died: crashed/);
    await sourceRunsOn(vm, con);
  });

  it('the destination worker dies right after the engine committed: the page takes it back', async () => {
    const { launcher, con, vm } = await startCounter(5);
    const { job } = migrate(launcher, vm, con);
    const dest = workers.last;
    // The engine's `completed` comes before the page hands the console over.
    job.on((e) => { if (e.kind === 'status' && e.status === 'completed') dest.kill('crashed after it started'); });
    expect(await failure(job)).toMatch(/destination failed at the switchover .*crashed after it started.*; the source runs on/);
    expect(job.info.status).toBe('failed');
    await sourceRunsOn(vm, con);
  });

  it('the link is cut (silently: no message crosses any more)', async () => {
    const { launcher, con, vm } = await startCounter(5, { chunkBytes: 4096, switchoverTimeoutMs: 2000 }, SLOW_ROUND_MIB);
    const link = new CuttableLink();
    workers.options = { wrapPort: link.wrap };
    const { job } = migrate(launcher, vm, con, { bandwidthBps: 1e6 });
    await until(job, (i) => i.status === 'active' && i.ram.transferred > 16_384);
    link.cut = true;
    expect(await failure(job)).toBe('destination did not start the VM within 2000 ms');
    await sourceRunsOn(vm, con);
  });

  it('cancel (virsh domjobabort) in the middle of the rounds; refused once the switchover began', async () => {
    const { launcher, con, vm } = await startCounter(5, { chunkBytes: 4096 }, SLOW_ROUND_MIB);
    const { job } = migrate(launcher, vm, con, { bandwidthBps: 1e6 });
    await until(job, (i) => i.status === 'active' && i.ram.transferred > 16_384);
    expect(job.cancel()).toBe(true);
    expect(await failure(job)).toBe('migration cancelled');
    expect(job.info.status).toBe('cancelled');
    expect(job.cancel()).toBe(false);
    expect(workers.last.ended).toBe('terminated');
    await sourceRunsOn(vm, con);

    const second = migrate(launcher, vm, con);
    let refused: boolean | undefined;
    second.job.on((e) => { if (e.kind === 'status' && e.status === 'device') refused = second.job.cancel(); });
    await second.job.done;
    expect(refused).toBe(false);
  });

  it('the destination never answers (link dead from the start): setup timeout', async () => {
    const { launcher, con, vm } = await startCounter(5, { setupTimeoutMs: 1000 });
    const link = new CuttableLink();
    link.cut = true;
    workers.options = { wrapPort: link.wrap };
    const { job } = migrate(launcher, vm, con);
    expect(await failure(job)).toBe('destination did not accept the migration within 1000 ms');
    await sourceRunsOn(vm, con);
  });

  it("the source's worker dies: the migration fails, the destination is dropped, the lab hears of the crash", async () => {
    const { launcher, con, vm } = await startCounter(5, { chunkBytes: 4096 }, SLOW_ROUND_MIB);
    const source = workers.last;
    const { job } = migrate(launcher, vm, con, { bandwidthBps: 1e6 });
    await until(job, (i) => i.status === 'active');
    source.kill('out of memory');
    expect(await failure(job)).toBe('the source VM went away: out of memory');
    expect(job.info.status).toBe('failed');
    expect(workers.live.length).toBe(0);
    expect(con.events.at(-1)).toEqual({ kind: 'crashed', message: 'out of memory' });
  });

  it('the source VM is destroyed while it migrates', async () => {
    const { launcher, con, vm } = await startCounter(5, { chunkBytes: 4096 }, SLOW_ROUND_MIB);
    const { job } = migrate(launcher, vm, con, { bandwidthBps: 1e6 });
    await until(job, (i) => i.status === 'active');
    // Control while it migrates: refused, or false for a guest request (the lab refuses them anyway).
    await expect(vm.pause()).rejects.toThrow(/cannot pause while the domain is being migrated/);
    await expect(vm.save(null)).rejects.toThrow(/cannot save while/);
    expect(await vm.requestShutdown('poweroff', 5000)).toBe(false);
    expect((await vm.counters()).state).toBe('running');
    const again = migrate(launcher, vm, con);
    expect(await failure(again.job)).toBe('the domain is already being migrated');
    expect(job.info.status).toBe('active');
    vm.destroy();
    expect(await failure(job)).toMatch(/source VM went away: the VM was destroyed/);
    expect(workers.live.length).toBe(0);
  });
});

describe('save and restore through workers', () => {
  it('counter: saved (left paused), restored in a new worker, counts on; a damaged stream is refused', async () => {
    const { launcher, con, vm } = await startCounter(5);
    const bytes = await vm.save('name = "c"\n');
    expect((await vm.counters()).state).toBe('paused');
    vm.destroy();
    const n = lastCounter(con);
    await sleep(200);
    expect(lastCounter(con)).toBe(n);

    const restored = await launcher.restore(bytes, 'c', con.sink);
    await con.waitFor(`counter: ${n + 10}\r\n`);
    expectNoGapNoRepeat(counterValues(con.text));
    expect((await restored.counters()).state).toBe('running');
    // No boot images given: it runs, but cannot boot again.
    await expect(restored.reboot()).rejects.toThrow(/without its boot images/);
    restored.destroy();

    const damaged = bytes.slice();
    damaged[damaged.length >> 1] ^= 1;
    const before = workers.all.length;
    await expect(launcher.restore(damaged, 'c', con.sink)).rejects.toThrow(/^migration stream: /);
    await expect(launcher.restore(bytes.subarray(0, bytes.length - 3), 'c', con.sink)).rejects.toThrow(/truncated/);
    await expect(launcher.restore(new Uint8Array(0), 'c', con.sink)).rejects.toThrow(/migration stream/);
    expect(workers.all.length).toBe(before + 3);
    expect(workers.live.length).toBe(0);
  });

  it('linux: a file written before the save is there after the restore, which can reboot with its images', async () => {
    const { launcher, con, vm, images } = await startLinux();
    vm.consoleInput(enc('echo saved > /tmp/s\n'));
    await con.waitFor(PROMPT);
    const bytes = await vm.save('name = "l"\n');
    vm.destroy();
    const restored = await launcher.restore(bytes, 'l', con.sink, { boot: images });
    restored.consoleInput(enc('cat /tmp/s\n'));
    expect(await con.waitFor(PROMPT)).toMatch(/\r\nsaved\r\n/);
    await restored.reboot();
    await con.waitFor(PROMPT, 90_000);
    restored.destroy();
  }, 240_000);
});

describe('guest requests and exits through workers', () => {
  it('linux: poweroff asked of the agent → exit, halted; reboot() boots it again; a guest reboot halts too', async () => {
    const { con, vm } = await startLinux();
    await vm.pause();
    expect(await vm.requestShutdown('poweroff', 5000)).toBe(false); // paused: false at once
    await vm.resume();
    expect(await vm.requestShutdown('poweroff', 30_000)).toBe(true);
    expect(await con.waitForEvent((e) => e.kind === 'exit', 60_000)).toEqual({ kind: 'exit', exit: { kind: 'poweroff' } });
    expect((await vm.counters()).state).toBe('stopped');
    expect(await vm.requestShutdown('reboot', 1000)).toBe(false); // halted
    const memory = vm.memory;
    await vm.reboot();
    expect(vm.memory).not.toBe(memory);
    await con.waitFor(PROMPT, 90_000);
    con.events.length = 0;
    vm.consoleInput(enc('reboot -f\n'));
    expect(await con.waitForEvent((e) => e.kind === 'exit', 60_000)).toEqual({ kind: 'exit', exit: { kind: 'reboot' } });
    await sleep(200);
    expect(con.events.filter((e) => e.kind === 'booted')).toEqual([]); // halted, not rebuilt
    await vm.reboot();
    await con.waitFor(PROMPT, 90_000);
    vm.destroy();
  }, 300_000);

  it('counter has no agent: a request goes unanswered (false) and it runs on', async () => {
    const { con, vm } = await startCounter(3);
    expect(await vm.requestShutdown('poweroff', 500)).toBe(false);
    await sourceRunsOn(vm, con);
  });
});

describe('launching paused (xl create -p, virsh start --paused)', () => {
  it('builds and loads the VM but runs no instruction until it is resumed', async () => {
    const launcher = newLauncher();
    const con = new Console();
    const im = await counterImages();
    const vm = await launcher.launch({ name: 'c', ramBytes: im.memMiB * MiB, harts: 1, boot: im.boot, paused: true }, con.sink);
    await con.waitForEvent((e) => e.kind === 'booted');
    await sleep(300);
    expect(await vm.counters()).toMatchObject({ state: 'paused', instructions: 0 });
    expect(con.text).toBe('');
    await vm.resume();
    await con.waitFor('counter: 1\r\n');
    expect((await vm.counters()).state).toBe('running');
    vm.destroy();
  });

  it('a save restored paused (virsh restore --paused) waits where it was saved, then counts on', async () => {
    const { launcher, con, vm } = await startCounter(4);
    const bytes = await vm.save('name = "c"\n', true);
    vm.destroy();
    // The image records the state to restore in (virsh save --paused): the lab reads it from the header.
    let header: MigrationHeader | undefined;
    new StreamReader({ header: (h) => { header = h; }, page: () => {}, zero: () => {}, state: () => {}, end: () => {} }).push(bytes);
    expect(header).toMatchObject({ kind: 'save', paused: true, domain: 'name = "c"\n' });
    const n = lastCounter(con);
    const restored = await launcher.restore(bytes, 'c', con.sink, { paused: true });
    await sleep(300);
    expect(await restored.counters()).toMatchObject({ state: 'paused' });
    expect(lastCounter(con)).toBe(n);
    await restored.resume();
    await con.waitFor(`counter: ${n + 3}\r\n`);
    expectNoGapNoRepeat(counterValues(con.text));
    restored.destroy();
  });
});
