/*
 * Minimal runtime for the virtlab bare-metal programs: the QEMU `-M virt` devices they use,
 * a UART writer, a tiny flattened-device-tree reader and the bootargs parser.
 * Everything runs in M-mode on hart 0; there is no libc.
 */
#ifndef VIRTLAB_BOARD_H
#define VIRTLAB_BOARD_H

#include <stdint.h>
#include <stddef.h>

/* ---- Board addresses (QEMU hw/riscv/virt.c, same as src/hypervisor/machine/board.ts) ---- */
#define UART0_BASE      0x10000000UL  /* NS16550A */
#define UART_THR        0             /* transmit holding register (write) */
#define UART_LSR        5             /* line status register */
#define UART_LSR_THRE   0x20          /* bit 5: THR empty, ready for a byte */

#define CLINT_BASE      0x02000000UL
#define CLINT_MTIMECMP(hart) (CLINT_BASE + 0x4000 + 8 * (hart))  /* 0x2004000 for hart 0 */
#define CLINT_MTIME     (CLINT_BASE + 0xBFF8)                    /* 0x200BFF8 */
#define DEFAULT_TIMEBASE_HZ 10000000ULL                          /* mtime runs at 10 MHz */

#define FINISHER_BASE   0x00100000UL  /* sifive,test0: write 0x5555 = pass, (code<<16)|0x3333 = fail */
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333

/* ---- CSR helpers ---- */
#define csr_read(csr) ({ unsigned long __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v)); __v; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(bits)))

#define MSTATUS_MIE     (1UL << 3)
#define MIE_MTIE        (1UL << 7)
#define MCAUSE_INTERRUPT (1UL << 63)
#define IRQ_M_TIMER     7

static inline void wfi(void) { __asm__ volatile("wfi"); }

/* ---- MMIO ---- */
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline uint8_t mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }

/* ---- Timer (CLINT) ---- */
static inline uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }
static inline void set_mtimecmp(uint64_t t) { mmio_write64(CLINT_MTIMECMP(0), t); }

/* ---- UART output ---- */
void uart_putc(char c);
void uart_puts(const char *s);      /* "\n" is sent as "\r\n" */
void uart_putu(uint64_t n);         /* unsigned decimal */

/* ---- Device tree ---- */
/*
 * fdt_getprop: value of property `prop` of the node at `path`, where path is "/" (the root)
 * or one level below it, "/chosen", "/cpus" or "/memory" (a node name matches with or without
 * its "@unit-address"). Returns NULL when absent or the blob is not a valid DTB; *len gets
 * the value length in bytes.
 */
const void *fdt_getprop(const void *fdt, const char *path, const char *prop, uint32_t *len);
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

/* bootargs: the /chosen/bootargs string ("" when absent). */
const char *fdt_bootargs(const void *fdt);
/* Value of a `key=N` word in a bootargs string (decimal), or `def` when absent or malformed. */
uint64_t bootarg_uint(const char *args, const char *key, uint64_t def);
/* /cpus/timebase-frequency, or 10 MHz when absent. */
uint64_t fdt_timebase(const void *fdt);

/* ---- Exit ---- */
/* Stops the machine through the test finisher: code 0 = pass, otherwise fail with that code. */
void board_exit(unsigned code) __attribute__((noreturn));

#endif
