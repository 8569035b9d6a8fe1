/**
 * The built-in SBI firmware (src/hypervisor/sbi.ts) against the RISC-V SBI specification v1.0:
 * BASE, TIME, IPI, RFENCE, HSM, SRST and the legacy extensions, driven directly (registers a0..a7
 * + Sbi.handle()) on a real VirtualMachine, and end to end through S-mode ECALLs executed by the
 * core. Spec references are to riscv-non-isa/riscv-sbi-doc (ch. 3 binary encoding, ch. 4 base,
 * ch. 5 legacy, ch. 6 TIME, ch. 7 IPI, ch. 8 RFENCE, ch. 9 HSM, ch. 10 SRST).
 */
import { describe, expect, it } from 'vitest';
import { coreModule } from '../helpers/run-guest.ts';
import { describeMachine, DRAM_BASE, KERNEL_ENTRY, MiB } from '../../src/hypervisor/machine/board.ts';
import { VirtualMachine, type VmExit } from '../../src/hypervisor/vm.ts';
import { Sbi, EXT, SBI_IMPL_ID, SBI_IMPL_VERSION, SBI_SPEC_VERSION } from '../../src/hypervisor/sbi.ts';

// ---- a tiny RV64 assembler (little-endian words) -------------------------------------------------
const R = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17, s2: 18, t3: 28 } as const;
const iType = (op: number, rd: number, f3: number, rs1: number, imm: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const addi = (rd: number, rs1: number, imm: number) => iType(0x13, rd, 0, rs1, imm);
const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
/** rd = address of word `target`, for code placed at word `at` (auipc + addi: no sign-extension trouble). */
const la = (rd: number, at: number, target: number) => [auipc(rd, 0), addi(rd, rd, (target - at) * 4)];
const add = (rd: number, rs1: number, rs2: number) => ((rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33) >>> 0;
const csrrs = (rd: number, csr: number, rs1: number) => iType(0x73, rd, 2, rs1, csr);
const csrrw = (rd: number, csr: number, rs1: number) => iType(0x73, rd, 1, rs1, csr);
const csrr = (rd: number, csr: number) => csrrs(rd, csr, 0);
const ECALL = 0x00000073;
const WFI = 0x10500073;
/** jal x0, offset (bytes, relative to this instruction). */
const j = (off: number) => {
  const u = off >>> 0;
  return ((((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xff) << 12) | 0x6f) >>> 0;
};
/** beq rs1, rs2, offset (bytes, relative to this instruction). */
const beq = (rs1: number, rs2: number, off: number) => {
  const u = off >>> 0;
  return ((((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63) >>> 0;
};
/** li for any 32-bit signed value (lui + addi, or a lone addi). */
function li(rd: number, value: number): number[] {
  const v = value | 0;
  if (v >= -2048 && v < 2048) return [addi(rd, 0, v)];
  const lo = (v << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return lo === 0 ? [lui(rd, hi)] : [lui(rd, hi), addi(rd, rd, lo)];
}
function bytes(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}
/** Sleep in S-mode forever: WFI; j back. */
const IDLE = [WFI, j(-4)];
const CSR = { sstatus: 0x100, sie: 0x104, stvec: 0x105, sip: 0x144, scause: 0x142, time: 0xc01 } as const;

// ---- harness ----------------------------------------------------------------------------------
const SRST_EID = EXT.SRST;
const LEGACY = { setTimer: 0, putchar: 1, getchar: 2, clearIpi: 3, sendIpi: 4, fenceI: 5, sfenceVma: 6, sfenceVmaAsid: 7, shutdown: 8 } as const;
const MIP_SSIP = 1n << 1n;
const MIP_STIP = 1n << 5n;
const ALL_ONES = (1n << 64n) - 1n;

interface Booted { vm: VirtualMachine; out: number[] }

/** A VM booted through the built-in SBI on a kernel that just sleeps (or on `program`). */
function boot(program: number[] = IDLE, ramMiB = 16): Booted {
  const out: number[] = [];
  const vm = new VirtualMachine(coreModule(), describeMachine({ ramBytes: ramMiB * MiB, harts: 1 }), {
    consoleOut: (b) => out.push(...b),
    now: () => performance.now(),
  });
  vm.boot({ bios: { kind: 'builtin' }, kernel: bytes(program) });
  return { vm, out };
}

interface SbiRet { error: bigint; value: bigint }

/** Make an SBI call the way an ECALL from S-mode reaches the host: a7 = EID, a6 = FID, a0.. args. */
function sbiCall(vm: VirtualMachine, eid: number, fid: number, ...args: bigint[]): SbiRet {
  const c = vm.core;
  for (let i = 0; i < 6; i++) c.setX(R.a0 + i, args[i] ?? 0n);
  c.setX(R.a6, BigInt(fid));
  c.setX(R.a7, BigInt(eid));
  vm.sbi.handle();
  return { error: BigInt.asIntN(64, c.x(R.a0)), value: BigInt.asIntN(64, c.x(R.a1)) };
}

/** A legacy call (EIDs 0x00..0x08): only a0 comes back. Returns a0 as a signed value. */
function legacyCall(vm: VirtualMachine, eid: number, ...args: bigint[]): bigint {
  const c = vm.core;
  args.forEach((v, i) => c.setX(R.a0 + i, v)); // only the arguments given: a1.. keep their values
  c.setX(R.a6, 0x77n); // "The SBI function ID field in a6 register is ignored" (ch. 5)
  c.setX(R.a7, BigInt(eid));
  vm.sbi.handle();
  return BigInt.asIntN(64, c.x(R.a0));
}

const mip = (vm: VirtualMachine) => vm.core.get64('MIP');

/** Set guest time (timebase ticks) and let the core re-derive its interrupt lines. */
function setTime(vm: VirtualMachine, ticks: bigint): void {
  vm.core.set64('TIME', ticks);
  vm.core.exports.interruptsChanged();
}

/** Run slices until the guest exits, idles, or `ms` pass. */
function runUntilStop(vm: VirtualMachine, ms = 2000) {
  const t0 = performance.now();
  for (;;) {
    const r = vm.runSlice(100_000);
    if (r.kind !== 'ran' || performance.now() - t0 > ms) return r;
  }
}

const ERR = { success: 0n, failed: -1n, notSupported: -2n, invalidParam: -3n, alreadyAvailable: -6n } as const;

// ---- BASE (ch. 4) -------------------------------------------------------------------------------
describe('SBI BASE extension', () => {
  it('get_spec_version reports v1.0 (major in bits 30:24, minor in 23:0, bit 31 zero)', () => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.BASE, 0);
    expect(r.error).toBe(ERR.success);
    expect(r.value).toBe(0x0100_0000n);
    expect(r.value).toBe(BigInt(SBI_SPEC_VERSION));
    expect((r.value >> 24n) & 0x7fn).toBe(1n);
    expect(r.value & 0xffffffn).toBe(0n);
  });

  it('get_impl_id / get_impl_version', () => {
    const { vm } = boot();
    const id = sbiCall(vm, EXT.BASE, 1);
    expect(id.error).toBe(ERR.success);
    expect(id.value).toBe(BigInt(SBI_IMPL_ID));
    // Not one of the IDs the spec registers (0 BBL, 1 OpenSBI, 2 Xvisor, 3 KVM, 4 RustSBI, 5 Diosix,
    // 6 Coffer, 7 Xen, 8 PolarFire HSS, 9 coreboot, 10 oreboot, 11 bhyve).
    expect(id.value).toBeGreaterThan(11n);
    const ver = sbiCall(vm, EXT.BASE, 2);
    expect(ver.error).toBe(ERR.success);
    expect(ver.value).toBe(BigInt(SBI_IMPL_VERSION));
  });

  const implemented: [string, number][] = [
    ['BASE', 0x10], ['TIME', 0x54494d45], ['IPI', 0x735049], ['RFENCE', 0x52464e43], ['HSM', 0x48534d], ['SRST', 0x53525354],
    ...Array.from({ length: 9 }, (_, i): [string, number] => [`legacy #${i}`, i]),
  ];
  it.each(implemented)('probe_extension(%s) returns non-zero', (_name, eid) => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.BASE, 3, BigInt(eid));
    expect(r.error).toBe(ERR.success);
    expect(r.value).not.toBe(0n);
  });

  it('the EXT table names the spec EIDs', () => {
    expect(EXT).toEqual({ BASE: 0x10, TIME: 0x54494d45, IPI: 0x735049, RFENCE: 0x52464e43, HSM: 0x48534d, SRST: 0x53525354 });
  });

  it.each([
    ['DBCN (not implemented)', 0x4442434e],
    ['PMU', 0x504d55],
    ['SUSP', 0x53555350],
    ['CPPC', 0x43505043],
    ['reserved legacy 0x09', 0x09],
    ['reserved legacy 0x0F', 0x0f],
    ['made-up', 0x0a00_0001],
    ['experimental 0x08000000', 0x0800_0000],
  ])('probe_extension(%s) returns 0', (_name, eid) => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.BASE, 3, BigInt(eid));
    expect(r.error).toBe(ERR.success);
    expect(r.value).toBe(0n);
  });

  it('get_mvendorid / get_marchid / get_mimpid match the hart\'s CSRs', () => {
    // What the CSRs read in M-mode: a bare-metal program copies them to a0..a2 and sleeps.
    const out: number[] = [];
    const bare = new VirtualMachine(coreModule(), describeMachine({ ramBytes: 16 * MiB, harts: 1 }), { consoleOut: (b) => out.push(...b), now: () => performance.now() });
    bare.boot({ bios: { kind: 'none' }, kernel: bytes([csrr(R.a0, 0xf11), csrr(R.a1, 0xf12), csrr(R.a2, 0xf13), WFI, j(-4)]) });
    expect(runUntilStop(bare).kind).toBe('idle');
    expect(bare.core.get64('MCAUSE')).toBe(0n); // no trap: the CSRs exist
    const csrs = [bare.core.x(R.a0), bare.core.x(R.a1), bare.core.x(R.a2)];

    const { vm } = boot();
    for (const [k, fid] of [4, 5, 6].entries()) {
      const r = sbiCall(vm, EXT.BASE, fid);
      expect(r.error, `fid ${fid}`).toBe(ERR.success);
      expect(BigInt.asUintN(64, r.value), `fid ${fid}`).toBe(csrs[k]);
    }
  });

  it('preserves every register except a0 and a1 (ch. 3)', () => {
    const { vm } = boot();
    const c = vm.core;
    const before = new Map<number, bigint>();
    for (let i = 1; i < 32; i++) { c.setX(i, 0x1111_0000_0000n + BigInt(i)); }
    c.setX(R.a7, BigInt(EXT.BASE));
    c.setX(R.a6, 0n);
    for (let i = 1; i < 32; i++) before.set(i, c.x(i));
    const pc = c.pc;
    vm.sbi.handle();
    for (let i = 1; i < 32; i++) if (i !== R.a0 && i !== R.a1) expect(c.x(i), `x${i}`).toBe(before.get(i));
    expect(c.pc).toBe(pc);
    expect(c.get32('PRIV')).toBe(1);
  });

  it('counts calls per extension', () => {
    const { vm } = boot();
    const n0 = vm.sbi.calls.get(EXT.BASE) ?? 0;
    sbiCall(vm, EXT.BASE, 0);
    sbiCall(vm, EXT.BASE, 1);
    legacyCall(vm, LEGACY.putchar, 0x41n);
    expect(vm.sbi.calls.get(EXT.BASE)).toBe(n0 + 2);
    expect(vm.sbi.calls.get(LEGACY.putchar)).toBe(1);
  });
});

// ---- unknown calls ---------------------------------------------------------------------------------
describe('SBI unknown EID / FID', () => {
  it.each([
    ['unknown EID', 0x0a00_0000, 0],
    ['unknown EID, fid 5', 0x4442434e, 5],
    ['BASE fid 7', EXT.BASE, 7],
    ['BASE fid 0x100', EXT.BASE, 0x100],
    ['TIME fid 1', EXT.TIME, 1],
    ['IPI fid 1', EXT.IPI, 1],
    ['RFENCE fid 7', EXT.RFENCE, 7],
    ['HSM fid 4', EXT.HSM, 4],
    ['SRST fid 1', SRST_EID, 1],
  ])('%s -> SBI_ERR_NOT_SUPPORTED', (_name, eid, fid) => {
    const { vm } = boot();
    const r = sbiCall(vm, eid, fid);
    expect(r.error).toBe(ERR.notSupported);
    expect(vm.exited).toBeUndefined();
  });
});

// ---- TIME (ch. 6) ------------------------------------------------------------------------------
describe('SBI TIME extension', () => {
  it('set_timer programs the S-timer deadline; STIP rises only when time reaches it', () => {
    const { vm } = boot();
    setTime(vm, 1000n);
    expect(mip(vm) & MIP_STIP).toBe(0n); // reset leaves the deadline at "never"
    const r = sbiCall(vm, EXT.TIME, 0, 5000n);
    expect(r.error).toBe(ERR.success);
    expect(vm.core.get64('STIMECMP')).toBe(5000n);
    expect(mip(vm) & MIP_STIP).toBe(0n);
    setTime(vm, 4999n);
    expect(mip(vm) & MIP_STIP).toBe(0n);
    setTime(vm, 5000n);
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
    setTime(vm, 123_456n);
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
  });

  it('set_timer clears a pending timer interrupt (new deadline in the future, or -1)', () => {
    const { vm } = boot();
    setTime(vm, 10_000n);
    sbiCall(vm, EXT.TIME, 0, 0n); // in the past: pending at once
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
    sbiCall(vm, EXT.TIME, 0, 20_000n);
    expect(vm.core.get64('STIMECMP')).toBe(20_000n);
    expect(mip(vm) & MIP_STIP).toBe(0n);
    sbiCall(vm, EXT.TIME, 0, 0n);
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
    sbiCall(vm, EXT.TIME, 0, ALL_ONES); // (uint64_t)-1: "infinitely far into the future"
    expect(vm.core.get64('STIMECMP')).toBe(ALL_ONES);
    expect(mip(vm) & MIP_STIP).toBe(0n);
    setTime(vm, 1n << 62n);
    expect(mip(vm) & MIP_STIP).toBe(0n);
  });

  it('the full 64-bit deadline is used (no truncation to 32 bits)', () => {
    const { vm } = boot();
    const deadline = 0x1_0000_0010n;
    sbiCall(vm, EXT.TIME, 0, deadline);
    expect(vm.core.get64('STIMECMP')).toBe(deadline);
    setTime(vm, 0x20n); // equal to the deadline's low word: must not fire
    expect(mip(vm) & MIP_STIP).toBe(0n);
    setTime(vm, deadline);
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
  });

  it('legacy set_timer (EID 0) does the same and returns 0 in a0, leaving a1 alone', () => {
    const { vm } = boot();
    setTime(vm, 500n);
    vm.core.setX(R.a1, 0xabcdn);
    expect(legacyCall(vm, LEGACY.setTimer, 900n)).toBe(0n);
    expect(vm.core.x(R.a1)).toBe(0xabcdn);
    expect(vm.core.get64('STIMECMP')).toBe(900n);
    expect(mip(vm) & MIP_STIP).toBe(0n);
    setTime(vm, 900n);
    expect(mip(vm) & MIP_STIP).toBe(MIP_STIP);
    legacyCall(vm, LEGACY.setTimer, ALL_ONES);
    expect(mip(vm) & MIP_STIP).toBe(0n);
  });

  it('a deadline makes an idle guest sleep until it (VM idle time)', () => {
    const { vm } = boot();
    setTime(vm, 0n);
    sbiCall(vm, EXT.TIME, 0, 10_000_000n * 60n); // a minute away: idle is capped at 1 s
    const r = vm.runSlice(1000);
    expect(r.kind).toBe('idle');
    if (r.kind === 'idle') {
      expect(r.sleepMs).toBeGreaterThan(500);
      expect(r.sleepMs).toBeLessThanOrEqual(1000);
    }
  });
});

// ---- IPI (ch. 7) -------------------------------------------------------------------------------
describe('SBI IPI extension', () => {
  it('send_ipi to hart 0 raises SSIP', () => {
    const { vm } = boot();
    expect(mip(vm) & MIP_SSIP).toBe(0n);
    const r = sbiCall(vm, EXT.IPI, 0, 1n, 0n);
    expect(r.error).toBe(ERR.success);
    expect(mip(vm) & MIP_SSIP).toBe(MIP_SSIP);
  });

  it('hart_mask_base = -1 means every hart', () => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.IPI, 0, 0n, ALL_ONES);
    expect(r.error).toBe(ERR.success);
    expect(mip(vm) & MIP_SSIP).toBe(MIP_SSIP);
  });

  it('an empty mask sends nothing', () => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.IPI, 0, 0n, 0n);
    expect(r.error).toBe(ERR.success);
    expect(mip(vm) & MIP_SSIP).toBe(0n);
  });

  it('the SSIP it raises is the one S-mode clears through sip', () => {
    // Guest: send an IPI to itself, read sip, clear SSIP through sip, read sip again, sleep.
    const program = [
      ...li(R.a7, EXT.IPI), addi(R.a6, 0, 0), addi(R.a0, 0, 1), addi(R.a1, 0, 0), ECALL,
      csrr(R.s0, CSR.sip),
      addi(R.t0, 0, 2), iType(0x73, 0, 3, R.t0, CSR.sip), // csrc sip, t0
      csrr(R.s1, CSR.sip),
      ...IDLE,
    ];
    const { vm } = boot(program);
    expect(runUntilStop(vm).kind).toBe('idle');
    expect(vm.core.x(R.s0) & MIP_SSIP).toBe(MIP_SSIP);
    expect(vm.core.x(R.s1) & MIP_SSIP).toBe(0n);
  });

  // Spec ch. 7: SBI_ERR_INVALID_PARAM "At least one hartid constructed from hart_mask_base and
  // hart_mask, is not valid". The board has one hart (hartid 0); sbi.ts ignores other targets and
  // returns success.
  it('send_ipi naming a hart that does not exist -> SBI_ERR_INVALID_PARAM (bit 1 of the mask)', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.IPI, 0, 0b10n, 0n).error).toBe(ERR.invalidParam);
  });
  it('send_ipi naming a hart that does not exist -> SBI_ERR_INVALID_PARAM (hart_mask_base 1)', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.IPI, 0, 1n, 1n).error).toBe(ERR.invalidParam);
    expect(mip(vm) & MIP_SSIP).toBe(0n);
  });

  it('legacy send_ipi (EID 4) raises SSIP and legacy clear_ipi (EID 3) drops it', () => {
    const { vm } = boot();
    // hart_mask is the address of a bit vector: point it at a word holding 1 (hart 0).
    vm.core.writeRam(0x1000, bytes([1, 0]));
    expect(legacyCall(vm, LEGACY.sendIpi, BigInt(DRAM_BASE + 0x1000))).toBe(0n);
    expect(mip(vm) & MIP_SSIP).toBe(MIP_SSIP);
    expect(legacyCall(vm, LEGACY.clearIpi)).toBeGreaterThanOrEqual(0n);
    expect(mip(vm) & MIP_SSIP).toBe(0n);
    expect(legacyCall(vm, LEGACY.clearIpi)).toBe(0n); // nothing was pending
  });

  // Legacy ch. 5.4: "returns 0 if no IPI had been pending, or an implementation specific positive
  // value if an IPI had been pending." sbi.ts always returns 0.
  it('legacy clear_ipi returns a positive value when an IPI was pending', () => {
    const { vm } = boot();
    sbiCall(vm, EXT.IPI, 0, 1n, 0n);
    expect(legacyCall(vm, LEGACY.clearIpi)).toBeGreaterThan(0n);
  });

  // Legacy ch. 5.5: hart_mask is the (virtual) address of a bit vector of harts; only harts whose bit
  // is set get the IPI (OpenSBI reads it with sbi_load_hart_mask_unpriv). sbi.ts never reads it.
  it('legacy send_ipi honours the hart mask it points to (an all-zero mask sends nothing)', () => {
    const { vm } = boot();
    vm.core.writeRam(0x1000, bytes([0, 0]));
    expect(legacyCall(vm, LEGACY.sendIpi, BigInt(DRAM_BASE + 0x1000))).toBe(0n);
    expect(mip(vm) & MIP_SSIP).toBe(0n);
  });
});

// ---- RFENCE (ch. 8) ------------------------------------------------------------------------------
describe('SBI RFENCE extension', () => {
  it.each([
    ['remote_fence_i', 0],
    ['remote_sfence_vma', 1],
    ['remote_sfence_vma_asid', 2],
  ])('%s on hart 0 succeeds', (_name, fid) => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.RFENCE, fid, 1n, 0n, 0n, 0n, 0n);
    expect(r.error).toBe(ERR.success);
    const all = sbiCall(vm, EXT.RFENCE, fid, 0n, ALL_ONES, 0n, ALL_ONES, 0n);
    expect(all.error).toBe(ERR.success);
  });

  it('legacy remote fences (EIDs 5..7) return 0', () => {
    const { vm } = boot();
    vm.core.writeRam(0x1000, bytes([1, 0]));
    const mask = BigInt(DRAM_BASE + 0x1000);
    expect(legacyCall(vm, LEGACY.fenceI, mask)).toBe(0n);
    expect(legacyCall(vm, LEGACY.sfenceVma, mask, 0n, 0n)).toBe(0n);
    expect(legacyCall(vm, LEGACY.sfenceVmaAsid, mask, 0n, 0n, 0n)).toBe(0n);
  });

  // Ch. 8.4-8.7: remote HFENCE.* are "only valid for harts implementing hypervisor extension";
  // SBI_ERR_NOT_SUPPORTED when "one of the target hart doesn't support hypervisor extension".
  // The hart's misa has no H, yet sbi.ts answers success for FIDs 3..6.
  it.each([
    ['remote_hfence_gvma_vmid', 3],
    ['remote_hfence_gvma', 4],
    ['remote_hfence_vvma_asid', 5],
    ['remote_hfence_vvma', 6],
  ])('%s on a hart without the H extension -> SBI_ERR_NOT_SUPPORTED', (_name, fid) => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.RFENCE, fid, 1n, 0n, 0n, 0n, 0n).error).toBe(ERR.notSupported);
  });
});

// ---- HSM (ch. 9) ------------------------------------------------------------------------------------
describe('SBI HSM extension', () => {
  it('hart_get_status(0) is STARTED (0)', () => {
    const { vm } = boot();
    const r = sbiCall(vm, EXT.HSM, 2, 0n);
    expect(r.error).toBe(ERR.success);
    expect(r.value).toBe(0n);
  });

  it.each([1n, 7n, 0xffff_ffffn, ALL_ONES])('hart_get_status(%s) -> SBI_ERR_INVALID_PARAM', (hart) => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.HSM, 2, hart).error).toBe(ERR.invalidParam);
  });

  it('hart_start(0): the hart already runs -> SBI_ERR_ALREADY_AVAILABLE', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.HSM, 0, 0n, BigInt(KERNEL_ENTRY), 0n).error).toBe(ERR.alreadyAvailable);
  });

  // Ch. 9.2: SBI_ERR_INVALID_PARAM "hartid is not a valid hartid as the corresponding hart cannot be
  // started in supervisor mode". sbi.ts returns ALREADY_AVAILABLE (-6) for every hartid.
  it('hart_start(1) on a one-hart board -> SBI_ERR_INVALID_PARAM', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.HSM, 0, 1n, BigInt(KERNEL_ENTRY), 0n).error).toBe(ERR.invalidParam);
  });

  it('hart_stop of the only hart fails with SBI_ERR_FAILED and the VM keeps running', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.HSM, 1).error).toBe(ERR.failed);
    expect(vm.exited).toBeUndefined();
  });

  // Ch. 9.5: suspend_type 0x00000001..0x0FFFFFFF is reserved; SBI_ERR_INVALID_PARAM "suspend_type is
  // reserved or is platform-specific and unimplemented". sbi.ts answers NOT_SUPPORTED (-2).
  it('hart_suspend with a reserved suspend_type -> SBI_ERR_INVALID_PARAM', () => {
    const { vm } = boot();
    expect(sbiCall(vm, EXT.HSM, 3, 1n, 0n, 0n).error).toBe(ERR.invalidParam);
  });
});

// ---- SRST (ch. 10) ---------------------------------------------------------------------------------------
describe('SBI SRST extension', () => {
  it.each<[string, bigint, VmExit]>([
    ['shutdown', 0n, { kind: 'poweroff' }],
    ['cold reboot', 1n, { kind: 'reboot' }],
    ['warm reboot', 2n, { kind: 'reboot' }],
  ])('system_reset(%s) ends the VM', (_name, type, exit) => {
    const { vm } = boot();
    sbiCall(vm, SRST_EID, 0, type, 0n);
    expect(vm.exited).toEqual(exit);
    const r = vm.runSlice(1000);
    expect(r).toMatchObject({ kind: 'exit', exit });
  });

  it('system_reset(shutdown, system failure) still shuts down', () => {
    const { vm } = boot();
    sbiCall(vm, SRST_EID, 0, 0n, 1n);
    expect(vm.exited).toEqual({ kind: 'poweroff' });
  });

  it.each([3n, 0x1000n, 0xefff_ffffn, 0xf000_0000n, 0xffff_ffffn])('system_reset(type %s): reserved or unimplemented -> SBI_ERR_INVALID_PARAM, VM keeps running', (type) => {
    const { vm } = boot();
    const r = sbiCall(vm, SRST_EID, 0, type, 0n);
    expect(r.error).toBe(ERR.invalidParam);
    expect(vm.exited).toBeUndefined();
    expect(vm.runSlice(1000).kind).not.toBe('exit');
  });

  // Ch. 10.1: reset_reason 0x00000002..0xDFFFFFFF is reserved; SBI_ERR_INVALID_PARAM "At least one of
  // reset_type or reset_reason is reserved or is platform-specific and unimplemented". sbi.ts never
  // looks at the reason and shuts down.
  it('system_reset(shutdown, reserved reason 2) -> SBI_ERR_INVALID_PARAM, no reset', () => {
    const { vm } = boot();
    const r = sbiCall(vm, SRST_EID, 0, 0n, 2n);
    expect(vm.exited).toBeUndefined();
    expect(r.error).toBe(ERR.invalidParam);
  });

  it('legacy shutdown (EID 8) powers off', () => {
    const { vm } = boot();
    legacyCall(vm, LEGACY.shutdown);
    expect(vm.exited).toEqual({ kind: 'poweroff' });
  });
});

// ---- legacy console (ch. 5) ----------------------------------------------------------------------------
describe('SBI legacy console', () => {
  it('console_putchar reaches consoleOut and returns 0; a1 is preserved', () => {
    const { vm, out } = boot();
    vm.core.setX(R.a1, 0x5a5an);
    for (const ch of 'Hi\n') expect(legacyCall(vm, LEGACY.putchar, BigInt(ch.charCodeAt(0)))).toBe(0n);
    expect(vm.core.x(R.a1)).toBe(0x5a5an);
    expect(String.fromCharCode(...out)).toBe('Hi\n');
  });

  it('console_putchar sends the low byte of ch', () => {
    const { vm, out } = boot();
    legacyCall(vm, LEGACY.putchar, 0x1_41n);
    legacyCall(vm, LEGACY.putchar, 0xffn);
    expect(out).toEqual([0x41, 0xff]);
  });

  it('console_getchar returns -1 when no input is waiting', () => {
    const { vm } = boot();
    expect(legacyCall(vm, LEGACY.getchar)).toBe(-1n);
    expect(vm.core.x(R.a0)).toBe(ALL_ONES); // sign-extended to XLEN
  });

  it('console_getchar returns the platform\'s byte', () => {
    const { vm } = boot();
    const queue = [0x61, 0x0d];
    const sbi = new Sbi(vm.core, { consolePut: () => {}, consoleGet: () => queue.shift() ?? -1, systemReset: () => {} });
    const get = () => { vm.core.setX(R.a7, BigInt(LEGACY.getchar)); sbi.handle(); return BigInt.asIntN(64, vm.core.x(R.a0)); };
    expect(get()).toBe(0x61n);
    expect(get()).toBe(0x0dn);
    expect(get()).toBe(-1n);
  });
});

// ---- end to end: ECALLs executed by the core in S-mode ---------------------------------------------------------
describe('SBI through a real S-mode ECALL', () => {
  it('the kernel starts in S-mode at 0x80200000 with a0 = hartid, a1 = DTB', () => {
    const { vm } = boot();
    expect(vm.core.pc).toBe(BigInt(KERNEL_ENTRY));
    expect(vm.core.get32('PRIV')).toBe(1);
    expect(vm.core.x(R.a0)).toBe(0n);
    const dtb = vm.core.x(R.a1);
    expect(dtb).toBeGreaterThan(BigInt(DRAM_BASE));
    const magic = new DataView(vm.core.ram().buffer, vm.core.ramOffset + Number(dtb - BigInt(DRAM_BASE)), 4).getUint32(0, false);
    expect(magic).toBe(0xd00dfeed);
  });

  it('li a7, 0x10; li a6, 0; ecall -> a0 = 0, a1 = spec version; other registers and CSRs untouched', () => {
    const program = [
      addi(R.a7, 0, 0x10), addi(R.a6, 0, 0), ...li(R.a2, 0x1234), ...li(R.t3, -77), addi(R.a0, 0, 99),
      ECALL,
      addi(R.s1, R.a0, 0), addi(R.s2, R.a1, 0), // copy the results: proves execution continued after the ECALL
      ...IDLE,
    ];
    const { vm } = boot(program);
    const r = runUntilStop(vm);
    expect(r.kind).toBe('idle');
    const c = vm.core;
    expect(c.x(R.s1)).toBe(0n);
    expect(c.x(R.s2)).toBe(0x0100_0000n);
    expect(c.x(R.a2)).toBe(0x1234n);
    expect(BigInt.asIntN(64, c.x(R.t3))).toBe(-77n);
    expect(c.x(R.a7)).toBe(0x10n);
    expect(c.get32('PRIV')).toBe(1); // still S-mode
    expect(c.get64('SCAUSE')).toBe(0n); // nothing trapped into the kernel
    expect(c.get64('MCAUSE')).toBe(0n);
    // pc is on the idle loop after the copies
    const idleAt = BigInt(KERNEL_ENTRY + 4 * (program.length - 2));
    expect([idleAt, idleAt + 4n]).toContain(c.pc);
    expect(vm.sbi.calls.get(EXT.BASE)).toBe(1);
  });

  it('probe_extension(TIME) and an unknown EID through ECALL', () => {
    const program = [
      ...li(R.a7, 0x10), addi(R.a6, 0, 3), ...li(R.a0, 0x54494d45), ECALL, addi(R.s0, R.a0, 0), addi(R.s1, R.a1, 0),
      ...li(R.a7, 0x0abc_0000), addi(R.a6, 0, 0), ECALL, addi(R.s2, R.a0, 0),
      ...IDLE,
    ];
    const { vm } = boot(program);
    expect(runUntilStop(vm).kind).toBe('idle');
    expect(vm.core.x(R.s0)).toBe(0n);
    expect(vm.core.x(R.s1)).not.toBe(0n);
    expect(BigInt.asIntN(64, vm.core.x(R.s2))).toBe(-2n);
  });

  it('legacy putchar then SRST shutdown: output appears and the VM powers off', () => {
    const program = [
      addi(R.a7, 0, 1), addi(R.a0, 0, 0x4f), ECALL, addi(R.a0, 0, 0x4b), ECALL, // "OK"
      ...li(R.a7, SRST_EID), addi(R.a6, 0, 0), addi(R.a0, 0, 0), addi(R.a1, 0, 0), ECALL,
      ...li(R.s0, 0x666), ...IDLE, // must not be reached
    ];
    const { vm, out } = boot(program);
    const r = runUntilStop(vm);
    expect(r).toMatchObject({ kind: 'exit', exit: { kind: 'poweroff' } });
    expect(String.fromCharCode(...out)).toBe('OK');
    expect(vm.core.x(R.s0)).not.toBe(0x666n);
  });

  it('set_timer(0) with STIE and SIE set: the S timer interrupt is taken right after the ECALL', () => {
    // stvec -> handler; sie.STIE; sstatus.SIE; set_timer(0); spin. Handler: s1 = scause, s2 = 1, shutdown.
    const handlerIndex = 16;
    const main = [
      /* 0 */ ...la(R.t0, 0, handlerIndex), // 2 words
      /* 2 */ csrrw(0, CSR.stvec, R.t0),
      /* 3 */ addi(R.t0, 0, 0x20), csrrs(0, CSR.sie, R.t0), // sie.STIE
      /* 5 */ addi(R.t0, 0, 0x2), csrrs(0, CSR.sstatus, R.t0), // sstatus.SIE
      /* 7 */ ...li(R.a7, EXT.TIME), // 2 words
      /* 9 */ addi(R.a6, 0, 0), addi(R.a0, 0, 0), ECALL,
      /* 12 */ addi(R.s0, 0, 1), // s0 = 1: execution came back here before the interrupt? (it must not)
      /* 13 */ j(0),
    ];
    while (main.length < handlerIndex) main.push(addi(0, 0, 0));
    const handler = [
      csrr(R.s1, CSR.scause), addi(R.s2, 0, 1),
      ...li(R.a7, SRST_EID), addi(R.a6, 0, 0), addi(R.a0, 0, 0), addi(R.a1, 0, 0), ECALL, j(0),
    ];
    const { vm } = boot([...main, ...handler]);
    const r = runUntilStop(vm);
    expect(r).toMatchObject({ kind: 'exit', exit: { kind: 'poweroff' } });
    expect(vm.core.x(R.s2)).toBe(1n);
    expect(vm.core.x(R.s1)).toBe((1n << 63n) | 5n); // supervisor timer interrupt
    // The interrupt is taken at the instruction after the ECALL, before it runs.
    expect(vm.core.get64('SEPC')).toBe(BigInt(KERNEL_ENTRY + 12 * 4));
    expect(vm.core.x(R.s0)).toBe(0n);
  });

  it('set_timer 200 ms ahead, WFI: the guest sleeps until the deadline, then sees sip.STIP', async () => {
    const program = [
      addi(R.t0, 0, 0x20), csrrs(0, CSR.sie, R.t0), // STIE enabled, SIE off: WFI wakes, no trap
      csrr(R.s0, CSR.time),
      ...li(R.t1, 2_000_000), add(R.a0, R.s0, R.t1), // now + 200 ms (room for a loaded host)
      ...li(R.a7, EXT.TIME), addi(R.a6, 0, 0), ECALL,
      csrr(R.s1, CSR.sip), // before: not pending
      WFI, // WFI may end early (privileged spec §3.3.3): loop until STIP shows
      csrr(R.s2, CSR.sip),
      iType(0x13, R.t2, 7, R.s2, 0x20), beq(R.t2, 0, -12), // andi t2, s2, STIP; beqz t2, WFI
      csrr(R.t3, CSR.time),
      ...li(R.a7, SRST_EID), addi(R.a6, 0, 0), addi(R.a0, 0, 0), addi(R.a1, 0, 0), ECALL, j(0),
    ];
    const { vm } = boot(program);
    let firstSleep = -1;
    const t0 = performance.now();
    for (;;) {
      const r = vm.runSlice(100_000);
      if (r.kind === 'exit') { expect(r.exit).toEqual({ kind: 'poweroff' }); break; }
      if (r.kind === 'idle') {
        if (firstSleep < 0) firstSleep = r.sleepMs;
        await new Promise((res) => setTimeout(res, Math.max(1, r.sleepMs)));
      }
      if (performance.now() - t0 > 3000) throw new Error('guest did not wake from WFI');
    }
    expect(firstSleep).toBeGreaterThan(0);
    expect(firstSleep).toBeLessThanOrEqual(200);
    expect(vm.core.x(R.s1) & MIP_STIP).toBe(0n);
    expect(vm.core.x(R.s2) & MIP_STIP).toBe(MIP_STIP);
    expect(vm.core.x(R.t3) - vm.core.x(R.s0)).toBeGreaterThanOrEqual(2_000_000n);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150); // it really slept
  });

  it('ECALL from U-mode is not answered by the SBI: it traps to the kernel (cause 8)', () => {
    // S-mode: stvec -> handler, sepc -> user code, sstatus.SPP = 0, sret. User: ecall. Handler: sleep.
    const userIndex = 12, handlerIndex = 16;
    const main = [
      ...la(R.t0, 0, handlerIndex), csrrw(0, CSR.stvec, R.t0),
      ...la(R.t0, 3, userIndex), csrrw(0, 0x141, R.t0), // sepc
      addi(R.t0, 0, 0x100), iType(0x73, 0, 3, R.t0, CSR.sstatus), // clear SPP
      addi(R.a7, 0, 0x10), addi(R.a6, 0, 0),
      0x10200073, // sret
    ];
    while (main.length < userIndex) main.push(addi(0, 0, 0));
    const user = [ECALL, j(0)];
    while (main.length + user.length < handlerIndex) user.push(addi(0, 0, 0));
    const handler = [csrr(R.s1, CSR.scause), ...IDLE];
    const { vm } = boot([...main, ...user, ...handler]);
    expect(runUntilStop(vm).kind).toBe('idle');
    expect(vm.core.x(R.s1)).toBe(8n);
    expect(vm.core.get64('SEPC')).toBe(BigInt(KERNEL_ENTRY + userIndex * 4));
    expect(vm.sbi.calls.size).toBe(0);
  });
});
