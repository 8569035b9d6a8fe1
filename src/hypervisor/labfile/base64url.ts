/**
 * base64url (RFC 4648 §5): the alphabet of lab links, safe in a URL fragment as it is. Written
 * out rather than through atob/btoa so that decoding is strict and says exactly what is wrong:
 * atob skips whitespace and knows only the "+/" alphabet.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Why a text is not base64url, for a person: `character 12 is "%"…`. */
export class Base64Error extends Error {
  override name = 'Base64Error';
}

/** Unpadded, as links carry it. */
export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Decode base64url, with or without its "=" padding; anything else is a Base64Error. */
export function base64urlDecode(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  const padding = text.length - end;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || VALUES[c] < 0) {
      const shown = c === 0x3d ? '"="' : c > 0x20 && c < 0x7f ? `"${text[i]}"` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      const why = c === 0x3d ? ' (padding belongs only at the end)' : c === 0x2b || c === 0x2f ? ' (that is base64, not the base64url of links)' : '';
      throw new Base64Error(`character ${i + 1} is ${shown}, which a lab link never holds${why}; links are letters, digits, "-" and "_"`);
    }
  }
  // Four characters carry three bytes; a lone last character carries less than one byte.
  if (end % 4 === 1) throw new Base64Error(`its length (${end} characters) cannot be base64: a character is missing or extra`);
  if (padding > 0 && (padding > 2 || (end + padding) % 4 !== 0)) {
    throw new Base64Error(`its "=" padding is wrong (${padding} after ${end} characters)`);
  }
  const out = new Uint8Array(Math.floor((end * 6) / 8));
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const n = (VALUES[text.charCodeAt(i)] << 18) | (VALUES[text.charCodeAt(i + 1)] << 12) | (VALUES[text.charCodeAt(i + 2)] << 6) | VALUES[text.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (end - i >= 2) {
    const n = (VALUES[text.charCodeAt(i)] << 18) | (VALUES[text.charCodeAt(i + 1)] << 12) | (end - i === 3 ? VALUES[text.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = n >> 16;
    if (end - i === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}
