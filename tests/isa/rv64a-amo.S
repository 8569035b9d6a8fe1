/*
 * rv64a-amo: every AMO*.W and AMO*.D (Unprivileged spec, "A" extension,
 * "Atomic Memory Operations"): rd receives the original memory value (for
 * .W sign-extended from 32 bits), memory receives op(original, rs2); .W
 * operations use and modify only the addressed 32-bit word; MIN/MAX compare
 * signed, MINU/MAXU unsigned (for .W on the 32-bit values).
 * The .W cases operate on the low word of a doubleword whose high word
 * is 0xa5a5a5a5 and must stay so.
 */
#include "common.h"

/* TEST_AMO num, insn, initial memory dword, rs2, expected rd, expected dword */
.macro TEST_AMO num, insn, init, src, rd, mem
        li gp, \num
        la s0, amo_word
        li a1, \init
        sd a1, 0(s0)
        li a2, \src
        \insn a0, a2, (s0)
        CHECK_EQ a0, \rd
        ld a3, 0(s0)
        CHECK_EQ a3, \mem
.endm

TEST_BEGIN
        /* ---- AMO*.W ---- */
        TEST_AMO 1, amoswap.w, 0xa5a5a5a5deadbeef, 0x1122334455667788, 0xffffffffdeadbeef, 0xa5a5a5a555667788
        TEST_AMO 2, amoadd.w, 0xa5a5a5a5ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xa5a5a5a500000000
        TEST_AMO 3, amoadd.w, 0xa5a5a5a5ffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xa5a5a5a500000000
        TEST_AMO 4, amoand.w, 0xa5a5a5a5ff00ff00, 0x0ff00ff00ff00ff0, 0xffffffffff00ff00, 0xa5a5a5a50f000f00
        TEST_AMO 5, amoor.w, 0xa5a5a5a5ff00ff00, 0x0ff00ff00ff00ff0, 0xffffffffff00ff00, 0xa5a5a5a5fff0fff0
        TEST_AMO 6, amoxor.w, 0xa5a5a5a5ff00ff00, 0x0ff00ff00ff00ff0, 0xffffffffff00ff00, 0xa5a5a5a5f0f0f0f0
        TEST_AMO 7, amomin.w, 0xa5a5a5a580000000, 0x0000000100000001, 0xffffffff80000000, 0xa5a5a5a580000000
        TEST_AMO 8, amomin.w, 0xa5a5a5a500000005, 0xfffffffffffffffd, 0x0000000000000005, 0xa5a5a5a5fffffffd
        TEST_AMO 9, amomax.w, 0xa5a5a5a580000000, 0x0000000100000001, 0xffffffff80000000, 0xa5a5a5a500000001
        TEST_AMO 10, amomax.w, 0xa5a5a5a500000005, 0xfffffffffffffffd, 0x0000000000000005, 0xa5a5a5a500000005
        TEST_AMO 11, amominu.w, 0xa5a5a5a580000000, 0x0000000100000001, 0xffffffff80000000, 0xa5a5a5a500000001
        TEST_AMO 12, amominu.w, 0xa5a5a5a500000005, 0xfffffffffffffffd, 0x0000000000000005, 0xa5a5a5a500000005
        TEST_AMO 13, amomaxu.w, 0xa5a5a5a580000000, 0x0000000100000001, 0xffffffff80000000, 0xa5a5a5a580000000
        TEST_AMO 14, amomaxu.w, 0xa5a5a5a500000005, 0xfffffffffffffffd, 0x0000000000000005, 0xa5a5a5a5fffffffd

        /* ---- AMO*.D ---- */
        TEST_AMO 15, amoswap.d, 0x80000000deadbeef, 0x1122334455667788, 0x80000000deadbeef, 0x1122334455667788
        TEST_AMO 16, amoadd.d, 0x80000000ffffffff, 0x0000000000000001, 0x80000000ffffffff, 0x8000000100000000
        TEST_AMO 17, amoadd.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x8000000000000000
        TEST_AMO 18, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00
        TEST_AMO 19, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0
        TEST_AMO 20, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0
        TEST_AMO 21, amomin.d, 0xffffffff80000000, 0x0000000100000001, 0xffffffff80000000, 0xffffffff80000000
        TEST_AMO 22, amomin.d, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd
        TEST_AMO 23, amomax.d, 0xffffffff80000000, 0x0000000100000001, 0xffffffff80000000, 0x0000000100000001
        TEST_AMO 24, amomax.d, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0x0000000000000005
        TEST_AMO 25, amominu.d, 0xffffffff80000000, 0x0000000100000001, 0xffffffff80000000, 0x0000000100000001
        TEST_AMO 26, amominu.d, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0x0000000000000005
        TEST_AMO 27, amomaxu.d, 0xffffffff80000000, 0x0000000100000001, 0xffffffff80000000, 0xffffffff80000000
        TEST_AMO 28, amomaxu.d, 0x0000000000000005, 0xfffffffffffffffd, 0x0000000000000005, 0xfffffffffffffffd

        /* rd = x0 still performs the memory update. */
        li gp, 100
        la s0, amo_word
        li a1, 40
        sd a1, 0(s0)
        li a2, 2
        amoadd.d x0, a2, (s0)
        ld a0, 0(s0)
        CHECK_EQ a0, 42

        /* rd == rs2: the old memory value lands in rd, memory gets old rs2. */
        li gp, 101
        li a1, 7
        sd a1, 0(s0)
        li a2, 9
        amoswap.d a2, a2, (s0)
        CHECK_EQ a2, 7
        ld a0, 0(s0)
        CHECK_EQ a0, 9

        /* aq/rl variants decode and behave identically on one hart. */
        li gp, 102
        sd zero, 0(s0)
        li a2, 1
        amoadd.w.aq a0, a2, (s0)
        amoadd.w.rl a0, a2, (s0)
        amoadd.d.aqrl a0, a2, (s0)
        ld a0, 0(s0)
        CHECK_EQ a0, 3

        /* .W on the upper word of a doubleword (address +4). */
        li gp, 103
        li a1, 0x7ffffffe00000005
        sd a1, 0(s0)
        addi s1, s0, 4
        li a2, 1
        amoadd.w a0, a2, (s1)
        CHECK_EQ a0, 0x7ffffffe
        ld a0, 0(s0)
        CHECK_EQ a0, 0x7fffffff00000005
        amoadd.w a0, a2, (s1)
        ld a0, 0(s0)
        CHECK_EQ a0, 0x8000000000000005

        TEST_PASS

        .data
        .balign 8
amo_word:
        .dword 0
