/**
 * The device tree handed to the guest (in a1 at boot), built from the machine description.
 *
 * It follows what QEMU 7.2 `-M virt` generates - node names, compatibles, cell sizes, phandle
 * wiring - so OpenSBI's generic platform and Linux find the same devices they find under QEMU. It
 * lists only what the board models: no PCI, flash, fw-cfg, platform bus or PMU node, and only the
 * virtio-mmio slots the machine fills. Every address, size and interrupt number comes from the
 * Machine's regions or the board constants.
 */

import {
  FINISHER_CODE,
  PLIC_SOURCES,
  TIMEBASE_HZ,
  UART_CLOCK_HZ,
  type DeviceKind,
  type Machine,
  type Region,
} from './board.ts';
import { FdtWriter } from './fdt.ts';

/** The most a DTB may take: the boot code sets this much guest memory aside for it. */
export const DTB_MAX_BYTES = 64 * 1024;

/**
 * Each hart's riscv,isa. Zicsr and Zifencei are named because the ISA manual moved them out of the
 * base "i" (2019), so current toolchains and kernels treat them as extensions of their own. Linux
 * 6.1's parser accepts underscore-separated multi-letter names and skips those it does not track.
 * Nothing the CPU lacks is listed (QEMU also lists h, zihintpause, zb*, sstc): Linux 6.1 would
 * program Sstc's stimecmp if told it exists.
 */
export const RISCV_ISA = 'rv64imafdc_zicsr_zifencei';
/** The widest translation mode the core implements (Sv39 and Sv48; Sv57 is not). Linux 6.1 probes
 *  satp itself and picks Sv48, as on QEMU, which advertises the same. */
export const MMU_TYPE = 'riscv,sv48';

/** QEMU's names for the board; the root compatible selects no OpenSBI platform quirks. */
const BOARD_COMPATIBLE = 'riscv-virtio';
const BOARD_MODEL = 'riscv-virtio,qemu';

/** Interrupt causes (mcause/scause codes) of the hart-local interrupt controller. */
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;

export interface DtbOptions {
  /** Kernel command line (/chosen/bootargs). */
  readonly bootargs?: string;
  /** Guest-physical bounds of the initramfs, end exclusive; must lie in RAM. */
  readonly initrd?: { readonly start: number; readonly end: number };
  /**
   * Region name of the UART used as console (/chosen/stdout-path), which OpenSBI prints on and
   * Linux's `earlycon` uses. Default: the first UART. `null` leaves stdout-path out.
   */
  readonly stdout?: string | null;
  /** Entropy for the kernel's RNG before drivers run (/chosen/rng-seed); QEMU passes 32 bytes. */
  readonly rngSeed?: Uint8Array;
}

/** The generic node name of each device kind that appears in the tree. */
const NODE_NAME: Partial<Record<DeviceKind, string>> = {
  finisher: 'test',
  rtc: 'rtc',
  pvpanic: 'pvpanic',
  clint: 'clint',
  plic: 'plic',
  uart: 'serial',
  agent: 'serial',
  virtio: 'virtio_mmio',
  ram: 'memory',
};

/** A region's node name, e.g. "serial@10000000". */
export function dtNodeName(region: Region): string {
  const name = NODE_NAME[region.kind];
  if (name === undefined) throw new Error(`a ${region.kind} region has no device tree node`);
  return `${name}@${region.base.toString(16)}`;
}

/** A region's node path, e.g. "/soc/serial@10000000"; RAM sits at the root, devices in /soc. */
export function dtNodePath(region: Region): string {
  return region.kind === 'ram' ? `/${dtNodeName(region)}` : `/soc/${dtNodeName(region)}`;
}

/** A 64-bit number as two cells, high first: the root and /soc use 2 address and 2 size cells. */
function cells64(value: number): [number, number] {
  return [Math.floor(value / 2 ** 32), value >>> 0];
}

function reg(region: Region): number[] {
  return [...cells64(region.base), ...cells64(region.size)];
}

function only(machine: Machine, kind: DeviceKind): Region {
  const found = machine.regions.filter((r) => r.kind === kind);
  if (found.length !== 1) throw new Error(`the device tree needs exactly one ${kind} region, the machine has ${found.length}`);
  return found[0];
}

function irqOf(region: Region): number {
  if (region.irq === undefined) throw new Error(`region ${region.name} has no interrupt line`);
  return region.irq;
}

/** Phandles that nodes refer to, handed out before any node is written. */
interface Phandles {
  readonly cpu: number[];
  /** Each hart's interrupt controller (riscv,cpu-intc). */
  readonly intc: number[];
  readonly plic: number;
  readonly finisher: number;
}

export function buildDtb(machine: Machine, opts: DtbOptions = {}): Uint8Array {
  const w = new FdtWriter({ bootCpuId: 0 });
  const harts = Array.from({ length: machine.harts }, (_, hart) => hart);
  const ph: Phandles = {
    cpu: harts.map(() => w.allocPhandle()),
    intc: harts.map(() => w.allocPhandle()),
    plic: w.allocPhandle(),
    finisher: w.allocPhandle(),
  };

  w.beginNode('');
  w.propU32('#address-cells', 2).propU32('#size-cells', 2);
  w.propString('compatible', BOARD_COMPATIBLE).propString('model', BOARD_MODEL);

  writeChosen(w, machine, opts);
  writeAliases(w, machine);
  const ram = only(machine, 'ram');
  w.beginNode(dtNodeName(ram)).propString('device_type', 'memory').propU32Array('reg', reg(ram)).endNode();
  writeCpus(w, harts, ph);
  writeSoc(w, machine, harts, ph);
  writePowerNodes(w, ph);
  w.endNode();

  const blob = w.finish();
  if (blob.length > DTB_MAX_BYTES) {
    throw new RangeError(
      `device tree is ${blob.length} bytes, over the ${DTB_MAX_BYTES}-byte space the boot layout has for it (is the kernel command line that long?)`,
    );
  }
  return blob;
}

function writeChosen(w: FdtWriter, machine: Machine, opts: DtbOptions): void {
  w.beginNode('chosen');
  if (opts.bootargs !== undefined) w.propString('bootargs', opts.bootargs);
  const stdout = stdoutRegion(machine, opts.stdout);
  if (stdout !== undefined) w.propString('stdout-path', dtNodePath(stdout));
  if (opts.initrd !== undefined) {
    const { start, end } = opts.initrd;
    const ram = only(machine, 'ram');
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && ram.base <= start && start <= end && end <= ram.base + ram.size)) {
      throw new RangeError(`initrd 0x${start.toString(16)}..0x${end.toString(16)} is not inside guest RAM`);
    }
    // 64-bit like QEMU writes them; Linux reads either width.
    w.propU64('linux,initrd-start', start).propU64('linux,initrd-end', end);
  }
  if (opts.rngSeed !== undefined) w.propBytes('rng-seed', opts.rngSeed);
  w.endNode();
}

/**
 * Fixed serial line numbers: Linux's of_serial gives a port the line of its `serialN` alias, so
 * the console stays ttyS0 and the agent UART is ttyS1 whatever the probe order (without aliases
 * the 8250 driver numbers ports as they probe). QEMU 7.2 writes no /aliases; 8.0 writes serial0.
 */
function writeAliases(w: FdtWriter, machine: Machine): void {
  const serial = [
    ...machine.regions.filter((r) => r.kind === 'uart'),
    ...machine.regions.filter((r) => r.kind === 'agent'),
  ];
  if (serial.length === 0) return;
  w.beginNode('aliases');
  serial.forEach((r, n) => w.propString(`serial${n}`, dtNodePath(r)));
  w.endNode();
}

function stdoutRegion(machine: Machine, choice: string | null | undefined): Region | undefined {
  if (choice === null) return undefined;
  const uarts = machine.regions.filter((r) => r.kind === 'uart');
  if (choice === undefined) return uarts[0];
  const region = uarts.find((r) => r.name === choice);
  if (region === undefined) {
    throw new Error(`stdout "${choice}" is not a UART of this machine (UARTs: ${uarts.map((r) => r.name).join(', ') || 'none'})`);
  }
  return region;
}

function writeCpus(w: FdtWriter, harts: number[], ph: Phandles): void {
  w.beginNode('cpus');
  w.propU32('#address-cells', 1).propU32('#size-cells', 0);
  // The mtime rate; OpenSBI and Linux read it here, not from the CLINT node.
  w.propU32('timebase-frequency', TIMEBASE_HZ);
  for (const hart of harts) {
    w.beginNode(`cpu@${hart.toString(16)}`);
    w.propPhandle(ph.cpu[hart]);
    w.propString('device_type', 'cpu');
    w.propU32('reg', hart); // the hart ID (mhartid)
    w.propString('status', 'okay');
    w.propString('compatible', 'riscv');
    w.propString('riscv,isa', RISCV_ISA);
    w.propString('mmu-type', MMU_TYPE);
    w.beginNode('interrupt-controller');
    w.propU32('#interrupt-cells', 1);
    // Not in QEMU's tree: dtc warns about interrupt providers without it. Linux and OpenSBI ignore it.
    w.propU32('#address-cells', 0);
    w.propEmpty('interrupt-controller');
    w.propString('compatible', 'riscv,cpu-intc');
    w.propPhandle(ph.intc[hart]);
    w.endNode();
    w.endNode();
  }
  // One cluster of single-thread cores, as QEMU describes a machine without a NUMA layout.
  w.beginNode('cpu-map').beginNode('cluster0');
  for (const hart of harts) w.beginNode(`core${hart}`).propU32('cpu', ph.cpu[hart]).endNode();
  w.endNode().endNode();
  w.endNode();
}

function writeSoc(w: FdtWriter, machine: Machine, harts: number[], ph: Phandles): void {
  w.beginNode('soc');
  w.propU32('#address-cells', 2).propU32('#size-cells', 2);
  w.propString('compatible', 'simple-bus');
  w.propEmpty('ranges'); // identity-mapped: bus addresses are CPU physical addresses

  // In address order, which is also slot order for virtio-mmio: Linux probes the transports in tree
  // order, so the machine's first virtio device becomes the guest's first (vda, eth0, ...).
  const devices = machine.regions.filter((r) => r.kind !== 'ram' && r.kind !== 'bootrom').sort((a, b) => a.base - b.base);
  for (const region of devices) {
    w.beginNode(dtNodeName(region));
    switch (region.kind) {
      case 'finisher':
        w.propPhandle(ph.finisher); // the regmap of the poweroff and reboot nodes
        w.propStrings('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
        w.propU32Array('reg', reg(region));
        break;
      case 'clint':
        w.propStrings('compatible', ['sifive,clint0', 'riscv,clint0']);
        w.propU32Array('reg', reg(region));
        // Per hart, in hart order: the software (IPI) and timer interrupts, both M-mode. Supervisor
        // software reaches them through SBI calls.
        w.propU32Array('interrupts-extended', harts.flatMap((h) => [ph.intc[h], IRQ_M_SOFT, ph.intc[h], IRQ_M_TIMER]));
        break;
      case 'plic':
        w.propPhandle(ph.plic);
        w.propStrings('compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
        w.propU32Array('reg', reg(region));
        w.propU32('#address-cells', 0);
        w.propU32('#interrupt-cells', 1);
        w.propEmpty('interrupt-controller');
        w.propU32('riscv,ndev', PLIC_SOURCES);
        // The n-th entry describes PLIC context n, whose registers sit at a fixed place in the PLIC's
        // window. Like QEMU virt, each hart has two: context 2h for its M-mode and 2h+1 for its
        // S-mode external interrupt. The order must match the hardware: Linux picks the contexts
        // whose entry is S external and would otherwise claim through M-mode registers. OpenSBI
        // rewrites the M entries before handing the tree on.
        w.propU32Array('interrupts-extended', harts.flatMap((h) => [ph.intc[h], IRQ_M_EXT, ph.intc[h], IRQ_S_EXT]));
        break;
      case 'uart':
      case 'agent': // the same NS16550A; only the host side differs
        w.propString('compatible', 'ns16550a');
        w.propU32Array('reg', reg(region));
        w.propU32('clock-frequency', UART_CLOCK_HZ);
        w.propU32('interrupt-parent', ph.plic).propU32('interrupts', irqOf(region));
        break;
      case 'rtc':
        w.propString('compatible', 'google,goldfish-rtc');
        w.propU32Array('reg', reg(region));
        w.propU32('interrupt-parent', ph.plic).propU32('interrupts', irqOf(region));
        break;
      case 'pvpanic':
        w.propString('compatible', 'qemu,pvpanic-mmio');
        w.propU32Array('reg', reg(region));
        break;
      case 'virtio':
        w.propString('compatible', 'virtio,mmio');
        w.propU32Array('reg', reg(region));
        w.propU32('interrupt-parent', ph.plic).propU32('interrupts', irqOf(region));
        break;
      default:
        throw new Error(`no device tree node for region ${region.name} (${region.kind})`);
    }
    w.endNode();
  }
  w.endNode();
}

/** How the guest stops the machine: syscon writes to the test finisher's register at offset 0. */
function writePowerNodes(w: FdtWriter, ph: Phandles): void {
  for (const [node, compatible, value] of [
    ['poweroff', 'syscon-poweroff', FINISHER_CODE.pass],
    ['reboot', 'syscon-reboot', FINISHER_CODE.reset],
  ] as const) {
    w.beginNode(node);
    w.propString('compatible', compatible);
    w.propU32('regmap', ph.finisher).propU32('offset', 0).propU32('value', value);
    w.endNode();
  }
}
