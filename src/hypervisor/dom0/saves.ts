/**
 * Where `virsh save` / `xl save` keep a domain's save stream. dom0's file system holds text only
 * (and little of it: vfs.ts), while a save stream is megabytes of binary, so the bytes live here
 * and the file the person named gets a small text stub that points at them:
 *
 *   # virtlab save image of domain 'chef' (21.4 MiB, taken 2025-01-15 12:00:00 UTC).
 *   # The bytes are kept in this browser, not in this file; restore with:
 *   #   virsh restore /root/chef.save
 *   save-image: 3f2a…
 *   domain: chef
 *   bytes: 22437120
 *
 * The stub can be copied, moved or renamed like any file (restore follows the id in it). The
 * bytes stay in memory for the page that saved them (the fast path) and go to a SaveImageStore
 * when there is one: the page's is IndexedDB (src/ui/share/save-store.ts), and that is what
 * survives a reload. Without a store (Node, tests) images last as long as their SaveImages.
 *
 * The images kept are bounded, in the store across reloads too: the oldest go first. A stub from
 * another browser (dom0's files travel in Labfiles and links; save images do not) names an image
 * that is not kept here, and restore says so.
 */

import { errText } from './command.ts';

/** Save images kept at once, and their total size. */
export const MAX_SAVE_IMAGES = 8;
export const MAX_SAVE_BYTES = 1024 * 1024 * 1024;

export interface SaveImage {
  readonly id: string;
  readonly domain: string;
  readonly bytes: Uint8Array;
  readonly savedAt: number;
}

/** What the bounds need to know of a stored image, without its bytes. */
export interface SaveImageMeta {
  readonly id: string;
  readonly domain: string;
  readonly savedAt: number;
  readonly size: number;
}

/** Where save images outlive the page. Any method may reject (quota, storage disabled). */
export interface SaveImageStore {
  /** The images kept, oldest first. */
  index(): Promise<SaveImageMeta[]>;
  get(id: string): Promise<SaveImage | undefined>;
  /** Keep `image` as the newest. */
  put(image: SaveImage): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface SavePut {
  readonly image: SaveImage;
  /** Set when the store refused the image: it lives for this page only (a warning for a person). */
  readonly warning?: string;
}

export class SaveImages {
  readonly maxImages: number;
  readonly maxBytes: number;
  /** The bytes of the images this page saved. */
  private readonly memory = new Map<string, SaveImage>();
  /** Every image kept, in memory or in the store, oldest first: what the bounds count. */
  private kept: SaveImageMeta[] = [];
  private opened: Promise<void> | undefined;
  private counter = 0;

  constructor(private readonly store?: SaveImageStore, limits: { maxImages?: number; maxBytes?: number } = {}) {
    this.maxImages = limits.maxImages ?? MAX_SAVE_IMAGES;
    this.maxBytes = limits.maxBytes ?? MAX_SAVE_BYTES;
  }

  /**
   * Keep `bytes` as the newest image, dropping the oldest beyond the bounds (from the store too,
   * before writing, so the room is there). Never rejects: if the store refuses the image, it is
   * still kept in memory and the result says why it will not survive a reload.
   */
  async put(domain: string, bytes: Uint8Array, savedAt: number): Promise<SavePut> {
    await this.open();
    const id = `${savedAt.toString(16)}-${(++this.counter).toString(16)}-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
    const image: SaveImage = { id, domain, bytes, savedAt };
    this.memory.set(id, image);
    this.kept.push({ id, domain, savedAt, size: bytes.length });
    await this.evict();
    if (!this.store) return { image };
    try {
      await this.store.put(image);
      return { image };
    } catch (e) {
      return { image, warning: `this browser could not keep the save image (${errText(e)}): it will not survive a page reload` };
    }
  }

  /**
   * The image `id` names: this page's from memory, else the store's; undefined when it is not
   * kept (dropped for newer ones, or saved in another browser). Rejects if the store cannot be read.
   */
  async load(id: string): Promise<SaveImage | undefined> {
    // The store is asked even for an id this page does not count: another tab may have saved it.
    return this.memory.get(id) ?? this.store?.get(id);
  }

  /** The bounds in words: "the 8 most recent save images, 1 GiB in all". */
  describeLimits(): string {
    const GiB = 1024 * 1024 * 1024;
    const bytes = this.maxBytes % GiB === 0 ? `${this.maxBytes / GiB} GiB` : formatSize(this.maxBytes);
    return `the ${this.maxImages} most recent save images, ${bytes} in all`;
  }

  /** Learn once what the store already keeps; a store that cannot say counts as empty. */
  private open(): Promise<void> {
    this.opened ??= (this.store?.index() ?? Promise.resolve([])).then(
      (index) => { this.kept = index; }, // before any put: they wait for this
      () => {},
    );
    return this.opened;
  }

  /** Drop the oldest images (never the newest) until the rest are within the bounds. */
  private async evict(): Promise<void> {
    let total = this.kept.reduce((n, m) => n + m.size, 0);
    const gone: string[] = [];
    while (this.kept.length > 1 && (this.kept.length > this.maxImages || total > this.maxBytes)) {
      const old = this.kept.shift()!;
      total -= old.size;
      this.memory.delete(old.id);
      gone.push(old.id);
    }
    // A delete that fails leaves the image in the store's index: it is dropped again after a reload.
    await Promise.all(gone.map((id) => this.store?.delete(id).catch(() => {})));
  }
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The text written to the file a save names. */
export function saveStub(image: SaveImage, path: string): string {
  const when = new Date(image.savedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return [
    `# virtlab save image of domain '${image.domain}' (${formatSize(image.bytes.length)}, taken ${when}).`,
    '# The bytes are kept in this browser, not in this file; restore with:',
    `#   virsh restore ${path}`,
    `save-image: ${image.id}`,
    `domain: ${image.domain}`,
    `bytes: ${image.bytes.length}`,
    '',
  ].join('\n');
}

/** The save stream a stub points at, or why there is none (a message for a person). */
export async function readSaveStub(text: string, saves: SaveImages): Promise<{ ok: true; image: SaveImage } | { ok: false; reason: string }> {
  const id = /^save-image: (\S+)$/m.exec(text)?.[1];
  if (id === undefined) return { ok: false, reason: 'not a virtlab save image (no save-image line)' };
  let image: SaveImage | undefined;
  try {
    image = await saves.load(id);
  } catch (e) {
    return { ok: false, reason: `the saved state could not be read from this browser's storage: ${errText(e)}` };
  }
  if (!image) return { ok: false, reason: `the saved state is not kept in this browser (it keeps ${saves.describeLimits()})` };
  return { ok: true, image };
}
