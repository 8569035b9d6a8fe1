/*
 * rv64i-jump: JAL and JALR (Unprivileged spec, "Unconditional Jumps"):
 * the link register receives pc+4, JAL with rd=x0 is a plain jump, JALR
 * target = (rs1 + imm) with bit 0 cleared, and JALR with rd == rs1 uses the
 * old rs1 value.
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        /* JAL links pc+4. */
        li gp, 1
1:      jal ra, 2f
        j fail_case
2:      la a1, 1b
        addi a1, a1, 4
        CHECK_EQ_REG ra, a1

        /* JAL with rd=x0 does not write anything. */
        li gp, 2
        li a0, 0
        jal x0, 3f
        li a0, 1
3:      CHECK_EQ a0, 0
        CHECK_EQ x0, 0

        /* JAL into a different link register (t0). */
        li gp, 3
4:      jal t0, 5f
        j fail_case
5:      la a1, 4b
        addi a1, a1, 4
        CHECK_EQ_REG t0, a1

        /* JALR: target = rs1 + imm, link = pc + 4. */
        li gp, 4
        la a2, 7f
        addi a2, a2, -8
6:      jalr ra, 8(a2)
        j fail_case
7:      la a1, 6b
        addi a1, a1, 4
        CHECK_EQ_REG ra, a1

        /* JALR clears bit 0 of the computed target. */
        li gp, 5
        la a2, 9f
        addi a2, a2, 1                  /* odd address */
        jalr ra, 0(a2)
        j fail_case
        .balign 4
9:      nop
        li gp, 6
        la a2, 10f
        jalr x0, 1(a2)                  /* odd via the immediate */
        j fail_case
        .balign 4
10:     nop

        /* JALR with rd == rs1: the target uses the old rs1. */
        li gp, 7
        la a3, 12f
11:     jalr a3, 0(a3)
        j fail_case
12:     la a1, 11b
        addi a1, a1, 4
        CHECK_EQ_REG a3, a1

        /* Call / return pattern through a function. */
        li gp, 8
        li a0, 5
        call double_it
        CHECK_EQ a0, 10

        /* JALR with negative immediate. */
        li gp, 9
        la a2, 13f
        addi a2, a2, 16
        jalr ra, -16(a2)
        j fail_case
13:     nop

        /* Far JAL (beyond 4 KiB) forward and back. */
        li gp, 10
        jal ra, far_func
        CHECK_EQ a0, 77

        TEST_PASS

double_it:
        add a0, a0, a0
        ret

        .space 8192
far_func:
        li a0, 77
        ret
