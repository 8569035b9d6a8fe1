/*
 * sv39-mprv: mstatus.MPRV (Privileged spec, "Memory Privilege in mstatus
 * Register"): with MPRV = 1, M-mode loads and stores are translated and
 * protected as if the privilege were MPP (instruction fetches are not
 * affected); with MPP = M there is no translation.  SUM applies when
 * MPP = S.  Page faults under MPRV are reported to M with mtval = VA.
 */
#include "common.h"

#define VA_S   0x40000000         /* supervisor page -> page_s */
#define VA_U   0x40001000         /* user page -> page_u */
#define AD (PTE_A | PTE_D)

/* Set MPRV with the given MPP (clobbers t6, a5) */
.macro MPRV_ON mpp
        li a5, MSTATUS_MPP
        csrc mstatus, a5
        li a5, \mpp | MSTATUS_MPRV
        csrs mstatus, a5
.endm
.macro MPRV_OFF
        li a5, MSTATUS_MPRV
        csrc mstatus, a5
.endm

TEST_BEGIN
        VM_MAP VA_S, page_s, PTE_V | PTE_R | PTE_W | AD, LEVEL_4K
        VM_MAP VA_U, page_u, PTE_V | PTE_R | PTE_W | PTE_U | AD, LEVEL_4K
        la a0, page_s
        li a1, 0x5555
        sd a1, 0(a0)
        la a0, page_u
        li a1, 0x7777
        sd a1, 0(a0)
        VM_ENABLE
        li s0, VA_S
        li s1, VA_U

        /* 1: MPRV = 1, MPP = S: M-mode load goes through the page table
         * (fetches are not translated: this code keeps running) */
        li gp, 1
        MPRV_ON MSTATUS_MPP_S
        ld a0, 0(s0)
        li a1, 0x1234
        sd a1, 8(s0)
        MPRV_OFF
        CHECK_EQ a0, 0x5555
        la a2, page_s
        ld a2, 8(a2)
        CHECK_EQ a2, 0x1234

        /* 2: MPP = S, SUM = 0: U page faults (load page fault to M) */
        li gp, 2
        EXPECT_TRAP 2f                   /* arm before MPRV: it stores */
        MPRV_ON MSTATUS_MPP_S
1:      ld a0, 0(s1)
        j fail_case
2:      MPRV_OFF
        CHECK_MCAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_MTVAL VA_U
        CHECK_MEPC_SYM 1b
        li gp, 3                        /* the trap recorded MPP = M */
        ld a0, trap_mstatus
        li a1, MSTATUS_MPP
        and a0, a0, a1
        CHECK_EQ a0, MSTATUS_MPP_M

        /* 4: MPP = S with SUM = 1: U page accessible */
        li gp, 4
        li a0, MSTATUS_SUM
        csrs mstatus, a0
        MPRV_ON MSTATUS_MPP_S
        ld a0, 0(s1)
        MPRV_OFF
        li a1, MSTATUS_SUM
        csrc mstatus, a1
        CHECK_EQ a0, 0x7777

        /* 5: MPP = U: U page works, S page faults (store) */
        li gp, 5
        MPRV_ON MSTATUS_MPP_U
        ld a0, 0(s1)
        MPRV_OFF
        CHECK_EQ a0, 0x7777
        li gp, 6
        EXPECT_TRAP 4f                   /* arm before MPRV: it stores */
        MPRV_ON MSTATUS_MPP_U
3:      sd a0, 0(s0)
        j fail_case
4:      MPRV_OFF
        CHECK_MCAUSE CAUSE_STORE_PAGE_FAULT
        CHECK_MTVAL VA_S
        CHECK_MEPC_SYM 3b

        /* 7: MPP = M: no translation, the physical address is used */
        li gp, 7
        la s2, page_s
        MPRV_ON MSTATUS_MPP_M
        ld a0, 0(s2)
        MPRV_OFF
        CHECK_EQ a0, 0x5555

        /* 8: MPRV = 0 (default): M-mode uses physical addresses even with
         * satp set */
        li gp, 8
        ld a0, 0(s2)
        CHECK_EQ a0, 0x5555

        /* 9: MPRV with satp = Bare and MPP = U: no translation */
        li gp, 9
        csrr s3, satp
        csrw satp, zero
        sfence.vma
        MPRV_ON MSTATUS_MPP_U
        ld a0, 0(s2)
        MPRV_OFF
        CHECK_EQ a0, 0x5555
        csrw satp, s3
        sfence.vma

        /* 10: MXR under MPRV: execute-only page readable with MXR = 1 */
        li gp, 10
        VM_MAP VA_S + 0x2000, page_s, PTE_V | PTE_X | AD, LEVEL_4K
        sfence.vma
        li s4, VA_S + 0x2000
        EXPECT_TRAP 6f                   /* arm before MPRV: it stores */
        MPRV_ON MSTATUS_MPP_S
5:      ld a0, 0(s4)
        j fail_case
6:      MPRV_OFF
        CHECK_MCAUSE CAUSE_LOAD_PAGE_FAULT
        li gp, 11
        li a0, MSTATUS_MXR
        csrs mstatus, a0
        MPRV_ON MSTATUS_MPP_S
        ld a0, 0(s4)
        MPRV_OFF
        li a1, MSTATUS_MXR
        csrc mstatus, a1
        CHECK_EQ a0, 0x5555

        csrw satp, zero
        sfence.vma
        TEST_PASS

        .bss
        .balign 4096
page_s: .space 4096
page_u: .space 4096
