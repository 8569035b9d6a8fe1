/*
 * sv39-ad-bits: hardware update of the PTE Accessed and Dirty bits
 * (Privileged spec, "Sv32/Sv39 Virtual Address Translation Process",
 * step 7): when a permitted access finds A = 0 (or a store finds D = 0),
 * the implementation either raises a page fault or sets the bits in the
 * PTE.  QEMU 7.2 (and virtlab) set them: a first access sets A, a first
 * store sets A and D; a load leaves D alone; a fetch sets A; an access that
 * faults (no permission) does not set A; only the leaf PTE is updated
 * (A/D of non-leaf PTEs stay 0); after software clears A and executes
 * SFENCE.VMA, the next access sets it again; superpage leaves too.
 */
#include "common.h"

#define VA_LD     0x40000000
#define VA_ST     0x40001000
#define VA_ST_A   0x40002000      /* A preset, D clear */
#define VA_X      0x40003000
#define VA_U      0x40004000      /* U page: S access faults (SUM = 0) */
#define VA_MEGA   0x40200000      /* 2 MiB leaf */

.macro PTE_FLAGS reg, pteaddr
        ld \reg, 0(\pteaddr)
        andi \reg, \reg, 0xff
.endm

TEST_BEGIN
        VM_MAP VA_LD, page_a, PTE_V | PTE_R | PTE_W, LEVEL_4K
        mv s0, a0
        VM_MAP VA_ST, page_a, PTE_V | PTE_R | PTE_W, LEVEL_4K
        mv s1, a0
        VM_MAP VA_ST_A, page_a, PTE_V | PTE_R | PTE_W | PTE_A, LEVEL_4K
        mv s2, a0
        VM_MAP VA_X, page_x, PTE_V | PTE_X, LEVEL_4K
        mv s3, a0
        VM_MAP VA_U, page_a, PTE_V | PTE_R | PTE_W | PTE_U, LEVEL_4K
        mv s4, a0
        VM_MAP_PA VA_MEGA, 0x80200000, PTE_V | PTE_R | PTE_W, LEVEL_2M
        mv s5, a0
        la a0, page_x
        li a1, 0x00008067               /* ret */
        sw a1, 0(a0)
        fence.i
        VM_ENABLE

        /* 1: load sets A only */
        li t0, VA_LD
        RUN_S 1, ld a0, 0(t0)
        PTE_FLAGS a0, s0
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A
        /* 2: store sets A and D */
        li t0, VA_ST
        RUN_S 2, sd zero, 0(t0)
        PTE_FLAGS a0, s1
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        /* 3: store with A already set sets D */
        li t0, VA_ST_A
        RUN_S 3, sw zero, 4(t0)
        PTE_FLAGS a0, s2
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        /* 4: a fetch sets A */
        li t0, VA_X
        RUN_S 4, jalr t0
        PTE_FLAGS a0, s3
        CHECK_EQ a0, PTE_V | PTE_X | PTE_A
        /* 5: an AMO is a store: sets D */
        li gp, 5
        ld a0, 0(s0)
        andi a0, a0, ~PTE_D
        sd a0, 0(s0)
        li t0, VA_LD
        RUN_S 50, sfence.vma
        RUN_S 5, amoadd.d a0, zero, (t0)
        PTE_FLAGS a0, s0
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D

        /* 6: a faulting access (U page from S, SUM = 0) sets nothing */
        li t0, VA_U
        TEST_TRAP_S 6, CAUSE_LOAD_PAGE_FAULT, VA_U, ld a0, 0(t0)
        PTE_FLAGS a0, s4
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_U
        /* 7: a store fault on a read-only mapping does not set D:
         * make VA_LD read-only (A set, D clear) */
        li gp, 7
        ld a0, 0(s0)
        andi a0, a0, ~(PTE_W | PTE_D)
        sd a0, 0(s0)
        li t0, VA_LD
        RUN_S 70, sfence.vma
        TEST_TRAP_S 7, CAUSE_STORE_PAGE_FAULT, VA_LD, sd a0, 0(t0)
        PTE_FLAGS a0, s0
        CHECK_EQ a0, PTE_V | PTE_R | PTE_A

        /* 8: non-leaf PTEs are left alone (A, D, U stay 0) */
        li gp, 8
        la a0, pt_root
        ld a1, 8(a0)                    /* root entry for VA 0x40000000 */
        andi a1, a1, 0xff
        CHECK_EQ a1, PTE_V

        /* 9: software clears A, SFENCE.VMA, the next access sets it again */
        li gp, 9
        ld a0, 0(s1)
        andi a0, a0, ~(PTE_A | PTE_D)
        sd a0, 0(s1)
        li t0, VA_ST
        RUN_S 90, sfence.vma
        RUN_S 9, ld a0, 0(t0)
        PTE_FLAGS a0, s1
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A

        /* 10: superpage leaf: load then store */
        li t0, VA_MEGA + 0x1000
        RUN_S 10, ld a0, 0(t0)
        PTE_FLAGS a0, s5
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A
        RUN_S 11, sd zero, 8(t0)
        PTE_FLAGS a0, s5
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D

        /* 12: the same from U-mode (user page, load then store) */
        li gp, 12
        ld a0, 0(s4)
        andi a0, a0, ~(PTE_A | PTE_D)
        sd a0, 0(s4)
        RUN_S 120, sfence.vma
        li t0, VA_U
        EXPECT_TRAP 2f
        GOTO_U_ALIAS(1f)
1:      ld a0, 0(t0)
        ecall
2:      CHECK_MCAUSE CAUSE_USER_ECALL
        PTE_FLAGS a0, s4
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A
        li gp, 13
        EXPECT_TRAP 4f
        GOTO_U_ALIAS(3f)
3:      sd zero, 0(t0)
        ecall
4:      CHECK_MCAUSE CAUSE_USER_ECALL
        PTE_FLAGS a0, s4
        CHECK_EQ a0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D

        csrw satp, zero
        sfence.vma
        TEST_PASS

        .bss
        .balign 4096
page_a: .space 4096
page_x: .space 4096
