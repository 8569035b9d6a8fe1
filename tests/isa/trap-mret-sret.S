/*
 * trap-mret-sret: privilege transitions through MRET/SRET and trap entry
 * (Privileged spec, "Privilege and Global Interrupt-Enable Stack in mstatus"
 * and "Trap-Return Instructions"):
 *  - MRET: privilege := MPP, MIE := MPIE, MPIE := 1, MPP := U (the least
 *    privileged supported mode), pc := mepc;
 *  - SRET: privilege := SPP, SIE := SPIE, SPIE := 1, SPP := U, pc := sepc;
 *    SRET is also legal in M-mode;
 *  - trap into M: MPP := previous privilege, MPIE := MIE, MIE := 0.
 * The privilege reached is identified by the ECALL cause it produces.
 * (Not checked: clearing MPRV when returning below M, which priv 1.12
 * requires but QEMU 7.2 does not do.)
 */
#include "common.h"

#define MSTATUS_STACK (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)

/* a0 := mstatus & the interrupt-stack fields */
.macro READ_STACK reg
        csrr \reg, mstatus
        li t6, MSTATUS_STACK
        and \reg, \reg, t6
.endm

TEST_BEGIN
        /* 1: MRET M->M with MPIE=1, MIE=0: MIE becomes 1, MPIE 1, MPP U */
        li gp, 1
        li a1, MSTATUS_STACK
        csrc mstatus, a1
        li a1, MSTATUS_MPP_M | MSTATUS_MPIE
        csrs mstatus, a1
        la a1, 1f
        csrw mepc, a1
        mret
        j fail_case
1:      READ_STACK a0
        CHECK_EQ a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP_U

        /* 2: MRET M->M with MPIE=0, MIE=1: MIE becomes 0, MPIE 1 */
        li gp, 2
        li a1, MSTATUS_STACK
        csrc mstatus, a1
        li a1, MSTATUS_MPP_M | MSTATUS_MIE
        csrs mstatus, a1
        la a1, 2f
        csrw mepc, a1
        mret
        j fail_case
2:      READ_STACK a0
        CHECK_EQ a0, MSTATUS_MPIE | MSTATUS_MPP_U

        /* 3: MRET to S: ECALL there reports cause 9; the trap entry stores
         * MPP = S and MPIE = the MIE that MRET set from MPIE (1). */
        li gp, 3
        li a1, MSTATUS_STACK
        csrc mstatus, a1
        li a1, MSTATUS_MPP_S | MSTATUS_MPIE
        csrs mstatus, a1
        EXPECT_TRAP 4f
        la a1, 3f
        csrw mepc, a1
        mret
3:      ecall
4:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_MEPC_SYM 3b
        ld a0, trap_mstatus
        li a1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPIE | MSTATUS_MPP_S   /* MIE := 0 on entry */

        /* 4: MRET to U (MPP = 0) */
        li gp, 4
        li a1, MSTATUS_STACK
        csrc mstatus, a1
        EXPECT_TRAP 6f
        la a1, 5f
        csrw mepc, a1
        mret
5:      ecall
6:      CHECK_MCAUSE CAUSE_USER_ECALL
        ld a0, trap_mstatus
        li a1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_U      /* MPIE = MIE(0) at trap time */

        /* 5: SRET S->S inside S-mode: SIE := SPIE, SPIE := 1, SPP := U.
         * sstatus values are kept in s2/s3 and checked back in M-mode. */
        li gp, 5
        li a1, MSTATUS_STACK
        csrc mstatus, a1
        EXPECT_TRAP 9f
        GOTO_S(7f)
7:      li a1, MSTATUS_SPP | MSTATUS_SPIE
        csrs sstatus, a1
        la a1, 8f
        csrw sepc, a1
        sret
        j fail_case
8:      csrr s2, sstatus                /* expect SIE=1, SPIE=1, SPP=0 */
        li a1, MSTATUS_SPP | MSTATUS_SIE
        csrs sstatus, a1                /* now SPIE=1, SIE=1, SPP=1 */
        li a1, MSTATUS_SPIE
        csrc sstatus, a1                /* SPIE=0 */
        la a1, 10f
        csrw sepc, a1
        sret
        j fail_case
10:     csrr s3, sstatus                /* expect SIE=0, SPIE=1, SPP=0 */
        ecall
9:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL  /* still S after both SRETs */
        li a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
        and s2, s2, a1
        CHECK_EQ s2, MSTATUS_SIE | MSTATUS_SPIE
        li gp, 6
        and s3, s3, a1
        CHECK_EQ s3, MSTATUS_SPIE

        /* 7: SRET from S to U (SPP = 0) */
        li gp, 7
        EXPECT_TRAP 12f
        GOTO_S(11f)
11:     li a1, MSTATUS_SPP
        csrc sstatus, a1
        la a1, 13f
        csrw sepc, a1
        sret
13:     ecall
12:     CHECK_MCAUSE CAUSE_USER_ECALL
        CHECK_MEPC_SYM 13b

        /* 8: SRET executed in M-mode goes to SPP (here U) */
        li gp, 8
        li a1, MSTATUS_SPP
        csrc mstatus, a1
        EXPECT_TRAP 15f
        la a1, 14f
        csrw sepc, a1
        sret
14:     ecall
15:     CHECK_MCAUSE CAUSE_USER_ECALL
        /* 9: SRET in M-mode with SPP = S goes to S */
        li gp, 9
        li a1, MSTATUS_SPP
        csrs mstatus, a1
        EXPECT_TRAP 17f
        la a1, 16f
        csrw sepc, a1
        sret
16:     ecall
17:     CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        li gp, 10                       /* and SRET set SPP := U */
        ld a0, trap_mstatus
        andi a0, a0, MSTATUS_SPP
        CHECK_EQ a0, 0

        /* 11: MRET from S-mode is illegal; SRET from U-mode is illegal */
        TEST_TRAP_S 11, CAUSE_ILLEGAL_INSN, 0x30200073, .word 0x30200073
        TEST_TRAP_U 12, CAUSE_ILLEGAL_INSN, 0x10200073, .word 0x10200073

        /* 13: MRET returns to exactly mepc, also a 2-byte aligned one */
        li gp, 13
        li a1, MSTATUS_MPP_M
        csrs mstatus, a1
        la a1, 18f
        csrw mepc, a1
        mret
        j fail_case
        .balign 4
        c.nop
18:     c.nop
        csrr a0, mepc
        CHECK_EQ_SYM a0, 18b
        andi a0, a0, 3
        CHECK_EQ a0, 2

        TEST_PASS
