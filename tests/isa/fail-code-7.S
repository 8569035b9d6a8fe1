/*
 * fail-code-7: INTENTIONALLY FAILING program, for checking test runners.
 * Case 7 compares 1 with 2, so the program prints
 *   "FAIL fail-code-7.S case 7"
 * on the UART and exits through the finisher with (7 << 16) | 0x3333:
 * QEMU exits with status 7.  manifest.json expects {"exitCode": 7}.
 */
#include "common.h"
TEST_BEGIN
        TEST_CASE(1, a0, 1, li a0, 1)           /* passes */
        TEST_CASE(7, a0, 2, li a0, 1)           /* fails: exit code 7 */
        TEST_PASS                               /* not reached */
