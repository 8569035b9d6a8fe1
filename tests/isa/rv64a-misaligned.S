/*
 * rv64a-misaligned: LR and AMOs require naturally aligned addresses; a
 * misaligned one raises an address-misaligned or access-fault exception
 * (Unprivileged spec, "A" extension: "If the address is not naturally
 * aligned, an address-misaligned exception or an access-fault exception
 * will be generated"), never a partial update: memory and rd stay
 * unchanged, mepc = the instruction, mtval = the address.
 *
 * Causes accepted:
 *   LR:  4 (load address misaligned; QEMU 7.2) or 5 (load access fault);
 *   AMO: 6 (store/AMO misaligned, the natural choice) or 7, and 4 / 5,
 *        because QEMU 7.2 (single-threaded TCG) performs the load half
 *        first and reports load address misaligned (4).
 * Not tested: a misaligned SC.  QEMU 7.2 checks the reservation first and
 * fails the SC (rd = 1) without raising anything, since no reservation can
 * exist for a misaligned address.
 */
#include "common.h"

/* TEST_AMO_MIS num, off, insn: a0 = 0x1234 before; insn operates on
 * buf + off; expect a trap with cause in the allowed set. */
.macro TEST_AMO_MIS num, lr, off, insn:vararg
        li gp, \num
        la a1, buf
        addi a1, a1, \off
        li a0, 0x1234
        li a2, -1
        EXPECT_TRAP .Lam_res\@
.Lam_at\@:
        \insn
        j fail_case
.Lam_res\@:
        CHECK_MEPC_SYM .Lam_at\@
        ld t5, trap_mtval
        CHECK_EQ_REG t5, a1
        CHECK_EQ a0, 0x1234             /* rd not written */
        ld t5, trap_mcause
        li t6, CAUSE_MISALIGNED_LOAD
        beq t5, t6, .Lam_ok\@
        li t6, CAUSE_LOAD_ACCESS
        beq t5, t6, .Lam_ok\@
        .if \lr == 0
        li t6, CAUSE_MISALIGNED_STORE
        beq t5, t6, .Lam_ok\@
        li t6, CAUSE_STORE_ACCESS
        beq t5, t6, .Lam_ok\@
        .endif
        j fail_case
.Lam_ok\@:
        /* memory untouched */
        la t5, buf
        ld t6, 0(t5)
        li t5, 0x0706050403020100
        CHECK_EQ_REG t6, t5
        la t5, buf
        ld t6, 8(t5)
        li t5, 0x0f0e0d0c0b0a0908
        CHECK_EQ_REG t6, t5
.endm

TEST_BEGIN
        TEST_AMO_MIS 1, 1, 2, lr.w a0, (a1)
        TEST_AMO_MIS 2, 1, 1, lr.w a0, (a1)
        TEST_AMO_MIS 3, 1, 4, lr.d a0, (a1)
        TEST_AMO_MIS 4, 1, 3, lr.d a0, (a1)
        TEST_AMO_MIS 10, 0, 2, amoswap.w a0, a2, (a1)
        TEST_AMO_MIS 11, 0, 1, amoadd.w a0, a2, (a1)
        TEST_AMO_MIS 12, 0, 3, amoxor.w a0, a2, (a1)
        TEST_AMO_MIS 13, 0, 4, amoand.d a0, a2, (a1)
        TEST_AMO_MIS 14, 0, 6, amoor.d a0, a2, (a1)
        TEST_AMO_MIS 15, 0, 2, amomin.d a0, a2, (a1)
        TEST_AMO_MIS 16, 0, 7, amomaxu.d a0, a2, (a1)
        TEST_AMO_MIS 17, 0, 1, amominu.w a0, a2, (a1)

        /* Aligned versions of the same work (control) */
        li gp, 20
        la a1, buf
        addi a1, a1, 4
        lr.w a0, (a1)
        CHECK_EQ a0, 0x07060504
        li gp, 21
        amoadd.w a0, zero, (a1)
        CHECK_EQ a0, 0x07060504

        TEST_PASS

        .data
        .balign 16
buf:    .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
