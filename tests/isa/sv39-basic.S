/*
 * sv39-basic: Sv39 address translation (Privileged spec, "Sv39:
 * Page-Based 39-bit Virtual-Memory System" and "Supervisor Address
 * Translation and Protection (satp) Register"):
 *  - satp.MODE = 8 selects Sv39, MODE = 0 is Bare (no translation);
 *  - S-mode and U-mode instruction fetches, loads and stores are translated
 *    through a 3-level table built by this program; M-mode is never
 *    translated (without MPRV);
 *  - two virtual pages may map the same physical page;
 *  - after a PTE is changed, SFENCE.VMA (global or for one address) makes
 *    the new translation visible.
 */
#include "common.h"

#define VA_DATA   0x40000000
#define VA_ALIAS  0x40001000
#define VA_SWAP   0x40002000
#define FLAGS_RW  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

TEST_BEGIN
        /* 1: satp holds MODE = Sv39 and the PPN */
        li gp, 1
        call vm_setup_identity
        mv s11, a0
        csrw satp, s11
        csrr a1, satp
        CHECK_EQ_REG a1, s11
        li gp, 2                        /* and Bare */
        csrw satp, zero
        csrr a1, satp
        CHECK_EQ a1, 0

        /* Test pages: VA_DATA and VA_ALIAS -> page_a, VA_SWAP -> page_b */
        VM_MAP VA_DATA, page_a, FLAGS_RW, LEVEL_4K
        VM_MAP VA_ALIAS, page_a, FLAGS_RW, LEVEL_4K
        VM_MAP VA_SWAP, page_b, FLAGS_RW, LEVEL_4K
        mv s10, a0                      /* &PTE of VA_SWAP */
        la a0, page_a
        li a1, 0x1111111111111111
        sd a1, 0(a0)
        la a0, page_b
        li a1, 0x2222222222222222
        sd a1, 0(a0)
        la a0, page_c
        li a1, 0x3333333333333333
        sd a1, 0(a0)
        csrw satp, s11
        sfence.vma

        /* 3: S-mode loads through the table; a store through one alias
         * is visible through the other.  (M-mode itself keeps running on
         * physical addresses with satp set.) */
        li gp, 3
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      li t0, VA_DATA
        ld s2, 0(t0)                    /* through the table */
        li t1, 0x4444444444444444
        li t0, VA_ALIAS
        sd t1, 8(t0)                    /* store through the alias */
        li t0, VA_DATA
        ld s3, 8(t0)                    /* seen through the other VA */
        ecall
2:      CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_EQ s2, 0x1111111111111111
        li gp, 4
        CHECK_EQ s3, 0x4444444444444444
        li gp, 5                        /* and in physical memory */
        la a0, page_a
        ld a1, 8(a0)
        CHECK_EQ a1, 0x4444444444444444

        /* 6: U-mode code runs from the user alias of the image and reads
         * a U page (VA = PA + 4 GiB) */
        li gp, 6
        EXPECT_TRAP 4f
        GOTO_U_ALIAS(3f)
3:      auipc s4, 0                     /* pc is the user VA */
        la t0, page_c                   /* pc-relative: also user VA */
        ld s5, 0(t0)
13:     ecall
4:      CHECK_MCAUSE CAUSE_USER_ECALL
        USER_VA(a1, 3b)
        CHECK_EQ_REG s4, a1
        li gp, 7
        CHECK_EQ s5, 0x3333333333333333
        li gp, 8                        /* mepc is the virtual address */
        ld a0, trap_mepc
        USER_VA(a1, 13b)
        CHECK_EQ_REG a0, a1

        /* 9: SFENCE.VMA after changing a PTE.  S reads VA_SWAP (page_b),
         * M retargets the PTE to page_c, S flushes and must see page_c. */
        li gp, 9
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      li t0, VA_SWAP
        ld s6, 0(t0)
        ecall
6:      CHECK_EQ s6, 0x2222222222222222
        la a0, page_c
        srli a0, a0, 12
        slli a0, a0, 10
        ori a0, a0, FLAGS_RW
        sd a0, 0(s10)
        li gp, 10
        EXPECT_TRAP 8f
        GOTO_S(7f)
7:      sfence.vma
        li t0, VA_SWAP
        ld s6, 0(t0)
        ecall
8:      CHECK_EQ s6, 0x3333333333333333

        /* 11: same with an address-specific SFENCE.VMA rs1 = VA_SWAP */
        li gp, 11
        la a0, page_b
        srli a0, a0, 12
        slli a0, a0, 10
        ori a0, a0, FLAGS_RW
        sd a0, 0(s10)
        EXPECT_TRAP 10f
        GOTO_S(9f)
9:      li t0, VA_SWAP
        sfence.vma t0, zero
        ld s6, 0(t0)
        ecall
10:     CHECK_EQ s6, 0x2222222222222222

        /* 12: S-mode switches satp to Bare itself: addresses are physical */
        li gp, 12
        EXPECT_TRAP 12f
        GOTO_S(11f)
11:     csrw satp, zero
        sfence.vma
        la t0, page_a                   /* physical address now */
        ld s7, 0(t0)
        csrw satp, s11                  /* and back to Sv39 */
        sfence.vma
        li t0, VA_DATA
        ld s8, 0(t0)
        ecall
12:     CHECK_MCAUSE CAUSE_SUPERVISOR_ECALL
        CHECK_EQ s7, 0x1111111111111111
        CHECK_EQ s8, 0x1111111111111111

        /* 13: writing an unsupported MODE (e.g. 15) leaves satp unchanged
         * (WARL: "the write has no effect") */
        li gp, 13
        li a1, 0xf000000000000000
        csrw satp, a1
        csrr a0, satp
        CHECK_EQ_REG a0, s11

        csrw satp, zero
        sfence.vma
        TEST_PASS
fail_near:
        j fail_case

        .bss
        .balign 4096
page_a: .space 4096
page_b: .space 4096
page_c: .space 4096
