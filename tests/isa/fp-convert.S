/*
 * fp-convert: FCVT between FP formats and integers (Unprivileged spec,
 * "Floating-Point Conversion and Move Instructions"):
 *  - FP -> integer saturates: out-of-range values and infinities give the
 *    most positive / negative value with NV; NaN gives the most positive
 *    value (all ones for unsigned) with NV; negative -> unsigned gives 0
 *    with NV unless it rounds to 0 (then only NX);
 *  - 32-bit results (FCVT.W[U]) are sign-extended to 64 bits, even for
 *    the unsigned form;
 *  - integer -> FP rounds (NX when inexact); .W forms use rs1[31:0];
 *  - FCVT.S.D rounds / overflows / underflows, FCVT.D.S is exact; a
 *    signalling NaN input gives the canonical NaN and NV.
 */
#include "common.h"
#include "fp.h"
TEST_BEGIN
        csrwi frm, FRM_RNE

        /* FCVT.W.S / FCVT.W.D: signed 32-bit, saturating, NaN -> 2^31-1, result sign-extended */
        FP_XS 1, 0x000000007fffffff, FFLAG_NV, 0x501502f9, 0, fcvt.w.s a0, fa1, rtz   /* too large */
        FP_XS 2, 0xffffffff80000000, FFLAG_NV, 0xd01502f9, 0, fcvt.w.s a0, fa1, rtz
        FP_XS 3, 0x000000007fffffff, FFLAG_NV, 0x7fc00000, 0, fcvt.w.s a0, fa1, rtz   /* NaN */
        FP_XS 4, 0x000000007fffffff, FFLAG_NV, 0x7f800000, 0, fcvt.w.s a0, fa1, rtz   /* +inf */
        FP_XS 5, 0xffffffff80000000, FFLAG_NV, 0xff800000, 0, fcvt.w.s a0, fa1, rtz   /* -inf */
        FP_XS 6, 0xffffffff80000000, 0, 0xcf000000, 0, fcvt.w.s a0, fa1, rtz   /* exactly INT32_MIN */
        FP_XD 7, 0x000000007fffffff, 0, 0x41dfffffffc00000, 0, fcvt.w.d a0, fa1, rtz   /* exactly INT32_MAX */
        FP_XD 8, 0x000000007fffffff, FFLAG_NV, 0x41e0000000000000, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 9, 0x000000007fffffff, FFLAG_NX, 0x41dfffffffe00000, 0, fcvt.w.d a0, fa1, rtz   /* in range after rounding */
        FP_XD 10, 0xfffffffffffffff9, FFLAG_NX, 0xc01f99999999999a, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 11, 0x0000000000000000, 0, 0x8000000000000000, 0, fcvt.w.d a0, fa1, rtz

        /* FCVT.WU: unsigned 32-bit; negative -> 0, NaN -> 2^32-1; result sign-extended from bit 31 */
        FP_XS 12, 0xffffffffb2d05e00, 0, 0x4f32d05e, 0, fcvt.wu.s a0, fa1, rtz   /* 3e9 = 0xb2d05e00, sign-extended */
        FP_XS 13, 0x0000000000000000, FFLAG_NV, 0xbf800000, 0, fcvt.wu.s a0, fa1, rtz
        FP_XS 14, 0xffffffffffffffff, FFLAG_NV, 0x7fc00000, 0, fcvt.wu.s a0, fa1, rtz   /* NaN -> 0xffffffff, sign-extended */
        FP_XD 15, 0xffffffffffffffff, FFLAG_NV, 0x41f2a05f20000000, 0, fcvt.wu.d a0, fa1, rtz   /* too large */
        FP_XD 16, 0x0000000000000000, FFLAG_NV, 0xfff0000000000000, 0, fcvt.wu.d a0, fa1, rtz   /* -inf */
        FP_XD 17, 0x0000000000000000, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.wu.d a0, fa1, rtz   /* rounds to 0: only inexact */
        FP_XD 18, 0x0000000000000001, FFLAG_NX, 0x3ff8000000000000, 0, fcvt.wu.d a0, fa1, rtz

        /* FCVT.L / FCVT.LU: 64-bit */
        FP_XD 19, 0x7fffffffffffffff, FFLAG_NV, 0x43e0000000000000, 0, fcvt.l.d a0, fa1, rtz
        FP_XD 20, 0x8000000000000000, 0, 0xc3e0000000000000, 0, fcvt.l.d a0, fa1, rtz
        FP_XD 21, 0x7fffffffffffffff, FFLAG_NV, 0x7ff8000000000000, 0, fcvt.l.d a0, fa1, rtz
        FP_XD 22, 0x7fffffffffffffff, FFLAG_NV, 0x7ff4000000000000, 0, fcvt.l.d a0, fa1, rtz   /* sNaN */
        FP_XD 23, 0x8000000000000000, FFLAG_NV, 0xfff0000000000000, 0, fcvt.l.d a0, fa1, rtz
        FP_XD 24, 0x0020000000000002, 0, 0x4340000000000001, 0, fcvt.l.d a0, fa1, rtz
        FP_XS 25, 0x8000000000000000, FFLAG_NV, 0xf149f2ca, 0, fcvt.l.s a0, fa1, rtz
        FP_XD 26, 0x0000000000000000, FFLAG_NV, 0xbff0000000000000, 0, fcvt.lu.d a0, fa1, rtz
        FP_XD 27, 0xffffffffffffffff, FFLAG_NV, 0x43f0000000000000, 0, fcvt.lu.d a0, fa1, rtz
        FP_XD 28, 0xffffffffffffffff, FFLAG_NV, 0x7ff8000000000000, 0, fcvt.lu.d a0, fa1, rtz
        FP_XD 29, 0xfffffffffffff800, 0, 0x43efffffffffffff, 0, fcvt.lu.d a0, fa1, rtz   /* largest double below 2^64 */
        FP_XS 30, 0xffffffffffffffff, FFLAG_NV, 0x7f800000, 0, fcvt.lu.s a0, fa1, rtz
        FP_XD 31, 0x0000000000000002, FFLAG_NX, 0x3ff8000000000000, 0, fcvt.lu.d a0, fa1, rne

        /* integer -> FP */
        FP_DX 32, 0xffffffff4f000000, FFLAG_NX, 0x000000007fffffff, fcvt.s.w fa0, a1   /* 2^31-1 rounds to 2^31 */
        FP_DX 33, 0xffffffffbf800000, 0, 0xffffffffffffffff, fcvt.s.w fa0, a1
        FP_DX 34, 0xffffffff3f800000, 0, 0x0000000100000001, fcvt.s.w fa0, a1   /* only the low 32 bits are used */
        FP_DX 35, 0xffffffff4f800000, FFLAG_NX, 0x00000000ffffffff, fcvt.s.wu fa0, a1
        FP_DX 36, 0xffffffff5f000000, FFLAG_NX, 0x7fffffffffffffff, fcvt.s.l fa0, a1
        FP_DX 37, 0xffffffff5f800000, FFLAG_NX, 0xffffffffffffffff, fcvt.s.lu fa0, a1
        FP_DX 38, 0xc014000000000000, 0, 0xfffffffffffffffb, fcvt.d.w fa0, a1
        FP_DX 39, 0x41efffffffe00000, 0, 0x00000000ffffffff, fcvt.d.wu fa0, a1   /* exact */
        FP_DX 40, 0x4340000000000000, FFLAG_NX, 0x0020000000000001, fcvt.d.l fa0, a1   /* ties to even */
        FP_DX 41, 0x4340000000000002, FFLAG_NX, 0x0020000000000003, fcvt.d.l fa0, a1
        FP_DX 42, 0xc3e0000000000000, 0, 0x8000000000000000, fcvt.d.l fa0, a1
        FP_DX 43, 0x43f0000000000000, FFLAG_NX, 0xffffffffffffffff, fcvt.d.lu fa0, a1
        FP_DX 44, 0x0000000000000000, 0, 0x0000000000000000, fcvt.d.l fa0, a1   /* +0 */

        /* FP <-> FP */

        /* FCVT.S.D: rounding, overflow, underflow, NaNs */
        FP_S_FROM_D 60, 0x3eaaaaab, FFLAG_NX, 0x3fd5555555555555, fcvt.s.d fa0, fa1     /* 1/3 */
        FP_S_FROM_D 61, 0x3fc00000, 0, 0x3ff8000000000000, fcvt.s.d fa0, fa1            /* 1.5 exact */
        FP_S_FROM_D 62, S_INF, FFLAG_OF | FFLAG_NX, D_MAX, fcvt.s.d fa0, fa1
        FP_S_FROM_D 63, S_MAX, FFLAG_OF | FFLAG_NX, D_MAX, fcvt.s.d fa0, fa1, rtz
        FP_S_FROM_D 64, S_ZERO, FFLAG_UF | FFLAG_NX, D_MIN_NORM, fcvt.s.d fa0, fa1
        FP_S_FROM_D 65, S_QNAN, FFLAG_NV, D_SNAN, fcvt.s.d fa0, fa1                     /* sNaN -> canonical, NV */
        FP_S_FROM_D 66, S_QNAN, 0, 0xfff8000000000123, fcvt.s.d fa0, fa1                /* qNaN -> canonical */
        FP_S_FROM_D 67, S_NINF, 0, D_NINF, fcvt.s.d fa0, fa1
        FP_S_FROM_D 68, S_NZERO, 0, D_NZERO, fcvt.s.d fa0, fa1
        /* FCVT.D.S: always exact */
        FP_D_FROM_S 70, 0x3fd5555560000000, 0, 0x3eaaaaab, fcvt.d.s fa0, fa1
        FP_D_FROM_S 71, 0x36a0000000000000, 0, S_MIN_SUB, fcvt.d.s fa0, fa1   /* subnormal becomes normal */
        FP_D_FROM_S 72, D_QNAN, FFLAG_NV, S_SNAN, fcvt.d.s fa0, fa1
        FP_D_FROM_S 73, D_QNAN, 0, 0xffc00001, fcvt.d.s fa0, fa1
        FP_D_FROM_S 74, D_INF, 0, S_INF, fcvt.d.s fa0, fa1

        TEST_PASS
