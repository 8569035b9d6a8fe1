/*
 * irq-seip-rmw: mip.SEIP is the OR of a software bit and the interrupt
 * controller's line. CSRRS/CSRRC on mip modify only the software bit
 * (Privileged spec, "Machine Interrupt Registers": "... only the
 * software-writable SEIP bit ... "), so clearing STIP while a device holds
 * SEIP high must not latch SEIP in software.
 * Regression: OpenSBI's timer path (csrc mip, STIP) under a busy UART left
 * SEIP stuck at 1 in virtlab and livelocked Linux in its irq handler.
 */
#include "common.h"
#define PLIC_BASE        0x0c000000
#define PLIC_PRIO_UART   (PLIC_BASE + 4 * 10)
#define PLIC_ENABLE_S0   (PLIC_BASE + 0x2080)   /* context 1: hart 0 S-mode */
#define PLIC_THRESH_S0   (PLIC_BASE + 0x201000)
#define UART_IER         1
TEST_BEGIN
        IRQ_QUIET
        /* Raise the S-mode external line: UART THR-empty interrupt (source
         * 10) routed to context 1. */
        li a0, PLIC_PRIO_UART
        li a1, 1
        sw a1, 0(a0)
        li a0, PLIC_ENABLE_S0
        li a1, 1 << 10
        sw a1, 0(a0)
        li a0, PLIC_THRESH_S0
        sw zero, 0(a0)
        li a0, UART_BASE
        li a1, 2                        /* IER.ETBEI */
        sb a1, UART_IER(a0)
        li gp, 1                        /* the line shows in mip.SEIP */
        SPIN 100
        csrr a0, mip
        li a1, MIP_SEIP
        and a0, a0, a1
        CHECK_EQ a0, MIP_SEIP

        li gp, 2                        /* clear STIP by read-modify-write */
        li a1, MIP_STIP
        csrc mip, a1
        /* drop the line */
        li a0, UART_BASE
        sb zero, UART_IER(a0)
        SPIN 100
        csrr a0, mip
        li a1, MIP_SEIP
        and a0, a0, a1
        CHECK_EQ a0, 0                  /* SEIP was not latched */
        TEST_PASS
