/**
 * The migration stream format (src/hypervisor/migration/stream.ts): round trips whatever the
 * chunking, and a hostile or damaged stream is refused with one clear error, never half-applied.
 */
import { describe, it, expect } from 'vitest';
import { describeMachine, MiB } from '../../../src/hypervisor/machine/board.ts';
import {
  StreamWriter, StreamReader, StreamError, makeHeader, checkHeader, type StreamSink, type MigrationHeader,
  MAX_STATE_BYTES, MAX_HEADER_BYTES, STREAM_MAGIC,
} from '../../../src/hypervisor/migration/stream.ts';
import { crc32 } from '../../../src/hypervisor/migration/crc32.ts';

const machine = describeMachine({ ramBytes: 1 * MiB, harts: 1 });

type Rec = (string | number | unknown)[];

class Recorder implements StreamSink {
  readonly recs: Rec[] = [];
  ended = false;
  header(h: MigrationHeader) { this.recs.push(['header', h.kind, h.machine.ramBytes, JSON.stringify(h.domain)]); }
  ramBegin(round: number) { this.recs.push(['begin', round]); }
  page(i: number, d: Uint8Array) { this.recs.push(['page', i, crc32(d), d.length]); }
  zero(i: number) { this.recs.push(['zero', i]); }
  ramEnd(round: number, n: number) { this.recs.push(['end-section', round, n]); }
  state(name: string, v: number, value: unknown) { this.recs.push(['state', name, v, JSON.stringify(value)]); }
  end() { this.ended = true; this.recs.push(['end']); }
}

function pageOf(seed: number): Uint8Array {
  const p = new Uint8Array(4096);
  for (let i = 0; i < p.length; i++) p[i] = (seed * 31 + i * 7) & 0xff;
  return p;
}

/** A small complete stream: two RAM sections, three state sections. */
function sample(chunkBytes = 1000): { bytes: Uint8Array; expected: Rec[] } {
  const w = new StreamWriter(chunkBytes);
  const rec = new Recorder();
  const h = makeHeader('live', machine, { name: 'vm1', memoryMiB: 1 });
  w.header(h); rec.header(h);
  w.ramBegin(1); rec.ramBegin(1);
  w.page(0, pageOf(1)); rec.page(0, pageOf(1));
  w.zero(1); rec.zero(1);
  w.page(255, pageOf(2)); rec.page(255, pageOf(2));
  w.ramEnd(); rec.ramEnd(1, 3);
  w.ramBegin(2); rec.ramBegin(2);
  w.page(0, pageOf(3)); rec.page(0, pageOf(3));
  w.ramEnd(); rec.ramEnd(2, 1);
  for (const [n, v] of [['cpu', { pc: '0x80000000' }], ['dev:uart0', { ier: 1, rxFifo: [1, 2] }], ['vm', { t: 'é' }]] as const) {
    w.state(n, 1, v); rec.state(n, 1, v);
  }
  w.end(); rec.end();
  const chunks = w.take();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { bytes.set(c, o); o += c.length; }
  expect(w.bytes).toBe(bytes.length);
  return { bytes, expected: rec.recs };
}

function parse(bytes: Uint8Array, chunk = bytes.length): Recorder {
  const rec = new Recorder();
  const r = new StreamReader(rec);
  for (let o = 0; o < bytes.length; o += chunk) r.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
  r.finish();
  return rec;
}

function refuse(bytes: Uint8Array, message: RegExp, endReached = false): Recorder {
  const rec = new Recorder();
  const r = new StreamReader(rec);
  let err: unknown;
  try {
    r.push(bytes);
    r.finish();
  } catch (e) { err = e; }
  expect(err).toBeInstanceOf(StreamError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).toMatch(/^migration stream: /);
  expect(rec.ended).toBe(endReached);
  return rec;
}

const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
/** Just a header, for streams built by hand. */
function headerBytes(h: unknown = makeHeader('live', machine)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  return cat(STREAM_MAGIC, u32(1), u32(json.length), json);
}
/** Append END with the right CRC. */
function withEnd(body: Uint8Array): Uint8Array {
  const tagged = cat(body, Uint8Array.of(6));
  return cat(tagged, u32(crc32(tagged)));
}

describe('migration stream', () => {
  it('round-trips every record, whatever the chunk boundaries', () => {
    const { bytes, expected } = sample();
    for (const chunk of [bytes.length, 4096, 1000, 4101, 17, 1]) {
      expect(parse(bytes, chunk).recs).toEqual(expected);
    }
    // Random chunking.
    let seed = 7;
    const rec = new Recorder();
    const r = new StreamReader(rec);
    for (let o = 0; o < bytes.length;) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = 1 + (seed % 9000);
      r.push(bytes.subarray(o, o + n));
      o += n;
    }
    r.finish();
    expect(rec.recs).toEqual(expected);
  });

  it('a stream cut at any byte is refused as truncated, and never reaches its end', () => {
    const { bytes } = sample();
    // Every byte outside page payloads (headers, record fields, JSON); inside the 4 KiB payloads
    // every 61st byte and the bytes next to their edges.
    const cuts: number[] = [];
    const payloads: [number, number][] = [];
    const r0 = new StreamReader({ ...new Recorder(), header() {}, state() {}, end() {}, zero() {},
      page: () => { payloads.push([r0.position + 5, r0.position + 5 + 4096]); } });
    for (let o = 0; o < bytes.length; o++) r0.push(bytes.subarray(o, o + 1));
    for (let n = 0; n < bytes.length; n++) {
      const inPayload = payloads.find(([a, b]) => n > a + 2 && n < b - 2);
      if (!inPayload || n % 61 === 0) cuts.push(n);
    }
    expect(cuts.length).toBeGreaterThan(800);
    for (const n of cuts) {
      const rec = new Recorder();
      const r = new StreamReader(rec);
      r.push(bytes.subarray(0, n));
      expect(() => r.finish()).toThrow(/truncated/);
      expect(rec.ended).toBe(false);
    }
  });

  it('refuses a wrong magic or version', () => {
    const { bytes } = sample();
    const bad = bytes.slice();
    bad[0] ^= 0xff;
    refuse(bad, /bad magic/);
    refuse(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), /bad magic/);
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(8, 2, true);
    refuse(v2, /version 2, this host reads version 1/);
  });

  it('refuses a page index outside RAM, pages outside sections and miscounted sections', () => {
    const h = headerBytes();
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(1), Uint8Array.of(3), u32(256), Uint8Array.of(4), u32(1))), /page 256 is outside RAM \(256 pages\)/);
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(1), Uint8Array.of(3), u32(0xffffffff))), /outside RAM/);
    refuse(withEnd(cat(h, Uint8Array.of(3), u32(0))), /page outside a RAM section/);
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(1), Uint8Array.of(3), u32(0), Uint8Array.of(4), u32(2))), /says 2 pages, it held 1/);
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(1), Uint8Array.of(1), u32(2))), /not ended before the next one/);
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(2), Uint8Array.of(4), u32(0), Uint8Array.of(1), u32(1))), /RAM section 1 after section 2/);
    refuse(withEnd(cat(h, Uint8Array.of(1), u32(1))), /end of stream inside RAM section 1/);
    refuse(withEnd(cat(h, Uint8Array.of(4), u32(0))), /not begun/);
    refuse(cat(h, Uint8Array.of(0x42)), /unknown record tag 0x42/);
  });

  it('refuses oversized sections before buffering them', () => {
    const big = cat(STREAM_MAGIC, u32(1), u32(MAX_HEADER_BYTES + 1));
    refuse(big, /header of 65537 bytes, over the 65536 limit/);
    const name = new TextEncoder().encode('cpu');
    const state = cat(headerBytes(), Uint8Array.of(5, name.length), name, Uint8Array.of(1, 0), u32(MAX_STATE_BYTES + 1));
    refuse(state, /state section of 1048577 bytes, over the 1048576 limit/);
    const huge = cat(headerBytes(), Uint8Array.of(5, name.length), name, Uint8Array.of(1, 0), u32(0xffffffff));
    refuse(huge, /over the 1048576 limit/);
  });

  it('refuses bad JSON, bad names, repeated sections and bad headers', () => {
    const h = headerBytes();
    const st = (name: string, json: string) => {
      const n = new TextEncoder().encode(name);
      const j = new TextEncoder().encode(json);
      return cat(Uint8Array.of(5, n.length), n, Uint8Array.of(1, 0), u32(j.length), j);
    };
    refuse(withEnd(cat(h, st('cpu', '{"pc": '))), /state section "cpu" is not valid JSON/);
    refuse(withEnd(cat(h, st('Bad Name', '{}'))), /bad state section name/);
    refuse(withEnd(cat(h, st('cpu', '{}'), st('cpu', '{}'))), /"cpu" appears twice/);
    const badJsonHeader = cat(STREAM_MAGIC, u32(1), u32(3), new TextEncoder().encode('{"a'));
    refuse(badJsonHeader, /header is not valid JSON/);
    refuse(headerBytes({ ...makeHeader('live', machine), format: 'qemu' }), /not a virtlab migration header/);
    refuse(headerBytes(makeHeader('live', { ...machine, ramBytes: 3 * MiB + 1 })), /machine/);
    const moved = { ...machine, regions: machine.regions.map((r) => (r.name === 'uart0' ? { ...r, base: 0x2000_0000 } : r)) };
    refuse(headerBytes(makeHeader('live', moved)), /does not match this host's board layout/);
    refuse(headerBytes(makeHeader('live', { ...machine, ramBytes: 4096 * MiB })), /RAM/);
    refuse(headerBytes({ ...makeHeader('save', machine), paused: 'yes' }), /paused must be true or false/);
  });

  it('a save header records the state to restore in: paused only when it says so', () => {
    expect(checkHeader(makeHeader('save', machine, 'name = "a"\n', true))).toMatchObject({ kind: 'save', paused: true });
    expect(checkHeader(makeHeader('save', machine, 'name = "a"\n')).paused).toBeUndefined();
    expect(checkHeader({ ...makeHeader('save', machine), paused: false }).paused).toBeUndefined();
  });

  it('refuses a checksum mismatch (one flipped payload bit), and bytes after the end', () => {
    const { bytes } = sample();
    const flipped = bytes.slice();
    const headerLen = 16 + new DataView(bytes.buffer).getUint32(12, true);
    flipped[headerLen + 10 + 100] ^= 0x10; // inside page 0's payload: only the CRC can tell
    const rec = refuse(flipped, /checksum mismatch/);
    expect(rec.recs.some((r) => r[0] === 'state')).toBe(true); // got that far, then refused
    // Garbage after END in the same chunk: the reader throws before its caller can start anything.
    refuse(cat(bytes, Uint8Array.of(0)), /bytes after the end-of-stream marker/, true);
  });
});

describe('incoming migration on a damaged stream', () => {
  it('answers refused with one clear error, and never starts (or keeps) the destination VM', async () => {
    const { memoryTransportPair } = await import('../../../src/hypervisor/migration/transport.ts');
    const { IncomingMigration } = await import('../../../src/hypervisor/migration/incoming.ts');
    const { newVm, ConsoleLog } = await import('./helpers.ts');
    // A real, complete stream of a small VM, then damaged in several ways.
    const vm = newVm(1, new ConsoleLog().io());
    const w = new StreamWriter(4096);
    w.header(makeHeader('live', vm.machine));
    w.ramBegin(1);
    for (let p = 0; p < 256; p++) w.zero(p);
    w.page(7, pageOf(7));
    w.ramEnd();
    const state = vm.saveState();
    w.state('cpu', 1, state.cpu);
    for (const [n, d] of Object.entries(state.devices)) w.state(`dev:${n}`, 1, d);
    w.state('vm', 1, state.vm);
    w.end();
    const good = cat(...w.take());
    const headerLen = 16 + new DataView(good.buffer).getUint32(12, true);
    const flipAt = (i: number) => { const b = good.slice(); b[i] ^= 1; return b; };
    const cases: [string, Uint8Array, RegExp][] = [
      ['payload bit', flipAt(headerLen + 5 + 256 * 5 + 5 + 10), /checksum mismatch/],
      ['truncated', good.subarray(0, good.length - 3), /truncated/],
      ['page index', flipAt(headerLen + 5 + 3 + 1), /outside RAM/],
    ];
    for (const [what, bytes, msg] of cases) {
      const link = memoryTransportPair();
      const calls: string[] = [];
      const replies: string[] = [];
      link.source.attach({ message: (m) => replies.push(m.kind === 'refused' ? m.message : m.kind), close: () => {} });
      const incoming = new IncomingMigration(link.destination, () => ({
        ram: () => vm.core.ram().fill(0),
        restoreState: () => { calls.push('restore'); },
        start: () => { calls.push('start'); return 0; },
        destroy: () => { calls.push('destroy'); },
      }));
      for (let o = 0; o < bytes.length; o += 1000) await link.source.send({ kind: 'data', bytes: bytes.subarray(o, o + 1000) });
      if (what === 'truncated') link.source.close('the source went away');
      await expect(incoming.done, what).rejects.toThrow(what === 'truncated' ? /the source went away/ : msg);
      expect(calls, what).not.toContain('start');
      expect(calls.at(-1), what).toBe('destroy');
      await new Promise((r) => setTimeout(r, 5));
      if (what !== 'truncated') expect(replies.at(-1), what).toMatch(msg);
    }
  });
});
