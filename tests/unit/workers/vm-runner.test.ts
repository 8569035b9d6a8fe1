import { afterEach, describe, expect, it } from 'vitest';
import { VmRunner } from '../../../src/workers/vm-runner.ts';
import { ByteRing } from '../../../src/hypervisor/ring.ts';
import { WakeWord } from '../../../src/hypervisor/wake.ts';
import { MiB } from '../../../src/hypervisor/machine/board.ts';
import { loadCatalogImage, readImageFile } from '../../../src/cli/images.ts';
import { bootImagesFor } from '../../../src/hypervisor/images/download.ts';
import type { VmEvent } from '../../../src/hypervisor/lab/backend.ts';
import { coreModule } from '../../helpers/run-guest.ts';

/** A runner wired to rings the test reads and writes, as the page's vm-client does. */
async function launch(imageName: string) {
  const image = loadCatalogImage(imageName);
  const kernel = await readImageFile(image.files.kernel, 'kernel');
  const initrd = image.files.initrd ? await readImageFile(image.files.initrd, 'initrd') : undefined;
  const input = new ByteRing(ByteRing.allocate(4096));
  const output = new ByteRing(ByteRing.allocate(64 * 1024));
  const wake = new WakeWord(WakeWord.allocate());
  const events: VmEvent[] = [];
  const runner = new VmRunner(
    { module: coreModule(), ramBytes: image.memoryMiB * MiB, harts: 1, boot: bootImagesFor(image, { kernel, initrd }), input: input.buffer, output: output.buffer, wake: wake.buffer },
    { yieldNow: () => new Promise((r) => setImmediate(r)), emit: (e) => events.push(e) },
  );
  let text = '';
  const dec = new TextDecoder();
  const drain = () => { text += dec.decode(output.read(), { stream: true }); return text; };
  /** Wait until `pattern` shows in the output from offset `from` on. */
  const waitFor = async (pattern: RegExp, ms = 20_000, from = 0) => {
    const t0 = performance.now();
    while (!pattern.test(drain().slice(from))) {
      if (performance.now() - t0 > ms) throw new Error(`no ${pattern} in:\n${text.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return text;
  };
  const type = (s: string) => { input.write(new TextEncoder().encode(s)); wake.ring(); };
  runners.push(runner);
  return { runner, events, drain, waitFor, type, output };
}

const runners: VmRunner[] = [];
afterEach(() => { for (const r of runners.splice(0)) r.stop(); });

describe('VmRunner', () => {
  it('runs a guest, sleeps while it waits, and pauses and resumes it', async () => {
    const vm = await launch('counter');
    expect(vm.events[0]?.kind).toBe('booted');
    vm.runner.start();
    await vm.waitFor(/counter: 3\b/);
    vm.runner.pause();
    expect(vm.runner.counters().state).toBe('paused');
    const frozen = vm.drain().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(vm.drain().length).toBe(frozen);
    vm.runner.resume();
    await vm.waitFor(/counter: 6\b/);
    const c = vm.runner.counters();
    // Ten ticks a second with WFI in between: the guest sleeps nearly all the time.
    expect(c.idleMs).toBeGreaterThan(c.busyMs * 5);
    expect(c.instructions).toBeGreaterThan(0);
  });

  it('resets to a fresh machine that boots again', async () => {
    const vm = await launch('counter');
    vm.runner.start();
    await vm.waitFor(/counter: 2\b/);
    const before = vm.runner.memory;
    vm.runner.reset();
    expect(vm.events.filter((e) => e.kind === 'booted').length).toBe(2);
    expect(vm.runner.memory).not.toBe(before);
    expect(vm.runner.counters().state).toBe('running');
    // The new machine counts from the start again.
    await vm.waitFor(/counter: 1\b/, 20_000, vm.drain().length);
  });

  it('boots Linux and answers typed commands through the rings', async () => {
    const vm = await launch('linux');
    vm.runner.start();
    await vm.waitFor(/root@virtlab:\/# $/, 60_000);
    // At its prompt the guest waits for input: the ring says so (with the prompt's bytes, or just
    // after them when the slice that printed them ended busy), and the page may draw at once.
    await expect.poll(() => vm.output.resting, { timeout: 2000, interval: 5 }).toBe(true);
    vm.type('uname -m\n');
    await vm.waitFor(/riscv64\r?\n/);
    vm.type('poweroff -f\n');
    const t0 = performance.now();
    while (!vm.events.some((e) => e.kind === 'exit') && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
    expect(vm.events.find((e) => e.kind === 'exit')).toEqual({ kind: 'exit', exit: { kind: 'poweroff' } });
    expect(vm.runner.counters().state).toBe('stopped');
  }, 90_000);
});
