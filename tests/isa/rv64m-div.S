/*
 * rv64m-div: DIV/DIVU/REM/REMU and DIVW/DIVUW/REMW/REMUW (Unprivileged spec,
 * "Division Operations"): signed division rounds toward zero, the remainder
 * takes the sign of the dividend; division by zero gives quotient all ones
 * and remainder = dividend; signed overflow (most-negative / -1) gives
 * quotient = dividend and remainder 0; none of these trap.  W forms use the
 * low 32 bits and sign-extend the 32-bit result.
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        TEST_RR 1, div, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006
        TEST_RR 2, div, 0xfffffffffffffffd, 0xffffffffffffffec, 0x0000000000000006   /* rounds toward zero */
        TEST_RR 3, div, 0xfffffffffffffffd, 0x0000000000000014, 0xfffffffffffffffa
        TEST_RR 4, div, 0x0000000000000003, 0xffffffffffffffec, 0xfffffffffffffffa
        TEST_RR 5, div, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000   /* divide by zero -> -1 */
        TEST_RR 6, div, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff   /* overflow -> dividend */
        TEST_RR 7, div, 0x8000000000000000, 0x8000000000000000, 0x0000000000000001
        TEST_RR 8, div, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000

        TEST_RR 9, divu, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006
        TEST_RR 10, divu, 0x2aaaaaaaaaaaaaa7, 0xffffffffffffffec, 0x0000000000000006
        TEST_RR 11, divu, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000   /* divide by zero -> 2^64-1 */
        TEST_RR 12, divu, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff

        TEST_RR 13, rem, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006
        TEST_RR 14, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0x0000000000000006   /* sign follows dividend */
        TEST_RR 15, rem, 0x0000000000000002, 0x0000000000000014, 0xfffffffffffffffa
        TEST_RR 16, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0xfffffffffffffffa
        TEST_RR 17, rem, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000   /* divide by zero -> dividend */
        TEST_RR 18, rem, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff   /* overflow -> 0 */
        TEST_RR 19, rem, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0000000000000000

        TEST_RR 20, remu, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006
        TEST_RR 21, remu, 0x0000000000000002, 0xffffffffffffffec, 0x0000000000000006
        TEST_RR 22, remu, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000   /* divide by zero -> dividend */
        TEST_RR 23, remu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff

        TEST_RR 24, divw, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006
        TEST_RR 25, divw, 0xfffffffffffffffd, 0xffffffffffffffec, 0x0000000000000006
        TEST_RR 26, divw, 0x0000000000000003, 0xffffffff00000014, 0x0000000000000006   /* upper bits ignored */
        TEST_RR 27, divw, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000   /* by zero -> -1 */
        TEST_RR 28, divw, 0xffffffff80000000, 0x0000000080000000, 0xffffffffffffffff   /* overflow -> -2^31 */
        TEST_RR 29, divw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000001

        TEST_RR 30, divuw, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006
        TEST_RR 31, divuw, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001   /* result 0xffffffff sign-extended */
        TEST_RR 32, divuw, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000   /* by zero -> -1 (all ones) */
        TEST_RR 33, divuw, 0x0000000040000000, 0x0000000080000000, 0x0000000100000002   /* divisor low bits = 2 */

        TEST_RR 34, remw, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006
        TEST_RR 35, remw, 0xfffffffffffffffe, 0xffffffffffffffec, 0x0000000000000006
        TEST_RR 36, remw, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000   /* by zero -> dividend (sign-extended) */
        TEST_RR 37, remw, 0x0000000000000000, 0x0000000080000000, 0xffffffffffffffff   /* overflow -> 0 */
        TEST_RR 38, remw, 0xfffffffffffffffe, 0x00000000fffffffe, 0x0000000000000000   /* dividend sext */

        TEST_RR 39, remuw, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006
        TEST_RR 40, remuw, 0xfffffffffffffffe, 0x00000000fffffffe, 0x0000000000000000   /* by zero -> sext(dividend) */
        TEST_RR 41, remuw, 0x000000007ffffffe, 0x00000000ffffffff, 0x0000000080000001
        TEST_RR 42, remuw, 0x0000000023456789, 0x0000000123456789, 0x0000000100000000   /* divisor low32 = 0 */
        TEST_RR_SRC1_EQ_DEST 90, div, 3, 21, 7
        TEST_RR_SRC2_EQ_DEST 91, remu, 0, 21, 7

        TEST_PASS
