/*
 * pmp-enforce: physical memory protection checks accesses (Privileged
 * spec, "Physical Memory Protection").  The lowest-numbered entry that
 * matches decides; an unlocked entry binds S- and U-mode only, a locked
 * one M-mode too; NAPOT, NA4 and TOR ranges; loads, stores and
 * instruction fetches; a range smaller than a page (an emulator that
 * caches translations per page must not let the rest of the page decide
 * for it).  Entry 1 stays NAPOT over everything with RWX so that code and
 * stack remain reachable from S/U-mode; entry 0 is the one under test.
 *
 * The page-table walk's reads are checked as S-mode accesses.
 *
 * Not tested: accesses that match a range only partly.
 */
#include "common.h"

#define NAPOT_RWX  0x1f
#define A_TOR      0x08
#define A_NA4      0x10
#define A_NAPOT    0x18
#define P_R        0x01
#define P_W        0x02
#define P_X        0x04
#define P_L        0x80

/* pmpcfg0 = entry 0's byte `cfg0`, entry 1 NAPOT RWX (over everything). */
.macro SET_CFG cfg0
        li t0, ((NAPOT_RWX << 8) | (\cfg0))
        csrw pmpcfg0, t0
.endm
/* pmpaddr for a NAPOT range of 4 KiB at `sym`: base >> 2 with 9 ones. */
.macro NAPOT_4K reg, sym
        la \reg, \sym
        srli \reg, \reg, 2
        ori \reg, \reg, 0x1ff
.endm

TEST_BEGIN
        .option norvc
        /* Entry 1: everything, RWX (the runtime had put that in entry 0). */
        li t0, -1
        csrw pmpaddr1, t0
        SET_CFG 0

        /* ---- NAPOT page, read-only for S/U ---- */
        NAPOT_4K t0, prot
        csrw pmpaddr0, t0
        SET_CFG (A_NAPOT | P_R)
        la a1, prot
        li t1, 0x1234
        sd t1, 8(a1)                    /* M-mode: an unlocked entry does not bind it */
        RUN_S 1, ld a0, 8(a1)
        CHECK_EQ a0, 0x1234

        li gp, 2                        /* S-mode store: store access fault, tval = address */
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      sd zero, 16(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_STORE_ACCESS
        CHECK_MTVAL_SYM prot + 16

        li gp, 3                        /* U-mode store: the same */
        EXPECT_TRAP 2f
        GOTO_U(1f)
1:      sw zero, 0(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_STORE_ACCESS
        CHECK_MTVAL_SYM prot

        RUN_U 4, lw a0, 8(a1)           /* U-mode load: allowed */
        CHECK_EQ a0, 0x1234
        /* The word just past the page is entry 1's: writable. */
        la a3, prot + 4096
        RUN_S 5, sd zero, 0(a3)

        /* ---- no permissions at all: loads fault too ---- */
        SET_CFG A_NAPOT
        li gp, 6
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      ld a0, 0(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_LOAD_ACCESS
        CHECK_MTVAL_SYM prot

        /* ---- NA4: one word; the rest of its page is entry 1's ---- */
        la t0, prot + 0x100
        srli t0, t0, 2
        csrw pmpaddr0, t0
        SET_CFG A_NA4
        RUN_S 10, ld a0, 0x108(a1)      /* same page, outside the word: allowed ... */
        li gp, 11                       /* ... and the word itself still faults */
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      lw a0, 0x100(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_LOAD_ACCESS
        CHECK_MTVAL_SYM prot + 0x100
        RUN_S 12, lw a0, 0x104(a1)      /* the next word is not in the range */

        /* ---- TOR: [pmpaddr0, pmpaddr1) with entry 1 as the top; entry 2 everything ---- */
        li t0, -1
        csrw pmpaddr2, t0
        la t0, prot
        srli t0, t0, 2
        csrw pmpaddr0, t0
        la t0, prot + 0x800
        srli t0, t0, 2
        csrw pmpaddr1, t0
        li t0, ((NAPOT_RWX << 16) | ((A_TOR | P_R) << 8))
        csrw pmpcfg0, t0
        RUN_S 20, ld a0, 0x7f8(a1)      /* in the range: readable */
        li gp, 21
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      sd zero, 0x7f8(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_STORE_ACCESS
        CHECK_MTVAL_SYM prot + 0x7f8
        la a2, prot + 0x800
        RUN_S 22, sd zero, 0(a2)        /* from the top up: entry 2's */

        /* back to entry 1 = everything */
        li t0, -1
        csrw pmpaddr1, t0
        SET_CFG 0
        csrw pmpaddr2, zero

        /* ---- instruction fetch: a page without X ---- */
        NAPOT_4K t0, xpage
        csrw pmpaddr0, t0
        SET_CFG (A_NAPOT | P_R)
        li gp, 30
        EXPECT_TRAP 2f
        GOTO_S(xpage)
2:      CHECK_MCAUSE CAUSE_FETCH_ACCESS
        CHECK_MEPC_SYM xpage
        CHECK_MTVAL_SYM xpage
        li gp, 31                       /* M-mode runs it (unlocked) */
        jal ra, xpage
        CHECK_EQ a0, 77

        /* ---- the page-table walk reads the tables as S-mode ---- */
        call vm_setup_identity
        mv s11, a0
        NAPOT_4K t0, pt_root
        csrw pmpaddr0, t0
        SET_CFG A_NAPOT                 /* the root table: no access for S */
        csrw satp, s11
        sfence.vma
        li gp, 35
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      nop                             /* its fetch walks pt_root: an access fault, not a page fault */
        j fail_case
2:      CHECK_MCAUSE CAUSE_FETCH_ACCESS
        CHECK_MEPC_SYM 1b
        CHECK_MTVAL_SYM 1b
        csrw satp, zero
        sfence.vma

        /* ---- a locked entry binds M-mode too (last: locks stay until reset) ---- */
        la a1, prot                     /* (vm_setup_identity took a1) */
        NAPOT_4K t0, prot
        csrw pmpaddr0, t0
        SET_CFG (P_L | A_NAPOT | P_R)
        li gp, 40
        ld a0, 8(a1)                    /* M-mode may read ... */
        CHECK_EQ a0, 0x1234
        li gp, 41                       /* ... but not write */
        EXPECT_TRAP 2f
1:      sd zero, 8(a1)
        j fail_case
2:      CHECK_MCAUSE CAUSE_STORE_ACCESS
        CHECK_MEPC_SYM 1b
        CHECK_MTVAL_SYM prot + 8
        TEST_PASS

        .section .text.xpage, "ax"
        .balign 4096
xpage:
        li a0, 77
        ret
        .balign 4096

        .data
        .balign 4096
prot:
        .space 4096
        .space 4096
