/*
 * rv64i-fence-i: FENCE.I makes earlier stores to instruction memory visible
 * to later instruction fetches on the same hart (Zifencei).  The test
 * executes a small routine, overwrites one of its instructions with a
 * different one, executes FENCE.I and runs the routine again: the new
 * instruction must execute.  It also checks that FENCE (all variants) is
 * accepted and orders nothing observable on a single hart.
 */
#include "common.h"

#define INSN_LI_A0_1   0x00100513       /* addi a0, x0, 1 */
#define INSN_LI_A0_42  0x02a00513       /* addi a0, x0, 42 */
#define INSN_ADDI_A0_A0_100 0x06450513  /* addi a0, a0, 100 */

TEST_BEGIN
        .option norvc

        /* Copy the patchable routine to RAM data (a code buffer). */
        la s0, codebuf
        li a1, INSN_LI_A0_1
        sw a1, 0(s0)
        li a1, 0x00008067               /* ret (jalr x0, 0(ra)) */
        sw a1, 4(s0)
        fence.i

        TEST_CASE(1, a0, 1, li a0, 0; jalr ra, 0(s0))

        /* Patch the first instruction, FENCE.I, run again. */
        li a1, INSN_LI_A0_42
        sw a1, 0(s0)
        fence.i
        TEST_CASE(2, a0, 42, li a0, 0; jalr ra, 0(s0))

        /* Patch in a 3-instruction sequence, written with byte stores so
         * the bytes reach memory in several pieces. */
        li a1, INSN_ADDI_A0_A0_100
        sb a1, 0(s0)
        srli a1, a1, 8
        sb a1, 1(s0)
        srli a1, a1, 8
        sb a1, 2(s0)
        srli a1, a1, 8
        sb a1, 3(s0)
        fence.i
        TEST_CASE(3, a0, 105, li a0, 5; jalr ra, 0(s0))

        /* Self-modifying code inside the text section itself: patch the
         * instruction at `patch_me`, which was executed once before. */
        li gp, 4
        li s1, 0
        call patch_site                 /* first run: a0 = 7 */
        CHECK_EQ a0, 7
        la s2, patch_me
        li a1, 0x03900513               /* addi a0, x0, 57 */
        sw a1, 0(s2)
        fence.i
        call patch_site
        CHECK_EQ a0, 57

        /* FENCE variants are valid instructions. */
        li gp, 5
        fence
        fence rw, rw
        fence r, r
        fence w, w
        fence iorw, iorw
        fence.tso

        TEST_PASS

patch_site:
patch_me:
        li a0, 7                        /* assembled as 32-bit addi (norvc) */
        ret

        .data
        .balign 8
codebuf:
        .space 64
