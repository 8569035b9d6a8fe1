/*
 * runtime.S - shared runtime linked into every virtlab ISA test.
 *
 * Provides: _start, M- and S-mode trap handlers (see common.h for the
 * protocol), pass / fail exits through the sifive,test finisher, UART
 * printing, and Sv39 page-table helpers.
 *
 * Machine state when test_main is entered (M-mode):
 *   mtvec    = trap_entry_m (direct mode)     mscratch = M trap frame
 *   stvec    = trap_entry_s (direct mode)     sscratch = S trap frame
 *   medeleg = mideleg = mie = satp = 0, mstatus = FS:Initial (all else 0,
 *   so MPP = U), fcsr = 0, PMP entry 0 = NAPOT over the whole address space
 *   with RWX (needed, as without any PMP entry S/U-mode may access nothing),
 *   sp = top of a 16 KiB stack, gp = 0, .bss zeroed.
 */
#include "common.h"

#define FRAME_SIZE      (32 * 8)
#define HSTACK_SIZE     4096

        .section .text.init, "ax", @progbits
        .globl _start
_start:
        /* Only hart 0 runs the test; any other hart parks. */
        csrr t0, mhartid
        bnez t0, park

        la sp, stack_top

        /* Zero .bss (trap records, page-table pool, stacks). */
        la t0, __bss_start
        la t1, __bss_end
1:      bgeu t0, t1, 2f
        sd zero, 0(t0)
        addi t0, t0, 8
        j 1b
2:
        la t0, trap_entry_m
        csrw mtvec, t0
        la t0, trap_frame_m
        csrw mscratch, t0
        la t0, trap_entry_s
        csrw stvec, t0
        la t0, trap_frame_s
        csrw sscratch, t0
        csrw medeleg, zero
        csrw mideleg, zero
        csrw mie, zero
        csrw satp, zero

        /* PMP entry 0: NAPOT with all address bits set covers everything;
         * cfg = R|W|X|A=NAPOT (0x1f), not locked (M-mode is unaffected). */
        li t0, -1
        csrw pmpaddr0, t0
        li t0, 0x1f
        csrw pmpcfg0, t0

        li t0, MSTATUS_FS_INITIAL
        csrw mstatus, t0
        csrw fcsr, zero

        li gp, 0
        j test_main

park:
        wfi
        j park

/* -------------------------------------------------------------- exits */
        .text
        .balign 4
        .globl pass
pass:
        /* Only M-mode can read mscratch.  From S/U this traps to the M
         * handler, which sees mepc == pass and comes back to pass_direct. */
        csrr t6, mscratch
        .globl pass_direct
pass_direct:
        li t0, FINISHER_BASE
        li t1, FINISHER_PASS
        sw t1, 0(t0)
1:      j 1b

        .balign 4
        .globl fail_case
fail_case:
        csrr t6, mscratch       /* same trick as pass */
        li t6, MSTATUS_MPRV     /* M-mode: make our own loads untranslated */
        csrc mstatus, t6
        .globl fail_direct
fail_direct:
        la a0, msg_fail
        call puts
        la a0, test_name
        call puts
        la a0, msg_case
        call puts
        mv a0, gp
        call put_dec
        li a0, '\n'
        call putc
        j exit_fail

/* Exit through the finisher with code gp (1..255; anything else -> 255 so
 * that a failure can never look like exit status 0). */
exit_fail:
        mv t0, gp
        addi t1, t0, -1
        li t2, 254
        bleu t1, t2, 1f
        li t0, 255
1:      slli t0, t0, 16
        li t1, FINISHER_FAIL
        or t1, t1, t0
        li t0, FINISHER_BASE
        sw t1, 0(t0)
2:      j 2b

/* Report an unexpected trap: a0 = "M"/"S" string, a1 = cause, a2 = epc,
 * a3 = tval. */
report_trap:
        mv s2, a1
        mv s3, a2
        mv s4, a3
        mv s5, a0
        la a0, msg_fail
        call puts
        la a0, test_name
        call puts
        la a0, msg_case
        call puts
        mv a0, gp
        call put_dec
        la a0, msg_unexp
        call puts
        mv a0, s5
        call puts
        la a0, msg_cause
        call puts
        mv a0, s2
        call put_hex
        la a0, msg_epc
        call puts
        mv a0, s3
        call put_hex
        la a0, msg_tval
        call puts
        mv a0, s4
        call put_hex
        li a0, '\n'
        call putc
        j exit_fail

/* ------------------------------------------------------------ UART */
        .globl putc
putc:   /* a0 = character; clobbers t0, t1 */
        li t0, UART_BASE
1:      lbu t1, UART_LSR(t0)
        andi t1, t1, UART_LSR_THRE
        beqz t1, 1b
        sb a0, UART_THR(t0)
        ret

        .globl puts
puts:   /* a0 = NUL-terminated string; clobbers t0-t2, a0 */
        mv t2, a0
        mv t3, ra
1:      lbu a0, 0(t2)
        beqz a0, 2f
        call putc
        addi t2, t2, 1
        j 1b
2:      mv ra, t3
        ret

        .globl put_dec
put_dec: /* a0 = unsigned value (printed in decimal); clobbers t0-t4, a0 */
        mv t3, ra
        addi sp, sp, -32
        mv t2, sp               /* digits stored backwards at 0..23(sp) */
        li t4, 10
1:      remu t0, a0, t4
        divu a0, a0, t4
        addi t0, t0, '0'
        sb t0, 0(t2)
        addi t2, t2, 1
        bnez a0, 1b
2:      addi t2, t2, -1
        lbu a0, 0(t2)
        call putc
        bne t2, sp, 2b
        addi sp, sp, 32
        mv ra, t3
        ret

        .globl put_hex
put_hex: /* a0 = value, printed as 0x + 16 hex digits; clobbers t0-t4, a0 */
        mv t3, ra
        mv t2, a0
        li a0, '0'
        call putc
        li a0, 'x'
        call putc
        li t4, 60
1:      srl a0, t2, t4
        andi a0, a0, 0xf
        addi a0, a0, '0'
        li t0, '9'
        bleu a0, t0, 2f
        addi a0, a0, 'a' - '0' - 10
2:      call putc
        addi t4, t4, -4
        bgez t4, 1b
        mv ra, t3
        ret

/* ----------------------------------------------------- M-mode traps */
        .balign 4
        .globl trap_entry_m
trap_entry_m:
        csrrw sp, mscratch, sp          /* sp = frame, mscratch = old sp */
        sd x1, 1*8(sp)
        sd x3, 3*8(sp)
        sd x4, 4*8(sp)
        sd x5, 5*8(sp)
        sd x6, 6*8(sp)
        sd x7, 7*8(sp)
        sd x8, 8*8(sp)
        sd x9, 9*8(sp)
        sd x10, 10*8(sp)
        sd x11, 11*8(sp)
        sd x12, 12*8(sp)
        sd x13, 13*8(sp)
        sd x14, 14*8(sp)
        sd x15, 15*8(sp)
        sd x16, 16*8(sp)
        sd x17, 17*8(sp)
        sd x18, 18*8(sp)
        sd x19, 19*8(sp)
        sd x20, 20*8(sp)
        sd x21, 21*8(sp)
        sd x22, 22*8(sp)
        sd x23, 23*8(sp)
        sd x24, 24*8(sp)
        sd x25, 25*8(sp)
        sd x26, 26*8(sp)
        sd x27, 27*8(sp)
        sd x28, 28*8(sp)
        sd x29, 29*8(sp)
        sd x30, 30*8(sp)
        sd x31, 31*8(sp)
        csrr t0, mscratch
        sd t0, 2*8(sp)
        csrw mscratch, sp

        /* A trap while the handler itself runs is fatal. */
        la t0, trap_nesting
        ld t1, 0(t0)
        bnez t1, nested_m
        li t1, 1
        sd t1, 0(t0)

        csrr t0, mcause
        csrr t1, mepc
        csrr t2, mtval
        csrr t3, mstatus
        la t4, trap_count
        ld t5, 0(t4)
        addi t5, t5, 1
        sd t5, 0(t4)
        sd t0, 8(t4)                    /* trap_mcause */
        sd t1, 16(t4)                   /* trap_mepc */
        sd t2, 24(t4)                   /* trap_mtval */
        sd t3, 32(t4)                   /* trap_mstatus */

        /* A lower mode asked to exit (see pass / fail_case). */
        la t4, pass
        beq t1, t4, pass_direct
        la t4, fail_case
        beq t1, t4, 1f

        ld t4, trap_hook
        beqz t4, 2f
        mv a0, sp
        mv a1, t0
        mv a2, t1
        mv a3, t2
        jalr t4
        beqz a0, trap_return_m          /* hook handled the trap */
        ld t0, trap_mcause              /* else: default handling */
        ld t1, trap_mepc
        ld t2, trap_mtval
        ld t3, trap_mstatus
        j 2f

1:      li t6, MSTATUS_MPRV
        csrc mstatus, t6
        j fail_direct

2:      la t4, trap_resume
        ld t5, 0(t4)
        beqz t5, 3f
        sd zero, 0(t4)
        csrw mepc, t5
        /* Back in M-mode, MIE keeps its pre-trap value if the trap came
         * from M; a trap from S/U resumes with MIE = 0 (otherwise the
         * MRET to S/U, which sets MPIE = 1, would leave MIE enabled). */
        li t6, MSTATUS_MPP
        and t5, t3, t6
        beq t5, t6, 4f
        li t5, MSTATUS_MPIE
        csrc mstatus, t5
4:      csrs mstatus, t6                /* MPP := M */
        li t6, MSTATUS_MPRV
        csrc mstatus, t6
        j trap_return_m

3:      li t6, MSTATUS_MPRV
        csrc mstatus, t6
        la a0, msg_m
        mv a1, t0
        mv a2, t1
        mv a3, t2
        j report_trap

trap_return_m:
        la t0, trap_nesting
        sd zero, 0(t0)
        ld x1, 1*8(sp)
        ld x3, 3*8(sp)
        ld x4, 4*8(sp)
        ld x5, 5*8(sp)
        ld x6, 6*8(sp)
        ld x7, 7*8(sp)
        ld x8, 8*8(sp)
        ld x9, 9*8(sp)
        ld x10, 10*8(sp)
        ld x11, 11*8(sp)
        ld x12, 12*8(sp)
        ld x13, 13*8(sp)
        ld x14, 14*8(sp)
        ld x15, 15*8(sp)
        ld x16, 16*8(sp)
        ld x17, 17*8(sp)
        ld x18, 18*8(sp)
        ld x19, 19*8(sp)
        ld x20, 20*8(sp)
        ld x21, 21*8(sp)
        ld x22, 22*8(sp)
        ld x23, 23*8(sp)
        ld x24, 24*8(sp)
        ld x25, 25*8(sp)
        ld x26, 26*8(sp)
        ld x27, 27*8(sp)
        ld x28, 28*8(sp)
        ld x29, 29*8(sp)
        ld x30, 30*8(sp)
        ld x31, 31*8(sp)
        ld x2, 2*8(sp)
        mret

nested_m:
        li t6, MSTATUS_MPRV
        csrc mstatus, t6
        la a0, msg_nested
        csrr a1, mcause
        csrr a2, mepc
        csrr a3, mtval
        j report_trap

/* ----------------------------------------------------- S-mode traps */
        .balign 4
        .globl trap_entry_s
trap_entry_s:
        csrrw sp, sscratch, sp
        sd x1, 1*8(sp)
        sd x3, 3*8(sp)
        sd x4, 4*8(sp)
        sd x5, 5*8(sp)
        sd x6, 6*8(sp)
        sd x7, 7*8(sp)
        sd x8, 8*8(sp)
        sd x9, 9*8(sp)
        sd x10, 10*8(sp)
        sd x11, 11*8(sp)
        sd x12, 12*8(sp)
        sd x13, 13*8(sp)
        sd x14, 14*8(sp)
        sd x15, 15*8(sp)
        sd x16, 16*8(sp)
        sd x17, 17*8(sp)
        sd x18, 18*8(sp)
        sd x19, 19*8(sp)
        sd x20, 20*8(sp)
        sd x21, 21*8(sp)
        sd x22, 22*8(sp)
        sd x23, 23*8(sp)
        sd x24, 24*8(sp)
        sd x25, 25*8(sp)
        sd x26, 26*8(sp)
        sd x27, 27*8(sp)
        sd x28, 28*8(sp)
        sd x29, 29*8(sp)
        sd x30, 30*8(sp)
        sd x31, 31*8(sp)
        csrr t0, sscratch
        sd t0, 2*8(sp)
        csrw sscratch, sp

        la t0, s_trap_nesting
        ld t1, 0(t0)
        bnez t1, nested_s
        li t1, 1
        sd t1, 0(t0)

        csrr t0, scause
        csrr t1, sepc
        csrr t2, stval
        csrr t3, sstatus
        la t4, s_trap_count
        ld t5, 0(t4)
        addi t5, t5, 1
        sd t5, 0(t4)
        sd t0, 8(t4)                    /* s_trap_scause */
        sd t1, 16(t4)                   /* s_trap_sepc */
        sd t2, 24(t4)                   /* s_trap_stval */
        sd t3, 32(t4)                   /* s_trap_sstatus */

        /* Exit requests that were delegated to S: exit from here. */
        la t4, pass
        beq t1, t4, pass_direct
        la t4, fail_case
        beq t1, t4, fail_direct

        ld t4, s_trap_hook
        beqz t4, 2f
        mv a0, sp
        mv a1, t0
        mv a2, t1
        mv a3, t2
        jalr t4
        beqz a0, trap_return_s
        ld t0, s_trap_scause
        ld t1, s_trap_sepc
        ld t2, s_trap_stval

2:      la t4, s_trap_resume
        ld t5, 0(t4)
        beqz t5, 3f
        sd zero, 0(t4)
        csrw sepc, t5
        li t6, MSTATUS_SPP
        csrs sstatus, t6
        j trap_return_s

3:      la a0, msg_s
        mv a1, t0
        mv a2, t1
        mv a3, t2
        j report_trap

trap_return_s:
        la t0, s_trap_nesting
        sd zero, 0(t0)
        ld x1, 1*8(sp)
        ld x3, 3*8(sp)
        ld x4, 4*8(sp)
        ld x5, 5*8(sp)
        ld x6, 6*8(sp)
        ld x7, 7*8(sp)
        ld x8, 8*8(sp)
        ld x9, 9*8(sp)
        ld x10, 10*8(sp)
        ld x11, 11*8(sp)
        ld x12, 12*8(sp)
        ld x13, 13*8(sp)
        ld x14, 14*8(sp)
        ld x15, 15*8(sp)
        ld x16, 16*8(sp)
        ld x17, 17*8(sp)
        ld x18, 18*8(sp)
        ld x19, 19*8(sp)
        ld x20, 20*8(sp)
        ld x21, 21*8(sp)
        ld x22, 22*8(sp)
        ld x23, 23*8(sp)
        ld x24, 24*8(sp)
        ld x25, 25*8(sp)
        ld x26, 26*8(sp)
        ld x27, 27*8(sp)
        ld x28, 28*8(sp)
        ld x29, 29*8(sp)
        ld x30, 30*8(sp)
        ld x31, 31*8(sp)
        ld x2, 2*8(sp)
        sret

nested_s:
        la a0, msg_nested
        csrr a1, scause
        csrr a2, sepc
        csrr a3, stval
        j report_trap

/* ---------------------------------------------------- interrupt logs
 * irq_log_hook (install with SET_TRAP_HOOK): for an interrupt, appends
 * mcause to irq_log[] and mepc to irq_log_epc[] (16 entries), increments
 * irq_log_count and silences exactly that source (CLINT msip := 0 for MSI,
 * mtimecmp := ~0 for MTI, clears mip.SSIP/STIP/SEIP for the S-level ones);
 * exceptions fall through to the default handling (resume / unexpected).
 * s_irq_log_hook (SET_S_TRAP_HOOK) does the same in S-mode with s_irq_log,
 * s_irq_log_epc, s_irq_log_count; it clears sip.SSIP for SSI and, since
 * STIP/SEIP are read-only in sip, the sie bit for STI/SEI.
 */
        .globl irq_log_hook
irq_log_hook:
        bgez a1, 9f
        la t0, irq_log_count
        la t3, irq_log
        la t4, irq_log_epc
        jal t6, irq_log_append
        slli t0, a1, 1
        srli t0, t0, 1                  /* interrupt number */
        li t1, IRQ_M_SOFT
        bne t0, t1, 1f
        li t2, CLINT_MSIP
        sw zero, 0(t2)
        j 8f
1:      li t1, IRQ_M_TIMER
        bne t0, t1, 2f
        li t2, CLINT_MTIMECMP
        li t3, -1
        sd t3, 0(t2)
        j 8f
2:      li t1, 1
        sll t1, t1, t0
        csrc mip, t1
8:      li a0, 0
        ret
9:      li a0, 1
        ret

        .globl s_irq_log_hook
s_irq_log_hook:
        bgez a1, 9b
        la t0, s_irq_log_count
        la t3, s_irq_log
        la t4, s_irq_log_epc
        jal t6, irq_log_append
        slli t0, a1, 1
        srli t0, t0, 1
        li t1, 1
        sll t1, t1, t0
        li t2, IRQ_S_SOFT
        bne t0, t2, 1f
        csrc sip, t1
        j 8b
1:      csrc sie, t1
        j 8b

/* t0 = &count, t3 = cause log, t4 = epc log, a1 = cause, a2 = epc;
 * returns through t6; clobbers t1, t2, t3, t4 */
irq_log_append:
        ld t1, 0(t0)
        li t2, 16
        bgeu t1, t2, 1f
        slli t2, t1, 3
        add t3, t3, t2
        sd a1, 0(t3)
        add t4, t4, t2
        sd a2, 0(t4)
1:      addi t1, t1, 1
        sd t1, 0(t0)
        jr t6

/* --------------------------------------------------------- Sv39 helpers
 * Both run in M-mode with translation off (they write physical memory).
 *
 * vm_map: a0 = root table (PA, 4 KiB aligned), a1 = VA, a2 = PA,
 *         a3 = leaf PTE flags (V/R/W/X/U/G/A/D), a4 = leaf level
 *         (LEVEL_4K, LEVEL_2M, LEVEL_1G).  Missing intermediate tables are
 *         taken from a zeroed pool.  Returns a0 = address of the leaf PTE.
 *         Clobbers t0-t6.
 */
        .globl vm_map
vm_map:
        li t0, 2                        /* level being walked */
        mv t1, a0                       /* current table */
1:      slli t2, t0, 3
        add t2, t2, t0                  /* 9 * level */
        addi t2, t2, 12                 /* VPN[level] shift */
        srl t3, a1, t2
        andi t3, t3, 0x1ff
        slli t3, t3, 3
        add t3, t1, t3                  /* &pte */
        beq t0, a4, 3f
        ld t4, 0(t3)
        andi t5, t4, PTE_V
        bnez t5, 2f
        la t5, pt_pool_next             /* allocate a table */
        ld t6, 0(t5)
        bnez t6, 4f
        la t6, pt_pool
4:      li t4, PAGE_SIZE
        add t4, t6, t4
        sd t4, 0(t5)
        srli t4, t6, 12
        slli t4, t4, 10
        ori t4, t4, PTE_V
        sd t4, 0(t3)
2:      srli t4, t4, 10
        slli t1, t4, 12
        addi t0, t0, -1
        j 1b
3:      srli t4, a2, 12
        slli t4, t4, 10
        or t4, t4, a3
        sd t4, 0(t3)
        mv a0, t3
        ret

/*
 * vm_setup_identity: builds the standard map in pt_root and returns
 * a0 = satp value (Sv39, ASID 0) without writing satp:
 *   VA 0x0_0000_0000 (1 GiB)  -> PA 0 (MMIO: CLINT, UART, finisher), RW, A D
 *   VA 0x0_8000_0000 (1 GiB)  -> PA 0x80000000 (RAM), RWX, A D (S-mode)
 *   VA 0x1_8000_0000 (1 GiB)  -> PA 0x80000000 (RAM), RWX, U, A D  (user alias)
 * A and D are preset so these mappings never need A/D updates.
 * Clobbers t0-t6, a0-a4, and uses the stack for ra.
 */
        .globl vm_setup_identity
vm_setup_identity:
        addi sp, sp, -16
        sd ra, 0(sp)
        la a0, pt_root
        li a1, 0
        li a2, 0
        li a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        li a4, LEVEL_1G
        call vm_map
        la a0, pt_root
        li a1, RAM_BASE
        li a2, RAM_BASE
        li a3, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
        li a4, LEVEL_1G
        call vm_map
        la a0, pt_root
        li a1, RAM_BASE + USER_ALIAS_OFFSET
        li a2, RAM_BASE
        li a3, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
        li a4, LEVEL_1G
        call vm_map
        la a0, pt_root
        srli a0, a0, 12
        li t0, SATP_MODE_SV39
        or a0, a0, t0
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

/* ------------------------------------------------------------- data */
        .section .rodata
msg_fail:   .asciz "FAIL "
msg_case:   .asciz " case "
msg_unexp:  .asciz ": unexpected trap in "
msg_m:      .asciz "M handler"
msg_s:      .asciz "S handler"
msg_nested: .asciz "handler (nested trap)"
msg_cause:  .asciz ": cause="
msg_epc:    .asciz " epc="
msg_tval:   .asciz " tval="

        .bss
        .balign 8
        .globl trap_count, trap_mcause, trap_mepc, trap_mtval, trap_mstatus
        .globl trap_hook, trap_resume
trap_count:     .dword 0
trap_mcause:    .dword 0
trap_mepc:      .dword 0
trap_mtval:     .dword 0
trap_mstatus:   .dword 0
trap_hook:      .dword 0
trap_resume:    .dword 0
trap_nesting:   .dword 0

        .globl s_trap_count, s_trap_scause, s_trap_sepc, s_trap_stval
        .globl s_trap_sstatus, s_trap_hook, s_trap_resume
s_trap_count:   .dword 0
s_trap_scause:  .dword 0
s_trap_sepc:    .dword 0
s_trap_stval:   .dword 0
s_trap_sstatus: .dword 0
s_trap_hook:    .dword 0
s_trap_resume:  .dword 0
s_trap_nesting: .dword 0
pt_pool_next:   .dword 0

        .globl irq_log_count, irq_log, irq_log_epc
        .globl s_irq_log_count, s_irq_log, s_irq_log_epc
irq_log_count:  .dword 0
irq_log:        .space 16 * 8
irq_log_epc:    .space 16 * 8
s_irq_log_count: .dword 0
s_irq_log:      .space 16 * 8
s_irq_log_epc:  .space 16 * 8

        /* Handler stacks sit below their frames: each handler sets sp to
         * its frame, so hooks push below it. */
        .balign 16
        .space HSTACK_SIZE
        .globl trap_frame_m
trap_frame_m:   .space FRAME_SIZE
        .space HSTACK_SIZE
        .globl trap_frame_s
trap_frame_s:   .space FRAME_SIZE

        .balign 16
        .space 16384
        .globl stack_top
stack_top:

        .balign 4096
        .globl pt_root
pt_root:        .space 4096
        .globl pt_pool
pt_pool:        .space 16 * 4096
