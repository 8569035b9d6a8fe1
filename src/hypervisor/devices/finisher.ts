/**
 * The "sifive,test" finisher of QEMU virt: one write-only register at offset 0 through which the
 * guest (OpenSBI's system reset, Linux's syscon-poweroff/reboot, test programs) ends the run.
 *
 *   0x5555               pass: power off with exit code 0
 *   (code << 16) | 0x3333  fail with `code` (16 bits)
 *   0x7777               reset
 *
 * Other values are ignored and reads return 0. 16- and 32-bit accesses only, as on QEMU (so a
 * 16-bit write of 0x5555 also powers off).
 */

import { FINISHER_CODE } from '../machine/board.ts';
import type { AccessSize, DeviceState, MmioDevice } from './device.ts';

export type FinishEvent =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly code: number }
  | { readonly kind: 'reset' };

export class Finisher implements MmioDevice {
  readonly name: string;
  readonly accessSizes = 2 | 4;

  constructor(
    private readonly onFinish: (event: FinishEvent) => void,
    name = 'test',
  ) {
    this.name = name;
  }

  read(_offset: number, _size: AccessSize): number {
    return 0;
  }

  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== 0) return;
    const status = value & 0xffff;
    if (status === FINISHER_CODE.pass) this.onFinish({ kind: 'pass' });
    else if (status === FINISHER_CODE.fail) this.onFinish({ kind: 'fail', code: (value >>> 16) & 0xffff });
    else if (status === FINISHER_CODE.reset) this.onFinish({ kind: 'reset' });
  }

  /** No state: the register only triggers actions. */
  save(): DeviceState {
    return {};
  }

  restore(_state: DeviceState): void {}
}
