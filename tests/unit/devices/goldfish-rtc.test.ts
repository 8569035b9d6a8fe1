import { describe, expect, it } from 'vitest';
import { GoldfishRtc } from '../../../src/hypervisor/devices/goldfish-rtc.ts';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

function makeRtc(start: bigint) {
  const clock = { ns: start };
  const irq = { level: false, changes: 0 };
  const rtc = new GoldfishRtc({
    clock: () => clock.ns,
    irq: {
      set(level) {
        irq.level = level;
        irq.changes++;
      },
    },
  });
  const rd = (off: number) => rtc.read(off, 4);
  const wr = (off: number, v: number) => rtc.write(off, 4, v);
  /** Reads the time the way Linux's rtc-goldfish does: LOW, then HIGH. */
  const time = () => {
    const low = BigInt(rd(TIME_LOW));
    return (BigInt(rd(TIME_HIGH)) << 32n) | low;
  };
  return { rtc, clock, irq, rd, wr, time };
}

const T0 = 1_700_000_000_123_456_789n;

describe('GoldfishRtc time', () => {
  it('reads the injected clock in ns since the epoch', () => {
    const { time, clock } = makeRtc(T0);
    expect(time()).toBe(T0);
    clock.ns += 5_000n;
    expect(time()).toBe(T0 + 5_000n);
  });

  it('latches TIME_HIGH when TIME_LOW is read, so the pair is consistent across a carry', () => {
    const { rd, clock } = makeRtc((7n << 32n) | 0xffff_ff00n);
    const low = rd(TIME_LOW);
    clock.ns += 0x200n; // the low word wraps, the high word moves on
    expect(rd(TIME_HIGH)).toBe(7);
    expect(low).toBe(0xffff_ff00);
    expect(rd(TIME_LOW)).toBe(0x100);
    expect(rd(TIME_HIGH)).toBe(8);
  });

  it('accepts a number clock', () => {
    const rtc = new GoldfishRtc({ clock: () => 2 ** 40 + 3 });
    expect(rtc.read(TIME_LOW, 4)).toBe(3);
    expect(rtc.read(TIME_HIGH, 4)).toBe(0x100);
  });

  it('lets the guest set the time, which then keeps running', () => {
    const { wr, time, clock } = makeRtc(T0);
    const target = 946_684_800_000_000_000n; // 2000-01-01
    wr(TIME_HIGH, Number(target >> 32n));
    wr(TIME_LOW, Number(target & 0xffff_ffffn));
    expect(time()).toBe(target);
    clock.ns += 1_000_000n;
    expect(time()).toBe(target + 1_000_000n);
  });

  it('reads unknown offsets as 0', () => {
    const { rd, wr } = makeRtc(T0);
    wr(0x40, 1);
    expect(rd(0x40)).toBe(0);
    expect(rd(0xffc)).toBe(0);
  });
});

describe('GoldfishRtc alarm', () => {
  it('fires when the deadline passes (on poll), raising the irq if enabled; cleared by CLEAR_INTERRUPT', () => {
    const { rtc, rd, wr, irq, clock } = makeRtc(T0);
    const at = T0 + 1_000n;
    wr(IRQ_ENABLED, 1);
    wr(ALARM_HIGH, Number(at >> 32n));
    wr(ALARM_LOW, Number(at & 0xffff_ffffn));
    expect(rd(ALARM_STATUS)).toBe(1);
    expect((BigInt(rd(ALARM_HIGH)) << 32n) | BigInt(rd(ALARM_LOW))).toBe(at);
    rtc.poll();
    expect(irq.level).toBe(false);
    clock.ns = at;
    rtc.poll();
    expect(irq.level).toBe(true);
    expect(rd(ALARM_STATUS)).toBe(0);
    wr(CLEAR_INTERRUPT, 1);
    expect(irq.level).toBe(false);
  });

  it('fires at once for a deadline already past, gated by IRQ_ENABLED', () => {
    const { rd, wr, irq } = makeRtc(T0);
    wr(ALARM_HIGH, 0);
    wr(ALARM_LOW, 1);
    expect(rd(ALARM_STATUS)).toBe(0);
    expect(irq.level).toBe(false);
    wr(IRQ_ENABLED, 1);
    expect(rd(IRQ_ENABLED)).toBe(1);
    expect(irq.level).toBe(true);
  });

  it('CLEAR_ALARM disarms', () => {
    const { rtc, rd, wr, irq, clock } = makeRtc(T0);
    wr(IRQ_ENABLED, 1);
    wr(ALARM_HIGH, Number((T0 + 10n) >> 32n));
    wr(ALARM_LOW, Number((T0 + 10n) & 0xffff_ffffn));
    wr(CLEAR_ALARM, 1);
    clock.ns += 100n;
    rtc.poll();
    expect(rd(ALARM_STATUS)).toBe(0);
    expect(irq.changes).toBe(0);
  });
});

describe('GoldfishRtc save/restore', () => {
  it('round-trips through JSON, keeping the guest-set time and the alarm', () => {
    const a = makeRtc(T0);
    a.wr(TIME_HIGH, 1);
    a.wr(TIME_LOW, 2);
    a.wr(IRQ_ENABLED, 1);
    a.wr(ALARM_HIGH, 1);
    a.wr(ALARM_LOW, 1000);
    a.rd(TIME_LOW);
    const state = JSON.parse(JSON.stringify(a.rtc.save()));

    const b = makeRtc(T0);
    b.rtc.restore(state);
    expect(b.rtc.save()).toEqual(a.rtc.save());
    expect(b.rd(TIME_HIGH)).toBe(a.rd(TIME_HIGH));
    for (const r of [a, b]) r.clock.ns += 2_000n;
    expect(b.time()).toBe(a.time());
    expect(b.rd(ALARM_STATUS)).toBe(0);
    expect(b.irq.level).toBe(a.irq.level);
    expect(b.irq.level).toBe(true);
  });

  it('rejects malformed state', () => {
    const { rtc } = makeRtc(T0);
    expect(() => rtc.restore({ ...rtc.save(), offset: 12 })).toThrow(RangeError);
    expect(() => rtc.restore({ ...rtc.save(), alarm: '-1' })).toThrow(RangeError);
  });
});
