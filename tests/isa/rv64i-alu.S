/*
 * rv64i-alu: RV64I integer register-register and register-immediate
 * arithmetic/logic (Unprivileged spec, "Integer Computational Instructions"):
 * ADD/SUB/AND/OR/XOR/SLT/SLTU and ADDI/ANDI/ORI/XORI/SLTI/SLTIU, including
 * wrap-around, sign-extension of 12-bit immediates, signed vs unsigned
 * compares, rd == rs, and writes to x0 being discarded.
 * Built with .option norvc so the 32-bit encodings are exercised.
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        /* ADD: 64-bit two's complement, overflow wraps silently. */
        TEST_RR 1, add, 0, 0, 0
        TEST_RR 2, add, 2, 1, 1
        TEST_RR 3, add, 0x8000000000000000, 0x7fffffffffffffff, 1
        TEST_RR 4, add, 0, -1, 1
        TEST_RR 5, add, 0x100000000, 0xffffffff, 1     /* no 32-bit truncation */
        TEST_RR_SRC1_EQ_DEST 6, add, 24, 13, 11
        TEST_RR_SRC2_EQ_DEST 7, add, 25, 14, 11

        /* SUB */
        TEST_RR 10, sub, -1, 0, 1
        TEST_RR 11, sub, 0x7fffffffffffffff, 0x8000000000000000, 1
        TEST_RR 12, sub, -4, 3, 7
        TEST_RR_SRC1_EQ_DEST 13, sub, 2, 13, 11

        /* ADDI: 12-bit immediate is sign-extended. */
        TEST_RI 20, addi, 2048, 1, 2047
        TEST_RI 21, addi, 0xfffffffffffff800, 0, -2048
        TEST_RI 22, addi, -1, 0, -1
        TEST_RI 23, addi, 0x8000000000000000, 0x7fffffffffffffff, 1

        /* AND / OR / XOR and immediate forms (immediates sign-extended). */
        TEST_RR 30, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
        TEST_RR 31, or,  0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
        TEST_RR 32, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
        TEST_RI 33, andi, 0x700, 0xff00ff00ff00ff00, 0x7f0
        TEST_RI 34, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -1
        TEST_RI 35, andi, 0xff00ff00ff00f800, 0xff00ff00ff00ff00, -2048
        TEST_RI 36, ori, 0x0ff00ff00ff00fff, 0x0ff00ff00ff00ff0, 0x70f
        TEST_RI 37, ori, 0xffffffffffffffff, 0x0ff00ff00ff00ff0, -2033
        TEST_RI 38, xori, 0xff00ff00ff00ff00, 0x00ff00ff00ff00ff, -1  /* NOT */
        TEST_RI 39, xori, 0x00ff00ff00ff000f, 0x00ff00ff00ff00ff, 0x0f0

        /* SLT / SLTU: signed vs unsigned comparison. */
        TEST_RR 40, slt, 1, -1, 1
        TEST_RR 41, sltu, 0, -1, 1
        TEST_RR 42, slt, 1, 0x8000000000000000, 0x7fffffffffffffff
        TEST_RR 43, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff
        TEST_RR 44, slt, 0, 5, 5
        TEST_RR 45, sltu, 0, 5, 5
        TEST_RR 46, sltu, 1, 0, 1
        TEST_RR 47, slt, 0, 1, -1
        /* SLTI / SLTIU: SLTIU compares against the sign-extended immediate
         * treated as unsigned, so "sltiu rd, rs, -1" is 1 unless rs == ~0. */
        TEST_RI 50, slti, 1, -1, 0
        TEST_RI 51, slti, 0, 2047, 2047
        TEST_RI 52, slti, 1, 0x8000000000000000, -2048
        TEST_RI 53, sltiu, 1, 0, -1
        TEST_RI 54, sltiu, 0, -1, -1
        TEST_RI 55, sltiu, 1, 0, 1          /* seqz */
        TEST_RI 56, sltiu, 0, 1, 1
        TEST_RI 57, sltiu, 1, 0x7fffffffffffffff, -2048

        /* SLTU rd, x0, rs = snez */
        li gp, 60
        li a1, 0x100000000
        sltu a0, x0, a1
        CHECK_EQ a0, 1

        /* Writes to x0 are ignored; x0 always reads as zero. */
        li gp, 61
        li a1, 5
        add x0, a1, a1
        addi x0, x0, 7
        CHECK_EQ x0, 0
        add a0, x0, x0
        CHECK_EQ a0, 0

        TEST_PASS
