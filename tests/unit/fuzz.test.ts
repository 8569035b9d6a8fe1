/**
 * "No guest input can crash or hang the emulator." Thousands of random programs (fixed-seed PRNG)
 * run on a real VirtualMachine: raw random 32/16-bit patterns, random but well-formed instructions
 * from every major opcode group (random CSRs, loads/stores/AMOs to RAM, ROM, CLINT, PLIC, UART,
 * virtio, unmapped and non-canonical addresses), S/U-mode code under random Sv39/Sv48 page tables
 * and satp values, and random ECALLs into the built-in SBI. runSlice must never throw (a Wasm
 * RuntimeError or a device-model exception would mean the emulator itself broke), must return
 * within a bounded time, and must leave the hart in an architecturally possible state. Known
 * illegal encodings at known addresses must trap with the instruction bits in mtval.
 */
import { describe, expect, it } from 'vitest';
import { coreModule } from '../helpers/run-guest.ts';
import { BOOTROM, CLINT, DRAM_BASE, MiB, describeMachine } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine } from '../../src/hypervisor/vm.ts';
import { EXT, openPmp } from '../../src/hypervisor/sbi.ts';

// ---- PRNG (mulberry32) ------------------------------------------------------------------------------
class Rng {
  constructor(private s: number) {}
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  below(n: number): number { return this.u32() % n; }
  chance(p: number): boolean { return this.u32() / 2 ** 32 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]!; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}

// ---- encoders ---------------------------------------------------------------------------------------
const T0 = 5, T1 = 6, T2 = 7, T3 = 28;
const iType = (op: number, rd: number, f3: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const rType = (op: number, rd: number, f3: number, rs1: number, rs2: number, f7: number) => ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const sType = (op: number, f3: number, rs1: number, rs2: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
const bType = (f3: number, rs1: number, rs2: number, off: number) => {
  const u = off >>> 0;
  return ((((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63) >>> 0;
};
const jal = (rd: number, off: number) => {
  const u = off >>> 0;
  return ((((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
};
const addi = (rd: number, rs1: number, imm: number) => iType(0x13, rd, 0, rs1, imm);
const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
const csrrw = (rd: number, csr: number, rs1: number) => iType(0x73, rd, 1, rs1, csr);
const csrrs = (rd: number, csr: number, rs1: number) => iType(0x73, rd, 2, rs1, csr);
const csrrc = (rd: number, csr: number, rs1: number) => iType(0x73, rd, 3, rs1, csr);
const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
/** rd = address of `target` for code at `at` (both RAM offsets): auipc + addi. */
const la = (rd: number, at: number, target: number) => {
  const delta = target - at;
  const hi = (delta + 0x800) >> 12;
  return [auipc(rd, hi), addi(rd, rd, delta - hi * 4096)];
};
const MRET = 0x30200073, WFI = 0x10500073, ECALL = 0x00000073;
const MSTATUS = 0x300, MIE = 0x304, MEPC = 0x341, MCAUSE = 0x342;

// ---- memory layout (offsets from DRAM_BASE) -------------------------------------------------------------
const RAM_MIB = 16;
const HANDLER_FORCE_M = 0x000; // returns to M-mode (programs that run in M)
const HANDLER_KEEP = 0x100; // returns to the privilege the trap came from (S/U programs)
const DONE = 0x200; // csrw mie, x0; wfi; j -4
const PROG = 0x1000; // program: two pages, so instructions straddle 0x1FFE
const PROG_WORDS = 0x2000 / 4;
const PROG_END = PROG + 0x2000; // jal DONE
const TRAP_COUNTS = 0x3800; // u64[64]: traps taken, by cause (32 + code for interrupts)
const DATA = 0x4000;
const PT = 0x10000; // page tables (paging programs)
const pa = (off: number) => BigInt(DRAM_BASE + off);

/** The M-mode trap handler: skip the trapping instruction (2 or 4 bytes), or end the program
 *  (fetch faults) at DONE. Interrupts just return: mie is cleared first. */
function handler(forceM: boolean, at: number): number[] {
  const w: number[] = [];
  w.push(csrrw(0, MIE, 0)); // no interrupt storms
  w.push(lui(T0, 0x20), csrrc(0, MSTATUS, T0)); // clear MPRV: the handler's own loads are physical
  if (forceM) w.push(lui(T0, 0x2), addi(T0, T0, -2048), csrrs(0, MSTATUS, T0)); // MPP = M
  w.push(csrrs(T0, MCAUSE, 0));
  // TRAP_COUNTS[(cause & 31) | (interrupt ? 32 : 0)] += 1
  w.push(iType(0x13, T1, 7, T0, 31)); // andi t1, t0, 31
  w.push(iType(0x13, T3, 5, T0, 63)); // srli t3, t0, 63
  w.push(iType(0x13, T3, 1, T3, 5)); // slli t3, t3, 5
  w.push(rType(0x33, T1, 6, T1, T3, 0)); // or t1, t1, t3
  w.push(iType(0x13, T1, 1, T1, 3)); // slli t1, t1, 3
  w.push(...la(T2, at + w.length * 4, TRAP_COUNTS));
  w.push(rType(0x33, T2, 0, T2, T1, 0)); // add t2, t2, t1
  w.push(iType(0x03, T3, 3, T2, 0), addi(T3, T3, 1), sType(0x23, 3, T2, T3, 0)); // ld / addi / sd
  const bltzAt = w.length; w.push(0); // blt t0, x0, RET
  w.push(iType(0x13, T1, 3, T0, 2)); // sltiu t1, t0, 2
  const bneDoneAt = w.length; w.push(0); // bne t1, x0, DONE
  w.push(addi(T1, 0, 12));
  const beqDoneAt = w.length; w.push(0); // beq t0, t1, DONE
  w.push(csrrs(T1, MEPC, 0));
  w.push(iType(0x03, T2, 5, T1, 0)); // lhu t2, 0(t1)
  w.push(iType(0x13, T2, 7, T2, 3)); // andi t2, t2, 3
  w.push(addi(T3, 0, 3), addi(T1, T1, 2));
  w.push(bType(1, T2, T3, 8)); // bne t2, t3, +8
  w.push(addi(T1, T1, 2));
  w.push(csrrw(0, MEPC, T1));
  const retAt = w.length; w.push(MRET);
  w[bltzAt] = bType(4, T0, 0, (retAt - bltzAt) * 4);
  w[bneDoneAt] = bType(1, T1, 0, DONE - (at + bneDoneAt * 4));
  w[beqDoneAt] = bType(0, T0, T1, DONE - (at + beqDoneAt * 4));
  return w;
}
const DONE_CODE = [csrrw(0, MIE, 0), WFI, jal(0, -4)];

function words(ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((x, i) => v.setUint32(i * 4, x >>> 0, true));
  return out;
}

// ---- the machine under test ---------------------------------------------------------------------------------
class Harness {
  vm!: VirtualMachine;
  vms = 0;
  slices = 0;
  programs = 0;
  executed = 0;
  maxSliceMs = 0;
  exits = 0;
  idleAtDone = 0;
  console = 0;
  /** Traps taken by the handler, by cause (bit 63 kept for interrupts). */
  traps = new Map<bigint, number>();
  mmio = 0;
  mmioFaults = new Map<string, number>();

  constructor() { this.fresh(); }

  /** SBI calls answered by VMs already replaced (a guest reset or shutdown ends a VM). */
  private sbiCallsBefore = 0;
  get sbiCalls(): number {
    let n = this.sbiCallsBefore;
    for (const v of this.vm.sbi.calls.values()) n += v;
    return n;
  }

  fresh(): void {
    if (this.vm) this.sbiCallsBefore = this.sbiCalls;
    this.vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: RAM_MIB * MiB, harts: 1 }), {
      consoleOut: (b) => { this.console += b.length; },
      now: () => performance.now(),
    });
    this.vms++;
    // Count the device accesses the guest makes (the core calls vm.bus for every MMIO access).
    const bus = this.vm.bus;
    const read = bus.read.bind(bus), write = bus.write.bind(bus);
    const seen = () => {
      this.mmio++;
      if (bus.fault) this.mmioFaults.set(bus.faultReason, (this.mmioFaults.get(bus.faultReason) ?? 0) + 1);
    };
    bus.read = (addr, size) => { const v = read(addr, size); seen(); return v; };
    bus.write = (addr, size, value, high) => { const ok = write(addr, size, value, high); seen(); return ok; };
  }

  /** Fold the handler's trap counters into `traps` and zero them. */
  private collectTraps(): void {
    const ram = this.vm.core.ram();
    const v = new DataView(ram.buffer, ram.byteOffset + TRAP_COUNTS, 64 * 8);
    for (let i = 0; i < 64; i++) {
      const n = Number(v.getBigUint64(i * 8, true));
      if (n > 0 && n < 1e7) {
        const cause = i >= 32 ? (1n << 63n) | BigInt(i - 32) : BigInt(i);
        this.traps.set(cause, (this.traps.get(cause) ?? 0) + n);
      }
      v.setBigUint64(i * 8, 0n, true);
    }
  }

  /** Architectural reset of the hart (as configure() does at VM creation) + the fixed code. */
  reset(): void {
    if (this.vm.exited) this.fresh();
    const c = this.vm.core;
    c.exports.configure(RAM_MIB * MiB, DRAM_BASE, BOOTROM.base, CLINT.base, 0);
    // The harness plays the firmware: S/U-mode code runs under PMP opened as OpenSBI leaves it
    // (the callers' stateChanged makes the core see it).
    openPmp(c);
    c.writeRam(TRAP_COUNTS, new Uint8Array(64 * 8));
    c.writeRam(HANDLER_FORCE_M, words(handler(true, HANDLER_FORCE_M)));
    c.writeRam(HANDLER_KEEP, words(handler(false, HANDLER_KEEP)));
    c.writeRam(DONE, words(DONE_CODE));
    c.writeRam(PROG_END, words([jal(0, DONE - PROG_END)]));
    c.set64('MTVEC', pa(HANDLER_FORCE_M));
    c.pc = pa(PROG);
  }

  /** Run the current program: a few slices of a bounded budget, checking the hart after each. */
  run(budget: number, maxSlices: number, where: string): void {
    const c = this.vm.core;
    this.programs++;
    for (let i = 0; i < maxSlices; i++) {
      const t0 = performance.now();
      let r;
      try {
        r = this.vm.runSlice(budget);
      } catch (e) {
        throw new Error(`${where}: runSlice threw ${(e as Error).name}: ${(e as Error).message} (pc 0x${c.pc.toString(16)})`);
      }
      const ms = performance.now() - t0;
      this.slices++;
      this.maxSliceMs = Math.max(this.maxSliceMs, ms);
      this.executed += r.executed;
      if (ms > 2000) throw new Error(`${where}: a ${budget}-instruction slice took ${ms.toFixed(0)} ms`);
      this.check(r.executed, budget, where);
      if (r.kind === 'exit') { this.exits++; break; }
      if (r.kind === 'idle') {
        const pc = c.pc;
        if (pc >= pa(DONE) && pc < pa(DONE + 12)) { this.idleAtDone++; break; }
      }
    }
    this.collectTraps();
  }

  trapCount(cause: bigint): number { return this.traps.get(cause) ?? 0; }

  summary(): string {
    const hex = (m: Map<bigint, number>) => Object.fromEntries([...m].map(([k, v]) => [k >= 1n << 63n ? `irq${k & 63n}` : `${k}`, v]));
    return JSON.stringify({ programs: this.programs, slices: this.slices, executed: this.executed, maxSliceMs: +this.maxSliceMs.toFixed(1), vms: this.vms, exits: this.exits, idleAtDone: this.idleAtDone, mmio: this.mmio, mmioFaults: Object.fromEntries(this.mmioFaults), traps: hex(this.traps) });
  }

  private check(executed: number, budget: number, where: string): void {
    const c = this.vm.core;
    const fail = (what: string) => { throw new Error(`${where}: ${what} (pc 0x${c.pc.toString(16)})`); };
    if (executed < 0 || executed > budget) fail(`executed ${executed} of a ${budget} budget`);
    if (c.x(0) !== 0n) fail(`x0 = ${c.x(0)}`);
    const priv = c.get32('PRIV');
    if (priv !== 0 && priv !== 1 && priv !== 3) fail(`privilege ${priv}`);
    if (c.pc & 1n) fail('odd pc');
    if (c.get64('MEPC') & 1n) fail('odd mepc');
    if (c.get64('SEPC') & 1n) fail('odd sepc');
    if (c.get64('MIP') & ~0xaaan) fail(`mip 0x${c.get64('MIP').toString(16)}`);
    if (((c.get64('MSTATUS') >> 11n) & 3n) === 2n) fail('mstatus.MPP = 2 (reserved)');
    const mode = c.get64('SATP') >> 60n;
    if (mode !== 0n && mode !== 8n && mode !== 9n) fail(`satp mode ${mode}`);
    if ((c.get64('MTVEC') & 3n) >= 2n || (c.get64('STVEC') & 3n) >= 2n) fail('xtvec with a reserved mode');
  }
}

// ---- interesting operands --------------------------------------------------------------------------------
const RAM_END = DRAM_BASE + RAM_MIB * MiB;
const ADDRESSES: readonly bigint[] = [
  0n, 8n, 0x1000n, 0x1ffcn, 0xfffn, // nothing, boot ROM
  0x10_0000n + 8n, 0x10_1000n, 0x10_1004n, 0x10_2000n, // finisher (offset 8: no action), RTC, pvpanic
  0x200_0000n, 0x200_4000n, 0x200_bff8n, 0x200_bffcn, 0x200_8000n, 0x20f_fff8n, 0x201_0000n, // CLINT
  0xc00_0000n, 0xc00_0028n, 0xc00_1000n, 0xc00_2000n, 0xc20_0000n, 0xc20_0004n, 0xc20_1000n, 0xc20_1004n, 0xc5f_fffcn, 0xc60_0000n, // PLIC
  0x1000_0000n, 0x1000_0001n, 0x1000_0003n, 0x1000_0005n, 0x1000_0007n, 0x1000_00fcn, 0x1000_0100n, // UART
  0x1000_1000n, 0x1000_1070n, 0x1000_8000n, 0x1000_9000n, // virtio slots (no device)
  0x3000_0000n, 0x4000_0000n, 0x7fff_fffcn, // unmapped
  BigInt(DRAM_BASE), pa(DATA), pa(DATA + 0xff9), pa(PROG), pa(0x20_0000), BigInt(RAM_END - 8), BigInt(RAM_END - 3), BigInt(RAM_END), BigInt(RAM_END + 0x1000),
  0xffff_fff8n, 0xffff_ffffn, 0x1_0000_0000n, 0x1_8000_0000n, // around 4 GiB
  0x0000_0040_0000_0000n, 0x0000_8000_0000_0000n, 0xffff_ffc0_0000_0000n, 0xffff_8000_0000_0000n, 0xffff_ffff_ffff_f000n, 0x8000_0000_0000_0000n,
];
const CSRS: readonly number[] = [
  0x001, 0x002, 0x003, 0x100, 0x104, 0x105, 0x106, 0x10a, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180,
  0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x30a, 0x320, 0x340, 0x343, 0x344, 0x3a0, 0x3a1, 0x3a2, 0x3b0, 0x3bf, 0x3ef,
  0x7a0, 0x7b0, 0xb00, 0xb02, 0xb03, 0xb1f, 0xc00, 0xc01, 0xc02, 0xc03, 0xc80, 0xf11, 0xf12, 0xf13, 0xf14, 0xf15, 0x5a8, 0x15d,
];
/** Registers a program uses as base addresses (s0, s1, a0..a5); the rest hold random values. */
const BASE_REGS = [8, 9, 10, 11, 12, 13, 14, 15];

function randomRegisters(h: Harness, rng: Rng): void {
  const c = h.vm.core;
  for (let i = 1; i < 32; i++) c.setX(i, rng.u64());
  for (const r of BASE_REGS) c.setX(r, rng.chance(0.85) ? rng.pick(ADDRESSES) + BigInt(rng.below(4) * 8) : rng.u64());
  c.setX(1, pa(PROG + 4 * rng.below(PROG_WORDS))); // ra: somewhere in the program
  c.setX(2, pa(DATA + 0x800)); // sp: the data page
  for (let i = 0; i < 32; i++) c.setF(i, rng.chance(0.5) ? (0xffff_ffffn << 32n) | BigInt(rng.u32()) : rng.u64());
}

const reg = (rng: Rng) => rng.below(32);
const base = (rng: Rng) => (rng.chance(0.8) ? rng.pick(BASE_REGS) : reg(rng));
const smallImm = (rng: Rng) => (rng.chance(0.7) ? rng.below(64) - 32 : rng.below(4096) - 2048);

/** A random, well-formed-looking instruction from one of the major opcode groups. */
function randomInstruction(rng: Rng): number {
  const rd = reg(rng), rs1 = reg(rng), rs2 = reg(rng);
  const raw = rng.u32();
  switch (rng.below(21)) {
    case 0: return iType(0x03, rd, rng.below(8), base(rng), smallImm(rng)); // LOAD (f3 7 reserved)
    case 1: return iType(0x07, rd, rng.below(8), base(rng), smallImm(rng)); // LOAD-FP
    case 2: return sType(0x23, rng.below(8), base(rng), rs2, smallImm(rng)); // STORE
    case 3: return sType(0x27, rng.below(8), base(rng), rs2, smallImm(rng)); // STORE-FP
    case 4: { // AMO: funct5 of every kind, aq/rl random, W and D (and reserved widths)
      const f5 = rng.pick([0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x1f]);
      return rType(0x2f, rd, rng.pick([2, 3, 2, 3, 0, 4]), base(rng), f5 === 0x02 && rng.chance(0.8) ? 0 : rs2, (f5 << 2) | rng.below(4));
    }
    case 5: return (raw & ~0x7f) | 0x13; // OP-IMM
    case 6: return (raw & ~0x7f) | 0x1b; // OP-IMM-32
    case 7: return rType(0x33, rd, rng.below(8), rs1, rs2, rng.pick([0, 0x20, 1, 1, rng.below(128)])); // OP / M
    case 8: return rType(0x3b, rd, rng.below(8), rs1, rs2, rng.pick([0, 0x20, 1, 1, rng.below(128)])); // OP-32
    case 9: return (raw & ~0x7f) | rng.pick([0x37, 0x17]); // LUI / AUIPC
    case 10: return rType(0x53, rd, rng.below(8), rs1, rs2, rng.below(128)); // OP-FP, any funct7 / rm
    case 11: return ((raw & ~0x7f) | rng.pick([0x43, 0x47, 0x4b, 0x4f])) >>> 0; // fused multiply-add
    case 12: return bType(rng.below(8), rs1, rs2, (rng.below(64) - 32) * 2); // BRANCH (f3 2,3 reserved)
    case 13: return iType(0x67, rd, rng.chance(0.9) ? 0 : rng.below(8), rng.chance(0.5) ? 1 : base(rng), smallImm(rng)); // JALR
    case 14: return jal(rd, (rng.below(512) - 256) * 2); // JAL (even offsets: half-word targets too)
    case 15: return iType(0x0f, rd, rng.below(8), rs1, raw >>> 20); // MISC-MEM: FENCE, FENCE.I, reserved
    case 16: case 17: { // SYSTEM: CSR ops with random CSR numbers
      const csr = rng.chance(0.6) ? rng.pick(CSRS) : rng.below(4096);
      return iType(0x73, rd, rng.pick([1, 2, 3, 5, 6, 7, 4]), rng.chance(0.3) ? 0 : rs1, csr);
    }
    case 18: // SYSTEM: privileged instructions, plain and with junk fields
      return rng.pick([ECALL, 0x00100073, MRET, 0x10200073, WFI, rType(0x73, 0, 0, rs1, rs2, 0x09), rType(0x73, rd, 0, rs1, rs2, 0x09), 0x7b200073, (raw & ~0x7f) | 0x73]);
    case 19: return (raw & 0xffff) | ((rng.u32() & 0xffff) << 16); // two random halves
    default: return raw; // anything
  }
}

/** Random 16-bit instruction from every quadrant/funct3, with a random high half (another one). */
function randomCompressedPair(rng: Rng): number {
  const h = () => ((rng.below(8) << 13) | (rng.u32() & 0x1ffc) | rng.below(3)) & 0xffff;
  return (h() | (h() << 16)) >>> 0;
}

// ---- tests --------------------------------------------------------------------------------------------------
describe('fuzz: no guest input crashes or hangs the emulator', () => {
  it('random 32-bit and 16-bit patterns in M-mode', () => {
    const h = new Harness();
    const rng = new Rng(0x5eed_0001);
    for (let p = 0; p < 1500; p++) {
      h.reset();
      randomRegisters(h, rng);
      const prog = new Array<number>(PROG_WORDS);
      const style = p % 3;
      for (let i = 0; i < PROG_WORDS; i++) {
        prog[i] = style === 0 ? rng.u32() : style === 1 ? randomCompressedPair(rng) : rng.chance(0.5) ? rng.u32() : randomCompressedPair(rng);
      }
      h.vm.core.writeRam(PROG, words(prog));
      if (rng.chance(0.5)) h.vm.core.set64('MSTATUS', 1n << 13n); // FS = Initial: FP instructions decode further
      h.vm.core.pc = pa(PROG + 2 * rng.below(PROG_WORDS * 2));
      h.vm.core.exports.stateChanged();
      h.run(3000, 3, `raw program ${p}`);
    }
    expect(h.programs, h.summary()).toBe(1500);
    expect(h.executed, h.summary()).toBeGreaterThan(1500 * 100);
    // The programs really reached the trap paths and the device bus, and the handler ran each time.
    expect(h.trapCount(2n), h.summary()).toBeGreaterThan(10_000); // illegal instruction
    expect(h.trapCount(5n), h.summary()).toBeGreaterThan(1000); // load access fault
    expect(h.trapCount(7n), h.summary()).toBeGreaterThan(1000); // store access fault
    expect(h.mmio, h.summary()).toBeGreaterThan(10_000);
  });

  it('well-formed instructions from every opcode group, random CSRs, loads/stores/AMOs to RAM, MMIO and unmapped space', () => {
    const h = new Harness();
    const rng = new Rng(0x5eed_0002);
    for (let p = 0; p < 3000; p++) {
      h.reset();
      randomRegisters(h, rng);
      const n = 16 + rng.below(200);
      const prog: number[] = [];
      for (let i = 0; i < n; i++) prog.push(randomInstruction(rng));
      prog.push(jal(0, DONE - (PROG + prog.length * 4)));
      h.vm.core.writeRam(PROG, words(prog));
      const c = h.vm.core;
      c.set64('MSTATUS', BigInt(rng.below(4)) << 13n); // FS: off, initial, clean, dirty
      c.set32('FRM', rng.below(8)); // reserved dynamic rounding modes too
      if (rng.chance(0.25)) { // let the CLINT timer, MSIP and the PLIC interrupt the program
        c.set64('MIE', BigInt(rng.u32() & 0xaaa));
        c.set64('MSTATUS', c.get64('MSTATUS') | 8n); // mstatus.MIE
        if (rng.chance(0.5)) c.set64('MTIMECMP', BigInt(rng.below(2000)));
        if (rng.chance(0.3)) c.set32('MSIP', 1);
      }
      c.exports.stateChanged();
      h.run(4000, 3, `opcode program ${p}`);
    }
    expect(h.programs, h.summary()).toBe(3000);
    // Every kind of synchronous trap the opcode groups can raise in M-mode was taken and handled.
    for (const cause of [1n, 2n, 3n, 5n, 6n, 7n, 11n]) expect(h.trapCount(cause), `cause ${cause}: ${h.summary()}`).toBeGreaterThan(20);
    expect(h.trapCount((1n << 63n) | 7n) + h.trapCount((1n << 63n) | 3n), `timer/software interrupts: ${h.summary()}`).toBeGreaterThan(20);
    expect(h.mmio, h.summary()).toBeGreaterThan(10_000);
    expect(h.mmioFaults.get('unmapped') ?? 0, h.summary()).toBeGreaterThan(1000);
    expect(h.mmio - [...h.mmioFaults.values()].reduce((a, b) => a + b, 0), `device accesses that succeeded: ${h.summary()}`).toBeGreaterThan(1000);
    expect(h.idleAtDone, h.summary()).toBeGreaterThan(600); // and many programs ran to their end
  });

  it('S- and U-mode code under random Sv39/Sv48 page tables and random satp values', () => {
    const h = new Harness();
    const rng = new Rng(0x5eed_0003);
    const pages = 16;
    for (let p = 0; p < 1500; p++) {
      h.reset();
      randomRegisters(h, rng);
      const c = h.vm.core;
      const user = rng.chance(0.35);
      const sv48 = rng.chance(0.4);
      // Page-table pages at PT..PT+16 pages: random words, then a skeleton that maps the program.
      const tables = new BigUint64Array(pages * 512);
      for (let k = 0; k < 1024; k++) tables[rng.below(tables.length)] = rng.chance(0.3) ? rng.u64() : randomPte(rng, pages);
      for (let k = 0; k < 256; k++) tables[3 * 512 + rng.below(512)] = randomPte(rng, pages); // the level-0 table behind 0x20_0000
      const perm = (leaf: boolean) => {
        let v = 1n;
        if (leaf) v |= rng.chance(0.9) ? 0b1010n : BigInt(rng.below(8)) << 1n; // X+R mostly, any RWX (incl. W-only)
        if (rng.chance(user ? 0.85 : 0.15)) v |= 1n << 4n; // U
        if (rng.chance(0.7)) v |= 1n << 6n; // A
        if (rng.chance(0.5)) v |= 1n << 7n; // D
        if (rng.chance(0.05)) v |= 1n << BigInt(54 + rng.below(10)); // reserved bits
        return v;
      };
      const root = 0;
      const l2 = sv48 ? 1 : 0; // the Sv39-shaped level
      if (sv48) tables[root * 512 + 0] = ppnOf(PT + l2 * 0x1000) | 1n; // VA 0..512G -> next table
      // 0x8000_0000.. identity gigapage (the program, data and handler), sometimes a misaligned one.
      tables[l2 * 512 + 2] = ((BigInt(DRAM_BASE) >> 12n) << 10n) + (rng.chance(0.05) ? 1n << 10n : 0n) | perm(true);
      // 0..1G: a level-1 table whose entries map MMIO, RAM, and more tables.
      tables[l2 * 512 + 0] = ppnOf(PT + 2 * 0x1000) | 1n;
      tables[2 * 512 + 0x80] = ppnOf(0x1000_0000 - DRAM_BASE) | perm(true) | 0b110n; // 0x1000_0000 megapage -> UART, virtio
      tables[2 * 512 + 0x10] = ppnOf(0x200_0000 - DRAM_BASE) | perm(true) | 0b110n; // 0x200_0000 -> CLINT
      tables[2 * 512 + 0x60] = ppnOf(0xc00_0000 - DRAM_BASE) | perm(true) | 0b110n; // 0xc00_0000 -> PLIC
      tables[2 * 512 + 1] = ppnOf(PT + 3 * 0x1000) | 1n; // 0x20_0000.. -> a level-0 table (random leaves)
      // A table pointer out of RAM and into MMIO: the walk itself must fault cleanly.
      tables[l2 * 512 + 3] = (rng.chance(0.5) ? (0x1000_0000n >> 12n) : (0x4000_0000n >> 12n)) << 10n | 1n;
      tables[l2 * 512 + 511] = ppnOf(PT + 4 * 0x1000) | 1n;
      const bytes = new Uint8Array(tables.buffer);
      c.writeRam(PT, bytes);
      // Program: well-formed random instructions, loads/stores through virtual addresses.
      const n = 16 + rng.below(150);
      const prog: number[] = [];
      for (let i = 0; i < n; i++) prog.push(randomInstruction(rng));
      prog.push(jal(0, DONE - (PROG + prog.length * 4)));
      c.writeRam(PROG, words(prog));
      const vaBases = [0x1000_0000n, 0x1000_0005n, 0x200_bff8n, 0xc20_1004n, 0x20_0000n + BigInt(rng.below(512) * 0x1000), 0xc000_0000n, 0x7f_ffff_f000n,
        0xffff_ffff_ffff_f000n, 0xffff_ff80_0000_0000n, 0x0000_4000_0000_0000n, pa(DATA), pa(PROG), 0x8000_0000_0000_0000n];
      for (const r of BASE_REGS) if (rng.chance(0.7)) c.setX(r, rng.pick(vaBases) + BigInt(rng.below(8) * 8));
      const satpPpn = rng.chance(0.9) ? BigInt((DRAM_BASE + PT) >>> 12) : rng.u64() & 0xfff_ffff_ffffn;
      // (the host writes satp directly, so only legal values: MODE Sv39/Sv48, ASID 0 as the WARL
      // field reads, any PPN; the guest's own CSR writes try the illegal ones)
      const satp = ((sv48 ? 9n : 8n) << 60n) | (rng.chance(0.95) ? satpPpn : rng.u64() & 0xfff_ffff_ffffn);
      c.set64('SATP', satp);
      let ms = (BigInt(rng.below(4)) << 13n) | (user ? 0n : 1n << 11n); // FS random; MPP = S if the program is S
      if (rng.chance(0.3)) ms |= 1n << 18n; // SUM
      if (rng.chance(0.3)) ms |= 1n << 19n; // MXR
      c.set64('MSTATUS', ms);
      c.set64('MTVEC', pa(HANDLER_KEEP));
      c.set32('PRIV', user ? 0 : 1);
      c.set32('MCOUNTEREN', rng.below(8));
      c.exports.stateChanged();
      h.run(4000, 3, `paged ${user ? 'U' : 'S'}-mode program ${p} (satp 0x${c.get64('SATP').toString(16)})`);
    }
    expect(h.programs, h.summary()).toBe(1500);
    for (const cause of [12n, 13n, 15n]) expect(h.trapCount(cause), `page fault ${cause}: ${h.summary()}`).toBeGreaterThan(200);
    for (const cause of [5n, 7n, 8n, 9n]) expect(h.trapCount(cause), `cause ${cause}: ${h.summary()}`).toBeGreaterThan(20);
    expect(h.executed, h.summary()).toBeGreaterThan(1500 * 100);
  });

  it('random S-mode ECALLs into the built-in SBI', () => {
    const h = new Harness();
    const rng = new Rng(0x5eed_0004);
    const eids = [EXT.BASE, EXT.TIME, EXT.IPI, EXT.RFENCE, EXT.HSM, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 0x4442434e, 0x504d55];
    for (let p = 0; p < 800; p++) {
      h.reset();
      randomRegisters(h, rng);
      const c = h.vm.core;
      const prog: number[] = [];
      const n = 8 + rng.below(80);
      for (let i = 0; i < n; i++) {
        if (rng.chance(0.3)) {
          // a6 = random FID, then ECALL (a0..a5 keep whatever the program left there)
          prog.push(addi(16, 0, rng.chance(0.8) ? rng.below(8) : rng.below(4096) - 2048), ECALL);
        } else {
          const insn = randomInstruction(rng);
          if (((insn >> 7) & 31) === 17) continue; // keep a7 (the EID) as chosen
          prog.push(insn);
        }
      }
      prog.push(jal(0, DONE - (PROG + prog.length * 4)));
      c.writeRam(PROG, words(prog));
      const eid = rng.chance(0.03) ? rng.pick([8, EXT.SRST]) : rng.pick(eids);
      c.setX(17, rng.chance(0.9) ? BigInt(eid) : rng.u64());
      c.set32('SBI_MODE', 1);
      c.set32('SBI_TIMER', 1);
      c.set64('MIDELEG', 0x222n);
      c.set64('MCOUNTEREN', 7n);
      c.set64('MSTATUS', (1n << 11n) | (1n << 13n)); // MPP = S, FS = initial
      c.set64('MTVEC', pa(HANDLER_KEEP));
      c.set32('PRIV', 1);
      c.exports.stateChanged();
      h.run(3000, 3, `SBI program ${p} (a7 0x${c.x(17).toString(16)})`);
    }
    expect(h.programs, h.summary()).toBe(800);
    expect(h.sbiCalls, h.summary()).toBeGreaterThan(5000);
    expect(h.exits, h.summary()).toBeGreaterThan(0); // some of them shut the machine down or reset it
  });
});

function ppnOf(ramOffset: number): bigint { return (BigInt(DRAM_BASE + ramOffset) >> 12n) << 10n; }
/** A PTE that is likely to be walked: valid, pointing into the page tables, RAM, MMIO or nowhere. */
function randomPte(rng: Rng, pages: number): bigint {
  const target = rng.pick([
    ppnOf(PT + rng.below(pages) * 0x1000),
    ppnOf(rng.below(RAM_MIB * 256) * 0x1000),
    (BigInt(rng.pick([0x1000_0000, 0x200_0000, 0xc00_0000, 0x1000, 0x4000_0000])) >> 12n) << 10n,
    (rng.u64() & 0x003f_ffff_ffff_fc00n),
  ]);
  return target | BigInt(rng.below(256)) | 1n;
}

// ---- illegal instructions report their bits in mtval ------------------------------------------------------
describe('illegal instructions trap with the instruction bits in mtval', () => {
  /** Place `halves` (16-bit parcels) at RAM offset `at`, run from there with mtvec -> DONE (so the
   *  trap CSRs stay as the trap left them), and return mcause / mepc / mtval. */
  function trapOn(halves: number[], at: number, setup?: (h: Harness) => void) {
    const h = new Harness();
    h.reset();
    const c = h.vm.core;
    const b = new Uint8Array(halves.length * 2);
    halves.forEach((x, i) => { b[2 * i] = x & 0xff; b[2 * i + 1] = x >>> 8; });
    c.writeRam(at, b);
    c.set64('MTVEC', pa(DONE));
    c.set64('MSTATUS', 1n << 13n); // FS = Initial
    c.pc = pa(at);
    setup?.(h);
    c.exports.stateChanged();
    const r = h.vm.runSlice(1000);
    expect(r.kind).toBe('idle'); // stopped in DONE's WFI
    return { mcause: c.get64('MCAUSE'), mepc: c.get64('MEPC'), mtval: c.get64('MTVAL') };
  }
  const w32 = (x: number) => [x & 0xffff, x >>> 16];
  const FADD_S = (rm: number) => rType(0x53, 1, rm, 2, 3, 0x00);
  const FADD_D = (rm: number) => rType(0x53, 1, rm, 2, 3, 0x01);

  it.each<[string, number[], bigint]>([
    ['all zeros (defined illegal)', [0x0000, 0x0000], 0n],
    ['all ones', w32(0xffffffff), 0xffffffffn],
    ['C.ADDI4SPN with nzuimm = 0 (reserved)', [0x0004, 0x0001], 0x0004n],
    ['C.LUI x1, 0 (reserved)', [0x6081, 0x0001], 0x6081n],
    ['C.ADDIW x0 (reserved)', [0x2001, 0x0001], 0x2001n],
    ['C.JR x0 (reserved)', [0x8002, 0x0001], 0x8002n],
    ['C.LWSP x0 (reserved)', [0x4002, 0x0001], 0x4002n],
    ['C quadrant 0 funct3 4 (reserved)', [0x8000, 0x0001], 0x8000n],
    ['FADD.S rm = 5 (reserved rounding mode)', w32(FADD_S(5)), BigInt(FADD_S(5))],
    ['FADD.S rm = 6 (reserved rounding mode)', w32(FADD_S(6)), BigInt(FADD_S(6))],
    ['FMADD with fmt = 2 (no Zfh)', w32(rType(0x43, 1, 0, 2, 3, (4 << 2) | 2)), BigInt(rType(0x43, 1, 0, 2, 3, (4 << 2) | 2))],
    ['CSRRW to read-only cycle', w32(csrrw(1, 0xc00, 2)), BigInt(csrrw(1, 0xc00, 2))],
    ['CSRRS of a CSR that does not exist (0x7c0)', w32(csrrs(1, 0x7c0, 0)), BigInt(csrrs(1, 0x7c0, 0))],
    ['LOAD funct3 7 (reserved)', w32(iType(0x03, 1, 7, 2, 0)), BigInt(iType(0x03, 1, 7, 2, 0))],
  ])('%s', (_name, halves, mtval) => {
    const at = 0x1100;
    const t = trapOn(halves, at);
    expect(t.mcause).toBe(2n);
    expect(t.mepc).toBe(pa(at));
    expect(t.mtval).toBe(mtval);
  });

  it('FADD.D with rm = DYN while frm holds a reserved value (5)', () => {
    const t = trapOn(w32(FADD_D(7)), 0x1100, (h) => h.vm.core.set32('FRM', 5));
    expect(t).toEqual({ mcause: 2n, mepc: pa(0x1100), mtval: BigInt(FADD_D(7)) });
  });

  it('an FP instruction with mstatus.FS = Off', () => {
    const t = trapOn(w32(FADD_S(0)), 0x1100, (h) => h.vm.core.set64('MSTATUS', 0n));
    expect(t).toEqual({ mcause: 2n, mepc: pa(0x1100), mtval: BigInt(FADD_S(0)) });
  });

  it('MRET from S-mode', () => {
    const t = trapOn(w32(MRET), 0x1100, (h) => h.vm.core.set32('PRIV', 1));
    expect(t).toEqual({ mcause: 2n, mepc: pa(0x1100), mtval: BigInt(MRET) });
  });

  it('a compressed illegal instruction in the last half-word of a page', () => {
    const t = trapOn([0x8002, 0x0001], 0x1ffe);
    expect(t).toEqual({ mcause: 2n, mepc: pa(0x1ffe), mtval: 0x8002n });
  });

  it('a legal 32-bit instruction straddling two pages executes (control for the next test)', () => {
    const h = new Harness();
    h.reset();
    const c = h.vm.core;
    const insn = addi(10, 0, 42);
    c.writeRam(0x1ffe, Uint8Array.of(insn & 0xff, (insn >>> 8) & 0xff, (insn >>> 16) & 0xff, insn >>> 24, ...words(DONE_CODE.slice(1))));
    c.set64('MTVEC', pa(DONE));
    c.pc = pa(0x1ffe);
    c.exports.stateChanged();
    expect(h.vm.runSlice(100).kind).toBe('idle');
    expect(c.x(10)).toBe(42n);
    expect(c.get64('MCAUSE')).toBe(0n);
  });

  // Privileged spec §3.1.16 (mtval): on an illegal-instruction trap mtval, if written with a nonzero
  // value, holds "the shortest of the actual faulting instruction, the first ILEN bits, the first
  // MXLEN bits". asm/exec/system.ts rawAt() re-reads the instruction from the current fetch page and,
  // for a 32-bit instruction at page offset 0xFFE, returns only the low 16 bits (`if (off >= 0xFFE)
  // return lo;`) although fetch.ts already assembled both halves (decodeInto(SCRATCH, lo | hi << 16)),
  // so mtval is 0xFFFF instead of 0xFFFFFFFF.
  it('a 32-bit illegal instruction straddling two pages reports all 32 bits', () => {
    const t = trapOn(w32(0xffffffff), 0x1ffe);
    expect(t.mcause).toBe(2n);
    expect(t.mepc).toBe(pa(0x1ffe));
    expect(t.mtval).toBe(0xffffffffn);
  });
  it('a reserved-rounding-mode FADD.S straddling two pages reports all 32 bits', () => {
    const t = trapOn(w32(FADD_S(5)), 0x1ffe);
    expect(t).toEqual({ mcause: 2n, mepc: pa(0x1ffe), mtval: BigInt(FADD_S(5)) });
  });
});
