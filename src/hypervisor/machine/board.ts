/**
 * The guest board, described once as data: a QEMU `-M virt` compatible RV64GC machine.
 *
 * Every address, size and interrupt number of the board lives in this file. MMIO dispatch
 * (devices/bus.ts), the flattened device tree handed to the guest (machine/dtb.ts) and the boot
 * code all read it; nothing else writes an address down. The map matches QEMU's hw/riscv/virt.c so
 * the same binaries run on both and can be diffed (DESIGN.md §2, §9).
 */

export type DeviceKind =
  | 'bootrom'
  | 'finisher'
  | 'rtc'
  | 'clint'
  | 'plic'
  | 'uart'
  /** The guest agent's NS16550A: a second serial port whose bytes go to the host's agent client. */
  | 'agent'
  | 'virtio'
  | 'pvpanic'
  | 'ram';

export interface Region {
  readonly kind: DeviceKind;
  /** Unique name, also the device-tree node name prefix (e.g. "uart" → "serial@10000000" in the DTB builder). */
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** PLIC source number of the device's interrupt line, if it has one. */
  readonly irq?: number;
}

/** Fixed regions of the virt board (QEMU virt_memmap). */
export const BOOTROM = { base: 0x0000_1000, size: 0x1000 } as const;
export const FINISHER = { base: 0x0010_0000, size: 0x1000 } as const;
export const RTC = { base: 0x0010_1000, size: 0x1000, irq: 11 } as const;
/** QEMU's pvpanic-mmio device (not on QEMU's RISC-V virt board, which has a free page here): the
 *  guest kernel reports a panic through it, so a crash is seen as a crash and not as silence. */
export const PVPANIC = { base: 0x0010_2000, size: 0x1000 } as const;
export const CLINT = { base: 0x0200_0000, size: 0x1_0000 } as const;
export const PLIC = { base: 0x0c00_0000, size: 0x60_0000 } as const;
export const UART0 = { base: 0x1000_0000, size: 0x100, irq: 10 } as const;
/**
 * The guest agent channel: a second NS16550A, as qemu-guest-agent's serial port (QEMU gives it a
 * virtio-serial port; our Linux has the 8250 driver already). QEMU virt has no second UART, so
 * its place is ours to choose: right after UART0, inside the 0x1000_0000..0x1000_1000 page QEMU
 * leaves free below the virtio slots, and PLIC source 12, the first one after the RTC's that
 * QEMU virt does not wire (virtio 1..8, UART 10, RTC 11; PCIe uses 32..35).
 */
export const AGENT_UART = { base: 0x1000_0100, size: 0x100, irq: 12 } as const;
export const VIRTIO = { base: 0x1000_1000, stride: 0x1000, slots: 8, firstIrq: 1 } as const;
export const DRAM_BASE = 0x8000_0000;

/** The CLINT's mtime counts at 10 MHz, as on QEMU virt ("timebase-frequency"). */
export const TIMEBASE_HZ = 10_000_000;
/** The 16550A's input clock, QEMU virt's 3.6864 MHz ("clock-frequency"): the guest derives baud divisors from it. */
export const UART_CLOCK_HZ = 3_686_400;
/**
 * Values written to the test finisher (sifive,test0) to stop the machine. The low 16 bits select
 * the action; for `fail` the upper 16 bits carry an exit code. The DTB's syscon-poweroff and
 * syscon-reboot nodes tell the guest to write `pass` and `reset`.
 */
export const FINISHER_CODE = { fail: 0x3333, pass: 0x5555, reset: 0x7777 } as const;
/** PLIC sources the board wires (riscv,ndev). Sources 1..8 virtio, 10 UART, 11 RTC, 12 agent UART. */
export const PLIC_SOURCES = 31;
/** Where the built-in SBI firmware path enters the kernel (OpenSBI's fw_jump default offset). */
export const KERNEL_ENTRY = DRAM_BASE + 0x20_0000;

export interface MachineOptions {
  /** Guest RAM in bytes: a multiple of 1 MiB, at most 2 GiB - see layout limits in asm/. */
  readonly ramBytes: number;
  readonly harts: number;
  /** Device kinds present in the virtio-mmio slots, slot index = array index. */
  readonly virtio?: readonly VirtioKind[];
  /** Include the goldfish RTC (wall clock). */
  readonly rtc?: boolean;
  /** Include the pvpanic device (guest kernel panics reported to the hypervisor). */
  readonly pvpanic?: boolean;
  /** Include the guest agent UART (default on; the guest finds it as ttyS1, see dtb.ts). */
  readonly agent?: boolean;
}

export type VirtioKind = 'block' | 'net' | 'console' | 'entropy';

export interface Machine {
  readonly ramBytes: number;
  readonly harts: number;
  readonly regions: readonly Region[];
  readonly virtio: readonly VirtioKind[];
}

export const MiB = 1024 * 1024;
export const MAX_RAM_BYTES = 2048 * MiB;

/** Builds the machine description; the single place that lists what is on the board. */
export function describeMachine(opts: MachineOptions): Machine {
  if (!Number.isInteger(opts.ramBytes) || opts.ramBytes < MiB || opts.ramBytes % MiB !== 0) {
    throw new RangeError(`RAM size must be a whole number of MiB, at least 1 MiB (got ${opts.ramBytes} bytes)`);
  }
  if (opts.ramBytes > MAX_RAM_BYTES) {
    throw new RangeError(`RAM size ${opts.ramBytes / MiB} MiB is over the ${MAX_RAM_BYTES / MiB} MiB limit`);
  }
  if (!Number.isInteger(opts.harts) || opts.harts < 1 || opts.harts > 8) {
    throw new RangeError(`hart count must be 1..8 (got ${opts.harts})`);
  }
  const virtio = opts.virtio ?? [];
  if (virtio.length > VIRTIO.slots) throw new RangeError(`at most ${VIRTIO.slots} virtio devices`);
  const regions: Region[] = [
    { kind: 'bootrom', name: 'bootrom', ...BOOTROM },
    { kind: 'finisher', name: 'test', ...FINISHER },
    ...(opts.rtc === false ? [] : [{ kind: 'rtc' as const, name: 'rtc', ...RTC }]),
    ...(opts.pvpanic === false ? [] : [{ kind: 'pvpanic' as const, name: 'pvpanic', ...PVPANIC }]),
    { kind: 'clint', name: 'clint', ...CLINT },
    { kind: 'plic', name: 'plic', ...PLIC },
    { kind: 'uart', name: 'uart0', ...UART0 },
    ...(opts.agent === false ? [] : [{ kind: 'agent' as const, name: 'agent', ...AGENT_UART }]),
    ...virtio.map((_, n) => ({
      kind: 'virtio' as const,
      name: `virtio${n}`,
      base: VIRTIO.base + n * VIRTIO.stride,
      size: VIRTIO.stride,
      irq: VIRTIO.firstIrq + n,
    })),
    { kind: 'ram', name: 'memory', base: DRAM_BASE, size: opts.ramBytes },
  ];
  return { ramBytes: opts.ramBytes, harts: opts.harts, regions, virtio };
}

/** The region holding a physical address, or undefined. */
export function regionAt(machine: Machine, addr: number): Region | undefined {
  for (const r of machine.regions) if (addr >= r.base && addr < r.base + r.size) return r;
  return undefined;
}
