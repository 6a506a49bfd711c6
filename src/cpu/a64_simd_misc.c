/*
 * Advanced SIMD two-register miscellaneous (vector and scalar, integer
 * forms) and across lanes (Arm ARM C4.1.6; rows in a64_simd.inc).
 * Element-wise forms reuse simd_map3() with lanes that ignore Rm.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cpu/simd.h"

/* ---- decode-time helpers ---- */

static unsigned insn_size(const struct op *op)
{
    return op->insn >> 22 & 3;
}

/* REV16/REV32/REV64: op->d = container bits; the elements must be smaller. */
bool prep_simd_rev(struct op *op)
{
    unsigned kind = (op->insn >> 12 & 1) << 1 | (op->insn >> 29 & 1);
    unsigned cont = 64u >> kind, size = insn_size(op);
    if (kind == 3 || (8u << size) >= cont)
        return false;
    simd_prep_shape(op, size, op->insn >> 30 & 1);
    op->d = (uint8_t)cont;
    return true;
}

/* SADDLP & co: op->a = source element bits, op->c = result elements. */
bool prep_simd_pairlong(struct op *op)
{
    unsigned size = insn_size(op);
    if (size == 3)
        return false;
    simd_prep_shape(op, size + 1, op->insn >> 30 & 1);
    op->a = (uint8_t)(8u << size);
    return true;
}

/* Narrowing (XTN...) and SHLL: op->a = narrow bits, op->c = 64 / op->a. */
bool prep_simd_narrow(struct op *op)
{
    unsigned size = insn_size(op);
    if (size == 3)
        return false;
    op->a = (uint8_t)(8u << size);
    op->b = op->insn >> 30 & 1;
    op->c = (uint8_t)(64u >> (3 + size));
    return true;
}

bool prep_simd_narrow_s(struct op *op)
{
    unsigned size = insn_size(op);
    if (size == 3)
        return false;
    op->a = (uint8_t)(8u << size);
    op->b = 0;
    op->c = 1;
    return true;
}

/* ADDV & co: size 11, and words with Q = 0 (two lanes), are reserved. */
bool prep_simd_across(struct op *op)
{
    unsigned size = insn_size(op);
    bool q = op->insn >> 30 & 1;
    if (size == 3 || (size == 2 && !q))
        return false;
    return simd_prep_shape(op, size, q);
}

/* ---- element-wise lanes (Rm ignored; d is Rd's old element) ---- */

#define LANE static inline __attribute__((always_inline)) uint64_t
#define LANE_ARGS struct cpu *cpu, uint64_t n, uint64_t m, uint64_t d, unsigned bits
#define SX(v) simd_sx(v, bits)
#define MASK simd_mask(bits)

static inline unsigned clz_bits(uint64_t x, unsigned bits)
{
    return x ? (unsigned)__builtin_clzll(x) - (64 - bits) : bits;
}

/* CountLeadingSignBits: leading zeros of x<N-1:1> EOR x<N-2:0>. */
LANE l_cls(LANE_ARGS) { return clz_bits((n ^ (n >> 1)) & simd_mask(bits - 1), bits - 1); }
LANE l_clz(LANE_ARGS) { return clz_bits(n, bits); }
LANE l_cnt(LANE_ARGS) { return (uint64_t)__builtin_popcountll(n); }
LANE l_not(LANE_ARGS) { return ~n & MASK; }
LANE l_sqabs(LANE_ARGS) { return simd_sat_s(cpu, SX(n) < 0 ? -(simd_wide)SX(n) : SX(n), bits); }
LANE l_sqneg(LANE_ARGS) { return simd_sat_s(cpu, -(simd_wide)SX(n), bits); }
LANE l_abs(LANE_ARGS) { return SX(n) < 0 ? (0 - n) & MASK : n; }
LANE l_neg(LANE_ARGS) { return (0 - n) & MASK; }
LANE l_cmgt0(LANE_ARGS) { return SX(n) > 0 ? MASK : 0; }
LANE l_cmge0(LANE_ARGS) { return SX(n) >= 0 ? MASK : 0; }
LANE l_cmeq0(LANE_ARGS) { return n == 0 ? MASK : 0; }
LANE l_cmle0(LANE_ARGS) { return SX(n) <= 0 ? MASK : 0; }
LANE l_cmlt0(LANE_ARGS) { return SX(n) < 0 ? MASK : 0; }
/* SUQADD: signed Rd plus unsigned Rn; USQADD: unsigned Rd plus signed Rn. */
LANE l_suqadd(LANE_ARGS) { return simd_sat_s(cpu, (simd_wide)SX(d) + (simd_wide)n, bits); }
LANE l_usqadd(LANE_ARGS) { return simd_sat_u(cpu, (simd_wide)d + SX(n), bits); }

/* RBIT on doubleword lanes: the bits of each byte reversed (swap adjacent
 * bits, then pairs, then nibbles). */
LANE l_rbit(LANE_ARGS)
{
    n = (n >> 1 & 0x5555555555555555ull) | (n & 0x5555555555555555ull) << 1;
    n = (n >> 2 & 0x3333333333333333ull) | (n & 0x3333333333333333ull) << 2;
    return (n >> 4 & 0x0f0f0f0f0f0f0f0full) | (n & 0x0f0f0f0f0f0f0f0full) << 4;
}

#define MAP1(NAME, FN)                                                     \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_map3(cpu, op, FN, false);                              \
    }
#define MAP1_VS(NAME, FN) MAP1(NAME, FN) MAP1(NAME##_s, FN)

MAP1(CLS, l_cls)
MAP1(CLZ, l_clz)
MAP1(CNT, l_cnt)
MAP1(NOT, l_not)
MAP1(RBIT, l_rbit)
MAP1_VS(SQABS, l_sqabs)
MAP1_VS(SQNEG, l_sqneg)
MAP1_VS(ABS, l_abs)
MAP1_VS(NEG, l_neg)
MAP1_VS(CMGT_zero, l_cmgt0)
MAP1_VS(CMGE_zero, l_cmge0)
MAP1_VS(CMEQ_zero, l_cmeq0)
MAP1_VS(CMLE_zero, l_cmle0)
MAP1_VS(CMLT_zero, l_cmlt0)
MAP1_VS(SUQADD, l_suqadd)
MAP1_VS(USQADD, l_usqadd)

/* ---- REV ---- */

static enum exec_status simd_rev(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), r = {.d = {0, 0}};
    unsigned k = op->d / op->a, c = op->c;
#define REV_LOOP(T, F, BITS)                                    \
    for (unsigned i = 0; i < c; i++)                            \
        r.F[(i / k) * k + (k - 1 - i % k)] = n.F[i];
    SIMD_BY_SIZE(op->a, REV_LOOP)
#undef REV_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

enum exec_status exec_REV64(struct cpu *cpu, const struct op *op)
{
    return simd_rev(cpu, op);
}

enum exec_status exec_REV32(struct cpu *cpu, const struct op *op)
{
    return simd_rev(cpu, op);
}

enum exec_status exec_REV16(struct cpu *cpu, const struct op *op)
{
    return simd_rev(cpu, op);
}

/* ---- pairwise long: SADDLP, UADDLP, SADALP, UADALP ---- */

static inline __attribute__((always_inline)) enum exec_status
simd_pair_long(struct cpu *cpu, const struct op *op, bool is_unsigned, bool acc)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], d[2], r[2] = {0, 0};
    unsigned bits = op->a;
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rd, d);
    for (unsigned i = 0; i < op->c; i++) {
        simd_wide s = simd_int(simd_get(n, 2 * i, bits), bits, is_unsigned) +
                      simd_int(simd_get(n, 2 * i + 1, bits), bits, is_unsigned);
        uint64_t v = (uint64_t)s + (acc ? simd_get(d, i, 2 * bits) : 0);
        simd_set(r, i, 2 * bits, v);
    }
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_SADDLP(struct cpu *cpu, const struct op *op)
{
    return simd_pair_long(cpu, op, false, false);
}

enum exec_status exec_UADDLP(struct cpu *cpu, const struct op *op)
{
    return simd_pair_long(cpu, op, true, false);
}

enum exec_status exec_SADALP(struct cpu *cpu, const struct op *op)
{
    return simd_pair_long(cpu, op, false, true);
}

enum exec_status exec_UADALP(struct cpu *cpu, const struct op *op)
{
    return simd_pair_long(cpu, op, true, true);
}

/* ---- narrowing: XTN, SQXTN, UQXTN, SQXTUN (vector and scalar) ---- */

enum narrow_kind { NARROW_TRUNC, NARROW_SS, NARROW_UU, NARROW_SU };

static inline __attribute__((always_inline)) enum exec_status
simd_narrow(struct cpu *cpu, const struct op *op, enum narrow_kind kind)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), r = {.d = {0, 0}};
    unsigned c = op->c;
#define NARROW_LOOP(T, F, BITS, WT, WF)                                                        \
    for (unsigned i = 0; i < c; i++) {                                                         \
        WT w = n.WF[i];                                                                        \
        switch (kind) {                                                                        \
        case NARROW_SS: r.F[i] = (T)simd_sat_s(cpu, simd_sx(w, 2 * BITS), BITS); break;        \
        case NARROW_UU: r.F[i] = (T)simd_sat_u(cpu, (simd_wide)w, BITS); break;               \
        case NARROW_SU: r.F[i] = (T)simd_sat_u(cpu, simd_sx(w, 2 * BITS), BITS); break;        \
        default: r.F[i] = (T)w; break;                                                         \
        }                                                                                      \
    }
    SIMD_BY_SIZE_WIDE(op->a, NARROW_LOOP)
#undef NARROW_LOOP
    simd_write_narrow(cpu, op, r.d[0]);
    return EXEC_NEXT;
}

#define NARROW(NAME, KIND)                                                 \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_narrow(cpu, op, KIND);                                 \
    }
NARROW(XTN, NARROW_TRUNC)
NARROW(SQXTN, NARROW_SS)
NARROW(UQXTN, NARROW_UU)
NARROW(SQXTUN, NARROW_SU)
NARROW(SQXTN_s, NARROW_SS)
NARROW(UQXTN_s, NARROW_UU)
NARROW(SQXTUN_s, NARROW_SU)

/* SHLL/SHLL2: widen and shift left by the element size. */
LANE l_shll(LANE_ARGS) { return n << bits; }

enum exec_status exec_SHLL(struct cpu *cpu, const struct op *op)
{
    return simd_map_long(cpu, op, l_shll, false, false);
}

/* ---- across lanes ---- */

enum across_kind { ACROSS_ADD, ACROSS_SADDL, ACROSS_UADDL, ACROSS_SMAX, ACROSS_UMAX, ACROSS_SMIN,
                   ACROSS_UMIN };

/* UMAXV and UMINV over all 8 or 16 bytes, the search loops of string
 * functions: with SSE2, byte max/min of the vector and itself shifted,
 * halving until one byte is left. */
static inline uint8_t bytes_max_min(const union simd_vec *n, unsigned count, bool max)
{
#if defined(__SSE2__)
    __m128i v;
    memcpy(&v, n->b, 16);
    if (count == 8)
        v = _mm_unpacklo_epi64(v, v);
#define HALVE(SHIFT) v = max ? _mm_max_epu8(v, _mm_srli_si128(v, SHIFT)) : _mm_min_epu8(v, _mm_srli_si128(v, SHIFT))
    HALVE(8);
    HALVE(4);
    HALVE(2);
    HALVE(1);
#undef HALVE
    return (uint8_t)_mm_cvtsi128_si32(v);
#else
    uint8_t a = n->b[0];
    for (unsigned i = 1; i < count; i++)
        a = max ? (n->b[i] > a ? n->b[i] : a) : (n->b[i] < a ? n->b[i] : a);
    return a;
#endif
}

static inline __attribute__((always_inline)) enum exec_status
simd_across(struct cpu *cpu, const struct op *op, enum across_kind kind)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn);
    unsigned bits = op->a, c = op->c;
    bool is_signed = kind == ACROSS_SADDL || kind == ACROSS_SMAX || kind == ACROSS_SMIN;
    int64_t acc = 0;
    if ((kind == ACROSS_UMAX || kind == ACROSS_UMIN) && bits == 8)
        acc = bytes_max_min(&n, c, kind == ACROSS_UMAX);
    else {
#define ACROSS_LOOP(T, F, BITS)                                                 \
    do {                                                                        \
        acc = is_signed ? simd_sx(n.F[0], BITS) : (int64_t)n.F[0];              \
        for (unsigned i = 1; i < c; i++) {                                      \
            int64_t v = is_signed ? simd_sx(n.F[i], BITS) : (int64_t)n.F[i];    \
            switch (kind) {                                                     \
            case ACROSS_SMAX: case ACROSS_UMAX: acc = v > acc ? v : acc; break;  \
            case ACROSS_SMIN: case ACROSS_UMIN: acc = v < acc ? v : acc; break;  \
            default: acc += v; break;                                           \
            }                                                                   \
        }                                                                       \
    } while (0)
    SIMD_BY_SIZE(bits, ACROSS_LOOP)
#undef ACROSS_LOOP
    }
    unsigned rbits = kind == ACROSS_SADDL || kind == ACROSS_UADDL ? 2 * bits : bits;
    uint64_t r[2] = {(uint64_t)acc & simd_mask(rbits), 0};
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

#define ACROSS(NAME, KIND)                                                 \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_across(cpu, op, KIND);                                 \
    }
ACROSS(ADDV, ACROSS_ADD)
ACROSS(SADDLV, ACROSS_SADDL)
ACROSS(UADDLV, ACROSS_UADDL)
ACROSS(SMAXV, ACROSS_SMAX)
ACROSS(UMAXV, ACROSS_UMAX)
ACROSS(SMINV, ACROSS_SMIN)
ACROSS(UMINV, ACROSS_UMIN)
