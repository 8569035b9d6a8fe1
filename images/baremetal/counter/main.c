/*
 * counter: the smallest interesting guest. Prints "counter: N" once per timer tick, with the
 * CPU asleep in WFI between ticks. Runs in M-mode on the virt board with no firmware.
 *
 * Timer: the CLINT raises the machine timer interrupt (mip.MTIP) while mtime >= mtimecmp;
 * the handler moves mtimecmp one period ahead, which clears it.
 *
 * Bootargs (/chosen/bootargs in the DTB, e.g. QEMU's -append):
 *   ticks=N   ticks per second (default 10)
 *   count=N   stop after N ticks and power off through the test finisher (default: run forever)
 */
#include "board.h"

static uint64_t period;                 /* mtime units between ticks */
static uint64_t next_deadline;          /* mtime of the next tick */
static volatile uint64_t ticks;         /* written by the interrupt handler */

/* Machine-mode trap handler. GCC saves/restores the registers it uses and returns with mret. */
__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
	unsigned long cause = csr_read(mcause);
	if (cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
		uint64_t now = mtime();
		next_deadline += period;
		/* If we fell behind (the VM was paused, say), skip the missed ticks instead of
		 * firing a burst of them. */
		if (next_deadline <= now)
			next_deadline = now + period;
		set_mtimecmp(next_deadline);
		ticks++;
		return;
	}
	/* An exception: nothing here should fault. Report it and stop with a failure code. */
	uart_puts("counter: unexpected trap, mcause=");
	uart_putu(cause);
	uart_puts(" mepc=");
	uart_putu(csr_read(mepc));
	uart_puts("\n");
	board_exit(2);
}

void main(unsigned long hartid, const void *dtb)
{
	(void)hartid;
	const char *args = fdt_bootargs(dtb);
	uint64_t hz = fdt_timebase(dtb);
	uint64_t per_second = bootarg_uint(args, "ticks", 10);
	uint64_t count = bootarg_uint(args, "count", 0);   /* 0 = forever */
	if (per_second == 0 || per_second > hz)
		per_second = 10;
	period = hz / per_second;

	uart_puts("counter: ");
	uart_putu(per_second);
	uart_puts(" ticks per second, ");
	if (count) {
		uart_puts("stopping after ");
		uart_putu(count);
		uart_puts(" ticks\n");
	} else {
		uart_puts("running forever\n");
	}

	csr_write(mtvec, (unsigned long)&trap_handler);   /* direct mode: all traps here */
	next_deadline = mtime() + period;
	set_mtimecmp(next_deadline);
	csr_set(mie, MIE_MTIE);                            /* enable the timer interrupt... */
	csr_set(mstatus, MSTATUS_MIE);                     /* ...and interrupts globally */

	uint64_t shown = 0;
	for (;;) {
		/* Sleep until the next tick. Interrupts are masked (mstatus.MIE = 0) around the test
		 * and the WFI so a tick landing in between cannot be missed: WFI still wakes up for
		 * a pending enabled interrupt, which is then taken as soon as MIE is set again. */
		csr_clear(mstatus, MSTATUS_MIE);
		if (ticks == shown)
			wfi();
		csr_set(mstatus, MSTATUS_MIE);
		/* Print every tick we have not shown yet (normally exactly one). */
		while (shown < ticks) {
			shown++;
			uart_puts("counter: ");
			uart_putu(shown);
			uart_puts("\n");
			if (count && shown >= count) {
				uart_puts("counter: done\n");
				board_exit(0);
			}
		}
	}
}
