/*
 * rv64i-loadstore: LB/LBU/LH/LHU/LW/LWU/LD and SB/SH/SW/SD (Unprivileged
 * spec, "Load and Store Instructions"): little-endian byte order, sign
 * extension for LB/LH/LW vs zero extension for LBU/LHU/LWU, stores writing
 * exactly their width, positive and negative 12-bit offsets.
 */
#include "common.h"
TEST_BEGIN
        .option norvc
        la s0, data

        /* Little-endian byte/half/word views of 0x8877665544332211 ... */
        TEST_CASE( 1, a0, 0x11, lb a0, 0(s0))
        TEST_CASE( 2, a0, 0xffffffffffffff88, lb a0, 7(s0))      /* sign-extended */
        TEST_CASE( 3, a0, 0x88, lbu a0, 7(s0))                   /* zero-extended */
        TEST_CASE( 4, a0, 0x2211, lh a0, 0(s0))
        TEST_CASE( 5, a0, 0xffffffffffff8877, lh a0, 6(s0))
        TEST_CASE( 6, a0, 0x8877, lhu a0, 6(s0))
        TEST_CASE( 7, a0, 0x44332211, lw a0, 0(s0))
        TEST_CASE( 8, a0, 0xffffffff88776655, lw a0, 4(s0))
        TEST_CASE( 9, a0, 0x88776655, lwu a0, 4(s0))
        TEST_CASE(10, a0, 0x8877665544332211, ld a0, 0(s0))
        TEST_CASE(11, a0, 0x7f, lb a0, 8(s0))                    /* 0x7f positive */
        TEST_CASE(12, a0, 0x7fff, lh a0, 10(s0))
        TEST_CASE(13, a0, 0x7fffffff, lw a0, 12(s0))

        /* Negative offsets. */
        addi s1, s0, 16
        TEST_CASE(20, a0, 0x8877665544332211, ld a0, -16(s1))
        TEST_CASE(21, a0, 0x33, lbu a0, -14(s1))
        li s2, 2048
        add s2, s0, s2
        TEST_CASE(22, a0, 0x8877665544332211, ld a0, -2048(s2))  /* min offset */

        /* Stores write exactly their width. */
        la s1, scratch
        li a1, -1
        sd a1, 0(s1)
        sd a1, 8(s1)
        TEST_CASE(30, a0, 0xffffffffffffff00, sb x0, 0(s1); ld a0, 0(s1))
        TEST_CASE(31, a0, 0xffffffff0000ff00, sh x0, 2(s1); ld a0, 0(s1))
        TEST_CASE(32, a0, 0x000000000000ff00, sw x0, 4(s1); ld a0, 0(s1))
        TEST_CASE(33, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; sd a1, 8(s1); ld a0, 8(s1))
        /* SB/SH/SW store only the low bits of rs2. */
        TEST_CASE(34, a0, 0x0123456789abcd5a, li a1, 0x777777777777775a; sb a1, 8(s1); ld a0, 8(s1))
        TEST_CASE(35, a0, 0x0123456712345678, li a1, 0xabcdef0012345678; sw a1, 8(s1); ld a0, 8(s1))
        TEST_CASE(36, a0, 0x01234567beef5678, li a1, 0xbeef; sh a1, 10(s1); ld a0, 8(s1))
        /* Byte-by-byte stores assemble a little-endian doubleword. */
        li gp, 37
        li a1, 0x10
        sb a1, 0(s1)
        li a1, 0x20
        sb a1, 1(s1)
        li a1, 0x30
        sb a1, 2(s1)
        li a1, 0x40
        sb a1, 3(s1)
        lw a0, 0(s1)
        CHECK_EQ a0, 0x40302010
        /* Store then load through different widths with negative offset. */
        TEST_CASE(38, a0, 0xffffffffffffcafe, addi s2, s1, 24; li a1, 0xcafe; sh a1, -8(s2); lh a0, -8(s2))

        /* Loading into x0 has no effect (but still performs the access). */
        TEST_CASE(39, a0, 0, ld x0, 0(s0); mv a0, x0)

        /* Load with rd == rs1 uses the old base. */
        TEST_CASE(40, s3, 0x8877665544332211, mv s3, s0; ld s3, 0(s3))

        TEST_PASS

        .data
        .balign 16
data:
        .dword 0x8877665544332211
        .byte 0x7f, 0, 0xff, 0x7f
        .word 0x7fffffff
        .balign 16
scratch:
        .dword 0, 0, 0, 0
