/**
 * Line editing for the dom0 terminal, readline-style, as bytes in and ANSI out: no DOM, no xterm
 * dependency. KeyDecoder turns what the terminal sends (xterm's onData strings: printable text,
 * control characters, CSI/SS3 escape sequences, possibly split across chunks) into keys;
 * LineEditor keeps the line and cursor and redraws them, across wrapped rows when the line is
 * wider than the terminal.
 */

export type Key =
  | { readonly k: 'text'; readonly text: string }
  | { readonly k: 'enter' | 'backspace' | 'delete' | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'tab' }
  /** Ctrl with a letter that is not mapped to an editing key: c, d, k, l, u, w. */
  | { readonly k: 'ctrl'; readonly c: string };

const CTRL_KEYS: Readonly<Record<string, Key>> = {
  a: { k: 'home' }, e: { k: 'end' }, b: { k: 'left' }, f: { k: 'right' }, p: { k: 'up' }, n: { k: 'down' }, h: { k: 'backspace' },
};
const CSI_FINAL: Readonly<Record<string, Key['k']>> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };
const TILDE: Readonly<Record<string, Key['k']>> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };
/** Parameters of a CSI sequence are a few digits; anything longer is garbage and is dropped. */
const MAX_CSI = 16;

export class KeyDecoder {
  private state: 'normal' | 'esc' | 'csi' | 'ss3' = 'normal';
  private params = '';
  private lastWasCR = false;

  decode(data: string): Key[] {
    const keys: Key[] = [];
    let text = '';
    const flush = () => { if (text) { keys.push({ k: 'text', text }); text = ''; } };
    const push = (k: Key) => { flush(); keys.push(k); };
    for (const ch of data) {
      const cr = this.lastWasCR;
      this.lastWasCR = false;
      if (this.state === 'esc') {
        if (ch === '[') { this.state = 'csi'; this.params = ''; continue; }
        if (ch === 'O') { this.state = 'ss3'; continue; }
        this.state = 'normal'; // Alt+key: drop the ESC, take the key
      } else if (this.state === 'csi') {
        const c = ch.charCodeAt(0);
        if (c >= 0x20 && c <= 0x3f) {
          this.params += ch;
          if (this.params.length > MAX_CSI) this.state = 'normal';
          continue;
        }
        this.state = 'normal';
        const k = ch === '~' ? TILDE[this.params.split(';')[0]] : CSI_FINAL[ch];
        if (k) push({ k } as Key);
        continue;
      } else if (this.state === 'ss3') {
        this.state = 'normal';
        const k = CSI_FINAL[ch];
        if (k) push({ k } as Key);
        continue;
      }
      if (ch === '\x1b') { flush(); this.state = 'esc'; continue; }
      if (ch === '\r') { push({ k: 'enter' }); this.lastWasCR = true; continue; }
      if (ch === '\n') { if (!cr) push({ k: 'enter' }); continue; }
      if (ch === '\x7f' || ch === '\b') { push({ k: 'backspace' }); continue; }
      if (ch === '\t') { push({ k: 'tab' }); continue; }
      const code = ch.codePointAt(0)!;
      if (code < 0x20) {
        const letter = String.fromCharCode(code + 0x60);
        push(CTRL_KEYS[letter] ?? { k: 'ctrl', c: letter });
        continue;
      }
      if (code >= 0x80 && code < 0xa0) continue; // C1 controls
      text += ch;
    }
    flush();
    return keys;
  }
}

/** The longest line the editor holds; a paste beyond it is cut (bash has no limit, a page should). */
export const MAX_LINE_CHARS = 4096;

export class LineEditor {
  private chars: string[] = [];
  private cursor = 0;
  private prompt = '';
  /** Row of the cursor, counted from the prompt's first row. */
  private cursorRow = 0;

  constructor(
    private readonly write: (s: string) => void,
    public columns = 80,
  ) {}

  get text(): string {
    return this.chars.join('');
  }

  /** Show a prompt and start a new line (with `initial` text, cursor at its end). */
  begin(prompt: string, initial = ''): void {
    this.prompt = prompt;
    this.chars = [...initial].slice(0, MAX_LINE_CHARS);
    this.cursor = this.chars.length;
    this.cursorRow = 0;
    this.write(prompt);
    this.render(false);
  }

  /** Replace the whole line (history). */
  setText(text: string): void {
    this.chars = [...text].slice(0, MAX_LINE_CHARS);
    this.cursor = this.chars.length;
    this.render();
  }

  /** Insert at the cursor; returns false (nothing inserted) when the line is full. */
  insert(text: string): boolean {
    const add = [...text].slice(0, MAX_LINE_CHARS - this.chars.length);
    if (add.length === 0) return false;
    const atEnd = this.cursor === this.chars.length;
    this.chars.splice(this.cursor, 0, ...add);
    this.cursor += add.length;
    const end = this.prompt.length + this.chars.length;
    // Typing at the end of a line that does not reach the right margin needs no redraw.
    if (atEnd && Math.floor((end - add.length) / this.columns) === Math.floor(end / this.columns) && end % this.columns !== 0) {
      this.write(add.join(''));
      this.cursorRow = Math.floor(end / this.columns);
    } else this.render();
    return add.length === [...text].length;
  }

  backspace(): boolean {
    if (this.cursor === 0) return false;
    this.chars.splice(--this.cursor, 1);
    this.render();
    return true;
  }

  deleteForward(): boolean {
    if (this.cursor >= this.chars.length) return false;
    this.chars.splice(this.cursor, 1);
    this.render();
    return true;
  }

  move(to: 'left' | 'right' | 'home' | 'end'): boolean {
    const next = to === 'left' ? this.cursor - 1 : to === 'right' ? this.cursor + 1 : to === 'home' ? 0 : this.chars.length;
    if (next < 0 || next > this.chars.length || next === this.cursor) return false;
    this.cursor = next;
    this.render();
    return true;
  }

  /** Ctrl-U: delete from the start of the line to the cursor. */
  killBackward(): void {
    this.chars.splice(0, this.cursor);
    this.cursor = 0;
    this.render();
  }

  /** Ctrl-K: delete from the cursor to the end. */
  killForward(): void {
    this.chars.length = this.cursor;
    this.render();
  }

  /** Ctrl-W: delete the word before the cursor (and the spaces after it). */
  killWord(): void {
    let i = this.cursor;
    while (i > 0 && this.chars[i - 1] === ' ') i--;
    while (i > 0 && this.chars[i - 1] !== ' ') i--;
    this.chars.splice(i, this.cursor - i);
    this.cursor = i;
    this.render();
  }

  /** Text before the cursor (what Tab completes). */
  beforeCursor(): string {
    return this.chars.slice(0, this.cursor).join('');
  }

  /** Enter: leave the cursor after the line and go to a fresh row; returns the line. */
  finish(): string {
    this.cursor = this.chars.length;
    this.render();
    const end = this.prompt.length + this.chars.length;
    if (!(end > 0 && end % this.columns === 0)) this.write('\r\n'); // else render() already wrapped
    return this.text;
  }

  /** Ctrl-C: show ^C after the line and go to a fresh row, dropping the line. */
  abandon(): void {
    this.cursor = this.chars.length;
    this.render();
    this.write('^C\r\n');
    this.chars = [];
    this.cursor = 0;
  }

  /** Draw prompt and line again from a fresh row (after a completion list, Ctrl-L). */
  reprint(): void {
    this.cursorRow = 0;
    this.write(this.prompt);
    this.render(false);
  }

  /**
   * Redraw prompt and line in place. Positions are counted in characters from the prompt's first
   * column (every character one column wide); when the text ends exactly at the right margin the
   * cursor is moved to the next row explicitly, since terminals hold it at the margin otherwise.
   */
  private render(clear = true): void {
    const cols = Math.max(1, this.columns);
    let s = '';
    if (clear) {
      if (this.cursorRow > 0) s += `\x1b[${this.cursorRow}A`;
      s += `\r\x1b[J${this.prompt}`;
    }
    s += this.text;
    const end = this.prompt.length + this.chars.length;
    if (end > 0 && end % cols === 0) s += '\r\n';
    const endRow = Math.floor(end / cols);
    const target = this.prompt.length + this.cursor;
    const row = Math.floor(target / cols);
    const col = target % cols;
    if (endRow > row) s += `\x1b[${endRow - row}A`;
    if (target !== end || end % cols === 0) s += '\r' + (col > 0 ? `\x1b[${col}C` : '');
    this.cursorRow = row;
    this.write(s);
  }
}
