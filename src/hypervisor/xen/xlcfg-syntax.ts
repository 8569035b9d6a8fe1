/**
 * The syntax of xl.cfg files, as libxl's config reader (libxlu_cfg) accepts it:
 *
 *   # comment
 *   key = "string" | 'string' | 123 | 0x1f | [ value, value, … ]    (lists may span lines)
 *   key += [ … ]                                                     (appends to a list)
 *   a = 1; b = 2                                                     (';' ends a setting too)
 *
 * This file turns text into settings (key, value tree, line, source text); what the keys mean is
 * xlcfg.ts's business. Everything is bounded: the text comes from a person, a file or a lab link.
 */

/** A real xl.cfg is under 2 KiB; 64 Ki characters is the dom0 file system's file limit too. */
export const MAX_CFG_CHARS = 64 * 1024;
/** The longest useful value is a kernel command line: Linux/riscv's COMMAND_LINE_SIZE is 1024. */
export const MAX_STRING_CHARS = 1024;
/** Disks and NICs are a handful; other lists (pci, vnuma) are short too. */
export const MAX_LIST_ITEMS = 32;
/** libxl accepts lists of lists (vnuma); deeper nesting is never needed and bounds recursion. */
export const MAX_LIST_DEPTH = 4;
/** Distinct settings in one file: the whole xl.cfg vocabulary is about 150 keys. */
export const MAX_SETTINGS = 256;

export type XlValue =
  | { readonly kind: 'string'; readonly value: string; readonly line: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly line: number }
  | { readonly kind: 'list'; readonly items: readonly XlValue[]; readonly line: number };

export interface XlSetting {
  readonly key: string;
  readonly value: XlValue;
  /** Line of the key (1-based). */
  readonly line: number;
  /** The value as written (may span lines), or re-rendered when `+=` merged several. */
  readonly source: string;
}

/** A config that cannot be read; the message names the line and the key, e.g. `line 4: memory: …`. */
export class XlCfgError extends Error {
  override name = 'XlCfgError';
  constructor(
    readonly detail: string,
    readonly line?: number,
    readonly key?: string,
  ) {
    super([line !== undefined ? `line ${line}` : '', key ?? '', detail].filter((s) => s !== '').join(': '));
  }
}

type Token =
  | { t: 'ident' | 'word'; text: string; line: number; start: number; end: number }
  | { t: 'string'; value: string; line: number; start: number; end: number }
  | { t: 'number'; value: number; text: string; line: number; start: number; end: number }
  | { t: '=' | '+=' | '[' | ']' | ',' | ';' | 'nl' | 'eof'; line: number; start: number; end: number };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:0[xX][0-9A-Fa-f]+|[0-9]+)(?![A-Za-z0-9_.])/y;
/** Anything else up to a delimiter: reported as "must be quoted" rather than as a bare syntax error. */
const WORD = /[^\s#=,;[\]"']+/y;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };

class Lexer {
  private pos = 0;
  private line = 1;
  /** The key of the setting being read, so lexical errors can name it. */
  key: string | undefined;

  constructor(private readonly text: string) {}

  next(): Token {
    const s = this.text;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '#') while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      else break;
    }
    const start = this.pos;
    const line = this.line;
    if (start >= s.length) return { t: 'eof', line, start, end: start };
    const c = s[start];
    if (c === '\n') {
      this.pos++;
      this.line++;
      return { t: 'nl', line, start, end: this.pos };
    }
    if (c === '+' && s[start + 1] === '=') {
      this.pos += 2;
      return { t: '+=', line, start, end: this.pos };
    }
    if (c === '=' || c === '[' || c === ']' || c === ',' || c === ';') {
      this.pos++;
      return { t: c, line, start, end: this.pos };
    }
    if (c === '"' || c === "'") return this.string(c, line, start);
    for (const [re, t] of [[NUMBER, 'number'], [IDENT, 'ident'], [WORD, 'word']] as const) {
      re.lastIndex = start;
      const m = re.exec(s);
      if (!m) continue;
      this.pos = start + m[0].length;
      if (t === 'number') return { t, value: Number(m[0]), text: m[0], line, start, end: this.pos };
      return { t, text: m[0], line, start, end: this.pos };
    }
    throw new XlCfgError(`unexpected character ${JSON.stringify(c)}`, line, this.key);
  }

  private string(quote: string, line: number, start: number): Token {
    const s = this.text;
    let out = '';
    let i = start + 1;
    for (;;) {
      if (i >= s.length || s[i] === '\n') throw new XlCfgError('unterminated string (a string ends on the line it starts)', line, this.key);
      const c = s[i];
      if (c === quote) break;
      if (c === '\\') {
        const e = s[i + 1];
        if (e === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 2, i + 4))) {
          out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else {
          throw new XlCfgError(`invalid escape "\\${e ?? ''}" in a string`, line, this.key);
        }
      } else {
        out += c;
        i++;
      }
      if (out.length > MAX_STRING_CHARS) throw new XlCfgError(`string longer than ${MAX_STRING_CHARS} characters`, line, this.key);
    }
    this.pos = i + 1;
    return { t: 'string', value: out, line, start, end: this.pos };
  }
}

function describe(tok: Token): string {
  if (tok.t === 'eof') return 'end of file';
  if (tok.t === 'nl') return 'end of line';
  if (tok.t === 'string') return JSON.stringify(tok.value);
  if (tok.t === 'number' || tok.t === 'ident' || tok.t === 'word') return `"${tok.text}"`;
  return `"${tok.t}"`;
}

/** Read the settings of an xl.cfg file, in file order; a repeated key keeps its last value (as libxl). */
export function parseSettings(text: string): XlSetting[] {
  if (text.length > MAX_CFG_CHARS) throw new XlCfgError(`config is ${text.length} characters long; the limit is ${MAX_CFG_CHARS}`);
  const lex = new Lexer(text);
  const settings = new Map<string, XlSetting>();
  let tok = lex.next();
  /** End of the last token taken, so a value's source text stops before any trailing comment. */
  let prevEnd = 0;
  // Read through peek(): the current token changes under advance(), which narrowing cannot see.
  const peek = (): Token => tok;
  const advance = () => { prevEnd = tok.end; tok = lex.next(); };
  const skipNewlines = () => { while (peek().t === 'nl') advance(); };

  const value = (key: string, depth: number): XlValue => {
    const t = peek();
    if (t.t === 'string') { advance(); return { kind: 'string', value: t.value, line: t.line }; }
    if (t.t === 'number') { advance(); return { kind: 'number', value: t.value, text: t.text, line: t.line }; }
    if (t.t === 'ident' || t.t === 'word') throw new XlCfgError(`${t.text} must be quoted ("${t.text}"), or written as a number`, t.line, key);
    if (t.t !== '[') throw new XlCfgError(`expected a value, found ${describe(t)}`, t.line, key);
    if (depth >= MAX_LIST_DEPTH) throw new XlCfgError(`lists nested deeper than ${MAX_LIST_DEPTH}`, t.line, key);
    const line = t.line;
    const items: XlValue[] = [];
    advance();
    skipNewlines();
    while (peek().t !== ']') {
      if (peek().t === 'eof') throw new XlCfgError(`list opened on line ${line} is not closed with "]"`, peek().line, key);
      if (items.length >= MAX_LIST_ITEMS) throw new XlCfgError(`list longer than ${MAX_LIST_ITEMS} items`, peek().line, key);
      items.push(value(key, depth + 1));
      skipNewlines();
      const sep = peek();
      if (sep.t === ',') { advance(); skipNewlines(); continue; }
      if (sep.t !== ']') {
        const why = sep.t === 'eof' ? `list opened on line ${line} is not closed with "]"` : `expected "," or "]" in the list, found ${describe(sep)}`;
        throw new XlCfgError(why, sep.line, key);
      }
    }
    advance();
    return { kind: 'list', items, line };
  };

  for (;;) {
    lex.key = undefined;
    while (peek().t === 'nl' || peek().t === ';') advance();
    const k = peek();
    if (k.t === 'eof') break;
    if (k.t !== 'ident') throw new XlCfgError(`expected a setting name (key = value), found ${describe(k)}`, k.line);
    const key = k.text;
    const line = k.line;
    lex.key = key;
    advance();
    const op = peek();
    if (op.t !== '=' && op.t !== '+=') throw new XlCfgError(`expected "=" after the key, found ${describe(op)}`, op.line, key);
    const append = op.t === '+=';
    advance();
    const start = peek().start;
    const v = value(key, 0);
    const source = text.slice(start, prevEnd);
    const end = peek();
    if (end.t !== 'nl' && end.t !== ';' && end.t !== 'eof') throw new XlCfgError(`unexpected ${describe(end)} after the value`, end.line, key);
    const before = settings.get(key);
    if (append) {
      if (v.kind !== 'list' || (before && before.value.kind !== 'list')) throw new XlCfgError('"+=" appends to a list: both sides must be lists', line, key);
      const items = [...(before?.value.kind === 'list' ? before.value.items : []), ...v.items];
      if (items.length > MAX_LIST_ITEMS) throw new XlCfgError(`list longer than ${MAX_LIST_ITEMS} items`, line, key);
      const merged: XlValue = { kind: 'list', items, line: before?.value.line ?? v.line };
      settings.delete(key);
      settings.set(key, { key, value: merged, line: before?.line ?? line, source: renderValue(merged) });
    } else {
      settings.delete(key); // re-insert: the last assignment decides the position too
      settings.set(key, { key, value: v, line, source });
    }
    if (settings.size > MAX_SETTINGS) throw new XlCfgError(`more than ${MAX_SETTINGS} settings`, line, key);
  }
  return [...settings.values()];
}

/** A string in xl.cfg syntax: double quotes, with the escapes libxl reads back. */
export function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c < ' ' || c === '\x7f') out += '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
    else out += c;
  }
  return out + '"';
}

/** Lists stay on one line while it is short, as in the seed's `disk = [ "…" ]`. */
const ONE_LINE_LIST = 72;

export function renderValue(v: XlValue): string {
  if (v.kind === 'string') return quote(v.value);
  if (v.kind === 'number') return v.text;
  return renderList(v.items.map(renderValue));
}

export function renderList(items: readonly string[]): string {
  if (items.length === 0) return '[ ]';
  const one = `[ ${items.join(', ')} ]`;
  if (one.length <= ONE_LINE_LIST && !one.includes('\n')) return one;
  return `[\n${items.map((i) => `    ${i.replace(/\n/g, '\n    ')},\n`).join('')}]`;
}
