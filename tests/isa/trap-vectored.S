/*
 * trap-vectored: mtvec / stvec vectored mode (Privileged spec, "Machine Trap
 * Vector Base-Address Register"): with MODE = 1, synchronous exceptions go
 * to BASE and interrupts to BASE + 4 * cause.  Checked for the machine
 * software (3), machine timer (7) and supervisor software (1, not
 * delegated: handled in M) interrupts, for an ECALL, and for a delegated
 * supervisor software interrupt through a vectored stvec.
 *
 * This test installs its own tables; the handlers use only s8-s11:
 *   s9 = vector entry index taken, s10 = mcause/scause.
 */
#include "common.h"

.macro WAIT_S10
        li s7, 1000000
.Lw\@:  bnez s10, .Lwd\@
        addi s7, s7, -1
        bnez s7, .Lw\@
        j fail_case
.Lwd\@:
.endm

TEST_BEGIN
        .option norvc                   /* table entries must be 4 bytes */
        csrr s0, mtvec
        csrr s1, stvec

        li gp, 1
        la a0, mvec
        ori a0, a0, 1
        csrw mtvec, a0
        csrr a1, mtvec
        CHECK_EQ_REG a1, a0             /* MODE = 1 is supported */

        /* 2: exceptions use BASE */
        li gp, 2
        li s9, -1
        li s10, 0
        ecall
        CHECK_EQ s9, 0
        CHECK_EQ s10, CAUSE_MACHINE_ECALL

        /* 3: machine software interrupt -> BASE + 12 */
        li gp, 3
        li s9, -1
        li s10, 0
        li a0, MIP_MSIP
        csrs mie, a0
        csrsi mstatus, MSTATUS_MIE
        li a0, CLINT_MSIP
        li a1, 1
        sw a1, 0(a0)
        WAIT_S10
        csrci mstatus, MSTATUS_MIE
        csrw mie, zero
        CHECK_EQ s9, 3
        CHECK_EQ s10, CAUSE_INTR | IRQ_M_SOFT

        /* 4: machine timer interrupt -> BASE + 28 */
        li gp, 4
        li s9, -1
        li s10, 0
        li a0, CLINT_MTIMECMP
        sd zero, 0(a0)                  /* mtime >= 0: pending at once */
        li a0, MIP_MTIP
        csrs mie, a0
        csrsi mstatus, MSTATUS_MIE
        WAIT_S10
        csrci mstatus, MSTATUS_MIE
        csrw mie, zero
        CHECK_EQ s9, 7
        CHECK_EQ s10, CAUSE_INTR | IRQ_M_TIMER

        /* 5: supervisor software interrupt, not delegated -> M BASE + 4 */
        li gp, 5
        li s9, -1
        li s10, 0
        li a0, MIP_SSIP
        csrs mie, a0
        csrsi mstatus, MSTATUS_MIE
        csrs mip, a0
        WAIT_S10
        csrci mstatus, MSTATUS_MIE
        csrw mie, zero
        CHECK_EQ s9, 1
        CHECK_EQ s10, CAUSE_INTR | IRQ_S_SOFT

        /* 6: delegated SSI in S-mode through a vectored stvec: BASE + 4 */
        li gp, 6
        li s9, -1
        li s10, 0
        la a0, svec
        ori a0, a0, 1
        csrw stvec, a0
        li a0, MIP_SSIP
        csrw mideleg, a0
        csrw mie, a0                    /* = sie.SSIE since delegated */
        EXPECT_TRAP 7f
        GOTO_S(6f)
6:      csrsi sstatus, MSTATUS_SIE
        li a0, MIP_SSIP
        csrs sip, a0                    /* S raises its own SSI */
        WAIT_S10
        mv s5, s9                       /* the M vector code overwrites */
        mv s6, s10                      /* s9/s10 on the way to M */
        ecall
7:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_EQ s5, 101
        CHECK_EQ s6, CAUSE_INTR | IRQ_S_SOFT
        csrw mie, zero
        csrw mideleg, zero

        csrw mtvec, s0
        csrw stvec, s1
        TEST_PASS

/* M-mode vector table */
        .balign 256
mvec:
        j mvec_0
        j mvec_1
        j mvec_2
        j mvec_3
        j mvec_4
        j mvec_5
        j mvec_6
        j mvec_7
        j mvec_8
        j mvec_9
        j mvec_10
        j mvec_11

mvec_0: li s9, 0
        j mvec_common
mvec_1: li s9, 1
        j mvec_common
mvec_2: li s9, 2
        j mvec_common
mvec_3: li s9, 3
        j mvec_common
mvec_4: li s9, 4
        j mvec_common
mvec_5: li s9, 5
        j mvec_common
mvec_6: li s9, 6
        j mvec_common
mvec_7: li s9, 7
        j mvec_common
mvec_8: li s9, 8
        j mvec_common
mvec_9: li s9, 9
        j mvec_common
mvec_10: li s9, 10
        j mvec_common
mvec_11: li s9, 11
        j mvec_common

mvec_common:
        csrr s10, mcause
        bltz s10, 1f
        /* exception: the S-mode ECALL of case 6 belongs to the runtime */
        li s11, CAUSE_SUPERVISOR_ECALL
        beq s10, s11, 2f
        csrr s11, mepc                  /* skip the faulting instruction */
        addi s11, s11, 4
        csrw mepc, s11
        mret
1:      li s11, CLINT_MSIP              /* interrupt: silence every source */
        sw zero, 0(s11)
        li s11, CLINT_MTIMECMP
        li s8, -1
        sd s8, 0(s11)
        li s11, MIP_SSIP | MIP_STIP
        csrc mip, s11
        mret
2:      j trap_entry_m

/* S-mode vector table: only the SSI entry is expected */
        .balign 256
svec:
        j svec_bad
        j svec_ssi
        j svec_bad
        j svec_bad
        j svec_bad
        j svec_bad
svec_bad:
        j fail_case
svec_ssi:
        li s9, 101
        csrr s10, scause
        li s11, MIP_SSIP
        csrc sip, s11
        sret
