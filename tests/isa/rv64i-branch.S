/*
 * rv64i-branch: BEQ/BNE/BLT/BGE/BLTU/BGEU, taken and not taken, with signed
 * and unsigned edge values, forward and backward targets (Unprivileged spec,
 * "Conditional Branches": BLT/BGE compare signed, BLTU/BGEU unsigned).
 */
#include "common.h"

/* TEST_BR num, op, taken(0/1), v1, v2 */
.macro TEST_BR num, op, taken, v1, v2
        li gp, \num
        li a1, \v1
        li a2, \v2
        li a0, 0
        \op a1, a2, .Lbr_t\@
        li a0, 2                        /* fell through */
        j .Lbr_done\@
.Lbr_t\@:
        li a0, 1                        /* taken */
.Lbr_done\@:
        .if \taken
        CHECK_EQ a0, 1
        .else
        CHECK_EQ a0, 2
        .endif
.endm

TEST_BEGIN
        .option norvc

        TEST_BR 1, beq, 1, 0, 0
        TEST_BR 2, beq, 1, -1, -1
        TEST_BR 3, beq, 0, 0, 1
        TEST_BR 4, beq, 0, 0x100000000, 0       /* all 64 bits compared */
        TEST_BR 5, bne, 1, 0, 1
        TEST_BR 6, bne, 1, 0x8000000000000000, 0
        TEST_BR 7, bne, 0, 5, 5

        TEST_BR 10, blt, 1, -1, 0
        TEST_BR 11, blt, 0, 0, -1
        TEST_BR 12, blt, 1, 0x8000000000000000, 0x7fffffffffffffff
        TEST_BR 13, blt, 0, 3, 3
        TEST_BR 14, bge, 1, 3, 3
        TEST_BR 15, bge, 1, 0, -1
        TEST_BR 16, bge, 0, -1, 0
        TEST_BR 17, bge, 1, 0x7fffffffffffffff, 0x8000000000000000

        TEST_BR 20, bltu, 0, -1, 0              /* ~0 is the largest unsigned */
        TEST_BR 21, bltu, 1, 0, -1
        TEST_BR 22, bltu, 0, 0x8000000000000000, 0x7fffffffffffffff
        TEST_BR 23, bltu, 0, 7, 7
        TEST_BR 24, bgeu, 1, -1, 0
        TEST_BR 25, bgeu, 1, 7, 7
        TEST_BR 26, bgeu, 0, 0x7fffffffffffffff, 0x8000000000000000
        TEST_BR 27, bgeu, 1, 0x8000000000000000, 0x7fffffffffffffff

        /* Backward branch loop: counts 10 iterations. */
        li gp, 30
        li a0, 0
        li a1, 10
1:      addi a0, a0, 1
        blt a0, a1, 1b
        CHECK_EQ a0, 10

        /* Branch pseudo-forms against x0 (beqz/bnez/bltz/bgez/blez/bgtz). */
        li gp, 31
        li a1, -5
        bltz a1, 2f
        j fail_case
2:      bgez a1, fail_case_near
        blez a1, 3f
        j fail_case
3:      bgtz a1, fail_case_near
        beqz x0, 4f
        j fail_case
4:      bnez x0, fail_case_near

        /* A not-taken branch must not modify anything: rd-less instruction,
         * and the next instruction executes. */
        li gp, 32
        li a0, 0
        beq a0, x0, 5f
        li a0, 99
5:      CHECK_EQ a0, 0

        /* Branch to a target more than 2 KiB away (uses the full 13-bit
         * offset range). */
        li gp, 33
        li a1, 1
        bnez a1, far_target
        j fail_case
far_back:
        TEST_PASS

fail_case_near:
        j fail_case

        .space 3000
far_target:
        li gp, 34
        li a1, 0
        beqz a1, far_back
        j fail_case
