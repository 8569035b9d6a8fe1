/*
 * sv39-faults: page faults under Sv39 (Privileged spec, "Virtual Address
 * Translation Process" and "Addressing and Memory Protection"):
 * instruction (12), load (13) and store/AMO (15) page faults with
 * mtval / stval = the faulting virtual address and mepc = the faulting
 * instruction (for fetches: the target), raised for
 *  - invalid PTEs (V = 0), missing permission (store to read-only, load
 *    from execute-only, fetch from non-executable),
 *  - reserved encodings (W = 1 with R = 0), a pointer PTE at the last level,
 *  - the U bit: S-mode data access to U pages without SUM, S-mode fetch
 *    from U pages, U-mode access to supervisor pages,
 *  - non-canonical virtual addresses (bits 63:39 != bit 38);
 *  - the destination register of a faulting load is not written;
 *  - with medeleg the faults go to S-mode with scause / stval / sepc.
 */
#include "common.h"

#define VA_R      0x40000000      /* R only */
#define VA_X      0x40001000      /* X only, contains code */
#define VA_NONE   0x40002000      /* V = 0 */
#define VA_WONLY  0x40003000      /* W without R: reserved */
#define VA_U      0x40004000      /* U, RW */
#define VA_UX     0x40005000      /* U, RX, contains code */
#define VA_PTR    0x40006000      /* leaf level entry with R=W=X=0 */
#define NONCANON  0x0000008000000000
#define HIGH_UNMAPPED 0xffffffff80000000

#define AD (PTE_A | PTE_D)

/* FAULT_S num, cause, va, insn: run insn in S-mode, expect a trap to M
 * with the given cause, mtval = va, mepc = insn. */
.macro FAULT_S num, cause, va, insn:vararg
        TEST_TRAP_S \num, \cause, \va, \insn
.endm

/* FETCH_FAULT_S num, va, reg: in S-mode jump to reg (= va); expect an
 * instruction page fault with mtval = mepc = va. */
.macro FETCH_FAULT_S num, va, reg
        li gp, \num
        EXPECT_TRAP .Lff_res\@
        GOTO_S(.Lff_at\@)
.Lff_at\@:
        jr \reg
        j fail_case
.Lff_res\@:
        CHECK_MCAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MTVAL \va
        ld t5, trap_mepc
        CHECK_EQ t5, \va
.endm

TEST_BEGIN
        VM_MAP VA_R, page_r, PTE_V | PTE_R | AD, LEVEL_4K
        VM_MAP VA_X, page_x, PTE_V | PTE_X | AD, LEVEL_4K
        VM_MAP VA_NONE, page_r, PTE_R | PTE_W | AD, LEVEL_4K     /* V = 0 */
        VM_MAP VA_WONLY, page_r, PTE_V | PTE_W | AD, LEVEL_4K
        VM_MAP VA_U, page_u, PTE_V | PTE_R | PTE_W | PTE_U | AD, LEVEL_4K
        VM_MAP VA_UX, page_x, PTE_V | PTE_R | PTE_X | PTE_U | AD, LEVEL_4K
        VM_MAP VA_PTR, page_r, PTE_V, LEVEL_4K
        /* code in page_x: "li s2, 0x5a; ret" */
        la a0, page_x
        li a1, 0x05a00913
        sw a1, 0(a0)
        li a1, 0x00008067
        sw a1, 4(a0)
        fence.i
        VM_ENABLE

        li t0, VA_R
        li t1, VA_X
        li t2, VA_NONE
        li t3, VA_WONLY
        li t4, VA_U
        li s1, VA_PTR
        li s2, NONCANON
        li s3, HIGH_UNMAPPED

        /* S-mode: allowed accesses work */
        RUN_S 1, ld a0, 0(t0)
        li s2, 0
        RUN_S 2, jalr t1                /* executes li s2, 0x5a from VA_X */
        CHECK_EQ s2, 0x5a
        li s2, NONCANON

        /* permission faults */
        FAULT_S 3, CAUSE_STORE_PAGE_FAULT, VA_R, sd a0, 0(t0)
        /* 4: AMO to a read-only page: store/AMO page fault (15) per the
         * spec; QEMU 7.2 performs the load half first and reports a load
         * page fault (13).  Either is accepted, mtval must be the VA. */
        li gp, 4
        li s5, VA_R + 8
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      amoadd.d a0, a0, (s5)
        j fail_case
2:      CHECK_MEPC_SYM 1b
        CHECK_MTVAL VA_R + 8
        ld a0, trap_mcause
        li a1, CAUSE_STORE_PAGE_FAULT
        beq a0, a1, 3f
        CHECK_EQ a0, CAUSE_LOAD_PAGE_FAULT
3:
        FAULT_S 5, CAUSE_LOAD_PAGE_FAULT, VA_X + 16, ld a0, 16(t1)
        FETCH_FAULT_S 6, VA_R, t0
        /* invalid PTE */
        FAULT_S 7, CAUSE_LOAD_PAGE_FAULT, VA_NONE + 0x123, lb a0, 0x123(t2)
        FAULT_S 8, CAUSE_STORE_PAGE_FAULT, VA_NONE, sw a0, 0(t2)
        FETCH_FAULT_S 9, VA_NONE, t2
        /* W without R is reserved: any access faults */
        FAULT_S 10, CAUSE_LOAD_PAGE_FAULT, VA_WONLY, ld a0, 0(t3)
        FAULT_S 11, CAUSE_STORE_PAGE_FAULT, VA_WONLY, sd a0, 0(t3)
        /* a non-leaf PTE at level 0 */
        FAULT_S 12, CAUSE_LOAD_PAGE_FAULT, VA_PTR, ld a0, 0(s1)
        /* U page from S without SUM: load / store / fetch */
        FAULT_S 13, CAUSE_LOAD_PAGE_FAULT, VA_U, ld a0, 0(t4)
        FAULT_S 14, CAUSE_STORE_PAGE_FAULT, VA_U, sd a0, 0(t4)
        li t4, VA_UX
        FETCH_FAULT_S 15, VA_UX, t4
        /* non-canonical addresses fault even though no PTE is involved */
        FAULT_S 16, CAUSE_LOAD_PAGE_FAULT, NONCANON, ld a0, 0(s2)
        FAULT_S 17, CAUSE_STORE_PAGE_FAULT, NONCANON, sd a0, 0(s2)
        FETCH_FAULT_S 18, NONCANON, s2
        li s4, 0xbfffffffffff0000       /* bits 63:39 not all equal */
        FAULT_S 19, CAUSE_LOAD_PAGE_FAULT, 0xbfffffffffff0000, ld a0, 0(s4)
        /* canonical high address, not mapped */
        FAULT_S 20, CAUSE_LOAD_PAGE_FAULT, HIGH_UNMAPPED, ld a0, 0(s3)

        /* 21: a faulting load does not write rd; the fetch-fault mepc is
         * the target and the jump's link register was written */
        li gp, 21
        li a0, 0x77
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      ld a0, 0(t2)
        j fail_case
2:      CHECK_EQ a0, 0x77
        li gp, 22
        li ra, 0
        EXPECT_TRAP 4f
        GOTO_S(3f)
3:      jalr ra, 0(t2)
        j fail_case
4:      CHECK_MCAUSE CAUSE_FETCH_PAGE_FAULT
        ld a0, trap_mepc
        CHECK_EQ a0, VA_NONE
        la a1, 3b
        addi a1, a1, 4
        CHECK_EQ_REG ra, a1

        /* U-mode (running from the user alias): U pages work, S pages
         * fault, including fetches from the identity (S) mapping */
        li gp, 30
        li t4, VA_U
        EXPECT_TRAP 6f
        GOTO_U_ALIAS(5f)
5:      ld a0, 0(t4)
        sd a0, 8(t4)
        ecall
6:      CHECK_MCAUSE CAUSE_USER_ECALL
        li gp, 31
        EXPECT_TRAP 8f
        GOTO_U_ALIAS(7f)
7:      ld a0, 0(t0)                    /* VA_R is a supervisor page */
        j fail_case
8:      CHECK_MCAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_MTVAL VA_R
        li gp, 32
        EXPECT_TRAP 10f
        GOTO_U_ALIAS(9f)
9:      la a0, 11f
        li a1, USER_ALIAS_OFFSET
        sub a0, a0, a1                  /* the identity (S) address */
        jr a0
11:     j fail_case
10:     CHECK_MCAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MTVAL_SYM 11b
        CHECK_MEPC_SYM 11b
        li gp, 33                       /* U may execute a U|X page */
        li s2, 0
        li t1, VA_UX
        EXPECT_TRAP 13f
        GOTO_U_ALIAS(12f)
12:     jalr t1
        ecall
13:     CHECK_MCAUSE CAUSE_USER_ECALL
        CHECK_EQ s2, 0x5a

        /* Delegated page faults: handled in S with stval = VA */
        li a0, (1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT)
        csrw medeleg, a0
        li gp, 40
        EXPECT_TRAP 15f
        EXPECT_S_TRAP 16f
        GOTO_U_ALIAS(14f)
14:     sd a0, 0(t2)                    /* VA_NONE */
        j fail_case
16:     ecall                           /* S resumes here (identity) */
15:     CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_SCAUSE CAUSE_STORE_PAGE_FAULT
        CHECK_STVAL VA_NONE
        ld a0, s_trap_sepc
        USER_VA(a1, 14b)
        CHECK_EQ_REG a0, a1
        li gp, 41
        li s2, NONCANON
        EXPECT_TRAP 18f
        EXPECT_S_TRAP 19f
        GOTO_S(17f)
17:     jr s2                           /* NONCANON, from S */
19:     ecall
18:     CHECK_SCAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_STVAL NONCANON
        ld a0, s_trap_sepc
        CHECK_EQ a0, NONCANON
        csrw medeleg, zero

        csrw satp, zero
        sfence.vma
        TEST_PASS

        .bss
        .balign 4096
page_r: .space 4096
page_x: .space 4096
page_u: .space 4096
