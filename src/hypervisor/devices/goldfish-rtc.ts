/**
 * Goldfish RTC ("google,goldfish-rtc"), the wall clock of QEMU virt, as Linux's rtc-goldfish uses it.
 *
 * Time is a 64-bit count of nanoseconds since the Unix epoch, read as TIME_LOW then TIME_HIGH:
 * reading TIME_LOW latches the upper half so the pair is consistent. The guest may set the time
 * (writes to TIME_HIGH/TIME_LOW); that is kept as an offset from the injected clock, so the RTC
 * keeps running and a migrated guest keeps its own idea of the time.
 *
 * The alarm is implemented without a timer of its own: it fires when the device notices the
 * deadline has passed, on any register access or on poll(), which the VM loop should call now and
 * then (e.g. once per time slice). 32-bit accesses only, as on QEMU.
 */

import type { AccessSize, DeviceState, IrqLine, MmioDevice } from './device.ts';
import { stateBool, stateI64, stateInt, stateU64 } from './state.ts';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;

const U32 = 0xffff_ffffn;

/** Nanoseconds since the Unix epoch. A number loses precision past 2^53 ns (in 1970 + 104 days) - fine for a wall clock. */
export type NanosecondClock = () => bigint | number;

/** The host's wall clock, in nanoseconds (millisecond resolution). */
export const systemClock: NanosecondClock = () => BigInt(Date.now()) * 1_000_000n;

export interface GoldfishRtcOptions {
  /** Host time source; defaults to systemClock. Tests and migration inject their own. */
  readonly clock?: NanosecondClock;
  /** The alarm interrupt line (to the PLIC). Without one, the alarm still runs but signals nothing. */
  readonly irq?: IrqLine;
  /** Device name; defaults to the board's region name "rtc". */
  readonly name?: string;
}

export class GoldfishRtc implements MmioDevice {
  readonly name: string;
  readonly accessSizes = 4;

  private readonly clock: NanosecondClock;
  private readonly irq: IrqLine | undefined;

  /** Guest time minus host clock, set when the guest writes the time. */
  private offset = 0n;
  private timeHighLatch = 0;
  private alarm = 0n;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqPending = false;
  private irqLevel = false;

  constructor(opts: GoldfishRtcOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.irq = opts.irq;
    this.name = opts.name ?? 'rtc';
  }

  /** The guest's current time in ns since the epoch. */
  now(): bigint {
    return BigInt.asUintN(64, this.hostNow() + this.offset);
  }

  /** Fires the alarm if its deadline has passed. Call periodically; register accesses do it too. */
  poll(): void {
    if (this.alarmArmed && this.now() >= this.alarm) {
      this.alarmArmed = false;
      this.irqPending = true;
      this.updateIrq();
    }
  }

  read(offset: number, _size: AccessSize): number {
    this.poll();
    switch (offset) {
      case TIME_LOW: {
        const t = this.now();
        this.timeHighLatch = Number(t >> 32n);
        return Number(t & U32);
      }
      case TIME_HIGH:
        return this.timeHighLatch;
      case ALARM_LOW:
        return Number(this.alarm & U32);
      case ALARM_HIGH:
        return Number(this.alarm >> 32n);
      case IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case ALARM_STATUS:
        return this.alarmArmed ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    const v = BigInt(value >>> 0);
    switch (offset) {
      case TIME_LOW:
        this.setTime((now) => (now & ~U32) | v);
        break;
      case TIME_HIGH:
        this.setTime((now) => (v << 32n) | (now & U32));
        break;
      case ALARM_LOW:
        // Writing the low half arms the alarm (the driver writes ALARM_HIGH first).
        this.alarm = (this.alarm & ~U32) | v;
        this.alarmArmed = true;
        break;
      case ALARM_HIGH:
        this.alarm = (v << 32n) | (this.alarm & U32);
        break;
      case IRQ_ENABLED:
        this.irqEnabled = (value & 1) !== 0;
        break;
      case CLEAR_ALARM:
        this.alarmArmed = false;
        break;
      case CLEAR_INTERRUPT:
        this.irqPending = false;
        break;
      default:
        return;
    }
    this.poll();
    this.updateIrq();
  }

  save(): DeviceState {
    return {
      offset: this.offset.toString(),
      timeHighLatch: this.timeHighLatch,
      alarm: this.alarm.toString(),
      alarmArmed: this.alarmArmed,
      irqEnabled: this.irqEnabled,
      irqPending: this.irqPending,
    };
  }

  restore(state: DeviceState): void {
    const offset = stateI64(state, 'offset');
    const timeHighLatch = stateInt(state, 'timeHighLatch', 0, 0xffff_ffff);
    const alarm = stateU64(state, 'alarm');
    const alarmArmed = stateBool(state, 'alarmArmed');
    const irqEnabled = stateBool(state, 'irqEnabled');
    const irqPending = stateBool(state, 'irqPending');
    this.offset = offset;
    this.timeHighLatch = timeHighLatch;
    this.alarm = alarm;
    this.alarmArmed = alarmArmed;
    this.irqEnabled = irqEnabled;
    this.irqPending = irqPending;
    this.irqLevel = irqEnabled && irqPending;
    this.irq?.set(this.irqLevel);
  }

  private hostNow(): bigint {
    const t = this.clock();
    if (typeof t === 'bigint') return t;
    return Number.isFinite(t) ? BigInt(Math.trunc(t)) : 0n;
  }

  /** Sets the guest time to `update(current guest time)`, against a single clock reading. */
  private setTime(update: (now: bigint) => bigint): void {
    const host = this.hostNow();
    const guest = update(BigInt.asUintN(64, host + this.offset));
    // Kept as a signed 64-bit offset so any guest time is reachable from any host time.
    this.offset = BigInt.asIntN(64, guest - host);
  }

  private updateIrq(): void {
    const level = this.irqEnabled && this.irqPending;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq?.set(level);
    }
  }
}
