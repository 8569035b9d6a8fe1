/*
 * memdirty: dirty guest memory at a steady rate, to watch live migration converge (issue 6).
 *
 *   memdirty [pages=N] [rate=N]      N 4 KiB pages in a private mapping (default 4096 = 16 MiB),
 *                                    touched at `rate` pages per second (default 5120 = 20 MB/s)
 *
 * Every 10 ms it writes one word into each of the next rate/100 pages, round robin, so each write
 * dirties a page that the hypervisor has to send again. It prints one line when it starts and then
 * stays quiet (run it with `&`; kill it to stop).
 *
 * Freestanding (no libc: raw RISC-V Linux system calls) so the initramfs grows by a few KiB only.
 */
typedef unsigned long u64;
typedef long i64;

#define SYS_write 64
#define SYS_exit 93
#define SYS_nanosleep 101
#define SYS_clock_gettime 113
#define SYS_mmap 222
#define CLOCK_MONOTONIC 1
#define PAGE 4096

struct timespec { i64 sec; i64 nsec; };

static i64 sys(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f) {
  register i64 a0 asm("a0") = a;
  register i64 a1 asm("a1") = b;
  register i64 a2 asm("a2") = c;
  register i64 a3 asm("a3") = d;
  register i64 a4 asm("a4") = e;
  register i64 a5 asm("a5") = f;
  register i64 a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
  return a0;
}

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void say(const char *s) { sys(SYS_write, 1, (i64)s, (i64)len(s), 0, 0, 0); }

/* Writes n in decimal at the end of buf (of 24 bytes); returns where it starts. */
static char *decimal(char *buf, u64 n) {
  char *p = buf + 23;
  *p = 0;
  do { *--p = (char)('0' + n % 10); n /= 10; } while (n);
  return p;
}

/* The value of "key=N" among the arguments, or fallback. */
static u64 arg(int argc, char **argv, const char *key, u64 fallback) {
  u64 k = len(key);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    u64 j = 0;
    while (j < k && a[j] == key[j]) j++;
    if (j != k || a[k] != '=') continue;
    u64 v = 0;
    for (const char *p = a + k + 1; *p >= '0' && *p <= '9'; p++) v = v * 10 + (u64)(*p - '0');
    return v;
  }
  return fallback;
}

static i64 now_ns(void) {
  struct timespec t;
  sys(SYS_clock_gettime, CLOCK_MONOTONIC, (i64)&t, 0, 0, 0, 0);
  return t.sec * 1000000000L + t.nsec;
}

static int run(int argc, char **argv) {
  u64 pages = arg(argc, argv, "pages", 4096);
  u64 rate = arg(argc, argv, "rate", 5120);
  if (pages == 0 || pages > (1UL << 20) || rate == 0) { say("memdirty: pages=1..1048576, rate>0\n"); return 2; }
  i64 mem = sys(SYS_mmap, 0, (i64)(pages * PAGE), 3 /* READ|WRITE */, 0x22 /* PRIVATE|ANONYMOUS */, -1, 0);
  if (mem < 0 && mem > -4096) { say("memdirty: out of memory\n"); return 1; }
  volatile u64 *base = (volatile u64 *)mem;
  char buf[24];
  say("memdirty: running, ");
  say(decimal(buf, pages));
  say(" pages at ");
  say(decimal(buf, rate));
  say(" pages/s\n");

  const i64 tick = 10000000; /* 10 ms */
  u64 next = 0, gen = 0, owed = 0;
  i64 t = now_ns();
  for (;;) {
    /* Pages due this tick; the remainder carries over so the long-run rate is exact. */
    owed += rate;
    u64 n = owed / 100;
    owed %= 100;
    for (u64 i = 0; i < n; i++) {
      base[next * (PAGE / sizeof(u64))] = ++gen;
      if (++next == pages) next = 0;
    }
    t += tick;
    i64 wait = t - now_ns();
    if (wait > 0) {
      struct timespec ts = { 0, wait };
      sys(SYS_nanosleep, (i64)&ts, 0, 0, 0, 0, 0);
    } else {
      t = now_ns(); /* fell behind (a slow guest): do not try to catch up in a burst */
    }
  }
}

/* The kernel enters here with sp at argc, then argv[]. */
__attribute__((used)) static void start_c(i64 *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  sys(SYS_exit, run(argc, argv), 0, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n  mv a0, sp\n  call start_c\n");
