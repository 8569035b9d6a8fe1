/*
 * fp-nanbox: NaN-boxing of single-precision values in the 64-bit f
 * registers (Unprivileged spec, "D" chapter, "NaN Boxing of Narrower
 * Values"):
 *  - FLW, FMV.W.X and every single-precision result write the value with
 *    the upper 32 bits all ones;
 *  - a single-precision instruction reading a register whose upper 32 bits
 *    are not all ones sees the canonical NaN (0x7fc00000) instead;
 *  - FMV.X.W and FSW move the low 32 bits unchanged (no NaN-box check), and
 *    FMV.X.W sign-extends bit 31 into the integer register.
 */
#include "common.h"
#include "fp.h"

#define UNBOXED_ONE   0x000000003f800000  /* 1.0f but upper bits zero */
#define HALF_BOXED    0xfffffffe3f800000  /* one upper bit missing */

TEST_BEGIN
        csrwi frm, FRM_RNE

        /* FLW writes a boxed value */
        TEST_CASE(1, a0, 0xffffffff3f800000, la a1, one_f; flw fa0, 0(a1); fmv.x.d a0, fa0)
        TEST_CASE(2, a0, 0xffffffff80000000, la a1, negzero_f; flw fa0, 0(a1); fmv.x.d a0, fa0)
        /* FMV.W.X boxes, ignoring the upper bits of the integer */
        TEST_CASE(3, a0, 0xffffffff40490fdb, li a1, 0x1234567840490fdb; fmv.w.x fa0, a1; fmv.x.d a0, fa0)
        /* FMV.X.W sign-extends */
        TEST_CASE(4, a0, 0xffffffffbf800000, li a1, 0xbf800000; fmv.w.x fa0, a1; fmv.x.w a0, fa0)
        TEST_CASE(5, a0, 0x000000007fc00000, li a1, 0x7fc00000; fmv.w.x fa0, a1; fmv.x.w a0, fa0)
        /* FMV.X.W of an unboxed register: the low bits, no check */
        TEST_CASE(6, a0, 0xffffffff9abcdef0, li a1, 0x123456789abcdef0; fmv.d.x fa0, a1; fmv.x.w a0, fa0)
        /* FSW of an unboxed register stores the low 32 bits */
        TEST_CASE(7, a0, 0x9abcdef0, la a2, scratch; fsw fa0, 0(a2); lwu a0, 0(a2))

        /* Single-precision arithmetic on unboxed inputs: canonical NaN
         * (a quiet NaN, so no NV), result boxed */
        FP_D 10, 0xffffffff7fc00000, 0, UNBOXED_ONE, UNBOXED_ONE, 0, fadd.s fa0, fa1, fa2
        FP_D 11, 0xffffffff7fc00000, 0, HALF_BOXED, 0xffffffff3f800000, 0, fmul.s fa0, fa1, fa2
        FP_D 12, 0xffffffff7fc00000, 0, 0xffffffff3f800000, UNBOXED_ONE, 0, fsub.s fa0, fa1, fa2
        /* a properly boxed input works (control) */
        FP_D 13, 0xffffffff40000000, 0, 0xffffffff3f800000, 0xffffffff3f800000, 0, fadd.s fa0, fa1, fa2
        /* FSGNJ.S treats the unboxed operand as the canonical NaN too */
        FP_D 14, 0xffffffffffc00000, 0, UNBOXED_ONE, 0xffffffffbf800000, 0, fsgnj.s fa0, fa1, fa2
        FP_D 15, 0xffffffff3f800000, 0, 0xffffffff3f800000, UNBOXED_ONE, 0, fsgnj.s fa0, fa1, fa2  /* sign of NaN = + */
        /* FCLASS.S: quiet NaN (bit 9) */
        FP_XD 16, 0x200, 0, UNBOXED_ONE, 0, fclass.s a0, fa1
        /* comparisons: quiet NaN -> false; FEQ quiet (no flag), FLT signals */
        FP_XD 17, 0, 0, UNBOXED_ONE, 0xffffffff3f800000, feq.s a0, fa1, fa2
        FP_XD 18, 0, FFLAG_NV, UNBOXED_ONE, 0xffffffff3f800000, flt.s a0, fa1, fa2
        /* conversions */
        FP_D 19, D_QNAN, 0, UNBOXED_ONE, 0, 0, fcvt.d.s fa0, fa1
        FP_XD 20, 0x7fffffff, FFLAG_NV, UNBOXED_ONE, 0, fcvt.w.s a0, fa1
        /* FMIN.S with one unboxed (NaN) operand returns the other one */
        FP_D 21, 0xffffffff40000000, 0, UNBOXED_ONE, 0xffffffff40000000, 0, fmin.s fa0, fa1, fa2
        /* FMADD.S with an unboxed addend */
        FP_D 22, 0xffffffff7fc00000, 0, 0xffffffff3f800000, 0xffffffff3f800000, UNBOXED_ONE, fmadd.s fa0, fa1, fa2, fa3

        /* Double-precision operations use all 64 bits: a boxed single is
         * just a (negative quiet) NaN to them. */
        FP_XD 30, 0x200, 0, 0xffffffff3f800000, 0, fclass.d a0, fa1

        TEST_PASS

        .data
        .balign 8
one_f:     .word 0x3f800000
negzero_f: .word 0x80000000
scratch:   .dword 0
