/*
 * irq-wfi: WFI (Privileged spec, "Wait for Interrupt Instruction"):
 *  - WFI resumes when an interrupt is pending and enabled in mie, even if
 *    mstatus.MIE = 0; then no trap is taken and execution continues after
 *    the WFI;
 *  - with MIE = 1 the interrupt is taken; mepc is the instruction after the
 *    WFI (or the WFI itself if the interrupt was taken before it executed);
 *  - WFI is legal in S-mode when mstatus.TW = 0.
 * (WFI in U-mode and TW = 1 are covered by mstatus-tw-tvm-tsr.)
 */
#include "common.h"
TEST_BEGIN
        .option norvc
        IRQ_QUIET
        SET_TRAP_HOOK irq_log_hook
        li s0, CLINT_MTIME
        li s1, CLINT_MTIMECMP

        /* 1: MIE = 0, MTIE = 1, deadline 1 ms ahead: WFI returns and no
         * trap is taken; the timer is pending afterwards. */
        li gp, 1
        li a0, MIP_MTIP
        csrw mie, a0
        ld a0, 0(s0)
        li a1, 10000
        add s2, a0, a1
        sd s2, 0(s1)
1:      wfi
        csrr a0, mip                    /* WFI may also return early: loop */
        andi a0, a0, MIP_MTIP
        beqz a0, 1b
        ld a0, 0(s0)
        bltu a0, s2, fail_near
        li gp, 2
        ld a0, irq_log_count
        CHECK_EQ a0, 0

        /* 3: MIE = 1: the interrupt is taken at (or right after) the WFI */
        li gp, 3
        ld a0, 0(s0)
        li a1, 10000
        add s2, a0, a1
        sd s2, 0(s1)
        csrsi mstatus, MSTATUS_MIE
2:      wfi
3:      ld a0, irq_log_count
        beqz a0, 2b
        csrci mstatus, MSTATUS_MIE
        ld a0, irq_log
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_TIMER
        ld a0, irq_log_epc
        la a1, 3b
        beq a0, a1, 4f                  /* after the WFI (normal case) */
        la a1, 2b
        bne a0, a1, fail_near           /* or before it */
4:
        /* 5: WFI in S-mode (TW = 0), woken by the machine timer, which is
         * then taken to M (M interrupts are always enabled in S).  The
         * deadline is 10 ms ahead so it cannot fire before the WFI. */
        li gp, 5
        li a0, MSTATUS_TW
        csrc mstatus, a0
        ld a0, 0(s0)
        li a1, 100000
        add s2, a0, a1
        sd s2, 0(s1)
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      wfi
        WAIT_MEM_NE irq_log_count, 1
        ecall
6:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        ld a0, irq_log + 8
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_TIMER
        ld a0, trap_mstatus             /* the ECALL came from S: no */
        li a1, MSTATUS_MPP              /* privilege change happened */
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_S

        IRQ_QUIET
        CLEAR_TRAP_HOOK
        TEST_PASS
fail_near:
        j fail_case
