/*
 * What the generators share (gen.c, gen_fp.c, gen_simd.c): the random
 * helpers, operand and state helpers, and the generator functions of every
 * group, which gen.c puts in one table.
 */
#ifndef ARMVIRT_DIFF_GEN_UTIL_H
#define ARMVIRT_DIFF_GEN_UTIL_H

#include "gen.h"

/* In a generator, `rng` is the case's random stream. */
#define RND(n) diff_rng_below(rng, (n))
#define BITS(n) ((uint32_t)(diff_rng_next(rng) >> (64 - (n))))
#define PCT(p) (RND(100) < (p))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- integer operands and state (gen_util.c) ---- */

/* A 64-bit value biased to the edges of integer arithmetic. */
uint64_t gen_rand_value(struct diff_rng *rng);
/* A register number, with 31 (SP or XZR) drawn more often than 1/32. */
unsigned gen_rand_reg(struct diff_rng *rng);
/* A register number other than those in `avoid` (bit mask); never 31. */
unsigned gen_rand_reg_not(struct diff_rng *rng, uint32_t avoid);
void gen_set_reg_sp(struct diff_case *c, unsigned n, uint64_t v);
uint64_t gen_get_reg(const struct diff_case *c, unsigned n);
/* The address of the word under test. */
uint64_t gen_test_pc(const struct diff_case *c);
/* An address for an access of `bytes` bytes, mostly in RAM and aligned to
 * `align`; the case's random patch is put where it goes. */
uint64_t gen_rand_target(struct diff_rng *rng, struct diff_case *c, unsigned align,
                         unsigned bytes);
uint64_t gen_sext(uint64_t v, unsigned bits);
/* Aim a PC-relative literal load of imm19 at RAM (mostly), patch there. */
uint32_t gen_literal_imm19(struct diff_rng *rng, struct diff_case *c, unsigned bytes);

/* ---- floating-point operands (gen_fpval.c) ---- */

enum gen_fmt { GEN_H, GEN_S, GEN_D };

/* A value of everyday code: mostly normals near 1, some anywhere in the
 * normal range, some zeros; never a NaN, infinity or denormal. The host
 * fast paths take these, so they must be tested often. */
uint64_t gen_fp_ordinary(struct diff_rng *rng, enum gen_fmt f);

/* A value of format f biased to special values: ±0, ±inf, quiet and
 * signalling NaNs with payloads, denormals, min/max normals, values near 1,
 * near rounding boundaries (halfway between integers) and near the
 * integer-conversion limits 2^15, 2^16, 2^31, 2^32, 2^63, 2^64. */
uint64_t gen_fp_value(struct diff_rng *rng, enum gen_fmt f);
/* ±2^e a few units in the last place above, or just below it. */
uint64_t gen_fp_near_pow2(struct diff_rng *rng, enum gen_fmt f, int e);
/* A second operand for a two- or three-operand operation on `a`: close to
 * it (cancellation), or making the product/quotient overflow or underflow,
 * or a little apart in exponent; otherwise independent. */
uint64_t gen_fp_partner(struct diff_rng *rng, enum gen_fmt f, uint64_t a);
/* An addend close to -(a * b), so a fused multiply-add cancels. */
uint64_t gen_fp_fma_addend(struct diff_rng *rng, enum gen_fmt f, uint64_t a, uint64_t b);
/* An integer for SCVTF/UCVTF: limits, exact/inexact boundaries of each
 * format, ties. */
uint64_t gen_int_for_fp(struct diff_rng *rng);
/* A random FPCR: RMode, FZ, DN, AHP. */
uint32_t gen_fpcr(struct diff_rng *rng);
/* Fill V0-V31 with values of format f (low lanes; the rest random or 0). */
void gen_fill_v(struct diff_rng *rng, struct diff_case *c, enum gen_fmt f);

/* ---- the groups ---- */
#define GEN_FN(name) void name(struct diff_rng *rng, struct diff_case *c)
GEN_FN(gen_fp_arith);
GEN_FN(gen_fp_minmax);
GEN_FN(gen_fp_fma);
GEN_FN(gen_fp_unary);
GEN_FN(gen_fp_frint);
GEN_FN(gen_fp_cvt_prec);
GEN_FN(gen_fp_cmp);
GEN_FN(gen_fp_ccmp);
GEN_FN(gen_fp_csel);
GEN_FN(gen_fp_fmov_imm);
GEN_FN(gen_fp_to_int);
GEN_FN(gen_fp_from_int);
GEN_FN(gen_fp_fixed);
GEN_FN(gen_fp_fmov_gen);
GEN_FN(gen_fp_random);
GEN_FN(gen_fp_sysreg);
GEN_FN(gen_fp_trap);
GEN_FN(gen_fp_ldst_uimm);
GEN_FN(gen_fp_ldst_simm9);
GEN_FN(gen_fp_ldst_regoff);
GEN_FN(gen_fp_ldst_pair);
GEN_FN(gen_fp_ldst_literal);
GEN_FN(gen_simd_3same);
GEN_FN(gen_simd_3same_s);
GEN_FN(gen_simd_3diff);
GEN_FN(gen_simd_2misc);
GEN_FN(gen_simd_2misc_s);
GEN_FN(gen_simd_across);
GEN_FN(gen_simd_elem);
GEN_FN(gen_simd_shift);
GEN_FN(gen_simd_modimm);
GEN_FN(gen_simd_perm);
GEN_FN(gen_simd_ext);
GEN_FN(gen_simd_tbl);
GEN_FN(gen_simd_copy);
GEN_FN(gen_simd_crypto);
GEN_FN(gen_simd_ldst_multi);
GEN_FN(gen_simd_ldst_single);
GEN_FN(gen_simdfp_3same);
GEN_FN(gen_simdfp_2misc);
GEN_FN(gen_simdfp_across);
GEN_FN(gen_simdfp_elem);
GEN_FN(gen_simdfp_shift);
GEN_FN(gen_simdfp_fmov_imm);
GEN_FN(gen_simd_random);

#endif
