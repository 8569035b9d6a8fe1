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

        /* 3: MIE = 1: the interrupt is taken at (or right after) the WFI.
         * The hook re-arms the timer 1 ms later each time, so that a WFI
         * reached only after the interrupt (host stall) still wakes up. */
        li gp, 3
        SET_TRAP_HOOK rearm_hook
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
        /* 5: WFI in S-mode (TW = 0) is legal; the machine timer wakes it
         * and is taken to M (M interrupts are always enabled in S). */
        li gp, 5
        li a0, MSTATUS_TW
        csrc mstatus, a0
        ld s3, irq_log_count
        ld a0, 0(s0)
        li a1, 10000
        add s2, a0, a1
        sd s2, 0(s1)
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      wfi
        ld a0, irq_log_count
        beq a0, s3, 5b
        ecall
6:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        ld a0, trap_mstatus             /* the ECALL came from S: the */
        li a1, MSTATUS_MPP              /* WFI did not trap or change */
        and a0, a0, a1                  /* the privilege */
        CHECK_EQ a0, MSTATUS_MPP_S
        li gp, 7
        ld a0, irq_log_count
        addi a0, a0, -1
        slli a0, a0, 3
        la a1, irq_log
        add a1, a1, a0
        ld a0, 0(a1)                    /* last logged cause */
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_TIMER

        IRQ_QUIET
        CLEAR_TRAP_HOOK
        TEST_PASS
fail_near:
        j fail_case

/* irq_log_hook, then re-arm the timer 1 ms ahead if it was the timer */
rearm_hook:
        addi sp, sp, -16
        sd ra, 0(sp)
        sd a1, 8(sp)
        call irq_log_hook
        ld a1, 8(sp)
        ld ra, 0(sp)
        addi sp, sp, 16
        li t0, CAUSE_INTR | IRQ_M_TIMER
        bne a1, t0, 1f
        li t0, CLINT_MTIME
        ld t1, 0(t0)
        li t2, 10000
        add t1, t1, t2
        li t0, CLINT_MTIMECMP
        sd t1, 0(t0)
1:      ret
