/*
 * misaligned-ldst: misaligned integer and FP loads and stores (LH/LHU/LW/
 * LWU/LD/SH/SW/SD/FLW/FLD/FSW/FSD at addresses not a multiple of their
 * size).  The Unprivileged spec ("Load and Store Instructions") lets an
 * execution environment either perform them (in hardware, or invisibly
 * emulated) or raise an address-misaligned (4/6) or access-fault exception.
 *   - QEMU 7.2 and virtlab perform them in hardware, no trap.
 *   - On an implementation that traps, this test's M-mode hook emulates
 *     the access byte by byte and skips the instruction.
 * Either way the loaded values and the memory contents afterwards must be
 * right (little-endian, sign/zero extension as for aligned accesses).
 */
#include "common.h"

/* buf bytes: b[i] = (i * 0x25 + 0x81) & 0xff, i = 0..31 */

.macro RESET_BUF
        la t0, buf
        la t1, buf_init
        ld t2, 0(t1)
        sd t2, 0(t0)
        ld t2, 8(t1)
        sd t2, 8(t0)
        ld t2, 16(t1)
        sd t2, 16(t0)
        ld t2, 24(t1)
        sd t2, 24(t0)
.endm

.macro TEST_MIS_LOAD num, op, off, exp
        li gp, \num
        la a1, buf
        \op a0, \off(a1)
        CHECK_EQ a0, \exp
.endm

.macro TEST_MIS_STORE num, op, off, val, w0, w1, w2
        li gp, \num
        RESET_BUF
        la a1, buf
        li a2, \val
        \op a2, \off(a1)
        ld a0, 0(a1)
        CHECK_EQ a0, \w0
        ld a0, 8(a1)
        CHECK_EQ a0, \w1
        ld a0, 16(a1)
        CHECK_EQ a0, \w2
.endm

.macro TEST_MIS_FLOAD num, op, off, exp
        li gp, \num
        RESET_BUF
        la a1, buf
        \op fa0, \off(a1)
        fmv.x.d a0, fa0
        CHECK_EQ a0, \exp
.endm

.macro TEST_MIS_FSTORE num, op, off, val, w0, w1, w2
        li gp, \num
        RESET_BUF
        la a1, buf
        li a2, \val
        fmv.d.x fa0, a2
        \op fa0, \off(a1)
        ld a0, 0(a1)
        CHECK_EQ a0, \w0
        ld a0, 8(a1)
        CHECK_EQ a0, \w1
        ld a0, 16(a1)
        CHECK_EQ a0, \w2
.endm

TEST_BEGIN
        .option norvc                   /* the hook decodes 32-bit insns */
        SET_TRAP_HOOK misaligned_hook
        RESET_BUF

        TEST_MIS_LOAD 1, lh, 1, 0xffffffffffffcba6
        TEST_MIS_LOAD 2, lh, 3, 0x00000000000015f0
        TEST_MIS_LOAD 3, lh, 7, 0xffffffffffffa984
        TEST_MIS_LOAD 4, lhu, 1, 0x000000000000cba6
        TEST_MIS_LOAD 5, lhu, 3, 0x00000000000015f0
        TEST_MIS_LOAD 6, lhu, 7, 0x000000000000a984
        TEST_MIS_LOAD 7, lw, 1, 0x0000000015f0cba6
        TEST_MIS_LOAD 8, lw, 2, 0x000000003a15f0cb
        TEST_MIS_LOAD 9, lw, 3, 0x000000005f3a15f0
        TEST_MIS_LOAD 10, lw, 5, 0xffffffffa9845f3a
        TEST_MIS_LOAD 11, lw, 6, 0xffffffffcea9845f
        TEST_MIS_LOAD 12, lwu, 1, 0x0000000015f0cba6
        TEST_MIS_LOAD 13, lwu, 2, 0x000000003a15f0cb
        TEST_MIS_LOAD 14, lwu, 3, 0x000000005f3a15f0
        TEST_MIS_LOAD 15, lwu, 5, 0x00000000a9845f3a
        TEST_MIS_LOAD 16, lwu, 6, 0x00000000cea9845f
        TEST_MIS_LOAD 17, ld, 1, 0xa9845f3a15f0cba6
        TEST_MIS_LOAD 18, ld, 2, 0xcea9845f3a15f0cb
        TEST_MIS_LOAD 19, ld, 3, 0xf3cea9845f3a15f0
        TEST_MIS_LOAD 20, ld, 4, 0x18f3cea9845f3a15
        TEST_MIS_LOAD 21, ld, 5, 0x3d18f3cea9845f3a
        TEST_MIS_LOAD 22, ld, 6, 0x623d18f3cea9845f
        TEST_MIS_LOAD 23, ld, 7, 0x87623d18f3cea984

        TEST_MIS_STORE 41, sh, 1, 0x1122, 0x845f3a15f0112281, 0xac87623d18f3cea9, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 42, sh, 7, 0x3344, 0x445f3a15f0cba681, 0xac87623d18f3ce33, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 43, sw, 1, 0x55667788, 0x845f3a5566778881, 0xac87623d18f3cea9, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 44, sw, 3, 0x99aabbcc, 0x8499aabbcccba681, 0xac87623d18f3cea9, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 45, sw, 6, 0xddeeff00, 0xff003a15f0cba681, 0xac87623d18f3ddee, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 46, sd, 1, 0x123456789abcdef, 0x23456789abcdef81, 0xac87623d18f3ce01, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 47, sd, 5, 0xfedcba9876543210, 0x54321015f0cba681, 0xac8762fedcba9876, 0xd4af8a65401bf6d1
        TEST_MIS_STORE 48, sd, 7, 0x8899aabbccddeeff, 0xff5f3a15f0cba681, 0xac8899aabbccddee, 0xd4af8a65401bf6d1

        TEST_MIS_FLOAD 61, fld, 3, 0xf3cea9845f3a15f0
        TEST_MIS_FLOAD 62, fld, 1, 0xa9845f3a15f0cba6
        TEST_MIS_FLOAD 63, flw, 1, 0xffffffff15f0cba6
        TEST_MIS_FLOAD 64, flw, 6, 0xffffffffcea9845f
        TEST_MIS_FSTORE 65, fsd, 5, 0x400921fb54442d18, 0x442d1815f0cba681, 0xac8762400921fb54, 0xd4af8a65401bf6d1
        TEST_MIS_FSTORE 66, fsd, 2, 0xc00921fb54442d18, 0x21fb54442d18a681, 0xac87623d18f3c009, 0xd4af8a65401bf6d1
        TEST_MIS_FSTORE 67, fsw, 7, 0x40490fdb, 0xdb5f3a15f0cba681, 0xac87623d1840490f, 0xd4af8a65401bf6d1

        /* 80: the same from S-mode (translation off) */
        li gp, 80
        RESET_BUF
        la a1, buf
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      ld s2, 3(a1)
        lhu s3, 9(a1)
        ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_EQ s2, 0xf3cea9845f3a15f0
        CHECK_EQ s3, 0xf3ce

        CLEAR_TRAP_HOOK
        TEST_PASS

/*
 * Emulation hook for misaligned loads/stores (used only if the hart traps
 * with cause 4 or 6).  a0 = frame, a1 = mcause, a2 = mepc.  Decodes the
 * 32-bit instruction at mepc, computes rs1 + imm, moves the bytes one at
 * a time, writes rd in the frame (integer) or fa0 (FP: the tests only use
 * fa0), and skips the instruction.  Other traps: default handling.
 */
misaligned_hook:
        li t0, CAUSE_MISALIGNED_LOAD
        beq a1, t0, 1f
        li t0, CAUSE_MISALIGNED_STORE
        beq a1, t0, 1f
        li a0, 1
        ret
1:      lhu t1, 0(a2)                   /* instruction, as two halves */
        lhu t2, 2(a2)
        slli t2, t2, 16
        or t1, t1, t2
        srli t3, t1, 12
        andi t3, t3, 7                  /* funct3 */
        andi t2, t3, 3
        li a4, 1
        sll a4, a4, t2                  /* a4 = size in bytes */
        srli t2, t1, 15
        andi t2, t2, 31                 /* rs1 */
        slli t2, t2, 3
        add t2, a0, t2
        ld a5, 0(t2)                    /* rs1 value (frame slot 0 is 0) */
        andi t4, t1, 0x7f               /* opcode */
        andi t5, t4, 0x20               /* stores have bit 5 set */
        bnez t5, 3f
        /* load: imm = insn[31:20] */
        srai t2, t1, 20
        add a5, a5, t2                  /* effective address */
        li t5, 0
        add t6, a5, a4
2:      addi t6, t6, -1                 /* assemble little-endian */
        lbu t2, 0(t6)
        slli t5, t5, 8
        or t5, t5, t2
        bne t6, a5, 2b
        li t2, 0x07
        beq t4, t2, 5f                  /* LOAD-FP */
        li t2, 3
        bgeu t3, t2, 4f                 /* ld / lbu / lhu / lwu: no sign ext */
        li t2, 8
        sub t2, t2, a4
        slli t2, t2, 3                  /* 64 - 8*size */
        sll t5, t5, t2
        sra t5, t5, t2
4:      srli t2, t1, 7
        andi t2, t2, 31                 /* rd */
        beqz t2, 8f
        slli t2, t2, 3
        add t2, a0, t2
        sd t5, 0(t2)
        j 8f
5:      li t2, 2
        bne t3, t2, 6f
        fmv.w.x fa0, t5                 /* FLW (boxes) */
        j 8f
6:      fmv.d.x fa0, t5                 /* FLD */
        j 8f
3:      /* store: imm = insn[31:25] << 5 | insn[11:7] */
        srai t2, t1, 25
        slli t2, t2, 5
        srli t5, t1, 7
        andi t5, t5, 31
        or t2, t2, t5
        add a5, a5, t2
        li t2, 0x27
        beq t4, t2, 7f
        srli t2, t1, 20
        andi t2, t2, 31                 /* rs2 */
        slli t2, t2, 3
        add t2, a0, t2
        ld t5, 0(t2)
        j 9f
7:      fmv.x.d t5, fa0                 /* FSW / FSD: low bytes of fa0 */
9:      add t6, a5, a4
10:     sb t5, 0(a5)
        srli t5, t5, 8
        addi a5, a5, 1
        bne a5, t6, 10b
8:      csrr t0, mepc
        addi t0, t0, 4
        csrw mepc, t0
        la t0, emulated
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        li a0, 0
        ret

        .data
        .balign 16
buf_init:
        .byte 0x81, 0xa6, 0xcb, 0xf0, 0x15, 0x3a, 0x5f, 0x84
        .byte 0xa9, 0xce, 0xf3, 0x18, 0x3d, 0x62, 0x87, 0xac
        .byte 0xd1, 0xf6, 0x1b, 0x40, 0x65, 0x8a, 0xaf, 0xd4
        .byte 0xf9, 0x1e, 0x43, 0x68, 0x8d, 0xb2, 0xd7, 0xfc
buf:    .space 32
emulated: .dword 0                      /* number of emulated accesses */
