/*
 * rv64a-lrsc: LR.W/LR.D and SC.W/SC.D (Unprivileged spec, "Load-Reserved /
 * Store-Conditional Instructions"):
 *  - LR followed by SC to the same address succeeds: rd = 0, memory written;
 *  - SC without a reservation fails: rd != 0, memory untouched;
 *  - any SC (successful or not) invalidates the reservation;
 *  - SC to an address outside the reservation set fails;
 *  - LR.W sign-extends; SC.W writes only 32 bits.
 */
#include "common.h"
TEST_BEGIN
        la s0, word_a
        la s1, word_b                   /* a different page */

        /* 1: LR.D / SC.D success */
        li gp, 1
        li a1, 0x1111111111111111
        sd a1, 0(s0)
        lr.d a0, (s0)
        CHECK_EQ a0, 0x1111111111111111
        li a2, 0x2222222222222222
        sc.d a3, a2, (s0)
        CHECK_EQ a3, 0
        ld a0, 0(s0)
        CHECK_EQ a0, 0x2222222222222222

        /* 2: the successful SC consumed the reservation: another SC fails. */
        li gp, 2
        li a2, 0x3333333333333333
        sc.d a3, a2, (s0)
        CHECK_NE a3, 0
        ld a0, 0(s0)
        CHECK_EQ a0, 0x2222222222222222

        /* 3: SC to a different address than the LR fails ... */
        li gp, 3
        sd zero, 0(s1)
        lr.d a0, (s0)
        li a2, 0x4444
        sc.d a3, a2, (s1)
        CHECK_NE a3, 0
        ld a0, 0(s1)
        CHECK_EQ a0, 0
        /* 4: ... and also invalidated the reservation on word_a. */
        li gp, 4
        sc.d a3, a2, (s0)
        CHECK_NE a3, 0
        ld a0, 0(s0)
        CHECK_EQ a0, 0x2222222222222222

        /* 5: LR.W sign-extends the loaded word. */
        li gp, 5
        li a1, 0x5555555580000001
        sd a1, 0(s0)
        lr.w a0, (s0)
        CHECK_EQ a0, 0xffffffff80000001
        /* 6: SC.W succeeds and writes only the low word. */
        li gp, 6
        li a2, 0xffffffff12345678
        sc.w a3, a2, (s0)
        CHECK_EQ a3, 0
        ld a0, 0(s0)
        CHECK_EQ a0, 0x5555555512345678

        /* 7: SC.W without reservation fails. */
        li gp, 7
        li a2, 0x99
        sc.w a3, a2, (s0)
        CHECK_NE a3, 0
        lw a0, 0(s0)
        CHECK_EQ a0, 0x12345678

        /* 8: LR.W / SC.W on the upper word of a doubleword. */
        li gp, 8
        addi s2, s0, 4
        lr.w a0, (s2)
        CHECK_EQ a0, 0x55555555
        li a2, 0x0abcdef0
        sc.w a3, a2, (s2)
        CHECK_EQ a3, 0
        ld a0, 0(s0)
        CHECK_EQ a0, 0x0abcdef012345678

        /* 9: aq/rl encodings; a retry loop (atomic increment) terminates. */
        li gp, 9
        sd zero, 0(s0)
        li a4, 0
1:      lr.d.aq a0, (s0)
        addi a0, a0, 1
        sc.d.rl a3, a0, (s0)
        bnez a3, 1b
        addi a4, a4, 1
        li a5, 10
        blt a4, a5, 1b
        ld a0, 0(s0)
        CHECK_EQ a0, 10

        /* 10: SC with rd == x0 still stores on success. */
        li gp, 10
        lr.d a0, (s0)
        li a2, 77
        sc.d x0, a2, (s0)
        ld a0, 0(s0)
        CHECK_EQ a0, 77

        TEST_PASS

        .data
        .balign 4096
word_a: .dword 0
        .balign 4096
word_b: .dword 0
