import { describe, expect, it } from 'vitest';
import { Finisher, type FinishEvent } from '../../../src/hypervisor/devices/finisher.ts';

function makeFinisher() {
  const events: FinishEvent[] = [];
  return { finisher: new Finisher((e) => events.push(e)), events };
}

describe('Finisher (sifive,test)', () => {
  it('reports pass, fail with its code, and reset', () => {
    const { finisher, events } = makeFinisher();
    finisher.write(0, 4, 0x5555);
    finisher.write(0, 4, (42 << 16) | 0x3333);
    finisher.write(0, 4, 0xffff_3333);
    finisher.write(0, 4, 0x7777);
    expect(events).toEqual([
      { kind: 'pass' },
      { kind: 'fail', code: 42 },
      { kind: 'fail', code: 0xffff },
      { kind: 'reset' },
    ]);
  });

  it('accepts the 16-bit write QEMU accepts', () => {
    const { finisher, events } = makeFinisher();
    finisher.write(0, 2, 0x5555);
    expect(events).toEqual([{ kind: 'pass' }]);
    expect(finisher.accessSizes).toBe(2 | 4);
  });

  it('ignores other values and offsets, reads 0', () => {
    const { finisher, events } = makeFinisher();
    finisher.write(0, 4, 0x1234);
    finisher.write(0, 4, 0x5556);
    finisher.write(4, 4, 0x5555);
    expect(events).toEqual([]);
    expect(finisher.read(0, 4)).toBe(0);
  });

  it('has an empty, restorable state', () => {
    const { finisher } = makeFinisher();
    expect(JSON.parse(JSON.stringify(finisher.save()))).toEqual({});
    finisher.restore({});
  });
});
