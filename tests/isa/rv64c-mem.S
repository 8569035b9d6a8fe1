/*
 * rv64c-mem: RV64C loads and stores (Unprivileged spec, "C" extension,
 * "Load and Store Instructions"): C.LW/C.LD/C.SW/C.SD (register-based,
 * x8..x15, zero-extended scaled offsets), C.LWSP/C.LDSP/C.SWSP/C.SDSP
 * (sp-based, larger offsets), and the FP forms C.FLD/C.FSD/C.FLDSP/C.FSDSP.
 * C.LW/C.LWSP sign-extend the loaded word.
 */
#include "common.h"
TEST_BEGIN
        la s0, data

        TEST_CASE( 1, a0, 0xffffffff88776655, c.lw a0, 4(s0))   /* sign-extended */
        TEST_CASE( 2, a0, 0x44332211, c.lw a0, 0(s0))
        TEST_CASE( 3, a0, 0x8877665544332211, c.ld a0, 0(s0))
        TEST_CASE( 4, a0, 0x0123456789abcdef, c.ld a0, 248(s0)) /* max C.LD offset */
        TEST_CASE( 5, a0, 0x7654321, c.lw a0, 124(s0))          /* max C.LW offset */

        la s1, scratch
        TEST_CASE(10, a0, 0xcafef00d, li a1, 0xffffffffcafef00d; c.sw a1, 4(s1); lwu a0, 4(s1))
        TEST_CASE(11, a0, 0xcafef00d00000000, sw zero, 0(s1); ld a0, 0(s1))   /* C.SW wrote 4 bytes */
        TEST_CASE(12, a0, 0x1122334455667788, li a1, 0x1122334455667788; c.sd a1, 8(s1); ld a0, 8(s1))

        /* sp-relative forms, using a private stack area */
        li gp, 20
        mv s2, sp
        la sp, spbuf
        li t0, 0x0123456789abcdef
        c.sdsp t0, 504(sp)              /* max C.SDSP offset */
        c.ldsp t1, 504(sp)
        CHECK_EQ t1, 0x0123456789abcdef
        li gp, 21
        li t0, 0x80000000
        c.swsp t0, 252(sp)              /* max C.SWSP offset */
        c.lwsp t2, 252(sp)
        CHECK_EQ t2, 0xffffffff80000000 /* sign-extended */
        li gp, 22
        li t0, 0x5a5a5a5a5a5a5a5a
        c.sdsp t0, 0(sp)
        c.swsp zero, 4(sp)
        c.ldsp ra, 0(sp)
        CHECK_EQ ra, 0x000000005a5a5a5a

        /* FP loads/stores move raw 64-bit patterns (no conversion) */
        li gp, 30
        c.fld fa0, 16(s0)
        fmv.x.d a0, fa0
        CHECK_EQ a0, 0x7ff4000000000001  /* a signalling NaN, moved untouched */
        li gp, 31
        c.fsd fa0, 16(s1)
        ld a0, 16(s1)
        CHECK_EQ a0, 0x7ff4000000000001
        li gp, 32
        li t0, 0x400921fb54442d18
        fmv.d.x fs1, t0
        c.fsdsp fs1, 496(sp)
        ld a0, 496(sp)
        CHECK_EQ a0, 0x400921fb54442d18
        c.fldsp ft3, 496(sp)
        fmv.x.d a0, ft3
        CHECK_EQ a0, 0x400921fb54442d18
        li gp, 33
        c.fld fs0, 248(s0)
        fmv.x.d a0, fs0
        CHECK_EQ a0, 0x0123456789abcdef

        mv sp, s2
        TEST_PASS

        .data
        .balign 8
data:
        .dword 0x8877665544332211
        .dword 0
        .dword 0x7ff4000000000001
        .fill 12, 8, 0
        .word 0, 0x7654321              /* at offset 120: word at 124 */
        .fill 15, 8, 0
        .dword 0x0123456789abcdef       /* at offset 248 */
        .balign 8
scratch:
        .space 32
        .balign 16
spbuf:
        .space 512
