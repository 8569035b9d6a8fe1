/*
 * irq-sdeleg: supervisor interrupts delegated with mideleg (Privileged spec,
 * "Machine Trap Delegation Registers" and "Supervisor Interrupt Registers
 * (sip and sie)"):
 *  - M-mode software may set mip.SSIP, mip.STIP and mip.SEIP;
 *  - a delegated interrupt is taken in S-mode (scause = interrupt | code,
 *    sepc = interrupted pc, stval = 0) when sie enables it and
 *    sstatus.SIE = 1; it is never taken while in M-mode;
 *  - in sip, S-mode can write SSIP only; STIP and SEIP are read-only.
 */
#include "common.h"
TEST_BEGIN
        IRQ_QUIET
        li a0, MIP_SSIP | MIP_STIP | MIP_SEIP
        csrw mideleg, a0
        /* (with the H extension, QEMU hard-wires the VS bits of mideleg
         * to 1, so only the S bits are compared) */
        TEST_CASE(1, a1, MIP_SSIP | MIP_STIP | MIP_SEIP, csrr a1, mideleg; li a2, 0xaaa; and a1, a1, a2)
        SET_S_TRAP_HOOK s_irq_log_hook
        SET_TRAP_HOOK irq_log_hook

        /* 2: M sets SSIP; M-mode with SIE = 1 and sie.SSIE does not take
         * the delegated interrupt. */
        li gp, 2
        li a0, MIP_SSIP
        csrs mie, a0
        csrsi mstatus, MSTATUS_SIE | MSTATUS_MIE
        csrs mip, a0
        SPIN 1000
        ld a0, s_irq_log_count
        CHECK_EQ a0, 0
        ld a0, irq_log_count
        CHECK_EQ a0, 0
        csrr a0, sip                    /* visible in sip */
        CHECK_EQ a0, MIP_SSIP
        csrci mstatus, MSTATUS_MIE

        /* 3: entering S-mode (SIE = 1) takes it in S */
        li gp, 3
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      WAIT_MEM_NE s_irq_log_count, 0
        ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        ld a0, s_irq_log
        CHECK_EQ a0, CAUSE_INTR | IRQ_S_SOFT
        CHECK_STVAL 0
        ld a0, irq_log_count
        CHECK_EQ a0, 0                  /* M saw nothing */
        li gp, 4                        /* sepc pointed into the S code */
        ld a0, s_irq_log_epc
        la a1, 1b
        bltu a0, a1, fail_near
        la a1, 2b
        bgeu a0, a1, fail_near
        li gp, 5                        /* SPP = S, SPIE = 1 at entry */
        ld a0, s_trap_sstatus
        andi a0, a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
        CHECK_EQ a0, MSTATUS_SPP | MSTATUS_SPIE

        /* 6: supervisor timer: M sets mip.STIP, taken in S (the hook masks
         * sie.STIE since STIP is read-only in sip) */
        li gp, 6
        csrw mie, zero
        li a0, MIP_STIP
        csrs mie, a0
        csrs mip, a0
        EXPECT_TRAP 4f
        GOTO_S(3f)
3:      WAIT_MEM_NE s_irq_log_count, 1
        csrr s2, sip
        li a0, MIP_STIP                 /* S cannot clear STIP */
        csrc sip, a0
        csrr s3, sip
        ecall
4:      ld a0, s_irq_log + 8
        CHECK_EQ a0, CAUSE_INTR | IRQ_S_TIMER
        li gp, 7
        CHECK_EQ s2, MIP_STIP
        CHECK_EQ s3, MIP_STIP
        csrr a0, mie
        CHECK_EQ a0, 0                  /* the S hook cleared sie.STIE */
        li a0, MIP_STIP                 /* M clears it */
        csrc mip, a0
        csrr a0, mip
        andi a0, a0, MIP_STIP
        CHECK_EQ a0, 0

        /* 8: supervisor external (SEIP written by M) */
        li gp, 8
        li a0, MIP_SEIP
        csrs mie, a0
        csrs mip, a0
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      WAIT_MEM_NE s_irq_log_count, 2
        li a0, MIP_SSIP                 /* 9: S can set its own SSIP */
        csrs sip, a0
        csrr s4, sip
        csrc sip, a0
        ecall
6:      ld a0, s_irq_log + 16
        CHECK_EQ a0, CAUSE_INTR | IRQ_S_EXT
        li gp, 9
        andi s4, s4, MIP_SSIP
        CHECK_EQ s4, MIP_SSIP
        li a0, MIP_SEIP
        csrc mip, a0

        /* 10: S software interrupt from U-mode with sstatus.SIE = 0 is
         * taken in S (a more privileged mode is always interruptible) */
        li gp, 10
        csrw mie, zero
        li a0, MIP_SSIP
        csrs mie, a0
        csrci mstatus, MSTATUS_SIE
        csrs mip, a0
        EXPECT_TRAP 8f
        GOTO_U(7f)
7:      WAIT_MEM_NE s_irq_log_count, 3
        ecall
8:      CHECK_MCAUSE CAUSE_USER_ECALL
        ld a0, s_irq_log + 24
        CHECK_EQ a0, CAUSE_INTR | IRQ_S_SOFT
        ld a0, s_trap_sstatus
        andi a0, a0, MSTATUS_SPP
        CHECK_EQ a0, 0                  /* came from U */

        IRQ_QUIET
        csrw mideleg, zero
        CLEAR_TRAP_HOOK
        TEST_PASS
fail_near:
        j fail_case
