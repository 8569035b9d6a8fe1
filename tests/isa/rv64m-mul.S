/*
 * rv64m-mul: MUL/MULH/MULHU/MULHSU/MULW (Unprivileged spec, "M" extension):
 * MUL gives the low 64 bits, MULH/MULHU/MULHSU the high 64 bits of the
 * 128-bit product for signed*signed, unsigned*unsigned and
 * signed(rs1)*unsigned(rs2); MULW multiplies the low 32 bits and
 * sign-extends the 32-bit result.
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        TEST_RR 1, mul, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000
        TEST_RR 2, mul, 0x0000000000000015, 0x0000000000000003, 0x0000000000000007
        TEST_RR 3, mul, 0xffffffffffffffeb, 0xfffffffffffffffd, 0x0000000000000007
        TEST_RR 4, mul, 0xdca5e20890f2a521, 0x0123456789abcdef, 0x0123456789abcdef   /* low 64 bits */
        TEST_RR 5, mul, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff   /* wraps */
        TEST_RR 6, mul, 0xfffffffe00000001, 0x00000000ffffffff, 0x00000000ffffffff

        TEST_RR 7, mulh, 0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff
        TEST_RR 8, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000   /* (-2^63)^2 */
        TEST_RR 9, mulh, 0xffffffffffffffff, 0x8000000000000000, 0x0000000000000001
        TEST_RR 10, mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001   /* high of -1 is -1 */
        TEST_RR 11, mulh, 0xfffeb49923cc0953, 0x0123456789abcdef, 0xfedcba9876543211
        TEST_RR 12, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff

        TEST_RR 13, mulhu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff
        TEST_RR 14, mulhu, 0x0000000000000001, 0x8000000000000000, 0x0000000000000002
        TEST_RR 15, mulhu, 0x00014b66dc33f6ac, 0x0123456789abcdef, 0x0123456789abcdef
        TEST_RR 16, mulhu, 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff
        TEST_RR 17, mulhu, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff

        TEST_RR 18, mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff   /* signed -1 * unsigned max */
        TEST_RR 19, mulhsu, 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff
        TEST_RR 20, mulhsu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff
        TEST_RR 21, mulhsu, 0xffffffffffffffff, 0xfffffffffffffffe, 0x0000000000000002
        TEST_RR 22, mulhsu, 0x0123456789abcdee, 0x0123456789abcdef, 0xffffffffffffffff

        TEST_RR 23, mulw, 0xfffffffffffffffe, 0x000000007fffffff, 0x0000000000000002   /* result sign-extended */
        TEST_RR 24, mulw, 0x000000000000000f, 0x0000000100000003, 0x0000000100000005   /* upper bits ignored */
        TEST_RR 25, mulw, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff
        TEST_RR 26, mulw, 0x0000000000000000, 0x0000000000010000, 0x0000000000010000   /* 2^32 wraps to 0 */
        /* rd == rs1 / rd == rs2 */
        TEST_RR_SRC1_EQ_DEST 90, mul, 143, 13, 11
        TEST_RR_SRC2_EQ_DEST 91, mulhu, 1, 0x8000000000000000, 2

        TEST_PASS
