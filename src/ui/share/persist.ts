/**
 * The lab kept across reloads (issue 7): one record in IndexedDB (idb-keyval), written after
 * every change — the lab's definitions and states, dom0's files, the title — at most every
 * SAVE_DELAY_MS, and only when it differs from what is already kept. The record is
 * lab/labfile-bridge.ts's StoredLab: the Labfile text plus which domains were running.
 *
 * This is the one place the page keeps the lab (dom0's file system included): nothing else
 * writes localStorage or IndexedDB for it.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { StoredLab } from '../../hypervisor/lab/labfile-bridge.ts';

/** Changes come in bursts (a lab being built, a paste into dom0): one write per burst. */
export const SAVE_DELAY_MS = 400;
const KEY = 'lab';

export interface LabStorage {
  load(): Promise<unknown>;
  save(record: StoredLab): Promise<void>;
  clear(): Promise<void>;
}

/** IndexedDB database `virtlab`, store `lab`, key `lab`. */
export function indexedDbStorage(): LabStorage {
  let store: UseStore | undefined;
  const db = () => (store ??= createStore('virtlab', 'lab'));
  return {
    load: () => get(KEY, db()),
    save: (record) => set(KEY, record, db()),
    clear: () => del(KEY, db()),
  };
}

/**
 * Saves `snapshot()` a moment after `changed()` is called. `snapshot` returns the record, or
 * throws an Error whose message says why the lab cannot be kept (a dom0 file a Labfile cannot
 * hold): `onError` gets each new message once, and saving goes on at the next change.
 */
export class LabSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = '';
  private lastError = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: LabStorage,
    private readonly snapshot: () => StoredLab,
    private readonly onError: (message: string) => void,
  ) {}

  changed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.flush(); }, SAVE_DELAY_MS);
  }

  /** Save now if anything changed; resolves once written. */
  flush(): Promise<void> {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    let record: StoredLab;
    try {
      record = this.snapshot();
    } catch (e) {
      const message = `Not saved in this browser: ${(e as Error).message}`;
      if (message !== this.lastError) this.onError(message);
      this.lastError = message;
      return this.writing;
    }
    this.lastError = '';
    // savedAt changes every time: what matters is whether the lab did.
    const key = JSON.stringify([record.labfile, record.running]);
    if (key === this.last) return this.writing;
    this.last = key;
    this.writing = this.writing.then(() => this.storage.save(record)).catch((e: unknown) => {
      this.last = '';
      this.onError(`This lab could not be saved in this browser: ${(e as Error)?.message ?? String(e)}`);
    });
    return this.writing;
  }

  /** Forget what was saved, so the next change writes again (after a failed load, say). */
  reset(): void {
    this.last = '';
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
