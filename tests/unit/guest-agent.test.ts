/**
 * GuestAgent (src/hypervisor/guest-agent.ts) against a scripted guest: framing, ids, timeouts,
 * retries, garbage; and the VM's agent UART, which must stay apart from the console.
 */
import { describe, expect, it } from 'vitest';
import {
  GuestAgent,
  MAX_LINE_CHARS,
  MAX_PENDING,
  PING_RETRY_MS,
  type AgentPort,
} from '../../src/hypervisor/guest-agent.ts';
import { AGENT_UART, UART0, describeMachine, MiB } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine } from '../../src/hypervisor/vm.ts';
import { coreModule } from '../helpers/run-guest.ts';

/** Timers and a clock the test moves by hand. */
class FakeClock {
  t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  readonly now = () => this.t;
  readonly setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  readonly clearTimeout = (h: unknown) => { this.timers.delete(h as number); };
  get armed(): number { return this.timers.size; }

  /** Moves time on by `ms`, firing due timers in order and letting promise callbacks run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const enc = (s: string) => new TextEncoder().encode(s);

interface Request { execute: string; arguments?: Record<string, unknown>; id: number }

/** The VM side: records what the agent sends; the test answers through `guest()`. */
class FakePort implements AgentPort {
  agentOut: ((bytes: Uint8Array) => void) | undefined;
  raw = '';
  discards = 0;
  /** Bytes agentInput refuses (as a full queue or a board without the UART). */
  refuse = false;

  agentInput(bytes: Uint8Array): number {
    if (this.refuse) return bytes.length;
    this.raw += new TextDecoder().decode(bytes);
    return 0;
  }
  agentDiscardInput(): number { this.discards++; return 0; }

  /** Requests sent so far, parsed. */
  get requests(): Request[] {
    return this.raw.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Request);
  }
  get last(): Request { return this.requests.at(-1)!; }

  guest(text: string | Uint8Array): void {
    this.agentOut!(typeof text === 'string' ? enc(text) : text);
  }
  answer(id = this.last.id): void { this.guest(`{"return": {}, "id": ${id}}\n`); }
}

function setup() {
  const clock = new FakeClock();
  const port = new FakePort();
  const agent = new GuestAgent(port, { now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  return { clock, port, agent };
}

/** Whether a promise has settled yet, and with what. */
function track<T>(p: Promise<T>): { settled: boolean; value?: T } {
  const s: { settled: boolean; value?: T } = { settled: false };
  void p.then((v) => { s.settled = true; s.value = v; });
  return s;
}

describe('GuestAgent protocol', () => {
  it('sends guest-ping as one QMP line after a newline, and takes the answer with its id', async () => {
    const { port, agent } = setup();
    const ping = track(agent.ping(5000));
    expect(port.raw).toMatch(/^\n\{"execute":"guest-ping","id":\d+\}\n$/);
    port.answer();
    await flush();
    expect(ping).toEqual({ settled: true, value: true });
    expect(agent.waiting).toBe(0);
  });

  it('asks for a shutdown only after a ping is answered, with mode powerdown or reboot', async () => {
    for (const [kind, mode] of [['poweroff', 'powerdown'], ['reboot', 'reboot']] as const) {
      const { port, agent } = setup();
      const asked = track(agent.request(kind, 5000));
      expect(port.requests.map((r) => r.execute)).toEqual(['guest-ping']);
      port.answer();
      await flush();
      expect(port.last).toMatchObject({ execute: 'guest-shutdown', arguments: { mode } });
      expect(asked.settled).toBe(false);
      port.answer();
      await flush();
      expect(asked).toEqual({ settled: true, value: true });
      const ids = port.requests.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('refuses an unknown shutdown kind', async () => {
    const { agent } = setup();
    await expect(agent.request('halt' as 'poweroff', 1000)).rejects.toThrow(RangeError);
  });

  it('reports an error answer as a refusal, without retrying', async () => {
    const { port, agent, clock } = setup();
    const r = agent.execute('guest-shutdown', { mode: 'powerdown' }, 5000);
    port.guest(`{"error": {"class": "CommandNotFound", "desc": "nope"}, "id": ${port.last.id}}\n`);
    expect(await r).toEqual({ kind: 'error', class: 'CommandNotFound', desc: 'nope' });
    const ping = track(agent.ping(5000));
    port.guest(`{"error": {"class": "GenericError", "desc": "x"}, "id": ${port.last.id}}\n`);
    await clock.advance(0);
    expect(ping).toEqual({ settled: true, value: false });
    expect(port.requests).toHaveLength(2);
  });
});

describe('GuestAgent timeouts', () => {
  it('pings again every PING_RETRY_MS until the deadline, then resolves false; no shutdown is ever sent', async () => {
    const { port, agent, clock } = setup();
    const asked = track(agent.request('poweroff', 3500));
    await clock.advance(3499);
    expect(asked.settled).toBe(false);
    await clock.advance(1);
    expect(asked).toEqual({ settled: true, value: false });
    expect(port.requests.map((r) => r.execute)).toEqual(['guest-ping', 'guest-ping', 'guest-ping', 'guest-ping']);
    expect(PING_RETRY_MS).toBe(1000);
    // What the guest did not read is taken back each time, so nothing waits for a late agent.
    expect(port.discards).toBe(4);
    expect(clock.armed).toBe(0);
  });

  it('answers to a later ping count: an agent that starts late is found', async () => {
    const { port, agent, clock } = setup();
    const ping = track(agent.ping(10_000));
    await clock.advance(2500); // the first pings were lost, as bytes sent before the guest opens the port are
    port.answer();
    await flush();
    expect(ping).toEqual({ settled: true, value: true });
    expect(port.requests).toHaveLength(3);
  });

  it('ignores the late answer to a request it gave up on', async () => {
    const { port, agent, clock } = setup();
    const first = agent.execute('guest-ping', undefined, 100);
    const oldId = port.last.id;
    await clock.advance(100);
    expect(await first).toEqual({ kind: 'timeout' });
    const second = track(agent.execute('guest-ping', undefined, 1000));
    port.answer(oldId);
    await flush();
    expect(second.settled).toBe(false);
    port.answer();
    await flush();
    expect(second.value).toEqual({ kind: 'return', value: {} });
  });

  it('gives the shutdown only the time left after the ping', async () => {
    const { port, agent, clock } = setup();
    const asked = track(agent.request('reboot', 2000));
    await clock.advance(1500); // the first ping lost, the second answered late
    port.answer();
    await clock.advance(499);
    expect(port.last.execute).toBe('guest-shutdown');
    expect(asked.settled).toBe(false);
    await clock.advance(1);
    expect(asked).toEqual({ settled: true, value: false });
  });

  it('fails at once when the request cannot be queued (no agent UART)', async () => {
    const { port, agent, clock } = setup();
    port.refuse = true;
    expect(await agent.execute('guest-ping', undefined, 5000)).toEqual({ kind: 'dropped' });
    const asked = track(agent.request('poweroff', 5000));
    await flush();
    expect(asked).toEqual({ settled: true, value: false });
    expect(clock.armed).toBe(0);
  });

  it('bounds the requests waiting at once', async () => {
    const { agent } = setup();
    for (let i = 0; i < MAX_PENDING; i++) void agent.execute('guest-ping', undefined, 1000);
    await expect(agent.execute('guest-ping', undefined, 1000)).rejects.toThrow(/already wait/);
  });

  it('dispose() settles what waits, stops listening and sends nothing more', async () => {
    const { port, agent, clock } = setup();
    const asked = track(agent.request('poweroff', 5000));
    agent.dispose();
    await flush();
    expect(asked).toEqual({ settled: true, value: false });
    expect(port.agentOut).toBeUndefined();
    expect(clock.armed).toBe(0);
    const sent = port.raw;
    expect(await agent.ping(1000)).toBe(false);
    expect(port.raw).toBe(sent);
  });
});

describe('GuestAgent framing', () => {
  it('puts answers back together from any pieces, down to single bytes and split UTF-8', async () => {
    const { port, agent } = setup();
    const r = agent.execute('guest-ping', undefined, 1000);
    const bytes = enc(`{"return": {"note": "é→✓"}, "id": ${port.last.id}}\r\n`);
    for (const b of bytes) port.guest(Uint8Array.of(b));
    expect(await r).toEqual({ kind: 'return', value: { note: 'é→✓' } });
  });

  it('takes two answers in one piece', async () => {
    const { port, agent } = setup();
    const a = agent.execute('guest-ping', undefined, 1000);
    const idA = port.last.id;
    const b = agent.execute('guest-ping', undefined, 1000);
    port.guest(`{"return": 1, "id": ${port.last.id}}\n{"return": 2, "id": ${idA}}\n`);
    expect(await a).toEqual({ kind: 'return', value: 2 });
    expect(await b).toEqual({ kind: 'return', value: 1 });
  });

  it('ignores garbage, boot noise, its own echo and answers without a known id', async () => {
    const { port, agent } = setup();
    const r = track(agent.execute('guest-ping', undefined, 1000));
    const id = port.last.id;
    port.guest(Uint8Array.of(0xff, 0x00, 0xc3, 0x28, 0x0a));
    port.guest('random text\n\n   \n');
    port.guest(port.raw.replace(/\n/g, '\r\n')); // a tty not yet raw echoes the request
    port.guest('{"return": {}\n'); // broken JSON
    port.guest(`[{"return": {}, "id": ${id}}]\n`);
    port.guest('{"return": {}}\n'); // no id
    port.guest(`{"return": {}, "id": "${id}"}\n`); // a string is not our id
    port.guest(`{"return": {}, "id": ${id + 1}}\n`);
    port.guest(`{"id": ${id}}\n`); // neither return nor error
    port.guest('null\n42\n');
    await flush();
    expect(r.settled).toBe(false);
    port.guest(`  {"return": {}, "id": ${id}}  \n`);
    await flush();
    expect(r.value).toEqual({ kind: 'return', value: {} });
  });

  it('drops an over-long line up to its newline, then reads on', async () => {
    const { port, agent } = setup();
    const r = track(agent.execute('guest-ping', undefined, 1000));
    const id = port.last.id;
    // A valid answer at the end of a line that is too long does not count.
    port.guest('x'.repeat(MAX_LINE_CHARS));
    port.guest('y'.repeat(100));
    port.guest(`{"return": {}, "id": ${id}}\n`);
    await flush();
    expect(r.settled).toBe(false);
    port.guest(`{"return": {}, "id": ${id}}\n`);
    await flush();
    expect(r.value).toEqual({ kind: 'return', value: {} });
  });
});

describe('VirtualMachine agent UART', () => {
  function vmWith(agent?: boolean) {
    const out = { console: [] as number[], agent: [] as number[] };
    const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: 16 * MiB, harts: 1, agent }), {
      consoleOut: (b) => out.console.push(...b),
      agentOut: (b) => out.agent.push(...b),
      now: () => performance.now(),
    });
    return { vm, out };
  }

  it('sends what the guest writes to the agent UART to agentOut, never to the console', () => {
    const { vm, out } = vmWith();
    for (const b of enc('{"return": {}}\n')) vm.bus.write(AGENT_UART.base, 1, b);
    vm.bus.write(UART0.base, 1, 0x41);
    expect(String.fromCharCode(...out.agent)).toBe('{"return": {}}\n');
    expect(out.console).toEqual([0x41]);
    // A GuestAgent takes the output over; the io callback no longer sees it.
    const agent = new GuestAgent(vm);
    expect(vm.agentOut).not.toBeUndefined();
    vm.bus.write(AGENT_UART.base, 1, 0x42);
    expect(out.agent.at(-1)).not.toBe(0x42);
    agent.dispose();
    expect(vm.agentOut).toBeUndefined();
  });

  it('feeds agentInput to the agent UART only, leaving the console UART as it was', () => {
    const { vm } = vmWith();
    const consoleBefore = JSON.stringify(vm.uart.save());
    expect(vm.agentInput(enc('hello'))).toBe(0);
    expect(JSON.stringify(vm.uart.save())).toBe(consoleBefore);
    const LSR = 5;
    expect(vm.bus.read(UART0.base + LSR, 1) & 1).toBe(0); // console: no data ready
    expect(vm.bus.read(AGENT_UART.base + LSR, 1) & 1).toBe(1);
    expect(String.fromCharCode(vm.bus.read(AGENT_UART.base, 1), vm.bus.read(AGENT_UART.base, 1))).toBe('he');
  });

  it('takes back agent input the guest has not received', () => {
    const { vm } = vmWith();
    vm.agentInput(new Uint8Array(100)); // FIFOs off after reset: 1 reaches RBR, 99 wait on the line
    expect(vm.agentUart!.queuedInputBytes).toBe(99);
    expect(vm.agentDiscardInput()).toBe(99);
    expect(vm.agentUart!.queuedInputBytes).toBe(0);
    expect(vm.consoleInput(enc('x'))).toBe(0); // the console is untouched
  });

  it('saves the agent UART with the machine state and restores it', () => {
    const { vm } = vmWith();
    vm.agentInput(enc('queued'));
    const state = vm.saveState();
    expect(state.devices.agent).toMatchObject({ rxFifo: [...enc('q')], inputQueue: [...enc('ueued')] });
    const { vm: other } = vmWith();
    other.restoreState(JSON.parse(JSON.stringify(state)));
    expect(other.agentUart!.save()).toEqual(vm.agentUart!.save());
    // A machine without the agent UART refuses that state, and the other way round.
    const { vm: bare } = vmWith(false);
    expect(() => bare.restoreState(state)).toThrow(/device/);
    expect(() => vm.restoreState(bare.saveState())).toThrow(/no state for device "agent"/);
  });

  it('drops agent input on a board without the agent UART', () => {
    const { vm } = vmWith(false);
    expect(vm.agentUart).toBeUndefined();
    expect(vm.agentInput(enc('abc'))).toBe(3);
    expect(vm.agentDiscardInput()).toBe(0);
  });
});
