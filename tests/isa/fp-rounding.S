/*
 * fp-rounding: IEEE rounding modes (Unprivileged spec, "F" chapter,
 * "Floating-Point Control and Status Register"): RNE, RTZ, RDN, RUP, RMM
 * selected statically in the instruction's rm field and dynamically via
 * frm (rm = DYN); a static mode overrides frm; conversions to integer
 * round with the same modes; the sign of an exact zero sum; overflow
 * results by mode; and reserved rounding modes (rm = 5, 6 in the
 * instruction, or frm = 5..7 with rm = DYN) raise illegal instruction,
 * while instructions that do not round are unaffected by an invalid frm.
 */
#include "common.h"
#include "fp.h"

/* fadd.s fa0, fa1, fa2 with rm field = r */
#define FADD_S_RM(r) (0x53 | (10 << 7) | ((r) << 12) | (11 << 15) | (12 << 20))

TEST_BEGIN
        .option norvc
        /* ---- static rounding modes (rm field), frm = RNE ---- */
        csrwi frm, FRM_RNE
        /* exact tie: 1.0 + 5.960464477539063e-08 */
        FP_S 1, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2, rne
        FP_S 2, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2, rtz
        FP_S 3, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2, rdn
        FP_S 4, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2, rup
        FP_S 5, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2, rmm
        /* negative tie: -1.0 + -5.960464477539063e-08 */
        FP_S 6, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2, rne
        FP_S 7, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2, rtz
        FP_S 8, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2, rdn
        FP_S 9, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2, rup
        FP_S 10, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2, rmm
        /* quarter ulp: 1.0 + 2.9802322387695312e-08 */
        FP_S 11, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2, rne
        FP_S 12, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2, rtz
        FP_S 13, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2, rdn
        FP_S 14, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2, rup
        FP_S 15, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2, rmm
        /* three quarters ulp: 1.0 + 8.940696716308594e-08 */
        FP_S 16, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rne
        FP_S 17, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rtz
        FP_S 18, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rdn
        FP_S 19, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rup
        FP_S 20, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rmm
        /* tie, odd: RNE rounds up: 1.0000001192092896 + 5.960464477539063e-08 */
        FP_S 21, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2, rne
        FP_S 22, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2, rtz
        FP_S 23, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2, rdn
        FP_S 24, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2, rup
        FP_S 25, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2, rmm
        /* exact tie */
        FP_D 26, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2, rne
        FP_D 27, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2, rtz
        FP_D 28, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2, rdn
        FP_D 29, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2, rup
        FP_D 30, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2, rmm
        /* negative tie */
        FP_D 31, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2, rne
        FP_D 32, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2, rtz
        FP_D 33, 0xbff0000000000001, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2, rdn
        FP_D 34, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2, rup
        FP_D 35, 0xbff0000000000001, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2, rmm
        /* three quarters ulp */
        FP_D 36, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2, rne
        FP_D 37, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2, rtz
        FP_D 38, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2, rdn
        FP_D 39, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2, rup
        FP_D 40, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2, rmm

        /* ---- dynamic rounding (rm = DYN, mode taken from frm) ---- */
        /* exact tie: 1.0 + 5.960464477539063e-08 */
        csrwi frm, FRM_RNE
        FP_S 41, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_S 42, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_S 43, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_S 44, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_S 45, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33800000, 0, fadd.s fa0, fa1, fa2
        /* negative tie: -1.0 + -5.960464477539063e-08 */
        csrwi frm, FRM_RNE
        FP_S 46, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_S 47, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_S 48, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_S 49, 0xbf800000, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_S 50, 0xbf800001, FFLAG_NX, 0xbf800000, 0xb3800000, 0, fadd.s fa0, fa1, fa2
        /* quarter ulp: 1.0 + 2.9802322387695312e-08 */
        csrwi frm, FRM_RNE
        FP_S 51, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_S 52, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_S 53, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_S 54, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_S 55, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33000000, 0, fadd.s fa0, fa1, fa2
        /* three quarters ulp: 1.0 + 8.940696716308594e-08 */
        csrwi frm, FRM_RNE
        FP_S 56, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_S 57, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_S 58, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_S 59, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_S 60, 0x3f800001, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2
        /* tie, odd: RNE rounds up: 1.0000001192092896 + 5.960464477539063e-08 */
        csrwi frm, FRM_RNE
        FP_S 61, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_S 62, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_S 63, 0x3f800001, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_S 64, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_S 65, 0x3f800002, FFLAG_NX, 0x3f800001, 0x33800000, 0, fadd.s fa0, fa1, fa2
        /* exact tie */
        csrwi frm, FRM_RNE
        FP_D 66, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_D 67, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_D 68, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_D 69, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_D 70, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa0, fa1, fa2
        /* negative tie */
        csrwi frm, FRM_RNE
        FP_D 71, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_D 72, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_D 73, 0xbff0000000000001, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_D 74, 0xbff0000000000000, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_D 75, 0xbff0000000000001, FFLAG_NX, 0xbff0000000000000, 0xbca0000000000000, 0, fadd.d fa0, fa1, fa2
        /* three quarters ulp */
        csrwi frm, FRM_RNE
        FP_D 76, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RTZ
        FP_D 77, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RDN
        FP_D 78, 0x3ff0000000000000, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RUP
        FP_D 79, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RMM
        FP_D 80, 0x3ff0000000000001, FFLAG_NX, 0x3ff0000000000000, 0x3ca8000000000000, 0, fadd.d fa0, fa1, fa2
        csrwi frm, FRM_RNE

        /* static rm overrides frm */
        csrwi frm, FRM_RUP
        FP_S 81, 0x3f800000, FFLAG_NX, 0x3f800000, 0x33c00000, 0, fadd.s fa0, fa1, fa2, rtz
        csrwi frm, FRM_RNE

        /* ---- FCVT.W.D / FCVT.L.S in every mode (static and dynamic) ---- */
        FP_XD 82, 0x0000000000000002, FFLAG_NX, 0x4004000000000000, 0, fcvt.w.d a0, fa1, rne
        FP_XD 83, 0x0000000000000002, FFLAG_NX, 0x4004000000000000, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 84, 0x0000000000000002, FFLAG_NX, 0x4004000000000000, 0, fcvt.w.d a0, fa1, rdn
        FP_XD 85, 0x0000000000000003, FFLAG_NX, 0x4004000000000000, 0, fcvt.w.d a0, fa1, rup
        FP_XD 86, 0x0000000000000003, FFLAG_NX, 0x4004000000000000, 0, fcvt.w.d a0, fa1, rmm
        FP_XD 87, 0xfffffffffffffffe, FFLAG_NX, 0xc004000000000000, 0, fcvt.w.d a0, fa1, rne
        FP_XD 88, 0xfffffffffffffffe, FFLAG_NX, 0xc004000000000000, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 89, 0xfffffffffffffffd, FFLAG_NX, 0xc004000000000000, 0, fcvt.w.d a0, fa1, rdn
        FP_XD 90, 0xfffffffffffffffe, FFLAG_NX, 0xc004000000000000, 0, fcvt.w.d a0, fa1, rup
        FP_XD 91, 0xfffffffffffffffd, FFLAG_NX, 0xc004000000000000, 0, fcvt.w.d a0, fa1, rmm
        FP_XD 92, 0x0000000000000004, FFLAG_NX, 0x400c000000000000, 0, fcvt.w.d a0, fa1, rne
        FP_XD 93, 0x0000000000000003, FFLAG_NX, 0x400c000000000000, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 94, 0x0000000000000003, FFLAG_NX, 0x400c000000000000, 0, fcvt.w.d a0, fa1, rdn
        FP_XD 95, 0x0000000000000004, FFLAG_NX, 0x400c000000000000, 0, fcvt.w.d a0, fa1, rup
        FP_XD 96, 0x0000000000000004, FFLAG_NX, 0x400c000000000000, 0, fcvt.w.d a0, fa1, rmm
        FP_XD 97, 0x0000000000000000, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.w.d a0, fa1, rne
        FP_XD 98, 0x0000000000000000, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 99, 0xffffffffffffffff, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.w.d a0, fa1, rdn
        FP_XD 100, 0x0000000000000000, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.w.d a0, fa1, rup
        FP_XD 101, 0xffffffffffffffff, FFLAG_NX, 0xbfe0000000000000, 0, fcvt.w.d a0, fa1, rmm
        FP_XD 102, 0x0000000000000001, FFLAG_NX, 0x3fe6666666666666, 0, fcvt.w.d a0, fa1, rne
        FP_XD 103, 0x0000000000000000, FFLAG_NX, 0x3fe6666666666666, 0, fcvt.w.d a0, fa1, rtz
        FP_XD 104, 0x0000000000000000, FFLAG_NX, 0x3fe6666666666666, 0, fcvt.w.d a0, fa1, rdn
        FP_XD 105, 0x0000000000000001, FFLAG_NX, 0x3fe6666666666666, 0, fcvt.w.d a0, fa1, rup
        FP_XD 106, 0x0000000000000001, FFLAG_NX, 0x3fe6666666666666, 0, fcvt.w.d a0, fa1, rmm
        csrwi frm, FRM_RNE
        FP_XS 107, 0x0000000000000002, FFLAG_NX, 0x40200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RTZ
        FP_XS 108, 0x0000000000000002, FFLAG_NX, 0x40200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RDN
        FP_XS 109, 0x0000000000000002, FFLAG_NX, 0x40200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RUP
        FP_XS 110, 0x0000000000000003, FFLAG_NX, 0x40200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RMM
        FP_XS 111, 0x0000000000000003, FFLAG_NX, 0x40200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RNE
        FP_XS 112, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RTZ
        FP_XS 113, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RDN
        FP_XS 114, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RUP
        FP_XS 115, 0xfffffffffffffffe, FFLAG_NX, 0xc0200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RMM
        FP_XS 116, 0xfffffffffffffffd, FFLAG_NX, 0xc0200000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RNE
        FP_XS 117, 0x0000000000000004, FFLAG_NX, 0x40600000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RTZ
        FP_XS 118, 0x0000000000000003, FFLAG_NX, 0x40600000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RDN
        FP_XS 119, 0x0000000000000003, FFLAG_NX, 0x40600000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RUP
        FP_XS 120, 0x0000000000000004, FFLAG_NX, 0x40600000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RMM
        FP_XS 121, 0x0000000000000004, FFLAG_NX, 0x40600000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RNE
        FP_XS 122, 0x0000000000000000, FFLAG_NX, 0xbf000000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RTZ
        FP_XS 123, 0x0000000000000000, FFLAG_NX, 0xbf000000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RDN
        FP_XS 124, 0xffffffffffffffff, FFLAG_NX, 0xbf000000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RUP
        FP_XS 125, 0x0000000000000000, FFLAG_NX, 0xbf000000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RMM
        FP_XS 126, 0xffffffffffffffff, FFLAG_NX, 0xbf000000, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RNE
        FP_XS 127, 0x0000000000000001, FFLAG_NX, 0x3f333333, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RTZ
        FP_XS 128, 0x0000000000000000, FFLAG_NX, 0x3f333333, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RDN
        FP_XS 129, 0x0000000000000000, FFLAG_NX, 0x3f333333, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RUP
        FP_XS 130, 0x0000000000000001, FFLAG_NX, 0x3f333333, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RMM
        FP_XS 131, 0x0000000000000001, FFLAG_NX, 0x3f333333, 0, fcvt.l.s a0, fa1
        csrwi frm, FRM_RNE

        /* x - x is +0 except in RDN, where it is -0 */
        FP_D 132, 0x0000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0, fsub.d fa0, fa1, fa2, rne
        FP_D 133, 0x0000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0, fsub.d fa0, fa1, fa2, rtz
        FP_D 134, 0x8000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0, fsub.d fa0, fa1, fa2, rdn
        FP_D 135, 0x0000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0, fsub.d fa0, fa1, fa2, rup
        FP_D 136, 0x0000000000000000, 0, 0x4008000000000000, 0x4008000000000000, 0, fsub.d fa0, fa1, fa2, rmm
        /* overflow: RNE/RMM go to infinity, RTZ to the largest finite,
         * RDN/RUP depending on the sign */
        FP_D 137, 0x7ff0000000000000, FFLAG_OF | FFLAG_NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rne
        FP_D 138, 0xfff0000000000000, FFLAG_OF | FFLAG_NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rne
        FP_D 139, 0x7fefffffffffffff, FFLAG_OF | FFLAG_NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rtz
        FP_D 140, 0xffefffffffffffff, FFLAG_OF | FFLAG_NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rtz
        FP_D 141, 0x7fefffffffffffff, FFLAG_OF | FFLAG_NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rdn
        FP_D 142, 0xfff0000000000000, FFLAG_OF | FFLAG_NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rdn
        FP_D 143, 0x7ff0000000000000, FFLAG_OF | FFLAG_NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rup
        FP_D 144, 0xffefffffffffffff, FFLAG_OF | FFLAG_NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rup
        FP_D 145, 0x7ff0000000000000, FFLAG_OF | FFLAG_NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rmm
        FP_D 146, 0xfff0000000000000, FFLAG_OF | FFLAG_NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa0, fa1, fa2, rmm

        /* ---- reserved rounding modes ---- */
        csrwi frm, FRM_RNE
        TEST_TRAP 200, CAUSE_ILLEGAL_INSN, FADD_S_RM(5), .word FADD_S_RM(5)
        TEST_TRAP 201, CAUSE_ILLEGAL_INSN, FADD_S_RM(6), .word FADD_S_RM(6)
        TEST_NO_TRAP 202, .word FADD_S_RM(4)       /* RMM is valid */
        csrwi frm, 5
        TEST_TRAP 203, CAUSE_ILLEGAL_INSN, FADD_S_RM(7), .word FADD_S_RM(7)
        csrwi frm, 7
        TEST_TRAP 204, CAUSE_ILLEGAL_INSN, FADD_S_RM(7), .word FADD_S_RM(7)
        /* frm itself holds the value (the check happens at execution) */
        TEST_CASE(205, a0, 7, csrr a0, frm)
        /* non-rounding instructions do not care about frm */
        TEST_NO_TRAP 206, fsgnj.d fa0, fa1, fa2
        TEST_NO_TRAP 207, fmv.x.d a0, fa1
        TEST_NO_TRAP 208, fle.d a0, fa1, fa2
        TEST_NO_TRAP 209, fclass.d a0, fa1
        TEST_NO_TRAP 210, fmin.d fa0, fa1, fa2
        /* a static valid mode works even with an invalid frm */
        TEST_NO_TRAP 211, fadd.s fa0, fa1, fa2, rne
        csrwi frm, FRM_RNE

        TEST_PASS
