import { describe, expect, it } from 'vitest';
import { PLIC_SOURCES } from '../../../src/hypervisor/machine/board.ts';
import { Plic } from '../../../src/hypervisor/devices/plic.ts';

const priority = (s: number) => 4 * s;
const pending = (w: number) => 0x1000 + 4 * w;
const enable = (ctx: number, w = 0) => 0x2000 + 0x80 * ctx + 4 * w;
const threshold = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => 0x20_0004 + 0x1000 * ctx;

function makePlic(harts = 1, sources?: number) {
  const events: [number, boolean][] = [];
  const plic = new Plic({ harts, sources, onContextLevel: (c, l) => events.push([c, l]) });
  const rd = (off: number) => plic.read(off, 4);
  const wr = (off: number, v: number) => plic.write(off, 4, v);
  return { plic, events, rd, wr };
}

describe('Plic registers', () => {
  it('has 3-bit priorities for sources 1..N; source 0 and unknown offsets read 0', () => {
    const { rd, wr } = makePlic();
    wr(priority(10), 0xff);
    expect(rd(priority(10))).toBe(7);
    wr(priority(0), 5);
    expect(rd(priority(0))).toBe(0);
    wr(priority(PLIC_SOURCES + 1), 5);
    expect(rd(priority(PLIC_SOURCES + 1))).toBe(0);
    expect(rd(0x1f_0000)).toBe(0);
    expect(rd(threshold(0) + 8)).toBe(0);
  });

  it('keeps enable bits of real sources only, per context', () => {
    const { rd, wr } = makePlic(2);
    wr(enable(0), 0xffff_ffff);
    expect(rd(enable(0))).toBe(0xffff_fffe); // source 0 does not exist; 1..31 do
    wr(enable(3), 1 << 10);
    expect(rd(enable(3))).toBe(1 << 10);
    expect(rd(enable(1))).toBe(0);
    wr(enable(4), 1); // no context 4 with two harts
    expect(rd(enable(4))).toBe(0);
    wr(enable(0, 1), 0xffff_ffff); // no second word with 31 sources
    expect(rd(enable(0, 1))).toBe(0);
  });

  it('ignores thresholds above the maximum priority and pending writes', () => {
    const { plic, rd, wr } = makePlic();
    wr(threshold(0), 3);
    wr(threshold(0), 8);
    expect(rd(threshold(0))).toBe(3);
    plic.irqLine(5).set(true);
    wr(pending(0), 0);
    expect(rd(pending(0))).toBe(1 << 5);
  });

  it('handles more than 32 sources across words', () => {
    const { plic, rd, wr } = makePlic(1, 40);
    wr(priority(35), 2);
    wr(enable(0, 1), 0xffff_ffff);
    expect(rd(enable(0, 1))).toBe(0x1ff); // sources 32..40
    plic.irqLine(35).set(true);
    expect(rd(pending(1))).toBe(1 << 3);
    expect(rd(claim(0))).toBe(35);
  });

  it('rejects irq lines for sources that do not exist', () => {
    const { plic } = makePlic();
    expect(() => plic.irqLine(0)).toThrow(RangeError);
    expect(() => plic.irqLine(PLIC_SOURCES + 1)).toThrow(RangeError);
    expect(plic.irqLine(10)).toBe(plic.irqLine(10));
  });
});

describe('Plic claim/complete', () => {
  it('claims the highest priority source, ties to the lowest ID, above the threshold only', () => {
    const { plic, rd, wr } = makePlic();
    wr(enable(0), 0xffff_fffe);
    for (const [s, p] of [[3, 1], [5, 4], [9, 4], [12, 2]] as const) {
      wr(priority(s), p);
      plic.irqLine(s).set(true);
    }
    wr(threshold(0), 1);
    expect(rd(claim(0))).toBe(5);
    expect(rd(claim(0))).toBe(9);
    expect(rd(claim(0))).toBe(12);
    expect(rd(claim(0))).toBe(0); // 3 has priority 1, not above the threshold
    wr(threshold(0), 0);
    expect(rd(claim(0))).toBe(3);
  });

  it('never delivers a source with priority 0', () => {
    const { plic, rd, wr, events } = makePlic();
    wr(enable(0), 1 << 4);
    plic.irqLine(4).set(true);
    expect(rd(pending(0))).toBe(1 << 4);
    expect(events).toEqual([]);
    expect(rd(claim(0))).toBe(0);
  });

  it('does not re-pend a claimed source until completed; completion re-evaluates the level', () => {
    const { plic, rd, wr, events } = makePlic();
    const line = plic.irqLine(10);
    wr(priority(10), 1);
    wr(enable(1), 1 << 10);
    line.set(true);
    expect(events).toEqual([[1, true]]);
    expect(rd(claim(1))).toBe(10);
    expect(events).toEqual([[1, true], [1, false]]);
    expect(rd(pending(0))).toBe(0);
    line.set(false);
    line.set(true); // still claimed: nothing
    expect(rd(pending(0))).toBe(0);
    expect(events.length).toBe(2);
    wr(claim(1), 10); // complete with the line still high: pending again
    expect(events).toEqual([[1, true], [1, false], [1, true]]);
    expect(rd(claim(1))).toBe(10);
    line.set(false);
    wr(claim(1), 10); // complete with the line low: nothing
    expect(rd(pending(0))).toBe(0);
    expect(events.length).toBe(4);
  });

  it('drops a pending source whose line falls before it is claimed', () => {
    const { plic, rd, wr, events } = makePlic();
    wr(priority(1), 1);
    wr(enable(0), 1 << 1);
    plic.irqLine(1).set(true);
    plic.irqLine(1).set(false);
    expect(events).toEqual([[0, true], [0, false]]);
    expect(rd(claim(0))).toBe(0);
  });

  it('ignores completion of a source the context has not enabled', () => {
    const { plic, rd, wr } = makePlic();
    wr(priority(2), 1);
    wr(enable(0), 1 << 2);
    plic.irqLine(2).set(true);
    expect(rd(claim(0))).toBe(2);
    wr(claim(1), 2); // context 1 does not enable source 2
    expect(rd(pending(0))).toBe(0);
    wr(claim(0), 2);
    expect(rd(pending(0))).toBe(1 << 2);
  });
});

describe('Plic contexts', () => {
  it('drives each context separately: 2h = M-mode, 2h+1 = S-mode of hart h', () => {
    const { plic, wr, events } = makePlic(2);
    wr(priority(10), 1);
    wr(priority(1), 1);
    wr(enable(3), 1 << 10); // hart 1 S-mode takes the UART
    wr(enable(0), 1 << 1); // hart 0 M-mode takes virtio0
    plic.irqLine(10).set(true);
    expect(events).toEqual([[3, true]]);
    plic.irqLine(1).set(true);
    expect(events).toEqual([[3, true], [0, true]]);
    expect(plic.contextLevel(3)).toBe(true);
    expect(plic.contextLevel(1)).toBe(false);
  });

  it('claim by one context hides the source from the others', () => {
    const { plic, rd, wr, events } = makePlic(1);
    wr(priority(7), 3);
    wr(enable(0), 1 << 7);
    wr(enable(1), 1 << 7);
    plic.irqLine(7).set(true);
    expect(events).toEqual([[0, true], [1, true]]);
    expect(rd(claim(1))).toBe(7);
    expect(events).toEqual([[0, true], [1, true], [0, false], [1, false]]);
    expect(rd(claim(0))).toBe(0);
  });

  it('reports a level change once, on enable, threshold and priority changes too', () => {
    const { plic, wr, events } = makePlic();
    plic.irqLine(3).set(true);
    plic.irqLine(3).set(true);
    wr(priority(3), 2);
    expect(events).toEqual([]);
    wr(enable(0), 1 << 3);
    wr(enable(0), 1 << 3);
    expect(events).toEqual([[0, true]]);
    wr(threshold(0), 2);
    wr(threshold(0), 3);
    expect(events).toEqual([[0, true], [0, false]]);
    wr(priority(3), 4);
    expect(events).toEqual([[0, true], [0, false], [0, true]]);
  });
});

describe('Plic save/restore', () => {
  it('round-trips through JSON, reports every context once, then behaves identically', () => {
    const a = makePlic(2);
    for (const s of [1, 10, 11]) a.wr(priority(s), s % 7);
    a.wr(enable(1), (1 << 1) | (1 << 10) | (1 << 11));
    a.wr(enable(2), 1 << 11);
    a.wr(threshold(2), 1);
    for (const s of [1, 10, 11]) a.plic.irqLine(s).set(true);
    expect(a.rd(claim(1))).toBe(11); // priorities: 1 -> 1, 10 -> 3, 11 -> 4
    const state = JSON.parse(JSON.stringify(a.plic.save()));

    const b = makePlic(2);
    b.plic.restore(state);
    expect(b.events).toEqual([0, 1, 2, 3].map((c) => [c, a.plic.contextLevel(c)]));
    expect(b.plic.save()).toEqual(a.plic.save());

    const script = (p: ReturnType<typeof makePlic>) => {
      p.events.length = 0;
      const seen = [p.rd(claim(1)), p.rd(claim(2)), p.rd(pending(0))];
      p.plic.irqLine(10).set(false);
      p.wr(claim(1), 1);
      seen.push(p.rd(claim(1)), p.rd(claim(1)), p.rd(pending(0)));
      return { seen, events: [...p.events] };
    };
    expect(script(b)).toEqual(script(a));
  });

  it('rejects a state of another shape', () => {
    const { plic } = makePlic(2);
    expect(() => makePlic(1).plic.restore(plic.save())).toThrow(RangeError);
  });
});
