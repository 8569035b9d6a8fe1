// The interpreter loop. Per instruction: one compare to stay in the current page, one load of the
// decoded op, a br_table, the handler. Everything rare (page changes, interrupts, decode, traps,
// stops) is off this path: see fetch.ts for how it is reached.
import { Op } from './ops';
import {
  get64, set32, set64, O_PC, O_INSTRET, O_CYCLE, O_TIME, O_EXECUTED, O_STOP, O_FFLAGS,
  STOP_BUDGET, STOP_WFI, STOP_SBI, STOP_HOST,
} from './state';
import {
  fetchVa, fetchSlots, forceRefetch, recomputeMip, publishRetired, stopRequested, clearStop, timeRate,
} from './cpu';
import { slowFetch, decodeAt, curPc } from './fetch';
import * as I from './exec/rvi';
import * as M from './exec/rvm';
import * as A from './exec/rva';
import * as SYS from './exec/system';
import { fpExec } from './exec/rvfd';
import { getFflags } from './fpu/flags';

/** Run up to `budget` instructions. Returns a STOP_* reason; O_EXECUTED says how many ran. */
export function run(budget: u32): u32 {
  let pc = get64(O_PC);
  let n: u64 = 0;
  let limit: u64 = <u64>budget;
  let reason = STOP_BUDGET;
  clearStop();
  publishRetired(0);
  recomputeMip();
  forceRefetch(); // look at interrupts before the first instruction
  while (n < limit) {
    const off = pc - fetchVa;
    let s: usize;
    if (off < 0xFFE) {
      s = fetchSlots + (<usize>off << 3);
    } else {
      publishRetired(n);
      s = slowFetch(pc);
      pc = curPc;
      if (!s) {
        if (stopRequested) { reason = STOP_HOST; break; }
        n++; // a trap was taken: count it so a trap storm still ends the slice
        continue;
      }
    }
    const op = <u32>load<u16>(s);
    switch (op) {
      case Op.DECODE: decodeAt(s, pc); continue;
      case Op.REFETCH: {
        publishRetired(n);
        const r = slowFetch(pc);
        pc = curPc;
        if (r) continue;
        if (stopRequested) { reason = STOP_HOST; limit = n; continue; }
        break; // a trap was taken: count it, as above
      }
      case Op.ILLEGAL: pc = SYS.illegal(pc); break;
      case Op.LUI: pc = I.lui(s, pc); break;
      case Op.AUIPC: pc = I.auipc(s, pc); break;
      case Op.JAL: pc = I.jal(s, pc); break;
      case Op.JALR: pc = I.jalr(s, pc); break;
      case Op.BEQ: pc = I.beq(s, pc); break;
      case Op.BNE: pc = I.bne(s, pc); break;
      case Op.BLT: pc = I.blt(s, pc); break;
      case Op.BGE: pc = I.bge(s, pc); break;
      case Op.BLTU: pc = I.bltu(s, pc); break;
      case Op.BGEU: pc = I.bgeu(s, pc); break;
      case Op.LB: pc = I.lb(s, pc, n); break;
      case Op.LH: pc = I.lh(s, pc, n); break;
      case Op.LW: pc = I.lw(s, pc, n); break;
      case Op.LD: pc = I.ld(s, pc, n); break;
      case Op.LBU: pc = I.lbu(s, pc, n); break;
      case Op.LHU: pc = I.lhu(s, pc, n); break;
      case Op.LWU: pc = I.lwu(s, pc, n); break;
      case Op.SB: pc = I.sb(s, pc, n); break;
      case Op.SH: pc = I.sh(s, pc, n); break;
      case Op.SW: pc = I.sw(s, pc, n); break;
      case Op.SD: pc = I.sd(s, pc, n); break;
      case Op.ADDI: pc = I.addi(s, pc); break;
      case Op.SLTI: pc = I.slti(s, pc); break;
      case Op.SLTIU: pc = I.sltiu(s, pc); break;
      case Op.XORI: pc = I.xori(s, pc); break;
      case Op.ORI: pc = I.ori(s, pc); break;
      case Op.ANDI: pc = I.andi(s, pc); break;
      case Op.SLLI: pc = I.slli(s, pc); break;
      case Op.SRLI: pc = I.srli(s, pc); break;
      case Op.SRAI: pc = I.srai(s, pc); break;
      case Op.ADD: pc = I.add(s, pc); break;
      case Op.SUB: pc = I.sub(s, pc); break;
      case Op.SLL: pc = I.sll(s, pc); break;
      case Op.SLT: pc = I.slt(s, pc); break;
      case Op.SLTU: pc = I.sltu(s, pc); break;
      case Op.XOR: pc = I.xor(s, pc); break;
      case Op.SRL: pc = I.srl(s, pc); break;
      case Op.SRA: pc = I.sra(s, pc); break;
      case Op.OR: pc = I.or(s, pc); break;
      case Op.AND: pc = I.and(s, pc); break;
      case Op.ADDIW: pc = I.addiw(s, pc); break;
      case Op.SLLIW: pc = I.slliw(s, pc); break;
      case Op.SRLIW: pc = I.srliw(s, pc); break;
      case Op.SRAIW: pc = I.sraiw(s, pc); break;
      case Op.ADDW: pc = I.addw(s, pc); break;
      case Op.SUBW: pc = I.subw(s, pc); break;
      case Op.SLLW: pc = I.sllw(s, pc); break;
      case Op.SRLW: pc = I.srlw(s, pc); break;
      case Op.SRAW: pc = I.sraw(s, pc); break;
      case Op.FENCE: pc += 4; break;
      case Op.FENCE_I: pc = SYS.fenceI(s, pc); break;
      case Op.ECALL: {
        const next = SYS.ecall(pc);
        if (next == 0) { pc += 4; reason = STOP_SBI; limit = n + 1; } else pc = next;
        break;
      }
      case Op.EBREAK: pc = SYS.ebreak(pc); break;
      case Op.MRET: pc = SYS.doMret(pc); break;
      case Op.SRET: pc = SYS.doSret(pc); break;
      case Op.WFI: {
        const next = SYS.wfi(s, pc);
        if (next == 0) { pc += 4; reason = STOP_WFI; limit = n + 1; } else pc = next;
        break;
      }
      case Op.SFENCE_VMA: pc = SYS.sfenceVma(s, pc); break;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        pc = SYS.csrOp(s, pc, op, n); break;
      case Op.MUL: pc = M.mul(s, pc); break;
      case Op.MULH: pc = M.mulh(s, pc); break;
      case Op.MULHSU: pc = M.mulhsu(s, pc); break;
      case Op.MULHU: pc = M.mulhu(s, pc); break;
      case Op.DIV: pc = M.div(s, pc); break;
      case Op.DIVU: pc = M.divu(s, pc); break;
      case Op.REM: pc = M.rem(s, pc); break;
      case Op.REMU: pc = M.remu(s, pc); break;
      case Op.MULW: pc = M.mulw(s, pc); break;
      case Op.DIVW: pc = M.divw(s, pc); break;
      case Op.DIVUW: pc = M.divuw(s, pc); break;
      case Op.REMW: pc = M.remw(s, pc); break;
      case Op.REMUW: pc = M.remuw(s, pc); break;
      case Op.LR_W: pc = A.lrW(s, pc); break;
      case Op.SC_W: pc = A.scW(s, pc); break;
      case Op.LR_D: pc = A.lrD(s, pc); break;
      case Op.SC_D: pc = A.scD(s, pc); break;
      case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W: case Op.AMOOR_W:
      case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
        pc = A.amoW(s, pc, op - <u32>Op.AMOSWAP_W); break;
      case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D: case Op.AMOOR_D:
      case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D:
        pc = A.amoD(s, pc, op - <u32>Op.AMOSWAP_D); break;
      default: pc = fpExec(s, pc, op, n); break; // F and D (exec/rvfd.ts)
    }
    n++;
  }
  set64(O_PC, pc);
  set64(O_INSTRET, get64(O_INSTRET) + n);
  set64(O_CYCLE, get64(O_CYCLE) + n);
  // Leave mtime where this run's interpolation got to, so the host can keep it monotonic.
  set64(O_TIME, get64(O_TIME) + ((n * <u64>timeRate) >> 16));
  // O_TIME now includes this run's instructions: a host call before the next run (SBI set_timer ->
  // interruptsChanged) must not add them a second time.
  publishRetired(0);
  set64(O_EXECUTED, n);
  set32(O_FFLAGS, getFflags());
  set32(O_STOP, reason);
  return reason;
}
