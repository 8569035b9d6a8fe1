// The slow part of instruction fetch, run when pc leaves the current page, when something forced a
// re-check (privilege, translation or interrupt enables changed), or at the last halfword of a
// page. It takes pending interrupts, translates pc, and finds the page's decoded slots.
import { SCRATCH } from './layout';
import { decodeInto } from './decode';
import {
  fetchTlb, setFetchPage, stopRequested, requestStop, KIND_FETCH, fetchVa, fetchHost, fetchPriv,
} from './cpu';
import { pmpAllows, pmpPageUniform } from './pmp';
import { translate, xlateFailed, xlateFault, pageHost, tlbFill, tlbEntry } from './mmu';
import { checkInterrupts, exception } from './trap';
import { slotsFor } from './dcache';
import { EXC_INSN_ACCESS, O_STOP_REQ } from './state';
import { STATE } from './layout';

/** The pc to continue at after slowFetch (an interrupt or a fetch fault may have moved it). */
export let curPc: u64 = 0;
/** The pc and bits of the instruction last decoded into the scratch slot (a page-straddler), so
 *  an illegal-instruction trap can report all 32 bits in mtval. */
export let straddlePc: u64 = <u64>-1;
export let straddleBits: u32 = 0;

/** Host page holding the code at `va`, or 0 after raising a fetch exception (curPc updated). */
function fetchPage(va: u64, faultPc: u64): usize {
  const vpage = va & ~(<u64>0xFFF);
  const e = tlbEntry(fetchTlb, va);
  if (load<u64>(e) == vpage) return <usize>(<u32>vpage + load<u32>(e, 8));
  const pa = translate(va, KIND_FETCH);
  if (xlateFailed) { curPc = exception(xlateFault, va, faultPc); return 0; }
  const host = pageHost(pa);
  if (!host || !pmpAllows(pa, 2, KIND_FETCH, fetchPriv)) { curPc = exception(EXC_INSN_ACCESS, va, faultPc); return 0; }
  const page = host & ~(<usize>0xFFF);
  // A page that a PMP region splits is checked each time execution enters it (not per
  // instruction: regions are page-aligned in practice, OpenSBI's among them).
  if (pmpPageUniform) tlbFill(fetchTlb, va, page);
  return page;
}

/** Slot to execute for pc, or 0 when no instruction should run now (a trap was taken: curPc is
 *  the handler; or a stop was requested). */
export function slowFetch(pc: u64): usize {
  if (stopRequested || atomic.load<u32>(STATE + O_STOP_REQ) != 0) {
    requestStop();
    curPc = pc;
    return 0;
  }
  pc = checkInterrupts(pc);
  curPc = pc;
  const host = fetchPage(pc, pc);
  if (!host) return 0;
  const vpage = pc & ~(<u64>0xFFF);
  const slots = slotsFor(host);
  setFetchPage(vpage, slots, host);
  const off = <usize>(pc - vpage);
  if (off != 0xFFE) return slots + (off << 3);
  const lo = <u32>load<u16>(host + 0xFFE);
  if ((lo & 3) != 3) return slots + (off << 3);
  // A 32-bit instruction straddling two pages: fetch its upper half through translation too, and
  // decode it into the scratch slot every time (it is rare and cannot be cached per page).
  const host2 = fetchPage(pc + 2, pc);
  if (!host2) return 0;
  setFetchPage(vpage, slots, host); // fetchPage for pc+2 may not disturb the current page
  const hi = <u32>load<u16>(host2);
  straddlePc = pc;
  straddleBits = lo | (hi << 16);
  decodeInto(SCRATCH, straddleBits, 4);
  return SCRATCH;
}

/** Decode the instruction at pc into its slot in the current page. */
export function decodeAt(s: usize, pc: u64): void {
  const p = fetchHost + <usize>(pc - fetchVa);
  const lo = <u32>load<u16>(p);
  if ((lo & 3) != 3) decodeInto(s, lo, 2);
  else decodeInto(s, load<u32>(p), 4);
}
