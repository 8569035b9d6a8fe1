/**
 * Reading a saved DeviceState back. A state may come from another host (migration) or from a
 * file, so every field is checked for type and range before a device trusts it: a bad state throws
 * here, at restore time, instead of corrupting the device later in the hot path.
 */

import type { DeviceState } from './device.ts';

function fail(field: string, what: string): never {
  throw new RangeError(`device state: field "${field}" ${what}`);
}

/** An integer field in [min, max]. */
export function stateInt(state: DeviceState, field: string, min: number, max: number): number {
  const v = state[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(field, `must be an integer in ${min}..${max}`);
  }
  return v;
}

export function stateBool(state: DeviceState, field: string): boolean {
  const v = state[field];
  if (typeof v !== 'boolean') fail(field, 'must be a boolean');
  return v;
}

/** An array of integers in [min, max], of exactly `length` items or (if `maxLength`) at most that many. */
export function stateInts(
  state: DeviceState,
  field: string,
  min: number,
  max: number,
  length: { exactly: number } | { atMost: number },
): number[] {
  const v = state[field];
  if (!Array.isArray(v)) fail(field, 'must be an array');
  if ('exactly' in length ? v.length !== length.exactly : v.length > length.atMost) {
    fail(field, `has ${v.length} items, expected ${'exactly' in length ? length.exactly : `at most ${length.atMost}`}`);
  }
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      fail(field, `items must be integers in ${min}..${max}`);
    }
  }
  return v as number[];
}

/** A byte string saved as a plain number array (JSON-compatible), at most `maxLength` bytes. */
export function stateBytes(state: DeviceState, field: string, maxLength: number): Uint8Array {
  return Uint8Array.from(stateInts(state, field, 0, 255, { atMost: maxLength }));
}

/** A 64-bit unsigned integer saved as a decimal string (JSON has no 64-bit integers). */
export function stateU64(state: DeviceState, field: string): bigint {
  const v = state[field];
  if (typeof v !== 'string' || !/^[0-9]{1,20}$/.test(v)) fail(field, 'must be a decimal string');
  const n = BigInt(v);
  if (n >= 1n << 64n) fail(field, 'is over 64 bits');
  return n;
}

/** A signed 64-bit integer saved as a decimal string. */
export function stateI64(state: DeviceState, field: string): bigint {
  const v = state[field];
  if (typeof v !== 'string' || !/^-?[0-9]{1,19}$/.test(v)) fail(field, 'must be a decimal string');
  const n = BigInt(v);
  if (n < -(1n << 63n) || n >= 1n << 63n) fail(field, 'is outside the signed 64-bit range');
  return n;
}
