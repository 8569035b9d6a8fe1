/** Reading guest images in Node: files from disk, catalog images from public/images. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCatalog, findImage, verifyImageFile, type GuestImage, type ImageFile } from '../hypervisor/images/catalog.ts';
import { repoRoot } from './paths.ts';

export class FileError extends Error {
  override name = 'FileError';
}

/** Files bigger than this are refused: guest RAM is at most 2 GiB anyway. */
const MAX_FILE_BYTES = 2048 * 1024 * 1024;

export function readInputFile(path: string, what: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new FileError(`${what} ${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`cannot open ${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new FileError(`${what} ${path} is too large (${size} bytes)`);
  return new Uint8Array(readFileSync(path));
}

export const catalogDir = join(repoRoot, 'public', 'images');

export function loadCatalogImage(name: string): GuestImage {
  const text = readFileSync(join(catalogDir, 'index.json'), 'utf8');
  return findImage(parseCatalog(JSON.parse(text)), name);
}

export async function readImageFile(f: ImageFile, what: string): Promise<Uint8Array> {
  const packed = readInputFile(join(catalogDir, f.path), what);
  let data: Uint8Array;
  try {
    data = new Uint8Array(gunzipSync(packed, { maxOutputLength: f.size + 1 }));
  } catch (e) {
    throw new FileError(`${what} ${f.path} is not a valid gzip file or is larger than the catalog says (${(e as Error).message})`);
  }
  await verifyImageFile(f, data, what);
  return data;
}
