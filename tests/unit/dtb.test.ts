import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AGENT_UART,
  CLINT,
  DRAM_BASE,
  PVPANIC,
  FINISHER,
  FINISHER_CODE,
  MiB,
  PLIC,
  PLIC_SOURCES,
  RTC,
  TIMEBASE_HZ,
  UART0,
  UART_CLOCK_HZ,
  VIRTIO,
  describeMachine,
  type MachineOptions,
  type VirtioKind,
} from '../../src/hypervisor/machine/board.ts';
import { DTB_MAX_BYTES, MMU_TYPE, RISCV_ISA, buildDtb, type DtbOptions } from '../../src/hypervisor/machine/dtb.ts';
import {
  findByPhandle,
  findNode,
  nodePaths,
  parseFdt,
  propString,
  propStrings,
  propU32,
  propU32Array,
  propU64,
  walkNodes,
  type FdtNode,
} from '../../src/hypervisor/machine/fdt-parse.ts';

const hasDtc = spawnSync('dtc', ['--version']).status === 0;
const hasQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'virtlab-dtb-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hex = (n: number): string => n.toString(16);
const serialPath = `/soc/serial@${hex(UART0.base)}`;
const agentPath = `/soc/serial@${hex(AGENT_UART.base)}`;
const plicPath = `/soc/plic@${hex(PLIC.base)}`;
const clintPath = `/soc/clint@${hex(CLINT.base)}`;
const testPath = `/soc/test@${hex(FINISHER.base)}`;
const rtcPath = `/soc/rtc@${hex(RTC.base)}`;
const virtioPath = (slot: number): string => `/soc/virtio_mmio@${hex(VIRTIO.base + slot * VIRTIO.stride)}`;

function build(machine: Partial<MachineOptions> = {}, opts: DtbOptions = {}): FdtNode {
  return parseFdt(buildDtb(describeMachine({ ramBytes: 128 * MiB, harts: 1, ...machine }), opts)).root;
}

function node(root: FdtNode, path: string): FdtNode {
  const found = findNode(root, path);
  if (found === undefined) throw new Error(`no node ${path} in the tree`);
  return found;
}

/** The path of the node a phandle cell points at. */
function target(root: FdtNode, phandle: number): string {
  const found = findByPhandle(root, phandle);
  if (found === undefined) throw new Error(`dangling phandle ${phandle}`);
  return found.path;
}

/** interrupts-extended as [controller path, cause] pairs; every controller here has one interrupt cell. */
function interruptsExtended(root: FdtNode, path: string): [string, number][] {
  const cells = propU32Array(node(root, path), 'interrupts-extended');
  const pairs: [string, number][] = [];
  for (let i = 0; i < cells.length; i += 2) pairs.push([target(root, cells[i]), cells[i + 1]]);
  return pairs;
}

const intc = (hart: number): string => `/cpus/cpu@${hart}/interrupt-controller`;

describe('buildDtb for a one-hart machine with defaults', () => {
  const root = build();

  it('has the nodes of QEMU virt that the board models', () => {
    expect(nodePaths(root)).toEqual([
      '/',
      '/chosen',
      '/aliases',
      `/memory@${hex(DRAM_BASE)}`,
      '/cpus',
      '/cpus/cpu@0',
      intc(0),
      '/cpus/cpu-map',
      '/cpus/cpu-map/cluster0',
      '/cpus/cpu-map/cluster0/core0',
      '/soc',
      testPath,
      rtcPath,
      `/soc/pvpanic@${hex(PVPANIC.base)}`,
      clintPath,
      plicPath,
      serialPath,
      agentPath,
      '/poweroff',
      '/reboot',
    ]);
  });

  it('uses two address and two size cells at the root and in /soc', () => {
    for (const path of ['/', '/soc']) {
      expect(propU32(node(root, path), '#address-cells')).toBe(2);
      expect(propU32(node(root, path), '#size-cells')).toBe(2);
    }
    expect(propString(root, 'compatible')).toBe('riscv-virtio');
    expect(propString(node(root, '/soc'), 'compatible')).toBe('simple-bus');
    expect(node(root, '/soc').props.get('ranges')).toHaveLength(0);
  });

  it('describes RAM from the machine', () => {
    const memory = node(root, `/memory@${hex(DRAM_BASE)}`);
    expect(propString(memory, 'device_type')).toBe('memory');
    expect(propU32Array(memory, 'reg')).toEqual([0, DRAM_BASE, 0, 128 * MiB]);
  });

  it('describes the hart', () => {
    expect(propU32(node(root, '/cpus'), 'timebase-frequency')).toBe(TIMEBASE_HZ);
    const cpu = node(root, '/cpus/cpu@0');
    expect(propString(cpu, 'device_type')).toBe('cpu');
    expect(propU32(cpu, 'reg')).toBe(0);
    expect(propString(cpu, 'status')).toBe('okay');
    expect(propString(cpu, 'compatible')).toBe('riscv');
    expect(propString(cpu, 'riscv,isa')).toBe(RISCV_ISA);
    expect(RISCV_ISA).toBe('rv64imafdc_zicsr_zifencei');
    expect(propString(cpu, 'mmu-type')).toBe(MMU_TYPE);
    const hartIntc = node(root, intc(0));
    expect(propString(hartIntc, 'compatible')).toBe('riscv,cpu-intc');
    expect(propU32(hartIntc, '#interrupt-cells')).toBe(1);
    expect(hartIntc.props.has('interrupt-controller')).toBe(true);
    expect(target(root, propU32(node(root, '/cpus/cpu-map/cluster0/core0'), 'cpu'))).toBe('/cpus/cpu@0');
  });

  it('wires the CLINT and the PLIC to the hart', () => {
    const clint = node(root, clintPath);
    expect(propStrings(clint, 'compatible')).toEqual(['sifive,clint0', 'riscv,clint0']);
    expect(propU32Array(clint, 'reg')).toEqual([0, CLINT.base, 0, CLINT.size]);
    expect(interruptsExtended(root, clintPath)).toEqual([[intc(0), 3], [intc(0), 7]]);

    const plic = node(root, plicPath);
    expect(propStrings(plic, 'compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(propU32Array(plic, 'reg')).toEqual([0, PLIC.base, 0, PLIC.size]);
    expect(propU32(plic, 'riscv,ndev')).toBe(PLIC_SOURCES);
    expect(propU32(plic, '#interrupt-cells')).toBe(1);
    expect(propU32(plic, '#address-cells')).toBe(0);
    expect(plic.props.has('interrupt-controller')).toBe(true);
    expect(interruptsExtended(root, plicPath)).toEqual([[intc(0), 11], [intc(0), 9]]);
  });

  it('describes the UART, RTC and test finisher', () => {
    const serial = node(root, serialPath);
    expect(propString(serial, 'compatible')).toBe('ns16550a');
    expect(propU32Array(serial, 'reg')).toEqual([0, UART0.base, 0, UART0.size]);
    expect(propU32(serial, 'clock-frequency')).toBe(UART_CLOCK_HZ);
    expect(UART_CLOCK_HZ).toBe(0x38_4000);
    expect(target(root, propU32(serial, 'interrupt-parent'))).toBe(plicPath);
    expect(propU32(serial, 'interrupts')).toBe(UART0.irq);

    const rtc = node(root, rtcPath);
    expect(propString(rtc, 'compatible')).toBe('google,goldfish-rtc');
    expect(propU32(rtc, 'interrupts')).toBe(RTC.irq);
    expect(target(root, propU32(rtc, 'interrupt-parent'))).toBe(plicPath);

    expect(propStrings(node(root, testPath), 'compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    for (const [path, compatible, value] of [
      ['/poweroff', 'syscon-poweroff', FINISHER_CODE.pass],
      ['/reboot', 'syscon-reboot', FINISHER_CODE.reset],
    ] as const) {
      const n = node(root, path);
      expect(propString(n, 'compatible')).toBe(compatible);
      expect(target(root, propU32(n, 'regmap'))).toBe(testPath);
      expect(propU32(n, 'offset')).toBe(0);
      expect(propU32(n, 'value')).toBe(value);
    }
  });

  it('points stdout at the UART and passes no command line or initrd', () => {
    const chosen = node(root, '/chosen');
    expect(propString(chosen, 'stdout-path')).toBe(serialPath);
    expect([...chosen.props.keys()]).toEqual(['stdout-path']);
  });

  it('gives every node that is referred to a unique phandle', () => {
    const phandles = [...walkNodes(root)].filter((n) => n.props.has('phandle')).map((n) => propU32(n, 'phandle'));
    expect(new Set(phandles).size).toBe(phandles.length);
    expect(phandles.every((p) => p !== 0 && p !== 0xffff_ffff)).toBe(true);
  });
});

describe('buildDtb: the guest agent UART', () => {
  const root = build();

  it('is a second ns16550a on its own PLIC source, wired like the console UART', () => {
    const agent = node(root, agentPath);
    expect([...agent.props.keys()]).toEqual(['compatible', 'reg', 'clock-frequency', 'interrupt-parent', 'interrupts']);
    expect(propString(agent, 'compatible')).toBe('ns16550a');
    expect(propU32Array(agent, 'reg')).toEqual([0, AGENT_UART.base, 0, AGENT_UART.size]);
    expect(propU32(agent, 'clock-frequency')).toBe(UART_CLOCK_HZ);
    expect(target(root, propU32(agent, 'interrupt-parent'))).toBe(plicPath);
    expect(propU32(agent, 'interrupts')).toBe(AGENT_UART.irq);
    const irqs = describeMachine({ ramBytes: 128 * MiB, harts: 1, virtio: Array(VIRTIO.slots).fill('block') })
      .regions.flatMap((r) => (r.irq === undefined ? [] : [r.irq]));
    expect(new Set(irqs).size).toBe(irqs.length);
    expect(Math.max(...irqs)).toBeLessThanOrEqual(PLIC_SOURCES);
  });

  it('gets ttyS1 through the serial1 alias while the console stays serial0 and stdout', () => {
    const aliases = node(root, '/aliases');
    expect([...aliases.props.keys()]).toEqual(['serial0', 'serial1']);
    expect(propString(aliases, 'serial0')).toBe(serialPath);
    expect(propString(aliases, 'serial1')).toBe(agentPath);
    expect(propString(node(root, '/chosen'), 'stdout-path')).toBe(serialPath);
    // Not a console: stdout-path can only name a 'uart' region.
    expect(() => build({}, { stdout: 'agent' })).toThrow(/"agent" is not a UART of this machine \(UARTs: uart0\)/);
  });

  it('is left out with agent: false, keeping the serial0 alias', () => {
    const bare = build({ agent: false });
    expect(findNode(bare, agentPath)).toBeUndefined();
    expect([...node(bare, '/aliases').props.keys()]).toEqual(['serial0']);
    expect(propString(node(bare, '/aliases'), 'serial0')).toBe(serialPath);
  });
});

describe('buildDtb for two harts', () => {
  const root = build({ harts: 2 });

  it('lists both harts and maps them as cores of one cluster', () => {
    for (const hart of [0, 1]) {
      expect(propU32(node(root, `/cpus/cpu@${hart}`), 'reg')).toBe(hart);
      expect(target(root, propU32(node(root, `/cpus/cpu-map/cluster0/core${hart}`), 'cpu'))).toBe(`/cpus/cpu@${hart}`);
    }
    expect(findNode(root, '/cpus/cpu@2')).toBeUndefined();
  });

  it('gives the CLINT M software and timer, and the PLIC M then S external, per hart in hart order', () => {
    expect(interruptsExtended(root, clintPath)).toEqual([
      [intc(0), 3], [intc(0), 7],
      [intc(1), 3], [intc(1), 7],
    ]);
    // PLIC context 2h is hart h's M-mode, 2h+1 its S-mode.
    expect(interruptsExtended(root, plicPath)).toEqual([
      [intc(0), 11], [intc(0), 9],
      [intc(1), 11], [intc(1), 9],
    ]);
  });

  it('writes hex unit addresses for eight harts', () => {
    const eight = build({ harts: 8 });
    expect(findNode(eight, '/cpus/cpu@7')).toBeDefined();
    expect(interruptsExtended(eight, plicPath)).toHaveLength(16);
  });
});

describe('buildDtb options', () => {
  it('passes bootargs and the initrd bounds as 64-bit values', () => {
    const start = DRAM_BASE + 64 * MiB;
    const end = start + 3 * MiB + 5;
    const chosen = node(build({}, { bootargs: 'console=ttyS0 earlycon', initrd: { start, end } }), '/chosen');
    expect(propString(chosen, 'bootargs')).toBe('console=ttyS0 earlycon');
    expect(propU64(chosen, 'linux,initrd-start')).toBe(BigInt(start));
    expect(propU64(chosen, 'linux,initrd-end')).toBe(BigInt(end));
  });

  it('refuses an initrd that is not in RAM', () => {
    const ramEnd = DRAM_BASE + 128 * MiB;
    expect(() => build({}, { initrd: { start: ramEnd - 10, end: ramEnd + 10 } })).toThrow(/not inside guest RAM/);
    expect(() => build({}, { initrd: { start: DRAM_BASE + 10, end: DRAM_BASE } })).toThrow(/not inside guest RAM/);
    expect(() => build({}, { initrd: { start: 0x1000, end: 0x2000 } })).toThrow(/not inside guest RAM/);
  });

  it('passes an rng-seed and can leave stdout-path out', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    const chosen = node(build({}, { rngSeed: seed, stdout: null }), '/chosen');
    expect([...chosen.props.get('rng-seed')!]).toEqual([...seed]);
    expect(chosen.props.has('stdout-path')).toBe(false);
    expect(propString(node(build({}, { stdout: 'uart0' }), '/chosen'), 'stdout-path')).toBe(serialPath);
    expect(() => build({}, { stdout: 'uart7' })).toThrow(/"uart7" is not a UART of this machine \(UARTs: uart0\)/);
  });

  it('lists only the virtio-mmio slots the machine fills, in slot order', () => {
    const kinds: VirtioKind[] = ['block', 'net', 'entropy'];
    const root = build({ virtio: kinds });
    const listed = nodePaths(root).filter((p) => p.includes('virtio_mmio'));
    expect(listed).toEqual(kinds.map((_, slot) => virtioPath(slot)));
    kinds.forEach((_, slot) => {
      const n = node(root, virtioPath(slot));
      expect(propString(n, 'compatible')).toBe('virtio,mmio');
      expect(propU32Array(n, 'reg')).toEqual([0, VIRTIO.base + slot * VIRTIO.stride, 0, VIRTIO.stride]);
      expect(propU32(n, 'interrupts')).toBe(VIRTIO.firstIrq + slot);
      expect(target(root, propU32(n, 'interrupt-parent'))).toBe(plicPath);
    });
  });

  it('leaves the RTC out when the machine has none', () => {
    expect(findNode(build({ rtc: false }), rtcPath)).toBeUndefined();
  });

  it('describes 2 GiB of RAM', () => {
    const root = build({ ramBytes: 2048 * MiB });
    expect(propU32Array(node(root, `/memory@${hex(DRAM_BASE)}`), 'reg')).toEqual([0, DRAM_BASE, 0, 0x8000_0000]);
  });

  it('stays far below the size limit and refuses to exceed it', () => {
    const full = buildDtb(describeMachine({ ramBytes: 2048 * MiB, harts: 8, virtio: Array(VIRTIO.slots).fill('block') }), {
      bootargs: 'x'.repeat(4096),
      rngSeed: new Uint8Array(64),
    });
    expect(full.length).toBeLessThan(DTB_MAX_BYTES / 4);
    const machine = describeMachine({ ramBytes: 128 * MiB, harts: 1 });
    expect(() => buildDtb(machine, { bootargs: 'x'.repeat(DTB_MAX_BYTES) })).toThrow(
      new RegExp(`over the ${DTB_MAX_BYTES}-byte space`),
    );
  });
});

/** Runs a host tool; the test fails with its output if it does not succeed. */
function run(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

function writeScratch(name: string, blob: Uint8Array): string {
  const file = join(scratch, name);
  writeFileSync(file, blob);
  return file;
}

describe.skipIf(!hasDtc)('generated DTB through dtc (needs dtc on PATH)', () => {
  const blob = buildDtb(describeMachine({ ramBytes: 256 * MiB, harts: 2, virtio: ['block', 'net'] }), {
    bootargs: 'console=ttyS0',
    initrd: { start: DRAM_BASE + 128 * MiB, end: DRAM_BASE + 130 * MiB },
    rngSeed: new Uint8Array(32).fill(0xa5),
  });

  it('decompiles without errors or warnings', () => {
    const { stdout, stderr } = run('dtc', ['-I', 'dtb', '-O', 'dts', writeScratch('virt.dtb', blob)]);
    expect(stderr).toBe('');
    expect(stdout).toContain(`stdout-path = "${serialPath}";`);
  });

  it('is byte for byte what dtc writes when it re-encodes the blob', () => {
    const out = join(scratch, 'reencoded.dtb');
    const { stderr } = run('dtc', ['-I', 'dtb', '-O', 'dtb', '-o', out, writeScratch('virt2.dtb', blob)]);
    expect(stderr).toBe('');
    expect(Buffer.from(blob).equals(readFileSync(out))).toBe(true);
  });
});

/**
 * Properties allowed to differ from QEMU 7.2's tree, and why:
 * - phandle: numbering is arbitrary; references are compared by the path they point at.
 * - riscv,isa, mmu-type: we describe our CPU (rv64imafdc, Sv48), not QEMU's (h, zb*, sstc).
 * - riscv,ndev: QEMU virt declares 96 sources, the board wires PLIC_SOURCES.
 * - rng-seed: random on each QEMU run.
 * - #address-cells on the hart interrupt controllers: ours only, see dtb.ts.
 */
const MAY_DIFFER = new Set(['phandle', 'riscv,isa', 'mmu-type', 'riscv,ndev', 'rng-seed']);
const OURS_ONLY = new Map([[intc(0), ['#address-cells']], [intc(1), ['#address-cells']]]);
/** Properties holding one phandle, compared by the path of the node it names. */
const PHANDLE_PROPS = new Set(['interrupt-parent', 'regmap', 'cpu']);

/** A property's value with phandles replaced by paths, so two trees can be compared. */
function comparable(root: FdtNode, n: FdtNode, name: string): unknown {
  if (PHANDLE_PROPS.has(name)) return target(root, propU32(n, name));
  if (name === 'interrupts-extended') return interruptsExtended(root, n.path);
  return [...n.props.get(name)!];
}

describe.skipIf(!hasDtc || !hasQemu)('generated DTB against QEMU virt (needs dtc and qemu-system-riscv64)', () => {
  it('has the same nodes and properties as QEMU for everything the board models', () => {
    const qemuFile = join(scratch, 'qemu.dtb');
    run('qemu-system-riscv64', ['-M', `virt,dumpdtb=${qemuFile}`, '-m', '128M', '-smp', '2', '-display', 'none']);
    const qemu = parseFdt(new Uint8Array(readFileSync(qemuFile))).root;
    // QEMU always lists all eight virtio-mmio slots, so fill them all here.
    const ours = build({ harts: 2, virtio: Array(VIRTIO.slots).fill('block') });

    const qemuPaths = new Set(nodePaths(qemu));
    const ourPaths = nodePaths(ours);
    // Ours alone, each for a reason: QEMU's RISC-V virt board has no pvpanic-mmio device and one
    // serial port (the agent UART is ours), and QEMU 7.2 writes no /aliases (8.0 writes serial0).
    expect(ourPaths.filter((p) => !qemuPaths.has(p))).toEqual(['/aliases', '/soc/pvpanic@102000', agentPath]);
    // What QEMU has and we don't: devices the board does not model.
    const notModeled = [...qemuPaths].filter((p) => !ourPaths.includes(p));
    expect(notModeled.sort()).toEqual(['/flash@20000000', '/fw-cfg@10100000', '/platform-bus@4000000', '/pmu', '/soc/pci@30000000']);

    for (const path of ourPaths.filter((p) => qemuPaths.has(p))) {
      const q = node(qemu, path);
      const o = node(ours, path);
      const expected = [...q.props.keys()].filter((name) => !MAY_DIFFER.has(name));
      const extra = OURS_ONLY.get(path) ?? [];
      const ourNames = [...o.props.keys()].filter((name) => !MAY_DIFFER.has(name) && !extra.includes(name));
      expect(ourNames.sort(), `properties of ${path}`).toEqual(expected.sort());
      for (const name of expected) {
        expect(comparable(ours, o, name), `${path}:${name}`).toEqual(comparable(qemu, q, name));
      }
    }
  });
});
