/*
 * common.h - shared definitions and macros for the virtlab ISA tests.
 *
 * Every test is one bare-metal program linked with runtime.S (entry code,
 * trap handlers, pass/fail exits, UART printing, Sv39 helpers) and link.ld.
 * A test defines `test_main` through TEST_BEGIN; the runtime jumps there in
 * M-mode after setting up the machine (see runtime.S for the exact state).
 *
 * Register conventions inside tests:
 *   gp (x3)  current test case number; a failing check exits with it.
 *   t5, t6   scratch of the check / trap macros below (clobbered by them).
 *   sp       a valid stack in RAM (identity / bare addresses).
 * Everything else is free for the test.
 *
 * Macro styles: the CPP macros (TEST_CASE, GOTO_S, ...) take a sequence of
 * instructions separated by `;`.  The assembler macros (.macro TEST_TRAP,
 * RUN_S, ...) take ONE instruction as their last argument: a `;` there
 * ends the macro call, and whatever follows runs outside the macro.
 *
 * This file is run through the C preprocessor: use C comments only.
 */
#ifndef VIRTLAB_ISA_COMMON_H
#define VIRTLAB_ISA_COMMON_H

/* ---------------------------------------------------------------- board */
#define FINISHER_BASE   0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333
#define UART_BASE       0x10000000
#define UART_THR        0
#define UART_LSR        5
#define UART_LSR_THRE   0x20
#define CLINT_BASE      0x2000000
#define CLINT_MSIP      (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP  (CLINT_BASE + 0x4000)
#define CLINT_MTIME     (CLINT_BASE + 0xBFF8)
#define RAM_BASE        0x80000000

/* ------------------------------------------------------------- mstatus */
#define MSTATUS_SIE     0x2
#define MSTATUS_MIE     0x8
#define MSTATUS_SPIE    0x20
#define MSTATUS_MPIE    0x80
#define MSTATUS_SPP     0x100
#define MSTATUS_MPP     0x1800
#define MSTATUS_MPP_U   0x0000
#define MSTATUS_MPP_S   0x0800
#define MSTATUS_MPP_M   0x1800
#define MSTATUS_FS      0x6000
#define MSTATUS_FS_OFF      0x0000
#define MSTATUS_FS_INITIAL  0x2000
#define MSTATUS_FS_CLEAN    0x4000
#define MSTATUS_FS_DIRTY    0x6000
#define MSTATUS_MPRV    0x20000
#define MSTATUS_SUM     0x40000
#define MSTATUS_MXR     0x80000
#define MSTATUS_TVM     0x100000
#define MSTATUS_TW      0x200000
#define MSTATUS_TSR     0x400000
#define MSTATUS_UXL     0x300000000
#define MSTATUS_SXL     0xC00000000
#define MSTATUS_SD      0x8000000000000000

/* ------------------------------------------------------ exception causes */
#define CAUSE_MISALIGNED_FETCH   0
#define CAUSE_FETCH_ACCESS       1
#define CAUSE_ILLEGAL_INSN       2
#define CAUSE_BREAKPOINT         3
#define CAUSE_MISALIGNED_LOAD    4
#define CAUSE_LOAD_ACCESS        5
#define CAUSE_MISALIGNED_STORE   6
#define CAUSE_STORE_ACCESS       7
#define CAUSE_USER_ECALL         8
#define CAUSE_SUPERVISOR_ECALL   9
#define CAUSE_MACHINE_ECALL      11
#define CAUSE_FETCH_PAGE_FAULT   12
#define CAUSE_LOAD_PAGE_FAULT    13
#define CAUSE_STORE_PAGE_FAULT   15

/* interrupts: mcause/scause have bit 63 set */
#define CAUSE_INTR              0x8000000000000000
#define IRQ_S_SOFT              1
#define IRQ_M_SOFT              3
#define IRQ_S_TIMER             5
#define IRQ_M_TIMER             7
#define IRQ_S_EXT               9
#define IRQ_M_EXT               11
#define MIP_SSIP                (1 << IRQ_S_SOFT)
#define MIP_MSIP                (1 << IRQ_M_SOFT)
#define MIP_STIP                (1 << IRQ_S_TIMER)
#define MIP_MTIP                (1 << IRQ_M_TIMER)
#define MIP_SEIP                (1 << IRQ_S_EXT)
#define MIP_MEIP                (1 << IRQ_M_EXT)

/* ------------------------------------------------------------- Sv39 */
#define PTE_V   0x001
#define PTE_R   0x002
#define PTE_W   0x004
#define PTE_X   0x008
#define PTE_U   0x010
#define PTE_G   0x020
#define PTE_A   0x040
#define PTE_D   0x080
#define SATP_MODE_SV39  0x8000000000000000
#define PAGE_SIZE       0x1000
#define MEGAPAGE_SIZE   0x200000
#define GIGAPAGE_SIZE   0x40000000
#define LEVEL_4K   0
#define LEVEL_2M   1
#define LEVEL_1G   2
/* vm_setup_identity (runtime.S) maps RAM a second time at this offset as a
 * user (U=1) gigapage, so U-mode code can run from the same image. */
#define USER_ALIAS_OFFSET 0x100000000

/* fcsr */
#define FFLAG_NX  0x01
#define FFLAG_UF  0x02
#define FFLAG_OF  0x04
#define FFLAG_DZ  0x08
#define FFLAG_NV  0x10
#define FRM_RNE 0
#define FRM_RTZ 1
#define FRM_RDN 2
#define FRM_RUP 3
#define FRM_RMM 4

/* ------------------------------------------------------ program layout */

/* Starts the test body.  The runtime enters test_main in M-mode. */
#define TEST_BEGIN                              \
        .pushsection .rodata;                   \
        .globl test_name;                       \
test_name: .asciz __FILE__;                     \
        .popsection;                            \
        .text;                                  \
        .globl test_main;                       \
        .balign 4;                              \
test_main:

/* Exits: both may be used from any privilege mode (see runtime.S). */
#define TEST_PASS   j pass
#define TEST_FAIL   j fail_case

/* Changes privilege: M-mode only.  Sets xPP and jumps to `label` by MRET /
 * SRET.  The target address is computed PC-relatively. */
#define GOTO_S(label)                           \
        li t6, MSTATUS_MPP;                     \
        csrc mstatus, t6;                       \
        li t6, MSTATUS_MPP_S;                   \
        csrs mstatus, t6;                       \
        la t6, label;                           \
        csrw mepc, t6;                          \
        mret

#define GOTO_U(label)                           \
        li t6, MSTATUS_MPP;                     \
        csrc mstatus, t6;                       \
        la t6, label;                           \
        csrw mepc, t6;                          \
        mret

/* Same, but enters the user alias of `label` (VA = PA + USER_ALIAS_OFFSET),
 * for U-mode code under Sv39 set up by vm_setup_identity. */
#define GOTO_U_ALIAS(label)                     \
        li t6, MSTATUS_MPP;                     \
        csrc mstatus, t6;                       \
        la t6, label;                           \
        li t5, USER_ALIAS_OFFSET;               \
        add t6, t6, t5;                         \
        csrw mepc, t6;                          \
        mret

/* From S-mode (M-mode also works) go to U-mode at `label`. */
#define S_GOTO_U(label)                         \
        li t6, MSTATUS_SPP;                     \
        csrc sstatus, t6;                       \
        la t6, label;                           \
        csrw sepc, t6;                          \
        sret

/* ----------------------------------------------------------- checks */

/* Fail with the current case number unless reg == expected (immediate). */
.macro CHECK_EQ reg, expected
        li t6, \expected
        beq \reg, t6, .Lchk_ok\@
        j fail_case
.Lchk_ok\@:
.endm

/* Fail unless reg == address of symbol. */
.macro CHECK_EQ_SYM reg, sym
        la t6, \sym
        beq \reg, t6, .Lchk_ok\@
        j fail_case
.Lchk_ok\@:
.endm

/* Fail unless two registers are equal. */
.macro CHECK_EQ_REG reg1, reg2
        beq \reg1, \reg2, .Lchk_ok\@
        j fail_case
.Lchk_ok\@:
.endm

.macro CHECK_NE reg, value
        li t6, \value
        bne \reg, t6, .Lchk_ok\@
        j fail_case
.Lchk_ok\@:
.endm

/* Register-register / register-immediate / unary ALU checks:
 *   TEST_RR num, op, result, v1, v2     op a0, a1(=v1), a2(=v2)
 *   TEST_RI num, op, result, v1, imm    op a0, a1(=v1), imm
 *   TEST_RR_SRC1_EQ_DEST ...            op a1, a1, a2   (rd == rs1)
 *   TEST_RR_SRC2_EQ_DEST ...            op a2, a1, a2   (rd == rs2)
 */
.macro TEST_RR num, op, result, v1, v2
        li gp, \num
        li a1, \v1
        li a2, \v2
        \op a0, a1, a2
        CHECK_EQ a0, \result
.endm
.macro TEST_RI num, op, result, v1, imm
        li gp, \num
        li a1, \v1
        \op a0, a1, \imm
        CHECK_EQ a0, \result
.endm
.macro TEST_RR_SRC1_EQ_DEST num, op, result, v1, v2
        li gp, \num
        li a1, \v1
        li a2, \v2
        \op a1, a1, a2
        CHECK_EQ a1, \result
.endm
.macro TEST_RR_SRC2_EQ_DEST num, op, result, v1, v2
        li gp, \num
        li a1, \v1
        li a2, \v2
        \op a2, a1, a2
        CHECK_EQ a2, \result
.endm

/* Fail unless the 64-bit word at symbol equals expected. Clobbers t5. */
.macro CHECK_MEM sym, expected
        ld t5, \sym
        CHECK_EQ t5, \expected
.endm

/*
 * TEST_CASE(n, reg, expected, code...): the basic check.  Sets the case
 * number, runs `code` (instructions separated by `;`), then requires
 * reg == expected.  A failure exits through the finisher with code n and
 * prints "FAIL <file> case n" on the UART.
 */
#define TEST_CASE(n, reg, expected, code...)    \
        li gp, n;                               \
        code;                                   \
        CHECK_EQ reg, expected

/* Same, expected value is the address of a symbol. */
#define TEST_CASE_SYM(n, reg, sym, code...)     \
        li gp, n;                               \
        code;                                   \
        CHECK_EQ_SYM reg, sym

/* (Floating-point check macros live in fp.h.) */

/* ------------------------------------------------------- trap framework
 *
 * The M-mode handler (trap_entry_m in runtime.S) saves all registers in a
 * frame, records the trap in memory and then:
 *   1. if mepc is `pass` or `fail_case` (a lower mode asked to exit), exits;
 *   2. if `trap_hook` is non-zero, calls it: a0 = frame (x[i] at 8*i),
 *      a1 = mcause, a2 = mepc, a3 = mtval; the hook may use a0-a7, t0-t6
 *      and the stack, may change mepc/mstatus and frame slots, and returns
 *      with `ret` and a0 = 0 (handled: the handler restores registers and
 *      executes MRET) or a0 != 0 (continue with steps 3 and 4);
 *      runtime.S provides irq_log_hook / s_irq_log_hook, which log and
 *      silence interrupts (see there);
 *   3. else if `trap_resume` is non-zero (an expected trap), resumes there in
 *      M-mode (MPP := M, MPRV := 0) and clears trap_resume (one shot);
 *      MIE is restored from MPIE for a trap taken in M-mode and left 0 for
 *      a trap from S/U-mode;
 *   4. else the trap was unexpected: prints it and fails with the case number.
 * Recorded (64-bit words): trap_count, trap_mcause, trap_mepc, trap_mtval,
 * trap_mstatus (mstatus as seen on handler entry).
 *
 * The S-mode handler (trap_entry_s, installed in stvec) does the same with
 * s_trap_hook / s_trap_resume (resumes in S-mode, SPP := S) and records
 * s_trap_count, s_trap_scause, s_trap_sepc, s_trap_stval, s_trap_sstatus.
 */

/* Arm an expected M-mode trap: the next trap resumes at `label` (M-mode). */
.macro EXPECT_TRAP label
        la t5, \label
        la t6, trap_resume
        sd t5, 0(t6)
.endm

.macro EXPECT_S_TRAP label
        la t5, \label
        la t6, s_trap_resume
        sd t5, 0(t6)
.endm

/* Install / remove a hook routine. */
.macro SET_TRAP_HOOK label
        la t5, \label
        la t6, trap_hook
        sd t5, 0(t6)
.endm
.macro CLEAR_TRAP_HOOK
        la t6, trap_hook
        sd zero, 0(t6)
.endm
.macro SET_S_TRAP_HOOK label
        la t5, \label
        la t6, s_trap_hook
        sd t5, 0(t6)
.endm

/* Checks on the last recorded M-mode trap (clobber t5, t6). */
.macro CHECK_MCAUSE expected
        ld t5, trap_mcause
        CHECK_EQ t5, \expected
.endm
.macro CHECK_MTVAL expected
        ld t5, trap_mtval
        CHECK_EQ t5, \expected
.endm
.macro CHECK_MTVAL_SYM sym
        ld t5, trap_mtval
        CHECK_EQ_SYM t5, \sym
.endm
.macro CHECK_MEPC_SYM sym
        ld t5, trap_mepc
        CHECK_EQ_SYM t5, \sym
.endm
/* Checks on the last recorded S-mode trap. */
.macro CHECK_SCAUSE expected
        ld t5, s_trap_scause
        CHECK_EQ t5, \expected
.endm
.macro CHECK_STVAL expected
        ld t5, s_trap_stval
        CHECK_EQ t5, \expected
.endm
.macro CHECK_STVAL_SYM sym
        ld t5, s_trap_stval
        CHECK_EQ_SYM t5, \sym
.endm
.macro CHECK_SEPC_SYM sym
        ld t5, s_trap_sepc
        CHECK_EQ_SYM t5, \sym
.endm

/*
 * TEST_TRAP num, cause, tval, insn: in the current (M) mode, execute the
 * single instruction `insn` and require that it traps to the M handler with
 * mcause == cause, mepc == address of insn and mtval == tval.  Execution
 * resumes after the check.  (Use TEST_TRAP_NOTVAL when mtval is not checked.)
 */
.macro TEST_TRAP num, cause, tval, insn:vararg
        li gp, \num
        EXPECT_TRAP .Ltt_res\@
.Ltt_at\@:
        \insn
        j fail_case                 /* it did not trap */
.Ltt_res\@:
        CHECK_MCAUSE \cause
        CHECK_MEPC_SYM .Ltt_at\@
        CHECK_MTVAL \tval
.endm

.macro TEST_TRAP_NOTVAL num, cause, insn:vararg
        li gp, \num
        EXPECT_TRAP .Ltt_res\@
.Ltt_at\@:
        \insn
        j fail_case
.Ltt_res\@:
        CHECK_MCAUSE \cause
        CHECK_MEPC_SYM .Ltt_at\@
.endm

/* TEST_NO_TRAP num, insn: the instruction must execute without trapping
 * (any trap is reported as unexpected with case num). */
.macro TEST_NO_TRAP num, insn:vararg
        li gp, \num
        \insn
.endm

/* TEST_TRAP_S / TEST_TRAP_U num, cause, tval, insn: switch to S (U) mode
 * with translation as currently configured, execute `insn` there and
 * require a trap to the M handler (nothing may be delegated) with the given
 * mcause, mepc == insn, mtval == tval.  Execution continues in M-mode. */
.macro TEST_TRAP_S num, cause, tval, insn:vararg
        li gp, \num
        EXPECT_TRAP .Lts_res\@
        GOTO_S(.Lts_at\@)
.Lts_at\@:
        \insn
        j fail_case
.Lts_res\@:
        CHECK_MCAUSE \cause
        CHECK_MEPC_SYM .Lts_at\@
        CHECK_MTVAL \tval
.endm
.macro TEST_TRAP_U num, cause, tval, insn:vararg
        li gp, \num
        EXPECT_TRAP .Ltu_res\@
        GOTO_U(.Ltu_at\@)
.Ltu_at\@:
        \insn
        j fail_case
.Ltu_res\@:
        CHECK_MCAUSE \cause
        CHECK_MEPC_SYM .Ltu_at\@
        CHECK_MTVAL \tval
.endm

/* RUN_S / RUN_U num, insn: execute `insn` in S (U) mode; it must not trap.
 * The code then ECALLs back to M-mode, and the macro checks that the trap
 * was that ECALL. */
.macro RUN_S num, insn:vararg
        li gp, \num
        EXPECT_TRAP .Lrs_res\@
        GOTO_S(.Lrs_at\@)
.Lrs_at\@:
        \insn
.Lrs_ecall\@:
        ecall
.Lrs_res\@:
        CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_MEPC_SYM .Lrs_ecall\@
.endm
.macro RUN_U num, insn:vararg
        li gp, \num
        EXPECT_TRAP .Lru_res\@
        GOTO_U(.Lru_at\@)
.Lru_at\@:
        \insn
.Lru_ecall\@:
        ecall
.Lru_res\@:
        CHECK_MCAUSE CAUSE_USER_ECALL
        CHECK_MEPC_SYM .Lru_ecall\@
.endm

/* -------------------------------------------------------- interrupts */

/* Spin `count` iterations (clobbers t6). */
.macro SPIN count
        li t6, \count
.Lspin\@:
        addi t6, t6, -1
        bnez t6, .Lspin\@
.endm

/* Wait until the 64-bit word at `sym` differs from `value`; fails with the
 * current case number if that takes more than 1 s of mtime (10^7 ticks).
 * Clobbers t3-t6. */
.macro WAIT_MEM_NE sym, value
        li t4, CLINT_MTIME
        ld t3, 0(t4)
.Lwm\@: ld t5, \sym
        addi t5, t5, -(\value)
        bnez t5, .Lwm_ok\@
        ld t6, 0(t4)
        sub t6, t6, t3
        li t5, 10000000
        bltu t6, t5, .Lwm\@
        j fail_case
.Lwm_ok\@:
.endm

/* Wait until the CSR / register-producing instruction pair `read` gives a
 * value different from `reg`: spins up to 50 million times, then fails.
 * Usage: WAIT_CHANGE s2, rdtime a0   (a0 = new value, must differ from s2)
 * Clobbers t6. */
.macro WAIT_CHANGE old, read:vararg
        li t6, 50000000
.Lwc\@: \read
        addi t6, t6, -1
        beqz t6, .Lwc_fail\@
        beq a0, \old, .Lwc\@
        j .Lwc_done\@
.Lwc_fail\@:
        j fail_case
.Lwc_done\@:
.endm

/* Silence all interrupt sources the tests use (M-mode; clobbers t5, t6). */
.macro IRQ_QUIET
        csrci mstatus, MSTATUS_MIE | MSTATUS_SIE
        csrw mie, zero
        li t6, CLINT_MSIP
        sw zero, 0(t6)
        li t6, CLINT_MTIMECMP
        li t5, -1
        sd t5, 0(t6)
        li t6, MIP_SSIP | MIP_STIP | MIP_SEIP
        csrc mip, t6
.endm

/* ------------------------------------------------------------ Sv39 */

/* VM_MAP va, pa_symbol, flags, level: map one page (level LEVEL_4K /
 * LEVEL_2M / LEVEL_1G) in pt_root; a0 = address of the leaf PTE afterwards.
 * VM_MAP_PA takes a numeric physical address.  M-mode, clobbers t0-t6,
 * a0-a4, ra. */
.macro VM_MAP va, pa_sym, flags, level
        la a0, pt_root
        li a1, \va
        la a2, \pa_sym
        li a3, \flags
        li a4, \level
        call vm_map
.endm
.macro VM_MAP_PA va, pa, flags, level
        la a0, pt_root
        li a1, \va
        li a2, \pa
        li a3, \flags
        li a4, \level
        call vm_map
.endm

/* Build the standard identity map (see vm_setup_identity in runtime.S),
 * write satp (Sv39) and flush.  M-mode itself is not translated. */
.macro VM_ENABLE
        call vm_setup_identity
        csrw satp, a0
        sfence.vma
.endm

/* Go to U-mode at the user alias of label (VA = PA + USER_ALIAS_OFFSET). */
#define USER_VA(reg, label)  la reg, label; li t6, USER_ALIAS_OFFSET; add reg, reg, t6

#endif /* VIRTLAB_ISA_COMMON_H */
