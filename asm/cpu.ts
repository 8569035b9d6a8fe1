// Per-run CPU globals that are not architectural state (those live in linear memory, state.ts):
// the current fetch page, the TLB sets in force, the trap hand-off and the time base.
import { REFETCH, TLB, TLB_SET_SIZE, TLB_CONTEXTS } from './layout';
import {
  get32, get64, set64, O_PRIV, O_MSTATUS, O_SATP, O_TIME, O_MIP, O_MIP_SW, O_MSIP, O_MTIMECMP,
  O_STIMECMP, O_SBI_TIMER, O_EXT_IRQ, MS_MPRV, MS_MPP, MS_MPP_SHIFT, MS_SUM, PRV_M, PRV_S, PRV_U,
  MIP_MSIP, MIP_MTIP, MIP_STIP, MIP_SSIP, MIP_SEIP, MIP_MEIP,
} from './state';

// ---- fetch page: the decoded slots of the page pc is in -------------------------------------
/** Virtual address of the page whose slots are at fetchSlots. */
export let fetchVa: u64 = 0;
/** Decoded slots for fetchVa's page; REFETCH (every slot says "fetch again") forces a re-check. */
export let fetchSlots: usize = REFETCH;
/** Host address of the page's bytes (for decoding). */
export let fetchHost: usize = 0;

/** Make the next instruction go through slowFetch: interrupts, translation and decode cache are
 *  looked at again. Used whenever privilege, translation or interrupt enables change. */
@inline export function forceRefetch(): void { fetchSlots = REFETCH; }

export function setFetchPage(va: u64, slots: usize, host: usize): void {
  fetchVa = va; fetchSlots = slots; fetchHost = host;
}

// ---- trap hand-off ----------------------------------------------------------------------------
/** Set by a memory slow path that raised an exception; trapPc holds the handler's address.
 *  The instruction that sees it must not write its destination register. */
export let trapped: bool = false;
export let trapPc: u64 = 0;
@inline export function setTrap(pc: u64): void { trapped = true; trapPc = pc; }
@inline export function takeTrapPc(): u64 { trapped = false; return trapPc; }

/** Stop requested by a device callback or by the host while running (see run.ts). */
export let stopRequested: bool = false;
export function requestStop(): void { stopRequested = true; forceRefetch(); }
export function clearStop(): void { stopRequested = false; }

// ---- time ---------------------------------------------------------------------------------------
// The core has no clock: the host writes mtime (10 MHz ticks) into O_TIME before each run, and
// within a run time advances with retired instructions at timeRate/65536 ticks per instruction so
// that polling loops (udelay, bare-metal busy waits) see time move. The host keeps time monotonic
// by never setting O_TIME below the value run() leaves there.
export let timeRate: u32 = 3277; // ~0.05 tick/insn: about 200 MIPS at 10 MHz
export function setTimeRate(r: u32): void { timeRate = r; }
/** Instructions retired in the current run, as last published by the loop. */
export let retiredNow: u64 = 0;
@inline export function publishRetired(n: u64): void { retiredNow = n; }
@inline export function currentTime(): u64 {
  return get64(O_TIME) + ((retiredNow * <u64>timeRate) >> 16);
}

// ---- interrupt lines -------------------------------------------------------------------------
/** mip as software sees it: software-written bits plus the lines driven by CLINT, PLIC and the
 *  built-in SBI timer. Call after any of them may have changed. */
export function recomputeMip(): void {
  const now = currentTime();
  let hw: u64 = 0;
  if (get32(O_MSIP) & 1) hw |= MIP_MSIP;
  if (now >= get64(O_MTIMECMP)) hw |= MIP_MTIP;
  const ext = get32(O_EXT_IRQ);
  if (ext & 1) hw |= MIP_MEIP;
  if (ext & 2) hw |= MIP_SEIP;
  let sw = get64(O_MIP_SW) & (MIP_SSIP | MIP_STIP | MIP_SEIP);
  if (get32(O_SBI_TIMER)) {
    sw &= ~MIP_STIP;
    if (now >= get64(O_STIMECMP)) hw |= MIP_STIP;
  }
  const old = get64(O_MIP);
  const mip = sw | hw;
  set64(O_MIP, mip);
  if (mip != old) forceRefetch();
}

// ---- TLB contexts ------------------------------------------------------------------------------
// Each access kind has four TLB sets so that the frequent switches (U<->S on every syscall, SUM
// toggled around every copy_from_user) cost nothing: U, S with SUM=0, S with SUM=1, M/bare.
export const CTX_U: u32 = 0;
export const CTX_S: u32 = 1;
export const CTX_S_SUM: u32 = 2;
export const CTX_M: u32 = 3;
export const KIND_FETCH: u32 = 0;
export const KIND_LOAD: u32 = 1;
export const KIND_STORE: u32 = 2;

export let fetchTlb: usize = TLB;
export let loadTlb: usize = TLB;
export let storeTlb: usize = TLB;
/** Effective privilege of data accesses (MPRV applied) and of fetches. */
export let dataPriv: u32 = PRV_M;
export let fetchPriv: u32 = PRV_M;

@inline export function tlbSet(kind: u32, ctx: u32): usize {
  return TLB + (<usize>(kind * TLB_CONTEXTS + ctx)) * TLB_SET_SIZE;
}

function ctxOf(priv: u32, sum: bool): u32 {
  if (priv == PRV_M) return CTX_M;
  if (priv == PRV_U) return CTX_U;
  return sum ? CTX_S_SUM : CTX_S;
}

/** Pick the TLB sets for the current privilege, MPRV/MPP and SUM. */
export function updateContexts(): void {
  const priv = get32(O_PRIV);
  const ms = get64(O_MSTATUS);
  fetchPriv = priv;
  dataPriv = priv;
  if (priv == PRV_M && (ms & MS_MPRV)) dataPriv = <u32>((ms & MS_MPP) >> MS_MPP_SHIFT);
  const sum = (ms & MS_SUM) != 0;
  fetchTlb = tlbSet(KIND_FETCH, ctxOf(fetchPriv, false));
  loadTlb = tlbSet(KIND_LOAD, ctxOf(dataPriv, sum));
  storeTlb = tlbSet(KIND_STORE, ctxOf(dataPriv, sum));
  forceRefetch();
}

/** True when `priv` translates through satp (S or U with a paging mode set). */
@inline export function pagingOn(priv: u32): bool {
  return priv != PRV_M && (get64(O_SATP) >> 60) != 0;
}

export { PRV_S };
