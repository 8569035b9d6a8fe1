import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { HttpImageSource, gunzip, type LoadProgress } from '../../../src/hypervisor/images/download.ts';
import { repo } from '../../helpers/run-guest.ts';

const BASE = 'http://lab.test/images/index.json';

/** fetch over public/images, counting requests; `tamper` changes a file's bytes on the way. */
function serveCatalog(tamper?: (path: string, bytes: Uint8Array) => Uint8Array) {
  const requests: string[] = [];
  const fetchFn = (async (input: string | URL) => {
    const url = new URL(String(input));
    requests.push(url.pathname);
    const path = url.pathname.replace(/^\/images\//, '');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(join(repo, 'public', 'images', path)));
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
    if (tamper) bytes = tamper(path, bytes);
    return new Response(bytes as Uint8Array<ArrayBuffer>);
  }) as typeof fetch;
  return { source: new HttpImageSource(BASE, fetchFn), requests };
}

describe('HttpImageSource', () => {
  it('downloads, verifies and caches an image, reporting progress', async () => {
    const { source, requests } = serveCatalog();
    const progress: LoadProgress[] = [];
    const files = await source.load('counter', (p) => progress.push(p));
    expect(files.image.name).toBe('counter');
    expect(files.boot.bios).toEqual({ kind: 'none' });
    expect(files.boot.kernel.length).toBe(files.image.files.kernel.size);
    expect(progress.at(-1)).toMatchObject({ phase: 'verify', loaded: files.image.files.kernel.compressedSize, total: files.image.files.kernel.compressedSize });
    await source.load('counter');
    expect(requests.filter((r) => r.endsWith('.gz')).length).toBe(1);
  });

  it('boots Linux images on the built-in SBI with the catalog command line', async () => {
    const { source } = serveCatalog();
    const files = await source.load('linux');
    expect(files.boot.bios).toEqual({ kind: 'builtin' });
    expect(files.boot.initrd?.length).toBe(files.image.files.initrd?.size);
    expect(files.boot.append).toBe(files.image.cmdline);
  });

  it('rejects a file whose sha256 does not match, and retries next time', async () => {
    let corrupt = true;
    const { source } = serveCatalog((path, bytes) => {
      if (!corrupt || !path.endsWith('.gz')) return bytes;
      const raw = new Uint8Array(gunzipSync(bytes));
      raw[100] ^= 1;
      return new Uint8Array(gzipSync(raw));
    });
    await expect(source.load('counter')).rejects.toThrow(/sha256 [0-9a-f]{64} does not match the catalog/);
    corrupt = false;
    await expect(source.load('counter')).resolves.toBeTruthy();
  });

  it('says which file is missing', async () => {
    const { source } = serveCatalog((path, bytes) => (path.endsWith('.gz') ? new Uint8Array(0) : bytes));
    await expect(source.load('counter')).rejects.toThrow(/counter kernel/);
    await expect(source.load('nope')).rejects.toThrow('no image named "nope"');
  });

  it('reports an unreachable catalog', async () => {
    const source = new HttpImageSource(BASE, (async () => new Response('', { status: 404, statusText: 'Not Found' })) as typeof fetch);
    await expect(source.catalog()).rejects.toThrow('could not fetch the image catalog (http://lab.test/images/index.json): HTTP 404 Not Found');
  });
});

describe('gunzip', () => {
  it('stops at the size the catalog allows', async () => {
    const packed = new Uint8Array(gzipSync(new Uint8Array(10_000)));
    await expect(gunzip(packed, 100, 'bomb')).rejects.toThrow('bomb: decompresses to more than the 100 bytes the catalog says');
    expect((await gunzip(packed, 10_000, 'ok')).length).toBe(10_000);
  });

  it('takes bytes a server already decompressed as they are', async () => {
    const plain = new TextEncoder().encode('\x7fELF...');
    expect(await gunzip(plain, 100, 'x')).toBe(plain);
  });
});
