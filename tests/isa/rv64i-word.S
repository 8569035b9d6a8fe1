/*
 * rv64i-word: RV64I 32-bit "W" instructions ADDW/SUBW/SLLW/SRLW/SRAW and
 * ADDIW/SLLIW/SRLIW/SRAIW.  They ignore the upper 32 bits of their inputs,
 * use only rs2[4:0] as shift amount, and sign-extend the 32-bit result to
 * 64 bits (Unprivileged spec, RV64I "Integer Computational Instructions").
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        TEST_RR 1, addw, 0xffffffff80000000, 0x000000007fffffff, 0x1   /* overflow -> negative */
        TEST_RR 2, addw, 0x0000000000000000, 0xffffffff00000001, 0xffffffff   /* upper bits ignored */
        TEST_RR 3, addw, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff
        TEST_RR 4, addw, 0x0000000000000000, 0x0000000080000000, 0x80000000
        TEST_RR 5, subw, 0xffffffffffffffff, 0x0000000000000000, 0x1
        TEST_RR 6, subw, 0x000000007fffffff, 0x0000000080000000, 0x1
        TEST_RR 7, subw, 0xffffffffffffffff, 0x0000000100000000, 0x1

        TEST_RI 8, addiw, 0xffffffff80000000, 0x000000007fffffff, 1
        TEST_RI 9, addiw, 0xffffffffffffffff, 0x00000000ffffffff, 0   /* = sext.w */
        TEST_RI 10, addiw, 0xffffffff89abcdef, 0x0123456789abcdef, 0   /* = sext.w */
        TEST_RI 11, addiw, 0xfffffffffffff800, 0x0000000000000000, -2048
        TEST_RI 12, addiw, 0x0000000012345e77, 0x0000000012345678, 2047

        TEST_RR 13, sllw, 0xffffffff80000000, 0x0000000000000001, 0x1f
        TEST_RR 14, sllw, 0x0000000000000001, 0x0000000000000001, 0x20   /* only rs2[4:0] used */
        TEST_RR 15, sllw, 0x0000000000000002, 0xffffffff00000001, 0x1
        TEST_RR 16, sllw, 0xffffffff9abcdef0, 0x0123456789abcdef, 0x4
        TEST_RR 17, srlw, 0x0000000000000001, 0x0000000080000000, 0x1f
        TEST_RR 18, srlw, 0xffffffff80000000, 0xffffffff80000000, 0x0   /* shift 0 still sign-extends */
        TEST_RR 19, srlw, 0x000000007fffffff, 0xffffffffffffffff, 0x1
        TEST_RR 20, srlw, 0x0000000040000000, 0x0000000080000000, 0x21   /* = shift by 1 */
        TEST_RR 21, sraw, 0xffffffffffffffff, 0x0000000080000000, 0x1f
        TEST_RR 22, sraw, 0x0000000000000001, 0x000000007fffffff, 0x1e
        TEST_RR 23, sraw, 0xffffffffc0000000, 0x0000000080000000, 0x1
        TEST_RR 24, sraw, 0x0000000000000000, 0xffffffff7fffffff, 0x1f   /* bit 31 is the sign */

        TEST_RI 25, slliw, 0xffffffff80000000, 0x0000000000000001, 31
        TEST_RI 26, slliw, 0xffffffff89abcdef, 0x0123456789abcdef, 0
        TEST_RI 27, slliw, 0xffffffffcdef0000, 0x0123456789abcdef, 16
        TEST_RI 28, srliw, 0x0000000000000001, 0x00000000ffffffff, 31
        TEST_RI 29, srliw, 0xffffffff80000000, 0x0000000080000000, 0
        TEST_RI 30, srliw, 0x000000000089abcd, 0x0123456789abcdef, 8
        TEST_RI 31, sraiw, 0xffffffffffffffff, 0x0000000080000000, 31
        TEST_RI 32, sraiw, 0xffffffff80000000, 0x1234567880000000, 0
        TEST_RI 33, sraiw, 0xffffffffff89abcd, 0x0123456789abcdef, 8

        TEST_PASS
