/*
 * rv64c-illegal: reserved / illegal 16-bit encodings raise an illegal
 * instruction exception (Unprivileged spec, "C" extension; Privileged spec,
 * mtval: "on an illegal instruction trap mtval is written with the faulting
 * instruction bits"; for a 16-bit instruction only those 16 bits, the upper
 * bits zero).  QEMU 7.2 reports mtval = the halfword for all of these.
 * Each pattern is followed by a C.NOP (0x0001) so that an implementation
 * that wrongly fetched 32 bits would report a different mtval.
 */
#include "common.h"

.macro TEST_ILL16 num, half
        li gp, \num
        EXPECT_TRAP .Li16_res\@
.Li16_at\@:
        .hword \half
        .hword 0x0001
        j fail_case
.Li16_res\@:
        CHECK_MCAUSE CAUSE_ILLEGAL_INSN
        CHECK_MEPC_SYM .Li16_at\@
        CHECK_MTVAL \half
.endm

TEST_BEGIN
        TEST_ILL16 1, 0x0000    /* all-zero halfword: defined illegal */
        TEST_ILL16 2, 0x0004    /* C.ADDI4SPN with nzuimm = 0 (reserved) */
        TEST_ILL16 3, 0x6081    /* C.LUI x1, 0: nzimm = 0 reserved */
        TEST_ILL16 4, 0x6101    /* C.ADDI16SP with nzimm = 0 reserved */
        TEST_ILL16 5, 0x4002    /* C.LWSP with rd = x0 reserved */
        TEST_ILL16 6, 0x6002    /* C.LDSP with rd = x0 reserved */
        TEST_ILL16 7, 0x8002    /* C.JR with rs1 = x0 reserved */
        TEST_ILL16 8, 0x2001    /* C.ADDIW with rd = x0 reserved */
        TEST_ILL16 9, 0x9c41    /* CA funct 100111, funct2 10: reserved */
        TEST_ILL16 10, 0x9c61   /* CA funct 100111, funct2 11: reserved */

        /* An illegal halfword at a 2-byte but not 4-byte aligned address. */
        li gp, 11
        EXPECT_TRAP 2f
        .balign 4
        c.nop
1:      .hword 0x0000
        j fail_case
2:      CHECK_MCAUSE CAUSE_ILLEGAL_INSN
        CHECK_MEPC_SYM 1b
        CHECK_MTVAL 0

        TEST_PASS
