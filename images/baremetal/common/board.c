/* Runtime for the bare-metal programs: see board.h. */
#include "board.h"

/* ---------------------------------------------------------------- UART ---- */

void uart_putc(char c)
{
	/* Busy-wait until the transmit holding register is empty, then write the byte. */
	while (!(mmio_read8(UART0_BASE + UART_LSR) & UART_LSR_THRE))
		;
	mmio_write8(UART0_BASE + UART_THR, (uint8_t)c);
}

void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

void uart_putu(uint64_t n)
{
	char buf[21];
	int i = sizeof buf - 1;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	uart_puts(&buf[i]);
}

/* ------------------------------------------------------------ Device tree ---- */
/*
 * A flattened device tree (DTB) is a header, a "structure block" of tokens and a "strings
 * block" of property names, all big-endian (devicetree specification, chapter 5):
 *   FDT_BEGIN_NODE name\0 (padded to 4)   opens a node
 *   FDT_PROP len nameoff value (padded)   a property of the open node
 *   FDT_END_NODE                          closes it
 *   FDT_NOP / FDT_END
 */
#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
	return (uint64_t)fdt_be32(p) << 32 | fdt_be32((const uint8_t *)p + 4);
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Does node name `name` ("memory@80000000") match `want` ("memory" or "memory@80000000")? */
static int node_matches(const char *name, const char *want)
{
	while (*want && *name == *want)
		name++, want++;
	return *want == 0 && (*name == 0 || *name == '@');
}

static size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

const void *fdt_getprop(const void *fdt, const char *path, const char *prop, uint32_t *len)
{
	const uint8_t *base = fdt;
	if (!fdt || fdt_be32(base) != FDT_MAGIC)
		return NULL;
	const uint8_t *p = base + fdt_be32(base + 8);       /* off_dt_struct */
	const char *strings = (const char *)base + fdt_be32(base + 12); /* off_dt_strings */
	const uint8_t *end = p + fdt_be32(base + 36);       /* size_dt_struct */

	if (path[0] != '/')
		return NULL;
	const char *want = path + 1;  /* "" for the root, else the depth-1 node name */
	int depth = 0;                /* 1 inside the root node, 2 inside its children */
	int inside = 0;               /* currently inside the wanted node (at its own level) */

	while (p < end) {
		uint32_t tok = fdt_be32(p);
		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)p;
			depth++;
			if (*want == 0)
				inside = depth == 1;
			else
				inside = depth == 2 && node_matches(name, want);
			p += (str_len(name) + 1 + 3) & ~3UL;
			break;
		}
		case FDT_END_NODE:
			depth--;
			inside = 0;  /* properties precede subnodes, so the wanted node is done */
			if (depth <= 0)
				return NULL;
			break;
		case FDT_PROP: {
			uint32_t plen = fdt_be32(p), nameoff = fdt_be32(p + 4);
			const uint8_t *val = p + 8;
			if (inside && str_eq(strings + nameoff, prop)) {
				if (len)
					*len = plen;
				return val;
			}
			p = val + ((plen + 3) & ~3UL);
			break;
		}
		case FDT_NOP:
			break;
		default:  /* FDT_END or garbage */
			return NULL;
		}
	}
	return NULL;
}

const char *fdt_bootargs(const void *fdt)
{
	uint32_t len = 0;
	const char *s = fdt_getprop(fdt, "/chosen", "bootargs", &len);
	return s && len > 0 ? s : "";
}

uint64_t fdt_timebase(const void *fdt)
{
	uint32_t len = 0;
	const void *v = fdt_getprop(fdt, "/cpus", "timebase-frequency", &len);
	if (v && len == 4)
		return fdt_be32(v);
	if (v && len == 8)
		return fdt_be64(v);
	return DEFAULT_TIMEBASE_HZ;
}

uint64_t bootarg_uint(const char *args, const char *key, uint64_t def)
{
	const char *p = args;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		/* Does this word start with "key="? */
		const char *k = key, *q = p;
		while (*k && *q == *k)
			k++, q++;
		if (*k == 0 && *q == '=') {
			q++;
			if (*q < '0' || *q > '9')
				return def;
			uint64_t v = 0;
			while (*q >= '0' && *q <= '9')
				v = v * 10 + (uint64_t)(*q++ - '0');
			return (*q == 0 || *q == ' ' || *q == '\t') ? v : def;
		}
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return def;
}

/* ------------------------------------------------------------------- Exit ---- */

void board_exit(unsigned code)
{
	csr_write(mie, 0);
	mmio_write32(FINISHER_BASE, code == 0 ? FINISHER_PASS : (code << 16) | FINISHER_FAIL);
	for (;;)  /* the finisher stops the machine; spin in case it is absent */
		wfi();
}
