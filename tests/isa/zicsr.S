/*
 * zicsr: semantics of the six Zicsr instructions (Unprivileged spec,
 * "Zicsr", "CSR Instructions"), using mscratch (a full-width read/write
 * M-mode CSR):
 *  - CSRRW returns the old value and writes rs1; with rd = x0 it only writes;
 *  - CSRRS / CSRRC set / clear the bits given in rs1 and return the old value;
 *    with rs1 = x0 they do not write at all (so they may read read-only CSRs);
 *  - CSRRWI / CSRRSI / CSRRCI use a 5-bit zero-extended immediate;
 *    CSRRSI / CSRRCI with uimm = 0 do not write;
 *  - pseudo-instructions csrr/csrw/csrs/csrc/csrwi/csrsi/csrci.
 */
#include "common.h"
TEST_BEGIN
        csrr s11, mscratch              /* the runtime's trap frame pointer */

        TEST_CASE(1, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; csrw mscratch, a1; csrr a0, mscratch)
        /* CSRRW: old value out, new in */
        TEST_CASE(2, a0, 0x0123456789abcdef, li a1, -1; csrrw a0, mscratch, a1)
        TEST_CASE(3, a0, -1, csrr a0, mscratch)
        /* CSRRS: set bits */
        TEST_CASE(4, a0, 0x00f0, csrw mscratch, zero; li a1, 0xf0; csrrs a0, mscratch, a1; li a1, 0xf00; csrrs a0, mscratch, a1)
        TEST_CASE(5, a0, 0x0ff0, csrr a0, mscratch)
        /* CSRRC: clear bits */
        TEST_CASE(6, a0, 0x0ff0, li a1, 0x0f0f; csrrc a0, mscratch, a1)
        TEST_CASE(7, a0, 0x00f0, csrr a0, mscratch)
        /* rs1 = x0: CSRRS/CSRRC are pure reads */
        TEST_CASE(8, a0, 0x00f0, csrrs a0, mscratch, x0; csrrc a0, mscratch, x0; csrr a0, mscratch)
        /* rd = rs1: the old value is returned, the write uses the old rs1 */
        TEST_CASE(9, a1, 0x00f0, li a1, 0x1234; csrrw a1, mscratch, a1)
        TEST_CASE(10, a0, 0x1234, csrr a0, mscratch)
        /* Immediate forms: uimm is 5 bits, zero-extended (31 is not -1) */
        TEST_CASE(11, a0, 0x1234, csrrwi a0, mscratch, 31)
        TEST_CASE(12, a0, 31, csrr a0, mscratch)
        TEST_CASE(13, a0, 31, csrrci a0, mscratch, 0x15)
        TEST_CASE(14, a0, 0x0a, csrr a0, mscratch)
        TEST_CASE(15, a0, 0x0a, csrrsi a0, mscratch, 0x10)
        TEST_CASE(16, a0, 0x1a, csrr a0, mscratch)
        TEST_CASE(17, a0, 0x1a, csrrsi a0, mscratch, 0; csrrci a0, mscratch, 0; csrr a0, mscratch)
        /* Pseudo-instructions */
        TEST_CASE(18, a0, 0x1f, csrsi mscratch, 5; csrr a0, mscratch)
        TEST_CASE(19, a0, 0x1b, csrci mscratch, 4; csrr a0, mscratch)
        TEST_CASE(20, a0, 0x80, li a1, 0x80; csrw mscratch, a1; csrr a0, mscratch)
        TEST_CASE(21, a0, 0x8080, li a1, 0x8000; csrs mscratch, a1; csrr a0, mscratch)
        TEST_CASE(22, a0, 0x8000, li a1, 0x80; csrc mscratch, a1; csrr a0, mscratch)
        TEST_CASE(23, a0, 3, csrwi mscratch, 3; csrr a0, mscratch)
        /* CSRRW with rd = x0 writes without reading */
        TEST_CASE(24, a0, 0x5a, li a1, 0x5a; csrrw x0, mscratch, a1; csrr a0, mscratch)
        /* CSRRS with rd = x0 */
        TEST_CASE(25, a0, 0x5b, li a1, 1; csrrs x0, mscratch, a1; csrr a0, mscratch)

        /* Reading read-only CSRs with rs1 = x0 / uimm = 0 is legal. */
        TEST_CASE(30, a0, 0, csrrs a0, mhartid, x0)
        TEST_CASE(31, a0, 0, csrrsi a0, mhartid, 0)
        TEST_CASE(32, a0, 0, csrrci a0, mhartid, 0)
        TEST_NO_TRAP 33, csrrc a0, mvendorid, x0

        /* The FP CSRs are accessible through the same instructions:
         * fcsr = frm[7:5] | fflags[4:0]; writing fcsr updates both views. */
        TEST_CASE(40, a0, 0x7f, csrwi fcsr, 0; li a1, 0x7f; csrw fcsr, a1; csrr a0, fcsr)
        TEST_CASE(41, a0, 3, csrr a0, frm)
        TEST_CASE(42, a0, 0x1f, csrr a0, fflags)
        TEST_CASE(43, a0, 0x5f, csrwi frm, 2; csrr a0, fcsr)
        TEST_CASE(44, a0, 0x41, csrrci a0, fflags, 0x1e; csrr a0, fcsr)
        TEST_CASE(45, a0, 0x00, li a1, 0xffffffffffffff00; csrw fcsr, a1; csrr a0, fcsr) /* upper bits read 0 */

        csrw mscratch, s11              /* restore for the trap handler */
        TEST_PASS
