/**
 * A few RV64 instruction encoders with labels, enough to write small bare-metal test guests as
 * data (no cross toolchain needed). Encodings from the unprivileged spec, chapter 34 (RV32/64G
 * instruction listings).
 */

export const REG = {
  zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14,
  a5: 15, s2: 18, s3: 19, s4: 20, s5: 21, t3: 28, t4: 29, t5: 30, t6: 31,
} as const;

type Fixup = { at: number; label: string; kind: 'b' | 'j' };

export class Asm {
  private readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];

  private emit(w: number): this { this.words.push(w >>> 0); return this; }
  get here(): number { return this.words.length * 4; }

  /** An instruction word as is (e.g. wfi = 0x10500073). */
  emitRaw(w: number): this { return this.emit(w); }

  label(name: string): this { this.labels.set(name, this.here); return this; }

  // ---- base encodings
  r(op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): this {
    return this.emit((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
  }
  i(op: number, f3: number, rd: number, rs1: number, imm: number): this {
    return this.emit(((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
  }
  s(op: number, f3: number, rs1: number, rs2: number, imm: number): this {
    return this.emit((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op);
  }

  lui(rd: number, imm20: number): this { return this.emit(((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37); }
  addi(rd: number, rs1: number, imm: number): this { return this.i(0x13, 0, rd, rs1, imm); }
  xori(rd: number, rs1: number, imm: number): this { return this.i(0x13, 4, rd, rs1, imm); }
  andi(rd: number, rs1: number, imm: number): this { return this.i(0x13, 7, rd, rs1, imm); }
  slli(rd: number, rs1: number, sh: number): this { return this.i(0x13, 1, rd, rs1, sh & 63); }
  srli(rd: number, rs1: number, sh: number): this { return this.i(0x13, 5, rd, rs1, sh & 63); }
  add(rd: number, rs1: number, rs2: number): this { return this.r(0x33, 0, 0, rd, rs1, rs2); }
  xor(rd: number, rs1: number, rs2: number): this { return this.r(0x33, 4, 0, rd, rs1, rs2); }
  and(rd: number, rs1: number, rs2: number): this { return this.r(0x33, 7, 0, rd, rs1, rs2); }
  sb(rs2: number, imm: number, rs1: number): this { return this.s(0x23, 0, rs1, rs2, imm); }
  sh(rs2: number, imm: number, rs1: number): this { return this.s(0x23, 1, rs1, rs2, imm); }
  sw(rs2: number, imm: number, rs1: number): this { return this.s(0x23, 2, rs1, rs2, imm); }
  sd(rs2: number, imm: number, rs1: number): this { return this.s(0x23, 3, rs1, rs2, imm); }
  ld(rd: number, imm: number, rs1: number): this { return this.i(0x03, 3, rd, rs1, imm); }
  fsd(frs2: number, imm: number, rs1: number): this { return this.s(0x27, 3, rs1, frs2, imm); }
  fmvDX(frd: number, rs1: number): this { return this.r(0x53, 0, 0x79, frd, rs1, 0); }
  amoaddD(rd: number, rs2: number, rs1: number): this { return this.r(0x2f, 3, 0, rd, rs1, rs2); }
  lrD(rd: number, rs1: number): this { return this.r(0x2f, 3, 2 << 2, rd, rs1, 0); }
  scD(rd: number, rs2: number, rs1: number): this { return this.r(0x2f, 3, 3 << 2, rd, rs1, rs2); }
  csrrs(rd: number, csr: number, rs1: number): this { return this.i(0x73, 2, rd, rs1, csr); }

  /** Load a 32-bit unsigned constant (zero-extended to 64 bits). */
  li32(rd: number, v: number): this {
    const lo = ((v & 0xfff) << 20) >> 20; // sign-extended low 12 bits
    const hi = ((v - lo) >>> 12) & 0xfffff;
    this.lui(rd, hi);
    if (lo) this.addi(rd, rd, lo);
    // lui sign-extends bit 31 on RV64: clear the upper half.
    return this.slli(rd, rd, 32).srli(rd, rd, 32);
  }

  private branch(f3: number, rs1: number, rs2: number, label: string): this {
    this.fixups.push({ at: this.words.length, label, kind: 'b' });
    return this.emit((rs2 << 20) | (rs1 << 15) | (f3 << 12) | 0x63);
  }
  beq(rs1: number, rs2: number, l: string): this { return this.branch(0, rs1, rs2, l); }
  bne(rs1: number, rs2: number, l: string): this { return this.branch(1, rs1, rs2, l); }
  bltu(rs1: number, rs2: number, l: string): this { return this.branch(6, rs1, rs2, l); }
  j(label: string): this {
    this.fixups.push({ at: this.words.length, label, kind: 'j' });
    return this.emit(0x6f);
  }

  /** Resolve labels; returns the program as little-endian bytes. */
  bytes(): Uint8Array {
    for (const f of this.fixups) {
      const target = this.labels.get(f.label);
      if (target === undefined) throw new Error(`undefined label ${f.label}`);
      const off = target - f.at * 4;
      if (f.kind === 'b') {
        this.words[f.at] |= (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7);
      } else {
        this.words[f.at] |= (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12);
      }
      this.words[f.at] >>>= 0;
    }
    const out = new Uint8Array(this.words.length * 4);
    const v = new DataView(out.buffer);
    this.words.forEach((w, k) => v.setUint32(k * 4, w, true));
    return out;
  }
}

/**
 * A guest that stores all over `pages` pages starting at RAM + `baseOffset`, forever, choosing the
 * page, offset and kind of store from a xorshift generator: sd, sw, sh, sb, a misaligned sd that
 * straddles two pages, amoadd.d, lr.d/sc.d, and fsd. Every path that can write RAM is used.
 * `delay` (< 2048) spins that many iterations before each store: a CPU-bound dirtier whose
 * dirty rate follows its share of the CPU (what auto-converge's throttling acts on).
 */
export function scribbler(baseOffset: number, pages: number, delay = 0): Uint8Array {
  if (pages & (pages - 1)) throw new Error('pages must be a power of two');
  const { s0, s1, s2, s3, t0, t1, t2, a0 } = REG;
  const a = new Asm();
  a.lui(t0, 0x6).csrrs(0, 0x300, t0); // mstatus.FS = dirty: FP stores allowed
  a.li32(s0, 0x8000_0000 + baseOffset);
  a.li32(s1, pages - 1);
  a.addi(s2, 0, 1); // counter
  a.li32(s3, 0x2545f491); // xorshift state
  a.label('loop');
  if (delay) a.addi(REG.t4, 0, delay).label('delay').addi(REG.t4, REG.t4, -1).bne(REG.t4, 0, 'delay');
  a.slli(t0, s3, 13).xor(s3, s3, t0).srli(t0, s3, 7).xor(s3, s3, t0).slli(t0, s3, 17).xor(s3, s3, t0);
  a.srli(t0, s3, 24).and(t0, t0, s1).slli(t0, t0, 12).add(a0, s0, t0); // page
  a.srli(t0, s3, 8).andi(t0, t0, 0x7f8).slli(t0, t0, 1).add(a0, a0, t0); // 8-aligned offset in 0..0xff0
  a.addi(s2, s2, 1);
  a.andi(t1, s3, 7);
  for (let k = 1; k < 8; k++) a.addi(t2, 0, k).beq(t1, t2, `k${k}`);
  a.sd(s2, 0, a0).j('loop');
  a.label('k1').sw(s2, 4, a0).j('loop');
  a.label('k2').sh(s2, 2, a0).j('loop');
  a.label('k3').sb(s2, 1, a0).j('loop');
  // k4: a misaligned sd at the page's last 4 bytes: half in this page, half in the next (which
  // wraps past the region's last page into the one after it: keep one spare page there).
  a.label('k4').srli(a0, a0, 12).slli(a0, a0, 12).addi(t0, 0, 0x7fc).addi(t0, t0, 0x7fc).add(a0, a0, t0).addi(a0, a0, 4).sd(s2, 0, a0).j('loop');
  a.label('k5').amoaddD(0, s2, a0).j('loop');
  a.label('k6').lrD(t1, a0).addi(t1, t1, 1).scD(t2, t1, a0).j('loop');
  a.label('k7').fmvDX(1, s2).fsd(1, 8, a0).j('loop');
  return a.bytes();
}
