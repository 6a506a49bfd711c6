/*
 * Floating-point conversions (Arm ARM J1.2): FPConvert between precisions,
 * FPToFixed, FixedToFP, FPRoundInt, and VFPExpandImm; see fpu.h.
 */
#include "cpu/fpu_internal.h"

/* FPConvertNaN: keep sign and the top of the payload, set the quiet bit. */
static uint64_t fp_convert_nan(enum fpu_fmt to, enum fpu_fmt from, uint64_t a)
{
    const struct fmt_info *fo = &fmt_info[to], *fi = &fmt_info[from];
    bool sign = a >> (fi->ebits + fi->fbits) & 1;
    uint64_t payload = a & ((1ull << (fi->fbits - 1)) - 1);   /* below the quiet bit */
    if (fo->fbits > fi->fbits)
        payload <<= fo->fbits - fi->fbits;
    else
        payload >>= fi->fbits - fo->fbits;
    return fp_zero(to, sign) | fp_default_nan(to) | payload;
}

uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, uint32_t fpcr,
                     uint32_t *fpsr)
{
    return fpu_convert_rm(to, from, a, fpu_rmode(fpcr), fpcr, fpsr);
}

uint64_t fpu_convert_rm(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, enum fpu_rounding rm,
                        uint32_t fpcr, uint32_t *fpsr)
{
    struct fp_val v = fpu_unpack(from, a, fpcr, fpsr);
    bool alt_hp = to == FPU_H && (fpcr & FPCR_AHP);
    if (is_nan(v.type)) {
        uint64_t r;
        if (alt_hp)
            r = fp_zero(to, v.sign);
        else if (fpcr & FPCR_DN)
            r = fp_default_nan(to);
        else
            r = fp_convert_nan(to, from, a);
        if (v.type == FPT_SNAN || alt_hp)
            *fpsr |= FPSR_IOC;
        return r;
    }
    if (v.type == FPT_INF) {
        if (alt_hp) {
            *fpsr |= FPSR_IOC;
            return fp_zero(to, v.sign) | 0x7fff;
        }
        return fp_inf(to, v.sign);
    }
    if (v.type == FPT_ZERO)
        return fp_zero(to, v.sign);
    return fpu_round_base(to, v.sign, v.exp, v.mant, fpcr, rm, alt_hp, fpsr);
}

/* Round the magnitude `mag` + frac to an integer per mode, where frac is
 * described by its comparison with one half and whether it is non-zero. */
static bool round_int_up(enum fpu_rounding rm, bool sign, uint64_t mag, int half_cmp, bool inexact)
{
    switch (rm) {
    case FPU_RN: return half_cmp > 0 || (half_cmp == 0 && (mag & 1));
    case FPU_RP: return inexact && !sign;
    case FPU_RM: return inexact && sign;
    case FPU_RA: return half_cmp >= 0 && inexact;
    default: return false;
    }
}

/* Split a finite non-zero value times 2^fbits into integer magnitude and
 * fraction. Returns false if the magnitude does not fit in 64 bits. */
static bool split_int(const struct fp_val *v, int fbits, uint64_t *mag, int *half_cmp,
                      bool *inexact)
{
    int e = v->exp + fbits;
    if (e >= 0) {
        if (e > 63 || (v->mant >> (63 - e)) > 1)   /* would exceed 64 bits */
            return false;
        *mag = v->mant << e;
        *half_cmp = -1;
        *inexact = false;
        return true;
    }
    unsigned d = (unsigned)-e;
    u128 m = v->mant;
    if (d >= 100) {
        *mag = 0;
        *half_cmp = -1;
        *inexact = true;
        return true;
    }
    u128 rem = m & (((u128)1 << d) - 1), half = (u128)1 << (d - 1);
    *mag = (uint64_t)(m >> d);
    *half_cmp = rem < half ? -1 : rem > half;
    *inexact = rem != 0;
    return true;
}

uint64_t fpu_to_fixed(enum fpu_fmt f, uint64_t a, unsigned fbits, bool is_unsigned,
                      unsigned bits, enum fpu_rounding rounding, uint32_t fpcr, uint32_t *fpsr)
{
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t smax = umax >> 1;
    if (is_nan(v.type)) {
        *fpsr |= FPSR_IOC;
        return 0;
    }
    if (v.type == FPT_ZERO)
        return 0;
    uint64_t mag = 0;
    int half_cmp = -1;
    bool inexact = false;
    bool big = v.type == FPT_INF || !split_int(&v, (int)fbits, &mag, &half_cmp, &inexact);
    if (!big && round_int_up(rounding, v.sign, mag, half_cmp, inexact)) {
        if (++mag == 0)
            big = true;
    }
    uint64_t r;
    bool overflow;
    if (is_unsigned) {
        overflow = big || (v.sign ? mag != 0 : mag > umax);
        r = overflow ? (v.sign ? 0 : umax) : v.sign ? 0 : mag;
    } else {
        overflow = big || (v.sign ? mag > smax + 1 : mag > smax);
        r = overflow ? (v.sign ? ~smax : smax) : v.sign ? -mag : mag;
        r &= umax;
    }
    if (overflow)
        *fpsr |= FPSR_IOC;
    else if (inexact)
        *fpsr |= FPSR_IXC;
    return r;
}

uint64_t fpu_from_fixed(enum fpu_fmt f, uint64_t v, unsigned fbits, bool is_unsigned,
                        unsigned bits, uint32_t fpcr, uint32_t *fpsr)
{
    if (bits == 32)
        v = is_unsigned ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
    if (v == 0)
        return fp_zero(f, false);
    bool sign = !is_unsigned && (int64_t)v < 0;
    uint64_t mag = sign ? -v : v;
    return fp_round(f, sign, -(int)fbits, mag, fpcr, fpu_rmode(fpcr), fpsr);
}

uint64_t fpu_round_int(enum fpu_fmt f, uint64_t a, enum fpu_rounding rounding, bool exact,
                       uint32_t fpcr, uint32_t *fpsr)
{
    struct fp_val v = fpu_unpack(f, a, fpcr, fpsr);
    if (is_nan(v.type))
        return fpu_process_nan(f, v.type, a, fpcr, fpsr);
    if (v.type == FPT_INF)
        return fp_inf(f, v.sign);
    if (v.type == FPT_ZERO)
        return fp_zero(f, v.sign);
    if (v.exp >= 0)   /* already an integer */
        return a;
    uint64_t mag;
    int half_cmp;
    bool inexact;
    split_int(&v, 0, &mag, &half_cmp, &inexact);
    if (round_int_up(rounding, v.sign, mag, half_cmp, inexact))
        mag++;
    if (inexact && exact)
        *fpsr |= FPSR_IXC;
    if (mag == 0)
        return fp_zero(f, v.sign);
    uint32_t ignored = 0;   /* exact: raises nothing */
    return fp_round(f, v.sign, 0, mag, fpcr, FPU_RZ, &ignored);
}

uint64_t fpu_expand_imm(enum fpu_fmt f, unsigned imm8)
{
    const struct fmt_info *fi = &fmt_info[f];
    uint64_t sign = imm8 >> 7 & 1, b6 = imm8 >> 6 & 1;
    /* exp = NOT(b6) : Replicate(b6, E-3) : imm8<5:4> */
    uint64_t exp = (b6 ^ 1) << (fi->ebits - 1) | (b6 ? ((1ull << (fi->ebits - 3)) - 1) << 2 : 0) |
                   (imm8 >> 4 & 3);
    uint64_t frac = (uint64_t)(imm8 & 15) << (fi->fbits - 4);
    return sign << (fi->ebits + fi->fbits) | exp << fi->fbits | frac;
}
