/*
 * irq-gating: global interrupt-enable rules (Privileged spec, "Machine
 * Status Registers (mstatus)", interrupt enable stack): an interrupt for
 * privilege x is taken when
 *   - the current privilege is lower than x (regardless of xIE), or
 *   - the current privilege equals x and xIE = 1;
 * it is never taken while running at a higher privilege than x.  And it
 * must be individually enabled in mie/sie.
 */
#include "common.h"
TEST_BEGIN
        IRQ_QUIET
        SET_TRAP_HOOK irq_log_hook
        SET_S_TRAP_HOOK s_irq_log_hook

        /* 1: MSI pending + enabled, running in S with mstatus.MIE = 0:
         * taken to M */
        li gp, 1
        li a0, MIP_MSIP
        csrw mie, a0
        li a0, CLINT_MSIP
        li a1, 1
        sw a1, 0(a0)
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      WAIT_MEM_NE irq_log_count, 0
        ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        TEST_CASE(2, a0, CAUSE_INTR | IRQ_M_SOFT, ld a0, irq_log)
        /* 3: ... and in U-mode */
        li gp, 3
        li a0, CLINT_MSIP
        li a1, 1
        sw a1, 0(a0)
        EXPECT_TRAP 4f
        GOTO_U(3f)
3:      WAIT_MEM_NE irq_log_count, 1
        ecall
4:      CHECK_MCAUSE CAUSE_USER_ECALL
        TEST_CASE(4, a0, CAUSE_INTR | IRQ_M_SOFT, ld a0, irq_log + 8)

        /* 5: SSI not delegated (goes to M), pending + enabled, in S-mode with
         * MIE = 0: taken to M */
        li gp, 5
        li a0, MIP_SSIP
        csrw mie, a0
        csrs mip, a0
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      WAIT_MEM_NE irq_log_count, 2
        ecall
6:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        TEST_CASE(6, a0, CAUSE_INTR | IRQ_S_SOFT, ld a0, irq_log + 16)

        /* 7: delegated SSI, in S-mode with SIE = 0: not taken; after
         * setting SIE it is. */
        li gp, 7
        li a0, MIP_SSIP
        csrw mideleg, a0
        csrs mip, a0
        csrci mstatus, MSTATUS_SIE
        EXPECT_TRAP 8f
        GOTO_S(7f)
7:      SPIN 1000
        ld s2, s_irq_log_count          /* expect 0 */
        csrsi sstatus, MSTATUS_SIE
        WAIT_MEM_NE s_irq_log_count, 0
        csrci sstatus, MSTATUS_SIE
        ecall
8:      CHECK_EQ s2, 0
        TEST_CASE(9, a0, CAUSE_INTR | IRQ_S_SOFT, ld a0, s_irq_log)

        /* 10: delegated SSI in M-mode with SIE = 1 and MIE = 1: never
         * taken (S interrupts do not interrupt M) */
        li gp, 10
        li a0, MIP_SSIP
        csrs mip, a0
        csrsi mstatus, MSTATUS_SIE | MSTATUS_MIE
        SPIN 1000
        csrci mstatus, MSTATUS_SIE | MSTATUS_MIE
        TEST_CASE(11, a0, 1, ld a0, s_irq_log_count)
        TEST_CASE(12, a0, 3, ld a0, irq_log_count)
        /* 13: ... then in U-mode with SIE = 0 it is taken (U < S) */
        li gp, 13
        EXPECT_TRAP 10f
        GOTO_U(9f)
9:      WAIT_MEM_NE s_irq_log_count, 1
        ecall
10:     CHECK_MCAUSE CAUSE_USER_ECALL
        TEST_CASE(14, a0, CAUSE_INTR | IRQ_S_SOFT, ld a0, s_irq_log + 8)

        /* 15: an interrupt disabled in mie is not taken even with MIE = 1
         * and lower privilege */
        li gp, 15
        csrw mie, zero
        csrw mideleg, zero
        li a0, CLINT_MSIP
        li a1, 1
        sw a1, 0(a0)
        EXPECT_TRAP 12f
        GOTO_U(11f)
11:     SPIN 1000
        ecall
12:     CHECK_MCAUSE CAUSE_USER_ECALL
        TEST_CASE(16, a0, 3, ld a0, irq_log_count)

        /* 17: M-mode, MIE = 1 and MSIE = 1 with msip still set: taken */
        li gp, 17
        li a0, MIP_MSIP
        csrw mie, a0
        csrsi mstatus, MSTATUS_MIE
        WAIT_MEM_NE irq_log_count, 3
        csrci mstatus, MSTATUS_MIE
        TEST_CASE(18, a0, CAUSE_INTR | IRQ_M_SOFT, ld a0, irq_log + 24)

        IRQ_QUIET
        CLEAR_TRAP_HOOK
        TEST_PASS
