/*
 * trap-ecall: ECALL raises "environment call from x-mode" with the cause
 * depending on the current privilege: 11 from M, 9 from S, 8 from U
 * (Privileged spec, mcause table).  mepc is the address of the ECALL itself
 * (it is not advanced), mtval is 0, MPP records the previous privilege and
 * the handler can return past the ECALL with MRET to mepc + 4.
 */
#include "common.h"

TEST_BEGIN
        /* ECALL from M-mode */
        TEST_TRAP 1, CAUSE_MACHINE_ECALL, 0, ecall
        li gp, 2
        ld a0, trap_mstatus
        li a1, MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_M

        /* ECALL from S-mode */
        TEST_TRAP_S 3, CAUSE_SUPERVISOR_ECALL, 0, ecall
        li gp, 4
        ld a0, trap_mstatus
        li a1, MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_S

        /* ECALL from U-mode */
        TEST_TRAP_U 5, CAUSE_USER_ECALL, 0, ecall
        li gp, 6
        ld a0, trap_mstatus
        li a1, MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_U

        /* A handler that skips the ECALL (mepc += 4) and returns to the
         * interrupted mode: registers other than the ones the handler sets
         * are preserved, and execution continues after the ECALL. */
        li gp, 7
        SET_TRAP_HOOK ecall_service
        li a7, 0x1234
        li s5, 0x5555
        ecall                           /* "syscall": a0 = a7 + 1 */
        CHECK_EQ a0, 0x1235
        CHECK_EQ s5, 0x5555
        li gp, 8                        /* the same from U-mode */
        EXPECT_TRAP 9f
        GOTO_U(8f)
8:      li a7, 41
        ecall                           /* returns to U, a0 = 42 */
        mv s6, a0
        li a7, -1                       /* "exit" request: back to M */
        ecall
9:      CHECK_EQ s6, 42
        CLEAR_TRAP_HOOK

        TEST_PASS

/* Hook: ECALL with a7 = -1 is left to the default handling (resume at
 * trap_resume in M-mode); otherwise return a7 + 1 in a0 and skip the
 * ECALL. */
ecall_service:
        ld t0, 17*8(a0)                 /* saved a7 */
        li t1, -1
        beq t0, t1, 1f
        addi t0, t0, 1
        sd t0, 10*8(a0)                 /* saved a0 := a7 + 1 */
        csrr t0, mepc
        addi t0, t0, 4
        csrw mepc, t0
        li a0, 0                        /* handled */
        ret
1:      li a0, 1                        /* default: resume at trap_resume */
        ret
