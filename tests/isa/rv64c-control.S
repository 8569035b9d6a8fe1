/*
 * rv64c-control: RV64C control transfer (Unprivileged spec, "C" extension,
 * "Control Transfer Instructions"): C.J, C.JR, C.JALR (links pc+2, the
 * address of the following 16-bit instruction), C.BEQZ / C.BNEZ taken and
 * not taken, forward and backward, and C.EBREAK (breakpoint exception with
 * mepc pointing at the 16-bit instruction).  C.JAL does not exist on RV64
 * (its encoding is C.ADDIW, covered in rv64c-alu).
 */
#include "common.h"
TEST_BEGIN
        /* C.J forward */
        li gp, 1
        li a0, 0
        c.j 1f
        li a0, 1
1:      CHECK_EQ a0, 0

        /* C.J backward (loop) */
        li gp, 2
        li a0, 0
        li a1, 0
2:      addi a0, a0, 1
        c.beqz a1, 3f
        c.j 4f
3:      li a1, 1
        c.j 2b
4:      CHECK_EQ a0, 2

        /* C.JR jumps to rs1, no link */
        li gp, 3
        la t0, 5f
        li ra, 0
        c.jr t0
        j fail_case
5:      CHECK_EQ ra, 0

        /* C.JALR: jumps to rs1 and writes pc+2 into ra */
        li gp, 4
        la t0, 7f
6:      c.jalr t0
        j fail_case
7:      la a1, 6b
        addi a1, a1, 2
        CHECK_EQ_REG ra, a1

        /* C.JALR with rs1 == ra: target uses the old ra */
        li gp, 5
        la ra, 9f
8:      c.jalr ra
        j fail_case
9:      la a1, 8b
        addi a1, a1, 2
        CHECK_EQ_REG ra, a1

        /* C.JR ra as a return from a function called with C.JALR */
        li gp, 6
        la t1, cfunc
        li a0, 20
        c.jalr t1
        CHECK_EQ a0, 21

        /* C.BEQZ / C.BNEZ: taken and not taken, full 64-bit compare */
        li gp, 10
        li s0, 0
        c.beqz s0, 10f
        j fail_case
10:     li gp, 11
        li s0, 0x100000000
        c.beqz s0, fail_near
        li gp, 12
        c.bnez s0, 11f
        j fail_case
11:     li gp, 13
        li s1, 0
        c.bnez s1, fail_near

        /* C.BNEZ backward loop */
        li gp, 14
        li a5, 5
        li a4, 0
12:     addi a4, a4, 2
        c.addi a5, -1
        c.bnez a5, 12b
        CHECK_EQ a4, 10

        /* C.EBREAK raises a breakpoint exception with mepc = its address */
        TEST_TRAP_NOTVAL 20, CAUSE_BREAKPOINT, c.ebreak

        /* C.J over more than 1 KiB (12-bit range: +-2 KiB) */
        li gp, 21
        c.j far
back:
        TEST_PASS

fail_near:
        j fail_case

cfunc:
        c.addi a0, 1
        c.jr ra

        .space 1800
far:
        li gp, 22
        c.j back
