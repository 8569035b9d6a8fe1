/*
 * rv64i-shift: RV64I shifts SLL/SRL/SRA and SLLI/SRLI/SRAI.  In RV64 the
 * shift amount is the low 6 bits of rs2 (higher bits are ignored) and the
 * immediate forms take shamt 0..63; SRA/SRAI replicate the sign bit
 * (Unprivileged spec, "Integer Computational Instructions").
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        TEST_RR 1, sll, 0x0000000000000001, 0x0000000000000001, 0x0
        TEST_RR 2, sll, 0x0000000000000002, 0x0000000000000001, 0x1
        TEST_RR 3, sll, 0x8000000000000000, 0x0000000000000001, 0x3f   /* top bit */
        TEST_RR 4, sll, 0x0000000000000001, 0x0000000000000001, 0x40   /* only rs2[5:0] is used */
        TEST_RR 5, sll, 0x0000000000000002, 0x0000000000000001, 0xffffffffffffffc1   /* rs2[5:0] = 1 */
        TEST_RR 6, sll, 0xfffffffffffffffe, 0xffffffffffffffff, 0x1
        TEST_RR 7, sll, 0x123456789abcdef0, 0x0123456789abcdef, 0x4
        TEST_RR 8, sll, 0x091a2b3c4d5e6f78, 0x0123456789abcdef, 0x43   /* = shift by 3 */

        TEST_RR 9, srl, 0x0000000000000001, 0x8000000000000000, 0x3f
        TEST_RR 10, srl, 0x8000000000000000, 0x8000000000000000, 0x0
        TEST_RR 11, srl, 0x8000000000000000, 0x8000000000000000, 0x40   /* = shift by 0 */
        TEST_RR 12, srl, 0x7fffffffffffffff, 0xffffffffffffffff, 0x1   /* zero fill */
        TEST_RR 13, srl, 0x00123456789abcde, 0x0123456789abcdef, 0x4
        TEST_RR 14, srl, 0x0000000000000000, 0x0123456789abcdef, 0x7f   /* = shift by 63 */

        TEST_RR 15, sra, 0xffffffffffffffff, 0x8000000000000000, 0x3f   /* sign fill */
        TEST_RR 16, sra, 0xffffffffffffffff, 0xffffffffffffffff, 0x1
        TEST_RR 17, sra, 0x0000000000000001, 0x4000000000000000, 0x3e
        TEST_RR 18, sra, 0xc000000000000000, 0x8000000000000000, 0x41   /* = shift by 1 */
        TEST_RR 19, sra, 0x0000000000000000, 0x7fffffffffffffff, 0x3f   /* positive */
        TEST_RR 20, sra, 0xfffffffffffffff0, 0xffffffffffffff00, 0x4

        TEST_RI 21, slli, 0x0000000000000001, 0x0000000000000001, 0
        TEST_RI 22, slli, 0x8000000000000000, 0x0000000000000001, 63
        TEST_RI 23, slli, 0x89abcdef00000000, 0x0123456789abcdef, 32
        TEST_RI 24, slli, 0xf000000000000000, 0xffffffffffffffff, 60
        TEST_RI 25, srli, 0x0000000000000001, 0x8000000000000000, 63
        TEST_RI 26, srli, 0x0123456789abcdef, 0x0123456789abcdef, 0
        TEST_RI 27, srli, 0x00000000ffffffff, 0xffffffffffffffff, 32
        TEST_RI 28, srli, 0x0000000000000000, 0x0123456789abcdef, 60
        TEST_RI 29, srai, 0xffffffffffffffff, 0x8000000000000000, 63
        TEST_RI 30, srai, 0x8000000000000000, 0x8000000000000000, 0
        TEST_RI 31, srai, 0xffffffff81234567, 0x8123456789abcdef, 32
        TEST_RI 32, srai, 0x000000007fffffff, 0x7fffffff00000000, 32

        /* rd == rs1 and shifting x0 */
        TEST_RR_SRC1_EQ_DEST 60, sll, 0x100, 1, 8
        TEST_RR_SRC2_EQ_DEST 61, srl, 0x1, 0x100, 8
        li gp, 62
        li a2, 5
        sll a0, x0, a2
        CHECK_EQ a0, 0

        TEST_PASS
