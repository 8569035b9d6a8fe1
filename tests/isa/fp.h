/*
 * fp.h - helpers for the F/D tests (included after common.h).
 * Inputs and results are raw IEEE-754 bit patterns.  fflags is cleared
 * before the instruction under test and compared afterwards.
 * Registers: inputs fa1, fa2, fa3; result fa0 (FP) or a0 (integer).
 */
#ifndef VIRTLAB_ISA_FP_H
#define VIRTLAB_ISA_FP_H

/* double: fa0 = insn(fa1, fa2, fa3) */
.macro FP_D num, res, flags, a, b, c, insn:vararg
        li gp, \num
        li t0, \a
        fmv.d.x fa1, t0
        li t0, \b
        fmv.d.x fa2, t0
        li t0, \c
        fmv.d.x fa3, t0
        csrwi fflags, 0
        \insn
        fmv.x.d t0, fa0
        CHECK_EQ t0, \res
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* single: inputs are 32-bit patterns, properly NaN-boxed by fmv.w.x; the
 * 64-bit result register must be NaN-boxed (upper 32 bits all ones). */
.macro FP_S num, res, flags, a, b, c, insn:vararg
        li gp, \num
        li t0, \a
        fmv.w.x fa1, t0
        li t0, \b
        fmv.w.x fa2, t0
        li t0, \c
        fmv.w.x fa3, t0
        csrwi fflags, 0
        \insn
        fmv.x.d t0, fa0
        CHECK_EQ t0, 0xffffffff00000000 | (\res)
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* integer result in a0 from double inputs fa1, fa2 */
.macro FP_XD num, res, flags, a, b, insn:vararg
        li gp, \num
        li t0, \a
        fmv.d.x fa1, t0
        li t0, \b
        fmv.d.x fa2, t0
        csrwi fflags, 0
        \insn
        CHECK_EQ a0, \res
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* integer result in a0 from single inputs fa1, fa2 */
.macro FP_XS num, res, flags, a, b, insn:vararg
        li gp, \num
        li t0, \a
        fmv.w.x fa1, t0
        li t0, \b
        fmv.w.x fa2, t0
        csrwi fflags, 0
        \insn
        CHECK_EQ a0, \res
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* FP result (64-bit view of fa0) from integer input a1 */
.macro FP_DX num, res, flags, ival, insn:vararg
        li gp, \num
        li a1, \ival
        csrwi fflags, 0
        \insn
        fmv.x.d t0, fa0
        CHECK_EQ t0, \res
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* single result from a double input (fa1 = a as double bits) */
.macro FP_S_FROM_D num, res, flags, a, insn:vararg
        li gp, \num
        li t0, \a
        fmv.d.x fa1, t0
        csrwi fflags, 0
        \insn
        fmv.x.d t0, fa0
        CHECK_EQ t0, 0xffffffff00000000 | (\res)
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* double result from a single input (fa1 = a, NaN-boxed) */
.macro FP_D_FROM_S num, res, flags, a, insn:vararg
        li gp, \num
        li t0, \a
        fmv.w.x fa1, t0
        csrwi fflags, 0
        \insn
        fmv.x.d t0, fa0
        CHECK_EQ t0, \res
        csrr t0, fflags
        CHECK_EQ t0, \flags
.endm

/* Common constants */
#define D_ONE      0x3ff0000000000000
#define D_TWO      0x4000000000000000
#define D_HALF     0x3fe0000000000000
#define D_ZERO     0x0000000000000000
#define D_NZERO    0x8000000000000000
#define D_INF      0x7ff0000000000000
#define D_NINF     0xfff0000000000000
#define D_QNAN     0x7ff8000000000000      /* canonical NaN */
#define D_SNAN     0x7ff4000000000000
#define D_MAX      0x7fefffffffffffff
#define D_MIN_NORM 0x0010000000000000
#define D_MIN_SUB  0x0000000000000001
#define S_ONE      0x3f800000
#define S_TWO      0x40000000
#define S_HALF     0x3f000000
#define S_ZERO     0x00000000
#define S_NZERO    0x80000000
#define S_INF      0x7f800000
#define S_NINF     0xff800000
#define S_QNAN     0x7fc00000              /* canonical NaN */
#define S_SNAN     0x7fa00000
#define S_MAX      0x7f7fffff
#define S_MIN_NORM 0x00800000
#define S_MIN_SUB  0x00000001

#endif
