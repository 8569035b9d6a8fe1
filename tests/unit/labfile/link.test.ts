import { afterEach, describe, expect, it, vi } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { decodeLabLink, encodeLabLink, isLabLink, LabLinkError, MAX_LINK_CHARS, type LabLinkProblem } from '../../../src/hypervisor/labfile/link.ts';
import { base64urlDecode, base64urlEncode } from '../../../src/hypervisor/labfile/base64url.ts';
import { deflateRaw, inflateRaw, InflateError } from '../../../src/hypervisor/labfile/deflate.ts';
import { MAX_LABFILE_BYTES, type Labfile } from '../../../src/hypervisor/labfile/format.ts';
import { readLabfile } from '../../../src/hypervisor/labfile/read.ts';
import { sampleLab } from './fixtures.ts';

const sample = (): Labfile => readLabfile(sampleLab()).labfile;

/** A link holding exactly these bytes, deflated by zlib (an independent encoder). */
const linkOf = (bytes: Uint8Array | string) => '#lab=' + base64urlEncode(deflateRawSync(typeof bytes === 'string' ? Buffer.from(bytes) : bytes));

/** The LabLinkError decoding `link` rejects with (the test fails if it opens). */
async function refusal(link: string): Promise<LabLinkError> {
  try {
    await decodeLabLink(link);
  } catch (e) {
    expect(e).toBeInstanceOf(LabLinkError);
    return e as LabLinkError;
  }
  throw new Error('the link was opened');
}

async function expectRefused(link: string, problem: LabLinkProblem, message: string | RegExp): Promise<void> {
  const e = await refusal(link);
  expect(e.problem).toBe(problem);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('lab links: round trips', () => {
  it('encodes a lab as #lab= and base64url, and decodes the same lab', async () => {
    const lab = sample();
    const link = await encodeLabLink(lab);
    expect(link).toMatch(/^#lab=[A-Za-z0-9_-]+$/);
    expect(isLabLink(link)).toBe(true);
    const back = await decodeLabLink(link);
    expect(back.labfile).toEqual(lab);
    expect(back.warnings).toEqual([]);
    expect(back.configs.map((c) => c.memoryMiB)).toEqual([128, 256, 16]);
  });

  it('keeps unicode titles and descriptions exactly, in an ASCII link', async () => {
    const lab = { ...sample(), title: 'Лаборатория 🧪 実験 — مختبر', description: 'Ünïcödé ✓\n\tand 𝕞𝕒𝕥𝕙 \u05e9\u05dc\u05d5\u05dd' };
    const link = await encodeLabLink(lab);
    expect(link).toMatch(/^[\x21-\x7e]+$/);
    expect((await decodeLabLink(link)).labfile).toEqual(lab);
  });

  it('compresses: the sample lab is a short link', async () => {
    const lab = { ...sample(), description: 'The same sentence again. '.repeat(80) };
    const link = await encodeLabLink(lab);
    expect(link.length).toBeLessThan(JSON.stringify(lab).length / 2);
  });

  it('opens a whole URL, a fragment with or without "#", and padded base64url', async () => {
    const link = await encodeLabLink(sample());
    const payload = link.slice('#lab='.length);
    for (const form of [`https://lab.example/virtlab/?x=1#lab=${payload}`, `lab=${payload}`, `#lab=${payload}${'='.repeat((4 - (payload.length % 4)) % 4)}`]) {
      expect((await decodeLabLink(form)).labfile.title).toBe('Two hosts, three guests');
    }
    expect(isLabLink('#lab=')).toBe(true);
    expect(isLabLink('#about')).toBe(false);
    expect(isLabLink('https://lab.example/')).toBe(false);
  });

  it('passes warnings about unknown keys through to the page', async () => {
    const doc = sampleLab();
    doc.domains[0].autoStart = false;
    const { warnings } = await decodeLabLink(linkOf(JSON.stringify(doc)));
    expect(warnings.map((w) => w.message)).toEqual(['domains[0].autoStart: not part of a domain, ignored (did you mean "autostart"?)']);
  });

  it('refuses to make a link of a lab that breaks a rule, or that a link cannot hold', async () => {
    await expect(encodeLabLink({ ...sample(), title: '\u001b[2J' })).rejects.toThrow(/^title: has the control character U\+001B/);
    // Random text does not compress: 2 × 50 KiB of it is more than a link holds.
    const noise = (n: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(n)));
    const files = [{ path: '/root/a', content: noise(37_000) }, { path: '/root/b', content: noise(37_000) }];
    const e = await encodeLabLink({ ...sample(), files }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LabLinkError);
    expect((e as LabLinkError).problem).toBe('too-long');
    expect((e as LabLinkError).message).toMatch(/^This lab is too large for a link \(\d+ characters; a link holds 65536\): export it as a Labfile instead$/);
  });
});

describe('lab links: hostile and broken links', () => {
  it('is not a lab link without #lab=', async () => {
    await expectRefused('#about', 'not-a-lab-link', 'This is not a lab link: a lab link ends in #lab= followed by the lab');
  });

  it('refuses an oversized link before reading it', async () => {
    const huge = '#lab=' + '%'.repeat(MAX_LINK_CHARS + 1);
    await expectRefused(huge, 'too-long', `This lab link is too long: ${MAX_LINK_CHARS + 1} characters after #lab=, and a lab link has at most 65536. It was not opened.`);
    await expectRefused('#lab=' + 'A'.repeat(10_000_000), 'too-long', /^This lab link is too long: 10000000 characters/);
  });

  it('refuses an empty link', async () => {
    await expectRefused('#lab=', 'damaged', 'This lab link is damaged: nothing follows #lab=; was the link cut short when it was copied?');
  });

  it('names the first character that is not base64url', async () => {
    const good = (await encodeLabLink(sample())).slice(5);
    const at = (i: number, c: string) => '#lab=' + good.slice(0, i) + c + good.slice(i + 1);
    await expectRefused(at(10, '%'), 'damaged', 'This lab link is damaged: character 11 is "%", which a lab link never holds; links are letters, digits, "-" and "_"');
    await expectRefused(at(3, '+'), 'damaged', /character 4 is "\+", which a lab link never holds \(that is base64, not the base64url of links\)/);
    await expectRefused(at(0, '/'), 'damaged', /character 1 is "\/".*base64, not the base64url/);
    await expectRefused(at(7, ' '), 'damaged', /character 8 is U\+0020/);
    await expectRefused(at(7, '\u202e'), 'damaged', /character 8 is U\+202E/);
    await expectRefused(at(5, '='), 'damaged', /character 6 is "=", which a lab link never holds \(padding belongs only at the end\)/);
    await expectRefused(at(2, 'é'), 'damaged', /character 3 is U\+00E9/);
  });

  it('refuses bad padding and impossible lengths', async () => {
    await expectRefused('#lab=AAAAA', 'damaged', 'This lab link is damaged: its length (5 characters) cannot be base64: a character is missing or extra');
    await expectRefused('#lab=AAAAAA=', 'damaged', 'This lab link is damaged: its "=" padding is wrong (1 after 6 characters)');
    await expectRefused('#lab=AAAA===', 'damaged', /its "=" padding is wrong \(3 after 4 characters\)/);
    await expectRefused('#lab=AA===', 'damaged', /padding is wrong/);
  });

  it('refuses a truncated link, at any length', async () => {
    const lab = { ...sample(), description: 'Some words to make the stream longer. '.repeat(10) };
    const link = await encodeLabLink(lab);
    const cuts = [link.length - 1, link.length - 4, link.length - 40, Math.floor(link.length / 2), 9];
    for (const cut of cuts) {
      const e = await refusal(link.slice(0, cut));
      expect(e.problem, `cut at ${cut}`).toBe('damaged');
      expect(e.message, `cut at ${cut}`).toMatch(/^This lab link is damaged: (its data is incomplete or corrupt; was the link cut short when it was copied\?|its length)/);
    }
  });

  it('refuses data that is not deflate, not UTF-8 or not JSON', async () => {
    await expectRefused('#lab=' + base64urlEncode(new Uint8Array([0xff, 0xff, 0xff, 1, 2, 3])), 'damaged', /^This lab link is damaged: its data is incomplete or corrupt/);
    await expectRefused(linkOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'damaged', 'This lab link is damaged: it does not unpack to text (not UTF-8)');
    await expectRefused(linkOf('{"labfile": 1, "title": '), 'damaged', /^This lab link is damaged: it does not unpack to a Labfile \(not valid JSON: .+\)$/);
    await expectRefused(linkOf('<script>alert(1)</script>'), 'damaged', /not valid JSON/);
  });

  it('refuses a lab that breaks a rule, naming the place', async () => {
    const doc = sampleLab();
    doc.domains[2].host = 'host9';
    await expectRefused(linkOf(JSON.stringify(doc)), 'invalid', `This lab link is not a valid lab: domains[2].host: "host9" is not one of the lab's hosts (host1, host2)`);
    await expectRefused(linkOf('[]'), 'invalid', 'This lab link is not a valid lab: this is not a Labfile: a Labfile is a JSON object { "labfile": 1, … }, not a list');
  });

  it('says a link from a newer virtlab is from a newer virtlab, and refuses versions that never were', async () => {
    await expectRefused(linkOf(JSON.stringify({ ...sampleLab(), labfile: 3, newSection: {} })), 'newer-version',
      'This lab link was made by a newer virtlab (Labfile version 3; this virtlab reads version 1). Reload the page to update virtlab, then open the link again.');
    await expectRefused(linkOf(JSON.stringify({ ...sampleLab(), labfile: 0 })), 'invalid', 'This lab link is not a valid lab: labfile: there is no Labfile version 0: versions start at 1');
  });

  it('only ever fails with a LabLinkError, whatever is changed in a link', async () => {
    const link = await encodeLabLink(sample());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let seed = 12345;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let round = 0; round < 200; round++) {
      const chars = [...link.slice(5)];
      for (let k = 0, n = 1 + random(4); k < n; k++) chars[random(chars.length)] = alphabet[random(64)];
      try {
        await decodeLabLink('#lab=' + chars.join(''));
      } catch (e) {
        expect(e).toBeInstanceOf(LabLinkError);
      }
    }
  });
});

describe('lab links: decompression bombs', () => {
  /** 32 MiB of zeros: about 32 KiB of deflate, so the link passes the length cap. */
  const BOMB_BYTES = 32 * 1024 * 1024;
  const bomb = deflateRawSync(Buffer.alloc(BOMB_BYTES), { level: 9 });

  it('stops inflating at the cap, after reading little more than the cap', async () => {
    const link = '#lab=' + base64urlEncode(bomb);
    expect(link.length).toBeLessThan(MAX_LINK_CHARS);

    // Count what the decompressor really hands out, through the page's own DecompressionStream.
    let produced = 0;
    const Real = globalThis.DecompressionStream;
    class CountingDecompressionStream {
      readonly writable: WritableStream<BufferSource>;
      readonly readable: ReadableStream<Uint8Array>;
      constructor(format: CompressionFormat) {
        const inner = new Real(format);
        this.writable = inner.writable;
        this.readable = inner.readable.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            produced += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }));
      }
    }
    vi.stubGlobal('DecompressionStream', CountingDecompressionStream);

    const started = performance.now();
    const e = await refusal(link);
    const ms = performance.now() - started;
    expect(e.problem).toBe('too-large');
    expect(e.message).toBe('This lab link was not opened: it unpacks to more than 1024 KiB, more than any lab needs');
    expect(produced).toBeGreaterThan(MAX_LABFILE_BYTES);
    expect(produced).toBeLessThan(MAX_LABFILE_BYTES + 128 * 1024); // the cap plus a few 16 KiB chunks in flight, not 32 MiB
    expect(ms).toBeLessThan(1000);
  });

  it('reports how far it read: the cap plus at most one chunk', async () => {
    const e = await inflateRaw(bomb, MAX_LABFILE_BYTES).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InflateError);
    expect((e as InflateError).problem).toBe('too-large');
    expect((e as InflateError).produced).toBeGreaterThan(MAX_LABFILE_BYTES);
    expect((e as InflateError).produced).toBeLessThanOrEqual(MAX_LABFILE_BYTES + 64 * 1024);
  });

  it('caps a valid Labfile padded with whitespace the same way', async () => {
    const padded = JSON.stringify(sampleLab()).replace('{', '{' + ' '.repeat(4 * 1024 * 1024));
    await expectRefused(linkOf(padded), 'too-large', /unpacks to more than 1024 KiB/);
  });

  it('inflates exactly up to the cap, and not one byte more', async () => {
    const data = new Uint8Array(100_000).map((_, i) => i * 7);
    const packed = await deflateRaw(data);
    expect(await inflateRaw(packed, 100_000)).toEqual(data);
    await expect(inflateRaw(packed, 99_999)).rejects.toMatchObject({ problem: 'too-large' });
  });
});

describe('base64url', () => {
  it('round-trips every length and byte value, matching Node', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 97 + n * 13) & 255);
      const text = base64urlEncode(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64urlDecode(text)).toEqual(bytes);
    }
    const all = new Uint8Array(256).map((_, i) => i);
    expect(base64urlDecode(base64urlEncode(all))).toEqual(all);
  });
});
