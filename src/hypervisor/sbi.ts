/**
 * The built-in SBI firmware: the hypervisor answers the S-mode kernel's ECALLs itself — the
 * paravirtual interface of the lab (DESIGN.md §2). Implements SBI v1.0's BASE, TIME, IPI, RFENCE,
 * HSM and SRST extensions plus the legacy console/timer calls Linux's early console uses.
 */
import type { Core } from './core/core.ts';

export const SBI_SPEC_VERSION = (1 << 24) | 0; // v1.0
/** Implementation ID: not in the SBI registry; picked so it doesn't collide with registered ones. */
export const SBI_IMPL_ID = 0x766c; // "vl"
export const SBI_IMPL_VERSION = 1;

export const enum SbiError {
  Success = 0,
  Failed = -1,
  NotSupported = -2,
  InvalidParam = -3,
  AlreadyAvailable = -6,
}

export const EXT = {
  BASE: 0x10,
  TIME: 0x54494d45,
  IPI: 0x735049,
  RFENCE: 0x52464e43,
  HSM: 0x48534d,
  SRST: 0x53525354,
} as const;

const LEGACY_SET_TIMER = 0x00;
const LEGACY_PUTCHAR = 0x01;
const LEGACY_GETCHAR = 0x02;
const LEGACY_CLEAR_IPI = 0x03;
const LEGACY_SEND_IPI = 0x04;
const LEGACY_REMOTE_FENCE_I = 0x05;
const LEGACY_REMOTE_SFENCE_VMA = 0x06;
const LEGACY_REMOTE_SFENCE_VMA_ASID = 0x07;
const LEGACY_SHUTDOWN = 0x08;

export type ResetKind = 'shutdown' | 'cold-reboot' | 'warm-reboot';

/** What the SBI needs from the rest of the machine. */
export interface SbiPlatform {
  consolePut(byte: number): void;
  /** A byte of console input, or -1 when none is waiting. */
  consoleGet(): number;
  /** The guest asked to power off or reboot; `reason` is the SBI reset reason (0 none, 1 failure). */
  systemReset(kind: ResetKind, reason: number): void;
}

const MIP_SSIP = 1n << 1n;
const ALL_HARTS = 0xffffffffffffffffn;
/** SRST reset reasons: 0 none, 1 system failure; 0xF0000000.. vendor; the rest is reserved. */
const SRST_REASON_VENDOR = 0xf0000000;
/** HSM suspend types: 0 default retentive, 0x80000000 default non-retentive, 0x10000000.. and
 *  0x90000000.. platform-specific; the rest is reserved. */
const SUSPEND_DEFAULT_RETENTIVE = 0;
const SUSPEND_DEFAULT_NON_RETENTIVE = 0x80000000;

/**
 * PMP entry 0 over all of memory, NAPOT with RWX, as firmware leaves it for the OS (OpenSBI's
 * last entry does the same): with every entry OFF, S- and U-mode could access nothing. The
 * caller makes the core see it (stateChanged).
 */
export function openPmp(core: Core): void {
  core.set64('PMPADDR', 0x003f_ffff_ffff_ffffn);
  core.set64('PMPCFG', 0x1fn);
}

export class Sbi {
  /** Counts per extension, for the dashboard's "paravirtual calls" figure. */
  readonly calls = new Map<number, number>();

  constructor(private readonly core: Core, private readonly platform: SbiPlatform) {}

  /** Set up the hart the way SBI firmware leaves it before entering the kernel in S-mode. */
  prepareHart(): void {
    const c = this.core;
    c.set32('SBI_MODE', 1);
    c.set32('SBI_TIMER', 1);
    // Delegate every exception and S-level interrupt: nothing is left for M-mode to handle, since
    // there is no M-mode software — ECALLs from S come to us instead.
    c.set64('MEDELEG', 0xb1ffn);
    c.set64('MIDELEG', 0x222n);
    // cycle, time, instret readable from S, and from U as well: OpenSBI sets scounteren = 7 in
    // mstatus_init and Linux relies on it (it never writes scounteren without the SBI PMU driver),
    // so user programs reading the clock (busybox `time`, the vDSO) would otherwise get SIGILL.
    c.set32('MCOUNTEREN', 7);
    c.set32('SCOUNTEREN', 7);
    openPmp(c);
    c.set32('PRIV', 1);
    c.exports.stateChanged();
  }

  /** Handle the ECALL the core stopped on. Arguments in a0..a5, FID in a6, EID in a7. */
  handle(): void {
    const c = this.core;
    const eid = Number(c.x(17) & 0xffffffffn);
    const fid = Number(c.x(16) & 0xffffffffn);
    this.calls.set(eid, (this.calls.get(eid) ?? 0) + 1);
    if (eid <= LEGACY_SHUTDOWN) {
      c.setX(10, BigInt(this.legacy(eid)));
      return;
    }
    const [error, value] = this.call(eid, fid);
    c.setX(10, BigInt(error));
    c.setX(11, BigInt(value));
  }

  private arg(i: number): bigint { return this.core.x(10 + i); }

  private setTimer(deadline: bigint): void {
    this.core.set64('STIMECMP', deadline);
    this.core.exports.interruptsChanged();
  }

  private legacy(eid: number): number {
    switch (eid) {
      case LEGACY_SET_TIMER: this.setTimer(this.arg(0)); return 0;
      case LEGACY_PUTCHAR: this.platform.consolePut(Number(this.arg(0) & 0xffn)); return 0;
      case LEGACY_GETCHAR: return this.platform.consoleGet();
      case LEGACY_CLEAR_IPI: {
        // "An implementation specific positive value if an IPI had been pending."
        const was = (this.core.get64('MIP_SW') & MIP_SSIP) !== 0n;
        this.setSsip(false);
        return was ? 1 : 0;
      }
      case LEGACY_SEND_IPI: {
        // a0 is the S-mode virtual address of a hart bit mask (0 = all harts).
        const at = this.arg(0);
        const mask = at === 0n ? 1n : this.core.loadVirtual64(at);
        if (mask === undefined) return SbiError.InvalidParam;
        if (mask & 1n) this.setSsip(true);
        return 0;
      }
      case LEGACY_REMOTE_FENCE_I: return 0;
      case LEGACY_REMOTE_SFENCE_VMA: case LEGACY_REMOTE_SFENCE_VMA_ASID: this.core.exports.flushTlb(); return 0;
      case LEGACY_SHUTDOWN: this.platform.systemReset('shutdown', 0); return 0;
    }
    return SbiError.NotSupported;
  }

  private setSsip(on: boolean): void {
    const c = this.core;
    const sw = c.get64('MIP_SW');
    c.set64('MIP_SW', on ? sw | MIP_SSIP : sw & ~MIP_SSIP);
    c.exports.interruptsChanged();
  }

  private call(eid: number, fid: number): [number, number] {
    switch (eid) {
      case EXT.BASE:
        switch (fid) {
          case 0: return [0, SBI_SPEC_VERSION];
          case 1: return [0, SBI_IMPL_ID];
          case 2: return [0, SBI_IMPL_VERSION];
          case 3: return [0, this.supports(Number(this.arg(0) & 0xffffffffn)) ? 1 : 0];
          case 4: case 5: case 6: return [0, 0]; // mvendorid, marchid, mimpid
        }
        break;
      case EXT.TIME:
        if (fid === 0) { this.setTimer(this.arg(0)); return [0, 0]; }
        break;
      case EXT.IPI:
        if (fid === 0) {
          const targets = this.targetHarts(this.arg(0), this.arg(1));
          if (!targets) return [SbiError.InvalidParam, 0];
          if (targets.includes(0)) this.setSsip(true);
          return [0, 0];
        }
        break;
      case EXT.RFENCE:
        if (fid <= 2) {
          if (!this.targetHarts(this.arg(0), this.arg(1))) return [SbiError.InvalidParam, 0];
          if (fid !== 0) this.core.exports.flushTlb();
          return [0, 0];
        }
        // FIDs 3..6 are the HFENCE calls, only for harts with the H extension (ours has none).
        if (fid <= 6) return [SbiError.NotSupported, 0];
        break;
      case EXT.HSM:
        switch (fid) {
          // hart_start: hart 0 already runs; any other id names no hart of this board.
          case 0: return this.arg(0) === 0n ? [SbiError.AlreadyAvailable, 0] : [SbiError.InvalidParam, 0];
          case 1: return [SbiError.Failed, 0]; // hart_stop of the only hart
          case 2: return this.arg(0) === 0n ? [0, 0] : [SbiError.InvalidParam, 0]; // 0 = STARTED
          case 3: { // hart_suspend: the default types are valid but not offered; others are reserved
            const type = Number(this.arg(0) & 0xffffffffn);
            const known = type === SUSPEND_DEFAULT_RETENTIVE || type === SUSPEND_DEFAULT_NON_RETENTIVE;
            return [known ? SbiError.NotSupported : SbiError.InvalidParam, 0];
          }
        }
        break;
      case EXT.SRST:
        if (fid === 0) {
          const type = Number(this.arg(0) & 0xffffffffn);
          const reason = Number(this.arg(1) & 0xffffffffn);
          const kind: ResetKind | undefined = type === 0 ? 'shutdown' : type === 1 ? 'cold-reboot' : type === 2 ? 'warm-reboot' : undefined;
          if (!kind || (reason > 1 && reason < SRST_REASON_VENDOR)) return [SbiError.InvalidParam, 0];
          this.platform.systemReset(kind, reason);
          return [0, 0];
        }
        break;
    }
    return [SbiError.NotSupported, 0];
  }

  /** The harts a (hart_mask, hart_mask_base) pair names, or undefined when it names one that does
   *  not exist (SBI_ERR_INVALID_PARAM). Base -1 means every hart. */
  private targetHarts(mask: bigint, base: bigint): number[] | undefined {
    const harts = this.harts;
    if (base === ALL_HARTS) return Array.from({ length: harts }, (_, i) => i);
    const out: number[] = [];
    for (let bit = 0n; bit < 64n; bit++) {
      if (!((mask >> bit) & 1n)) continue;
      const id = base + bit;
      if (id >= BigInt(harts)) return undefined;
      out.push(Number(id));
    }
    return out;
  }

  private get harts(): number { return 1; }

  private supports(eid: number): boolean {
    return Object.values(EXT).includes(eid as never) || eid <= LEGACY_SHUTDOWN;
  }
}
