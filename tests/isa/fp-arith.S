/*
 * fp-arith: F and D arithmetic (Unprivileged spec, "F" and "D" chapters):
 * FADD/FSUB/FMUL/FDIV/FSQRT, the fused multiply-adds FMADD/FMSUB/FNMADD/
 * FNMSUB (computed with a single rounding), sign injection FSGNJ/FSGNJN/
 * FSGNJX (pure bit operations: no flags, NaN payloads preserved) and FMV,
 * in single and double precision, with the default rounding mode (RNE).
 * Results are compared bit-exactly, together with the accrued fflags.
 */
#include "common.h"
#include "fp.h"
TEST_BEGIN
        csrwi frm, FRM_RNE

        /* double: add / sub / mul / div / sqrt */
        FP_D 1, 0x4010000000000000, 0, 0x3ff8000000000000, 0x4004000000000000, 0x0000000000000000, fadd.d fa0, fa1, fa2
        FP_D 2, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0x0000000000000000, fadd.d fa0, fa1, fa2   /* half an ulp: ties to even */
        FP_D 3, 0x3ff0000000000002, FFLAG_NX, 0x3ff0000000000001, 0x3ca0000000000000, 0x0000000000000000, fadd.d fa0, fa1, fa2   /* tie: rounds up to even */
        FP_D 4, 0xbff0000000000000, 0, 0x3ff8000000000000, 0x4004000000000000, 0x0000000000000000, fsub.d fa0, fa1, fa2
        FP_D 5, 0x0000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0x0000000000000000, fsub.d fa0, fa1, fa2   /* x - x = +0 (RNE) */
        FP_D 6, 0xbff8000000000000, 0, 0x4008000000000000, 0xbfe0000000000000, 0x0000000000000000, fmul.d fa0, fa1, fa2
        FP_D 7, 0x8000000000000000, 0, 0x8000000000000000, 0x4014000000000000, 0x0000000000000000, fmul.d fa0, fa1, fa2   /* -0 * 5 = -0 */
        FP_D 8, 0x3fd5555555555555, FFLAG_NX, 0x3ff0000000000000, 0x4008000000000000, 0x0000000000000000, fdiv.d fa0, fa1, fa2
        FP_D 9, 0xbfd0000000000000, 0, 0x3ff0000000000000, 0xc010000000000000, 0x0000000000000000, fdiv.d fa0, fa1, fa2
        FP_D 10, 0x3ff6a09e667f3bcd, FFLAG_NX, 0x4000000000000000, 0x0000000000000000, 0x0000000000000000, fsqrt.d fa0, fa1
        FP_D 11, 0x4008000000000000, 0, 0x4022000000000000, 0x0000000000000000, 0x0000000000000000, fsqrt.d fa0, fa1
        FP_D 12, 0x8000000000000000, 0, 0x8000000000000000, 0x0000000000000000, 0x0000000000000000, fsqrt.d fa0, fa1   /* sqrt(-0) = -0 */
        FP_D 13, 0x7ff0000000000000, 0, 0x7ff0000000000000, 0x0000000000000000, 0x0000000000000000, fsqrt.d fa0, fa1

        /* double: fused multiply-add (one rounding) */
        FP_D 14, 0x401c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fmadd.d fa0, fa1, fa2, fa3
        FP_D 15, 0x4014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fmsub.d fa0, fa1, fa2, fa3
        FP_D 16, 0xc01c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fnmadd.d fa0, fa1, fa2, fa3
        FP_D 17, 0xc014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fnmsub.d fa0, fa1, fa2, fa3
        FP_D 18, 0x3c9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000, fmadd.d fa0, fa1, fa2, fa3   /* product not rounded before the add */
        FP_D 19, 0xbc9ffffffffffffe, 0, 0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000, fnmadd.d fa0, fa1, fa2, fa3

        /* single: add / sub / mul / div / sqrt */
        FP_S 20, 0x40800000, 0, 0x3fc00000, 0x40200000, 0x00000000, fadd.s fa0, fa1, fa2
        FP_S 21, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0x00000000, fadd.s fa0, fa1, fa2   /* half an ulp: ties to even */
        FP_S 22, 0xbf800000, 0, 0x3fc00000, 0x40200000, 0x00000000, fsub.s fa0, fa1, fa2
        FP_S 23, 0xbfc00000, 0, 0x40400000, 0xbf000000, 0x00000000, fmul.s fa0, fa1, fa2
        FP_S 24, 0x3eaaaaab, FFLAG_NX, 0x3f800000, 0x40400000, 0x00000000, fdiv.s fa0, fa1, fa2
        FP_S 25, 0x3fb504f3, FFLAG_NX, 0x40000000, 0x00000000, 0x00000000, fsqrt.s fa0, fa1
        FP_S 26, 0x3f000000, 0, 0x3e800000, 0x00000000, 0x00000000, fsqrt.s fa0, fa1
        FP_S 27, 0x40e00000, 0, 0x40000000, 0x40400000, 0x3f800000, fmadd.s fa0, fa1, fa2, fa3
        FP_S 28, 0x40a00000, 0, 0x40000000, 0x40400000, 0x3f800000, fmsub.s fa0, fa1, fa2, fa3
        FP_S 29, 0xc0e00000, 0, 0x40000000, 0x40400000, 0x3f800000, fnmadd.s fa0, fa1, fa2, fa3
        FP_S 30, 0xc0a00000, 0, 0x40000000, 0x40400000, 0x3f800000, fnmsub.s fa0, fa1, fa2, fa3
        FP_S 31, 0x337ffffe, 0, 0x3f800001, 0x3f7fffff, 0xbf800000, fmadd.s fa0, fa1, fa2, fa3   /* fused: exact tiny result */

        /* sign injection: bit operations, no flags, NaN payloads kept */
        FP_D 32, 0xc000000000000000, 0, 0x4000000000000000, 0xbff0000000000000, 0x0000000000000000, fsgnj.d fa0, fa1, fa2
        FP_D 33, 0x4000000000000000, 0, 0xc000000000000000, 0x3ff0000000000000, 0x0000000000000000, fsgnj.d fa0, fa1, fa2
        FP_D 34, 0x4000000000000000, 0, 0x4000000000000000, 0xbff0000000000000, 0x0000000000000000, fsgnjn.d fa0, fa1, fa2
        FP_D 35, 0x4000000000000000, 0, 0xc000000000000000, 0xbff0000000000000, 0x0000000000000000, fsgnjx.d fa0, fa1, fa2   /* sign = 1 xor 1 */
        FP_D 36, 0x4000000000000000, 0, 0xc000000000000000, 0x0000000000000000, 0x0000000000000000, fabs.d fa0, fa1
        FP_D 37, 0xfff4000000000001, 0, 0x7ff4000000000001, 0x0000000000000000, 0x0000000000000000, fneg.d fa0, fa1   /* sNaN: no NV, payload kept */
        FP_S 38, 0xc0000000, 0, 0x40000000, 0xbf800000, 0x00000000, fsgnj.s fa0, fa1, fa2
        FP_S 39, 0x40000000, 0, 0x40000000, 0xbf800000, 0x00000000, fsgnjn.s fa0, fa1, fa2
        FP_S 40, 0xc0000000, 0, 0xc0000000, 0x3f800000, 0x00000000, fsgnjx.s fa0, fa1, fa2
        FP_S 41, 0x7fa00001, 0, 0xffa00001, 0x00000000, 0x00000000, fabs.s fa0, fa1   /* sNaN payload kept */

        /* moves are raw bit copies */
        FP_D 42, 0x7ff4000000000001, 0, 0x7ff4000000000001, 0x0000000000000000, 0x0000000000000000, fmv.d fa0, fa1
        FP_S 43, 0xff800001, 0, 0xff800001, 0x00000000, 0x00000000, fmv.s fa0, fa1

        TEST_PASS
