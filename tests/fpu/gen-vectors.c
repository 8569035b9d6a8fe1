/*
 * Conformance vector generator for the virtlab FPU library (asm/fpu).
 *
 * Built as a static riscv64 Linux program and run under qemu-riscv64, whose
 * softfloat implementation of the F and D extensions is the reference.
 * For every operation it runs a set of special operands (all pairs/triples)
 * plus pseudo-random operands (fixed seed, so the output is reproducible),
 * under each rounding mode 0..4 (set in frm, instructions use the dynamic
 * mode), clearing fflags before each operation and reading it after.
 *
 * Output format (text, gzip-compressed by gen-vectors.sh):
 *   @ <op> <nargs> <hasrm>          starts the vectors of one operation
 *   <in1> [<in2> [<in3>]] <res>     (all hex, no leading zeros)
 * where <res> is "<bits>:<flags>" for ops without a rounding mode, and five
 * such tokens (rm 0..4) for ops with one; a token "=" repeats the previous
 * rounding mode's result and flags. binary32 values and 32-bit integer inputs
 * are printed as their low 32 bits; 64-bit register results (compares,
 * fclass, fcvt to integer) as the full register.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ PRNG */

static uint64_t rng_state = 0x5eed0f5eedf00d01ull; /* argv[2] may override */

/* splitmix64 */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static int rint_(int n) { return (int)(rnd() % (uint64_t)n); }

/* ------------------------------------------------------------ operations */

typedef uint64_t (*opfn)(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl);

#define PRE "fsrm %[rm]\n\tfsflags zero\n\t"
#define POST "frflags %[f]\n\t"
#define OUTS [r] "=&r"(r), [f] "=&r"(f)

/* float op float, float -> float */
#define F2(NAME, LD, ST, INSN)                                                        \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        (void)c;                                                                      \
        __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\t" PRE INSN              \
                         " ft2, ft0, ft1\n\t" POST ST " %[r], ft2\n\t"                \
                         : OUTS                                                       \
                         : [a] "r"(a), [b] "r"(b), [rm] "r"(rm)                       \
                         : "ft0", "ft1", "ft2");                                      \
        *fl = f;                                                                      \
        return r;                                                                     \
    }
/* fused multiply-add family */
#define F3(NAME, LD, ST, INSN)                                                        \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\t" LD " ft2, %[c]\n\t"    \
                         PRE INSN " ft3, ft0, ft1, ft2\n\t" POST ST " %[r], ft3\n\t"  \
                         : OUTS                                                       \
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm)           \
                         : "ft0", "ft1", "ft2", "ft3");                               \
        *fl = f;                                                                      \
        return r;                                                                     \
    }
/* float -> float (sqrt, fcvt.s.d, fcvt.d.s) */
#define F1(NAME, LD, ST, INSN)                                                        \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        (void)b, (void)c;                                                             \
        __asm__ volatile(LD " ft0, %[a]\n\t" PRE INSN " ft2, ft0\n\t" POST ST         \
                         " %[r], ft2\n\t"                                             \
                         : OUTS                                                       \
                         : [a] "r"(a), [rm] "r"(rm)                                   \
                         : "ft0", "ft2");                                             \
        *fl = f;                                                                      \
        return r;                                                                     \
    }
/* float, float -> integer register (compares) */
#define C2(NAME, LD, INSN)                                                            \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        (void)c;                                                                      \
        __asm__ volatile(LD " ft0, %[a]\n\t" LD " ft1, %[b]\n\t" PRE INSN              \
                         " %[r], ft0, ft1\n\t" POST                                   \
                         : OUTS                                                       \
                         : [a] "r"(a), [b] "r"(b), [rm] "r"(rm)                       \
                         : "ft0", "ft1");                                             \
        *fl = f;                                                                      \
        return r;                                                                     \
    }
/* float -> integer register (fclass, fcvt.{w,wu,l,lu}) */
#define C1(NAME, LD, INSN)                                                            \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        (void)b, (void)c;                                                             \
        __asm__ volatile(LD " ft0, %[a]\n\t" PRE INSN " %[r], ft0\n\t" POST            \
                         : OUTS                                                       \
                         : [a] "r"(a), [rm] "r"(rm)                                   \
                         : "ft0");                                                    \
        *fl = f;                                                                      \
        return r;                                                                     \
    }
/* integer register -> float (fcvt.{s,d}.{w,wu,l,lu}) */
#define I1(NAME, ST, INSN)                                                            \
    static uint64_t NAME(uint64_t a, uint64_t b, uint64_t c, uint64_t rm, unsigned *fl) \
    {                                                                                 \
        uint64_t r;                                                                   \
        unsigned f;                                                                   \
        (void)b, (void)c;                                                             \
        __asm__ volatile(PRE INSN " ft2, %[a]\n\t" POST ST " %[r], ft2\n\t"            \
                         : OUTS                                                       \
                         : [a] "r"(a), [rm] "r"(rm)                                   \
                         : "ft2");                                                    \
        *fl = f;                                                                      \
        return r;                                                                     \
    }

#define D_LD "fmv.d.x"
#define D_ST "fmv.x.d"
#define S_LD "fmv.w.x"
#define S_ST "fmv.x.w"

F2(d_add, D_LD, D_ST, "fadd.d")
F2(d_sub, D_LD, D_ST, "fsub.d")
F2(d_mul, D_LD, D_ST, "fmul.d")
F2(d_div, D_LD, D_ST, "fdiv.d")
F1(d_sqrt, D_LD, D_ST, "fsqrt.d")
F3(d_madd, D_LD, D_ST, "fmadd.d")
F3(d_msub, D_LD, D_ST, "fmsub.d")
F3(d_nmsub, D_LD, D_ST, "fnmsub.d")
F3(d_nmadd, D_LD, D_ST, "fnmadd.d")
F2(d_min, D_LD, D_ST, "fmin.d")
F2(d_max, D_LD, D_ST, "fmax.d")
C2(d_eq, D_LD, "feq.d")
C2(d_lt, D_LD, "flt.d")
C2(d_le, D_LD, "fle.d")
C1(d_class, D_LD, "fclass.d")
C1(d_to_w, D_LD, "fcvt.w.d")
C1(d_to_wu, D_LD, "fcvt.wu.d")
C1(d_to_l, D_LD, "fcvt.l.d")
C1(d_to_lu, D_LD, "fcvt.lu.d")
I1(w_to_d, D_ST, "fcvt.d.w")
I1(wu_to_d, D_ST, "fcvt.d.wu")
I1(l_to_d, D_ST, "fcvt.d.l")
I1(lu_to_d, D_ST, "fcvt.d.lu")
F1(d_to_s, D_LD, S_ST, "fcvt.s.d")

F2(s_add, S_LD, S_ST, "fadd.s")
F2(s_sub, S_LD, S_ST, "fsub.s")
F2(s_mul, S_LD, S_ST, "fmul.s")
F2(s_div, S_LD, S_ST, "fdiv.s")
F1(s_sqrt, S_LD, S_ST, "fsqrt.s")
F3(s_madd, S_LD, S_ST, "fmadd.s")
F3(s_msub, S_LD, S_ST, "fmsub.s")
F3(s_nmsub, S_LD, S_ST, "fnmsub.s")
F3(s_nmadd, S_LD, S_ST, "fnmadd.s")
F2(s_min, S_LD, S_ST, "fmin.s")
F2(s_max, S_LD, S_ST, "fmax.s")
C2(s_eq, S_LD, "feq.s")
C2(s_lt, S_LD, "flt.s")
C2(s_le, S_LD, "fle.s")
C1(s_class, S_LD, "fclass.s")
C1(s_to_w, S_LD, "fcvt.w.s")
C1(s_to_wu, S_LD, "fcvt.wu.s")
C1(s_to_l, S_LD, "fcvt.l.s")
C1(s_to_lu, S_LD, "fcvt.lu.s")
I1(w_to_s, S_ST, "fcvt.s.w")
I1(wu_to_s, S_ST, "fcvt.s.wu")
I1(l_to_s, S_ST, "fcvt.s.l")
I1(lu_to_s, S_ST, "fcvt.s.lu")
F1(s_to_d, S_LD, D_ST, "fcvt.d.s")

/* ------------------------------------------------------------ operand sets */

enum { FMT_S, FMT_D, FMT_I32, FMT_I64 };
enum { K_ADD, K_MUL, K_DIV, K_SQRT, K_FMA, K_CMP, K_CLASS, K_F2I, K_I2F, K_D2S, K_S2D };

static const uint64_t sp_d[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000001, 0x7ff4000000000000, 0x7ff0000000000001,
    0x0000000000000001, 0x8000000000000001, 0x0000000000000002, 0x000fffffffffffff,
    0x800fffffffffffff, 0x0008000000000000, 0x0010000000000000, 0x8010000000000000,
    0x0010000000000001, 0x001fffffffffffff, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7fe0000000000000, 0x7fdfffffffffffff, 0x3ff0000000000000, 0xbff0000000000000,
    0x3ff0000000000001, 0x3fefffffffffffff, 0x3ff8000000000000, 0x4000000000000000,
    0x4008000000000000, 0x3fe0000000000000, 0x3fb999999999999a, 0xbfb999999999999a,
    0x1e60000000000000, 0x1e60000000000001, 0x1e5fffffffffffff, 0x5fe0000000000000,
    0x5ff0000000000000, 0x5fefffffffffffff, 0x3cb0000000000000, 0x3ca0000000000000,
    0x4340000000000000, 0x41e0000000000000, 0xc3e0000000000000, 0x43f0000000000000,
    0x4010000000000001, 0xc00fffffffffffff,
};
static const uint64_t sp_s[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7fa00000,
    0x7f800001, 0x00000001, 0x80000001, 0x00000002, 0x007fffff, 0x807fffff, 0x00400000,
    0x00800000, 0x80800000, 0x00800001, 0x00ffffff, 0x7f7fffff, 0xff7fffff, 0x7f000000,
    0x7effffff, 0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, 0x3fc00000, 0x40000000,
    0x40400000, 0x3f000000, 0x3dcccccd, 0xbdcccccd, 0x1a000000, 0x1a000001, 0x19ffffff,
    0x5f000000, 0x5f800000, 0x5f7fffff, 0x33800000, 0x33000000, 0x4b800000, 0x4f000000,
    0xdf000000, 0x5f800000, 0x40800001, 0xc07fffff,
};
/* small sets for all triples of the FMA family */
static const uint64_t fma_d[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001, 0x800fffffffffffff,
    0x0010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff, 0x3ff0000000000000,
    0xbff0000000000000, 0x3ff0000000000001, 0x1e60000000000000, 0x4008000000000000,
};
static const uint64_t fma_s[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
    0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000,
    0xbf800000, 0x3f800001, 0x1a000000, 0x40400000,
};
/* extra float -> integer boundary values (as doubles) */
static const double f2i_vals[] = {
    0.5, 1.5, 2.5, 0.3, 0.7, 1.0, 3.5, 4.5, 2147483647.0, 2147483646.5, 2147483647.5,
    2147483648.0, 2147483648.5, 2147483649.0, 2147483520.0, 2147483904.0, 4294967295.0,
    4294967294.5, 4294967295.5, 4294967296.0, 4294967040.0, 4294967552.0,
    9223372036854775807.0, 9223371487098961920.0, 9223373136366403584.0,
    18446744073709551615.0, 18446742974197923840.0, 18446746272732807168.0,
    1e30, 1e-30, 4503599627370495.5, 4503599627370496.0, 9007199254740993.0,
};
static const uint64_t sp_i[] = {
    0, 1, 2, 3, 0x7f, 0xffffff, 0x1000000, 0x1000001, 0x1000002, 0x1000003, 0x2000005,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0xff000001, 0x100000000,
    0x1fffffffffffff, 0x20000000000000, 0x20000000000001, 0x20000000000002, 0x20000000000003,
    0x40000000000005, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001,
    0xffffffffffffffff, 0xfffffffffffffffe, 0xffe0000000000001, 0x7ffffe0000000000,
    0x7fffff8000000000, 0x7ffffffffffffc00, 0x7ffffffffffffe00, 0xfffffffffffff800,
    0xfffffffffffffc00, 0xffffff8000000001,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static int mant_bits(int fmt) { return fmt == FMT_D ? 52 : 23; }
static int exp_max(int fmt) { return fmt == FMT_D ? 2047 : 255; }
static int bias(int fmt) { return fmt == FMT_D ? 1023 : 127; }
static uint64_t fmask(int fmt) { return fmt == FMT_D || fmt == FMT_I64 ? ~0ull : 0xffffffffull; }

static int getexp(int fmt, uint64_t x) { return (int)((x >> mant_bits(fmt)) & (uint64_t)exp_max(fmt)); }
static uint64_t mkfp(int fmt, uint64_t sign, int e, uint64_t mant)
{
    int P = mant_bits(fmt);
    if (e < 0) e = 0;
    if (e > exp_max(fmt)) e = exp_max(fmt);
    return ((sign & 1) << (P + (fmt == FMT_D ? 11 : 8))) | ((uint64_t)e << P) |
           (mant & ((1ull << P) - 1));
}

static uint64_t rand_fp(int fmt)
{
    int P = mant_bits(fmt), EM = exp_max(fmt), B = bias(fmt);
    uint64_t sign = rnd() & 1, mant = rnd();
    int e;
    switch (rint_(10)) {
    case 0: return rnd() & fmask(fmt);
    case 1: e = rint_(EM + 1); break;
    case 2:
    case 3: e = B - 8 + rint_(17); break;
    case 4: e = rint_(P + 4); break;
    case 5: e = EM - 1 - rint_(8); break;
    case 6: e = 1 + rint_(EM - 1); break;
    case 7: e = B - 30 + rint_(61); mant &= ~((1ull << rint_(P + 1)) - 1); break;
    case 8:
        mant = (rnd() & 1) ? rnd() % 8 : (1ull << P) - 1 - rnd() % 8;
        e = 1 + rint_(EM - 1);
        break;
    default: e = rint_(EM + 1); mant &= ~((1ull << rint_(P + 1)) - 1); break;
    }
    return mkfp(fmt, sign, e, mant);
}

/* random mantissa, sometimes with few significant bits (exact results, ties) */
static uint64_t rand_mant(int fmt)
{
    uint64_t m = rnd();
    if (rint_(3) == 0) m &= ~((1ull << rint_(mant_bits(fmt) + 1)) - 1);
    return m;
}

static double as_d(uint64_t x) { double d; memcpy(&d, &x, 8); return d; }
static uint64_t d_bits(double d) { uint64_t x; memcpy(&x, &d, 8); return x; }
static uint64_t s_bits(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }

/* operands that stress each operation kind */
static void rand_args(int kind, int fmt, uint64_t *a, uint64_t *b, uint64_t *c)
{
    int P = mant_bits(fmt), EM = exp_max(fmt), B = bias(fmt);
    uint64_t x = rand_fp(fmt), y = rand_fp(fmt), z = rand_fp(fmt);
    int ex = getexp(fmt, x);
    switch (kind) {
    case K_ADD:
        switch (rint_(4)) {
        case 1: /* nearby exponents: carries, sticky bits, partial cancellation */
            y = mkfp(fmt, rnd(), ex - P - 3 + rint_(2 * P + 7), rand_mant(fmt));
            break;
        case 2: { /* massive cancellation: y ~ -x */
            uint64_t d = rnd() % 16;
            y = (x ^ (1ull << (fmt == FMT_D ? 63 : 31))) + ((rnd() & 1) ? d : -d);
            y &= fmask(fmt);
            break;
        }
        case 3: /* far apart exponents */
            y = mkfp(fmt, rnd(), ex - rint_(3 * P), rand_mant(fmt));
            break;
        }
        break;
    case K_MUL:
    case K_DIV: {
        int sgn = kind == K_MUL ? 1 : -1;
        switch (rint_(4)) {
        case 1: /* result near or below the smallest normal */
            y = mkfp(fmt, rnd(), sgn * (1 - P - 3 + rint_(P + 8) - ex + B), rand_mant(fmt));
            break;
        case 2: /* result near overflow */
            y = mkfp(fmt, rnd(), sgn * (EM - 3 + rint_(5) - ex + B), rand_mant(fmt));
            break;
        case 3: /* short significands: exact results and ties */
            x = mkfp(fmt, rnd(), B - 20 + rint_(41), rnd() & ~((1ull << (P - 6 + rint_(7))) - 1));
            y = mkfp(fmt, rnd(), B - 20 + rint_(41), rnd() & ~((1ull << (P - 6 + rint_(7))) - 1));
            if (kind == K_DIV && (rnd() & 1)) { /* x = y * small integer: exact quotient */
                if (fmt == FMT_D) x = d_bits(as_d(y) * (double)(1 + rint_(64)));
                else {
                    union { uint32_t u; float f; } v = { .u = (uint32_t)y };
                    x = s_bits(v.f * (float)(1 + rint_(64)));
                }
            }
            break;
        }
        break;
    }
    case K_SQRT:
        if (rint_(3) == 0) { /* perfect squares and near squares */
            uint64_t m = rnd() & ~((1ull << (P / 2 + 1 + rint_(P / 2))) - 1);
            if (fmt == FMT_D) {
                double r = as_d(mkfp(fmt, 0, B - 40 + rint_(81), m));
                x = d_bits(r * r) + (uint64_t)(rint_(3) - 1);
            } else {
                union { uint32_t u; float f; } r = { .u = (uint32_t)mkfp(fmt, 0, B - 30 + rint_(61), m) };
                x = (s_bits(r.f * r.f) + (uint64_t)(rint_(3) - 1)) & 0xffffffff;
            }
        } else if (rint_(2)) {
            x &= ~(1ull << (fmt == FMT_D ? 63 : 31)); /* mostly positive */
        }
        break;
    case K_FMA:
        switch (rint_(5)) {
        case 1: { /* c ~ -(a*b): cancellation */
            uint64_t d = rnd() % 8;
            if (fmt == FMT_D) z = d_bits(-(as_d(x) * as_d(y)));
            else {
                union { uint32_t u; float f; } p = { .u = (uint32_t)x }, q = { .u = (uint32_t)y };
                z = s_bits(-(p.f * q.f));
            }
            z = (z + ((rnd() & 1) ? d : -d)) & fmask(fmt);
            break;
        }
        case 2: { /* c near the product's exponent */
            int ep = getexp(fmt, x) + getexp(fmt, y) - B;
            z = mkfp(fmt, rnd(), ep - 2 * P - 5 + rint_(4 * P + 10), rand_mant(fmt));
            break;
        }
        case 3: /* product near underflow, small c */
            y = mkfp(fmt, rnd(), 1 - P - 3 + rint_(P + 8) - ex + B, rand_mant(fmt));
            z = mkfp(fmt, rnd(), rint_(P + 4), rand_mant(fmt));
            break;
        case 4: /* product near overflow */
            y = mkfp(fmt, rnd(), EM - 3 + rint_(5) - ex + B, rand_mant(fmt));
            break;
        }
        break;
    case K_CMP:
        switch (rint_(4)) {
        case 1: y = x; break;
        case 2: y = (x + (rnd() & 1 ? 1 : -1)) & fmask(fmt); break;
        case 3: y = x ^ (1ull << (fmt == FMT_D ? 63 : 31)); break;
        }
        break;
    case K_F2I: /* magnitudes around 2^-2 .. 2^66, often with a fraction */
        if (rint_(4)) x = mkfp(fmt, rnd(), B - 2 + rint_(69), rand_mant(fmt));
        break;
    case K_I2F: { /* random bit lengths, patterns around rounding ties */
        uint64_t v = rnd() >> rint_(64);
        if (rint_(2)) v = (v & ~((1ull << rint_(40)) - 1)) | (rnd() & 1 ? (1ull << rint_(40)) : 0);
        if (rint_(3) == 0) v = -v;
        x = v & fmask(fmt);
        break;
    }
    case K_D2S: /* doubles near the binary32 range and its subnormals */
        if (rint_(4)) x = mkfp(FMT_D, rnd(), 1023 - 160 + rint_(300), rand_mant(FMT_D));
        else x = rand_fp(FMT_D);
        break;
    default: break;
    }
    *a = x & fmask(fmt);
    *b = y & fmask(fmt);
    *c = z & fmask(fmt);
}

/* ------------------------------------------------------------ driver */

struct op {
    const char *name;
    int nargs, hasrm, kind;
    int fin, fout; /* input / output formats: FMT_S, FMT_D, FMT_I32, FMT_I64 */
    opfn fn;
};

static const struct op ops[] = {
    { "f64_add", 2, 1, K_ADD, FMT_D, FMT_D, d_add },
    { "f64_sub", 2, 1, K_ADD, FMT_D, FMT_D, d_sub },
    { "f64_mul", 2, 1, K_MUL, FMT_D, FMT_D, d_mul },
    { "f64_div", 2, 1, K_DIV, FMT_D, FMT_D, d_div },
    { "f64_sqrt", 1, 1, K_SQRT, FMT_D, FMT_D, d_sqrt },
    { "f64_madd", 3, 1, K_FMA, FMT_D, FMT_D, d_madd },
    { "f64_msub", 3, 1, K_FMA, FMT_D, FMT_D, d_msub },
    { "f64_nmsub", 3, 1, K_FMA, FMT_D, FMT_D, d_nmsub },
    { "f64_nmadd", 3, 1, K_FMA, FMT_D, FMT_D, d_nmadd },
    { "f64_min", 2, 0, K_CMP, FMT_D, FMT_D, d_min },
    { "f64_max", 2, 0, K_CMP, FMT_D, FMT_D, d_max },
    { "f64_eq", 2, 0, K_CMP, FMT_D, FMT_I64, d_eq },
    { "f64_lt", 2, 0, K_CMP, FMT_D, FMT_I64, d_lt },
    { "f64_le", 2, 0, K_CMP, FMT_D, FMT_I64, d_le },
    { "f64_classify", 1, 0, K_CLASS, FMT_D, FMT_I64, d_class },
    { "f64_to_i32", 1, 1, K_F2I, FMT_D, FMT_I64, d_to_w },
    { "f64_to_u32", 1, 1, K_F2I, FMT_D, FMT_I64, d_to_wu },
    { "f64_to_i64", 1, 1, K_F2I, FMT_D, FMT_I64, d_to_l },
    { "f64_to_u64", 1, 1, K_F2I, FMT_D, FMT_I64, d_to_lu },
    { "i32_to_f64", 1, 1, K_I2F, FMT_I32, FMT_D, w_to_d },
    { "u32_to_f64", 1, 1, K_I2F, FMT_I32, FMT_D, wu_to_d },
    { "i64_to_f64", 1, 1, K_I2F, FMT_I64, FMT_D, l_to_d },
    { "u64_to_f64", 1, 1, K_I2F, FMT_I64, FMT_D, lu_to_d },
    { "f64_to_f32", 1, 1, K_D2S, FMT_D, FMT_S, d_to_s },

    { "f32_add", 2, 1, K_ADD, FMT_S, FMT_S, s_add },
    { "f32_sub", 2, 1, K_ADD, FMT_S, FMT_S, s_sub },
    { "f32_mul", 2, 1, K_MUL, FMT_S, FMT_S, s_mul },
    { "f32_div", 2, 1, K_DIV, FMT_S, FMT_S, s_div },
    { "f32_sqrt", 1, 1, K_SQRT, FMT_S, FMT_S, s_sqrt },
    { "f32_madd", 3, 1, K_FMA, FMT_S, FMT_S, s_madd },
    { "f32_msub", 3, 1, K_FMA, FMT_S, FMT_S, s_msub },
    { "f32_nmsub", 3, 1, K_FMA, FMT_S, FMT_S, s_nmsub },
    { "f32_nmadd", 3, 1, K_FMA, FMT_S, FMT_S, s_nmadd },
    { "f32_min", 2, 0, K_CMP, FMT_S, FMT_S, s_min },
    { "f32_max", 2, 0, K_CMP, FMT_S, FMT_S, s_max },
    { "f32_eq", 2, 0, K_CMP, FMT_S, FMT_I64, s_eq },
    { "f32_lt", 2, 0, K_CMP, FMT_S, FMT_I64, s_lt },
    { "f32_le", 2, 0, K_CMP, FMT_S, FMT_I64, s_le },
    { "f32_classify", 1, 0, K_CLASS, FMT_S, FMT_I64, s_class },
    { "f32_to_i32", 1, 1, K_F2I, FMT_S, FMT_I64, s_to_w },
    { "f32_to_u32", 1, 1, K_F2I, FMT_S, FMT_I64, s_to_wu },
    { "f32_to_i64", 1, 1, K_F2I, FMT_S, FMT_I64, s_to_l },
    { "f32_to_u64", 1, 1, K_F2I, FMT_S, FMT_I64, s_to_lu },
    { "i32_to_f32", 1, 1, K_I2F, FMT_I32, FMT_S, w_to_s },
    { "u32_to_f32", 1, 1, K_I2F, FMT_I32, FMT_S, wu_to_s },
    { "i64_to_f32", 1, 1, K_I2F, FMT_I64, FMT_S, l_to_s },
    { "u64_to_f32", 1, 1, K_I2F, FMT_I64, FMT_S, lu_to_s },
    { "f32_to_f64", 1, 0, K_S2D, FMT_S, FMT_D, s_to_d },
};

static long n_vectors;

static void emit(const struct op *o, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t ma = fmask(o->fin);
    a &= ma, b &= ma, c &= ma;
    if (o->fin == FMT_I32) a = (uint64_t)(int64_t)(int32_t)a; /* as a sign-extended register */
    printf("%llx", (unsigned long long)(a & ma));
    if (o->nargs > 1) printf(" %llx", (unsigned long long)b);
    if (o->nargs > 2) printf(" %llx", (unsigned long long)c);
    uint64_t pr = 0;
    unsigned pf = 0;
    int nrm = o->hasrm ? 5 : 1;
    for (int rm = 0; rm < nrm; rm++) {
        unsigned f;
        uint64_t r = o->fn(a, b, c, (uint64_t)rm, &f) & fmask(o->fout);
        if (rm > 0 && r == pr && f == pf) printf(" =");
        else printf(" %llx:%x", (unsigned long long)r, f);
        pr = r, pf = f;
    }
    putchar('\n');
    n_vectors++;
}

static int fmt_of_float(const struct op *o) { return o->fin == FMT_S ? FMT_S : FMT_D; }

int main(int argc, char **argv)
{
    int nrand = argc > 1 ? atoi(argv[1]) : 2000;
    if (argc > 2) rng_state = strtoull(argv[2], 0, 0); /* other seeds for local fuzzing */
    for (size_t i = 0; i < N(ops); i++) {
        const struct op *o = &ops[i];
        printf("@ %s %d %d\n", o->name, o->nargs, o->hasrm);
        int fmt = fmt_of_float(o);
        const uint64_t *sp = fmt == FMT_D ? sp_d : sp_s;
        size_t nsp = fmt == FMT_D ? N(sp_d) : N(sp_s);
        if (o->kind == K_I2F) {
            for (size_t j = 0; j < N(sp_i); j++) {
                emit(o, sp_i[j], 0, 0);
                emit(o, -sp_i[j], 0, 0);
            }
        } else if (o->kind == K_D2S) {
            for (size_t j = 0; j < N(sp_d); j++) emit(o, sp_d[j], 0, 0);
            for (size_t j = 0; j < N(sp_s); j++) { /* binary32 boundaries as doubles, +-half ulp */
                union { uint32_t u; float f; } v = { .u = (uint32_t)sp_s[j] };
                uint64_t d = d_bits((double)v.f);
                for (int k = -2; k <= 2; k++) emit(o, d + (uint64_t)((int64_t)k << 28), 0, 0);
                emit(o, d + 1, 0, 0);
                emit(o, d - 1, 0, 0);
            }
        } else if (o->nargs == 3) {
            const uint64_t *t = fmt == FMT_D ? fma_d : fma_s;
            size_t nt = fmt == FMT_D ? N(fma_d) : N(fma_s);
            for (size_t x = 0; x < nt; x++)
                for (size_t y = 0; y < nt; y++)
                    for (size_t z = 0; z < nt; z++) emit(o, t[x], t[y], t[z]);
        } else if (o->nargs == 2) {
            for (size_t x = 0; x < nsp; x++)
                for (size_t y = 0; y < nsp; y++) emit(o, sp[x], sp[y], 0);
        } else {
            for (size_t x = 0; x < nsp; x++) emit(o, sp[x], 0, 0);
            for (size_t j = 0; j < N(f2i_vals); j++) {
                for (int neg = 0; neg < 2; neg++) {
                    double d = neg ? -f2i_vals[j] : f2i_vals[j];
                    if (fmt == FMT_D) {
                        for (int k = -1; k <= 1; k++) emit(o, d_bits(d) + (uint64_t)k, 0, 0);
                    } else {
                        uint64_t s = s_bits((float)d);
                        for (int k = -1; k <= 1; k++) emit(o, s + (uint64_t)k, 0, 0);
                    }
                }
            }
        }
        int n = nrand;
        if (o->nargs == 3) n = nrand / 2; /* long lines; 4 variants share the code */
        for (int j = 0; j < n; j++) {
            uint64_t a, b, c;
            int kind = o->kind;
            int f = o->fin;
            if (kind == K_D2S) f = FMT_D;
            rand_args(kind, f == FMT_I32 || f == FMT_I64 ? f : fmt, &a, &b, &c);
            emit(o, a, b, c);
        }
    }
    fprintf(stderr, "gen-vectors: %ld vectors\n", n_vectors);
    return 0;
}
