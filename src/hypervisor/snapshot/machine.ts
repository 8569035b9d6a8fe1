/**
 * A whole VM's state apart from RAM: the hart (cpu.ts), every device's save() object, and the
 * VM's own fields (guest time, counters, how it ended, the boot ROM). One typed contract shared by
 * live migration and save/restore (DESIGN.md §6, STYLE.md "Applied here" 5): the migration
 * stream carries each part as a named, versioned section.
 */
import type { DeviceState } from '../devices/device.ts';
import type { VmExit } from '../vm.ts';
import { FieldReader, SnapshotError } from './check.ts';
import { checkCpuState, type CpuState } from './cpu.ts';

export const VM_STATE_VERSION = 1;
export const DEVICE_STATE_VERSION = 1;

/** SBI call counters kept per extension: a guest cannot make more distinct EIDs matter. */
const MAX_SBI_COUNTERS = 64;

export interface VmLevelState {
  /** Guest time (mtime, 10 MHz ticks) when saved; the destination continues from it. */
  readonly timeTicks: string;
  /** Instructions retired since boot (the dashboard's counter). */
  readonly instructions: number;
  /** How the guest ended, if it did (a save of an exited VM keeps it). */
  readonly exit: VmExit | null;
  /** The boot ROM page (base64): bare-metal guests and firmware may still read it. */
  readonly rom: string;
  /** Built-in SBI calls per extension id: [eid, count] pairs. */
  readonly sbiCalls: readonly (readonly [number, number])[];
}

export interface MachineState {
  readonly cpu: CpuState;
  /** By device (= board region) name: "uart0", "agent", "plic", "test", "rtc", "pvpanic". */
  readonly devices: { readonly [name: string]: DeviceState };
  readonly vm: VmLevelState;
}

const EXIT_KINDS = ['poweroff', 'pass', 'fail', 'reboot', 'crashed'] as const;

function checkExit(r: FieldReader): VmExit | null {
  const v = r.raw('exit');
  if (v === null) return null;
  const e = r.object('exit');
  const kind = e.str('kind', 16) as VmExit['kind'];
  if (!EXIT_KINDS.includes(kind)) e.fail('kind', `must be one of ${EXIT_KINDS.join(', ')}`);
  if (kind === 'fail') {
    e.only(['kind', 'code']);
    return { kind, code: e.int('code', 0, 0xffff) };
  }
  e.only(['kind']);
  return { kind } as VmExit;
}

export function checkVmLevelState(value: unknown): VmLevelState {
  const r = new FieldReader('vm', value);
  r.only(['timeTicks', 'instructions', 'exit', 'rom', 'sbiCalls']);
  const t = r.str('timeTicks', 20);
  if (!/^[0-9]{1,20}$/.test(t) || BigInt(t) >= 1n << 64n) r.fail('timeTicks', 'must be a decimal 64-bit integer');
  r.int('instructions', 0, Number.MAX_SAFE_INTEGER);
  checkExit(r);
  r.str('rom', 8192); // the 4 KiB boot ROM page in base64
  const calls = r.raw('sbiCalls');
  if (!Array.isArray(calls) || calls.length > MAX_SBI_COUNTERS) r.fail('sbiCalls', `must be an array of at most ${MAX_SBI_COUNTERS} pairs`);
  for (const p of calls as unknown[]) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER)) {
      r.fail('sbiCalls', 'must hold [eid, count] pairs of non-negative integers');
    }
  }
  return value as VmLevelState;
}

/**
 * Check a whole untrusted state against the devices this machine has: the same set of device
 * names, a valid cpu and vm part. Device fields are checked by each device's restore(), which
 * validates before it changes anything.
 */
export function checkMachineState(value: unknown, deviceNames: readonly string[]): MachineState {
  const r = new FieldReader('machine', value);
  r.only(['cpu', 'devices', 'vm']);
  checkCpuState(r.raw('cpu'));
  checkVmLevelState(r.raw('vm'));
  const devices = r.object('devices');
  for (const name of deviceNames) {
    if (!devices.has(name)) throw new SnapshotError(`machine state: no state for device "${name}"`);
    new FieldReader(`device ${name}`, devices.raw(name));
  }
  devices.only(deviceNames);
  return value as MachineState;
}
