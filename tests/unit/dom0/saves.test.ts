/**
 * Save images (dom0/saves.ts) kept in a store across reloads: a "reload" is a new SaveImages on
 * the same store. The bounds hold for what is stored, and a store that refuses costs only the
 * reload, never the save.
 */
import { describe, expect, it } from 'vitest';
import { readSaveStub, saveStub, SaveImages } from '../../../src/hypervisor/dom0/saves.ts';
import { FakeSaveStore } from './fake-save-store.ts';
import { T0 } from './run.ts';

const bytesOf = (n: number, fill = n & 0xff) => new Uint8Array(n).fill(fill);

describe('save images kept in a store', () => {
  it('a stub restores the same bytes after a reload', async () => {
    const store = new FakeSaveStore();
    const saved = await new SaveImages(store).put('web', bytesOf(1000, 7), T0);
    expect(saved.warning).toBeUndefined();
    const stub = saveStub(saved.image, '/root/web.save');
    expect(stub).toContain('# The bytes are kept in this browser, not in this file; restore with:\n');

    const reloaded = new SaveImages(store);
    const read = await readSaveStub(stub, reloaded);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.image).toMatchObject({ id: saved.image.id, domain: 'web', savedAt: T0 });
    expect(read.image.bytes).toEqual(bytesOf(1000, 7));
  });

  it('images saved by this page come from memory', async () => {
    const store = new FakeSaveStore();
    const saves = new SaveImages(store);
    const { image } = await saves.put('web', bytesOf(10), T0);
    expect(await saves.load(image.id)).toBe(image);
    expect(store.gets).toBe(0);
  });

  it('drops the oldest beyond the count, from the store too, across reloads', async () => {
    const store = new FakeSaveStore();
    const first = new SaveImages(store, { maxImages: 3 });
    const ids: string[] = [];
    for (const d of ['a', 'b', 'c', 'd']) ids.push((await first.put(d, bytesOf(10), T0)).image.id);
    expect(store.domains()).toEqual(['b', 'c', 'd']);
    expect(await first.load(ids[0])).toBeUndefined();

    const second = new SaveImages(store, { maxImages: 3 });
    await second.put('e', bytesOf(10), T0);
    expect(store.domains()).toEqual(['c', 'd', 'e']);
    expect(store.deleted).toEqual([ids[0], ids[1]]);
    expect((await second.load(ids[2]))?.domain).toBe('c');
  });

  it('drops the oldest beyond the total size, across reloads; one image alone may pass it', async () => {
    const store = new FakeSaveStore();
    const first = new SaveImages(store, { maxBytes: 100 });
    await first.put('a', bytesOf(40), T0);
    await first.put('b', bytesOf(40), T0);
    expect(store.domains()).toEqual(['a', 'b']);

    const second = new SaveImages(store, { maxBytes: 100 });
    await second.put('c', bytesOf(40), T0);
    expect(store.domains()).toEqual(['b', 'c']);
    await second.put('big', bytesOf(150), T0);
    expect(store.domains()).toEqual(['big']);
  });

  it('keeps an image the store refuses for this page and says it will not survive a reload', async () => {
    const store = new FakeSaveStore();
    store.failPut = true;
    const saves = new SaveImages(store);
    const saved = await saves.put('web', bytesOf(10, 3), T0);
    expect(saved.warning).toBe('this browser could not keep the save image (QuotaExceededError: the quota has been exceeded): it will not survive a page reload');
    const stub = saveStub(saved.image, '/root/web.save');
    const read = await readSaveStub(stub, saves);
    expect(read.ok && read.image.bytes).toEqual(bytesOf(10, 3));
    expect(await readSaveStub(stub, new SaveImages(store))).toEqual({ ok: false, reason: 'the saved state is not kept in this browser (it keeps the 8 most recent save images, 1 GiB in all)' });
  });

  it('a store that cannot list its images counts as empty; one that cannot be read says so', async () => {
    const store = new FakeSaveStore();
    store.failIndex = true;
    const saves = new SaveImages(store);
    const { image } = await saves.put('web', bytesOf(10), T0);
    expect(store.domains()).toEqual(['web']);
    store.failGet = true;
    expect(await readSaveStub(saveStub(image, '/x'), new SaveImages(store))).toEqual({ ok: false, reason: "the saved state could not be read from this browser's storage: UnknownError: the database is closed" });
  });

  it('a stub naming an image not kept here, or no image at all, gives the reason', async () => {
    const saves = new SaveImages(new FakeSaveStore(), { maxImages: 2, maxBytes: 3 * 1024 * 1024 });
    expect(await readSaveStub('save-image: 1-2-3\n', saves)).toEqual({ ok: false, reason: 'the saved state is not kept in this browser (it keeps the 2 most recent save images, 3.0 MiB in all)' });
    expect(await readSaveStub('name = "web"\n', saves)).toEqual({ ok: false, reason: 'not a virtlab save image (no save-image line)' });
  });

  it('without a store images last as long as their SaveImages, bounded the same way', async () => {
    const saves = new SaveImages(undefined, { maxImages: 1 });
    const a = await saves.put('a', bytesOf(10), T0);
    const b = await saves.put('b', bytesOf(10), T0);
    expect(a.warning ?? b.warning).toBeUndefined();
    expect(await saves.load(a.image.id)).toBeUndefined();
    expect(await saves.load(b.image.id)).toBe(b.image);
  });
});
