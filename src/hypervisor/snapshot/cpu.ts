/**
 * The hart's architectural state as a plain object of named fields, read and written through the
 * core's exported field offsets (core/core.ts, asm/state.ts). Caches (TLB, decode cache, the fetch
 * page) are not state: restore rebuilds them. The LR reservation is not carried over: it is
 * cleared, which the ISA allows at any time (an SC then fails and the guest retries).
 *
 * What is left out on purpose, all host mailboxes or values derived from saved ones:
 *   MIP (recomputed from mipSw, CLINT, PLIC lines and timers), EXT_IRQ (driven by the PLIC's
 *   restore), MMIO_STATUS, STOP, EXECUTED, STOP_REQ, RAM_SIZE and BOARD_* (set by configure()
 *   from the machine description), and the core's time rate (tuned to the host's speed).
 */
import type { Core, StateField } from '../core/core.ts';
import { FieldReader, SnapshotError, hex64 } from './check.ts';

export const CPU_STATE_VERSION = 1;

/** PMP registers the core implements (asm/csr.ts PMP_ENTRIES): pmpcfg0..3 slots, pmpaddr0..15. */
const PMPCFG_SLOTS = 4;
const PMPADDR_COUNT = 16;

/** 64-bit CSRs and timers kept as one state field each: [state field, saved name]. */
const CSR64 = [
  ['MSTATUS', 'mstatus'], ['MEDELEG', 'medeleg'], ['MIDELEG', 'mideleg'], ['MIE', 'mie'],
  ['MIP_SW', 'mipSw'], ['MTVEC', 'mtvec'], ['MSCRATCH', 'mscratch'], ['MEPC', 'mepc'],
  ['MCAUSE', 'mcause'], ['MTVAL', 'mtval'], ['STVEC', 'stvec'], ['SSCRATCH', 'sscratch'],
  ['SEPC', 'sepc'], ['SCAUSE', 'scause'], ['STVAL', 'stval'], ['SATP', 'satp'],
  ['MENVCFG', 'menvcfg'], ['SENVCFG', 'senvcfg'], ['MCOUNTINHIBIT', 'mcountinhibit'],
  ['MTIMECMP', 'mtimecmp'], ['STIMECMP', 'stimecmp'], ['TIME', 'time'], ['INSTRET', 'instret'],
  ['CYCLE', 'cycle'],
] as const satisfies readonly (readonly [StateField, string])[];

type Csr64Name = (typeof CSR64)[number][1];

export type CpuState = {
  readonly pc: string;
  /** 0 U, 1 S, 3 M. */
  readonly priv: number;
  /** x0..x31 (x0 is always "0x0"). */
  readonly x: readonly string[];
  /** f0..f31, raw 64-bit patterns (NaN-boxed singles included). */
  readonly f: readonly string[];
  readonly fflags: number;
  readonly frm: number;
  readonly mcounteren: number;
  readonly scounteren: number;
  /** CLINT msip of this hart. */
  readonly msip: number;
  /** 1: STIP follows stimecmp (the built-in SBI's timer). */
  readonly sbiTimer: number;
  /** 1: S-mode ECALLs go to the host's built-in SBI. */
  readonly sbiMode: number;
  readonly hartid: number;
  readonly pmpcfg: readonly string[];
  readonly pmpaddr: readonly string[];
} & { readonly [K in Csr64Name]: string };

/** mstatus bits the core ever stores (asm/csr.ts MSTATUS_WRITABLE); SD, UXL, SXL are computed on read. */
const MSTATUS_STORED = 0x7e79aan;
const SATP_MODES = [0n, 8n, 9n];

function globalOffset(core: Core, name: string): number {
  const g = core.exports[name] as WebAssembly.Global | undefined;
  if (!g) throw new Error(`core module lacks export ${name}`);
  return core.stateOffset + Number(g.value);
}

function stateView(core: Core): DataView {
  return new DataView(core.memory.buffer);
}

export function saveCpu(core: Core): CpuState {
  const view = stateView(core);
  const cfg = globalOffset(core, 'O_PMPCFG');
  const addr = globalOffset(core, 'O_PMPADDR');
  const csrs = {} as Record<Csr64Name, string>;
  for (const [field, name] of CSR64) csrs[name] = hex64(core.get64(field));
  return {
    pc: hex64(core.pc),
    priv: core.get32('PRIV'),
    x: Array.from({ length: 32 }, (_, i) => hex64(core.x(i))),
    f: Array.from({ length: 32 }, (_, i) => hex64(core.f(i))),
    fflags: core.exports.fflags(),
    frm: core.get32('FRM'),
    mcounteren: core.get32('MCOUNTEREN'),
    scounteren: core.get32('SCOUNTEREN'),
    msip: core.get32('MSIP'),
    sbiTimer: core.get32('SBI_TIMER'),
    sbiMode: core.get32('SBI_MODE'),
    hartid: core.getNum('HARTID'),
    pmpcfg: Array.from({ length: PMPCFG_SLOTS }, (_, i) => hex64(view.getBigUint64(cfg + i * 8, true))),
    pmpaddr: Array.from({ length: PMPADDR_COUNT }, (_, i) => hex64(view.getBigUint64(addr + i * 8, true))),
    ...csrs,
  };
}

const CPU_FIELDS = [
  'pc', 'priv', 'x', 'f', 'fflags', 'frm', 'mcounteren', 'scounteren', 'msip', 'sbiTimer', 'sbiMode',
  'hartid', 'pmpcfg', 'pmpaddr', ...CSR64.map(([, n]) => n),
];

/** Check an untrusted value is a CpuState this core can load; throws SnapshotError. */
export function checkCpuState(value: unknown): CpuState {
  const r = new FieldReader('cpu', value);
  r.only(CPU_FIELDS);
  r.u64('pc');
  const priv = r.int('priv', 0, 3);
  if (priv === 2) r.fail('priv', 'is 2 (reserved: no H extension)');
  const x = r.u64s('x', 32);
  if (x[0] !== 0n) r.fail('x', 'has x0 != 0');
  r.u64s('f', 32);
  r.int('fflags', 0, 31);
  r.int('frm', 0, 7);
  r.int('mcounteren', 0, 0xffff_ffff);
  r.int('scounteren', 0, 0xffff_ffff);
  r.int('msip', 0, 1);
  r.int('sbiTimer', 0, 1);
  r.int('sbiMode', 0, 1);
  r.int('hartid', 0, 7);
  r.u64s('pmpcfg', PMPCFG_SLOTS);
  r.u64s('pmpaddr', PMPADDR_COUNT);
  for (const [, name] of CSR64) r.u64(name);
  const mstatus = r.u64('mstatus');
  if (mstatus & ~MSTATUS_STORED) r.fail('mstatus', `has bits the core never sets (${hex64(mstatus & ~MSTATUS_STORED)})`);
  if (((mstatus >> 11n) & 3n) === 2n) r.fail('mstatus', 'has MPP = 2 (reserved)');
  if (!SATP_MODES.includes(r.u64('satp') >> 60n)) r.fail('satp', 'has a MODE the core does not implement');
  return value as CpuState;
}

/**
 * Load a checked CpuState into the core and rebuild what depends on it (TLB sets for the new
 * privilege, mip, the decode cache). The core must not be running.
 */
export function restoreCpu(core: Core, s: CpuState): void {
  if (s.hartid !== core.getNum('HARTID')) {
    throw new SnapshotError(`cpu state: saved for hart ${s.hartid}, this core is hart ${core.getNum('HARTID')}`);
  }
  const view = stateView(core);
  const cfg = globalOffset(core, 'O_PMPCFG');
  const addr = globalOffset(core, 'O_PMPADDR');
  core.pc = BigInt(s.pc);
  core.set32('PRIV', s.priv);
  for (let i = 1; i < 32; i++) core.setX(i, BigInt(s.x[i]));
  for (let i = 0; i < 32; i++) core.setF(i, BigInt(s.f[i]));
  for (const [field, name] of CSR64) core.set64(field, BigInt(s[name]));
  core.set32('FRM', s.frm);
  core.exports.setFflagsValue(s.fflags);
  core.set32('FFLAGS', s.fflags);
  core.set32('MCOUNTEREN', s.mcounteren);
  core.set32('SCOUNTEREN', s.scounteren);
  core.set32('MSIP', s.msip);
  core.set32('SBI_TIMER', s.sbiTimer);
  core.set32('SBI_MODE', s.sbiMode);
  for (let i = 0; i < PMPCFG_SLOTS; i++) view.setBigUint64(cfg + i * 8, BigInt(s.pmpcfg[i]), true);
  for (let i = 0; i < PMPADDR_COUNT; i++) view.setBigUint64(addr + i * 8, BigInt(s.pmpaddr[i]), true);
  core.set64('RESERVATION', -1n);
  core.exports.flushCode();
  core.exports.stateChanged();
}
