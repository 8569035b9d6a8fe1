/*
 * counters: the base counters cycle / time / instret (Unprivileged spec,
 * "Zicntr"; Privileged spec, "Counter-Enable Registers (mcounteren and
 * scounteren)"):
 *  - they can be read in M-mode and advance;
 *  - minstret / mcycle are writable in M-mode and count on from the value
 *    written;
 *  - S-mode may read cycle/time/instret only if the CY/TM/IR bit of
 *    mcounteren is set; U-mode only if set in both mcounteren and
 *    scounteren; otherwise illegal instruction (mtval = instruction bits).
 */
#include "common.h"

#define INSN_RDCYCLE_A0    0xc0002573
#define INSN_RDTIME_A0     0xc0102573
#define INSN_RDINSTRET_A0  0xc0202573

TEST_BEGIN
        .option norvc
        /* 1-3: monotonic and advancing (M-mode) */
        li gp, 1
        rdcycle a0
        SPIN 1000
        rdcycle a1
        bleu a1, a0, fail_near
        li gp, 2
        rdinstret a0
        SPIN 1000
        rdinstret a1
        bleu a1, a0, fail_near
        li gp, 3
        rdtime s2
        WAIT_CHANGE s2, rdtime a0
        bleu a0, s2, fail_near
        /* 4: the M-mode names read the same counters */
        li gp, 4
        rdinstret a0
        csrr a1, minstret
        rdinstret a2
        bltu a1, a0, fail_near
        bltu a2, a1, fail_near

        /* 5: minstret / mcycle are writable and continue from there */
        li gp, 5
        li a1, 0x100000000
        csrw minstret, a1
        csrr a0, minstret
        bltu a0, a1, fail_near
        li a2, 0x100000000 + 0x10000000
        bgeu a0, a2, fail_near
        li gp, 6
        csrw mcycle, a1
        csrr a0, mcycle
        bltu a0, a1, fail_near
        bgeu a0, a2, fail_near

        /* 7: mcounteren / scounteren hold the CY, TM, IR bits */
        TEST_CASE(7, a0, 7, csrwi mcounteren, 7; csrr a0, mcounteren; andi a0, a0, 7)
        TEST_CASE(8, a0, 7, csrwi scounteren, 7; csrr a0, scounteren; andi a0, a0, 7)

        /* S-mode with mcounteren = 0: all three trap */
        csrwi mcounteren, 0
        TEST_TRAP_S 10, CAUSE_ILLEGAL_INSN, INSN_RDCYCLE_A0, rdcycle a0
        TEST_TRAP_S 11, CAUSE_ILLEGAL_INSN, INSN_RDTIME_A0, rdtime a0
        TEST_TRAP_S 12, CAUSE_ILLEGAL_INSN, INSN_RDINSTRET_A0, rdinstret a0
        /* individually enabled */
        csrwi mcounteren, 1             /* CY only */
        RUN_S 13, rdcycle a0
        TEST_TRAP_S 14, CAUSE_ILLEGAL_INSN, INSN_RDTIME_A0, rdtime a0
        csrwi mcounteren, 2             /* TM only */
        RUN_S 15, rdtime a0
        TEST_TRAP_S 16, CAUSE_ILLEGAL_INSN, INSN_RDINSTRET_A0, rdinstret a0
        csrwi mcounteren, 4             /* IR only */
        RUN_S 17, rdinstret a0
        TEST_TRAP_S 18, CAUSE_ILLEGAL_INSN, INSN_RDCYCLE_A0, rdcycle a0

        /* U-mode needs both enables */
        csrwi mcounteren, 7
        csrwi scounteren, 0
        TEST_TRAP_U 20, CAUSE_ILLEGAL_INSN, INSN_RDCYCLE_A0, rdcycle a0
        TEST_TRAP_U 21, CAUSE_ILLEGAL_INSN, INSN_RDTIME_A0, rdtime a0
        TEST_TRAP_U 22, CAUSE_ILLEGAL_INSN, INSN_RDINSTRET_A0, rdinstret a0
        csrwi scounteren, 7
        RUN_U 23, rdcycle a0
        RUN_U 24, rdtime a0
        RUN_U 25, rdinstret a0
        csrwi mcounteren, 0             /* scounteren alone is not enough */
        TEST_TRAP_U 26, CAUSE_ILLEGAL_INSN, INSN_RDTIME_A0, rdtime a0

        /* 27: the value read in S-mode is live (time advances there too) */
        li gp, 27
        csrwi mcounteren, 2
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      rdtime s2
        WAIT_CHANGE s2, rdtime a0
        mv s3, a0
        ecall
2:      bleu s3, s2, fail_near

        csrwi mcounteren, 0
        csrwi scounteren, 0
        TEST_PASS
fail_near:
        j fail_case
