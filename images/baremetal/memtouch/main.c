/*
 * memtouch: dirties guest memory at a steady, known rate so live-migration convergence can be
 * watched (pre-copy has to resend every page written since it was last copied).
 *
 * It owns a buffer of `pages` 4 KiB pages placed right after the program in RAM and, paced by
 * the CLINT timer, writes one 64-bit word at the start of each page in turn: the pass number
 * ("generation") and the page index. Once per second it prints
 *     memtouch: gen G, N pages/s
 * where N is the number of pages written during that second.
 *
 * Each write first checks that the page still holds what the previous pass wrote, so a page
 * lost or corrupted by a migration is reported ("memtouch: MISMATCH ...").
 *
 * Bootargs (/chosen/bootargs):
 *   pages=N   pages in the working set (default 1024 = 4 MiB; clamped to the free RAM)
 *   rate=N    pages written per second (default 2000)
 *   count=N   stop after N seconds and power off through the test finisher
 *             (pass, or fail code 1 if any mismatch was seen); default: run forever
 */
#include "board.h"

#define PAGE_SIZE 4096UL
#define SLICES_PER_SECOND 100   /* wake up 100 times a second to write the pages due */

extern char _end[];             /* first free page after the program (link.ld) */

static volatile uint64_t wakeups;  /* counted by the timer interrupt handler */

__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
	unsigned long cause = csr_read(mcause);
	if (cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
		/* Disarm: main() arms the timer again before each sleep. */
		set_mtimecmp(UINT64_MAX);
		wakeups++;
		return;
	}
	uart_puts("memtouch: unexpected trap, mcause=");
	uart_putu(cause);
	uart_puts(" mepc=");
	uart_putu(csr_read(mepc));
	uart_puts(" mtval=");
	uart_putu(csr_read(mtval));
	uart_puts("\n");
	board_exit(2);
}

/* Sleep in WFI until mtime reaches `when` (see counter/main.c for why MIE is toggled). */
static void sleep_until(uint64_t when)
{
	uint64_t seen = wakeups;
	set_mtimecmp(when);
	csr_clear(mstatus, MSTATUS_MIE);
	if (wakeups == seen)
		wfi();
	csr_set(mstatus, MSTATUS_MIE);
}

/* The value page `i` holds after pass `gen` wrote it. */
static inline uint64_t stamp(uint64_t gen, uint64_t i) { return gen << 32 | i; }

/* Highest address the buffer may reach: the end of RAM from the DTB's /memory node, and never
 * past the DTB itself when the loader placed it above us (QEMU puts it near the top of RAM). */
static uintptr_t usable_end(const void *dtb)
{
	uintptr_t end = 0x80000000UL + 16 * 1024 * 1024;  /* assume 16 MiB without a /memory node */
	uint32_t len = 0;
	const uint8_t *reg = fdt_getprop(dtb, "/memory", "reg", &len);
	if (reg && len >= 16)  /* virt uses #address-cells = #size-cells = 2 */
		end = (uintptr_t)(fdt_be64(reg) + fdt_be64(reg + 8));
	uintptr_t fdt = (uintptr_t)dtb;
	if (fdt >= (uintptr_t)_end && fdt < end)
		end = fdt & ~(PAGE_SIZE - 1);
	return end;
}

void main(unsigned long hartid, const void *dtb)
{
	(void)hartid;
	const char *args = fdt_bootargs(dtb);
	const uint64_t hz = fdt_timebase(dtb);
	uint64_t pages = bootarg_uint(args, "pages", 1024);
	uint64_t rate = bootarg_uint(args, "rate", 2000);
	const uint64_t seconds = bootarg_uint(args, "count", 0);  /* 0 = forever */

	uint8_t *buf = (uint8_t *)_end;
	uint64_t room = (usable_end(dtb) - (uintptr_t)buf) / PAGE_SIZE;
	if (pages == 0)
		pages = 1;
	if (pages > room) {
		uart_puts("memtouch: only ");
		uart_putu(room);
		uart_puts(" pages fit in RAM, using that many\n");
		pages = room;
	}
	if (rate == 0)
		rate = 1;

	uart_puts("memtouch: ");
	uart_putu(pages);
	uart_puts(" pages (");
	uart_putu(pages * PAGE_SIZE / 1024);
	uart_puts(" KiB) at ");
	uart_putu(rate);
	uart_puts(" pages/s");
	if (seconds) {
		uart_puts(" for ");
		uart_putu(seconds);
		uart_puts(" s");
	}
	uart_puts("\n");

	csr_write(mtvec, (unsigned long)&trap_handler);
	set_mtimecmp(UINT64_MAX);
	csr_set(mie, MIE_MTIE);
	csr_set(mstatus, MSTATUS_MIE);

	uint64_t gen = 1;            /* pass number; page words hold stamp(gen - 1, i) before pass gen */
	uint64_t next_page = 0;      /* next page to write in this pass */
	uint64_t errors = 0;
	uint64_t elapsed_s = 0;

	uint64_t second_start = mtime();  /* start of the current one-second window */
	uint64_t done_this_second = 0;    /* pages written in it */

	for (;;) {
		/* How many pages should have been written by now in this second? */
		uint64_t now = mtime();
		uint64_t into = now - second_start;
		if (into > hz)
			into = hz;
		uint64_t due = rate * into / hz;

		/* Write them. Behind schedule (a slow host, a paused VM) simply means writing as
		 * fast as possible until the second is over; the backlog is not carried over. */
		while (done_this_second < due) {
			volatile uint64_t *word = (volatile uint64_t *)(buf + next_page * PAGE_SIZE);
			if (gen > 1 && *word != stamp(gen - 1, next_page)) {
				if (errors < 10) {
					uart_puts("memtouch: MISMATCH page ");
					uart_putu(next_page);
					uart_puts(" gen ");
					uart_putu(gen);
					uart_puts(": expected ");
					uart_putu(stamp(gen - 1, next_page));
					uart_puts(", found ");
					uart_putu(*word);
					uart_puts("\n");
				}
				errors++;
			}
			*word = stamp(gen, next_page);
			done_this_second++;
			if (++next_page == pages) {
				next_page = 0;
				gen++;
			}
			/* Re-check the clock now and then so a slow writer still reports on time. */
			if ((done_this_second & 255) == 0 && mtime() - second_start >= hz)
				break;
		}

		now = mtime();
		if (now - second_start >= hz) {
			/* One second is over: report and start the next window. */
			uart_puts("memtouch: gen ");
			uart_putu(gen);
			uart_puts(", ");
			uart_putu(done_this_second);
			uart_puts(" pages/s");
			if (errors) {
				uart_puts(", ");
				uart_putu(errors);
				uart_puts(" errors");
			}
			uart_puts("\n");
			elapsed_s++;
			if (seconds && elapsed_s >= seconds)
				board_exit(errors ? 1 : 0);
			/* Keep whole-second steps unless we are more than a second late (paused VM). */
			second_start += hz;
			if (now - second_start >= hz)
				second_start = now;
			done_this_second = 0;
			continue;
		}

		/* Ahead of schedule: sleep until the next slice or the end of the second. */
		uint64_t wake = now + hz / SLICES_PER_SECOND;
		if (wake > second_start + hz)
			wake = second_start + hz;
		sleep_until(wake);
	}
}
