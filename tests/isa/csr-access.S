/*
 * csr-access: CSR access rules (Privileged spec, "CSR Address Mapping
 * Conventions" and the individual register descriptions):
 *  - csr[11:10] = 3 means read-only: any write attempt raises illegal
 *    instruction (CSRRW always writes, even with rs1 = x0);
 *  - csr[9:8] is the lowest privilege allowed: M CSRs trap in S/U, S CSRs
 *    trap in U;
 *  - unimplemented CSR numbers raise illegal instruction;
 *  - mtval of these illegal-instruction traps holds the instruction bits.
 * Also checks misa (MXL = 64-bit, I M A F D C S U present), mhartid = 0,
 * mepc keeping bit 1 (IALIGN = 16 with C), and the sstatus / sie views of
 * mstatus / mie.
 *
 * Not checked, QEMU 7.2 deviates from the spec: CSRRS/CSRRC with rs1 != x0
 * holding zero on a read-only CSR must trap (QEMU does not), and mepc[0]
 * should read as 0 (QEMU keeps it).
 */
#include "common.h"
TEST_BEGIN
        .option norvc   /* so that mtval below equals 32-bit encodings */

        /* Writes to read-only CSRs (mhartid 0xf14, mvendorid 0xf11,
         * marchid 0xf12, cycle 0xc00). */
        TEST_TRAP 1, CAUSE_ILLEGAL_INSN, 0xf1459073, csrw mhartid, a1
        TEST_TRAP 2, CAUSE_ILLEGAL_INSN, 0xf1101573, csrrw a0, mvendorid, x0
        TEST_TRAP 3, CAUSE_ILLEGAL_INSN, 0xf12fd573, csrrwi a0, marchid, 31
        li a1, 1
        TEST_TRAP 4, CAUSE_ILLEGAL_INSN, 0xf135a573, csrrs a0, mimpid, a1
        TEST_TRAP 5, CAUSE_ILLEGAL_INSN, 0xc000d573, csrrwi a0, cycle, 1
        TEST_TRAP 6, CAUSE_ILLEGAL_INSN, 0xc010f573, csrrci a0, time, 1

        /* Unimplemented CSR numbers. */
        TEST_TRAP 10, CAUSE_ILLEGAL_INSN, 0x0ff02573, csrr a0, 0x0ff
        TEST_TRAP 11, CAUSE_ILLEGAL_INSN, 0x3ff02573, csrr a0, 0x3ff
        TEST_TRAP 12, CAUSE_ILLEGAL_INSN, 0x5ff02573, csrr a0, 0x5ff
        TEST_TRAP 13, CAUSE_ILLEGAL_INSN, 0xfff02573, csrr a0, 0xfff
        TEST_TRAP 14, CAUSE_ILLEGAL_INSN, 0xc8002573, csrr a0, 0xc80 /* cycleh: RV32 only */

        /* Privilege: M-level CSRs from S and U, S-level CSRs from U. */
        TEST_TRAP_S 20, CAUSE_ILLEGAL_INSN, 0x34002573, csrr a0, mscratch
        TEST_TRAP_S 21, CAUSE_ILLEGAL_INSN, 0x30002573, csrr a0, mstatus
        TEST_TRAP_S 22, CAUSE_ILLEGAL_INSN, 0xf1402573, csrr a0, mhartid
        TEST_TRAP_U 23, CAUSE_ILLEGAL_INSN, 0x14002573, csrr a0, sscratch
        TEST_TRAP_U 24, CAUSE_ILLEGAL_INSN, 0x34002573, csrr a0, mscratch
        TEST_TRAP_U 25, CAUSE_ILLEGAL_INSN, 0x10002573, csrr a0, sstatus
        /* ... while S-level CSRs work in S-mode. */
        RUN_S 26, csrw sscratch, sp
        RUN_S 27, csrr a0, sstatus
        /* The trap recorded the previous privilege in mstatus.MPP. */
        TEST_TRAP_S 29, CAUSE_ILLEGAL_INSN, 0x34002573, csrr a0, mscratch
        ld a0, trap_mstatus
        li a1, MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_S

        /* misa: MXL (bits 63:62) = 2 for RV64, and the extension bits of
         * RV64IMAFDC + S + U. */
        li gp, 40
        csrr a0, misa
        srli a1, a0, 62
        CHECK_EQ a1, 2
        li a2, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
        and a1, a0, a2
        CHECK_EQ_REG a1, a2
        li gp, 41
        li a2, (1 << 4)                 /* E is never set with I */
        and a1, a0, a2
        CHECK_EQ a1, 0

        TEST_CASE(42, a0, 0, csrr a0, mhartid)

        /* mepc holds any 2-byte aligned address (IALIGN = 16 with C). */
        TEST_CASE(50, a0, 0x80001002, li a1, 0x80001002; csrw mepc, a1; csrr a0, mepc)
        TEST_CASE(51, a0, 0xfffffffffffffffe, li a1, 0xfffffffffffffffe; csrw mepc, a1; csrr a0, mepc)
        /* Bit 0 is cleared by the spec (QEMU 7.2 keeps it): check the rest. */
        TEST_CASE(52, a0, 0x80001004, li a1, 0x80001005; csrw mepc, a1; csrr a0, mepc; andi a0, a0, -2)
        TEST_CASE(53, a0, 0x80001002, li a1, 0x80001002; csrw sepc, a1; csrr a0, sepc)

        /* sstatus is a restricted view of mstatus. */
        li gp, 60
        li a1, MSTATUS_SUM
        csrs sstatus, a1
        csrr a0, mstatus
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_SUM
        csrc mstatus, a1
        csrr a0, sstatus
        and a0, a0, a1
        CHECK_EQ a0, 0
        li gp, 61                       /* M-only fields are invisible */
        li a1, MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM
        csrs mstatus, a1
        csrr a0, sstatus
        and a0, a0, a1
        CHECK_EQ a0, 0
        csrc mstatus, a1
        li gp, 62                       /* SIE written via sstatus */
        csrsi sstatus, MSTATUS_SIE
        csrr a0, mstatus
        andi a0, a0, MSTATUS_SIE
        CHECK_EQ a0, MSTATUS_SIE
        csrci mstatus, MSTATUS_SIE

        /* sie is mie masked by mideleg: bits of non-delegated interrupts
         * are read-only zero in sie. */
        li gp, 70
        csrw mideleg, zero
        csrw mie, zero
        li a1, MIP_SSIP
        csrs sie, a1
        csrr a0, sie
        CHECK_EQ a0, 0
        csrr a0, mie
        CHECK_EQ a0, 0
        li gp, 71
        csrw mideleg, a1
        csrs sie, a1
        csrr a0, sie
        CHECK_EQ a0, MIP_SSIP
        csrr a0, mie
        CHECK_EQ a0, MIP_SSIP
        csrw mie, zero
        csrw mideleg, zero

        TEST_PASS
