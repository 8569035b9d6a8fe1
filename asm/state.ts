// Hart state in linear memory at STATE, so the host (migration, inspection, SBI) reads and writes
// it through the shared buffer with no calls. Offsets are exported by index.ts (layout()).
//
//   +0x000 x0..x31        +0x100 junk register (decoded rd=x0 writes land here, x0 stays 0)
//   +0x108 f0..f31        +0x208 ... CSRs and mailboxes below
import { STATE } from './layout';

export const XREGS: usize = STATE;
export const JUNK_REG: u32 = 256; // byte offset of the junk slot from XREGS
export const FREGS_OFF: u32 = 264; // f registers' byte offset from XREGS (decoded f fields use it)

// CSR and control fields: byte offsets from STATE. u64 unless marked.
export const O_PC: usize = 0x220;
export const O_PRIV: usize = 0x228; // u32: 0 U, 1 S, 3 M
export const O_MSTATUS: usize = 0x230;
export const O_MEDELEG: usize = 0x238;
export const O_MIDELEG: usize = 0x240;
export const O_MIE: usize = 0x248;
export const O_MIP: usize = 0x250; // effective: software bits | hardware lines
export const O_MIP_SW: usize = 0x258; // SSIP/STIP/SEIP as written by software
export const O_MTVEC: usize = 0x260;
export const O_MSCRATCH: usize = 0x268;
export const O_MEPC: usize = 0x270;
export const O_MCAUSE: usize = 0x278;
export const O_MTVAL: usize = 0x280;
export const O_MCOUNTEREN: usize = 0x288; // u32
export const O_SCOUNTEREN: usize = 0x28c; // u32
export const O_STVEC: usize = 0x290;
export const O_SSCRATCH: usize = 0x298;
export const O_SEPC: usize = 0x2a0;
export const O_SCAUSE: usize = 0x2a8;
export const O_STVAL: usize = 0x2b0;
export const O_SATP: usize = 0x2b8;
export const O_FRM: usize = 0x2c0; // u32
export const O_FFLAGS: usize = 0x2c4; // u32, mirror of fpu fflags at every stop (for the host)
export const O_MENVCFG: usize = 0x2c8;
export const O_SENVCFG: usize = 0x2d0;
export const O_MCOUNTINHIBIT: usize = 0x2d8;
export const O_PMPCFG: usize = 0x300; // 16 x u64 (only even indices are architectural on RV64)
export const O_PMPADDR: usize = 0x380; // 64 x u64
export const O_MTIMECMP: usize = 0x580;
export const O_MSIP: usize = 0x588; // u32
export const O_STIMECMP: usize = 0x590; // SBI set_timer deadline (built-in firmware)
export const O_SBI_TIMER: usize = 0x598; // u32: 1 = STIP is driven by STIMECMP (built-in SBI)
export const O_TIME: usize = 0x5a0; // mtime, written by the host before each run
export const O_INSTRET: usize = 0x5a8; // retired before the current run
export const O_CYCLE: usize = 0x5b0;
export const O_RESERVATION: usize = 0x5b8; // LR reservation address, or -1
export const O_HARTID: usize = 0x5c0;
export const O_MMIO_STATUS: usize = 0x5c8; // u32, host -> core after each MMIO call
export const O_EXT_IRQ: usize = 0x5cc; // u32, host -> core: MEIP/SEIP lines from the PLIC
export const O_RAM_SIZE: usize = 0x5d0;
export const O_SBI_MODE: usize = 0x5d8; // u32: 1 = the host answers S-mode ECALL (built-in SBI)
export const O_STOP: usize = 0x5dc; // u32: last stop reason
export const O_EXECUTED: usize = 0x5e0; // instructions executed by the last run()
export const O_BOARD_DRAM: usize = 0x5e8;
export const O_BOARD_ROM: usize = 0x5f0;
export const O_BOARD_CLINT: usize = 0x5f8;
export const O_STOP_REQ: usize = 0x600; // u32, host -> core (any thread): stop at the next fetch check
export const O_SAVED_FFLAGS: usize = 0x604; // unused slot kept zero
export const O_MCYCLE_ADJ: usize = 0x608;
export const STATE_END: usize = 0x700;

// MMIO status codes written by the host bus after each access.
export const MMIO_OK: u32 = 0;
export const MMIO_FAULT: u32 = 1;
export const MMIO_STOP: u32 = 2;

@inline export function get64(off: usize): u64 { return load<u64>(STATE + off); }
@inline export function set64(off: usize, v: u64): void { store<u64>(STATE + off, v); }
@inline export function get32(off: usize): u32 { return load<u32>(STATE + off); }
@inline export function set32(off: usize, v: u32): void { store<u32>(STATE + off, v); }

@inline export function xget(i: u32): u64 { return load<u64>(XREGS + (<usize>i << 3)); }
@inline export function xset(i: u32, v: u64): void { if (i != 0) store<u64>(XREGS + (<usize>i << 3), v); }
@inline export function fget(i: u32): u64 { return load<u64>(XREGS + FREGS_OFF + (<usize>i << 3)); }
@inline export function fset(i: u32, v: u64): void { store<u64>(XREGS + FREGS_OFF + (<usize>i << 3), v); }

// Privilege levels.
export const PRV_U: u32 = 0;
export const PRV_S: u32 = 1;
export const PRV_M: u32 = 3;

// mstatus bits.
export const MS_SIE: u64 = 1 << 1;
export const MS_MIE: u64 = 1 << 3;
export const MS_SPIE: u64 = 1 << 5;
export const MS_MPIE: u64 = 1 << 7;
export const MS_SPP: u64 = 1 << 8;
export const MS_MPP_SHIFT: u64 = 11;
export const MS_MPP: u64 = 3 << 11;
export const MS_FS: u64 = 3 << 13;
export const MS_FS_DIRTY: u64 = 3 << 13;
export const MS_MPRV: u64 = 1 << 17;
export const MS_SUM: u64 = 1 << 18;
export const MS_MXR: u64 = 1 << 19;
export const MS_TVM: u64 = 1 << 20;
export const MS_TW: u64 = 1 << 21;
export const MS_TSR: u64 = 1 << 22;
export const MS_UXL: u64 = 3 << 32;
export const MS_SXL: u64 = 3 << 34;
export const MS_SD: u64 = 1 << 63;

// Interrupt bits (mip/mie) and causes.
export const IRQ_SSI: u32 = 1;
export const IRQ_MSI: u32 = 3;
export const IRQ_STI: u32 = 5;
export const IRQ_MTI: u32 = 7;
export const IRQ_SEI: u32 = 9;
export const IRQ_MEI: u32 = 11;
export const MIP_SSIP: u64 = 1 << 1;
export const MIP_MSIP: u64 = 1 << 3;
export const MIP_STIP: u64 = 1 << 5;
export const MIP_MTIP: u64 = 1 << 7;
export const MIP_SEIP: u64 = 1 << 9;
export const MIP_MEIP: u64 = 1 << 11;

// Exception causes.
export const EXC_INSN_MISALIGNED: u32 = 0;
export const EXC_INSN_ACCESS: u32 = 1;
export const EXC_ILLEGAL: u32 = 2;
export const EXC_BREAKPOINT: u32 = 3;
export const EXC_LOAD_MISALIGNED: u32 = 4;
export const EXC_LOAD_ACCESS: u32 = 5;
export const EXC_STORE_MISALIGNED: u32 = 6;
export const EXC_STORE_ACCESS: u32 = 7;
export const EXC_ECALL_U: u32 = 8;
export const EXC_ECALL_S: u32 = 9;
export const EXC_ECALL_M: u32 = 11;
export const EXC_INSN_PAGE: u32 = 12;
export const EXC_LOAD_PAGE: u32 = 13;
export const EXC_STORE_PAGE: u32 = 15;

// Why run() returned.
export const STOP_BUDGET: u32 = 0; // ran the requested number of instructions
export const STOP_WFI: u32 = 1; // idle: waiting for an interrupt
export const STOP_SBI: u32 = 2; // S-mode ECALL for the host's built-in SBI; pc already advanced
export const STOP_HOST: u32 = 3; // a device (MMIO) or the host asked to stop
