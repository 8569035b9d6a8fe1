/**
 * The dom0 shell's command language: a small, predictable subset of bash.
 *
 *   words       'single' "double \" \\" back\ slash   # comment
 *   pipelines   cmd | cmd
 *   lists       a ; b     a && b     a || b
 *   redirects   > FILE   >> FILE   < FILE   2> FILE   2>> FILE   2>&1   << DELIM (here-document)
 *
 * No variables, globs or substitutions: `$` and `*` are ordinary characters. A line that ends
 * inside quotes, after a backslash or after `|`, `&&`, `||` is `incomplete` and the shell asks for
 * more, as bash does with its `> ` prompt.
 */

export interface Word {
  readonly text: string;
  /** Any part was quoted or escaped (a quoted here-document delimiter, for instance). */
  readonly quoted: boolean;
}

export type Redirect =
  | { readonly op: '>' | '>>' | '<' | '2>' | '2>>'; readonly target: string }
  | { readonly op: '2>&1' }
  | { readonly op: '<<'; readonly delimiter: string; readonly stripTabs: boolean };

export interface SimpleCommand {
  readonly argv: readonly string[];
  readonly redirects: readonly Redirect[];
}

export interface ListItem {
  readonly pipeline: readonly SimpleCommand[];
  /** How this item depends on the one before (undefined for the first). */
  readonly after?: ';' | '&&' | '||';
}

export type ParsedLine =
  | { readonly kind: 'ok'; readonly items: readonly ListItem[] }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly message: string };

type Token = { t: 'word'; word: Word } | { t: 'op'; op: string };

const OPS = ['2>&1', '2>>', '<<-', '&&', '||', '>>', '<<', '2>', '>', '<', '|', ';', '&'];

/** Split a line into words and operators; undefined when it ends inside quotes or after `\`. */
export function tokenize(line: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    if (c === '#') break;
    const op = OPS.find((o) => line.startsWith(o, i) && (o[0] !== '2' || wordStart(line, i)));
    if (op) { out.push({ t: 'op', op }); i += op.length; continue; }
    let text = '';
    let quoted = false;
    while (i < line.length) {
      const ch = line[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || '|;&<>'.includes(ch)) break;
      if (ch === '\\') {
        if (i + 1 >= line.length) return undefined;
        if (line[i + 1] !== '\n') text += line[i + 1];
        quoted = true;
        i += 2;
      } else if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) return undefined;
        text += line.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else if (ch === '"') {
        i++;
        quoted = true;
        for (;;) {
          if (i >= line.length) return undefined;
          const d = line[i];
          if (d === '"') { i++; break; }
          if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
            if (line[i + 1] !== '\n') text += line[i + 1];
            i += 2;
          } else { text += d; i++; }
        }
      } else { text += ch; i++; }
    }
    out.push({ t: 'word', word: { text, quoted } });
  }
  return out;
}

/** `2>` is a redirect only at the start of a word (`a2>b` is not). */
function wordStart(line: string, i: number): boolean {
  return i === 0 || ' \t\n|;&'.includes(line[i - 1]);
}

export function parseLine(line: string): ParsedLine {
  const toks = tokenize(line);
  if (!toks) return { kind: 'incomplete' };
  const items: ListItem[] = [];
  let pipeline: SimpleCommand[] = [];
  let argv: string[] = [];
  let redirects: Redirect[] = [];
  let after: ListItem['after'];
  const syntax = (near: string): ParsedLine => ({ kind: 'error', message: `syntax error near unexpected token \`${near}'` });
  const endCommand = (): boolean => {
    if (argv.length === 0 && redirects.length === 0) return false;
    pipeline.push({ argv, redirects });
    argv = [];
    redirects = [];
    return true;
  };
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t === 'word') { argv.push(tok.word.text); continue; }
    const op = tok.op;
    if (op === '&') return { kind: 'error', message: 'background jobs (&) are not supported in this shell' };
    if (op === '|' || op === '&&' || op === '||' || op === ';') {
      if (!endCommand()) return syntax(op);
      if (op === '|') continue;
      items.push({ pipeline, ...(after ? { after } : {}) });
      pipeline = [];
      after = op;
      continue;
    }
    if (op === '2>&1') { redirects.push({ op }); continue; }
    const next = toks[k + 1];
    if (!next || next.t !== 'word') return next ? syntax((next as { op: string }).op) : syntax('newline');
    k++;
    if (op === '<<' || op === '<<-') redirects.push({ op: '<<', delimiter: next.word.text, stripTabs: op === '<<-' });
    else redirects.push({ op: op as '>' | '>>' | '<' | '2>' | '2>>', target: next.word.text });
  }
  const ended = endCommand();
  if (!ended) {
    if (pipeline.length > 0 || (after && after !== ';')) return { kind: 'incomplete' }; // `a |`, `a &&`
    if (after === ';') return items.length > 0 ? { kind: 'ok', items } : syntax(';');
    return { kind: 'ok', items }; // empty line or only a comment
  }
  items.push({ pipeline, ...(after ? { after } : {}) });
  return { kind: 'ok', items };
}

/** The here-documents of a parsed line, in the order their bodies follow it. */
export function heredocs(items: readonly ListItem[]): Extract<Redirect, { op: '<<' }>[] {
  return items.flatMap((i) => i.pipeline.flatMap((c) => c.redirects.filter((r): r is Extract<Redirect, { op: '<<' }> => r.op === '<<')));
}

/** A word as the shell would read it back: quoted when it has to be. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./~-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
