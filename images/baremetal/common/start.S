/*
 * Entry point of the virtlab bare-metal programs (M-mode, no firmware, no OS).
 *
 * The board (or QEMU with `-bios none`) jumps here at 0x80000000 in M-mode with
 *   a0 = mhartid, a1 = physical address of the flattened device tree (DTB).
 * Hart 0 runs the program; any other hart parks in a WFI loop with interrupts off.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	csrw	mie, zero		/* no interrupt sources until the program asks for them */
	csrw	mstatus, zero		/* MIE = 0, FS = 0 (no FPU use: rv64imac) */
	bnez	a0, park

	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top

	/* Clear .bss; a0/a1 stay intact for main. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	call	main			/* main(hartid, dtb) */
	/* main should not return; if it does, report success to the test finisher. */
	li	a0, 0
	call	board_exit

park:
	wfi
	j	park
