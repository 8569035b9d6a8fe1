/*
 * fail-umode-9: INTENTIONALLY FAILING program, for checking test runners.
 * A check fails while running in U-mode: the jump to fail_case traps into
 * M-mode (U cannot read mscratch), which reports
 *   "FAIL fail-umode-9.S case 9"
 * and exits with status 9.  Shows that failures are reported from any
 * privilege mode.
 */
#include "common.h"
TEST_BEGIN
        GOTO_U(1f)
1:      TEST_CASE(9, a0, 5, li a0, 4)           /* fails in U-mode */
        TEST_PASS
