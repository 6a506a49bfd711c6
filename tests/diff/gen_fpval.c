/*
 * Floating-point operands for the FP and SIMD generators (gen_util.h).
 * Values are built from sign, biased exponent and fraction fields so every
 * class the Arm ARM's FP pseudocode distinguishes (FPUnpack: zero, infinity,
 * QNaN, SNaN, denormal, normal) comes up often, and so do the places where
 * rounding, flushing and conversion change behaviour.
 */
#include <string.h>

#include "gen_util.h"

static const unsigned exp_bits[] = {5, 8, 11};
static const unsigned frac_bits[] = {10, 23, 52};

static uint64_t fp_make(enum gen_fmt f, unsigned sign, uint64_t exp, uint64_t frac)
{
    unsigned fb = frac_bits[f];
    return (uint64_t)sign << (exp_bits[f] + fb) | exp << fb | (frac & ((1ull << fb) - 1));
}

static uint64_t exp_max(enum gen_fmt f)
{
    return (1ull << exp_bits[f]) - 1;
}

static uint64_t bias(enum gen_fmt f)
{
    return exp_max(f) >> 1;
}

static uint64_t fp_exp(enum gen_fmt f, uint64_t v)
{
    return v >> frac_bits[f] & exp_max(f);
}

/* v with its biased exponent replaced by e, clamped to the finite range
 * (0 = denormal/zero, exp_max - 1 = the largest binade). */
static uint64_t fp_with_exp(enum gen_fmt f, uint64_t v, long e)
{
    if (e < 0)
        e = 0;
    if (e > (long)exp_max(f) - 1)
        e = (long)exp_max(f) - 1;
    unsigned fb = frac_bits[f];
    return (v & ~(exp_max(f) << fb)) | (uint64_t)e << fb;
}

/* A fraction field with a pattern that matters for rounding: all zeros or
 * ones, one bit, only low bits, the top bit with a few low ones. */
static uint64_t rand_frac(struct diff_rng *rng, enum gen_fmt f)
{
    unsigned fb = frac_bits[f];
    uint64_t m = diff_rng_next(rng);
    switch (RND(8)) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return m & 0xff;
    case 3: return ~(m & 0xff);
    case 4: return 1ull << RND(fb);
    case 5: return 1ull << (fb - 1) | (m & 3);
    default: return m;
    }
}

/* A value whose binary point falls inside the fraction, with the bits
 * below it set to a tie (…1000), just under (…0111) or just over (…1001):
 * the cases FRINT* and FCVT* to integer and fixed point round differently. */
static uint64_t near_half(struct diff_rng *rng, enum gen_fmt f, unsigned sign)
{
    unsigned fb = frac_bits[f];
    unsigned ibits = RND(fb);                    /* integer bits below the leading one */
    uint64_t v = fp_make(f, sign, bias(f) + ibits, diff_rng_next(rng));
    unsigned low = fb - ibits;                   /* fraction bits below the binary point */
    uint64_t mask = (1ull << low) - 1, half = 1ull << (low - 1);
    uint64_t tail;
    switch (RND(4)) {
    case 0: tail = half; break;
    case 1: tail = half - 1; break;
    case 2: tail = half + 1; break;
    default: tail = 0; break;
    }
    return (v & ~mask) | (tail & mask);
}

/* Around ±2^k for the integer-conversion limits, a few units in the last
 * place either side; also values in (0, 1) and 2^k ± 0.5. */
static uint64_t near_limit(struct diff_rng *rng, enum gen_fmt f, unsigned sign)
{
    static const unsigned ks[] = {15, 16, 31, 32, 63, 64, 0, 1, 52, 53, 23, 24, 10, 11};
    unsigned k = ks[RND(ARRAY_LEN(ks))];
    long e = (long)bias(f) + k - (PCT(50) ? 1 : 0);
    uint64_t frac = PCT(50) ? 0 : PCT(50) ? ~0ull : RND(8);
    if (PCT(30))
        frac = ~0ull ^ RND(8);
    return fp_with_exp(f, fp_make(f, sign, 0, frac), e);
}

uint64_t gen_fp_near_pow2(struct diff_rng *rng, enum gen_fmt f, int e)
{
    uint64_t frac = PCT(50) ? RND(4) : ~0ull ^ RND(4);
    long be = (long)bias(f) + e - (frac >> 40 ? 1 : 0);   /* just below 2^e, or just above */
    return fp_with_exp(f, fp_make(f, BITS(1), 0, frac), be);
}

uint64_t gen_fp_value(struct diff_rng *rng, enum gen_fmt f)
{
    unsigned sign = BITS(1), fb = frac_bits[f];
    uint64_t emax = exp_max(f), b = bias(f), e;
    switch (RND(20)) {
    case 0: return fp_make(f, sign, 0, 0);                          /* ±0 */
    case 1: return fp_make(f, sign, emax, 0);                       /* ±inf */
    case 2: return fp_make(f, sign, emax, 1ull << (fb - 1) | (PCT(50) ? rand_frac(rng, f) : 0));
    case 3: {                                                       /* sNaN */
        uint64_t frac = rand_frac(rng, f) & ((1ull << (fb - 1)) - 1);
        return fp_make(f, sign, emax, frac ? frac : 1);
    }
    case 4: {                                                       /* denormal */
        uint64_t frac = rand_frac(rng, f) & ((1ull << fb) - 1);
        return fp_make(f, sign, 0, frac ? frac : 1);
    }
    case 5: /* smallest normals */
        e = 1 + RND(2);
        return fp_make(f, sign, e, rand_frac(rng, f));
    case 6: /* largest */
        e = emax - 1 - RND(2);
        return fp_make(f, sign, e, rand_frac(rng, f));
    case 7:
    case 8: /* around 1 */
        e = b - 2 + RND(5);
        return fp_make(f, sign, e, rand_frac(rng, f));
    case 9:
    case 10: return near_half(rng, f, sign);
    case 11:
    case 12: return near_limit(rng, f, sign);
    case 13: return fp_make(f, sign, b + RND(40), 0);               /* powers of two */
    case 14: return diff_rng_next(rng) & ((2ull << (exp_bits[f] + fb)) - 1); /* any bits */
    default:
        e = 1 + RND((uint32_t)emax - 1);
        return fp_make(f, sign, e, rand_frac(rng, f));
    }
}

uint64_t gen_fp_ordinary(struct diff_rng *rng, enum gen_fmt f)
{
    unsigned sign = BITS(1);
    uint64_t b = bias(f);
    if (PCT(10))
        return fp_make(f, sign, 0, 0);
    if (PCT(70))   /* within 2^±20 of 1 */
        return fp_make(f, sign, b - 20 + RND(41), rand_frac(rng, f));
    return fp_make(f, sign, 1 + RND((uint32_t)exp_max(f) - 1), rand_frac(rng, f));
}

uint64_t gen_fp_partner(struct diff_rng *rng, enum gen_fmt f, uint64_t a)
{
    unsigned fb = frac_bits[f], top = exp_bits[f] + fb;
    long ea = (long)fp_exp(f, a), b = (long)bias(f), emax = (long)exp_max(f);
    uint64_t m = gen_fp_value(rng, f);
    long d;
    if (ea == emax || PCT(40))
        return m;
    switch (RND(6)) {
    case 0: { /* cancellation: same high bits, either sign, nearby exponent */
        uint64_t v = a ^ (uint64_t)BITS(1) << top;
        uint64_t flip = diff_rng_next(rng);
        v ^= flip & ((1ull << RND(fb)) - 1);
        return fp_with_exp(f, v, ea + (long)RND(3) - 1);
    }
    case 1: /* product near the smallest normal, or below it */
        d = (long)RND(5) - 2;
        d -= PCT(50) ? (long)RND(fb + 2) : 0;
        return fp_with_exp(f, m, 1 + b - ea + d);
    case 2: /* product near overflow */
        return fp_with_exp(f, m, emax - 1 + b - ea + (long)RND(3) - 1);
    case 3: /* quotient near the smallest normal, or below it */
        d = (long)RND(5) - 2;
        d += PCT(50) ? (long)RND(fb + 2) : 0;
        return fp_with_exp(f, m, ea - 1 + b + d);
    case 4: /* quotient near overflow */
        return fp_with_exp(f, m, ea - emax + 1 + b + (long)RND(3) - 1);
    default: /* a little apart: alignment shifts around the fraction width */
        return fp_with_exp(f, m, ea + (long)RND(2 * fb + 8) - (long)fb - 4);
    }
}

uint64_t gen_fp_fma_addend(struct diff_rng *rng, enum gen_fmt f, uint64_t a, uint64_t b)
{
    uint64_t r;
    if (f == GEN_D) {
        double x, y, p;
        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        p = -(x * y);
        memcpy(&r, &p, 8);
    } else if (f == GEN_S) {
        uint32_t xa = (uint32_t)a, xb = (uint32_t)b, w;
        float x, y, p;
        memcpy(&x, &xa, 4);
        memcpy(&y, &xb, 4);
        p = (float)-((double)x * (double)y);
        memcpy(&w, &p, 4);
        r = w;
    } else {
        return gen_fp_value(rng, f);
    }
    if (PCT(50))
        r += (uint64_t)RND(3) - 1;   /* a unit in the last place off */
    return r;
}

uint64_t gen_int_for_fp(struct diff_rng *rng)
{
    static const unsigned precisions[] = {11, 24, 53};
    uint64_t v;
    switch (RND(6)) {
    case 0: return gen_rand_value(rng);
    case 1: { /* a value with exactly p+1.. significant bits: a tie or near it */
        unsigned p = precisions[RND(3)], len = p + 1 + RND(64 - p);
        v = diff_rng_next(rng) | 1ull << 63;
        v >>= 64 - len;
        unsigned low = len - p;
        uint64_t mask = (1ull << low) - 1, half = 1ull << (low - 1);
        uint64_t tails[] = {half, half - 1, half + 1, 0, mask};
        v = (v & ~mask) | (tails[RND(5)] & mask);
        break;
    }
    case 2: /* ±2^k ± small */
        v = 1ull << RND(64);
        v += RND(5) - 2;
        break;
    default:
        v = diff_rng_next(rng);
        v >>= RND(64);
        break;
    }
    return PCT(25) ? 0 - v : v;
}

uint32_t gen_fpcr(struct diff_rng *rng)
{
    uint32_t fpcr = BITS(2) << DIFF_FPCR_RMODE_SHIFT;
    fpcr |= PCT(35) ? DIFF_FPCR_FZ : 0;
    fpcr |= PCT(35) ? DIFF_FPCR_DN : 0;
    fpcr |= PCT(25) ? DIFF_FPCR_AHP : 0;
    return fpcr;
}

void gen_fill_v(struct diff_rng *rng, struct diff_case *c, enum gen_fmt f)
{
    for (unsigned i = 0; i < 32; i++) {
        uint64_t v = gen_fp_value(rng, f);
        if (f != GEN_D && PCT(20))   /* junk above the scalar: it must be ignored */
            v |= diff_rng_next(rng) << (f == GEN_S ? 32 : 16);
        c->init.v[i][0] = v;
        c->init.v[i][1] = PCT(50) ? diff_rng_next(rng) : 0;
    }
    c->init.fpcr = gen_fpcr(rng);
    c->init.fpsr = PCT(15) ? (uint32_t)diff_rng_next(rng) & (DIFF_FPSR_FLAGS | DIFF_FPSR_QC) : 0;
}
