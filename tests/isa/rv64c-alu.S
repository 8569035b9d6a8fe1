/*
 * rv64c-alu: the RV64C integer computational instructions, written with
 * explicit c.* mnemonics so the assembler must emit 16-bit encodings
 * (Unprivileged spec, "C" extension, "Integer Computational Instructions"):
 * C.LI, C.LUI, C.ADDI, C.ADDIW, C.ADDI16SP, C.ADDI4SPN, C.SLLI, C.SRLI,
 * C.SRAI, C.ANDI, C.MV, C.ADD, C.SUB, C.XOR, C.OR, C.AND, C.SUBW, C.ADDW,
 * C.NOP.  Immediates are sign-extended (except C.ADDI4SPN's, which is
 * zero-extended and scaled by 4); W forms sign-extend 32-bit results;
 * RV64 shift amounts reach 63.
 */
#include "common.h"
TEST_BEGIN
        /* C.LI: 6-bit sign-extended immediate */
        TEST_CASE( 1, a0, 31, c.li a0, 31)
        TEST_CASE( 2, a0, -32, c.li a0, -32)
        TEST_CASE( 3, t1, -1, c.li t1, -1)          /* any rd != x0 */

        /* C.LUI: nzimm[17:12], sign-extended from bit 17 */
        TEST_CASE( 4, a0, 0x1f000, c.lui a0, 0x1f)
        TEST_CASE( 5, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
        TEST_CASE( 6, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
        TEST_CASE( 7, a0, 0x1000, c.lui a0, 1)

        /* C.ADDI */
        TEST_CASE(10, a0, 0x8000000000000000, li a0, 0x7fffffffffffffe1; c.addi a0, 31)
        TEST_CASE(11, a0, -32, li a0, 0; c.addi a0, -32)
        TEST_CASE(12, s1, 0xffffffff, li s1, 0x100000000; c.addi s1, -1)

        /* C.ADDIW: 32-bit add, result sign-extended; imm 0 = sext.w */
        TEST_CASE(13, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
        TEST_CASE(14, a0, 0xffffffff89abcdef, li a0, 0x0123456789abcdef; c.addiw a0, 0)
        TEST_CASE(15, a0, 0x000000007fffffff, li a0, 0x1234567880000000; c.addiw a0, -1)

        /* C.ADDI16SP: sp += nzimm*16 (sign-extended, -512..496) */
        li gp, 16
        mv s2, sp
        c.addi16sp sp, -512
        sub a0, s2, sp
        CHECK_EQ a0, 512
        c.addi16sp sp, 496
        c.addi16sp sp, 16
        CHECK_EQ_REG sp, s2

        /* C.ADDI4SPN: rd' = sp + nzuimm (zero-extended, multiple of 4) */
        li gp, 17
        c.addi4spn a0, sp, 1020
        sub a0, a0, sp
        CHECK_EQ a0, 1020
        c.addi4spn s0, sp, 4
        sub a0, s0, sp
        CHECK_EQ a0, 4

        /* C.SLLI / C.SRLI / C.SRAI, shamt up to 63 on RV64 */
        TEST_CASE(20, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
        TEST_CASE(21, a0, 0x3456789abcdef000, li a0, 0x0123456789abcdef; c.slli a0, 12)
        TEST_CASE(22, t2, 0x100000000, li t2, 1; c.slli t2, 32)  /* rd may be any reg */
        TEST_CASE(23, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
        TEST_CASE(24, a0, 0x00000000ffffffff, li a0, -1; c.srli a0, 32)
        TEST_CASE(25, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
        TEST_CASE(26, a5, 0xfffffffffffffff0, li a5, -256; c.srai a5, 4)
        TEST_CASE(27, a0, 0x0000000000800000, li a0, 0x0000000080000000; c.srai a0, 8)

        /* C.ANDI: sign-extended 6-bit immediate */
        TEST_CASE(30, a0, 0x1234567812345670, li a0, 0x1234567812345678; c.andi a0, -16)
        TEST_CASE(31, a0, 0x18, li a0, 0x1234567812345678; c.andi a0, 31)
        TEST_CASE(32, a0, 0, li a0, -1; c.andi a0, 0)

        /* C.MV / C.ADD (full register set) */
        TEST_CASE(40, t0, 0x0123456789abcdef, li t1, 0x0123456789abcdef; c.mv t0, t1)
        TEST_CASE(41, t0, 0x8000000000000000, li t0, 0x7fffffffffffffff; li t1, 1; c.add t0, t1)
        TEST_CASE(42, s3, 30, li s3, 10; c.add s3, s3; c.add s3, s3; addi s3, s3, -10)

        /* CA format: rd'/rs2' in x8..x15 */
        TEST_CASE(50, a0, -1, li a0, 0; li a1, 1; c.sub a0, a1)
        TEST_CASE(51, a0, 0xf0f0f0f0f0f0f0f0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.xor a0, a1)
        TEST_CASE(52, a0, 0xfff0fff0fff0fff0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.or a0, a1)
        TEST_CASE(53, a0, 0x0f000f000f000f00, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.and a0, a1)
        TEST_CASE(54, a0, 0x000000007fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
        TEST_CASE(55, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
        TEST_CASE(56, s0, 0, li s0, 0xffffffff00000001; li s1, 0xffffffff; c.addw s0, s1)  /* upper bits ignored */
        TEST_CASE(57, a5, 0xffffffffffffffff, li a5, 0x100000000; li a4, 1; c.subw a5, a4)

        /* C.NOP changes nothing */
        TEST_CASE(60, a0, 5, li a0, 5; c.nop; c.nop)

        /* The instructions above really were 16 bits long: the distance
         * between two labels around four C instructions is 8 bytes. */
        li gp, 61
1:      c.li a0, 1
        c.addi a0, 1
        c.mv a1, a0
        c.add a0, a1
2:      la a2, 1b
        la a3, 2b
        sub a2, a3, a2
        CHECK_EQ a2, 8
        CHECK_EQ a0, 4

        TEST_PASS
