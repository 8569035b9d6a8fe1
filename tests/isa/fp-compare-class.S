/*
 * fp-compare-class: FEQ/FLT/FLE, FMIN/FMAX and FCLASS (Unprivileged spec,
 * "Floating-Point Compare Instructions", "Floating-Point Classify
 * Instruction", and FMIN/FMAX in "Computational Instructions"):
 *  - FEQ is a quiet comparison: NV only for signalling NaN inputs; FLT/FLE
 *    are signalling: NV for any NaN input; NaN compares false; -0 == +0;
 *  - FMIN/FMAX: -0 < +0; if one input is NaN the result is the other
 *    input; if both are NaN the canonical NaN; NV only for sNaN inputs;
 *  - FCLASS sets exactly one of ten bits.
 */
#include "common.h"
#include "fp.h"

#define D_SUB     0x000123456789abcd
#define D_NSUB    0x800123456789abcd
#define S_SUB     0x00012345
#define S_NSUB    0x80012345

TEST_BEGIN
        /* FEQ */
        FP_XD 1, 1, 0, D_ONE, D_ONE, feq.d a0, fa1, fa2
        FP_XD 2, 0, 0, D_ONE, D_TWO, feq.d a0, fa1, fa2
        FP_XD 3, 1, 0, D_ZERO, D_NZERO, feq.d a0, fa1, fa2
        FP_XD 4, 0, 0, D_QNAN, D_QNAN, feq.d a0, fa1, fa2
        FP_XD 5, 0, FFLAG_NV, D_SNAN, D_ONE, feq.d a0, fa1, fa2
        FP_XS 6, 1, 0, S_ONE, S_ONE, feq.s a0, fa1, fa2
        FP_XS 7, 0, 0, S_QNAN, S_ONE, feq.s a0, fa1, fa2
        FP_XS 8, 0, FFLAG_NV, S_ONE, S_SNAN, feq.s a0, fa1, fa2
        /* FLT */
        FP_XD 10, 1, 0, D_ONE, D_TWO, flt.d a0, fa1, fa2
        FP_XD 11, 0, 0, D_TWO, D_ONE, flt.d a0, fa1, fa2
        FP_XD 12, 0, 0, D_NZERO, D_ZERO, flt.d a0, fa1, fa2
        FP_XD 13, 1, 0, D_NINF, D_MAX, flt.d a0, fa1, fa2
        FP_XD 14, 0, FFLAG_NV, D_QNAN, D_ONE, flt.d a0, fa1, fa2
        FP_XS 15, 1, 0, 0xbf800000, S_ONE, flt.s a0, fa1, fa2
        FP_XS 16, 0, FFLAG_NV, S_ONE, S_QNAN, flt.s a0, fa1, fa2
        /* FLE */
        FP_XD 20, 1, 0, D_ONE, D_ONE, fle.d a0, fa1, fa2
        FP_XD 21, 1, 0, D_NZERO, D_ZERO, fle.d a0, fa1, fa2
        FP_XD 22, 1, 0, D_ZERO, D_NZERO, fle.d a0, fa1, fa2
        FP_XD 23, 0, FFLAG_NV, D_ONE, D_QNAN, fle.d a0, fa1, fa2
        FP_XS 24, 0, FFLAG_NV, S_SNAN, S_SNAN, fle.s a0, fa1, fa2
        FP_XS 25, 0, 0, S_TWO, S_ONE, fle.s a0, fa1, fa2

        /* FMIN / FMAX */
        FP_D 30, D_ONE, 0, D_ONE, D_TWO, 0, fmin.d fa0, fa1, fa2
        FP_D 31, D_TWO, 0, D_ONE, D_TWO, 0, fmax.d fa0, fa1, fa2
        FP_D 32, D_NZERO, 0, D_ZERO, D_NZERO, 0, fmin.d fa0, fa1, fa2
        FP_D 33, D_ZERO, 0, D_NZERO, D_ZERO, 0, fmax.d fa0, fa1, fa2
        FP_D 34, D_ONE, 0, D_QNAN, D_ONE, 0, fmin.d fa0, fa1, fa2
        FP_D 35, D_NINF, 0, D_NINF, 0xfff8000000000001, 0, fmax.d fa0, fa1, fa2
        FP_D 36, D_ONE, FFLAG_NV, D_SNAN, D_ONE, 0, fmin.d fa0, fa1, fa2
        FP_D 37, D_QNAN, 0, 0x7ff8000000000abc, 0xfff8000000000001, 0, fmax.d fa0, fa1, fa2
        FP_D 38, D_QNAN, FFLAG_NV, D_SNAN, D_QNAN, 0, fmin.d fa0, fa1, fa2
        FP_S 39, S_NZERO, 0, S_ZERO, S_NZERO, 0, fmin.s fa0, fa1, fa2
        FP_S 40, S_ZERO, 0, S_ZERO, S_NZERO, 0, fmax.s fa0, fa1, fa2
        FP_S 41, S_TWO, 0, S_QNAN, S_TWO, 0, fmax.s fa0, fa1, fa2
        FP_S 42, S_TWO, FFLAG_NV, S_TWO, S_SNAN, 0, fmin.s fa0, fa1, fa2
        FP_S 43, S_QNAN, FFLAG_NV, S_SNAN, S_SNAN, 0, fmax.s fa0, fa1, fa2
        FP_S 44, 0xbf800000, 0, 0xbf800000, S_INF, 0, fmin.s fa0, fa1, fa2

        /* FCLASS.D: bit 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0,
         * 5 +subnormal, 6 +normal, 7 +inf, 8 sNaN, 9 qNaN */
        FP_XD 50, 0x001, 0, D_NINF, 0, fclass.d a0, fa1
        FP_XD 51, 0x002, 0, 0xbff0000000000000, 0, fclass.d a0, fa1
        FP_XD 52, 0x004, 0, D_NSUB, 0, fclass.d a0, fa1
        FP_XD 53, 0x008, 0, D_NZERO, 0, fclass.d a0, fa1
        FP_XD 54, 0x010, 0, D_ZERO, 0, fclass.d a0, fa1
        FP_XD 55, 0x020, 0, D_SUB, 0, fclass.d a0, fa1
        FP_XD 56, 0x040, 0, D_MAX, 0, fclass.d a0, fa1
        FP_XD 57, 0x080, 0, D_INF, 0, fclass.d a0, fa1
        FP_XD 58, 0x100, 0, D_SNAN, 0, fclass.d a0, fa1
        FP_XD 59, 0x200, 0, D_QNAN, 0, fclass.d a0, fa1
        FP_XD 60, 0x100, 0, 0xfff0000000000001, 0, fclass.d a0, fa1  /* negative sNaN */
        FP_XD 61, 0x040, 0, D_MIN_NORM, 0, fclass.d a0, fa1
        /* FCLASS.S */
        FP_XS 70, 0x001, 0, S_NINF, 0, fclass.s a0, fa1
        FP_XS 71, 0x002, 0, 0xc0000000, 0, fclass.s a0, fa1
        FP_XS 72, 0x004, 0, S_NSUB, 0, fclass.s a0, fa1
        FP_XS 73, 0x008, 0, S_NZERO, 0, fclass.s a0, fa1
        FP_XS 74, 0x010, 0, S_ZERO, 0, fclass.s a0, fa1
        FP_XS 75, 0x020, 0, S_SUB, 0, fclass.s a0, fa1
        FP_XS 76, 0x040, 0, S_ONE, 0, fclass.s a0, fa1
        FP_XS 77, 0x080, 0, S_INF, 0, fclass.s a0, fa1
        FP_XS 78, 0x100, 0, S_SNAN, 0, fclass.s a0, fa1
        FP_XS 79, 0x200, 0, 0xffc00000, 0, fclass.s a0, fa1

        TEST_PASS
