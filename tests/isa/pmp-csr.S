/*
 * pmp-csr: the PMP configuration CSRs (Privileged spec, "Physical Memory
 * Protection CSRs") as registers: pmpaddr0..15 and the even-numbered
 * pmpcfg0 / pmpcfg2 (RV64: the odd pmpcfg1 / pmpcfg3 do not exist and trap)
 * are readable and writable; a locked entry (L = 1) ignores writes to its
 * pmpcfg byte and pmpaddr; a locked TOR entry also locks the pmpaddr below
 * it.  The runtime's entry 0 (NAPOT over everything, RWX, 0x1f) is what
 * lets S/U-mode access memory at all (no matching entry = no access for
 * S/U when PMP is implemented).
 *
 * Not tested: enforcement of PMP permissions; pmpaddr upper bits (spec:
 * bits 63:54 read as zero; QEMU 7.2 stores all 64 bits); pmpaddr16..63
 * (spec: may be read-only zero; QEMU 7.2 traps).
 * Locking is irreversible until reset, so it is done last, on entries
 * that match nothing.
 */
#include "common.h"
TEST_BEGIN
        .option norvc
        TEST_CASE(1, a0, 0x1f, csrr a0, pmpcfg0; andi a0, a0, 0xff)

        TEST_CASE(2, a0, 0x12345, li a1, 0x12345; csrw pmpaddr1, a1; csrr a0, pmpaddr1)
        TEST_CASE(3, a0, 0x3fffffffffffff, li a1, 0x3fffffffffffff; csrw pmpaddr15, a1; csrr a0, pmpaddr15)
        TEST_CASE(4, a0, 0xabcdef, li a1, 0xabcdef; csrw pmpaddr7, a1; csrr a0, pmpaddr7)
        TEST_CASE(5, a0, 0, csrw pmpaddr7, zero; csrr a0, pmpaddr7)

        /* pmpcfg0 bytes 1..7 for entries 1..7 (all A = OFF, R set) */
        TEST_CASE(10, a0, 0x010305070103051f, li a1, 0x010305070103051f; csrw pmpcfg0, a1; csrr a0, pmpcfg0)
        TEST_CASE(11, a0, 0x0705030107050301, li a1, 0x0705030107050301; csrw pmpcfg2, a1; csrr a0, pmpcfg2)
        TEST_CASE(12, a0, 0x1f, li a1, 0x1f; csrw pmpcfg0, a1; csrr a0, pmpcfg0)
        TEST_CASE(13, a0, 0, csrw pmpcfg2, zero; csrr a0, pmpcfg2)

        /* odd pmpcfg registers do not exist on RV64 */
        TEST_TRAP 20, CAUSE_ILLEGAL_INSN, 0x3a102573, csrr a0, pmpcfg1
        TEST_TRAP 21, CAUSE_ILLEGAL_INSN, 0x3a302573, csrr a0, pmpcfg3

        /* S-mode cannot access PMP CSRs */
        TEST_TRAP_S 22, CAUSE_ILLEGAL_INSN, 0x3b002573, csrr a0, pmpaddr0

        /* Locking: entry 1 = L | OFF.  Its cfg byte and pmpaddr1 ignore
         * writes afterwards. */
        li gp, 30
        li a1, 0x5555
        csrw pmpaddr1, a1
        li a1, 0x801f
        csrw pmpcfg0, a1
        csrr a0, pmpcfg0
        CHECK_EQ a0, 0x801f
        li a1, 0x1234
        csrw pmpaddr1, a1
        csrr a0, pmpaddr1
        CHECK_EQ a0, 0x5555
        li gp, 31
        li a1, 0x0a1f                   /* try to rewrite cfg byte 1 */
        csrw pmpcfg0, a1
        csrr a0, pmpcfg0
        CHECK_EQ a0, 0x801f
        /* Entry 3 = L | TOR with no permissions over [pmpaddr2, pmpaddr3)
         * = [0, 0): empty.  pmpaddr2 is then locked too. */
        li gp, 32
        csrw pmpaddr2, zero
        csrw pmpaddr3, zero
        li a1, 0x8800801f
        csrw pmpcfg0, a1
        csrr a0, pmpcfg0
        CHECK_EQ a0, 0x8800801f
        li a1, 0x777
        csrw pmpaddr2, a1
        csrr a0, pmpaddr2
        CHECK_EQ a0, 0
        csrw pmpaddr3, a1
        csrr a0, pmpaddr3
        CHECK_EQ a0, 0
        /* 33: unlocked entries still writable */
        li gp, 33
        li a1, 0x4444
        csrw pmpaddr4, a1
        csrr a0, pmpaddr4
        CHECK_EQ a0, 0x4444
        /* 34: S-mode still works (entry 0 still grants everything) */
        RUN_S 34, ld a0, 0(sp)

        TEST_PASS
