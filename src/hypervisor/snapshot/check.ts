/**
 * Reading a saved state back. A state may come from another host (migration) or from a file
 * (`virsh restore`), so every field is checked for type and range before anything trusts it:
 * a bad state throws one SnapshotError naming the section and the field, before the machine is
 * touched. Device states use the same rules through devices/state.ts.
 */

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** A 64-bit register saved as a hex string "0x…" (JSON has no 64-bit integers). */
export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

const HEX64 = /^0x[0-9a-f]{1,16}$/;

/** Typed, bounded access to one section's plain object. */
export class FieldReader {
  private readonly obj: { readonly [k: string]: unknown };

  constructor(readonly section: string, value: unknown) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SnapshotError(`${section} state: must be an object`);
    }
    this.obj = value as { readonly [k: string]: unknown };
  }

  fail(field: string, what: string): never {
    throw new SnapshotError(`${this.section} state: field "${field}" ${what}`);
  }

  has(field: string): boolean { return Object.hasOwn(this.obj, field); }
  raw(field: string): unknown { return this.obj[field]; }

  u64(field: string): bigint {
    const v = this.obj[field];
    if (typeof v !== 'string' || !HEX64.test(v)) this.fail(field, 'must be a hex string "0x…" of at most 64 bits');
    return BigInt(v);
  }

  u64s(field: string, length: number): bigint[] {
    const v = this.obj[field];
    if (!Array.isArray(v) || v.length !== length) this.fail(field, `must be an array of ${length} hex strings`);
    return v.map((x, i) => {
      if (typeof x !== 'string' || !HEX64.test(x)) this.fail(`${field}[${i}]`, 'must be a hex string "0x…" of at most 64 bits');
      return BigInt(x);
    });
  }

  int(field: string, min: number, max: number): number {
    const v = this.obj[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(field, `must be an integer in ${min}..${max}`);
    return v;
  }

  bool(field: string): boolean {
    const v = this.obj[field];
    if (typeof v !== 'boolean') this.fail(field, 'must be a boolean');
    return v;
  }

  str(field: string, maxLength: number): string {
    const v = this.obj[field];
    if (typeof v !== 'string' || v.length > maxLength) this.fail(field, `must be a string of at most ${maxLength} characters`);
    return v;
  }

  object(field: string): FieldReader {
    return new FieldReader(`${this.section}.${field}`, this.obj[field]);
  }

  /** Refuse fields this version does not know: a newer writer's state is not half-restored. */
  only(fields: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!fields.includes(k)) throw new SnapshotError(`${this.section} state: unknown field "${k}"`);
    }
  }
}

/** Bytes as base64 (btoa exists in browsers, workers and Node). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string, what: string, length: number): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw new SnapshotError(`${what}: not valid base64`);
  }
  if (bin.length !== length) throw new SnapshotError(`${what}: ${bin.length} bytes, expected ${length}`);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
