/** src/ui/share/persist.ts: one write per burst of changes, only when the lab changed, errors said once. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabSaver, SAVE_DELAY_MS, type LabStorage } from '../../../src/ui/share/persist.ts';
import { storedLabOf, type StoredLab } from '../../../src/hypervisor/lab/labfile-bridge.ts';

function memory(fail?: () => Error) {
  const writes: StoredLab[] = [];
  const storage: LabStorage = {
    load: async () => writes.at(-1),
    save: async (r) => { if (fail) throw fail(); writes.push(r); },
    clear: async () => { writes.length = 0; },
  };
  return { storage, writes };
}

describe('LabSaver', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('writes once a moment after a burst of changes, and not again while nothing changed', async () => {
    const { storage, writes } = memory();
    let lab = '{"a":1}';
    let running = ['web'];
    const saver = new LabSaver(storage, () => storedLabOf(lab, running, Date.now()), () => { throw new Error('no error expected'); });
    for (let i = 0; i < 10; i++) saver.changed();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS - 1);
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => [w.labfile, w.running])).toEqual([['{"a":1}', ['web']]]);
    saver.changed();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(writes).toHaveLength(1); // the same lab: nothing written
    running = [];
    saver.changed();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    lab = '{"a":2}';
    await saver.flush(); // at once (pagehide)
    expect(writes.map((w) => [w.labfile, w.running])).toEqual([['{"a":1}', ['web']], ['{"a":1}', []], ['{"a":2}', []]]);
    saver.dispose();
  });

  it('says once why a lab cannot be kept, and saves again once it can', async () => {
    const { storage, writes } = memory();
    const said: string[] = [];
    let problem: string | undefined = 'the dom0 file /root/a b has a name a Labfile cannot hold';
    const saver = new LabSaver(storage, () => { if (problem) throw new Error(problem); return storedLabOf('{}', [], 0); }, (m) => said.push(m));
    await saver.flush();
    await saver.flush();
    expect(said).toEqual(['Not saved in this browser: the dom0 file /root/a b has a name a Labfile cannot hold']);
    problem = undefined;
    await saver.flush();
    expect(writes).toHaveLength(1);
  });

  it('reports a storage that refuses the write, and tries again at the next change', async () => {
    const { storage } = memory(() => new Error('QuotaExceededError'));
    const said: string[] = [];
    const saver = new LabSaver(storage, () => storedLabOf('{}', [], 0), (m) => said.push(m));
    await saver.flush();
    await saver.flush();
    expect(said).toEqual([
      'This lab could not be saved in this browser: QuotaExceededError',
      'This lab could not be saved in this browser: QuotaExceededError',
    ]);
  });
});
