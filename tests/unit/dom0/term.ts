/**
 * Just enough of a VT100 to check what a person would see: printable text with xterm's deferred
 * wrap at the right margin, CR, LF, BEL, and the CSI sequences the dom0 shell emits
 * (A/B/C/D cursor moves, K and J erase, H home, 2J/3J clear, m attributes).
 */
export class Term {
  rows: string[][] = [[]];
  row = 0;
  col = 0;
  bells = 0;
  /** Parameters of the SGR sequences seen (`7` reverse, `1;7` bold reverse, `0` reset). */
  sgr: string[] = [];
  private pendingWrap = false;
  private esc = '';

  constructor(readonly width = 80) {}

  write(data: string): void {
    for (const ch of data) {
      if (this.esc) {
        this.esc += ch;
        if (this.esc === '\x1b[' || /^\x1b\[[0-9;]*$/.test(this.esc)) continue;
        this.csi(this.esc);
        this.esc = '';
        continue;
      }
      if (ch === '\x1b') { this.esc = ch; continue; }
      if (ch === '\r') { this.col = 0; this.pendingWrap = false; continue; }
      if (ch === '\n') { this.down(); this.pendingWrap = false; continue; }
      if (ch === '\x07') { this.bells++; continue; }
      if (ch === '\b') { this.col = Math.max(0, this.col - 1); this.pendingWrap = false; continue; }
      if (this.pendingWrap) { this.col = 0; this.down(); this.pendingWrap = false; }
      const line = this.line();
      while (line.length < this.col) line.push(' ');
      line[this.col] = ch;
      if (this.col === this.width - 1) this.pendingWrap = true;
      else this.col++;
    }
  }

  /** The screen's rows, trailing blanks removed, trailing empty rows dropped. */
  lines(): string[] {
    const out = this.rows.map((r) => r.join('').trimEnd());
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** The row the cursor is on, up to the cursor at least (so a typed trailing space shows). */
  current(): string {
    return this.line().join('').trimEnd().padEnd(this.col, ' ');
  }

  private line(): string[] {
    while (this.rows.length <= this.row) this.rows.push([]);
    return this.rows[this.row];
  }

  private down(): void {
    this.row++;
    this.line();
  }

  private csi(seq: string): void {
    const final = seq[seq.length - 1];
    const param = seq.slice(2, -1);
    const n = param === '' ? 1 : Number(param.split(';')[0]);
    this.pendingWrap = false;
    if (final === 'A') this.row = Math.max(0, this.row - n);
    else if (final === 'B') { this.row += n; this.line(); }
    else if (final === 'C') this.col = Math.min(this.width - 1, this.col + n);
    else if (final === 'D') this.col = Math.max(0, this.col - n);
    else if (final === 'K') this.line().length = Math.min(this.line().length, this.col);
    else if (final === 'J' && param === '2') this.rows = this.rows.map(() => []); // whole screen
    else if (final === 'J' && param === '3') { /* scrollback: none kept */ }
    else if (final === 'J') { this.line().length = Math.min(this.line().length, this.col); this.rows.length = this.row + 1; }
    else if (final === 'H') { this.row = 0; this.col = 0; }
    else if (final === 'm') this.sgr.push(param); // attributes (reverse, bold): recorded, not drawn
    else throw new Error(`Term: unexpected sequence ${JSON.stringify(seq)}`);
  }
}
