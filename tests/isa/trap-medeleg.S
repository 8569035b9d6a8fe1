/*
 * trap-medeleg: exception delegation to S-mode (Privileged spec, "Machine
 * Trap Delegation Registers (medeleg and mideleg)" and "Supervisor Trap
 * Vector / Cause / Trap Value registers"):
 *  - an exception whose medeleg bit is set, raised in S or U mode, traps to
 *    S-mode at stvec with scause / sepc / stval written, SPP := previous
 *    privilege, SPIE := SIE, SIE := 0; the M-mode trap CSRs are untouched;
 *  - the same exception raised in M-mode still traps to M (traps never go
 *    to a less privileged mode);
 *  - non-delegated exceptions from S still go to M.
 */
#include "common.h"

/* ld reg, s_trap_sstatus; keep only SPP/SPIE/SIE */
.macro S_STACK reg
        ld \reg, s_trap_sstatus
        andi \reg, \reg, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
.endm

TEST_BEGIN
        .option norvc
        li a1, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_STORE_ACCESS)
        csrw medeleg, a1
        csrr a0, medeleg
        li gp, 1
        CHECK_EQ_REG a0, a1             /* these bits are delegable */

        /* 2: ECALL from U, delegated: S handler sees scause 8, sepc = ecall,
         * stval = 0, SPP = U.  The S handler resumes in S at 2f, which
         * ECALLs (cause 9, not delegated) back to M. */
        li gp, 2
        ld s6, trap_count
        EXPECT_TRAP 3f
        EXPECT_S_TRAP 2f
        GOTO_U(1f)
1:      ecall
        j fail_case
2:      ecall                           /* now in S-mode */
3:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_SCAUSE CAUSE_USER_ECALL
        CHECK_SEPC_SYM 1b
        CHECK_STVAL 0
        S_STACK a0
        CHECK_EQ a0, 0                  /* SPP = U, SPIE = SIE(0) */
        ld a0, trap_count               /* only the final ECALL reached M */
        sub a0, a0, s6
        CHECK_EQ a0, 1

        /* 4: illegal instruction in U, delegated: stval = instruction bits;
         * SIE was 1 in U, so SPIE = 1 and SIE was cleared. */
        li gp, 4
        li a1, MSTATUS_SIE
        csrs mstatus, a1
        EXPECT_TRAP 6f
        EXPECT_S_TRAP 5f
        GOTO_U(4f)
4:      .word 0xfe007033
        j fail_case
5:      ecall                           /* in the S resume code */
6:      CHECK_SCAUSE CAUSE_ILLEGAL_INSN
        CHECK_SEPC_SYM 4b
        CHECK_STVAL 0xfe007033
        S_STACK a0
        CHECK_EQ a0, MSTATUS_SPIE       /* SIE was 0 inside the handler */
        li a1, MSTATUS_SIE
        csrc mstatus, a1

        /* 7: EBREAK in S-mode, delegated: handled in S with SPP = S. */
        li gp, 7
        EXPECT_TRAP 9f
        EXPECT_S_TRAP 8f
        GOTO_S(7f)
7:      ebreak
        j fail_case
8:      ecall
9:      CHECK_SCAUSE CAUSE_BREAKPOINT
        CHECK_SEPC_SYM 7b
        S_STACK a0
        CHECK_EQ a0, MSTATUS_SPP

        /* 10: load access fault in S, delegated: stval = address */
        li gp, 10
        EXPECT_TRAP 12f
        EXPECT_S_TRAP 11f
        GOTO_S(10f)
10:     ld a0, 8(zero)
        j fail_case
11:     ecall
12:     CHECK_SCAUSE CAUSE_LOAD_ACCESS
        CHECK_STVAL 8
        CHECK_SEPC_SYM 10b

        /* 13: the delegated exception raised in M-mode traps to M. */
        li gp, 13
        ld s6, s_trap_count
        TEST_TRAP 13, CAUSE_ILLEGAL_INSN, 0xfe007033, .word 0xfe007033
        ld a0, s_trap_count
        CHECK_EQ_REG a0, s6

        /* 14: a non-delegated exception (ECALL from S, bit 9 clear) from S
         * goes to M, even though others are delegated. */
        TEST_TRAP_S 14, CAUSE_SUPERVISOR_ECALL, 0, ecall

        /* 15: the S-mode trap left mepc/mcause alone: make an M trap,
         * then a delegated S trap, and check the M CSRs kept their values. */
        li gp, 15
        TEST_TRAP 15, CAUSE_MACHINE_ECALL, 0, ecall
        csrr s8, mepc
        li gp, 16
        EXPECT_TRAP 18f
        EXPECT_S_TRAP 17f
        GOTO_S(16f)
16:     ebreak                          /* delegated */
17:     csrr s9, scause                 /* still in S; mcause untouched */
        la s10, 19f
        csrw sepc, s10                  /* S can read/write its own CSRs */
        csrr s10, sepc
19:     ecall
18:     CHECK_EQ s9, CAUSE_BREAKPOINT
        CHECK_EQ_SYM s10, 19b

        csrw medeleg, zero
        TEST_PASS
