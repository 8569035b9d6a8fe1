/**
 * A writer for flattened device tree blobs (the DTB format of the Devicetree Specification v0.4,
 * chapter 5), version 17, big-endian.
 *
 * The tree is written in one pass, the way it will be laid out: `beginNode`, its properties, its
 * children, `endNode`. Nothing is kept but the bytes, so a node can only point at a node written
 * later through a phandle reserved up front with `allocPhandle`.
 *
 * Blob layout, the same order dtc uses:
 *
 *   header (40 bytes) | memory reservation block | structure block | strings block
 */

export const FDT_MAGIC = 0xd00d_feed;
export const FDT_VERSION = 17;
/** Oldest version a reader must understand to read what we write: v17 only added fields to v16. */
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_HEADER_SIZE = 40;

export const FDT_BEGIN_NODE = 1;
export const FDT_END_NODE = 2;
export const FDT_PROP = 3;
export const FDT_NOP = 4;
export const FDT_END = 9;

/** Devicetree spec 2.2.1: node name characters, at most 31 before the unit address. */
const NODE_NAME = /^[A-Za-z0-9,._+-]{1,31}(@[A-Za-z0-9,._+-]+)?$/;
/** Devicetree spec 2.2.4: property name characters, 1 to 31 of them. */
const PROP_NAME = /^[A-Za-z0-9,._+?#-]{1,31}$/;

const U32_MAX = 0xffff_ffff;
const U64_MAX = (1n << 64n) - 1n;

/** A growable big-endian byte buffer. */
class ByteSink {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      bigger.set(this.bytes.subarray(0, at));
      this.bytes = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.length = at + n;
    return at;
  }

  // reserve() may swap the buffer, so it runs before this.view or this.bytes is read.
  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value);
  }

  u64(value: bigint): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, value);
  }

  raw(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.bytes.set(data, at);
  }

  /** Zero bytes up to the next multiple of `alignment`; the blocks and every token are aligned. */
  align(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    const at = this.reserve(pad);
    this.bytes.fill(0, at, this.length);
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

const utf8 = new TextEncoder();

/** A string as stored in a blob: its bytes and a terminating NUL. */
function cString(s: string, what: string): Uint8Array {
  if (s.includes('\0')) throw new Error(`FDT: ${what} contains a NUL character`);
  const bytes = utf8.encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new RangeError(`FDT: ${what} must be an integer in 0..0xffffffff (got ${value})`);
  }
}

function toU64(value: number | bigint, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`FDT: ${what} must be a safe integer or a bigint (got ${value})`);
  }
  const big = BigInt(value);
  if (big < 0n || big > U64_MAX) throw new RangeError(`FDT: ${what} is out of the u64 range (got ${value})`);
  return big;
}

/** A node being written, with the names that must stay unique in it. */
interface OpenNode {
  readonly path: string;
  readonly props: Set<string>;
  readonly children: Set<string>;
}

export interface FdtWriterOptions {
  /** Physical ID of the boot CPU, the header's boot_cpuid_phys (the hart ID the guest boots on). */
  readonly bootCpuId?: number;
}

export class FdtWriter {
  private readonly struct = new ByteSink();
  private readonly strings = new ByteSink();
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: { address: bigint; size: bigint }[] = [];
  private readonly open: OpenNode[] = [];
  private rootWritten = false;
  private finished = false;
  private nextPhandle = 1;
  private readonly placedPhandles = new Set<number>();
  private readonly bootCpuId: number;

  constructor(options: FdtWriterOptions = {}) {
    this.bootCpuId = options.bootCpuId ?? 0;
    checkU32(this.bootCpuId, 'boot CPU ID');
  }

  /** Adds an entry to the memory reservation block: RAM the guest OS must never touch. */
  addReservation(address: number | bigint, size: number | bigint): this {
    this.checkWritable();
    this.reservations.push({ address: toU64(address, 'reservation address'), size: toU64(size, 'reservation size') });
    return this;
  }

  /**
   * Reserves a phandle (a node's 32-bit handle for references) before its node is written, so
   * nodes written earlier can point at it. Place it on its node with `propPhandle`.
   */
  allocPhandle(): number {
    this.checkWritable();
    return this.nextPhandle++;
  }

  /** Opens a node. The first node is the root and is named "" (its path is "/"). */
  beginNode(name: string): this {
    this.checkWritable();
    const parent = this.open.at(-1);
    if (parent === undefined) {
      if (this.rootWritten) throw new Error(`FDT: a blob has one root node; cannot begin "${name}" after it ended`);
      if (name !== '') throw new Error(`FDT: the root node must be named "" (got "${name}")`);
      this.rootWritten = true;
    } else {
      if (!NODE_NAME.test(name)) throw new Error(`FDT: invalid node name "${name}" under ${parent.path}`);
      if (parent.children.has(name)) throw new Error(`FDT: duplicate node ${this.childPath(parent, name)}`);
      parent.children.add(name);
    }
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.raw(cString(name, 'node name'));
    this.struct.align(4);
    const path = parent === undefined ? '/' : this.childPath(parent, name);
    this.open.push({ path, props: new Set(), children: new Set() });
    return this;
  }

  endNode(): this {
    this.checkWritable();
    if (this.open.pop() === undefined) throw new Error('FDT: endNode() without a matching beginNode()');
    this.struct.u32(FDT_END_NODE);
    return this;
  }

  /** A property with no value, a boolean flag such as `interrupt-controller`. */
  propEmpty(name: string): this {
    return this.prop(name, new Uint8Array(0));
  }

  propU32(name: string, value: number): this {
    return this.propU32Array(name, [value]);
  }

  /** A 64-bit value, written as two cells, most significant first. */
  propU64(name: string, value: number | bigint): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, toU64(value, `property ${name}`));
    return this.prop(name, bytes);
  }

  /** A list of 32-bit cells: `reg`, `interrupts-extended`, and the like. */
  propU32Array(name: string, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => {
      checkU32(value, `cell ${i} of property ${name}`);
      view.setUint32(i * 4, value);
    });
    return this.prop(name, bytes);
  }

  propString(name: string, value: string): this {
    return this.prop(name, cString(value, `property ${name}`));
  }

  /** A string list such as `compatible`: NUL-terminated strings back to back. */
  propStrings(name: string, values: readonly string[]): this {
    if (values.length === 0) throw new Error(`FDT: property ${name} needs at least one string`);
    const parts = values.map((v) => cString(v, `property ${name}`));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return this.prop(name, bytes);
  }

  propBytes(name: string, value: Uint8Array): this {
    return this.prop(name, value);
  }

  /** Gives the open node a phandle from `allocPhandle`; each phandle belongs to exactly one node. */
  propPhandle(phandle: number): this {
    if (!Number.isInteger(phandle) || phandle < 1 || phandle >= this.nextPhandle) {
      throw new Error(`FDT: phandle ${phandle} was not handed out by allocPhandle()`);
    }
    if (this.placedPhandles.has(phandle)) throw new Error(`FDT: phandle ${phandle} is already on another node`);
    this.propU32('phandle', phandle);
    this.placedPhandles.add(phandle);
    return this;
  }

  /** The finished blob. The writer cannot be used afterwards. */
  finish(): Uint8Array {
    this.checkWritable();
    const unclosed = this.open.at(-1);
    if (unclosed !== undefined) throw new Error(`FDT: node ${unclosed.path} was never ended`);
    if (!this.rootWritten) throw new Error('FDT: the blob has no root node');
    for (let p = 1; p < this.nextPhandle; p++) {
      // A dangling phandle would only show up when the guest follows the reference.
      if (!this.placedPhandles.has(p)) throw new Error(`FDT: phandle ${p} was allocated but placed on no node`);
    }
    this.finished = true;
    this.struct.u32(FDT_END);

    const blob = new ByteSink();
    for (let i = 0; i < FDT_HEADER_SIZE / 4; i++) blob.u32(0); // patched below
    blob.align(8); // the reservation block holds u64 pairs
    const offMemRsvmap = blob.length;
    for (const r of this.reservations) {
      blob.u64(r.address);
      blob.u64(r.size);
    }
    blob.u64(0n); // an all-zero entry ends the block
    blob.u64(0n);
    const offDtStruct = blob.length;
    blob.raw(this.struct.contents());
    const offDtStrings = blob.length;
    blob.raw(this.strings.contents());

    const out = blob.contents();
    const header = new DataView(out.buffer);
    [
      FDT_MAGIC,
      out.length, // totalsize
      offDtStruct,
      offDtStrings,
      offMemRsvmap,
      FDT_VERSION,
      FDT_LAST_COMP_VERSION,
      this.bootCpuId,
      this.strings.length, // size_dt_strings
      this.struct.length, // size_dt_struct
    ].forEach((field, i) => header.setUint32(i * 4, field));
    return out;
  }

  private prop(name: string, value: Uint8Array): this {
    this.checkWritable();
    const node = this.open.at(-1);
    if (node === undefined) throw new Error(`FDT: property ${name} outside of any node`);
    if (!PROP_NAME.test(name)) throw new Error(`FDT: invalid property name "${name}" in ${node.path}`);
    // The spec puts all of a node's properties before its first child; readers such as libfdt rely on it.
    if (node.children.size > 0) throw new Error(`FDT: property ${name} of ${node.path} comes after a child node`);
    if (node.props.has(name)) throw new Error(`FDT: duplicate property ${name} in ${node.path}`);
    node.props.add(name);
    this.struct.u32(FDT_PROP);
    this.struct.u32(value.length);
    this.struct.u32(this.stringOffset(name));
    this.struct.raw(value);
    this.struct.align(4);
    return this;
  }

  /** Offset of a property name in the strings block, each name stored once however often it is used. */
  private stringOffset(name: string): number {
    let offset = this.stringOffsets.get(name);
    if (offset === undefined) {
      offset = this.strings.length;
      this.strings.raw(cString(name, 'property name'));
      this.stringOffsets.set(name, offset);
    }
    return offset;
  }

  private childPath(parent: OpenNode, name: string): string {
    return parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
  }

  private checkWritable(): void {
    if (this.finished) throw new Error('FDT: the blob is already finished');
  }
}
