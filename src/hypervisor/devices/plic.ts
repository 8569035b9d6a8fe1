/**
 * SiFive PLIC (platform-level interrupt controller) with QEMU virt's register layout.
 *
 *   0x000000 + 4*s           priority of source s (s = 1..sources; source 0 does not exist)
 *   0x001000 + 4*w           pending bits, sources 32w..32w+31 (read-only)
 *   0x002000 + 0x80*c + 4*w  enable bits of context c
 *   0x200000 + 0x1000*c      priority threshold of context c
 *   0x200004 + 0x1000*c      claim (read) / complete (write) of context c
 *
 * Two contexts per hart, in the DTB's interrupts-extended order: context 2h is hart h's M-mode
 * (MEIP), context 2h+1 its S-mode (SEIP).
 *
 * Sources are level-triggered. A source is pending while its line is high and it is not claimed:
 * a claim takes it out of the running until the matching complete, after which the line's level
 * decides again. (A line that drops before being claimed stops being pending, as on QEMU, so the
 * guest sees no interrupt whose cause is already gone.)
 *
 * Registers are 32-bit only; the bus faults other widths (`accessSizes`), as QEMU does.
 */

import { PLIC_SOURCES } from '../machine/board.ts';
import type { AccessSize, DeviceState, IrqLine, MmioDevice } from './device.ts';
import { stateInts } from './state.ts';

const PRIORITY_BASE = 0x00_0000;
const PENDING_BASE = 0x00_1000;
const ENABLE_BASE = 0x00_2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;
const CONTEXT_THRESHOLD = 0x0;
const CONTEXT_CLAIM = 0x4;

/** Priorities are 3 bits on QEMU virt (VIRT_IRQCHIP_NUM_PRIO_BITS): 0 = never interrupts, 7 = highest. */
export const PLIC_MAX_PRIORITY = 7;
/** The PLIC architecture's limits: source IDs 1..1023, 15872 contexts (they fit the layout above). */
const MAX_SOURCES = 1023;
const MAX_CONTEXTS = 15872;

export interface PlicOptions {
  /** Harts on the board; the PLIC has two contexts per hart. */
  readonly harts: number;
  /**
   * Called when a context's interrupt output changes (never with an unchanged level, except once
   * per context in restore()). The core turns context 2h into hart h's MEIP, 2h+1 into its SEIP.
   */
  readonly onContextLevel: (context: number, level: boolean) => void;
  /** Number of sources (riscv,ndev); defaults to the board's PLIC_SOURCES. */
  readonly sources?: number;
  /** Device name; defaults to the board's region name "plic". */
  readonly name?: string;
}

export class Plic implements MmioDevice {
  readonly name: string;
  readonly accessSizes = 4;
  readonly sources: number;
  readonly contexts: number;

  private readonly onContextLevel: (context: number, level: boolean) => void;
  /** 32-bit words per bit set (sources 0..sources, bit 0 of word 0 unused). */
  private readonly words: number;
  /** Bits that name a real source, per word: source 0 and IDs past `sources` stay zero. */
  private readonly validBits: Uint32Array;

  private readonly priority: Uint8Array;
  /** Current level of each source's line. */
  private readonly level: Uint32Array;
  /** Sources claimed by some context and not yet completed. */
  private readonly claimed: Uint32Array;
  /** Enable bits, `words` per context, context-major. */
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  /** The level last reported through onContextLevel, per context. */
  private readonly output: Uint8Array;
  private readonly lines: IrqLine[] = [];

  constructor(opts: PlicOptions) {
    const sources = opts.sources ?? PLIC_SOURCES;
    if (!Number.isInteger(sources) || sources < 1 || sources > MAX_SOURCES) {
      throw new RangeError(`PLIC sources must be 1..${MAX_SOURCES} (got ${sources})`);
    }
    if (!Number.isInteger(opts.harts) || opts.harts < 1 || 2 * opts.harts > MAX_CONTEXTS) {
      throw new RangeError(`PLIC hart count out of range (got ${opts.harts})`);
    }
    this.name = opts.name ?? 'plic';
    this.sources = sources;
    this.contexts = 2 * opts.harts;
    this.onContextLevel = opts.onContextLevel;
    this.words = (sources >> 5) + 1;
    this.validBits = new Uint32Array(this.words);
    for (let s = 1; s <= sources; s++) this.validBits[s >> 5] |= 1 << (s & 31);
    this.priority = new Uint8Array(sources + 1);
    this.level = new Uint32Array(this.words);
    this.claimed = new Uint32Array(this.words);
    this.enable = new Uint32Array(this.contexts * this.words);
    this.threshold = new Uint8Array(this.contexts);
    this.output = new Uint8Array(this.contexts);
  }

  /** The interrupt line of `source` (1..sources), for a device to drive. */
  irqLine(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 1 || source > this.sources) {
      throw new RangeError(`PLIC source must be 1..${this.sources} (got ${source})`);
    }
    let line = this.lines[source];
    if (!line) {
      const word = source >> 5;
      const bit = 1 << (source & 31);
      line = { set: (high) => this.setLevel(word, bit, high) };
      this.lines[source] = line;
    }
    return line;
  }

  /** A context's current output level (what was last reported through onContextLevel). */
  contextLevel(context: number): boolean {
    return this.output[context] === 1;
  }

  read(offset: number, _size: AccessSize): number {
    if (offset < PENDING_BASE) {
      const source = (offset - PRIORITY_BASE) >> 2;
      return source <= this.sources ? this.priority[source] : 0;
    }
    if (offset < ENABLE_BASE) {
      const word = (offset - PENDING_BASE) >> 2;
      return word < this.words ? this.pendingWord(word) >>> 0 : 0;
    }
    if (offset < CONTEXT_BASE) {
      const index = this.enableIndex(offset);
      return index >= 0 ? this.enable[index] : 0;
    }
    const context = (offset - CONTEXT_BASE) / CONTEXT_STRIDE | 0;
    if (context >= this.contexts) return 0;
    switch (offset & (CONTEXT_STRIDE - 1)) {
      case CONTEXT_THRESHOLD:
        return this.threshold[context];
      case CONTEXT_CLAIM:
        return this.claim(context);
      default:
        return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    if (offset < PENDING_BASE) {
      const source = (offset - PRIORITY_BASE) >> 2;
      if (source >= 1 && source <= this.sources) {
        this.priority[source] = value & PLIC_MAX_PRIORITY;
        this.update();
      }
      return;
    }
    if (offset < ENABLE_BASE) return; // pending bits are read-only
    if (offset < CONTEXT_BASE) {
      const index = this.enableIndex(offset);
      if (index >= 0) {
        this.enable[index] = value & this.validBits[index % this.words];
        this.update();
      }
      return;
    }
    const context = (offset - CONTEXT_BASE) / CONTEXT_STRIDE | 0;
    if (context >= this.contexts) return;
    switch (offset & (CONTEXT_STRIDE - 1)) {
      case CONTEXT_THRESHOLD:
        // Out-of-range thresholds are ignored rather than masked, as QEMU does.
        if (value >>> 0 <= PLIC_MAX_PRIORITY) {
          this.threshold[context] = value;
          this.update();
        }
        break;
      case CONTEXT_CLAIM:
        this.complete(context, value >>> 0);
        break;
      default:
        break;
    }
  }

  save(): DeviceState {
    return {
      priority: Array.from(this.priority),
      level: Array.from(this.level),
      claimed: Array.from(this.claimed),
      enable: Array.from(this.enable),
      threshold: Array.from(this.threshold),
    };
  }

  /**
   * Restores a state saved by a PLIC of the same shape (sources, harts), then reports every
   * context's level once: whoever receives onContextLevel may have restored its own view
   * (MEIP/SEIP) separately, so one unconditional report brings it in line.
   */
  restore(state: DeviceState): void {
    const u32 = 0xffff_ffff;
    const priority = stateInts(state, 'priority', 0, PLIC_MAX_PRIORITY, { exactly: this.sources + 1 });
    const level = stateInts(state, 'level', 0, u32, { exactly: this.words });
    const claimed = stateInts(state, 'claimed', 0, u32, { exactly: this.words });
    const enable = stateInts(state, 'enable', 0, u32, { exactly: this.enable.length });
    const threshold = stateInts(state, 'threshold', 0, PLIC_MAX_PRIORITY, { exactly: this.contexts });

    this.priority.set(priority);
    this.priority[0] = 0;
    for (let w = 0; w < this.words; w++) {
      this.level[w] = level[w] & this.validBits[w];
      this.claimed[w] = claimed[w] & this.validBits[w];
    }
    for (let i = 0; i < enable.length; i++) this.enable[i] = enable[i] & this.validBits[i % this.words];
    this.threshold.set(threshold);
    for (let c = 0; c < this.contexts; c++) {
      const high = this.contextWants(c);
      this.output[c] = high ? 1 : 0;
      this.onContextLevel(c, high);
    }
  }

  // --- internals ---

  /** Index into `enable` for an offset in the enable block, or -1 if it names nothing. */
  private enableIndex(offset: number): number {
    const rel = offset - ENABLE_BASE;
    const context = (rel / ENABLE_STRIDE) | 0;
    const word = (rel & (ENABLE_STRIDE - 1)) >> 2;
    if (context >= this.contexts || word >= this.words) return -1;
    return context * this.words + word;
  }

  private pendingWord(word: number): number {
    return this.level[word] & ~this.claimed[word];
  }

  private setLevel(word: number, bit: number, high: boolean): void {
    const old = this.level[word];
    const next = high ? old | bit : old & ~bit;
    if (next === old) return;
    this.level[word] = next;
    this.update();
  }

  /**
   * The best source context `c` may take: pending, enabled, priority above the threshold; the
   * highest priority wins, ties go to the lowest ID. 0 if none.
   */
  private bestSource(c: number): number {
    const threshold = this.threshold[c];
    let best = 0;
    let bestPriority = threshold;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pendingWord(w) & this.enable[c * this.words + w];
      while (bits !== 0) {
        const low = bits & -bits;
        const source = (w << 5) | (31 - Math.clz32(low));
        bits ^= low;
        const p = this.priority[source];
        if (p > bestPriority) {
          best = source;
          bestPriority = p;
        }
      }
    }
    return best;
  }

  private contextWants(c: number): boolean {
    return this.bestSource(c) !== 0;
  }

  private claim(c: number): number {
    const source = this.bestSource(c);
    if (source !== 0) {
      this.claimed[source >> 5] |= 1 << (source & 31);
      this.update();
    }
    return source;
  }

  private complete(c: number, source: number): void {
    if (source < 1 || source > this.sources) return;
    const word = source >> 5;
    const bit = 1 << (source & 31);
    // A completion for a source the context has not enabled is ignored (PLIC spec; QEMU too).
    if ((this.enable[c * this.words + word] & bit) === 0) return;
    if ((this.claimed[word] & bit) === 0) return;
    this.claimed[word] = this.claimed[word] & ~bit;
    this.update();
  }

  /** Re-evaluates every context's output, reporting only the ones that changed. */
  private update(): void {
    for (let c = 0; c < this.contexts; c++) {
      const high = this.contextWants(c) ? 1 : 0;
      if (high !== this.output[c]) {
        this.output[c] = high;
        this.onContextLevel(c, high === 1);
      }
    }
  }
}
