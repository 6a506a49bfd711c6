/*
 * Scalar floating point in software, following the Arm ARM pseudocode (J1.2
 * shared/functions/float) step by step; see fpu.h. A finite value is kept
 * unpacked as sign, integer mantissa and exponent (value = mant * 2^exp) so
 * every operation first computes an exact result, or a truncated one plus a
 * sticky bit below all bits that matter, and then rounds once in
 * fpu_round_base. This file: unpacking, NaNs, rounding and arithmetic;
 * conversions are in fpu_cvt.c, host fast paths in fpu_host.h.
 */
#include "cpu/fpu_host.h"
#include "cpu/fpu_internal.h"

/* FPUnpack (FPUnpackCV for half, where AHP makes exponent 31 a normal one). */
struct fp_val fpu_unpack(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const struct fmt_info *fi = &fmt_info[f];
    struct fp_val v = {FPT_FINITE, false, 0, 0};
    unsigned width = 1 + fi->ebits + fi->fbits;
    uint64_t frac = a & ((1ull << fi->fbits) - 1);
    unsigned e = (unsigned)(a >> fi->fbits) & ((1u << fi->ebits) - 1);
    v.sign = a >> (width - 1) & 1;
    if (e == 0) {
        if (frac == 0) {
            v.type = FPT_ZERO;
        } else if (fp_flush(f, fpcr)) {
            v.type = FPT_ZERO;
            *fpsr |= FPSR_IDC;
        } else {
            v.mant = frac;
            v.exp = fi->min_exp - (int)fi->fbits;
        }
    } else if (e == (1u << fi->ebits) - 1 && !(f == FPU_H && (fpcr & FPCR_AHP))) {
        if (frac == 0)
            v.type = FPT_INF;
        else
            v.type = frac >> (fi->fbits - 1) ? FPT_QNAN : FPT_SNAN;
    } else {
        v.mant = frac | 1ull << fi->fbits;
        v.exp = (int)e + fi->min_exp - 1 - (int)fi->fbits;
    }
    return v;
}

/* FPProcessNaN: quiet a signalling NaN (raising IOC), or the default NaN. */
uint64_t fpu_process_nan(enum fpu_fmt f, enum fp_type t, uint64_t a, uint32_t fpcr,
                         uint32_t *fpsr)
{
    if (t == FPT_SNAN) {
        *fpsr |= FPSR_IOC;
        a |= 1ull << (fmt_info[f].fbits - 1);
    }
    return (fpcr & FPCR_DN) ? fp_default_nan(f) : a;
}

/* FPProcessNaNs / FPProcessNaNs3: signalling NaNs first, then quiet, each in
 * operand order. Returns false if no operand is a NaN. */
bool fpu_process_nans(enum fpu_fmt f, const struct fp_val *v, const uint64_t *ops,
                      unsigned n, uint32_t fpcr, uint32_t *fpsr, uint64_t *res)
{
    for (unsigned pass = 0; pass < 2; pass++) {
        enum fp_type want = pass == 0 ? FPT_SNAN : FPT_QNAN;
        for (unsigned i = 0; i < n; i++) {
            if (v[i].type == want) {
                *res = fpu_process_nan(f, want, ops[i], fpcr, fpsr);
                return true;
            }
        }
    }
    return false;
}

/* m >> d, with any bit shifted out ORed into bit 0 (the sticky bit). */
static inline u128 shr_sticky(u128 m, unsigned d)
{
    if (d == 0)
        return m;
    if (d >= 128)
        return m != 0;
    return m >> d | ((m & (((u128)1 << d) - 1)) != 0);
}

/*
 * FPRoundBase for the non-zero value mant * 2^exp (bit 0 of mant may be a
 * sticky bit standing for a non-zero tail below it). Tininess is detected
 * before rounding and Underflow is raised only when the result is inexact;
 * FZ flushes a value tiny before rounding to zero raising UFC but not IXC.
 * `ahp` selects the alternative half-precision format (no infinities).
 */
uint64_t fpu_round_base(enum fpu_fmt f, bool sign, int exp, u128 mant, uint32_t fpcr,
                        enum fpu_rounding rm, bool ahp, uint32_t *fpsr)
{
    const struct fmt_info *fi = &fmt_info[f];
    unsigned lz = clz128(mant);
    mant <<= lz;
    exp -= (int)lz;
    int exponent = exp + 127;   /* value = 1.xxx * 2^exponent */
    if (fp_flush(f, fpcr) && exponent < fi->min_exp) {
        *fpsr |= FPSR_UFC;
        return fp_zero(f, sign);
    }
    int biased = exponent - fi->min_exp + 1;
    unsigned shift = 127 - fi->fbits;
    if (biased <= 0) {
        shift += (unsigned)(fi->min_exp - exponent);
        biased = 0;
    }
    uint64_t int_mant;
    int half_cmp;   /* error compared with 0.5 ulp: -1, 0, +1 */
    bool inexact;
    if (shift >= 128) {
        int_mant = 0;
        inexact = true;
        half_cmp = shift > 128 ? -1 : (mant == (u128)1 << 127 ? 0 : 1);
    } else {
        u128 rem = mant & (((u128)1 << shift) - 1), half = (u128)1 << (shift - 1);
        int_mant = (uint64_t)(mant >> shift);
        inexact = rem != 0;
        half_cmp = rem < half ? -1 : rem > half;
    }
    if (biased == 0 && inexact)
        *fpsr |= FPSR_UFC;

    bool up, overflow_to_inf;
    switch (rm) {
    case FPU_RN:
        up = half_cmp > 0 || (half_cmp == 0 && (int_mant & 1));
        overflow_to_inf = true;
        break;
    case FPU_RP: up = inexact && !sign; overflow_to_inf = !sign; break;
    case FPU_RM: up = inexact && sign; overflow_to_inf = sign; break;
    case FPU_RA: up = half_cmp >= 0; overflow_to_inf = true; break;
    default: up = false; overflow_to_inf = false; break;   /* RZ and RODD */
    }
    if (rm == FPU_RODD && inexact)
        int_mant |= 1;
    if (up) {
        int_mant++;
        if (int_mant == 1ull << fi->fbits)
            biased = 1;   /* rounded up from denormal to normal */
        if (int_mant == 1ull << (fi->fbits + 1)) {
            biased++;
            int_mant >>= 1;
        }
    }
    uint64_t result;
    uint64_t fields = (uint64_t)biased << fi->fbits | (int_mant & ((1ull << fi->fbits) - 1));
    if (!ahp) {
        if (biased >= (1 << fi->ebits) - 1) {
            result = overflow_to_inf ? fp_inf(f, sign) : fp_max_normal(f, sign);
            *fpsr |= FPSR_OFC;
            inexact = true;
        } else {
            result = fp_zero(f, sign) | fields;
        }
    } else if (biased >= 1 << fi->ebits) {
        result = fp_zero(f, sign) | 0x7fff;
        *fpsr |= FPSR_IOC;
        inexact = false;
    } else {
        result = fp_zero(f, sign) | fields;
    }
    if (inexact)
        *fpsr |= FPSR_IXC;
    return result;
}

/* Round the exact sum of two non-zero signed values m1*2^e1 + m2*2^e2 (each
 * mantissa at most 125 bits wide). Both are aligned at bit 125, leaving room
 * for the carry; the smaller one loses bits only far below the result's
 * rounding point, where a sticky bit keeps the rounding right. */
uint64_t fpu_add_exact(enum fpu_fmt f, bool s1, int e1, u128 m1, bool s2, int e2, u128 m2,
                       uint32_t fpcr, uint32_t *fpsr)
{
    enum fpu_rounding rm = fpu_rmode(fpcr);
    int l1 = (int)clz128(m1) - 2, l2 = (int)clz128(m2) - 2;
    m1 <<= l1;
    e1 -= l1;
    m2 <<= l2;
    e2 -= l2;
    if (e1 < e2) {
        bool ts = s1; s1 = s2; s2 = ts;
        int te = e1; e1 = e2; e2 = te;
        u128 tm = m1; m1 = m2; m2 = tm;
    }
    m2 = shr_sticky(m2, (unsigned)(e1 - e2 > 200 ? 200 : e1 - e2));
    u128 m;
    bool sign = s1;
    if (s1 == s2) {
        m = m1 + m2;
    } else if (m1 >= m2) {
        m = m1 - m2;
    } else {
        m = m2 - m1;
        sign = s2;
    }
    if (m == 0)   /* exact zero: its sign depends on the rounding mode */
        return fp_zero(f, rm == FPU_RM);
    return fp_round(f, sign, e1, m, fpcr, rm, fpsr);
}

static uint64_t fp_addsub(enum fpu_fmt f, uint64_t a, uint64_t b, bool sub, uint32_t fpcr,
                          uint32_t *fpsr)
{
    struct fp_val v[2] = {fpu_unpack(f, a, fpcr, fpsr), fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[2] = {a, b}, res;
    if (fpu_process_nans(f, v, ops, 2, fpcr, fpsr, &res))
        return res;
    bool s1 = v[0].sign, s2 = v[1].sign ^ sub;
    bool inf1 = v[0].type == FPT_INF, inf2 = v[1].type == FPT_INF;
    bool zero1 = v[0].type == FPT_ZERO, zero2 = v[1].type == FPT_ZERO;
    if (inf1 && inf2 && s1 != s2) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    if (inf1 || inf2)
        return fp_inf(f, inf1 ? s1 : s2);
    if (zero1 && zero2)
        return fp_zero(f, s1 == s2 ? s1 : fpu_rmode(fpcr) == FPU_RM);
    if (zero1)
        return fp_round(f, s2, v[1].exp, v[1].mant, fpcr, fpu_rmode(fpcr), fpsr);
    if (zero2)
        return fp_round(f, s1, v[0].exp, v[0].mant, fpcr, fpu_rmode(fpcr), fpsr);
    return fpu_add_exact(f, s1, v[0].exp, v[0].mant, s2, v[1].exp, v[1].mant, fpcr, fpsr);
}

uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t r;
    if (fpu_host_add(f, a, b, fpcr, fpsr, &r))
        return r;
    return fp_addsub(f, a, b, false, fpcr, fpsr);
}

uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t r;
    if (fpu_host_add(f, a, fpu_neg(f, b), fpcr, fpsr, &r))
        return r;
    return fp_addsub(f, a, b, true, fpcr, fpsr);
}

uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t r;
    if (fpu_host_mul(f, a, b, fpcr, fpsr, &r))
        return r;
    struct fp_val v[2] = {fpu_unpack(f, a, fpcr, fpsr), fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[2] = {a, b}, res;
    if (fpu_process_nans(f, v, ops, 2, fpcr, fpsr, &res))
        return res;
    bool sign = v[0].sign ^ v[1].sign;
    bool inf1 = v[0].type == FPT_INF, inf2 = v[1].type == FPT_INF;
    bool zero1 = v[0].type == FPT_ZERO, zero2 = v[1].type == FPT_ZERO;
    if ((inf1 && zero2) || (zero1 && inf2)) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    if (inf1 || inf2)
        return fp_inf(f, sign);
    if (zero1 || zero2)
        return fp_zero(f, sign);
    return fp_round(f, sign, v[0].exp + v[1].exp, (u128)v[0].mant * v[1].mant, fpcr,
                    fpu_rmode(fpcr), fpsr);
}

uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t r;
    if (fpu_host_div(f, a, b, fpcr, fpsr, &r))
        return r;
    struct fp_val v[2] = {fpu_unpack(f, a, fpcr, fpsr), fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[2] = {a, b}, res;
    if (fpu_process_nans(f, v, ops, 2, fpcr, fpsr, &res))
        return res;
    bool sign = v[0].sign ^ v[1].sign;
    bool inf1 = v[0].type == FPT_INF, inf2 = v[1].type == FPT_INF;
    bool zero1 = v[0].type == FPT_ZERO, zero2 = v[1].type == FPT_ZERO;
    if ((inf1 && inf2) || (zero1 && zero2)) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    if (inf1 || zero2) {
        if (!inf1)
            *fpsr |= FPSR_DZC;
        return fp_inf(f, sign);
    }
    if (zero1 || inf2)
        return fp_zero(f, sign);
    /* Dividend at bit 127 over a divisor of at most 53 bits: a quotient of at
     * least 74 bits, the remainder becoming the sticky bit. */
    unsigned lz = clz128(v[0].mant);
    u128 n = (u128)v[0].mant << lz;
    u128 q = n / v[1].mant;
    q |= (n % v[1].mant) != 0;
    return fp_round(f, sign, v[0].exp - (int)lz - v[1].exp, q, fpcr, fpu_rmode(fpcr), fpsr);
}

uint64_t fpu_muladd(enum fpu_fmt f, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
                    uint32_t *fpsr)
{
    uint64_t r;
    if (fpu_host_muladd(f, addend, a, b, fpcr, fpsr, &r))
        return r;
    struct fp_val v[3] = {fpu_unpack(f, addend, fpcr, fpsr), fpu_unpack(f, a, fpcr, fpsr),
                          fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[3] = {addend, a, b}, res;
    bool inf1 = v[1].type == FPT_INF, inf2 = v[2].type == FPT_INF;
    bool zero1 = v[1].type == FPT_ZERO, zero2 = v[2].type == FPT_ZERO;
    bool infzero = (inf1 && zero2) || (zero1 && inf2);
    if (fpu_process_nans(f, v, ops, 3, fpcr, fpsr, &res)) {
        /* A quiet-NaN addend does not hide the invalid 0 * inf. */
        if (v[0].type == FPT_QNAN && infzero) {
            *fpsr |= FPSR_IOC;
            return fp_default_nan(f);
        }
        return res;
    }
    bool sa = v[0].sign, sp = v[1].sign ^ v[2].sign;
    bool infa = v[0].type == FPT_INF, zeroa = v[0].type == FPT_ZERO;
    bool infp = inf1 || inf2, zerop = zero1 || zero2;
    if (infzero || (infa && infp && sa != sp)) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    if (infa || infp)
        return fp_inf(f, infa ? sa : sp);
    enum fpu_rounding rm = fpu_rmode(fpcr);
    if (zeroa && zerop)
        return fp_zero(f, sa == sp ? sa : rm == FPU_RM);
    if (zerop)
        return fp_round(f, sa, v[0].exp, v[0].mant, fpcr, rm, fpsr);
    int ep = v[1].exp + v[2].exp;
    u128 mp = (u128)v[1].mant * v[2].mant;
    if (zeroa)
        return fp_round(f, sp, ep, mp, fpcr, rm, fpsr);
    return fpu_add_exact(f, sa, v[0].exp, v[0].mant, sp, ep, mp, fpcr, fpsr);
}

/* Integer square root of a 128-bit value; *inexact if it is not a square. */
static uint64_t isqrt128(u128 x, bool *inexact)
{
    u128 res = 0, one = (u128)1 << 126;
    while (one > x)
        one >>= 2;
    while (one) {
        if (x >= res + one) {
            x -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *inexact = x != 0;
    return (uint64_t)res;
}

uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    uint64_t res;
    if (fpu_host_sqrt(f, a, fpcr, fpsr, &res))
        return res;
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    if (is_nan(v.type))
        return fpu_process_nan(f, v.type, a, fpcr, fpsr);
    if (v.type == FPT_ZERO)
        return fp_zero(f, v.sign);
    if (v.type == FPT_INF && !v.sign)
        return fp_inf(f, false);
    if (v.sign) {
        *fpsr |= FPSR_IOC;
        return fp_default_nan(f);
    }
    /* Mantissa up to bit 126 or 127 so the exponent is even: a 64-bit root. */
    unsigned lz = clz128(v.mant) - 1;
    u128 m = (u128)v.mant << lz;
    int e = v.exp - (int)lz;
    if (e & 1) {
        m <<= 1;
        e--;
    }
    bool inexact;
    u128 r = isqrt128(m, &inexact);
    r |= inexact;
    return fp_round(f, false, e / 2, r, fpcr, fpu_rmode(fpcr), fpsr);
}

/* The value of a finite operand compared with another: -1, 0, +1. Zero and
 * infinities included; NaNs excluded by the callers. */
static int fp_cmp_vals(const struct fp_val *x, const struct fp_val *y)
{
    int sx = x->type == FPT_ZERO ? 0 : x->sign ? -1 : 1;
    int sy = y->type == FPT_ZERO ? 0 : y->sign ? -1 : 1;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    if (sx == 0)
        return 0;
    /* Same sign, both non-zero: compare magnitudes. */
    int mag;
    if (x->type == FPT_INF || y->type == FPT_INF) {
        mag = (x->type == FPT_INF) - (y->type == FPT_INF);
    } else {
        int zx = __builtin_clzll(x->mant), zy = __builtin_clzll(y->mant);
        int lx = 63 - zx + x->exp, ly = 63 - zy + y->exp;   /* leading-bit exponents */
        if (lx != ly) {
            mag = lx < ly ? -1 : 1;
        } else {
            uint64_t mx = x->mant << zx, my = y->mant << zy;   /* both aligned at bit 63 */
            mag = mx < my ? -1 : mx > my;
        }
    }
    return sx > 0 ? mag : -mag;
}

uint32_t fpu_compare(enum fpu_fmt f, uint64_t a, uint64_t b, bool signal, uint32_t fpcr,
                     uint32_t *fpsr)
{
    struct fp_val x = fpu_unpack(f, a, fpcr, fpsr), y = fpu_unpack(f, b, fpcr, fpsr);
    if (is_nan(x.type) || is_nan(y.type)) {
        if (x.type == FPT_SNAN || y.type == FPT_SNAN || signal)
            *fpsr |= FPSR_IOC;
        return 0x3u << 28;
    }
    int c = fp_cmp_vals(&x, &y);
    return c == 0 ? 0x6u << 28 : c < 0 ? 0x8u << 28 : 0x2u << 28;
}

/* FPMax / FPMin. A finite non-zero result is the operand itself: FPRound of
 * an unpacked operand value gives back the same bits. */
static uint64_t fp_maxmin(enum fpu_fmt f, uint64_t a, uint64_t b, bool max, uint32_t fpcr,
                          uint32_t *fpsr)
{
    struct fp_val v[2] = {fpu_unpack(f, a, fpcr, fpsr), fpu_unpack(f, b, fpcr, fpsr)};
    uint64_t ops[2] = {a, b}, res;
    if (fpu_process_nans(f, v, ops, 2, fpcr, fpsr, &res))
        return res;
    int c = fp_cmp_vals(&v[0], &v[1]);
    unsigned pick = (max ? c > 0 : c < 0) ? 0 : 1;
    if (v[pick].type == FPT_ZERO)   /* most positive / negative zero */
        return fp_zero(f, max ? v[0].sign && v[1].sign : v[0].sign || v[1].sign);
    return ops[pick];
}

uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_maxmin(f, a, b, true, fpcr, fpsr);
}

uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_maxmin(f, a, b, false, fpcr, fpsr);
}

/* FPMaxNum / FPMinNum: one quiet NaN loses to any number, as the infinity
 * that cannot win; then FPMax / FPMin. */
static uint64_t fp_maxmin_num(enum fpu_fmt f, uint64_t a, uint64_t b, bool max, uint32_t fpcr,
                              uint32_t *fpsr)
{
    uint32_t ignored = 0;
    enum fp_type ta = fpu_unpack(f, a, fpcr, &ignored).type;
    enum fp_type tb = fpu_unpack(f, b, fpcr, &ignored).type;
    if (ta == FPT_QNAN && tb != FPT_QNAN)
        a = fp_inf(f, max);
    else if (ta != FPT_QNAN && tb == FPT_QNAN)
        b = fp_inf(f, max);
    /* The second unpack (inside fp_maxmin) raises the same IDC. */
    return fp_maxmin(f, a, b, max, fpcr, fpsr);
}

uint64_t fpu_maxnum(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_maxmin_num(f, a, b, true, fpcr, fpsr);
}

uint64_t fpu_minnum(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_maxmin_num(f, a, b, false, fpcr, fpsr);
}
