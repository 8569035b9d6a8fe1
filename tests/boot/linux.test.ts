/**
 * Guest boot in Node (the third rung of the test ladder): the `linux` image boots to a busybox
 * shell, answers commands, keeps time and powers off; the same kernel boots under Debian's
 * OpenSBI; the bare-metal `counter` counts without gaps.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { GuestSession, runGuest } from '../helpers/run-guest.ts';
import { linuxImages, PROMPT } from '../../bench/linux-boot.ts';
import { loadCatalogImage, readImageFile } from '../../src/cli/images.ts';

const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';

/** Type a command and return what it printed (between the echoed command and the next prompt). */
async function sh(g: GuestSession, cmd: string, timeoutMs = 30_000): Promise<string> {
  g.send(cmd + '\n');
  const out = await g.waitFor(PROMPT, timeoutMs);
  const body = out.slice(out.indexOf('\n') + 1, out.length - PROMPT.length);
  return body.replace(/\r/g, '').trimEnd();
}

describe('linux image, built-in SBI firmware', () => {
  it('boots to a shell that runs commands, keeps time and powers off', async () => {
    const { images, memMiB } = await linuxImages();
    const g = new GuestSession(images, memMiB);
    await g.waitFor(PROMPT, 60_000);
    expect(await sh(g, 'uname -m')).toBe('riscv64');
    expect(await sh(g, 'echo $((6 * 7 + 1))')).toBe('43');
    expect(await sh(g, 'grep ^isa /proc/cpuinfo')).toMatch(/^isa\s*:\s*rv64imafdc/);
    const procs = await sh(g, 'ls /proc | cat');
    for (const entry of ['cpuinfo', 'meminfo', 'uptime', '1']) expect(procs.split(/\s+/)).toContain(entry);

    // A file written in the guest hashes to what Node computes for the same bytes.
    const text = 'virtlab says hello from riscv64\n'.repeat(100);
    await sh(g, `yes 'virtlab says hello from riscv64' | head -n 100 > /tmp/f`);
    const sum = (await sh(g, 'sha256sum /tmp/f')).split(/\s+/)[0];
    expect(sum).toBe(createHash('sha256').update(text).digest('hex'));

    // User mode may read the clock (rdtime): busybox `time` works.
    expect(await sh(g, "time sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); done'")).toMatch(/real\s+0m\s*[\d.]+s/);

    // The timer works: `sleep 1` takes about one second of real time.
    const t0 = performance.now();
    await sh(g, 'sleep 1');
    const slept = performance.now() - t0;
    expect(slept).toBeGreaterThan(900);
    expect(slept).toBeLessThan(3000);

    g.send('poweroff -f\n');
    expect(await g.waitExit()).toEqual({ kind: 'poweroff' });
  }, 120_000);

  it('reboot -f reaches the hypervisor as a reboot', async () => {
    const { images, memMiB } = await linuxImages();
    const g = new GuestSession(images, memMiB);
    await g.waitFor(PROMPT, 60_000);
    g.send('reboot -f\n');
    expect(await g.waitExit()).toEqual({ kind: 'reboot' });
  }, 120_000);
});

describe('linux image: a kernel panic', () => {
  it('is reported through pvpanic and ends the run as crashed', async () => {
    const { images, memMiB } = await linuxImages();
    const g = new GuestSession(images, memMiB);
    await g.waitFor(PROMPT, 60_000);
    g.send('echo c > /proc/sysrq-trigger\n');
    expect(await g.waitExit()).toEqual({ kind: 'crashed' });
    expect(g.output).toContain('Kernel panic');
  }, 120_000);
});

describe.skipIf(!existsSync(OPENSBI))('linux image under Debian OpenSBI (fw_jump.bin)', () => {
  it('prints the OpenSBI banner with our platform and ISA, then boots to the shell', async () => {
    const { images, memMiB } = await linuxImages({ kind: 'firmware', bytes: new Uint8Array(readFileSync(OPENSBI)) });
    const g = new GuestSession(images, memMiB);
    const banner = await g.waitFor(PROMPT, 60_000);
    expect(banner).toContain('OpenSBI v');
    expect(banner).toMatch(/Platform Name\s*: riscv-virtio,qemu/);
    expect(banner).toMatch(/Boot HART Base ISA\s*: rv64imafdc/);
    expect(await sh(g, 'uname -m')).toBe('riscv64');
    g.send('poweroff -f\n');
    // OpenSBI powers off through the sifive,test finisher (0x5555, "pass"), not our SBI.
    expect(await g.waitExit()).toEqual({ kind: 'pass' });
  }, 120_000);
});

describe('counter image (bare metal, CLINT timer interrupts)', () => {
  it('prints an increasing counter with no gap or repeat, then exits through the finisher', async () => {
    const im = loadCatalogImage('counter');
    const kernel = await readImageFile(im.files.kernel, 'counter');
    const r = await runGuest({ bios: { kind: 'none' }, kernel, append: 'ticks=50 count=40' }, { memMiB: im.memoryMiB, timeoutMs: 20_000 });
    expect(r.exit).toEqual({ kind: 'pass' });
    const values = [...r.output.matchAll(/^counter: (\d+)\r?$/gm)].map((m) => Number(m[1]));
    expect(values.length).toBe(40);
    values.forEach((v, i) => expect(v).toBe(values[0]! + i));
    // 40 ticks at 50 per second: about 0.8 s of guest time, so the timer is neither stuck nor racing.
    expect(r.ms).toBeGreaterThan(600);
  }, 30_000);
});
