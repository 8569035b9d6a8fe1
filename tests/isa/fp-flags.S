/*
 * fp-flags: the five accrued exception flags in fflags (Unprivileged spec,
 * "Floating-Point Control and Status Register", IEEE 754 exceptions):
 *   NV invalid: 0/0, inf-inf, 0*inf, sqrt(<0), signalling NaN operands,
 *      fused 0*inf + qNaN; results are the canonical NaN;
 *   DZ divide by zero: finite nonzero / 0 = correctly signed infinity;
 *   OF overflow (always with NX);
 *   UF underflow: tiny AND inexact, tininess detected after rounding;
 *   NX inexact.
 * Quiet NaN operands propagate as the canonical NaN without flags.
 * Flags accumulate until software clears them.
 */
#include "common.h"
#include "fp.h"
TEST_BEGIN
        csrwi frm, FRM_RNE

        /* NV */
        FP_D 1, D_QNAN, FFLAG_NV, D_ZERO, D_ZERO, 0, fdiv.d fa0, fa1, fa2
        FP_D 2, D_QNAN, FFLAG_NV, D_INF, D_INF, 0, fsub.d fa0, fa1, fa2
        FP_D 3, D_QNAN, FFLAG_NV, D_ZERO, D_NINF, 0, fmul.d fa0, fa1, fa2
        FP_D 4, D_QNAN, FFLAG_NV, 0xbff0000000000000, 0, 0, fsqrt.d fa0, fa1
        FP_D 5, D_QNAN, FFLAG_NV, D_SNAN, D_ONE, 0, fadd.d fa0, fa1, fa2
        FP_D 6, D_QNAN, FFLAG_NV, D_INF, D_ZERO, D_QNAN, fmadd.d fa0, fa1, fa2, fa3
        FP_S 7, S_QNAN, FFLAG_NV, S_ZERO, S_ZERO, 0, fdiv.s fa0, fa1, fa2
        FP_S 8, S_QNAN, FFLAG_NV, S_SNAN, S_ONE, 0, fmul.s fa0, fa1, fa2
        FP_S 9, S_QNAN, FFLAG_NV, 0xbf800000, 0, 0, fsqrt.s fa0, fa1
        /* quiet NaNs: canonical NaN result (payload and sign dropped), no flag */
        FP_D 10, D_QNAN, 0, 0xfff8000000000abc, D_ONE, 0, fadd.d fa0, fa1, fa2
        FP_S 11, S_QNAN, 0, S_ONE, 0xffc00abc, 0, fmul.s fa0, fa1, fa2
        FP_D 12, D_QNAN, 0, D_ONE, D_ONE, 0xfff8000000000001, fmadd.d fa0, fa1, fa2, fa3

        /* DZ: signed infinity */
        FP_D 20, D_INF, FFLAG_DZ, D_ONE, D_ZERO, 0, fdiv.d fa0, fa1, fa2
        FP_D 21, D_NINF, FFLAG_DZ, D_ONE, D_NZERO, 0, fdiv.d fa0, fa1, fa2
        FP_S 22, S_NINF, FFLAG_DZ, 0xc0000000, S_ZERO, 0, fdiv.s fa0, fa1, fa2
        FP_D 23, D_INF, 0, D_INF, D_ZERO, 0, fdiv.d fa0, fa1, fa2   /* inf/0: no DZ */

        /* OF */
        FP_D 30, D_INF, FFLAG_OF | FFLAG_NX, D_MAX, D_TWO, 0, fmul.d fa0, fa1, fa2
        FP_D 31, D_NINF, FFLAG_OF | FFLAG_NX, D_MAX, 0xffefffffffffffff, 0, fsub.d fa0, fa2, fa1
        FP_S 32, S_INF, FFLAG_OF | FFLAG_NX, S_MAX, S_MAX, 0, fadd.s fa0, fa1, fa2
        /* D_MAX + 1: inexact but no overflow */
        FP_D 33, D_MAX, FFLAG_NX, D_MAX, D_ONE, 0, fadd.d fa0, fa1, fa2

        /* UF */
        FP_D 40, D_ZERO, FFLAG_UF | FFLAG_NX, D_MIN_SUB, D_HALF, 0, fmul.d fa0, fa1, fa2
        FP_S 41, S_ZERO, FFLAG_UF | FFLAG_NX, S_MIN_SUB, S_HALF, 0, fmul.s fa0, fa1, fa2
        /* tiny but exact: no flag at all */
        FP_D 42, 0x0008000000000000, 0, D_MIN_NORM, D_HALF, 0, fmul.d fa0, fa1, fa2
        FP_S 43, 0x00400000, 0, S_MIN_NORM, S_HALF, 0, fmul.s fa0, fa1, fa2
        /* Tininess is detected after rounding.  a = min_norm*(1 - 2^-27)
         * (a subnormal), b = 1 + 2^-27: a*b = min_norm*(1 - 2^-54), which
         * rounded to 53 bits with unbounded exponent is min_norm: not
         * tiny, so only NX (before-rounding detection would add UF). */
        FP_D 44, D_MIN_NORM, FFLAG_NX, 0x000ffffffe000000, 0x3ff0000002000000, 0, fmul.d fa0, fa1, fa2
        /* a = min_norm*(1 - 2^-26): a*b = min_norm*(1 - 2^-27 - 2^-53) is
         * tiny after rounding; on the subnormal grid it is a tie that
         * rounds to even: min_norm*(1 - 2^-27), UF and NX. */
        FP_D 45, 0x000ffffffe000000, FFLAG_UF | FFLAG_NX, 0x000ffffffc000000, 0x3ff0000002000000, 0, fmul.d fa0, fa1, fa2

        /* NX */
        FP_D 50, 0x3fd5555555555555, FFLAG_NX, D_ONE, 0x4008000000000000, 0, fdiv.d fa0, fa1, fa2
        FP_S 51, 0x3eaaaaab, FFLAG_NX, S_ONE, 0x40400000, 0, fdiv.s fa0, fa1, fa2

        /* Accrual: flags are sticky across instructions */
        li gp, 60
        csrwi fflags, 0
        li t0, D_ONE
        fmv.d.x fa1, t0
        li t0, 0x4008000000000000
        fmv.d.x fa2, t0
        fdiv.d fa0, fa1, fa2            /* NX */
        fmv.d.x fa3, zero
        fdiv.d fa0, fa1, fa3            /* DZ */
        fadd.d fa0, fa1, fa1            /* exact: adds nothing */
        csrr a0, fflags
        CHECK_EQ a0, FFLAG_NX | FFLAG_DZ
        li gp, 61                       /* the fcsr view */
        csrr a0, fcsr
        andi a0, a0, 0x1f
        CHECK_EQ a0, FFLAG_NX | FFLAG_DZ
        li gp, 62                       /* software can set flags */
        csrwi fflags, FFLAG_OF
        fdiv.d fa0, fa1, fa2
        csrr a0, fflags
        CHECK_EQ a0, FFLAG_OF | FFLAG_NX

        /* Instructions that never raise flags */
        FP_D 70, 0xfff4000000000000, 0, D_SNAN, D_NINF, 0, fsgnj.d fa0, fa1, fa2
        FP_XD 71, 0x100, 0, D_SNAN, 0, fclass.d a0, fa1
        FP_XD 72, D_SNAN, 0, D_SNAN, 0, fmv.x.d a0, fa1

        TEST_PASS
