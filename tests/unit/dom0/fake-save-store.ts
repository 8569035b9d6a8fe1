/** A SaveImageStore in memory, shared by "page loads" (SaveImages) the way IndexedDB is. */
import type { SaveImage, SaveImageMeta, SaveImageStore } from '../../../src/hypervisor/dom0/saves.ts';

export class FakeSaveStore implements SaveImageStore {
  readonly images = new Map<string, SaveImage>();
  readonly deleted: string[] = [];
  gets = 0;
  /** Make put reject like a full IndexedDB (or get / index like an unreadable one). */
  failPut = false;
  failGet = false;
  failIndex = false;

  async index(): Promise<SaveImageMeta[]> {
    if (this.failIndex) throw new Error('UnknownError: the database is closed');
    return [...this.images.values()].map((i) => ({ id: i.id, domain: i.domain, savedAt: i.savedAt, size: i.bytes.length }));
  }

  async get(id: string): Promise<SaveImage | undefined> {
    this.gets++;
    if (this.failGet) throw new Error('UnknownError: the database is closed');
    return this.images.get(id);
  }

  async put(image: SaveImage): Promise<void> {
    if (this.failPut) throw new Error('QuotaExceededError: the quota has been exceeded');
    // A copy, as IndexedDB stores one: what comes back is not the very array that went in.
    this.images.set(image.id, { ...image, bytes: image.bytes.slice() });
  }

  async delete(id: string): Promise<void> {
    this.deleted.push(id);
    this.images.delete(id);
  }

  /** The domains of the images kept, oldest first. */
  domains(): string[] {
    return [...this.images.values()].map((i) => i.domain);
  }
}
