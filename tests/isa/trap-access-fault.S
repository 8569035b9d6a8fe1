/*
 * trap-access-fault: accesses to physical addresses with nothing behind
 * them raise access faults (Privileged spec, "Physical Memory Attributes":
 * instruction access fault = 1, load access fault = 5, store/AMO access
 * fault = 7) with mtval = the faulting address and mepc = the instruction
 * (for fetches: the target address).  The destination register of a
 * faulting load is not written (precise exceptions).
 *
 * Addresses used: 0x0 and 0x800000, unmapped on the QEMU virt board and on
 * virtlab.  (0x40000000 is not used: QEMU maps the PCIe MMIO window there
 * and reads it without faulting.)
 *
 * AMOs: the spec says store/AMO access fault (7); QEMU 7.2 (single-threaded
 * TCG) performs the load half first and reports a load access fault (5).
 * The test accepts either cause for AMOs.
 */
#include "common.h"

#define HOLE 0x800000

TEST_BEGIN
        li s1, HOLE
        TEST_TRAP 1, CAUSE_LOAD_ACCESS, 0, ld a0, 0(zero)
        TEST_TRAP 2, CAUSE_LOAD_ACCESS, 8, lw a0, 8(zero)
        TEST_TRAP 3, CAUSE_LOAD_ACCESS, HOLE, lb a0, 0(s1)
        TEST_TRAP 4, CAUSE_LOAD_ACCESS, HOLE + 0x10, lhu a0, 0x10(s1)
        TEST_TRAP 5, CAUSE_LOAD_ACCESS, HOLE, fld fa0, 0(s1)
        TEST_TRAP 6, CAUSE_LOAD_ACCESS, HOLE, lr.d a0, (s1)

        TEST_TRAP 10, CAUSE_STORE_ACCESS, 0, sd a0, 0(zero)
        TEST_TRAP 11, CAUSE_STORE_ACCESS, HOLE, sb a0, 0(s1)
        TEST_TRAP 12, CAUSE_STORE_ACCESS, HOLE + 4, sw a0, 4(s1)
        TEST_TRAP 13, CAUSE_STORE_ACCESS, HOLE, fsd fa0, 0(s1)

        /* AMOs: cause 7 (spec) or 5 (QEMU), mtval = address */
        li gp, 14
        EXPECT_TRAP 2f
1:      amoadd.w a0, a0, (s1)
        j fail_case
2:      CHECK_MEPC_SYM 1b
        CHECK_MTVAL HOLE
        ld t5, trap_mcause
        li t6, CAUSE_STORE_ACCESS
        beq t5, t6, 3f
        CHECK_EQ t5, CAUSE_LOAD_ACCESS
3:
        /* A faulting load leaves rd unchanged. */
        li gp, 15
        li a0, 0x1234
        EXPECT_TRAP 4f
        ld a0, 0(s1)
        j fail_case
4:      CHECK_EQ a0, 0x1234

        /* Instruction fetch from a hole: cause 1, mepc = mtval = target,
         * and the jump itself completed (its link register was written). */
        li gp, 20
        EXPECT_TRAP 6f
        li ra, 0
5:      jalr ra, 0(s1)
        j fail_case
6:      CHECK_MCAUSE CAUSE_FETCH_ACCESS
        CHECK_MTVAL HOLE
        ld t5, trap_mepc
        CHECK_EQ t5, HOLE
        la t5, 5b
        addi t5, t5, 4
        CHECK_EQ_REG ra, t5

        li gp, 21
        EXPECT_TRAP 7f
        jr zero
7:      CHECK_MCAUSE CAUSE_FETCH_ACCESS
        CHECK_MTVAL 0

        /* The same from S-mode (no translation): still access faults. */
        li gp, 22
        EXPECT_TRAP 9f
        GOTO_S(8f)
8:      ld a0, 0(s1)
        j fail_case
9:      CHECK_MCAUSE CAUSE_LOAD_ACCESS
        CHECK_MTVAL HOLE
        CHECK_MEPC_SYM 8b

        TEST_PASS
