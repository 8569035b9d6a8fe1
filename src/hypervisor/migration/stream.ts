/**
 * The migration stream: one versioned binary format for live migration and for save files
 * (`virsh save` writes the same bytes to a file). Little-endian throughout.
 *
 *   header   magic "VLABMIG\n" (8) | version u32 | length u32 | header JSON [length]
 *   records  tag u8, then:
 *     0x01 RAM_BEGIN  round u32                  start of a RAM section (one pre-copy round)
 *     0x02 PAGE       page u32 | 4096 bytes      a page's contents
 *     0x03 ZERO       page u32                   a page that is all zero (no payload)
 *     0x04 RAM_END    count u32                  end of the section: PAGE+ZERO records in it
 *     0x05 STATE      nameLen u8 | name | version u16 | length u32 | JSON [length]
 *     0x06 END        crc u32                    CRC-32 of every byte before this field
 *
 * The producer (StreamWriter) writes records into chunks as it goes; the consumer (StreamReader)
 * parses chunks as they arrive, whatever their boundaries, and hands complete records to a sink.
 * The consumer treats the bytes as hostile: every length is bounded before anything is buffered,
 * every page index is checked against the RAM size in the header, sections must nest, state
 * names must be unique, and nothing may follow END. The first problem is one StreamError.
 */
import { describeMachine, MAX_RAM_BYTES, type Machine, type VirtioKind } from '../machine/board.ts';
import { crc32 } from './crc32.ts';
import { PAGE_SIZE } from './dirty-log.ts';

export const STREAM_MAGIC = new TextEncoder().encode('VLABMIG\n');
export const STREAM_VERSION = 1;

const TAG_RAM_BEGIN = 0x01;
const TAG_PAGE = 0x02;
const TAG_ZERO = 0x03;
const TAG_RAM_END = 0x04;
const TAG_STATE = 0x05;
const TAG_END = 0x06;

/** Header JSON: a machine description and a domain config are a few KiB; this leaves room. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** One state section's JSON. The largest is the UART with a full 64 KiB input queue (~260 KB). */
export const MAX_STATE_BYTES = 1024 * 1024;
/** Distinct state sections: cpu, vm and one per device (eight today). */
export const MAX_STATE_SECTIONS = 64;
const STATE_NAME = /^[a-z][a-z0-9:_-]{0,63}$/;
const HEADER_FIXED = STREAM_MAGIC.length + 8;

export class StreamError extends Error {
  override name = 'StreamError';
}

/** What a stream is for: a live migration, or a save file that `restore` reads back. */
export type StreamKind = 'live' | 'save';

export interface MigrationHeader {
  readonly format: 'virtlab-migration';
  readonly kind: StreamKind;
  readonly pageSize: number;
  /** The board (machine/board.ts): the destination builds the same one. */
  readonly machine: Machine;
  /** The domain's configuration as the lab keeps it (lab/domain.ts DomainConfig), or null. */
  readonly domain: unknown;
  /**
   * A save stream's recorded run state, as libvirt records it in a save image: restored paused
   * unless the restore says otherwise (virsh save --paused, or the domain was paused). Absent: running.
   */
  readonly paused?: boolean;
}

export function makeHeader(kind: StreamKind, machine: Machine, domain: unknown = null, paused = false): MigrationHeader {
  return { format: 'virtlab-migration', kind, pageSize: PAGE_SIZE, machine, domain, ...(paused ? { paused } : {}) };
}

const VIRTIO_KINDS: readonly VirtioKind[] = ['block', 'net', 'console', 'entropy'];

/** Check an untrusted header: the machine must be one this host's board description produces. */
export function checkHeader(value: unknown): MigrationHeader {
  const bad = (what: string): never => { throw new StreamError(`migration stream: header ${what}`); };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('is not an object');
  const h = value as Record<string, unknown>;
  if (h.format !== 'virtlab-migration') bad('is not a virtlab migration header');
  if (h.kind !== 'live' && h.kind !== 'save') bad('kind must be "live" or "save"');
  if (h.pageSize !== PAGE_SIZE) bad(`page size must be ${PAGE_SIZE}`);
  if (h.paused !== undefined && typeof h.paused !== 'boolean') bad('paused must be true or false');
  const m = h.machine as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null) bad('has no machine description');
  const ramBytes = m!.ramBytes;
  if (typeof ramBytes !== 'number' || !Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes > MAX_RAM_BYTES) {
    bad(`machine RAM must be 1..${MAX_RAM_BYTES} bytes`);
  }
  const virtio = m!.virtio;
  if (!Array.isArray(virtio) || !virtio.every((k) => VIRTIO_KINDS.includes(k))) bad('machine virtio list is not valid');
  const regions = m!.regions;
  if (!Array.isArray(regions)) bad('machine has no region list');
  const has = (kind: string) => (regions as { kind?: unknown }[]).some((r) => r?.kind === kind);
  let rebuilt: Machine;
  try {
    rebuilt = describeMachine({ ramBytes: ramBytes as number, harts: m!.harts as number, virtio: virtio as VirtioKind[], rtc: has('rtc'), pvpanic: has('pvpanic') });
  } catch (e) {
    return bad(`machine is not valid: ${(e as Error).message}`);
  }
  // The same board, region for region: a guest must find its devices where it left them.
  if (JSON.stringify(rebuilt) !== JSON.stringify({ ramBytes, harts: m!.harts, regions, virtio })) {
    bad('machine does not match this host\'s board layout');
  }
  return { ...makeHeader(h.kind as StreamKind, rebuilt, h.domain ?? null, h.paused === true) };
}

// ---- producer ------------------------------------------------------------------------------------

/** Default chunk: 256 KiB is 2 ms on a 1 Gbit/s link, fine-grained enough to pace and cancel. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

export class StreamWriter {
  private readonly ready: Uint8Array[] = [];
  private buf: Uint8Array;
  private pos = 0;
  private crc = 0;
  private inRam = false;
  private sectionPages = 0;
  private ended = false;
  private readonly scratch = new DataView(new ArrayBuffer(16));
  private readonly enc = new TextEncoder();
  /** Bytes written so far (whether or not taken). */
  bytes = 0;

  constructor(readonly chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.buf = new Uint8Array(chunkBytes);
  }

  header(h: MigrationHeader): void {
    if (this.bytes !== 0) throw new Error('stream header written twice');
    const json = this.enc.encode(JSON.stringify(h));
    if (json.length > MAX_HEADER_BYTES) throw new StreamError(`migration header is ${json.length} bytes, over ${MAX_HEADER_BYTES}`);
    this.put(STREAM_MAGIC);
    this.u32(STREAM_VERSION);
    this.u32(json.length);
    this.put(json);
  }

  ramBegin(round: number): void {
    if (this.inRam) throw new Error('RAM section already open');
    this.inRam = true;
    this.sectionPages = 0;
    this.tag(TAG_RAM_BEGIN);
    this.u32(round);
  }

  page(index: number, data: Uint8Array): void {
    this.pageRecord(TAG_PAGE, index);
    this.put(data.subarray(0, PAGE_SIZE));
  }

  zero(index: number): void {
    this.pageRecord(TAG_ZERO, index);
  }

  ramEnd(): void {
    if (!this.inRam) throw new Error('no RAM section open');
    this.inRam = false;
    this.tag(TAG_RAM_END);
    this.u32(this.sectionPages);
  }

  state(name: string, version: number, value: unknown): void {
    if (this.inRam) throw new Error('state inside a RAM section');
    if (!STATE_NAME.test(name)) throw new Error(`bad state section name ${name}`);
    const json = this.enc.encode(JSON.stringify(value));
    if (json.length > MAX_STATE_BYTES) throw new StreamError(`state section ${name} is ${json.length} bytes, over ${MAX_STATE_BYTES}`);
    this.tag(TAG_STATE);
    this.put(Uint8Array.of(name.length));
    this.put(this.enc.encode(name));
    this.scratch.setUint16(0, version, true);
    this.put(new Uint8Array(this.scratch.buffer, 0, 2));
    this.u32(json.length);
    this.put(json);
  }

  /** End of stream: the CRC of everything before it. Makes the last partial chunk ready. */
  end(): void {
    if (this.inRam) throw new Error('RAM section still open');
    this.tag(TAG_END);
    const crc = this.crc;
    this.scratch.setUint32(0, crc, true);
    this.putRaw(new Uint8Array(this.scratch.buffer, 0, 4));
    this.ended = true;
    this.flush();
  }

  /** Chunks ready to send (full ones, or everything after flush()/end()). */
  take(): Uint8Array[] {
    return this.ready.splice(0);
  }

  /** Bytes written but not yet taken. */
  get pendingBytes(): number {
    let n = this.pos;
    for (const c of this.ready) n += c.length;
    return n;
  }

  /** Make the partial chunk ready too (before a pause in writing: the end of a round). */
  flush(): void {
    if (this.pos === 0) return;
    // A full chunk is handed over as is (a fresh buffer takes its place); a partial one is copied
    // out so every chunk owns exactly its bytes (a transport may transfer its buffer).
    if (this.pos === this.chunkBytes) {
      this.ready.push(this.buf);
      this.buf = new Uint8Array(this.chunkBytes);
    } else {
      this.ready.push(this.buf.slice(0, this.pos));
    }
    this.pos = 0;
  }

  private pageRecord(tag: number, index: number): void {
    if (!this.inRam) throw new Error('page outside a RAM section');
    this.sectionPages++;
    this.tag(tag);
    this.u32(index);
  }

  private tag(t: number): void {
    if (this.ended) throw new Error('stream already ended');
    this.put(Uint8Array.of(t));
  }

  private u32(v: number): void {
    this.scratch.setUint32(0, v, true);
    this.put(new Uint8Array(this.scratch.buffer, 0, 4));
  }

  private put(bytes: Uint8Array): void {
    this.crc = crc32(bytes, this.crc);
    this.putRaw(bytes);
  }

  private putRaw(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      const n = Math.min(bytes.length - off, this.chunkBytes - this.pos);
      this.buf.set(bytes.subarray(off, off + n), this.pos);
      this.pos += n;
      off += n;
      this.bytes += n;
      if (this.pos === this.chunkBytes) this.flush();
    }
  }
}

// ---- consumer ------------------------------------------------------------------------------------

/** Where a StreamReader delivers complete records, in stream order. */
export interface StreamSink {
  header(h: MigrationHeader): void;
  ramBegin?(round: number): void;
  /** `data` (4096 bytes) is only valid during the call. */
  page(index: number, data: Uint8Array): void;
  zero(index: number): void;
  ramEnd?(round: number, pages: number): void;
  /** `value` is parsed JSON, not yet checked against the section's schema (the sink does that). */
  state(name: string, version: number, value: unknown): void;
  /** The stream ended and its CRC matched. */
  end(): void;
}

export class StreamReader {
  /** Bytes of an incomplete record: [0, pendLen) of pend. */
  private pend = new Uint8Array(8192);
  private pendLen = 0;
  private offset = 0;
  private crc = 0;
  private headerSeen = false;
  private pages = 0;
  private round = 0;
  private inRam = false;
  private sectionPages = 0;
  private readonly states = new Set<string>();
  private finished = false;
  private failed: Error | undefined;
  private readonly dec = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly sink: StreamSink) {}

  /** True once END was read and checked. */
  get done(): boolean { return this.finished; }
  /** Bytes consumed so far. */
  get position(): number { return this.offset; }

  /** Parse what `chunk` completes. Throws StreamError (and every later call throws it again). */
  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    try {
      this.consume(chunk);
    } catch (e) {
      // The reader's own errors are StreamErrors; the sink's (a refused header, a state that
      // does not fit) keep their message. Either way the reader is dead from now on.
      this.failed = e instanceof Error ? e : new StreamError(String(e));
      throw this.failed;
    }
  }

  /** The producer says there is no more: anything but a complete stream is an error. */
  finish(): void {
    if (this.failed) throw this.failed;
    if (!this.finished) {
      this.failed = this.error(`truncated: ended after ${this.offset + this.pendLen} bytes, ${this.where()}`);
      throw this.failed;
    }
  }

  private where(): string {
    if (!this.headerSeen) return 'inside the header';
    if (this.inRam) return `inside RAM section ${this.round}`;
    return 'before the end-of-stream marker';
  }

  private error(what: string): StreamError {
    return new StreamError(`migration stream: ${what} (at byte ${this.offset})`);
  }

  private consume(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.finished) throw this.error('bytes after the end-of-stream marker');
    // Parse straight from the chunk when nothing is pending; otherwise append to the pending
    // buffer (grown by doubling, so a record arriving a byte at a time costs linear time).
    let data: Uint8Array;
    if (this.pendLen === 0) {
      data = chunk;
    } else {
      if (this.pendLen + chunk.length > this.pend.length) {
        const grown = new Uint8Array(Math.max(this.pend.length * 2, this.pendLen + chunk.length));
        grown.set(this.pend.subarray(0, this.pendLen));
        this.pend = grown;
      }
      this.pend.set(chunk, this.pendLen);
      this.pendLen += chunk.length;
      data = this.pend.subarray(0, this.pendLen);
    }
    let pos = 0;
    while (pos < data.length) {
      if (this.finished) throw this.error('bytes after the end-of-stream marker');
      const len = this.recordLength(data, pos);
      if (len < 0 || pos + len > data.length) break;
      this.record(data.subarray(pos, pos + len));
      pos += len;
    }
    const rest = data.length - pos;
    if (rest === 0) { this.pendLen = 0; return; }
    if (data === chunk) {
      if (this.pend.length < rest) this.pend = new Uint8Array(Math.max(rest, 8192));
      this.pend.set(chunk.subarray(pos));
    } else if (pos > 0) {
      this.pend.copyWithin(0, pos, this.pendLen);
    }
    this.pendLen = rest;
  }

  /** Length of the record at `pos`, or -1 when more bytes are needed to tell. Checks bounds. */
  private recordLength(d: Uint8Array, pos: number): number {
    const avail = d.length - pos;
    const view = new DataView(d.buffer, d.byteOffset + pos, avail);
    if (!this.headerSeen) {
      const m = Math.min(avail, STREAM_MAGIC.length);
      for (let i = 0; i < m; i++) if (d[pos + i] !== STREAM_MAGIC[i]) throw this.error('bad magic: not a virtlab migration stream');
      if (avail < HEADER_FIXED) return -1;
      const version = view.getUint32(8, true);
      if (version !== STREAM_VERSION) throw this.error(`version ${version}, this host reads version ${STREAM_VERSION}`);
      const n = view.getUint32(12, true);
      if (n > MAX_HEADER_BYTES) throw this.error(`header of ${n} bytes, over the ${MAX_HEADER_BYTES} limit`);
      return HEADER_FIXED + n;
    }
    const tag = d[pos];
    switch (tag) {
      case TAG_RAM_BEGIN: case TAG_ZERO: case TAG_RAM_END: case TAG_END: return 5;
      case TAG_PAGE: return 5 + PAGE_SIZE;
      case TAG_STATE: {
        if (avail < 2) return -1;
        const nameLen = d[pos + 1];
        if (avail < 2 + nameLen + 6) return -1;
        const n = view.getUint32(2 + nameLen + 2, true);
        if (n > MAX_STATE_BYTES) throw this.error(`state section of ${n} bytes, over the ${MAX_STATE_BYTES} limit`);
        return 2 + nameLen + 6 + n;
      }
      default: throw this.error(`unknown record tag 0x${tag.toString(16)}`);
    }
  }

  private record(r: Uint8Array): void {
    const view = new DataView(r.buffer, r.byteOffset, r.length);
    if (!this.headerSeen) {
      this.header(r.subarray(HEADER_FIXED));
      this.crc = crc32(r);
      this.offset += r.length;
      return;
    }
    const tag = r[0];
    if (tag === TAG_END) {
      if (this.inRam) throw this.error(`end of stream inside RAM section ${this.round}`);
      const crc = crc32(r.subarray(0, 1), this.crc);
      const want = view.getUint32(1, true);
      if (crc !== want) throw this.error(`checksum mismatch: computed ${crc.toString(16)}, stream says ${want.toString(16)}`);
      this.offset += r.length;
      this.finished = true;
      this.sink.end();
      return;
    }
    switch (tag) {
      case TAG_RAM_BEGIN: {
        if (this.inRam) throw this.error(`RAM section ${this.round} not ended before the next one`);
        const round = view.getUint32(1, true);
        if (round <= this.round) throw this.error(`RAM section ${round} after section ${this.round}`);
        this.round = round;
        this.inRam = true;
        this.sectionPages = 0;
        this.sink.ramBegin?.(round);
        break;
      }
      case TAG_PAGE: case TAG_ZERO: {
        if (!this.inRam) throw this.error('page outside a RAM section');
        const index = view.getUint32(1, true);
        if (index >= this.pages) throw this.error(`page ${index} is outside RAM (${this.pages} pages)`);
        this.sectionPages++;
        if (tag === TAG_PAGE) this.sink.page(index, r.subarray(5));
        else this.sink.zero(index);
        break;
      }
      case TAG_RAM_END: {
        if (!this.inRam) throw this.error('end of a RAM section that was not begun');
        const count = view.getUint32(1, true);
        if (count !== this.sectionPages) throw this.error(`RAM section ${this.round} says ${count} pages, it held ${this.sectionPages}`);
        this.inRam = false;
        this.sink.ramEnd?.(this.round, count);
        break;
      }
      case TAG_STATE: {
        if (this.inRam) throw this.error(`state section inside RAM section ${this.round}`);
        const nameLen = r[1];
        let name: string;
        try { name = this.dec.decode(r.subarray(2, 2 + nameLen)); } catch { throw this.error('state section name is not UTF-8'); }
        if (!STATE_NAME.test(name)) throw this.error(`bad state section name ${JSON.stringify(name)}`);
        if (this.states.has(name)) throw this.error(`state section "${name}" appears twice`);
        if (this.states.size >= MAX_STATE_SECTIONS) throw this.error(`more than ${MAX_STATE_SECTIONS} state sections`);
        this.states.add(name);
        const version = view.getUint16(2 + nameLen, true);
        const value = this.json(r.subarray(2 + nameLen + 6), `state section "${name}"`);
        this.sink.state(name, version, value);
        break;
      }
    }
    this.crc = crc32(r, this.crc);
    this.offset += r.length;
  }

  private header(json: Uint8Array): void {
    const h = checkHeader(this.json(json, 'header'));
    this.headerSeen = true;
    this.pages = Math.ceil(h.machine.ramBytes / PAGE_SIZE);
    this.sink.header(h);
  }

  private json(bytes: Uint8Array, what: string): unknown {
    try {
      return JSON.parse(this.dec.decode(bytes));
    } catch {
      throw this.error(`${what} is not valid JSON`);
    }
  }
}
