/**
 * The page's SaveImageStore (dom0/saves.ts): `virsh save` / `xl save` images kept across reloads
 * in IndexedDB, database `virtlab-saves`, store `saves` — a database of its own, so the lab's
 * (`virtlab`, persist.ts) needs no new version. Each image is one record under its id, and one
 * record `index` lists them oldest first (id, domain, time, size): the bounds are known without
 * reading megabytes. An image and the index change in one transaction, so they cannot disagree,
 * not even with two tabs saving at once.
 */
import { createStore, get, promisifyRequest, type UseStore } from 'idb-keyval';
import type { SaveImage, SaveImageMeta, SaveImageStore } from '../../hypervisor/dom0/saves.ts';

/** The index's key; image ids are hex with dashes, never this. */
const INDEX = 'index';

/** The store, or undefined where there is no IndexedDB (Node): images then last as long as the page. */
export function indexedDbSaveStore(): SaveImageStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  let store: UseStore | undefined;
  const db = () => (store ??= createStore('virtlab-saves', 'saves'));

  /**
   * Read the index, let `edit` write or delete an image and return the new index, and write that,
   * all in one transaction. The put of the image happens inside a request's callback, so an error
   * it throws (a value IndexedDB cannot clone) aborts the transaction and is what the caller gets.
   */
  const change = (edit: (index: SaveImageMeta[], s: IDBObjectStore) => SaveImageMeta[]) =>
    db()('readwrite', (s) => {
      let failure: unknown;
      const read = s.get(INDEX);
      read.onsuccess = () => {
        try {
          s.put(edit(readIndex(read.result), s), INDEX);
        } catch (e) {
          failure = e;
          s.transaction.abort();
        }
      };
      return promisifyRequest(s.transaction).catch((e: unknown) => { throw failure ?? e; });
    });

  return {
    index: async () => readIndex(await get(INDEX, db())),
    get: async (id) => readImage(id === INDEX ? undefined : await get(id, db())),
    put: (image) => change((index, s) => {
      // A view into a larger buffer would store the whole buffer.
      const bytes = image.bytes.byteLength === image.bytes.buffer.byteLength ? image.bytes : image.bytes.slice();
      s.put({ id: image.id, domain: image.domain, savedAt: image.savedAt, bytes }, image.id);
      return [...index.filter((m) => m.id !== image.id), { id: image.id, domain: image.domain, savedAt: image.savedAt, size: bytes.length }];
    }),
    delete: (id) => change((index, s) => {
      s.delete(id);
      return index.filter((m) => m.id !== id);
    }),
  };
}

/** The index as stored; anything else (no record yet, another version's) is an empty one. */
function readIndex(v: unknown): SaveImageMeta[] {
  if (!Array.isArray(v)) return [];
  return v.filter((m): m is SaveImageMeta => typeof m?.id === 'string' && typeof m.domain === 'string' && typeof m.savedAt === 'number' && typeof m.size === 'number');
}

function readImage(v: unknown): SaveImage | undefined {
  const r = v as Partial<SaveImage> | undefined;
  if (typeof r?.id !== 'string' || typeof r.domain !== 'string' || typeof r.savedAt !== 'number' || !(r.bytes instanceof Uint8Array)) return undefined;
  return { id: r.id, domain: r.domain, savedAt: r.savedAt, bytes: r.bytes };
}
