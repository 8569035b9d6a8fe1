/**
 * The host end of the guest agent channel: how a graceful shutdown is *asked* of a guest (issue
 * #5), the way libvirt asks qemu-guest-agent. The board has a second NS16550A for it (board.ts
 * AGENT_UART, ttyS1 in Linux) whose bytes never reach the console; the `linux` image runs
 * `virtlab-agent` on it (images/linux/rootfs/sbin/virtlab-agent). DOM-free.
 *
 * Use, one GuestAgent per VirtualMachine (it takes over `vm.agentOut`; after a reset builds a new
 * VM, dispose the old agent and make a new one):
 *
 *   const agent = new GuestAgent(vm, { onInput: () => wake.ring() });
 *   await agent.ping(1000);                  // true: an agent answers
 *   await agent.request('poweroff', 10_000); // true: the guest agreed and is shutting down, so
 *                                            //   keep running it: it exits with { kind: 'poweroff' }
 *                                            //   (or 'reboot') a few seconds later.
 *                                            // false: no agent, or it refused: the guest runs on
 *   agent.dispose();
 *
 * The reply arrives while the VM runs (during runSlice), so the run loop must go on running
 * slices while a request is pending, and give the event loop a turn now and then: timeouts are
 * timers. A loop that sleeps while the guest idles should wake for `onInput`, as for console input.
 *
 * Protocol: qemu-guest-agent's (QMP framing, a subset of its commands), one JSON object per line.
 *
 *   host → guest  {"execute":"guest-ping","id":N}
 *                 {"execute":"guest-shutdown","arguments":{"mode":"powerdown"|"reboot"},"id":N}
 *   guest → host  {"return": {}, "id": N}
 *                 {"error": {"class": "...", "desc": "..."}, "id": N}
 *
 * Unlike qemu-ga, whose guest-shutdown answers nothing on success, virtlab-agent answers before it
 * starts the shutdown: an answer is the guest's promise to comply. The QMP `id` is echoed, so the
 * late answer to a request given up on is never taken for a later one's. Each request is sent
 * after a newline, so that a partial line left in the guest's buffer becomes a line of its own
 * (which it answers with an error) rather than garbling the request. Lines that are not JSON
 * objects carrying the id of a pending request (boot noise, the echo of a tty not yet in raw
 * mode, garbage) are ignored.
 */

/** What the GuestAgent needs of a VM (VirtualMachine has it; unit tests fake it). */
export interface AgentPort {
  /** Queues bytes for the guest's agent UART; returns how many were dropped. */
  agentInput(bytes: Uint8Array): number;
  /** Takes back what the guest has not received yet. */
  agentDiscardInput(): number;
  /** Set by the GuestAgent: where the agent UART's output goes. */
  agentOut: ((bytes: Uint8Array) => void) | undefined;
}

export interface GuestAgentOptions {
  /** Milliseconds from a monotonic clock; default performance.now. */
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Called after request bytes were queued for the guest: wake a run loop sleeping through WFI. */
  onInput?: () => void;
}

/** How a guest ends when asked: the guest-shutdown modes, by the names of VmExit. */
export type ShutdownKind = 'poweroff' | 'reboot';

export type AgentResult =
  | { readonly kind: 'return'; readonly value: unknown }
  | { readonly kind: 'error'; readonly class: string; readonly desc: string }
  /** No answer in time, or the GuestAgent was disposed. */
  | { readonly kind: 'timeout' }
  /** Not sent: the board has no agent UART, or its input queue is full. */
  | { readonly kind: 'dropped' };

const SHUTDOWN_MODE: Record<ShutdownKind, string> = { poweroff: 'powerdown', reboot: 'reboot' };

/**
 * The longest line kept from the guest. Answers are a few dozen bytes; a guest may send an endless
 * line, so beyond this the line is dropped up to its newline.
 */
export const MAX_LINE_CHARS = 4096;
/** Requests waiting for an answer at once: the callers are buttons and tests, not a flood. */
export const MAX_PENDING = 64;
/** Default time a guest gets to answer: a busy guest's agent may wait for the CPU for a while. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * How long one guest-ping waits before another is sent. Bytes that reach a serial port before
 * the guest opens it are lost (Linux's 8250 flushes the FIFO on open), so a request sent while
 * the agent is still starting may never arrive whole: pinging again finds it once it listens.
 */
export const PING_RETRY_MS = 1000;

interface Pending {
  resolve(r: AgentResult): void;
  timer: unknown;
}

export class GuestAgent {
  private readonly pending = new Map<number, Pending>();
  /** QMP ids; a random start so that a new agent on the same guest never reuses a recent id. */
  private nextId = 1 + Math.floor(Math.random() * 0x3fff_ffff);
  private readonly decoder = new TextDecoder();
  private line = '';
  /** Dropping the rest of an over-long line. */
  private skipping = false;
  private disposed = false;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly sink = (bytes: Uint8Array) => this.receive(bytes);

  constructor(private readonly vm: AgentPort, private readonly opts: GuestAgentOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.setTimer = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    vm.agentOut = this.sink;
  }

  /** True when an agent answers guest-ping within `timeoutMs` (pinging again every PING_RETRY_MS). */
  ping(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
    return this.reach(this.now() + timeoutMs);
  }

  /**
   * Asks the guest to power off or reboot. True when it agreed (it is shutting down now); false
   * when no agent answered within `timeoutMs` or it refused: the guest keeps running.
   *
   * The shutdown is only sent once a guest-ping has been answered (as libvirt syncs with
   * qemu-ga before each command), so a guest that has no agent, or not yet, never finds a
   * shutdown request waiting for it later.
   */
  async request(kind: ShutdownKind, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
    const mode = SHUTDOWN_MODE[kind];
    if (mode === undefined) throw new RangeError(`shutdown kind must be poweroff or reboot, not ${String(kind)}`);
    const deadline = this.now() + timeoutMs;
    if (!(await this.reach(deadline))) return false;
    return (await this.execute('guest-shutdown', { mode }, deadline - this.now())).kind === 'return';
  }

  /** Pings until an agent answers (true) or the deadline passes (false). */
  private async reach(deadline: number): Promise<boolean> {
    for (;;) {
      const left = deadline - this.now();
      if (left <= 0 || this.disposed) return false;
      const r = await this.execute('guest-ping', undefined, Math.min(left, PING_RETRY_MS));
      if (r.kind === 'return') return true;
      // An agent that refuses pings, or a request that cannot be sent: trying again won't help.
      if (r.kind !== 'timeout') return false;
    }
  }

  /** Sends one command and waits for its answer (see the protocol above). */
  execute(command: string, args: Readonly<Record<string, unknown>> | undefined, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AgentResult> {
    if (this.disposed) return Promise.resolve({ kind: 'timeout' });
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new Error(`guest agent: ${MAX_PENDING} requests already wait for an answer`));
    const id = this.nextId++;
    const message = JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id });
    return new Promise<AgentResult>((resolve) => {
      const timer = this.setTimer(() => this.expire(id), Math.max(0, timeoutMs));
      this.pending.set(id, { resolve, timer });
      const dropped = this.vm.agentInput(new TextEncoder().encode(`\n${message}\n`));
      if (dropped > 0) this.expire(id, { kind: 'dropped' });
      else this.opts.onInput?.();
    });
  }

  /** Requests waiting for an answer. */
  get waiting(): number { return this.pending.size; }

  /** Stops listening: pending requests resolve as timed out, and the VM's agent output is dropped. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'timeout' });
    if (this.vm.agentOut === this.sink) this.vm.agentOut = undefined;
  }

  /** Bytes from the agent UART (via vm.agentOut), in any pieces: lines are put back together. */
  receive(bytes: Uint8Array): void {
    let text = this.decoder.decode(bytes, { stream: true });
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      const end = this.line + text.slice(0, nl);
      text = text.slice(nl + 1);
      if (!this.skipping && end.length <= MAX_LINE_CHARS) this.answer(end);
      this.line = '';
      this.skipping = false;
    }
    if (this.skipping) return;
    this.line += text;
    if (this.line.length > MAX_LINE_CHARS) {
      this.line = '';
      this.skipping = true;
    }
  }

  private answer(line: string): void {
    const t = line.trim();
    if (!t.startsWith('{') || this.pending.size === 0) return;
    let msg: unknown;
    try {
      msg = JSON.parse(t);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
    const m = msg as Record<string, unknown>;
    if (typeof m.id !== 'number' || !this.pending.has(m.id)) return;
    if ('return' in m) {
      this.settle(m.id, { kind: 'return', value: m.return });
    } else if (typeof m.error === 'object' && m.error !== null) {
      const e = m.error as Record<string, unknown>;
      this.settle(m.id, { kind: 'error', class: String(e.class ?? 'GenericError'), desc: String(e.desc ?? '') });
    }
  }

  private expire(id: number, result: AgentResult = { kind: 'timeout' }): void {
    if (!this.pending.has(id)) return;
    this.settle(id, result);
    // Nobody read it: take the request back, lest a guest that starts listening later act on a
    // request given up on (a shutdown long after "the guest ignored it" was reported). Only
    // when nothing else waits, since the queue may hold other requests too.
    if (this.pending.size === 0) this.vm.agentDiscardInput();
  }

  private settle(id: number, result: AgentResult): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.clearTimer(p.timer);
    p.resolve(result);
  }
}
