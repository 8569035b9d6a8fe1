/*
 * sv39-superpage: Sv39 superpages (Privileged spec, "Sv39" and "Virtual
 * Address Translation Process", step 6/8): a leaf PTE at level 2 maps a
 * 1 GiB gigapage, at level 1 a 2 MiB megapage; the untranslated low VA bits
 * (offset within the superpage) are copied to the physical address; a
 * superpage whose PPN is not aligned to its size (ppn[i] != 0 for the lower
 * levels) is a "misaligned superpage" and raises a page fault.
 */
#include "common.h"

#define VA_GIGA       0xC0000000          /* -> PA 0x80000000, 1 GiB */
#define VA_MEGA       0x40200000          /* -> PA 0x80000000, 2 MiB */
#define VA_MEGA2      0x40400000          /* -> PA 0x80200000, 2 MiB */
#define VA_MEGA_X     0x40800000          /* -> PA 0x80000000, 2 MiB, X */
#define VA_MEGA_BAD   0x40600000          /* -> PA 0x80001000: misaligned */
#define VA_GIGA_BAD   0x100000000         /* -> PA 0x80200000: misaligned */
#define RWAD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

TEST_BEGIN
        VM_MAP_PA VA_GIGA, 0x80000000, RWAD, LEVEL_1G
        VM_MAP_PA VA_MEGA, 0x80000000, RWAD, LEVEL_2M
        VM_MAP_PA VA_MEGA2, 0x80200000, RWAD, LEVEL_2M
        VM_MAP_PA VA_MEGA_X, 0x80000000, PTE_V | PTE_X | PTE_A, LEVEL_2M
        VM_MAP_PA VA_MEGA_BAD, 0x80001000, RWAD, LEVEL_2M
        VM_MAP_PA VA_GIGA_BAD, 0x80200000, RWAD, LEVEL_1G
        VM_ENABLE

        /* s0 = offset of `data` inside RAM (< 2 MiB) */
        la s0, data
        li a0, 0x80000000
        sub s0, s0, a0

        /* 1: gigapage: VA_GIGA + off reads data */
        li gp, 1
        li s1, VA_GIGA
        add s1, s1, s0
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      ld a0, 0(s1)
        ld a1, 8(s1)
        ecall
2:      CHECK_EQ a0, 0x1111222233334444
        CHECK_EQ a1, 0x5555666677778888

        /* 3: megapage */
        li gp, 3
        li s1, VA_MEGA
        add s1, s1, s0
        EXPECT_TRAP 4f
        GOTO_S(3f)
3:      ld a0, 0(s1)
        li a1, 0xabcdef
        sd a1, 16(s1)                   /* write through the megapage */
        ecall
4:      CHECK_EQ a0, 0x1111222233334444
        li gp, 4
        ld a0, data + 16
        CHECK_EQ a0, 0xabcdef

        /* 5: second megapage at PA 0x80200000: offset 0x123458 */
        li gp, 5
        EXPECT_TRAP 6f
        GOTO_S(5f)
5:      li t0, VA_MEGA2 + 0x123458
        li t1, 0x600d600d
        sd t1, 0(t0)
        ecall
6:      li a0, 0x80200000 + 0x123458
        ld a1, 0(a0)
        CHECK_EQ a1, 0x600d600d

        /* 7: execute through an X megapage alias of the image */
        li gp, 7
        la s1, super_func
        li a0, 0x80000000
        sub s1, s1, a0
        li a0, VA_MEGA_X
        add s1, s1, a0
        li a0, 0
        RUN_S 7, jalr s1
        CHECK_EQ a0, 0x77
        /* ... not readable (no R) */
        li s2, VA_MEGA_X
        TEST_TRAP_S 8, CAUSE_LOAD_PAGE_FAULT, VA_MEGA_X, ld a0, 0(s2)

        /* 10: misaligned megapage -> page fault, tval = VA */
        li s3, VA_MEGA_BAD + 0x10
        TEST_TRAP_S 10, CAUSE_LOAD_PAGE_FAULT, VA_MEGA_BAD + 0x10, ld a0, 0(s3)
        TEST_TRAP_S 11, CAUSE_STORE_PAGE_FAULT, VA_MEGA_BAD + 0x10, sd a0, 0(s3)
        /* 12: misaligned gigapage */
        li s3, VA_GIGA_BAD
        TEST_TRAP_S 12, CAUSE_LOAD_PAGE_FAULT, VA_GIGA_BAD, ld a0, 0(s3)

        csrw satp, zero
        sfence.vma
        TEST_PASS

super_func:
        li a0, 0x77
        ret

        .data
        .balign 8
data:   .dword 0x1111222233334444, 0x5555666677778888, 0
