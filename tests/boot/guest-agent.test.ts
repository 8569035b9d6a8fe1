/**
 * The guest agent channel with real guests (issue #5: a graceful shutdown is asked of the guest).
 * The `linux` image's virtlab-agent answers on ttyS1 and shuts down through busybox init; the
 * bare-metal `counter` has no agent, so a request goes unanswered and it runs on. The VMs run in
 * an asynchronous slice loop (LocalVm), as in a worker: answers arrive while slices run.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, MiB } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine, type BootImages } from '../../src/hypervisor/vm.ts';
import { GuestAgent } from '../../src/hypervisor/guest-agent.ts';
import { LocalVm } from '../../src/hypervisor/migration/local.ts';
import { saveVm, restoreVm } from '../../src/hypervisor/migration/savefile.ts';
import { loadCatalogImage, readImageFile } from '../../src/cli/images.ts';
import { linuxImages, PROMPT } from '../../bench/linux-boot.ts';
import { coreModule } from '../helpers/run-guest.ts';
import { ConsoleLog } from '../unit/migration/helpers.ts';

/** Everything the agent UART printed, to check it stays off the console and vice versa. */
class AgentTap {
  text = '';
  private readonly dec = new TextDecoder();
  attach(vm: VirtualMachine): void {
    const agentOut = vm.agentOut;
    vm.agentOut = (b) => { this.text += this.dec.decode(b, { stream: true }); agentOut?.(b); };
  }
}

async function launch(images: BootImages, memMiB: number, log: ConsoleLog, machine = {}): Promise<LocalVm> {
  const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: memMiB * MiB, harts: 1, ...machine }), log.io());
  vm.boot(images);
  const l = new LocalVm(vm);
  await l.start();
  return l;
}

async function bootLinux(log: ConsoleLog): Promise<{ vm: LocalVm; agent: GuestAgent; tap: AgentTap }> {
  const { images, memMiB } = await linuxImages();
  const vm = await launch(images, memMiB, log);
  const agent = new GuestAgent(vm.vm);
  const tap = new AgentTap();
  tap.attach(vm.vm);
  await log.waitFor(PROMPT, 60_000);
  return { vm, agent, tap };
}

async function sh(log: ConsoleLog, vm: LocalVm, cmd: string): Promise<string> {
  vm.consoleInput(new TextEncoder().encode(cmd + '\n'));
  const out = await log.waitFor(PROMPT, 30_000);
  return out.slice(out.indexOf('\n') + 1, out.length - PROMPT.length).replace(/\r/g, '').trimEnd();
}

/** A promise's outcome within `ms`, or 'pending'. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('linux image: virtlab-agent on ttyS1', () => {
  it('probes ttyS1, answers guest-ping, and keeps agent and console apart', async () => {
    const log = new ConsoleLog();
    const { vm, agent, tap } = await bootLinux(log);
    expect(await sh(log, vm, 'dmesg | grep ttyS1')).toMatch(/^10000100\.serial: ttyS1 at MMIO 0x10000100 .* is a 16550A$/);
    expect(await agent.ping(30_000)).toBe(true);
    expect(await agent.ping(5_000)).toBe(true);
    expect(tap.text).toMatch(/^(\{"return": \{\}, "id": \d+\}\n)+$/);
    // Nothing of the agent's on the console, nothing of the console's on the agent UART.
    expect(log.text).not.toMatch(/"return"|"execute"/);
    expect(tap.text).not.toContain('virtlab');
    // The console still works after agent traffic.
    expect(await sh(log, vm, 'echo still here')).toBe('still here');
    // The agent runs on the tty in raw mode, without echo.
    // (stty lists the settings that differ from the defaults.)
    const settings = (await sh(log, vm, 'stty -F /dev/ttyS1 2>&1')).split(/\s+/);
    expect(settings).toEqual(expect.arrayContaining(['-isig', '-icanon', '-echo', '-opost', '-icrnl']));
    agent.dispose();
    vm.destroy();
  }, 180_000);

  it('answers errors to what it does not understand, and serves on', async () => {
    const log = new ConsoleLog();
    const { vm, agent, tap } = await bootLinux(log);
    expect(await agent.ping(30_000)).toBe(true);
    tap.text = '';
    vm.vm.agentInput(new TextEncoder().encode('hello\n'));
    expect(await agent.execute('guest-info', undefined, 10_000)).toEqual({
      kind: 'error', class: 'CommandNotFound', desc: 'only guest-ping and guest-shutdown are supported',
    });
    expect(await agent.execute('guest-shutdown', { mode: 'sleep' }, 10_000)).toMatchObject({ kind: 'error', class: 'InvalidParameter' });
    expect(tap.text.split('\n')[0]).toBe('{"error": {"class": "GenericError", "desc": "not a JSON object"}}');
    // Spaces and CRLF, as other QGA clients send them.
    vm.vm.agentInput(new TextEncoder().encode('{ "execute" : "guest-ping", "id" : 77 }\r\n'));
    await expect.poll(() => tap.text, { timeout: 10_000 }).toContain('{"return": {}, "id": 77}\n');
    expect(await agent.ping(10_000)).toBe(true);
    expect(await sh(log, vm, 'echo alive')).toBe('alive');
    expect(vm.exit).toBeUndefined();
    agent.dispose();
    vm.destroy();
  }, 180_000);

  it('guest-shutdown powerdown: the guest agrees, busybox init shuts down, the machine powers off', async () => {
    const log = new ConsoleLog();
    const { vm, agent } = await bootLinux(log);
    // A CPU-bound job does not keep the agent from answering, and init's SIGTERM ends it.
    vm.consoleInput(new TextEncoder().encode('while :; do :; done &\n'));
    await log.waitFor(PROMPT);
    expect(await agent.request('poweroff', 30_000)).toBe(true);
    expect(await vm.waitExit()).toEqual({ kind: 'poweroff' });
    const tail = log.text.slice(log.text.lastIndexOf(PROMPT));
    expect(tail).toContain('virtlab-agent: poweroff requested by the host');
    expect(tail).toContain('The system is going down NOW!');
    expect(tail).toContain('Sent SIGTERM to all processes');
    expect(tail).toContain('Sent SIGKILL to all processes');
    expect(tail).toContain('Requesting system poweroff');
    expect(tail).toContain('reboot: Power down');
  }, 180_000);

  it('guest-shutdown reboot: the machine exits as a reboot', async () => {
    const log = new ConsoleLog();
    const { vm, agent } = await bootLinux(log);
    expect(await agent.request('reboot', 30_000)).toBe(true);
    expect(await vm.waitExit()).toEqual({ kind: 'reboot' });
    expect(log.text).toContain('Requesting system reboot');
  }, 180_000);

  it('keeps its agent through save and restore (the agent UART is in the machine state)', async () => {
    const log = new ConsoleLog();
    const { vm, agent } = await bootLinux(log);
    expect(await agent.ping(30_000)).toBe(true);
    agent.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'virtlab-agent-'));
    try {
      const file = join(dir, 'linux.sav');
      const chunks: Uint8Array[] = [];
      await saveVm(vm, (c) => { chunks.push(c.slice()); }, { domain: { name: 'test' } });
      vm.destroy();
      writeFileSync(file, Buffer.concat(chunks));
      const restored = await restoreVm([new Uint8Array(readFileSync(file))], LocalVm.factory(coreModule(), log.io())) as LocalVm;
      expect(Object.keys(restored.vm.saveState().devices)).toContain('agent');
      await restored.start();
      const again = new GuestAgent(restored.vm);
      expect(await again.ping(30_000)).toBe(true);
      expect(await again.request('poweroff', 30_000)).toBe(true);
      expect(await restored.waitExit()).toEqual({ kind: 'poweroff' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('counter image (bare metal, no agent)', () => {
  async function counter(log: ConsoleLog): Promise<LocalVm> {
    const im = loadCatalogImage('counter');
    const kernel = await readImageFile(im.files.kernel, 'counter');
    return launch({ bios: { kind: 'none' }, kernel, append: 'ticks=50' }, im.memoryMiB, log);
  }
  const last = (log: ConsoleLog) => Number([...log.text.matchAll(/^counter: (\d+)\r?$/gm)].at(-1)?.[1] ?? 0);

  it('ignores a shutdown request: it resolves false after the timeout and the VM keeps running', async () => {
    const log = new ConsoleLog();
    const vm = await counter(log);
    await log.waitFor('counter: 5\r\n');
    const agent = new GuestAgent(vm.vm);
    const t0 = performance.now();
    const asked = agent.request('poweroff', 1500);
    expect(await within(asked, 500)).toBe('pending');
    expect(await asked).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(await agent.ping(300)).toBe(false);
    // Still running and counting; the unread requests were taken back, not left for later.
    const n = last(log);
    await log.waitFor(`counter: ${n + 10}\r\n`);
    expect(vm.runState).toBe('running');
    expect(vm.exit).toBeUndefined();
    expect(vm.vm.agentUart!.queuedInputBytes).toBe(0);
    expect(log.text).not.toContain('execute');
    vm.destroy();
  }, 60_000);

  it('without the agent UART on the board, a request fails at once', async () => {
    const log = new ConsoleLog();
    const im = loadCatalogImage('counter');
    const kernel = await readImageFile(im.files.kernel, 'counter');
    const vm = await launch({ bios: { kind: 'none' }, kernel, append: 'ticks=50' }, im.memoryMiB, log, { agent: false });
    expect(vm.vm.agentUart).toBeUndefined();
    expect(Object.keys(vm.vm.devices)).not.toContain('agent');
    const agent = new GuestAgent(vm.vm);
    expect(await within(agent.request('poweroff', 10_000), 100)).toBe(false);
    expect(await agent.execute('guest-ping', undefined, 10_000)).toEqual({ kind: 'dropped' });
    await log.waitFor('counter: 3\r\n');
    vm.destroy();
  }, 60_000);
});
