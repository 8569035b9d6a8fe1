/**
 * A reader for flattened device tree blobs: checks the header and the token stream and returns the
 * tree as plain objects. Used by the tests and for looking inside a DTB (ours, QEMU's, or one a guest
 * was handed), so it accepts any blob of version 16 or later, not only what fdt.ts writes.
 */

import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FDT_VERSION,
} from './fdt.ts';

export interface FdtHeader {
  readonly totalSize: number;
  readonly offDtStruct: number;
  readonly offDtStrings: number;
  readonly offMemRsvmap: number;
  readonly version: number;
  readonly lastCompVersion: number;
  readonly bootCpuId: number;
  readonly sizeDtStrings: number;
  /** Absent (0) before version 17. */
  readonly sizeDtStruct: number;
}

export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface FdtNode {
  /** Full node name with unit address, e.g. "serial@10000000"; "" for the root. */
  readonly name: string;
  /** e.g. "/soc/serial@10000000"; "/" for the root. */
  readonly path: string;
  /** Raw property values, in blob order. */
  readonly props: ReadonlyMap<string, Uint8Array>;
  readonly children: readonly FdtNode[];
}

export interface Fdt {
  readonly header: FdtHeader;
  readonly reservations: readonly FdtReservation[];
  readonly root: FdtNode;
}

export class FdtParseError extends Error {
  override readonly name = 'FdtParseError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface MutableNode {
  name: string;
  path: string;
  props: Map<string, Uint8Array>;
  children: MutableNode[];
}

export function parseFdt(blob: Uint8Array): Fdt {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < FDT_HEADER_SIZE) throw new FdtParseError(`blob of ${blob.length} bytes is shorter than an FDT header`);
  const magic = view.getUint32(0);
  if (magic !== FDT_MAGIC) throw new FdtParseError(`bad magic 0x${magic.toString(16)}, expected 0x${FDT_MAGIC.toString(16)}`);
  const field = (i: number): number => view.getUint32(i * 4);
  const header: FdtHeader = {
    totalSize: field(1),
    offDtStruct: field(2),
    offDtStrings: field(3),
    offMemRsvmap: field(4),
    version: field(5),
    lastCompVersion: field(6),
    bootCpuId: field(7),
    sizeDtStrings: field(8),
    sizeDtStruct: field(5) >= 17 ? field(9) : 0,
  };
  if (header.version < 16) throw new FdtParseError(`FDT version ${header.version} is too old (16 or later needed)`);
  if (header.lastCompVersion > FDT_VERSION) {
    throw new FdtParseError(`FDT is only compatible back to version ${header.lastCompVersion}; this reader knows ${FDT_VERSION}`);
  }
  if (header.totalSize > blob.length) {
    throw new FdtParseError(`header totalsize ${header.totalSize} is past the end of the ${blob.length}-byte blob`);
  }
  const inBlob = (offset: number, size: number, what: string): void => {
    if (offset + size > header.totalSize) throw new FdtParseError(`${what} (offset ${offset}, ${size} bytes) runs past totalsize`);
  };
  inBlob(header.offDtStrings, header.sizeDtStrings, 'strings block');
  const structEnd = header.sizeDtStruct > 0 ? header.offDtStruct + header.sizeDtStruct : header.totalSize;
  inBlob(header.offDtStruct, structEnd - header.offDtStruct, 'structure block');

  const reservations: FdtReservation[] = [];
  for (let at = header.offMemRsvmap; ; at += 16) {
    inBlob(at, 16, 'memory reservation entry');
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  /** The NUL-terminated string at `offset`, not looking past `end`, and the offset after its NUL. */
  const cString = (offset: number, end: number, what: string): { text: string; next: number } => {
    const nul = blob.subarray(0, end).indexOf(0, offset);
    if (nul < 0) throw new FdtParseError(`${what} at offset ${offset} is not NUL-terminated`);
    return { text: utf8.decode(blob.subarray(offset, nul)), next: nul + 1 };
  };
  const stringsEnd = header.offDtStrings + header.sizeDtStrings;

  const stack: MutableNode[] = [];
  let root: MutableNode | undefined;
  let at = header.offDtStruct;
  const align4 = (n: number): number => (n + 3) & ~3;
  for (;;) {
    if (at + 4 > structEnd) throw new FdtParseError('structure block ends without an FDT_END token');
    const token = view.getUint32(at);
    at += 4;
    if (token === FDT_BEGIN_NODE) {
      const { text: name, next } = cString(at, structEnd, 'node name');
      at = align4(next);
      const parent = stack.at(-1);
      if (parent === undefined && root !== undefined) throw new FdtParseError(`second top-level node "${name}"`);
      const path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
      const node: MutableNode = { name, path, props: new Map(), children: [] };
      if (parent === undefined) root = node;
      else parent.children.push(node);
      stack.push(node);
    } else if (token === FDT_END_NODE) {
      if (stack.pop() === undefined) throw new FdtParseError(`FDT_END_NODE at offset ${at - 4} closes no node`);
    } else if (token === FDT_PROP) {
      if (at + 8 > structEnd) throw new FdtParseError(`truncated property at offset ${at - 4}`);
      const len = view.getUint32(at);
      const nameOff = view.getUint32(at + 4);
      at += 8;
      if (at + len > structEnd) throw new FdtParseError(`property value at offset ${at} runs past the structure block`);
      const node = stack.at(-1);
      if (node === undefined) throw new FdtParseError(`property outside of any node at offset ${at - 12}`);
      const { text: name } = cString(header.offDtStrings + nameOff, stringsEnd, 'property name');
      if (node.props.has(name)) throw new FdtParseError(`duplicate property ${name} in ${node.path}`);
      node.props.set(name, blob.slice(at, at + len));
      at = align4(at + len);
    } else if (token === FDT_NOP) {
      continue;
    } else if (token === FDT_END) {
      const open = stack.at(-1);
      if (open !== undefined) throw new FdtParseError(`FDT_END while node ${open.path} is still open`);
      break;
    } else {
      throw new FdtParseError(`unknown token 0x${token.toString(16)} at offset ${at - 4}`);
    }
  }
  if (root === undefined) throw new FdtParseError('the blob has no root node');
  return { header, reservations, root };
}

/** Every node, parents before children, in blob order. */
export function* walkNodes(root: FdtNode): Generator<FdtNode> {
  yield root;
  for (const child of root.children) yield* walkNodes(child);
}

/** Paths of every node under and including `root`. */
export function nodePaths(root: FdtNode): string[] {
  return [...walkNodes(root)].map((n) => n.path);
}

/** The node at an absolute path such as "/soc/serial@10000000", or undefined. */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) throw new Error(`device tree path must be absolute (got "${path}")`);
  let node: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node.children.find((c) => c.name === part);
    if (node === undefined) return undefined;
  }
  return node;
}

/** The node whose `phandle` property is `phandle`, or undefined. */
export function findByPhandle(root: FdtNode, phandle: number): FdtNode | undefined {
  for (const node of walkNodes(root)) {
    if (node.props.has('phandle') && propU32(node, 'phandle') === phandle) return node;
  }
  return undefined;
}

function rawProp(node: FdtNode, name: string): Uint8Array {
  const value = node.props.get(name);
  if (value === undefined) throw new Error(`${node.path} has no property ${name}`);
  return value;
}

function cellView(node: FdtNode, name: string, cellBytes: number): DataView {
  const value = rawProp(node, name);
  if (value.length % cellBytes !== 0) {
    throw new Error(`${node.path}:${name} is ${value.length} bytes, not a whole number of ${cellBytes}-byte values`);
  }
  return new DataView(value.buffer, value.byteOffset, value.byteLength);
}

export function propU32Array(node: FdtNode, name: string): number[] {
  const view = cellView(node, name, 4);
  return Array.from({ length: view.byteLength / 4 }, (_, i) => view.getUint32(i * 4));
}

export function propU32(node: FdtNode, name: string): number {
  const cells = propU32Array(node, name);
  if (cells.length !== 1) throw new Error(`${node.path}:${name} has ${cells.length} cells, expected 1`);
  return cells[0];
}

export function propU64(node: FdtNode, name: string): bigint {
  const view = cellView(node, name, 8);
  if (view.byteLength !== 8) throw new Error(`${node.path}:${name} is ${view.byteLength} bytes, expected 8`);
  return view.getBigUint64(0);
}

/** A string list (`compatible`), or a single string as a one-element list. */
export function propStrings(node: FdtNode, name: string): string[] {
  const value = rawProp(node, name);
  if (value.length === 0 || value[value.length - 1] !== 0) throw new Error(`${node.path}:${name} is not a NUL-terminated string list`);
  return utf8.decode(value.subarray(0, -1)).split('\0');
}

export function propString(node: FdtNode, name: string): string {
  const strings = propStrings(node, name);
  if (strings.length !== 1) throw new Error(`${node.path}:${name} holds ${strings.length} strings, expected 1`);
  return strings[0];
}
