/*
 * sv39-sum-mxr: the SUM and MXR bits of mstatus/sstatus (Privileged spec,
 * "Memory Privilege in mstatus Register"):
 *  - SUM = 0: S-mode loads/stores to U pages fault; SUM = 1: they work;
 *    SUM never permits S-mode to execute from U pages;
 *  - MXR = 0: loads from execute-only pages fault; MXR = 1: loads from
 *    pages marked readable or executable succeed (in S and U mode);
 *    MXR does not make such pages writable.
 */
#include "common.h"

#define VA_U      0x40000000      /* U, RW */
#define VA_X      0x40001000      /* X only (S) */
#define VA_UX     0x40002000      /* X only, U */
#define AD (PTE_A | PTE_D)

TEST_BEGIN
        VM_MAP VA_U, page_u, PTE_V | PTE_R | PTE_W | PTE_U | AD, LEVEL_4K
        VM_MAP VA_X, page_x, PTE_V | PTE_X | AD, LEVEL_4K
        VM_MAP VA_UX, page_x, PTE_V | PTE_X | PTE_U | AD, LEVEL_4K
        la a0, page_u
        li a1, 0x0123456789abcdef
        sd a1, 0(a0)
        la a0, page_x
        li a1, 0x00008067               /* ret */
        sd a1, 0(a0)
        fence.i
        VM_ENABLE
        li s0, VA_U
        li s1, VA_X
        li s2, VA_UX

        /* SUM = 0 */
        TEST_TRAP_S 1, CAUSE_LOAD_PAGE_FAULT, VA_U, ld a0, 0(s0)
        TEST_TRAP_S 2, CAUSE_STORE_PAGE_FAULT, VA_U, sd a0, 0(s0)
        /* SUM = 1 (set via sstatus from S-mode itself) */
        li gp, 3
        li a0, 0
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      li t0, MSTATUS_SUM
        csrs sstatus, t0
        ld a0, 0(s0)
        li t1, 0x55
        sd t1, 8(s0)
        ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_EQ a0, 0x0123456789abcdef
        la a1, page_u
        ld a1, 8(a1)
        CHECK_EQ a1, 0x55
        /* SUM = 1 still forbids S-mode execution of U pages */
        li gp, 4
        EXPECT_TRAP 4f
        GOTO_S(3f)
3:      jalr s2
        j fail_case
4:      CHECK_MCAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MTVAL VA_UX
        li a0, MSTATUS_SUM
        csrc mstatus, a0

        /* MXR = 0: execute-only pages cannot be read */
        TEST_TRAP_S 10, CAUSE_LOAD_PAGE_FAULT, VA_X, ld a0, 0(s1)
        RUN_S 11, jalr s1               /* but they can be executed */
        /* MXR = 1 */
        li a0, MSTATUS_MXR
        csrs mstatus, a0
        li a0, 0
        RUN_S 12, ld a0, 0(s1)
        CHECK_EQ a0, 0x00008067
        /* ... not writable though */
        TEST_TRAP_S 13, CAUSE_STORE_PAGE_FAULT, VA_X, sd a0, 0(s1)
        /* ... and it applies to U-mode too (U|X-only page) */
        li gp, 14
        li a0, 0
        EXPECT_TRAP 6f
        GOTO_U_ALIAS(5f)
5:      ld a0, 0(s2)
        ecall
6:      CHECK_MCAUSE CAUSE_USER_ECALL
        CHECK_EQ a0, 0x00008067
        /* MXR = 0 again: U load of X-only page faults */
        li a0, MSTATUS_MXR
        csrc mstatus, a0
        li gp, 15
        EXPECT_TRAP 8f
        GOTO_U_ALIAS(7f)
7:      ld a0, 0(s2)
        j fail_case
8:      CHECK_MCAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_MTVAL VA_UX
        /* SUM has no effect on U-mode: U pages always work from U */
        li gp, 16
        EXPECT_TRAP 10f
        GOTO_U_ALIAS(9f)
9:      ld a0, 0(s0)
        ecall
10:     CHECK_MCAUSE CAUSE_USER_ECALL

        csrw satp, zero
        sfence.vma
        TEST_PASS

        .bss
        .balign 4096
page_u: .space 4096
page_x: .space 4096
