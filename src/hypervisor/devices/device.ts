/**
 * The contract every MMIO device model implements. Devices know nothing of their backends
 * (xterm, stdio, a file, a test) nor of the CPU: they see register accesses and drive IRQ lines.
 */

/** An access width in bytes. 8-byte guest accesses are split by the bus into two 4-byte ones. */
export type AccessSize = 1 | 2 | 4;

export interface MmioDevice {
  readonly name: string;
  /**
   * Access widths the device accepts, as a bit mask of sizes in bytes (1 | 2 | 4 | 8, so e.g.
   * `4` = 32-bit only, `2 | 4` = 16/32-bit). The bus faults other widths, as QEMU faults accesses
   * outside a device's `.valid` sizes. `8` means the device takes 8-byte accesses split into two
   * 4-byte ones. Omitted: every width is accepted.
   */
  readonly accessSizes?: number;
  /** `offset` is relative to the device's base. Returns the value zero-extended to 32 bits. */
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
  /** Plain object of named fields: the device's save/restore state (migration, snapshots). */
  save(): DeviceState;
  restore(state: DeviceState): void;
}

/** A device's saved state: named, JSON-compatible fields (numbers, strings, booleans, arrays, byte arrays). */
export type DeviceState = { readonly [field: string]: unknown };

/** One interrupt wire from a device to the interrupt controller. Level-triggered. */
export interface IrqLine {
  set(level: boolean): void;
}

/** Backend of a character device (UART): where output goes. Input is pushed into the device. */
export interface CharBackend {
  /**
   * `bytes` is only valid during the call: the device may reuse the buffer afterwards (it does,
   * to keep console output allocation-free). Copy it (`bytes.slice()`) to keep it.
   */
  write(bytes: Uint8Array): void;
}
