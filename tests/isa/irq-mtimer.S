/*
 * irq-mtimer: the machine timer (Privileged spec, "Machine Timer Registers
 * (mtime and mtimecmp)"; CLINT at 0x2000000, mtimecmp at +0x4000, mtime at
 * +0xBFF8, 10 MHz):
 *  - mtime advances and the time CSR reads the same clock;
 *  - mip.MTIP is set exactly while mtime >= mtimecmp and is read-only in mip;
 *  - a pending timer interrupt is taken only with mie.MTIE and mstatus.MIE
 *    (in M-mode); mcause = interrupt bit | 7, mtval = 0;
 *  - a deadline in the future fires once mtime reaches it, and writing a
 *    new mtimecmp clears the pending bit.
 */
#include "common.h"
TEST_BEGIN
        IRQ_QUIET
        li s0, CLINT_MTIME
        li s1, CLINT_MTIMECMP

        /* 1: mtime advances (and only upwards) */
        li gp, 1
        ld s2, 0(s0)
        WAIT_CHANGE s2, ld a0, 0(s0)
        bleu a0, s2, fail_case_near
        /* 2: the time CSR reads mtime: mtime_a <= time <= mtime_b */
        li gp, 2
        ld a0, 0(s0)
        rdtime a1
        ld a2, 0(s0)
        bltu a1, a0, fail_case_near
        bltu a2, a1, fail_case_near

        /* 3: MTIP follows the comparison, whatever mie says */
        li gp, 3
        li a0, -1
        sd a0, 0(s1)
        csrr a0, mip
        andi a0, a0, MIP_MTIP
        CHECK_EQ a0, 0
        li gp, 4
        sd zero, 0(s1)                  /* 0 <= mtime: pending */
        csrr a0, mip
        andi a0, a0, MIP_MTIP
        CHECK_EQ a0, MIP_MTIP
        /* 5: MTIP cannot be cleared through mip */
        li gp, 5
        li a1, MIP_MTIP
        csrc mip, a1
        csrr a0, mip
        andi a0, a0, MIP_MTIP
        CHECK_EQ a0, MIP_MTIP

        /* 6: pending + MTIE but MIE = 0: not taken in M-mode */
        li gp, 6
        SET_TRAP_HOOK irq_log_hook
        li a1, MIP_MTIP
        csrs mie, a1
        SPIN 1000
        ld a0, irq_log_count
        CHECK_EQ a0, 0
        /* 7: pending + MIE = 1 but MTIE = 0: not taken */
        li gp, 7
        csrw mie, zero
        csrsi mstatus, MSTATUS_MIE
        SPIN 1000
        ld a0, irq_log_count
        CHECK_EQ a0, 0
        /* 8: both enabled: taken (the hook silences it with mtimecmp = ~0) */
        li gp, 8
        li a1, MIP_MTIP
        csrs mie, a1
        WAIT_MEM_NE irq_log_count, 0
        csrci mstatus, MSTATUS_MIE
        ld a0, irq_log
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_TIMER
        CHECK_MTVAL 0
        ld a0, irq_log_count
        CHECK_EQ a0, 1
        csrr a0, mip                    /* silenced by the new mtimecmp */
        andi a0, a0, MIP_MTIP
        CHECK_EQ a0, 0
        /* 9: the trap cleared MIE and saved it in MPIE */
        li gp, 9
        ld a0, trap_mstatus
        andi a0, a0, MSTATUS_MIE | MSTATUS_MPIE
        CHECK_EQ a0, MSTATUS_MPIE

        /* 10: a deadline 2 ms ahead fires, and not before it.  (If the
         * host stalls, MTIP may already be set when mip is read: then
         * mtime read afterwards must have reached the deadline.) */
        li gp, 10
        ld a0, 0(s0)
        li a1, 20000
        add s2, a0, a1
        sd s2, 0(s1)
        csrr a0, mip
        ld a1, 0(s0)
        andi a0, a0, MIP_MTIP
        beqz a0, 1f                     /* not yet: fine */
        bltu a1, s2, fail_case_near     /* pending before the deadline */
1:      csrsi mstatus, MSTATUS_MIE
        WAIT_MEM_NE irq_log_count, 1
        ld a0, 0(s0)
        csrci mstatus, MSTATUS_MIE
        bltu a0, s2, fail_case_near     /* fired at or after the deadline */
        li gp, 11
        ld a0, irq_log + 8
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_TIMER

        /* 12: mtimecmp written with 32-bit halves (as RV32 code would):
         * high word first to ~0 avoids a spurious interrupt. */
        li gp, 12
        li a0, -1
        sw a0, 4(s1)
        sw zero, 0(s1)                  /* mtimecmp = 0xffffffff00000000 */
        ld a1, 0(s1)
        CHECK_EQ a1, 0xffffffff00000000
        csrr a0, mip
        andi a0, a0, MIP_MTIP
        CHECK_EQ a0, 0

        IRQ_QUIET
        CLEAR_TRAP_HOOK
        TEST_PASS

fail_case_near:
        j fail_case
