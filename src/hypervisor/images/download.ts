/**
 * Guest images over HTTP, for the page: the catalog (index.json) and each image's files, fetched
 * with progress, gunzipped with DecompressionStream and checked against the catalog's size and
 * sha256 (catalog.ts) before a VM may boot them. DOM-free: fetch and streams only.
 */
import { parseCatalog, findImage, verifyImageFile, CatalogError, MAX_IMAGE_FILE_BYTES, type Catalog, type GuestImage, type ImageFile } from './catalog.ts';
import type { BootImages } from '../vm.ts';

export interface LoadProgress {
  readonly phase: 'download' | 'verify';
  /** Compressed bytes received so far, over all of the image's files. */
  readonly loaded: number;
  readonly total: number;
}

export interface GuestFiles {
  readonly image: GuestImage;
  readonly boot: BootImages;
}

/** Where the lab gets images from; the page uses HttpImageSource, tests a fake. */
export interface ImageSource {
  catalog(): Promise<Catalog>;
  load(name: string, onProgress?: (p: LoadProgress) => void): Promise<GuestFiles>;
}

/** How an image boots: Linux on the built-in SBI, bare-metal programs in M-mode on their own. */
export function bootImagesFor(image: GuestImage, files: { kernel: Uint8Array; initrd?: Uint8Array }): BootImages {
  return {
    bios: image.kind === 'linux' ? { kind: 'builtin' } : { kind: 'none' },
    kernel: files.kernel,
    initrd: files.initrd,
    append: image.cmdline,
  };
}

const GZIP_MAGIC = [0x1f, 0x8b];

export class HttpImageSource implements ImageSource {
  private catalogPromise: Promise<Catalog> | undefined;
  /** Verified files, kept so a second VM of the same image does not download it again. */
  private readonly loaded = new Map<string, Promise<GuestFiles>>();

  /** `indexUrl`: the catalog, e.g. new URL('images/index.json', document.baseURI). */
  constructor(private readonly indexUrl: string | URL, private readonly fetchFn: typeof fetch = (...a) => fetch(...a)) {}

  catalog(): Promise<Catalog> {
    this.catalogPromise ??= this.fetchCatalog().catch((e) => {
      this.catalogPromise = undefined; // let a later call try again
      throw e;
    });
    return this.catalogPromise;
  }

  /** Download (once) and verify an image's files. Failures are not cached: the next call retries. */
  load(name: string, onProgress?: (p: LoadProgress) => void): Promise<GuestFiles> {
    let p = this.loaded.get(name);
    if (!p) {
      p = this.download(name, onProgress).catch((e) => {
        this.loaded.delete(name);
        throw e;
      });
      this.loaded.set(name, p);
    } else if (onProgress) {
      // Already there (or on its way): report it done when it is.
      void p.then(({ image }) => { const t = totalOf(image); onProgress({ phase: 'verify', loaded: t, total: t }); }, () => {});
    }
    return p;
  }

  private async fetchCatalog(): Promise<Catalog> {
    const res = await this.get(this.indexUrl, 'the image catalog');
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new CatalogError(`the image catalog at ${String(this.indexUrl)} is not valid JSON`);
    }
    return parseCatalog(json);
  }

  private async download(name: string, onProgress?: (p: LoadProgress) => void): Promise<GuestFiles> {
    const image = findImage(await this.catalog(), name);
    const total = totalOf(image);
    let done = 0;
    const fetchFile = async (f: ImageFile, what: string): Promise<Uint8Array> => {
      // Progress counts compressed bytes; `share` is the part of this file received so far.
      const packed = await this.fetchBytes(f, what, (share) => onProgress?.({ phase: 'download', loaded: Math.min(total, done + Math.round(share * f.compressedSize)), total }));
      done += f.compressedSize;
      onProgress?.({ phase: 'verify', loaded: Math.min(total, done), total });
      const data = await gunzip(packed, f.size, what);
      await verifyImageFile(f, data, what);
      return data;
    };
    const kernel = await fetchFile(image.files.kernel, `${name} kernel`);
    const initrd = image.files.initrd ? await fetchFile(image.files.initrd, `${name} initrd`) : undefined;
    return { image, boot: bootImagesFor(image, { kernel, initrd }) };
  }

  private async get(url: string | URL, what: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(url);
    } catch (e) {
      throw new CatalogError(`could not fetch ${what} (${String(url)}): ${(e as Error).message}`);
    }
    if (!res.ok) throw new CatalogError(`could not fetch ${what} (${String(url)}): HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
    return res;
  }

  /**
   * The file's bytes as sent, reporting the share received for the progress bar; capped against a
   * runaway server. Servers that add `Content-Encoding: gzip` to .gz files (vite preview does) hand
   * over the decompressed bytes: the share is then measured against the decompressed size.
   */
  private async fetchBytes(f: ImageFile, what: string, progress: (share: number) => void): Promise<Uint8Array> {
    const url = new URL(f.path, this.indexUrl);
    const res = await this.get(url, what);
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const chunks: Uint8Array[] = [];
    let n = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > MAX_IMAGE_FILE_BYTES) {
        await reader.cancel();
        throw new CatalogError(`${what}: the server sent more than ${MAX_IMAGE_FILE_BYTES} bytes`);
      }
      chunks.push(value);
      const expected = chunks[0][0] === GZIP_MAGIC[0] && chunks[0][1] === GZIP_MAGIC[1] ? f.compressedSize : f.size;
      progress(Math.min(1, n / expected));
    }
    return concat(chunks, n);
  }
}

function totalOf(image: GuestImage): number {
  return image.files.kernel.compressedSize + (image.files.initrd?.compressedSize ?? 0);
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/**
 * Decompress a .gz file, refusing more than `size` bytes of output (a gzip bomb stops there).
 * A server that sent the file with `Content-Encoding: gzip` has already decompressed it: then the
 * magic is missing and the bytes are used as they are (the sha256 check still applies).
 */
export async function gunzip(packed: Uint8Array, size: number, what: string): Promise<Uint8Array> {
  if (packed[0] !== GZIP_MAGIC[0] || packed[1] !== GZIP_MAGIC[1]) return packed;
  const stream = new Blob([packed as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > size) {
        await reader.cancel();
        throw new CatalogError(`${what}: decompresses to more than the ${size} bytes the catalog says`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof CatalogError) throw e;
    throw new CatalogError(`${what} is not a valid gzip file (${(e as Error).message})`);
  }
  return concat(chunks, n);
}
