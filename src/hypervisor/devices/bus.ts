/**
 * The MMIO bus: routes the CPU core's device accesses to the TypeScript device models.
 *
 * The core handles RAM, the boot ROM and the CLINT itself and calls this bus synchronously for
 * every other physical address. That makes it hot (every console byte goes through it), so the
 * access path allocates nothing and never throws:
 *
 *  - A fault (nothing mapped, a region the core owns, a region with no device model, a width the
 *    device does not accept, a misaligned access) sets `fault = true` and `faultReason`; read()
 *    then returns 0 and write() returns false. The core checks `fault` after the call and raises
 *    a load/store access fault. Every successful access clears it.
 *  - Values are 32-bit numbers. An 8-byte access is split into two 4-byte device accesses at
 *    offset and offset + 4, low word first (little-endian). An 8-byte read returns the low word
 *    and leaves the high word in `readHigh` (so no BigInt or array is allocated); an 8-byte write
 *    takes the high word as write()'s fourth argument.
 *  - Accesses must be naturally aligned (addr a multiple of size): a misaligned MMIO access is a
 *    fault with reason 'misaligned', which the core may turn into an address-misaligned exception
 *    or emulate by splitting it into byte accesses.
 */

import type { DeviceKind, Machine, Region } from '../machine/board.ts';
import type { AccessSize, MmioDevice } from './device.ts';

/** Why the last access faulted ('none' after a successful one). */
export type BusFault = 'none' | 'unmapped' | 'core-owned' | 'no-device' | 'bad-size' | 'misaligned';

/** Region kinds the CPU core serves itself; they never reach the bus. */
export const CORE_OWNED_KINDS: ReadonlySet<DeviceKind> = new Set<DeviceKind>(['bootrom', 'clint', 'ram']);

/** Device models by region name (board.ts `Region.name`, e.g. "uart0", "plic", "virtio0"). */
export type DeviceMap = ReadonlyMap<string, MmioDevice> | { readonly [region: string]: MmioDevice | undefined };

/** One region of the board and what serves it, for a `virsh dumpxml`-like view. */
export interface RegionRoute {
  readonly name: string;
  readonly kind: DeviceKind;
  readonly base: number;
  readonly size: number;
  readonly irq?: number;
  /** 'core': the CPU core (RAM, boot ROM, CLINT); 'device': a model on this bus; 'none': faults. */
  readonly servedBy: 'core' | 'device' | 'none';
  /** The serving device model's name, when servedBy is 'device'. */
  readonly device?: string;
}

const ALL_SIZES = 1 | 2 | 4 | 8;

/** Reports every region of the board and what serves it. Throws on an inconsistent device map. */
export function describeRoutes(machine: Machine, devices: DeviceMap): RegionRoute[] {
  const byName = toMap(devices);
  for (const [name] of byName) {
    const region = machine.regions.find((r) => r.name === name);
    if (!region) throw new Error(`device for "${name}": the board has no region of that name`);
    if (CORE_OWNED_KINDS.has(region.kind)) {
      throw new Error(`device for "${name}": ${region.kind} regions are served by the CPU core, not the bus`);
    }
  }
  return [...machine.regions]
    .sort((a, b) => a.base - b.base)
    .map((r): RegionRoute => {
      const base = { name: r.name, kind: r.kind, base: r.base, size: r.size, ...(r.irq === undefined ? {} : { irq: r.irq }) };
      if (CORE_OWNED_KINDS.has(r.kind)) return { ...base, servedBy: 'core' };
      const device = byName.get(r.name);
      return device ? { ...base, servedBy: 'device', device: device.name } : { ...base, servedBy: 'none' };
    });
}

export class MmioBus {
  /** Set by every read/write: true if the access faulted (see the file comment). */
  fault = false;
  faultReason: BusFault = 'none';
  /** Upper 32 bits of the last successful 8-byte read (0 after any other read). */
  readHigh = 0;

  private readonly routeList: readonly RegionRoute[];
  // Regions sorted by base, as parallel arrays for an allocation-free binary search. Float64Array
  // because region ends reach 2^32 (the top of 2 GiB of RAM at 0x8000_0000).
  private readonly bases: Float64Array;
  private readonly ends: Float64Array;
  private readonly devices: (MmioDevice | null)[];
  private readonly sizeMasks: Uint8Array;
  private readonly coreOwned: Uint8Array;
  /** Region of the last lookup: consecutive accesses mostly hit the same device. */
  private lastIndex = 0;

  constructor(machine: Machine, devices: DeviceMap) {
    this.routeList = describeRoutes(machine, devices);
    const byName = toMap(devices);
    const regions: readonly Region[] = [...machine.regions].sort((a, b) => a.base - b.base);
    const n = regions.length;
    this.bases = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.devices = new Array<MmioDevice | null>(n);
    this.sizeMasks = new Uint8Array(n);
    this.coreOwned = new Uint8Array(n);
    regions.forEach((r, i) => {
      if (i > 0 && r.base < this.ends[i - 1]) {
        throw new Error(`board regions overlap: "${regions[i - 1].name}" and "${r.name}"`);
      }
      this.bases[i] = r.base;
      this.ends[i] = r.base + r.size;
      const device = CORE_OWNED_KINDS.has(r.kind) ? undefined : byName.get(r.name);
      this.devices[i] = device ?? null;
      this.sizeMasks[i] = (device?.accessSizes ?? ALL_SIZES) & ALL_SIZES;
      this.coreOwned[i] = CORE_OWNED_KINDS.has(r.kind) ? 1 : 0;
    });
  }

  /** Every region of the board and what serves it. */
  routes(): readonly RegionRoute[] {
    return this.routeList;
  }

  /**
   * Reads `size` (1, 2, 4 or 8) bytes at physical address `addr`. Returns the value zero-extended
   * (for size 8: the low 32 bits, the high ones in `readHigh`), or 0 with `fault` set.
   */
  read(addr: number, size: number): number {
    const i = this.route(addr, size);
    if (i < 0) {
      this.readHigh = 0;
      return 0;
    }
    const device = this.devices[i] as MmioDevice;
    const offset = addr - this.bases[i];
    if (size === 8) {
      const low = device.read(offset, 4) >>> 0;
      this.readHigh = device.read(offset + 4, 4) >>> 0;
      return low;
    }
    this.readHigh = 0;
    const value = device.read(offset, size as AccessSize);
    return size === 4 ? value >>> 0 : value & (size === 1 ? 0xff : 0xffff);
  }

  /**
   * Writes `size` (1, 2, 4 or 8) bytes at `addr`: the low `size` bytes of `value`, or for size 8
   * `value` as the low word and `high` as the high word. Returns false (with `fault` set) on a fault.
   */
  write(addr: number, size: number, value: number, high = 0): boolean {
    const i = this.route(addr, size);
    if (i < 0) return false;
    const device = this.devices[i] as MmioDevice;
    const offset = addr - this.bases[i];
    if (size === 8) {
      device.write(offset, 4, value >>> 0);
      device.write(offset + 4, 4, high >>> 0);
    } else {
      const v = size === 4 ? value >>> 0 : value & (size === 1 ? 0xff : 0xffff);
      device.write(offset, size as AccessSize, v);
    }
    return true;
  }

  /** Checks an access and finds its region: the region index, or -1 with `fault` set. */
  private route(addr: number, size: number): number {
    const i = this.find(addr);
    if (i < 0) return this.faulted('unmapped');
    if (this.devices[i] === null) return this.faulted(this.coreOwned[i] === 1 ? 'core-owned' : 'no-device');
    if ((size !== 1 && size !== 2 && size !== 4 && size !== 8) || (this.sizeMasks[i] & size) === 0) {
      return this.faulted('bad-size');
    }
    // Natural alignment also keeps the access inside the region (bases and sizes are aligned).
    if (addr % size !== 0 || addr + size > this.ends[i]) return this.faulted('misaligned');
    this.fault = false;
    this.faultReason = 'none';
    return i;
  }

  private faulted(reason: BusFault): -1 {
    this.fault = true;
    this.faultReason = reason;
    return -1;
  }

  /** The index of the region holding `addr`, or -1. */
  private find(addr: number): number {
    const last = this.lastIndex;
    if (addr >= this.bases[last] && addr < this.ends[last]) return last;
    // Greatest base <= addr, then check that addr is below that region's end.
    let lo = 0;
    let hi = this.bases.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.bases[mid] <= addr) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || addr >= this.ends[found]) return -1;
    this.lastIndex = found;
    return found;
  }
}

function toMap(devices: DeviceMap): ReadonlyMap<string, MmioDevice> {
  if (devices instanceof Map) return devices;
  const map = new Map<string, MmioDevice>();
  for (const [name, device] of Object.entries(devices as { readonly [region: string]: MmioDevice | undefined })) {
    if (device) map.set(name, device);
  }
  return map;
}
