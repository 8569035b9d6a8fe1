/**
 * The guest image catalog (public/images/index.json, DESIGN.md §8): parsed and checked here, used
 * by the CLI (files + zlib) and the page (fetch + DecompressionStream) alike.
 */

export interface ImageFile {
  /** Path relative to the catalog's folder, of the gzip-compressed file. */
  readonly path: string;
  /** sha256 of the decompressed content, lowercase hex. */
  readonly sha256: string;
  /** Decompressed size in bytes. */
  readonly size: number;
  readonly compressedSize: number;
}

export interface GuestImage {
  readonly name: string;
  readonly description: string;
  readonly kind: 'linux' | 'baremetal';
  readonly memoryMiB: number;
  readonly cmdline: string;
  readonly files: { readonly kernel: ImageFile; readonly initrd?: ImageFile; readonly disk?: ImageFile };
}

export interface Catalog {
  readonly version: 1;
  readonly images: readonly GuestImage[];
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/** Images larger than this are refused before download: the lab's own are a few MiB. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

function file(v: unknown, where: string): ImageFile {
  if (typeof v !== 'object' || v === null) throw new CatalogError(`${where}: not an object`);
  const f = v as Record<string, unknown>;
  if (typeof f.path !== 'string' || f.path.includes('..') || f.path.startsWith('/')) throw new CatalogError(`${where}.path must be a relative path inside the catalog`);
  if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new CatalogError(`${where}.sha256 must be 64 hex digits`);
  for (const k of ['size', 'compressedSize'] as const) {
    const n = f[k];
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > MAX_IMAGE_FILE_BYTES) throw new CatalogError(`${where}.${k} must be a size up to ${MAX_IMAGE_FILE_BYTES} bytes`);
  }
  return { path: f.path, sha256: f.sha256, size: f.size as number, compressedSize: f.compressedSize as number };
}

export function parseCatalog(json: unknown): Catalog {
  if (typeof json !== 'object' || json === null) throw new CatalogError('image catalog is not a JSON object');
  const c = json as Record<string, unknown>;
  if (c.version !== 1) throw new CatalogError(`image catalog version ${String(c.version)} is not supported (expected 1)`);
  if (!Array.isArray(c.images)) throw new CatalogError('image catalog has no "images" list');
  const images = c.images.map((v, i): GuestImage => {
    const where = `images[${i}]`;
    if (typeof v !== 'object' || v === null) throw new CatalogError(`${where}: not an object`);
    const im = v as Record<string, unknown>;
    if (typeof im.name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(im.name)) throw new CatalogError(`${where}.name is not a valid image name`);
    if (im.kind !== 'linux' && im.kind !== 'baremetal') throw new CatalogError(`${where}.kind must be "linux" or "baremetal"`);
    const files = im.files as Record<string, unknown> | undefined;
    if (typeof files !== 'object' || files === null || !files.kernel) throw new CatalogError(`${where}.files.kernel is missing`);
    return {
      name: im.name,
      description: typeof im.description === 'string' ? im.description : '',
      kind: im.kind,
      memoryMiB: typeof im.memoryMiB === 'number' ? im.memoryMiB : 128,
      cmdline: typeof im.cmdline === 'string' ? im.cmdline : '',
      files: {
        kernel: file(files.kernel, `${where}.files.kernel`),
        ...(files.initrd ? { initrd: file(files.initrd, `${where}.files.initrd`) } : {}),
        ...(files.disk ? { disk: file(files.disk, `${where}.files.disk`) } : {}),
      },
    };
  });
  return { version: 1, images };
}

export function findImage(catalog: Catalog, name: string): GuestImage {
  const im = catalog.images.find((i) => i.name === name);
  if (!im) throw new CatalogError(`no image named "${name}" (available: ${catalog.images.map((i) => i.name).join(', ') || 'none'})`);
  return im;
}

export function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Check a decompressed file against the catalog (size and sha256 via WebCrypto). */
export async function verifyImageFile(f: ImageFile, data: Uint8Array, what: string): Promise<void> {
  if (data.length !== f.size) throw new CatalogError(`${what}: ${data.length} bytes after decompression, the catalog says ${f.size}`);
  const digest = hex(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  if (digest !== f.sha256) throw new CatalogError(`${what}: sha256 ${digest} does not match the catalog (${f.sha256})`);
}
