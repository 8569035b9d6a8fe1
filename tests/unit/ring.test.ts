import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { ByteRing } from '../../src/hypervisor/ring.ts';
import { WakeWord } from '../../src/hypervisor/wake.ts';

const bytes = (...v: number[]) => Uint8Array.from(v);

describe('ByteRing', () => {
  it('passes bytes through in order', () => {
    const r = new ByteRing(ByteRing.allocate(16));
    expect(r.write(bytes(1, 2, 3))).toBe(3);
    expect(r.available).toBe(3);
    expect([...r.read()]).toEqual([1, 2, 3]);
    expect(r.available).toBe(0);
    expect(r.read().length).toBe(0);
  });

  it('takes only what fits and reports it', () => {
    const r = new ByteRing(ByteRing.allocate(16));
    expect(r.write(new Uint8Array(20).fill(7))).toBe(16);
    expect(r.free).toBe(0);
    expect(r.write(bytes(1))).toBe(0);
    expect(r.read(4).length).toBe(4);
    expect(r.write(bytes(1, 2, 3, 4, 5))).toBe(4);
  });

  it('wraps around the end of its buffer', () => {
    const r = new ByteRing(ByteRing.allocate(16));
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      const chunk = Uint8Array.from({ length: 11 }, () => next++ & 0xff);
      expect(r.write(chunk)).toBe(11);
      for (const b of r.read()) expect(b).toBe(expected++ & 0xff);
    }
    expect(expected).toBe(550);
  });

  it('keeps counting across the 2^32 wrap of its counters', () => {
    const buf = ByteRing.allocate(16);
    const header = new Int32Array(buf, 0, 2);
    header[0] = header[1] = -3; // 0xfffffffd: three bytes short of wrapping
    const r = new ByteRing(buf);
    expect(r.write(bytes(1, 2, 3, 4, 5, 6))).toBe(6);
    expect(r.available).toBe(6);
    expect([...r.read()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a capacity that is not a power of two', () => {
    expect(() => ByteRing.allocate(100)).toThrow(/power of two/);
  });

  it('wakes a consumer waiting for data', async () => {
    const r = new ByteRing(ByteRing.allocate(16));
    const mark = r.writeMark;
    const waiting = r.waitForData(mark, 5000);
    setTimeout(() => r.write(bytes(9)), 10);
    const t0 = performance.now();
    await waiting;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect([...r.read()]).toEqual([9]);
  });

  it('does not wait when data came after the mark was taken', async () => {
    const r = new ByteRing(ByteRing.allocate(16));
    const mark = r.writeMark;
    r.write(bytes(1));
    const t0 = performance.now();
    await r.waitForData(mark, 5000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('tells the consumer when the producer rests after a burst', async () => {
    const r = new ByteRing(ByteRing.allocate(16));
    r.write(bytes(1, 2), true);
    r.read();
    expect(r.resting).toBe(true);
    r.write(bytes(3), false); // more came: no longer resting
    r.read();
    expect(r.resting).toBe(false);
    // Resting only if every byte of the write fit.
    expect(r.write(new Uint8Array(20), true)).toBe(16);
    expect(r.resting).toBe(false);
    r.read();
    // Told after the fact (the last bytes went out before the producer knew): wakes a waiting reader.
    const waiting = r.waitForData(r.writeMark, 5000);
    setTimeout(() => r.rest(), 10);
    const t0 = performance.now();
    await waiting;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.resting).toBe(true);
    expect(r.available).toBe(0);
  });

  it('carries a stream between threads intact', async () => {
    const ring = ByteRing.allocate(64);
    const total = 100_000;
    // The producer is another thread writing as fast as the ring lets it.
    const src = `
      const { workerData } = require('node:worker_threads');
      const h = new Int32Array(workerData.ring, 0, 2);
      const data = new Uint8Array(workerData.ring, 16);
      let sent = 0;
      while (sent < ${total}) {
        const w = Atomics.load(h, 0) >>> 0, used = (w - (Atomics.load(h, 1) >>> 0)) >>> 0;
        if (used === 64) { Atomics.wait(h, 1, Atomics.load(h, 1), 50); continue; }
        data[w & 63] = sent++ & 0xff;
        Atomics.store(h, 0, (w + 1) | 0);
        Atomics.notify(h, 0);
      }`;
    const worker = new Worker(src, { eval: true, workerData: { ring } });
    const r = new ByteRing(ring);
    let got = 0;
    let wrong = 0;
    while (got < total) {
      const mark = r.writeMark;
      const chunk = r.read();
      for (const b of chunk) if (b !== (got++ & 0xff)) wrong++;
      if (chunk.length === 0) await r.waitForData(mark, 1000);
    }
    await worker.terminate();
    expect(wrong).toBe(0);
  });
});

describe('WakeWord', () => {
  it('wakes a sleeper when rung and not otherwise', async () => {
    const w = new WakeWord(WakeWord.allocate());
    let t0 = performance.now();
    await w.sleep(w.mark, 30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const mark = w.mark;
    setTimeout(() => w.ring(), 5);
    t0 = performance.now();
    await w.sleep(mark, 5000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
