/*
 * trap-ebreak-illegal: EBREAK / C.EBREAK raise a breakpoint exception
 * (cause 3) with mepc = the instruction's address, from every privilege
 * mode; illegal 32-bit instructions raise cause 2 with mtval = the
 * instruction bits (Privileged spec, "Machine Trap Value Register").
 *
 * mtval after EBREAK: the spec allows 0 or the PC of the EBREAK (QEMU 7.2
 * writes 0); the test accepts either.
 */
#include "common.h"

/* check that the recorded mtval is 0 or equals mepc */
.macro CHECK_BKPT_TVAL
        ld t5, trap_mtval
        beqz t5, .Lbt_ok\@
        ld t6, trap_mepc
        beq t5, t6, .Lbt_ok\@
        j fail_case
.Lbt_ok\@:
.endm

TEST_BEGIN
        .option norvc
        TEST_TRAP_NOTVAL 1, CAUSE_BREAKPOINT, ebreak
        CHECK_BKPT_TVAL
        .option rvc
        TEST_TRAP_NOTVAL 2, CAUSE_BREAKPOINT, c.ebreak
        CHECK_BKPT_TVAL
        .option norvc

        /* EBREAK from S and U also goes to M (nothing delegated). */
        li gp, 3
        EXPECT_TRAP 2f
        GOTO_S(1f)
1:      ebreak
2:      CHECK_MCAUSE CAUSE_BREAKPOINT
        CHECK_MEPC_SYM 1b
        CHECK_BKPT_TVAL
        li gp, 4
        EXPECT_TRAP 4f
        GOTO_U(3f)
3:      ebreak
4:      CHECK_MCAUSE CAUSE_BREAKPOINT
        CHECK_MEPC_SYM 3b
        CHECK_BKPT_TVAL

        /* Illegal 32-bit instructions: mtval = the instruction bits. */
        TEST_TRAP 10, CAUSE_ILLEGAL_INSN, 0xfe007033, .word 0xfe007033  /* OP, funct7 0x7f: reserved */
        TEST_TRAP 11, CAUSE_ILLEGAL_INSN, 0x0000000b, .word 0x0000000b  /* custom-0, not implemented */
        TEST_TRAP 12, CAUSE_ILLEGAL_INSN, 0x00007003, .word 0x00007003  /* LOAD funct3 7: reserved */
        TEST_TRAP 13, CAUSE_ILLEGAL_INSN, 0x00004023, .word 0x00004023  /* STORE funct3 4: reserved */
        TEST_TRAP 14, CAUSE_ILLEGAL_INSN, 0x00002063, .word 0x00002063  /* BRANCH funct3 2: reserved */
        TEST_TRAP 15, CAUSE_ILLEGAL_INSN, 0x00001067, .word 0x00001067  /* JALR funct3 1: reserved */
        TEST_TRAP 16, CAUSE_ILLEGAL_INSN, 0x42a5d53b, .word 0x42a5d53b  /* OP-32 funct7 0x21: reserved */
        /* MRET/SRET in lower privilege, SRET/MRET encodings are exact */
        TEST_TRAP_U 17, CAUSE_ILLEGAL_INSN, 0x30200073, mret
        TEST_TRAP_S 18, CAUSE_ILLEGAL_INSN, 0x30200073, mret
        TEST_TRAP_U 19, CAUSE_ILLEGAL_INSN, 0x10200073, sret

        /* The faulting instruction has no effect: rd is not written. */
        li gp, 20
        li a0, 0x77
        EXPECT_TRAP 6f
5:      csrr a0, 0x0ff                  /* unimplemented CSR */
6:      CHECK_EQ a0, 0x77
        CHECK_MEPC_SYM 5b

        TEST_PASS
