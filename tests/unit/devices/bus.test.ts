import { describe, expect, it } from 'vitest';
import {
  BOOTROM,
  CLINT,
  DRAM_BASE,
  FINISHER,
  PLIC,
  RTC,
  AGENT_UART,
  UART0,
  VIRTIO,
  describeMachine,
} from '../../../src/hypervisor/machine/board.ts';
import { MmioBus, describeRoutes } from '../../../src/hypervisor/devices/bus.ts';
import type { AccessSize, DeviceState, MmioDevice } from '../../../src/hypervisor/devices/device.ts';
import { Finisher } from '../../../src/hypervisor/devices/finisher.ts';
import { Plic } from '../../../src/hypervisor/devices/plic.ts';
import { Uart16550 } from '../../../src/hypervisor/devices/uart16550.ts';

/** A device that records its accesses and reads back a register file of 32-bit words. */
class Recorder implements MmioDevice {
  readonly log: string[] = [];
  readonly regs = new Map<number, number>();
  constructor(
    readonly name: string,
    readonly accessSizes?: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    this.log.push(`r${size}@${offset.toString(16)}`);
    return this.regs.get(offset) ?? 0;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.log.push(`w${size}@${offset.toString(16)}=${value.toString(16)}`);
    this.regs.set(offset, value);
  }
  save(): DeviceState {
    return {};
  }
  restore(): void {}
}

const machine = describeMachine({ ramBytes: 64 * 1024 * 1024, harts: 1, virtio: ['block', 'net'] });

function makeBus() {
  const virtio0 = new Recorder('virtio-blk');
  const rtc = new Recorder('rtc', 4);
  const out: number[] = [];
  const finishes: unknown[] = [];
  const plic = new Plic({ harts: 1, onContextLevel: () => {} });
  const uart = new Uart16550({ backend: { write: (b) => out.push(...b) }, irq: plic.irqLine(UART0.irq) });
  const devices = { uart0: uart, plic, test: new Finisher((e) => finishes.push(e)), rtc, virtio0 };
  return { bus: new MmioBus(machine, devices), devices, virtio0, rtc, out, finishes };
}

describe('MmioBus routing', () => {
  it('routes by address and passes offsets', () => {
    const { bus, out, finishes, virtio0 } = makeBus();
    expect(bus.write(UART0.base, 1, 0x41)).toBe(true);
    expect(bus.fault).toBe(false);
    expect(out).toEqual([0x41]);
    bus.write(UART0.base + 7, 1, 0x99);
    expect(bus.read(UART0.base + 7, 1)).toBe(0x99);
    bus.write(FINISHER.base, 4, 0x5555);
    expect(finishes).toEqual([{ kind: 'pass' }]);
    bus.write(PLIC.base + 4 * 10, 4, 5);
    expect(bus.read(PLIC.base + 4 * 10, 4)).toBe(5);
    bus.write(VIRTIO.base + 0x70, 4, 0xdead_beef);
    expect(virtio0.log).toEqual(['w4@70=deadbeef']);
    expect(bus.read(VIRTIO.base + 0x70, 4)).toBe(0xdead_beef);
  });

  it('returns 32-bit values unsigned and narrow values masked', () => {
    const { bus, virtio0 } = makeBus();
    virtio0.regs.set(0, -1);
    expect(bus.read(VIRTIO.base, 4)).toBe(0xffff_ffff);
    expect(bus.read(VIRTIO.base, 2)).toBe(0xffff);
    expect(bus.read(VIRTIO.base, 1)).toBe(0xff);
    bus.write(VIRTIO.base + 4, 1, 0x1ff);
    expect(virtio0.regs.get(4)).toBe(0xff);
  });

  it('splits 8-byte accesses into two 4-byte ones, low word first', () => {
    const { bus, virtio0 } = makeBus();
    expect(bus.write(VIRTIO.base + 0x10, 8, 0x1111_2222, 0x3333_4444)).toBe(true);
    expect(virtio0.log).toEqual(['w4@10=11112222', 'w4@14=33334444']);
    virtio0.log.length = 0;
    expect(bus.read(VIRTIO.base + 0x10, 8)).toBe(0x1111_2222);
    expect(bus.readHigh).toBe(0x3333_4444);
    expect(virtio0.log).toEqual(['r4@10', 'r4@14']);
    bus.read(VIRTIO.base + 0x10, 4);
    expect(bus.readHigh).toBe(0);
  });

  it('keeps working when alternating between devices (lookup cache)', () => {
    const { bus, out, virtio0 } = makeBus();
    for (let i = 0; i < 3; i++) {
      bus.write(UART0.base, 1, 0x30 + i);
      bus.write(VIRTIO.base + VIRTIO.stride, 4, i); // virtio1: no device model
      expect(bus.faultReason).toBe('no-device');
      bus.write(VIRTIO.base, 4, i);
    }
    expect(out).toEqual([0x30, 0x31, 0x32]);
    expect(virtio0.log.length).toBe(3);
  });
});

describe('MmioBus faults', () => {
  const cases: [string, number, string][] = [
    ['below everything', 0x0, 'unmapped'],
    ['between regions', 0x0200_0000 + CLINT.size, 'unmapped'],
    ['past the UART registers windows', AGENT_UART.base + AGENT_UART.size, 'unmapped'],
    ['past the end of RAM', DRAM_BASE + 64 * 1024 * 1024, 'unmapped'],
    ['far above', 2 ** 40, 'unmapped'],
    ['the boot ROM', BOOTROM.base, 'core-owned'],
    ['the CLINT', CLINT.base + 0x4000, 'core-owned'],
    ['RAM', DRAM_BASE, 'core-owned'],
    ['a virtio slot with no device model', VIRTIO.base + VIRTIO.stride, 'no-device'],
    ['the agent UART with no device model', UART0.base + UART0.size, 'no-device'],
  ];
  for (const [what, addr, reason] of cases) {
    it(`faults ${what} (${reason}) on read and write`, () => {
      const { bus } = makeBus();
      expect(bus.read(addr, 4)).toBe(0);
      expect(bus.fault).toBe(true);
      expect(bus.faultReason).toBe(reason);
      bus.read(UART0.base, 1);
      expect(bus.fault).toBe(false);
      expect(bus.write(addr, 4, 1)).toBe(false);
      expect(bus.fault).toBe(true);
      expect(bus.faultReason).toBe(reason);
    });
  }

  it('faults widths the device does not take (PLIC and RTC: 32-bit only; finisher: 16/32)', () => {
    const { bus, rtc } = makeBus();
    for (const size of [1, 2, 8]) {
      bus.read(PLIC.base + 0x20_0004, size);
      expect(bus.faultReason).toBe('bad-size');
      expect(bus.write(RTC.base, size, 0)).toBe(false);
    }
    expect(rtc.log).toEqual([]);
    expect(bus.write(FINISHER.base, 1, 0)).toBe(false);
    expect(bus.write(FINISHER.base, 8, 0)).toBe(false);
    expect(bus.write(FINISHER.base, 2, 0)).toBe(true);
    for (const size of [0, 3, 16]) {
      bus.read(UART0.base, size);
      expect(bus.faultReason).toBe('bad-size');
    }
  });

  it('faults misaligned accesses', () => {
    const { bus, virtio0 } = makeBus();
    expect(bus.write(VIRTIO.base + 2, 4, 0)).toBe(false);
    expect(bus.faultReason).toBe('misaligned');
    bus.read(VIRTIO.base + 4, 8);
    expect(bus.faultReason).toBe('misaligned');
    expect(virtio0.log).toEqual([]);
    bus.read(UART0.base + 3, 1);
    expect(bus.fault).toBe(false);
  });
});

describe('MmioBus construction and routes', () => {
  it('lists every region with what serves it', () => {
    const { bus } = makeBus();
    const routes = bus.routes();
    expect(routes.map((r) => [r.name, r.servedBy, r.device])).toEqual([
      ['bootrom', 'core', undefined],
      ['test', 'device', 'test'],
      ['rtc', 'device', 'rtc'],
      ['pvpanic', 'none', undefined],
      ['clint', 'core', undefined],
      ['plic', 'device', 'plic'],
      ['uart0', 'device', 'uart0'],
      ['agent', 'none', undefined],
      ['virtio0', 'device', 'virtio-blk'],
      ['virtio1', 'none', undefined],
      ['memory', 'core', undefined],
    ]);
    expect(routes.find((r) => r.name === 'uart0')).toMatchObject({ base: UART0.base, size: UART0.size, irq: UART0.irq });
  });

  it('accepts a Map as well as a record', () => {
    const virtio0 = new Recorder('v');
    const routes = describeRoutes(machine, new Map([['virtio0', virtio0]]));
    expect(routes.filter((r) => r.servedBy === 'device').map((r) => r.name)).toEqual(['virtio0']);
  });

  it('refuses devices for unknown or core-owned regions', () => {
    expect(() => new MmioBus(machine, { uart1: new Recorder('x') })).toThrow(/no region/);
    expect(() => new MmioBus(machine, { clint: new Recorder('x') })).toThrow(/CPU core/);
    expect(() => new MmioBus(machine, { memory: new Recorder('x') })).toThrow(/CPU core/);
  });

  it('routes to the top of a 2 GiB RAM board without confusion', () => {
    const big = describeMachine({ ramBytes: 2048 * 1024 * 1024, harts: 1 });
    const bus = new MmioBus(big, {});
    bus.read(0xffff_fff8, 8);
    expect(bus.faultReason).toBe('core-owned');
    bus.read(0x1_0000_0000, 8);
    expect(bus.faultReason).toBe('unmapped');
  });
});
