/*
 * mstatus-tvm-tw-tsr: the virtualization-support trap bits of mstatus
 * (Privileged spec, "Virtualization Support in mstatus Register"):
 *  - TVM = 1: in S-mode, reading/writing satp and executing SFENCE.VMA
 *    raise illegal instruction; without TVM they are allowed;
 *  - TW = 1: WFI in S-mode raises illegal instruction;
 *  - TSR = 1: SRET in S-mode raises illegal instruction;
 *  - none of them affect M-mode.
 * Also: WFI in U-mode raises illegal instruction (S-mode present; the spec
 * permits this, QEMU does it, virtlab matches QEMU).
 * mtval = the instruction bits in every case.
 */
#include "common.h"

#define INSN_CSRR_A0_SATP  0x18002573
#define INSN_CSRW_SATP_X0  0x18001073
#define INSN_SFENCE_VMA    0x12000073
#define INSN_WFI           0x10500073
#define INSN_SRET          0x10200073

TEST_BEGIN
        .option norvc
        IRQ_QUIET

        /* TVM = 0: S may access satp and run SFENCE.VMA */
        RUN_S 1, csrr a0, satp
        RUN_S 2, csrw satp, zero
        RUN_S 3, sfence.vma

        li a0, MSTATUS_TVM
        csrs mstatus, a0
        TEST_TRAP_S 4, CAUSE_ILLEGAL_INSN, INSN_CSRR_A0_SATP, csrr a0, satp
        TEST_TRAP_S 5, CAUSE_ILLEGAL_INSN, INSN_CSRW_SATP_X0, csrw satp, zero
        TEST_TRAP_S 6, CAUSE_ILLEGAL_INSN, INSN_SFENCE_VMA, sfence.vma
        /* M-mode is not affected */
        TEST_NO_TRAP 7, csrr a0, satp
        TEST_NO_TRAP 8, sfence.vma
        li a0, MSTATUS_TVM
        csrc mstatus, a0

        /* TW = 1: WFI in S traps.  A timer interrupt 0.5 s ahead is
         * enabled so that a WFI that wrongly does not trap ends with a
         * (failing) interrupt trap instead of hanging. */
        li a0, MIP_MTIP
        csrw mie, a0
        call timer_later
        li a0, MSTATUS_TW
        csrs mstatus, a0
        TEST_TRAP_S 10, CAUSE_ILLEGAL_INSN, INSN_WFI, wfi
        /* M-mode with TW = 1: WFI is fine (timer pending, MIE = 0, so it
         * returns at once without a trap) */
        li a0, CLINT_MTIMECMP
        sd zero, 0(a0)
        TEST_NO_TRAP 11, wfi
        li a0, MSTATUS_TW
        csrc mstatus, a0
        /* TW = 0: WFI in U-mode traps (S-mode exists) */
        call timer_later
        TEST_TRAP_U 12, CAUSE_ILLEGAL_INSN, INSN_WFI, wfi
        IRQ_QUIET

        /* TSR = 0: SRET in S works (returns to S here) */
        li gp, 20
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      li a0, MSTATUS_SPP
        csrs sstatus, a0
        la a0, 3f
        csrw sepc, a0
        sret
        j fail_case
3:      ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_MEPC_SYM 3b

        /* TSR = 1: SRET in S traps */
        li a0, MSTATUS_TSR
        csrs mstatus, a0
        TEST_TRAP_S 21, CAUSE_ILLEGAL_INSN, INSN_SRET, sret
        /* ... but SRET in M-mode still works */
        li gp, 22
        li a0, MSTATUS_SPP
        csrs mstatus, a0
        EXPECT_TRAP 5f
        la a0, 4f
        csrw sepc, a0
        sret
4:      ecall
5:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        li a0, MSTATUS_TSR
        csrc mstatus, a0

        /* The three bits are writable in mstatus (WARL, implemented). */
        li gp, 30
        li a1, MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
        csrs mstatus, a1
        csrr a0, mstatus
        and a0, a0, a1
        CHECK_EQ_REG a0, a1
        csrc mstatus, a1
        csrr a0, mstatus
        and a0, a0, a1
        CHECK_EQ a0, 0
        /* ... and invisible in sstatus */
        csrs mstatus, a1
        csrr a0, sstatus
        and a0, a0, a1
        CHECK_EQ a0, 0
        csrc mstatus, a1

        TEST_PASS

timer_later:                            /* mtimecmp := mtime + 0.5 s */
        li t0, CLINT_MTIME
        ld t1, 0(t0)
        li t2, 5000000
        add t1, t1, t2
        li t0, CLINT_MTIMECMP
        sd t1, 0(t0)
        ret
