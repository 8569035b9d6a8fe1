/**
 * Lab links: `#lab=` + base64url(deflate-raw(Labfile JSON)) in the URL fragment (DESIGN.md §7).
 * The fragment never reaches a server, so the link is the lab and nothing else is needed.
 *
 * Decoding treats the link as hostile and checks in the order that costs least first: its length,
 * its alphabet, the decompressed size (capped while streaming), UTF-8, JSON, then the Labfile
 * rules. Every failure is one LabLinkError whose message a person can act on; decoding has no
 * side effects, so a refused link leaves the current lab exactly as it was.
 */
import { Base64Error, base64urlDecode, base64urlEncode } from './base64url.ts';
import { deflateRaw, inflateRaw, InflateError } from './deflate.ts';
import { LABFILE_VERSION, MAX_LABFILE_BYTES, type Labfile } from './format.ts';
import { LabfileError, readLabfile, writeLabfile, type CheckedLabfile, type ReadOptions } from './read.ts';
import { plainMessage } from './text.ts';

export const LAB_LINK_PREFIX = '#lab=';
/**
 * Characters after `#lab=`. The fragment never goes to a server (whose limits are ~8 KiB), and
 * browsers take URLs far longer than this; 64 Ki characters carry ~48 KiB of deflate, which is a
 * lab of a few hundred KiB of JSON. A larger lab is shared as a Labfile.
 */
export const MAX_LINK_CHARS = 64 * 1024;

export type LabLinkProblem =
  /** No `#lab=` in it: the page should not have called decodeLabLink. */
  | 'not-a-lab-link'
  /** Over MAX_LINK_CHARS. */
  | 'too-long'
  /** Not base64url, not DEFLATE, cut short, not UTF-8 or not JSON. */
  | 'damaged'
  /** Decompresses past MAX_LABFILE_BYTES (a decompression bomb, or a lab too large). */
  | 'too-large'
  /** A Labfile version this virtlab does not read yet: updating virtlab is the fix. */
  | 'newer-version'
  /** A Labfile that breaks a rule (the message names the place). */
  | 'invalid';

export class LabLinkError extends Error {
  override name = 'LabLinkError';
  constructor(
    readonly problem: LabLinkProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The part after `lab=` of a fragment (`#lab=…`, `lab=…`) or of a whole URL; undefined if none. */
function payloadOf(link: string): string | undefined {
  const hash = link.indexOf('#');
  const fragment = hash >= 0 ? link.slice(hash + 1) : link;
  return fragment.startsWith('lab=') ? fragment.slice(4) : undefined;
}

/** Does this fragment (location.hash) or URL carry a lab? */
export function isLabLink(link: string): boolean {
  return payloadOf(link) !== undefined;
}

/**
 * The lab as a link fragment, `#lab=…`; the page appends it to its own address. Throws
 * LabfileError if the lab itself breaks a rule, LabLinkError 'too-long' if it does not fit in a
 * link (then it is shared as a file).
 */
export async function encodeLabLink(labfile: Labfile, options: ReadOptions = {}): Promise<string> {
  const json = writeLabfile(labfile, { ...options, compact: true });
  const payload = base64urlEncode(await deflateRaw(new TextEncoder().encode(json)));
  if (payload.length > MAX_LINK_CHARS) {
    throw new LabLinkError('too-long', `This lab is too large for a link (${payload.length} characters; a link holds ${MAX_LINK_CHARS}): export it as a Labfile instead`);
  }
  return LAB_LINK_PREFIX + payload;
}

const damaged = (detail: string, cause?: unknown) => new LabLinkError('damaged', `This lab link is damaged: ${detail}`, { cause });

/**
 * Read a lab link: location.hash, or a whole URL. Resolves to the checked Labfile (with its
 * warnings) or rejects with one LabLinkError; nothing is applied either way.
 */
export async function decodeLabLink(link: string, options: ReadOptions = {}): Promise<CheckedLabfile> {
  const payload = payloadOf(link);
  if (payload === undefined) throw new LabLinkError('not-a-lab-link', 'This is not a lab link: a lab link ends in #lab= followed by the lab');
  if (payload.length > MAX_LINK_CHARS) {
    throw new LabLinkError('too-long', `This lab link is too long: ${payload.length} characters after #lab=, and a lab link has at most ${MAX_LINK_CHARS}. It was not opened.`);
  }
  if (payload === '') throw damaged('nothing follows #lab=; was the link cut short when it was copied?');

  let packed: Uint8Array;
  try {
    packed = base64urlDecode(payload);
  } catch (e) {
    if (!(e instanceof Base64Error)) throw e;
    throw damaged(e.message, e);
  }

  let bytes: Uint8Array;
  try {
    bytes = await inflateRaw(packed, MAX_LABFILE_BYTES);
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    if (e.problem === 'too-large') {
      throw new LabLinkError('too-large', `This lab link was not opened: it unpacks to more than ${MAX_LABFILE_BYTES / 1024} KiB, more than any lab needs`, { cause: e });
    }
    throw damaged(`its data is incomplete or corrupt; was the link cut short when it was copied? (${plainMessage(e.message)})`, e);
  }

  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw damaged('it does not unpack to text (not UTF-8)', e);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw damaged(`it does not unpack to a Labfile (not valid JSON: ${plainMessage(e)})`, e);
  }

  try {
    return readLabfile(value, options);
  } catch (e) {
    if (!(e instanceof LabfileError)) throw e;
    if (e.problem === 'newer-version') {
      const version = (value as { labfile: number }).labfile;
      throw new LabLinkError('newer-version', `This lab link was made by a newer virtlab (Labfile version ${version}; this virtlab reads version ${LABFILE_VERSION}). Reload the page to update virtlab, then open the link again.`, { cause: e });
    }
    throw new LabLinkError('invalid', `This lab link is not a valid lab: ${e.message}`, { cause: e });
  }
}
