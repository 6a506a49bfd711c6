/*
 * Advanced SIMD three same, vector and scalar, integer forms (Arm ARM
 * C4.1.6; rows in a64_simd.inc), and the shape prep functions the other
 * Advanced SIMD groups share. Each instruction is a lane function run by
 * simd_map3() over the elements, so the vector, 64-bit and scalar forms
 * share one semantics.
 */
#include "cpu/simd.h"

/* ---- decode-time helpers ---- */

bool simd_prep_shape(struct op *op, unsigned size, bool q)
{
    op->a = (uint8_t)(8u << size);
    op->b = q;
    op->c = (uint8_t)((q ? 128u : 64u) >> (3 + size));
    return true;
}

static unsigned insn_size(const struct op *op)
{
    return op->insn >> 22 & 3;
}

static bool insn_q(const struct op *op)
{
    return op->insn >> 30 & 1;
}

/* Element sizes B, H, S only. */
bool prep_simd_bhs(struct op *op)
{
    return insn_size(op) != 3 && simd_prep_shape(op, insn_size(op), insn_q(op));
}

/* B, H, S, and D with Q = 1 (a 64-bit vector of one doubleword is reserved). */
bool prep_simd_bhsd(struct op *op)
{
    if (insn_size(op) == 3 && !insn_q(op))
        return false;
    return simd_prep_shape(op, insn_size(op), insn_q(op));
}

bool prep_simd_hs(struct op *op)
{
    unsigned size = insn_size(op);
    return (size == 1 || size == 2) && simd_prep_shape(op, size, insn_q(op));
}

/* Bitwise forms: size is part of the opcode; work on doublewords. */
bool prep_simd_logic(struct op *op)
{
    return simd_prep_shape(op, 3, insn_q(op));
}

/* Scalar forms: one element of the size the size field gives. */
bool prep_simd_s(struct op *op)
{
    op->a = (uint8_t)(8u << insn_size(op));
    op->b = 0;
    op->c = 1;
    return true;
}

bool prep_simd_s_hs(struct op *op)
{
    unsigned size = insn_size(op);
    return (size == 1 || size == 2) && prep_simd_s(op);
}

/* ---- lane functions ---- */

#define LANE static inline __attribute__((always_inline)) uint64_t
#define LANE_ARGS struct cpu *cpu, uint64_t n, uint64_t m, uint64_t d, unsigned bits
#define SX(v) simd_sx(v, bits)
#define MASK simd_mask(bits)

LANE l_shadd(LANE_ARGS) { return (uint64_t)((SX(n) + SX(m)) >> 1) & MASK; }
LANE l_uhadd(LANE_ARGS) { return (n + m) >> 1; }
LANE l_srhadd(LANE_ARGS) { return (uint64_t)((SX(n) + SX(m) + 1) >> 1) & MASK; }
LANE l_urhadd(LANE_ARGS) { return (n + m + 1) >> 1; }
LANE l_shsub(LANE_ARGS) { return (uint64_t)((SX(n) - SX(m)) >> 1) & MASK; }
LANE l_uhsub(LANE_ARGS) { return (uint64_t)(((int64_t)n - (int64_t)m) >> 1) & MASK; }

LANE l_sqadd(LANE_ARGS) { return simd_sat_s(cpu, (simd_wide)SX(n) + SX(m), bits); }
LANE l_uqadd(LANE_ARGS) { return simd_sat_u(cpu, (simd_wide)n + m, bits); }
LANE l_sqsub(LANE_ARGS) { return simd_sat_s(cpu, (simd_wide)SX(n) - SX(m), bits); }
LANE l_uqsub(LANE_ARGS) { return simd_sat_u(cpu, (simd_wide)n - m, bits); }

LANE l_cmgt(LANE_ARGS) { return SX(n) > SX(m) ? MASK : 0; }
LANE l_cmhi(LANE_ARGS) { return n > m ? MASK : 0; }
LANE l_cmge(LANE_ARGS) { return SX(n) >= SX(m) ? MASK : 0; }
LANE l_cmhs(LANE_ARGS) { return n >= m ? MASK : 0; }
LANE l_cmeq(LANE_ARGS) { return n == m ? MASK : 0; }
LANE l_cmtst(LANE_ARGS) { return (n & m) ? MASK : 0; }

/* Shift by register (C7.2 SSHL etc.): the shift is the signed bottom byte
 * of Rm's element; negative shifts go right, rounding adds half first. */
LANE l_shl_reg(LANE_ARGS, bool is_unsigned, bool round, bool sat)
{
    simd_wide r = simd_shift(simd_int(n, bits, is_unsigned), (int8_t)m, round);
    return sat ? simd_sat(cpu, r, bits, is_unsigned) : (uint64_t)r & MASK;
}
LANE l_sshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, false, false, false); }
LANE l_ushl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, true, false, false); }
LANE l_sqshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, false, false, true); }
LANE l_uqshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, true, false, true); }
LANE l_srshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, false, true, false); }
LANE l_urshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, true, true, false); }
LANE l_sqrshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, false, true, true); }
LANE l_uqrshl(LANE_ARGS) { return l_shl_reg(cpu, n, m, d, bits, true, true, true); }

LANE l_smax(LANE_ARGS) { return SX(n) > SX(m) ? n : m; }
LANE l_umax(LANE_ARGS) { return n > m ? n : m; }
LANE l_smin(LANE_ARGS) { return SX(n) < SX(m) ? n : m; }
LANE l_umin(LANE_ARGS) { return n < m ? n : m; }
LANE l_sabd(LANE_ARGS) { return (uint64_t)(SX(n) > SX(m) ? SX(n) - SX(m) : SX(m) - SX(n)) & MASK; }
LANE l_uabd(LANE_ARGS) { return n > m ? n - m : m - n; }
LANE l_saba(LANE_ARGS) { return (d + l_sabd(cpu, n, m, d, bits)) & MASK; }
LANE l_uaba(LANE_ARGS) { return (d + l_uabd(cpu, n, m, d, bits)) & MASK; }

LANE l_add(LANE_ARGS) { return (n + m) & MASK; }
LANE l_sub(LANE_ARGS) { return (n - m) & MASK; }
LANE l_mul(LANE_ARGS) { return (n * m) & MASK; }
LANE l_mla(LANE_ARGS) { return (d + n * m) & MASK; }
LANE l_mls(LANE_ARGS) { return (d - n * m) & MASK; }
LANE l_pmul(LANE_ARGS) { return simd_pmul(n, m, bits) & MASK; }

/* SQDMULH/SQRDMULH: high half of 2 * n * m (+ rounding), saturated. */
LANE l_sqdmulh_r(LANE_ARGS, bool round)
{
    simd_wide p = (simd_wide)SX(n) * SX(m) * 2;
    if (round)
        p += (simd_wide)1 << (bits - 1);
    return simd_sat_s(cpu, p >> bits, bits);
}
LANE l_sqdmulh(LANE_ARGS) { return l_sqdmulh_r(cpu, n, m, d, bits, false); }
LANE l_sqrdmulh(LANE_ARGS) { return l_sqdmulh_r(cpu, n, m, d, bits, true); }

LANE l_and(LANE_ARGS) { return n & m; }
LANE l_bic(LANE_ARGS) { return n & ~m; }
LANE l_orr(LANE_ARGS) { return n | m; }
LANE l_orn(LANE_ARGS) { return n | ~m; }
LANE l_eor(LANE_ARGS) { return n ^ m; }
LANE l_bsl(LANE_ARGS) { return (d & n) | (~d & m); }
LANE l_bit(LANE_ARGS) { return (n & m) | (d & ~m); }
LANE l_bif(LANE_ARGS) { return (n & ~m) | (d & m); }

/* ---- executors ---- */

#define MAP3(NAME, FN)                                                     \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_map3(cpu, op, FN, false);                              \
    }
/* A vector row and its scalar twin share the lane function. */
#define MAP3_VS(NAME, FN) MAP3(NAME, FN) MAP3(NAME##_s, FN)

MAP3(SHADD, l_shadd)
MAP3(UHADD, l_uhadd)
MAP3(SRHADD, l_srhadd)
MAP3(URHADD, l_urhadd)
MAP3(SHSUB, l_shsub)
MAP3(UHSUB, l_uhsub)
MAP3_VS(SQADD, l_sqadd)
MAP3_VS(UQADD, l_uqadd)
MAP3_VS(SQSUB, l_sqsub)
MAP3_VS(UQSUB, l_uqsub)
MAP3_VS(CMGT, l_cmgt)
MAP3_VS(CMHI, l_cmhi)
MAP3_VS(CMGE, l_cmge)
MAP3_VS(CMHS, l_cmhs)
MAP3_VS(CMEQ, l_cmeq)
MAP3_VS(CMTST, l_cmtst)
MAP3_VS(SSHL, l_sshl)
MAP3_VS(USHL, l_ushl)
MAP3_VS(SQSHL, l_sqshl)
MAP3_VS(UQSHL, l_uqshl)
MAP3_VS(SRSHL, l_srshl)
MAP3_VS(URSHL, l_urshl)
MAP3_VS(SQRSHL, l_sqrshl)
MAP3_VS(UQRSHL, l_uqrshl)
MAP3(SMAX, l_smax)
MAP3(UMAX, l_umax)
MAP3(SMIN, l_smin)
MAP3(UMIN, l_umin)
MAP3(SABD, l_sabd)
MAP3(UABD, l_uabd)
MAP3(SABA, l_saba)
MAP3(UABA, l_uaba)
MAP3_VS(ADD, l_add)
MAP3_VS(SUB, l_sub)
MAP3(MUL, l_mul)
MAP3(MLA, l_mla)
MAP3(MLS, l_mls)
MAP3(PMUL, l_pmul)
MAP3_VS(SQDMULH, l_sqdmulh)
MAP3_VS(SQRDMULH, l_sqrdmulh)
MAP3(AND, l_and)
MAP3(BIC, l_bic)
MAP3(ORR, l_orr)
MAP3(ORN, l_orn)
MAP3(EOR, l_eor)
MAP3(BSL, l_bsl)
MAP3(BIT, l_bit)
MAP3(BIF, l_bif)

/* By element (a64_simd_elem.c rows): the same lanes with Rm[index]. */
#define MAP3_ELEM(NAME, FN)                                                \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_map3(cpu, op, FN, true);                               \
    }
MAP3_ELEM(MUL_elem, l_mul)
MAP3_ELEM(MLA_elem, l_mla)
MAP3_ELEM(MLS_elem, l_mls)
MAP3_ELEM(SQDMULH_elem, l_sqdmulh)
MAP3_ELEM(SQRDMULH_elem, l_sqrdmulh)
MAP3_ELEM(SQDMULH_elem_s, l_sqdmulh)
MAP3_ELEM(SQRDMULH_elem_s, l_sqrdmulh)

/* Pairwise: the elements of Rm:Rn concatenated (Rn lowest), adjacent pairs
 * combined, results in order. */
static inline __attribute__((always_inline)) enum exec_status
simd_pairwise(struct cpu *cpu, const struct op *op, simd_lane3_fn fn)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), m = simd_vread(cpu, op->rm), r = {.d = {0, 0}};
    unsigned half = op->c / 2;
#define PAIR_LOOP(T, F, BITS)                                                     \
    for (unsigned i = 0; i < half; i++) {                                         \
        r.F[i] = (T)fn(cpu, n.F[2 * i], n.F[2 * i + 1], 0, BITS);                 \
        r.F[i + half] = (T)fn(cpu, m.F[2 * i], m.F[2 * i + 1], 0, BITS);          \
    }
    SIMD_BY_SIZE(op->a, PAIR_LOOP)
#undef PAIR_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

#define PAIR(NAME, FN)                                                     \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_pairwise(cpu, op, FN);                                 \
    }
PAIR(ADDP, l_add)
PAIR(SMAXP, l_smax)
PAIR(UMAXP, l_umax)
PAIR(SMINP, l_smin)
PAIR(UMINP, l_umin)

/* ADDP (scalar): Dd = Vn.D[0] + Vn.D[1]. */
enum exec_status exec_ADDP_s(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t r[2] = {cpu->v[op->rn][0] + cpu->v[op->rn][1], 0};
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}
