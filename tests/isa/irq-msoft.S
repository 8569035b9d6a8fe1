/*
 * irq-msoft: machine software interrupts through the CLINT msip register
 * (0x2000000; only bit 0 is writable) (Privileged spec, "Machine Interrupt
 * Registers (mip and mie)": MSIP is read-only in mip and written through
 * the memory-mapped msip register).  Taken with mcause = interrupt | 3 when
 * mie.MSIE and mstatus.MIE are set.
 */
#include "common.h"
TEST_BEGIN
        IRQ_QUIET
        li s0, CLINT_MSIP

        TEST_CASE(1, a0, 0, lw a0, 0(s0))
        /* 2: msip = 1 sets mip.MSIP */
        TEST_CASE(2, a0, MIP_MSIP, li a1, 1; sw a1, 0(s0); csrr a0, mip; andi a0, a0, MIP_MSIP)
        /* 3: only bit 0 of msip is implemented */
        TEST_CASE(3, a0, 1, li a1, -1; sw a1, 0(s0); lw a0, 0(s0))
        /* 4: mip.MSIP is read-only through the CSR */
        TEST_CASE(4, a0, MIP_MSIP, li a1, MIP_MSIP; csrc mip, a1; csrr a0, mip; andi a0, a0, MIP_MSIP)
        /* 5: msip = 0 clears it */
        TEST_CASE(5, a0, 0, sw zero, 0(s0); csrr a0, mip; andi a0, a0, MIP_MSIP)
        TEST_CASE(6, a0, 0, li a1, MIP_MSIP; csrs mip, a1; csrr a0, mip; andi a0, a0, MIP_MSIP)
        TEST_CASE(7, a0, 2, li a1, 2; sw a1, 0(s0); lw a0, 0(s0); addi a0, a0, 2) /* bit 1 ignored */

        /* 8: taken when enabled; the hook clears msip */
        li gp, 8
        SET_TRAP_HOOK irq_log_hook
        li a1, MIP_MSIP
        csrs mie, a1
        csrsi mstatus, MSTATUS_MIE
        li a1, 1
        sw a1, 0(s0)
        WAIT_MEM_NE irq_log_count, 0
        csrci mstatus, MSTATUS_MIE
        ld a0, irq_log
        CHECK_EQ a0, CAUSE_INTR | IRQ_M_SOFT
        CHECK_MTVAL 0
        lw a0, 0(s0)
        CHECK_EQ a0, 0
        /* 9: taken exactly once */
        li gp, 9
        SPIN 1000
        ld a0, irq_log_count
        CHECK_EQ a0, 1

        /* 10: raised while MIE = 0, taken as soon as MIE is set, with mepc
         * at an instruction after the enabling CSR write */
        li gp, 10
        li a1, 1
        sw a1, 0(s0)
        SPIN 100
        ld a0, irq_log_count
        CHECK_EQ a0, 1
        csrsi mstatus, MSTATUS_MIE
1:      WAIT_MEM_NE irq_log_count, 1
2:      csrci mstatus, MSTATUS_MIE
        ld a0, irq_log_epc + 8
        la a1, 1b
        bltu a0, a1, fail_case_near
        la a1, 2b
        bgtu a0, a1, fail_case_near

        IRQ_QUIET
        CLEAR_TRAP_HOOK
        TEST_PASS

fail_case_near:
        j fail_case
