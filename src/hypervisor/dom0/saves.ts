/**
 * Where `virsh save` / `xl save` keep a domain's save stream. dom0's file system holds text only
 * (and little of it: vfs.ts), while a save stream is megabytes of binary, so the bytes live here,
 * in memory, and the file the person named gets a small text stub that points at them:
 *
 *   # virtlab save image of domain 'chef' (21.4 MiB, taken 2025-01-15 12:00:00 UTC).
 *   # The bytes are kept in memory by the page until it is reloaded; restore with:
 *   #   virsh restore /root/chef.save
 *   save-image: 3f2a…
 *   domain: chef
 *   bytes: 22437120
 *
 * The stub can be copied, moved or renamed like any file (restore follows the id in it); after a
 * reload the bytes are gone and restore says so. The store is bounded: the oldest images go first.
 */

/** Save images kept at once, and their total size. */
export const MAX_SAVE_IMAGES = 8;
export const MAX_SAVE_BYTES = 1024 * 1024 * 1024;

export interface SaveImage {
  readonly id: string;
  readonly domain: string;
  readonly bytes: Uint8Array;
  readonly savedAt: number;
}

export class SaveImages {
  private readonly images = new Map<string, SaveImage>();
  private counter = 0;

  constructor(private readonly maxImages = MAX_SAVE_IMAGES, private readonly maxBytes = MAX_SAVE_BYTES) {}

  /** Keep `bytes`; returns the id a stub names. */
  put(domain: string, bytes: Uint8Array, savedAt: number): string {
    const id = `${savedAt.toString(16)}-${(++this.counter).toString(16)}-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
    this.images.set(id, { id, domain, bytes, savedAt });
    let total = 0;
    for (const i of this.images.values()) total += i.bytes.length;
    for (const old of this.images.values()) {
      if (this.images.size <= 1 || (this.images.size <= this.maxImages && total <= this.maxBytes)) break;
      this.images.delete(old.id);
      total -= old.bytes.length;
    }
    return id;
  }

  get(id: string): SaveImage | undefined {
    return this.images.get(id);
  }

  get size(): number { return this.images.size; }
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The text written to the file a save names. */
export function saveStub(image: SaveImage, path: string): string {
  const when = new Date(image.savedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return [
    `# virtlab save image of domain '${image.domain}' (${formatSize(image.bytes.length)}, taken ${when}).`,
    '# The bytes are kept in memory by the page until it is reloaded; restore with:',
    `#   virsh restore ${path}`,
    `save-image: ${image.id}`,
    `domain: ${image.domain}`,
    `bytes: ${image.bytes.length}`,
    '',
  ].join('\n');
}

/** The save stream a stub points at, or why there is none (a message for a person). */
export function readSaveStub(text: string, saves: SaveImages): { ok: true; image: SaveImage } | { ok: false; reason: string } {
  const id = /^save-image: (\S+)$/m.exec(text)?.[1];
  if (id === undefined) return { ok: false, reason: 'not a virtlab save image (no save-image line)' };
  const image = saves.get(id);
  if (!image) return { ok: false, reason: 'the saved state is no longer in memory (save images last until the page is reloaded)' };
  return { ok: true, image };
}
