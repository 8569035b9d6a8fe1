import { describe, expect, it } from 'vitest';
import { ConsoleLog } from '../../../src/hypervisor/lab/console-log.ts';
import { MetricsSampler, HISTORY_LENGTH } from '../../../src/hypervisor/lab/metrics.ts';

describe('ConsoleLog', () => {
  it('keeps the most recent bytes within its limit, whole chunks at a time', () => {
    const log = new ConsoleLog(10);
    for (let i = 0; i < 5; i++) log.append(Uint8Array.of(i, i, i, i));
    expect([...log.contents()]).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4].slice(-12));
    expect(log.contents().length).toBeLessThanOrEqual(12);
  });

  it('tells watchers until they stop watching', () => {
    const log = new ConsoleLog();
    const seen: number[] = [];
    const w = log.watch((b) => seen.push(...b));
    log.append(Uint8Array.of(1));
    w.dispose();
    log.append(Uint8Array.of(2));
    expect(seen).toEqual([1]);
  });

  it('passes on that the guest went idle, even with no bytes, and keeps nothing for it', () => {
    const log = new ConsoleLog();
    const seen: [number, boolean][] = [];
    log.watch((b, resting) => seen.push([b.length, resting]));
    log.append(Uint8Array.of(1, 2), false);
    log.append(new Uint8Array(0), true);
    log.append(new Uint8Array(0), false); // no bytes, no news: not passed on
    log.append(Uint8Array.of(3), true);
    expect(seen).toEqual([[2, false], [0, true], [1, true]]);
    expect([...log.contents()]).toEqual([1, 2, 3]);
  });
});

describe('MetricsSampler', () => {
  it('keeps a bounded history', () => {
    const m = new MetricsSampler();
    for (let t = 0; t <= HISTORY_LENGTH + 10; t++) m.add({ state: 'running', instructions: t * 2e6, busyMs: t * 500, idleMs: 0, uptimeMs: t * 1000, inputDropped: 0 });
    expect(m.metrics.cpuHistory.length).toBe(HISTORY_LENGTH);
    expect(m.metrics.mips).toBe(2);
    expect(m.metrics.cpuPercent).toBe(50);
  });
});
