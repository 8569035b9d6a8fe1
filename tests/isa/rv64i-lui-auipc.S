/*
 * rv64i-lui-auipc: LUI places imm[31:12] in bits 31:12 and sign-extends
 * bit 31 to 64 bits; AUIPC adds the same sign-extended value to the address
 * of the AUIPC instruction itself (Unprivileged spec, "Integer
 * Register-Immediate Instructions").
 */
#include "common.h"
TEST_BEGIN
        .option norvc

        TEST_CASE(1, a0, 0x12345000, lui a0, 0x12345)
        TEST_CASE(2, a0, 0xffffffff80000000, lui a0, 0x80000)    /* sign-extended */
        TEST_CASE(3, a0, 0xfffffffffffff000, lui a0, 0xfffff)
        TEST_CASE(4, a0, 0x7ffff000, lui a0, 0x7ffff)
        TEST_CASE(5, a0, 0, lui a0, 0)
        /* lui + addi pair with a negative low part */
        TEST_CASE(6, a0, 0x12344fff, lui a0, 0x12345; addi a0, a0, -1)

        /* AUIPC 0 yields the address of the AUIPC instruction. */
        li gp, 10
1:      auipc a0, 0
        CHECK_EQ_SYM a0, 1b

        /* AUIPC 1 = pc + 0x1000 */
        li gp, 11
2:      auipc a0, 1
        la a1, 2b
        li a2, 0x1000
        add a1, a1, a2
        CHECK_EQ_REG a0, a1

        /* AUIPC 0x80000 adds 0xffffffff80000000 (sign-extended): running at
         * 0x8000xxxx the result wraps to a small positive address. */
        li gp, 12
3:      auipc a0, 0x80000
        la a1, 3b
        li a2, 0xffffffff80000000
        add a1, a1, a2
        CHECK_EQ_REG a0, a1
        srli a2, a0, 32
        CHECK_EQ a2, 0

        /* AUIPC 0xfffff = pc - 4096 */
        li gp, 13
4:      auipc a0, 0xfffff
        la a1, 4b
        addi a1, a1, -2048
        addi a1, a1, -2048
        CHECK_EQ_REG a0, a1

        TEST_PASS
