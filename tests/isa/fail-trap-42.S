/*
 * fail-trap-42: INTENTIONALLY FAILING program, for checking test runners.
 * Case 42 executes an ECALL that no test expects: the runtime's M-mode
 * handler reports
 *   "FAIL fail-trap-42.S case 42: unexpected trap in M handler: cause=..."
 * and exits with status 42.
 */
#include "common.h"
TEST_BEGIN
        li gp, 42
        ecall                                   /* unexpected trap */
        TEST_PASS                               /* not reached */
