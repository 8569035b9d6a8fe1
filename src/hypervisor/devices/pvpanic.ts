/**
 * QEMU's pvpanic device (docs/specs/pvpanic.rst), MMIO flavour: one byte register. Reading it
 * tells the guest which events the host understands; the guest kernel writes an event when it
 * panics (Linux: drivers/misc/pvpanic, compatible "qemu,pvpanic-mmio").
 */
import type { AccessSize, DeviceState, MmioDevice } from './device.ts';

export const PVPANIC_PANICKED = 1;
export const PVPANIC_CRASH_LOADED = 2;

export type PanicEvent = 'panicked' | 'crash-loaded';

export class PvPanic implements MmioDevice {
  readonly accessSizes = 1 | 2 | 4;

  constructor(private readonly onEvent: (e: PanicEvent) => void, readonly name = 'pvpanic') {}

  read(offset: number, _size: AccessSize): number {
    return offset === 0 ? PVPANIC_PANICKED | PVPANIC_CRASH_LOADED : 0;
  }

  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== 0) return;
    if (value & PVPANIC_PANICKED) this.onEvent('panicked');
    else if (value & PVPANIC_CRASH_LOADED) this.onEvent('crash-loaded');
  }

  save(): DeviceState { return {}; }
  restore(_state: DeviceState): void {}
}
