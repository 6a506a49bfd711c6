/*
 * Private to the soft-float files (fpu.c, fpu_cvt.c): format parameters,
 * the unpacked form of an operand and the steps every operation shares --
 * FPUnpack, FPProcessNaN(s) and FPRoundBase (Arm ARM J1.2).
 */
#ifndef ARMVIRT_FPU_INTERNAL_H
#define ARMVIRT_FPU_INTERNAL_H

#include "cpu/fpu.h"

typedef unsigned __int128 u128;

/* Format parameters: exponent and fraction widths, minimum normal exponent. */
struct fmt_info {
    unsigned ebits, fbits;
    int min_exp;
};

static const struct fmt_info fmt_info[] = {
    [FPU_H] = {5, 10, -14},
    [FPU_S] = {8, 23, -126},
    [FPU_D] = {11, 52, -1022},
};

enum fp_type { FPT_ZERO, FPT_FINITE, FPT_INF, FPT_QNAN, FPT_SNAN };

struct fp_val {
    enum fp_type type;
    bool sign;
    int exp;        /* finite non-zero: value = mant * 2^exp */
    uint64_t mant;
};

static inline bool is_nan(enum fp_type t)
{
    return t == FPT_QNAN || t == FPT_SNAN;
}

static inline uint64_t fp_zero(enum fpu_fmt f, bool sign)
{
    return sign ? fpu_sign_bit(f) : 0;
}

static inline uint64_t fp_exp_ones(enum fpu_fmt f)
{
    const struct fmt_info *fi = &fmt_info[f];
    return ((1ull << fi->ebits) - 1) << fi->fbits;
}

static inline uint64_t fp_inf(enum fpu_fmt f, bool sign)
{
    return fp_zero(f, sign) | fp_exp_ones(f);
}

static inline uint64_t fp_max_normal(enum fpu_fmt f, bool sign)
{
    return fp_zero(f, sign) | (fp_exp_ones(f) - 1);
}

static inline uint64_t fp_default_nan(enum fpu_fmt f)
{
    return fp_exp_ones(f) | 1ull << (fmt_info[f].fbits - 1);
}

/* FZ flushes single and double only: half would need FPCR.FZ16 (FEAT_FP16). */
static inline bool fp_flush(enum fpu_fmt f, uint32_t fpcr)
{
    return (fpcr & FPCR_FZ) && f != FPU_H;
}

static inline unsigned clz128(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64);
    return hi ? (unsigned)__builtin_clzll(hi) : 64 + (unsigned)__builtin_clzll((uint64_t)m);
}

/* FPUnpack (FPUnpackCV for half, where AHP makes exponent 31 a normal one). */
struct fp_val fpu_unpack(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr);

/* FPProcessNaN: quiet a signalling NaN (raising IOC), or the default NaN. */
uint64_t fpu_process_nan(enum fpu_fmt f, enum fp_type t, uint64_t a, uint32_t fpcr,
                         uint32_t *fpsr);

/* FPProcessNaNs / FPProcessNaNs3: signalling NaNs first, then quiet, each in
 * operand order. Returns false if no operand is a NaN. */
bool fpu_process_nans(enum fpu_fmt f, const struct fp_val *v, const uint64_t *ops,
                      unsigned n, uint32_t fpcr, uint32_t *fpsr, uint64_t *res);

/* FPRoundBase of the non-zero value mant * 2^exp; `ahp` selects the
 * alternative half-precision format. See fpu.c. */
uint64_t fpu_round_base(enum fpu_fmt f, bool sign, int exp, u128 mant, uint32_t fpcr,
                        enum fpu_rounding rm, bool ahp, uint32_t *fpsr);

/* Round the exact sum of two non-zero signed values m1*2^e1 + m2*2^e2
 * (mantissas at most 125 bits wide) per FPCR. See fpu.c. */
uint64_t fpu_add_exact(enum fpu_fmt f, bool s1, int e1, u128 m1, bool s2, int e2, u128 m2,
                       uint32_t fpcr, uint32_t *fpsr);

static inline uint64_t fp_round(enum fpu_fmt f, bool sign, int exp, u128 mant, uint32_t fpcr,
                                enum fpu_rounding rm, uint32_t *fpsr)
{
    return fpu_round_base(f, sign, exp, mant, fpcr, rm, false, fpsr);
}

#endif
