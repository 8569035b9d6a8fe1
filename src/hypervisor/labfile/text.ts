/**
 * Quoting hostile input inside messages. A message names what it found in a link, and what it
 * found may be a megabyte of key, a terminal escape or a right-to-left override: messages show
 * such things short, quoted and escaped, so the message itself is always harmless plain text.
 */

/** Longest piece of input quoted in a message. */
const QUOTE_CHARS = 40;
/** Longest message from elsewhere (a JSON or xl.cfg parser) passed on to a person. */
const MESSAGE_CHARS = 300;

/** Invisible or layout-changing characters, shown as \uXXXX in messages. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]/gu;

const escapeUnsafe = (s: string): string =>
  s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Cut to `max` code points, marking the cut. */
function cut(s: string, max: number): string {
  // A code point is 1 or 2 UTF-16 units: past 4 × max units the string is certainly cut, and
  // splitting only that prefix keeps a megabyte key from being split whole.
  const points = Array.from(s.length > max * 4 ? s.slice(0, max * 4) : s);
  return points.length > max ? points.slice(0, max).join('') + '…' : s;
}

/** A string from the input, quoted for a message: `"web"`, `"\u001b[2J…"`. */
export function quoteText(s: string): string {
  return escapeUnsafe(JSON.stringify(cut(s, QUOTE_CHARS)));
}

/** A value from the input, named for a message: `the text "4"`, `a list`, `12.5`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the text ${quoteText(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** Another parser's message, made safe to show: no control or direction characters, bounded. */
export function plainMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return escapeUnsafe(cut(raw, MESSAGE_CHARS));
}

/** `domains[2]` + `host` → `domains[2].host`; odd keys are quoted: `hosts[0]["a b"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${quoteText(key)}]`;
}

/** Length as JSON Schema counts it (code points), so `maxLength` means the same in both. */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** UTF-8 length without encoding: 1–4 bytes per code point (a lone surrogate encodes as 3, U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** The known key a mistyped one most likely meant (`autoStart` → `autostart`), if any is close. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const k = key.toLowerCase();
  let best: string | undefined;
  // Two edits at most, one for short keys: beyond that a suggestion is a guess ("note" is not "name").
  let bestDistance = key.length <= 4 ? 2 : 3;
  for (const candidate of known) {
    const d = editDistance(k, candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
