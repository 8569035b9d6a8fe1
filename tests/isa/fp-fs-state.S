/*
 * fp-fs-state: the mstatus.FS field (Privileged spec, "Extension Context
 * Status in mstatus Register"):
 *  - FS = Off: every FP instruction and every access to fcsr / frm /
 *    fflags raises illegal instruction (mtval = instruction bits);
 *  - an instruction that writes FP state (f registers or fcsr) sets
 *    FS = Dirty, and SD (bit 63) = 1 whenever FS (or XS/VS) is Dirty;
 *  - sstatus shows the same FS and SD; S-mode is also blocked by FS = Off.
 */
#include "common.h"
#include "fp.h"

#define INSN_FADD_D        0x02c5f553   /* fadd.d fa0, fa1, fa2 (rm = dyn) */
#define INSN_FLD           0x0005b507   /* fld fa0, 0(a1) */
#define INSN_FMV_X_D       0xe2058553   /* fmv.x.d a0, fa1 */
#define INSN_CSRR_FCSR     0x00302573   /* csrr a0, fcsr */
#define INSN_CSRR_FFLAGS   0x00102573
#define INSN_CSRR_FRM      0x00202573

.macro SET_FS val
        li t0, MSTATUS_FS
        csrc mstatus, t0
        li t0, \val
        csrs mstatus, t0
.endm
/* reg := mstatus.FS | mstatus.SD */
.macro GET_FS_SD reg
        csrr \reg, mstatus
        li t0, MSTATUS_FS | MSTATUS_SD
        and \reg, \reg, t0
.endm

TEST_BEGIN
        .option norvc
        la a1, scratch

        SET_FS MSTATUS_FS_OFF
        TEST_TRAP 1, CAUSE_ILLEGAL_INSN, INSN_FADD_D, fadd.d fa0, fa1, fa2
        TEST_TRAP 2, CAUSE_ILLEGAL_INSN, INSN_FLD, fld fa0, 0(a1)
        TEST_TRAP 3, CAUSE_ILLEGAL_INSN, INSN_FMV_X_D, fmv.x.d a0, fa1
        TEST_TRAP 4, CAUSE_ILLEGAL_INSN, INSN_CSRR_FCSR, csrr a0, fcsr
        TEST_TRAP 5, CAUSE_ILLEGAL_INSN, INSN_CSRR_FFLAGS, csrr a0, fflags
        TEST_TRAP 6, CAUSE_ILLEGAL_INSN, INSN_CSRR_FRM, csrr a0, frm
        .option rvc
        TEST_TRAP 7, CAUSE_ILLEGAL_INSN, 0x2188, c.fld fa0, 0(a1)
        .option norvc
        /* S-mode too */
        TEST_TRAP_S 8, CAUSE_ILLEGAL_INSN, INSN_FADD_D, fadd.d fa0, fa1, fa2
        /* 9: SD is 0 when nothing is dirty */
        li gp, 9
        GET_FS_SD a0
        CHECK_EQ a0, 0

        /* 10: Initial -> Dirty on an FP register write */
        li gp, 10
        SET_FS MSTATUS_FS_INITIAL
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_INITIAL
        fmv.d.x fa0, zero
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        /* 11: Clean -> Dirty on FLD */
        li gp, 11
        SET_FS MSTATUS_FS_CLEAN
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_CLEAN
        fld fa0, 0(a1)
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        /* 12: Clean -> Dirty on an fcsr write */
        li gp, 12
        SET_FS MSTATUS_FS_CLEAN
        csrwi fflags, 1
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        /* 13: Clean -> Dirty when an arithmetic instruction sets flags
         * and writes a register */
        li gp, 13
        SET_FS MSTATUS_FS_CLEAN
        fdiv.d fa0, fa1, fa2
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        /* 14: FP instructions work in all of Initial/Clean/Dirty */
        li gp, 14
        SET_FS MSTATUS_FS_INITIAL
        li t1, D_ONE
        fmv.d.x fa1, t1
        fadd.d fa0, fa1, fa1
        fmv.x.d a0, fa0
        CHECK_EQ a0, D_TWO

        /* 15: sstatus mirrors FS and SD */
        li gp, 15
        SET_FS MSTATUS_FS_DIRTY
        csrr a0, sstatus
        li t0, MSTATUS_FS | MSTATUS_SD
        and a0, a0, t0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        /* 16: FS writable through sstatus (S-mode can turn FP off) */
        li gp, 16
        li t0, MSTATUS_FS
        csrc sstatus, t0
        GET_FS_SD a0
        CHECK_EQ a0, 0
        /* 17: S-mode writes FP: FS becomes Dirty */
        SET_FS MSTATUS_FS_CLEAN
        RUN_S 17, fmv.d.x fa0, zero
        GET_FS_SD a0
        CHECK_EQ a0, MSTATUS_FS_DIRTY | MSTATUS_SD

        TEST_PASS

        .data
        .balign 8
scratch: .dword 0x3ff0000000000000
