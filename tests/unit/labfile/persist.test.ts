/** src/ui/share/persist.ts: one write per burst of changes, only when the lab changed, errors said once. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabSaver, SAVE_DELAY_MS, type LabStorage } from '../../../src/ui/share/persist.ts';
import {
  buildLab, labfileOf, labViewOf, prepareLab, readStoredLab, storedLabOf, type StoredLab,
} from '../../../src/hypervisor/lab/labfile-bridge.ts';
import { DEFAULT_LINK } from '../../../src/hypervisor/migration/link.ts';
import { makeLab } from '../lab/fake-launcher.ts';

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

describe('LabSaver and the lab: a link change is kept', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('saves a link slowed down, and the lab read back has it', async () => {
    const { storage, writes } = memory();
    const { lab } = makeLab();
    // As src/ui/share/session.svelte.ts wires them: every change but the metrics sample, and the Labfile of labViewOf(snapshot).
    const saver = new LabSaver(storage, () => storedLabOf(JSON.stringify(labfileOf(labViewOf(lab.snapshot()), undefined)), [], Date.now()), (m) => { throw new Error(m); });
    lab.onChange((kind) => { if (kind !== 'metrics') saver.changed(); });
    await saver.flush();
    expect(writes).toHaveLength(1);

    lab.setLink('host2', 'host1', { bandwidthBps: 1e7 });
    lab.setLink('host1', 'host2', { latencyMs: 20 });
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1].labfile).links).toEqual([{ hosts: ['host1', 'host2'], bandwidthMbps: 10, latencyMs: 20 }]);

    const { checked } = readStoredLab(structuredClone(writes[1]));
    const restored = buildLab(prepareLab(checked), (hosts) => makeLab({ hosts }).lab);
    expect(restored.link('host1', 'host2')).toEqual({ bandwidthBps: 1e7, latencyMs: 20 });

    // Back to the default: saved again, with no link listed.
    lab.setLink('host1', 'host2', DEFAULT_LINK);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(writes).toHaveLength(3);
    expect(JSON.parse(writes[2].labfile).links).toEqual([]);
    saver.dispose();
    lab.dispose();
    restored.dispose();
  });
});
