/**
 * Tab completion: find the word under the cursor and the command it belongs to, and ask that
 * command for candidates (subcommands, options, domain names, paths). The first word completes to
 * command names; a word after a redirection (`>`, `<`) to paths.
 */
import { completePath, matching, type Command, type ShellEnv } from './command.ts';

export interface Completion {
  /** The word being completed, as its text (quotes and escapes removed). */
  readonly partial: string;
  readonly candidates: readonly string[];
}

/** Words of the simple command the cursor is in; the last is the (possibly empty) partial word. */
function currentCommand(before: string): { words: string[]; afterRedirect: boolean } {
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  /** A redirection operator was seen: the next word is its target, not an argument. */
  let redirect = false;
  const endWord = () => {
    if (!inWord) return;
    if (redirect) redirect = false;
    else words.push(cur);
    cur = '';
    inWord = false;
  };
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < before.length) cur += before[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') { quote = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < before.length) { cur += before[++i]; inWord = true; continue; }
    if (c === ' ' || c === '\t') { endWord(); continue; }
    if ('|;&'.includes(c)) { endWord(); words = []; redirect = false; continue; }
    if (c === '<' || c === '>') { endWord(); redirect = true; continue; }
    cur += c;
    inWord = true;
  }
  return redirect ? { words: [cur], afterRedirect: true } : { words: [...words, cur], afterRedirect: false };
}

export function complete(before: string, env: ShellEnv, commands: readonly Command[]): Completion {
  const { words, afterRedirect } = currentCommand(before);
  const partial = words[words.length - 1];
  if (afterRedirect) return { partial, candidates: completePath(env, partial) };
  if (words.length === 1) {
    // A path-like first word (./x, /bin/x) is not a command name here: complete it as a path.
    if (partial.includes('/')) return { partial, candidates: completePath(env, partial) };
    return { partial, candidates: matching(commands.map((c) => c.name), partial) };
  }
  const cmd = commands.find((c) => c.name === words[0]);
  const candidates = cmd?.complete ? cmd.complete(words.slice(1), env) : completePath(env, partial);
  return { partial, candidates: candidates.filter((c) => c.startsWith(partial)) };
}

/** The longest prefix all candidates share. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0];
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Escape what the shell would split or interpret, for inserting completed text. */
export function escapeForShell(s: string): string {
  return s.replace(/([\s'"\\|;&<>#])/g, '\\$1');
}

/** Candidates laid out in columns across the terminal, as bash lists them. */
export function columns(items: readonly string[], width: number): string {
  const w = Math.max(...items.map((i) => i.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / w));
  const rows = Math.ceil(items.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item !== undefined) line += item.padEnd(w);
    }
    out += line.trimEnd() + '\n';
  }
  return out;
}
