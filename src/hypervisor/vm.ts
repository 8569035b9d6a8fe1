/**
 * A virtual machine: the board (machine/board.ts), one hart's core, the device models on the MMIO
 * bus, the boot path and the built-in SBI. It runs in slices: the caller (the Node CLI, a Web
 * Worker) decides when to run the next slice and how to sleep while the guest is idle.
 */
import { Core, Stop, MmioStatus } from './core/core.ts';
import { BOOTROM, CLINT, DRAM_BASE, KERNEL_ENTRY, TIMEBASE_HZ, MiB, type Machine } from './machine/board.ts';
import { buildDtb } from './machine/dtb.ts';
import { buildBootRom } from './machine/bootrom.ts';
import { MmioBus } from './devices/bus.ts';
import { Uart16550 } from './devices/uart16550.ts';
import { Plic } from './devices/plic.ts';
import { Finisher, type FinishEvent } from './devices/finisher.ts';
import { GoldfishRtc } from './devices/goldfish-rtc.ts';
import { PvPanic } from './devices/pvpanic.ts';
import type { MmioDevice } from './devices/device.ts';
import { Sbi, type ResetKind } from './sbi.ts';
import { parseElf, isElf, ImageError } from './loader/elf.ts';
import { saveCpu, restoreCpu } from './snapshot/cpu.ts';
import { checkMachineState, type MachineState } from './snapshot/machine.ts';
import { toBase64, fromBase64 } from './snapshot/check.ts';

export type Bios = { kind: 'none' } | { kind: 'builtin' } | { kind: 'firmware'; bytes: Uint8Array };

export interface BootImages {
  bios: Bios;
  kernel: Uint8Array;
  initrd?: Uint8Array;
  append?: string;
}

export interface VmIo {
  /** Console output (UART and SBI console). The bytes are only valid during the call. */
  consoleOut(bytes: Uint8Array): void;
  /**
   * Output of the guest agent UART (never mixed into the console); the bytes are only valid
   * during the call. The initial value of VirtualMachine.agentOut, which a GuestAgent replaces.
   */
  agentOut?(bytes: Uint8Array): void;
  /** Milliseconds from a monotonic clock (performance.now). */
  now(): number;
}

/** How the guest ended, when it did. */
export type VmExit =
  | { kind: 'poweroff' }
  | { kind: 'pass' }
  | { kind: 'fail'; code: number }
  | { kind: 'reboot' }
  /** The guest kernel reported a panic (pvpanic). */
  | { kind: 'crashed' };

export type SliceResult =
  | { kind: 'ran'; executed: number }
  | { kind: 'idle'; executed: number; /** ms until the next timer deadline */ sleepMs: number }
  | { kind: 'exit'; executed: number; exit: VmExit };

const MIP_MEIP_LINE = 1;
const MIP_SEIP_LINE = 2;
/** The longest a WFI sleep is allowed to last before looking again (bounded idle latency). */
const MAX_IDLE_MS = 1000;
const TICKS_PER_MS = TIMEBASE_HZ / 1000;

export class VirtualMachine {
  readonly core: Core;
  readonly uart: Uart16550;
  /** The guest agent's UART (board.ts AGENT_UART), if the board has one. */
  readonly agentUart: Uart16550 | undefined;
  /**
   * Where the agent UART's output goes (guest-agent.ts sets it); dropped while unset. Called
   * during runSlice(), with bytes only valid during the call.
   */
  agentOut: ((bytes: Uint8Array) => void) | undefined;
  readonly plic: Plic;
  readonly bus: MmioBus;
  readonly sbi: Sbi;
  /** Device models by board region name (the bus routes to them; save/restore walks them). */
  readonly devices: Readonly<Record<string, MmioDevice>>;
  private exit: VmExit | undefined;
  /** io.now() at guest time 0; restoreState() moves it so guest time continues where it was. */
  private t0: number;
  private totalExecuted = 0;

  constructor(module: WebAssembly.Module, readonly machine: Machine, private readonly io: VmIo) {
    const vm = this;
    this.core = new Core({
      module,
      ramBytes: machine.ramBytes,
      dramBase: DRAM_BASE,
      romBase: BOOTROM.base,
      clintBase: CLINT.base,
      bus: {
        read(pa, size) {
          const v = vm.bus.read(pa, size);
          if (vm.bus.fault) vm.core.setMmioStatus(MmioStatus.Fault);
          else if (vm.exit) vm.core.setMmioStatus(MmioStatus.Stop);
          return v;
        },
        write(pa, size, value) {
          vm.bus.write(pa, size, value);
          if (vm.bus.fault) vm.core.setMmioStatus(MmioStatus.Fault);
          else if (vm.exit) vm.core.setMmioStatus(MmioStatus.Stop);
        },
      },
    });
    this.plic = new Plic({
      harts: machine.harts,
      onContextLevel: (context, level) => {
        // Context 2h is hart h's M-mode external interrupt, 2h+1 its S-mode one.
        const bit = context % 2 === 0 ? MIP_MEIP_LINE : MIP_SEIP_LINE;
        const lines = this.core.get32('EXT_IRQ');
        this.core.set32('EXT_IRQ', level ? lines | bit : lines & ~bit);
        this.core.exports.interruptsChanged();
      },
    });
    this.uart = new Uart16550({
      backend: { write: (bytes) => io.consoleOut(bytes) },
      irq: this.plic.irqLine(machine.regions.find((r) => r.kind === 'uart')!.irq!),
    });
    const devices: Record<string, MmioDevice> = {
      uart0: this.uart,
      plic: this.plic,
      test: new Finisher((e) => this.finish(e)),
    };
    this.agentOut = io.agentOut?.bind(io);
    const agentRegion = machine.regions.find((r) => r.kind === 'agent');
    if (agentRegion) {
      this.agentUart = new Uart16550({
        name: agentRegion.name,
        backend: { write: (bytes) => this.agentOut?.(bytes) },
        irq: this.plic.irqLine(agentRegion.irq!),
      });
      devices[agentRegion.name] = this.agentUart;
    }
    const rtcRegion = machine.regions.find((r) => r.kind === 'rtc');
    if (rtcRegion) devices[rtcRegion.name] = new GoldfishRtc({ irq: this.plic.irqLine(rtcRegion.irq!) });
    const panicRegion = machine.regions.find((r) => r.kind === 'pvpanic');
    if (panicRegion) devices[panicRegion.name] = new PvPanic(() => { this.exit ??= { kind: 'crashed' }; });
    this.devices = devices;
    this.bus = new MmioBus(machine, devices);
    this.sbi = new Sbi(this.core, {
      consolePut: (b) => io.consoleOut(Uint8Array.of(b)),
      consoleGet: () => -1,
      systemReset: (kind, reason) => this.reset(kind, reason),
    });
    this.t0 = io.now();
  }

  /** Load the images into RAM and set the hart up for the chosen boot path (DESIGN.md §2). */
  boot(images: BootImages): void {
    const { bios } = images;
    const ramEnd = DRAM_BASE + this.machine.ramBytes;
    // Where the kernel goes: at RAM start for bare metal, after the firmware's 2 MiB otherwise.
    const kernelBase = bios.kind === 'none' ? DRAM_BASE : KERNEL_ENTRY;
    const kernelEntry = this.load(images.kernel, kernelBase, 'kernel');
    let kernelEnd = this.loadedEnd;
    let initrd: { start: number; end: number } | undefined;
    if (images.initrd) {
      // As QEMU does: half of RAM or 128 MiB in, whichever is lower, but never over the kernel.
      let start = DRAM_BASE + Math.min(this.machine.ramBytes / 2, 128 * MiB);
      start = Math.max(start, Math.ceil(kernelEnd / 0x1000) * 0x1000);
      initrd = { start, end: start + images.initrd.length };
      this.place(start, images.initrd, 'initrd');
      kernelEnd = initrd.end;
    }
    // 32 bytes of entropy in /chosen/rng-seed: Linux (RANDOM_TRUST_BOOTLOADER) credits it and skips
    // seeding work that otherwise costs ~18% of the boot in the interpreter.
    const rngSeed = crypto.getRandomValues(new Uint8Array(32));
    const dtb = buildDtb(this.machine, { bootargs: images.append, initrd, rngSeed });
    // Near the end of RAM, 2 MiB aligned, leaving firmware room to grow it in place (as QEMU).
    const dtbAddr = Math.floor((ramEnd - dtb.length - 64 * 1024) / (2 * MiB)) * (2 * MiB);
    if (dtbAddr < kernelEnd) throw new ImageError(`not enough RAM: the images need ${Math.ceil((kernelEnd - DRAM_BASE) / MiB)} MiB plus room for the device tree`);
    this.place(dtbAddr, dtb, 'device tree');

    const c = this.core;
    if (bios.kind === 'builtin') {
      c.pc = BigInt(kernelEntry);
      c.setX(10, 0n);
      c.setX(11, BigInt(dtbAddr));
      this.sbi.prepareHart();
      return;
    }
    let entry = kernelEntry;
    if (bios.kind === 'firmware') entry = this.load(bios.bytes, DRAM_BASE, 'firmware');
    c.romBytes().set(buildBootRom({ entry, dtbAddr, nextAddr: kernelEntry }));
    c.pc = BigInt(BOOTROM.base);
    c.exports.stateChanged();
  }

  private loadedEnd = DRAM_BASE;

  /** Load an ELF (by its physical addresses) or a raw image at `rawBase`; returns the entry. */
  private load(bytes: Uint8Array, rawBase: number, what: string): number {
    if (isElf(bytes)) {
      const elf = parseElf(bytes, what);
      let end = 0;
      for (const seg of elf.segments) {
        this.place(seg.addr, seg.data, what, seg.memSize);
        end = Math.max(end, seg.addr + seg.memSize);
      }
      this.loadedEnd = Math.max(this.loadedEnd, end);
      return elf.entry;
    }
    if (bytes.length === 0) throw new ImageError(`${what} is empty`);
    this.place(rawBase, bytes, what);
    this.loadedEnd = Math.max(this.loadedEnd, rawBase + bytes.length);
    return rawBase;
  }

  /** What has been placed in RAM so far, so that no image silently lands on another. */
  private readonly placed: { start: number; end: number; what: string }[] = [];

  private place(addr: number, data: Uint8Array, what: string, memSize = data.length): void {
    const clash = this.placed.find((p) => addr < p.end && p.start < addr + memSize && p.what !== what);
    if (clash) {
      throw new ImageError(`${what} (0x${addr.toString(16)}..0x${(addr + memSize).toString(16)}) overlaps the ${clash.what} (0x${clash.start.toString(16)}..0x${clash.end.toString(16)})`);
    }
    this.placed.push({ start: addr, end: addr + memSize, what });
    const off = addr - DRAM_BASE;
    if (off < 0 || off + memSize > this.machine.ramBytes) {
      throw new ImageError(`${what} does not fit in RAM: it needs 0x${addr.toString(16)}..0x${(addr + memSize).toString(16)}, RAM is 0x${DRAM_BASE.toString(16)}..0x${(DRAM_BASE + this.machine.ramBytes).toString(16)}`);
    }
    this.core.writeRam(off, data);
    if (memSize > data.length) this.core.writeRam(off + data.length, new Uint8Array(memSize - data.length));
  }

  /** Bytes typed at the console. Returns how many were dropped because the input queue was full. */
  consoleInput(bytes: Uint8Array): number {
    return this.uart.pushInput(bytes);
  }

  /**
   * Bytes for the guest agent, into the agent UART's receive side. Returns how many were dropped:
   * all of them on a board without the agent UART, else those its input queue had no room for.
   */
  agentInput(bytes: Uint8Array): number {
    return this.agentUart ? this.agentUart.pushInput(bytes) : bytes.length;
  }

  /** Takes back agent input the guest has not received yet (see Uart16550.discardQueuedInput). */
  agentDiscardInput(): number {
    return this.agentUart?.discardQueuedInput() ?? 0;
  }

  get exited(): VmExit | undefined { return this.exit; }
  get instructions(): number { return this.totalExecuted; }

  /** Guest time now, in timebase ticks; never behind what the guest has already seen. */
  private syncTime(): bigint {
    const now = BigInt(Math.floor((this.io.now() - this.t0) * TICKS_PER_MS));
    const seen = this.core.get64('TIME');
    const t = now > seen ? now : seen;
    this.core.set64('TIME', t);
    return t;
  }

  /** Run up to `budget` instructions, answering SBI calls on the way. */
  runSlice(budget: number): SliceResult {
    let executed = 0;
    const start = this.io.now();
    // The guest's clock meets the host's once per slice. Between the runs of one slice (an SBI
    // call ends a run: Linux's early console makes one per character) time goes on from where
    // the last run left it, interpolated from retired instructions as within a run.
    this.syncTime();
    while (executed < budget && !this.exit) {
      const reason = this.core.run(budget - executed);
      executed += this.core.executed;
      if (reason === Stop.Sbi) { this.sbi.handle(); continue; }
      if (reason === Stop.Wfi) {
        this.totalExecuted += executed;
        return { kind: 'idle', executed, sleepMs: this.idleMs(this.syncTime()) };
      }
      if (reason === Stop.Budget) break;
      // Stop.Host: a device finished the run (finisher, reset) — this.exit is set.
    }
    this.totalExecuted += executed;
    this.tuneTimeRate(executed, this.io.now() - start);
    if (this.exit) return { kind: 'exit', executed, exit: this.exit };
    return { kind: 'ran', executed };
  }

  /** Milliseconds until the earliest timer deadline the guest is waiting for. */
  private idleMs(now: bigint): number {
    let next = this.core.get64('MTIMECMP');
    if (this.core.get32('SBI_TIMER')) {
      const s = this.core.get64('STIMECMP');
      if (s < next) next = s;
    }
    if (next <= now) return 0;
    const ms = Number(next - now) / TICKS_PER_MS;
    return Math.min(ms, MAX_IDLE_MS);
  }

  /** Keep the in-run time interpolation close to real time (see asm/cpu.ts currentTime). */
  private tuneTimeRate(executed: number, ms: number): void {
    if (executed < 100_000 || ms <= 0) return;
    const ticksPerInsn = (ms * TICKS_PER_MS) / executed;
    this.core.exports.setTimeRate(Math.max(1, Math.min(65536 * 16, Math.round(ticksPerInsn * 65536))));
  }

  private finish(e: FinishEvent): void {
    if (e.kind === 'pass') this.exit = { kind: 'pass' };
    else if (e.kind === 'fail') this.exit = { kind: 'fail', code: e.code };
    else this.exit = { kind: 'reboot' };
  }

  private reset(kind: ResetKind, _reason: number): void {
    this.exit = kind === 'shutdown' ? { kind: 'poweroff' } : { kind: 'reboot' };
  }

  // ---- save / restore (snapshot/, migration/) ------------------------------------------------

  /**
   * Everything but RAM, as plain named fields (snapshot/machine.ts). Call between slices; the
   * VM is left as it was, except that guest time is brought up to now (as the next slice would).
   */
  saveState(): MachineState {
    const time = this.syncTime();
    const devices: Record<string, ReturnType<MmioDevice['save']>> = {};
    for (const [name, d] of Object.entries(this.devices)) devices[name] = d.save();
    return {
      cpu: saveCpu(this.core),
      devices,
      vm: {
        timeTicks: time.toString(),
        instructions: this.totalExecuted,
        exit: this.exit ?? null,
        rom: toBase64(this.core.romBytes()),
        sbiCalls: [...this.sbi.calls],
      },
    };
  }

  /**
   * Load a state saved by saveState() on a machine of the same description (RAM is restored
   * separately, page by page). Untrusted input: everything is checked, and a state that does not
   * fit throws a SnapshotError or a RangeError; the VM must then be discarded, never run.
   */
  restoreState(state: MachineState): void {
    const s = checkMachineState(state, Object.keys(this.devices));
    const rom = fromBase64(s.vm.rom, 'vm state: field "rom"', this.core.romBytes().length);
    restoreCpu(this.core, s.cpu);
    // The PLIC last: its restore reports every context's level, which sets the core's MEIP/SEIP
    // lines after the other devices have driven their IRQ lines into it.
    const entries = Object.entries(this.devices);
    for (const [name, d] of entries) if (d !== this.plic) d.restore(s.devices[name]);
    for (const [name, d] of entries) if (d === this.plic) d.restore(s.devices[name]);
    this.core.romBytes().set(rom);
    this.t0 = this.io.now() - Number(BigInt(s.vm.timeTicks)) / TICKS_PER_MS;
    this.totalExecuted = s.vm.instructions;
    this.exit = s.vm.exit ?? undefined;
    this.sbi.calls.clear();
    for (const [eid, n] of s.vm.sbiCalls) this.sbi.calls.set(eid, n);
    this.core.exports.interruptsChanged();
  }
}
