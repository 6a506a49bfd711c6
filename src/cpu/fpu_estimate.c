/*
 * FPMulX, the fused reciprocal steps and the estimate instructions, step by
 * step as the Arm ARM pseudocode defines them; see fpu_estimate.h.
 */
#include <math.h>

#include "cpu/fpu_estimate.h"
#include "cpu/fpu_internal.h"

/* The constant 2^exp_offset times 1.0, or times 1.5 with `top_frac`. */
static uint64_t fp_const(enum fpu_fmt f, bool sign, unsigned exp_offset, uint64_t top_frac)
{
    const struct fmt_info *fi = &fmt_info[f];
    uint64_t bias = (1ull << (fi->ebits - 1)) - 1;
    return fp_zero(f, sign) | (bias + exp_offset) << fi->fbits | top_frac << (fi->fbits - 1);
}

static inline uint64_t fp_two(enum fpu_fmt f, bool sign)
{
    return fp_const(f, sign, 1, 0);
}

static inline uint64_t fp_one_point_five(enum fpu_fmt f)
{
    return fp_const(f, false, 0, 1);
}

static inline bool inf_times_zero(const struct fp_val *x, const struct fp_val *y)
{
    return (x->type == FPT_INF && y->type == FPT_ZERO) ||
           (x->type == FPT_ZERO && y->type == FPT_INF);
}

uint64_t fpu_mulx(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint32_t flags = 0;
    struct fp_val x = fpu_unpack(f, a, fpcr, &flags), y = fpu_unpack(f, b, fpcr, &flags);
    if (!is_nan(x.type) && !is_nan(y.type) && inf_times_zero(&x, &y)) {
        *fpsr |= flags;
        return fp_two(f, x.sign ^ y.sign);
    }
    return fpu_mul(f, a, b, fpcr, fpsr);
}

/* FPRecipStepFused: the first operand is negated before anything else, NaN
 * processing included; infinity times zero gives +2.0. Otherwise this is
 * the fused 2.0 + (-a) * b of FPMulAdd. */
uint64_t fpu_recip_step(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint32_t flags = 0;
    uint64_t na = fpu_neg(f, a);
    struct fp_val x = fpu_unpack(f, na, fpcr, &flags), y = fpu_unpack(f, b, fpcr, &flags);
    if (!is_nan(x.type) && !is_nan(y.type) && inf_times_zero(&x, &y)) {
        *fpsr |= flags;
        return fp_two(f, false);
    }
    return fpu_muladd(f, fp_two(f, false), na, b, fpcr, fpsr);
}

/* FPRSqrtStepFused: (3.0 + (-a) * b) / 2.0 with one rounding, so it is
 * summed exactly as 3 * 2^-1 + product * 2^-1; infinity times zero gives
 * +1.5. */
uint64_t fpu_rsqrt_step(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t na = fpu_neg(f, a);
    struct fp_val v[2] = {fpu_unpack(f, na, fpcr, fpsr), fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[2] = {na, b}, res;
    if (fpu_process_nans(f, v, ops, 2, fpcr, fpsr, &res))
        return res;
    if (inf_times_zero(&v[0], &v[1]))
        return fp_one_point_five(f);
    bool sign = v[0].sign ^ v[1].sign;
    if (v[0].type == FPT_INF || v[1].type == FPT_INF)
        return fp_inf(f, sign);
    if (v[0].type == FPT_ZERO || v[1].type == FPT_ZERO)
        return fp_one_point_five(f);
    return fpu_add_exact(f, false, -1, 3, sign, v[0].exp + v[1].exp - 1,
                         (u128)v[0].mant * v[1].mant, fpcr, fpsr);
}

/* ---- the 8-bit estimate tables ---- */

unsigned fpu_recip_table(unsigned a)
{
    a = a * 2 + 1;   /* to units of 1/1024, rounded to nearest */
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

unsigned fpu_rsqrt_table(unsigned a)
{
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    /* b = the largest value from 512 up with a * (b + 1)^2 < 2^28; start
     * the pseudocode's linear search just below it instead of at 512. */
    long start = (long)(16384.0 / sqrt((double)a)) - 3;
    uint64_t b = start > 512 ? (uint64_t)start : 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
        b++;
    return (unsigned)(b + 1) / 2;
}

/* The operand's fraction field widened to 52 bits and its biased exponent,
 * as the estimate pseudocode scales every format to double's layout. */
static uint64_t frac52(enum fpu_fmt f, uint64_t a, int *exp)
{
    const struct fmt_info *fi = &fmt_info[f];
    *exp = (int)(a >> fi->fbits & ((1u << fi->ebits) - 1));
    return (a & ((1ull << fi->fbits) - 1)) << (52 - fi->fbits);
}

#define FRAC52_MASK ((1ull << 52) - 1)

uint64_t fpu_recip_estimate(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const struct fmt_info *fi = &fmt_info[f];
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    int bias = (1 << (fi->ebits - 1)) - 1;
    int exp;
    uint64_t fraction = frac52(f, a, &exp);
    if (is_nan(v.type))
        return fpu_process_nan(f, v.type, a, fpcr, fpsr);
    if (v.type == FPT_INF)
        return fp_zero(f, v.sign);
    if (v.type == FPT_ZERO) {
        *fpsr |= FPSR_DZC;
        return fp_inf(f, v.sign);
    }
    /* |value| < 2^(min_exp - 2): a denormal whose top two fraction bits are
     * clear. The reciprocal overflows. */
    if (exp == 0 && (fraction >> 50) == 0) {
        bool to_inf;
        switch (fpu_rmode(fpcr)) {
        case FPU_RN: to_inf = true; break;
        case FPU_RP: to_inf = !v.sign; break;
        case FPU_RM: to_inf = v.sign; break;
        default: to_inf = false; break;
        }
        *fpsr |= FPSR_OFC | FPSR_IXC;
        return to_inf ? fp_inf(f, v.sign) : fp_max_normal(f, v.sign);
    }
    /* |value| >= 2^-min_exp: the reciprocal is tiny and flushed under FZ. */
    if (fp_flush(f, fpcr) && exp >= 2 * bias - 1) {
        *fpsr |= FPSR_UFC;
        return fp_zero(f, v.sign);
    }
    if (exp == 0) {
        if (!(fraction >> 51 & 1)) {
            exp = -1;
            fraction = fraction << 2 & FRAC52_MASK;
        } else {
            fraction = fraction << 1 & FRAC52_MASK;
        }
    }
    unsigned scaled = 256 | (unsigned)(fraction >> 44);
    int result_exp = 2 * bias - 1 - exp;
    fraction = (uint64_t)(fpu_recip_table(scaled) & 0xff) << 44;
    if (result_exp == 0) {
        fraction = 1ull << 51 | fraction >> 1;
    } else if (result_exp == -1) {
        fraction = 1ull << 50 | fraction >> 2;
        result_exp = 0;
    }
    return fp_zero(f, v.sign) | (uint64_t)result_exp << fi->fbits | fraction >> (52 - fi->fbits);
}

uint64_t fpu_rsqrt_estimate(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const struct fmt_info *fi = &fmt_info[f];
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    int bias = (1 << (fi->ebits - 1)) - 1;
    int exp;
    uint64_t fraction = frac52(f, a, &exp);
    if (is_nan(v.type))
        return fpu_process_nan(f, v.type, a, fpcr, fpsr);
    if (v.type == FPT_ZERO) {
        *fpsr |= FPSR_DZC;
        return fp_inf(f, v.sign);
    }
    if (v.sign) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    if (v.type == FPT_INF)
        return fp_zero(f, false);
    /* Normalise a denormal, keeping the exponent's parity meaningful. */
    if (exp == 0) {
        while (!(fraction >> 51 & 1)) {
            fraction = fraction << 1 & FRAC52_MASK;
            exp--;
        }
        fraction = fraction << 1 & FRAC52_MASK;
    }
    /* An even biased exponent is an odd power of two (the bias is odd):
     * the value scales to [0.5, 1.0), an odd one to [0.25, 0.5). */
    unsigned scaled = (exp & 1) ? 128 | (unsigned)(fraction >> 45)
                                : 256 | (unsigned)(fraction >> 44);
    int result_exp = (3 * bias - 1 - exp) / 2;   /* positive: plain division floors */
    uint64_t est = fpu_rsqrt_table(scaled) & 0xff;
    return (uint64_t)result_exp << fi->fbits | est << (fi->fbits - 8);
}

uint64_t fpu_recpx(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const struct fmt_info *fi = &fmt_info[f];
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    if (is_nan(v.type))
        return fpu_process_nan(f, v.type, a, fpcr, fpsr);
    uint64_t emask = (1ull << fi->ebits) - 1;
    uint64_t exp = a >> fi->fbits & emask;
    /* Zeros and denormals give the largest finite exponent, the rest the
     * inverted exponent; the fraction is always zero. */
    uint64_t rexp = exp == 0 ? emask - 1 : ~exp & emask;
    return fp_zero(f, v.sign) | rexp << fi->fbits;
}

uint32_t fpu_urecip_estimate(uint32_t a)
{
    if (!(a >> 31))
        return 0xffffffffu;
    return fpu_recip_table(a >> 23) << 23;
}

uint32_t fpu_ursqrt_estimate(uint32_t a)
{
    if (!(a >> 30))
        return 0xffffffffu;
    return fpu_rsqrt_table(a >> 23) << 23;
}
