/*
 * Advanced SIMD three different (widening, narrowing-high), their scalar
 * saturating-doubling forms, and the by-element forms and prep functions
 * (Arm ARM C4.1.6; rows in a64_simd.inc). Widening forms take their narrow
 * operands from the lower half, or the upper half in the "2" variants (Q =
 * 1), and produce elements of twice the size (simd_map_long in simd.h).
 */
#include "cpu/simd.h"

/* ---- decode-time helpers ---- */

static unsigned insn_size(const struct op *op)
{
    return op->insn >> 22 & 3;
}

static bool long_shape(struct op *op, unsigned size, bool scalar)
{
    op->a = (uint8_t)(8u << size);
    op->b = scalar ? 0 : op->insn >> 30 & 1;
    op->c = scalar ? 1 : (uint8_t)(64u >> (3 + size));
    return true;
}

bool prep_simd_long(struct op *op)
{
    return insn_size(op) != 3 && long_shape(op, insn_size(op), false);
}

bool prep_simd_long_hs(struct op *op)
{
    unsigned size = insn_size(op);
    return (size == 1 || size == 2) && long_shape(op, size, false);
}

bool prep_simd_long_s(struct op *op)
{
    unsigned size = insn_size(op);
    return (size == 1 || size == 2) && long_shape(op, size, true);
}

/* By element: halfwords index H:L:M with a 4-bit Rm, words index H:L with
 * Rm = M:Rm; bytes and doublewords are not allocated for integers. */
static bool elem_index(struct op *op)
{
    unsigned size = insn_size(op), h = op->insn >> 11 & 1, l = op->insn >> 21 & 1,
             m = op->insn >> 20 & 1;
    if (size == 1) {
        op->d = (uint8_t)(h << 2 | l << 1 | m);
        op->rm &= 15;
    } else if (size == 2) {
        op->d = (uint8_t)(h << 1 | l);
    } else {
        return false;
    }
    return true;
}

bool prep_simd_elem(struct op *op)
{
    bool q = op->insn >> 30 & 1;
    return elem_index(op) && simd_prep_shape(op, insn_size(op), q);
}

bool prep_simd_elem_s(struct op *op)
{
    if (!elem_index(op))
        return false;
    op->a = (uint8_t)(8u << insn_size(op));
    op->b = 0;
    op->c = 1;
    return true;
}

bool prep_simd_elem_long(struct op *op)
{
    return elem_index(op) && long_shape(op, insn_size(op), false);
}

bool prep_simd_elem_long_s(struct op *op)
{
    return elem_index(op) && long_shape(op, insn_size(op), true);
}

/* ---- lane functions: n, m narrow (`bits`), d and the result 2 * bits ---- */

#define LANE static inline __attribute__((always_inline)) uint64_t
#define LANE_ARGS struct cpu *cpu, uint64_t n, uint64_t m, uint64_t d, unsigned bits
#define SX(v) simd_sx(v, bits)
#define WMASK simd_mask(2 * bits)

LANE l_saddl(LANE_ARGS) { return (uint64_t)(SX(n) + SX(m)) & WMASK; }
LANE l_uaddl(LANE_ARGS) { return (n + m) & WMASK; }
LANE l_ssubl(LANE_ARGS) { return (uint64_t)(SX(n) - SX(m)) & WMASK; }
LANE l_usubl(LANE_ARGS) { return (n - m) & WMASK; }
/* The W forms: n is already wide. */
LANE l_saddw(LANE_ARGS) { return (n + (uint64_t)SX(m)) & WMASK; }
LANE l_uaddw(LANE_ARGS) { return (n + m) & WMASK; }
LANE l_ssubw(LANE_ARGS) { return (n - (uint64_t)SX(m)) & WMASK; }
LANE l_usubw(LANE_ARGS) { return (n - m) & WMASK; }

LANE l_sabdl(LANE_ARGS) { return (uint64_t)(SX(n) > SX(m) ? SX(n) - SX(m) : SX(m) - SX(n)) & WMASK; }
LANE l_uabdl(LANE_ARGS) { return n > m ? n - m : m - n; }
LANE l_sabal(LANE_ARGS) { return (d + l_sabdl(cpu, n, m, d, bits)) & WMASK; }
LANE l_uabal(LANE_ARGS) { return (d + l_uabdl(cpu, n, m, d, bits)) & WMASK; }

LANE l_smull(LANE_ARGS) { return (uint64_t)(SX(n) * SX(m)) & WMASK; }
LANE l_umull(LANE_ARGS) { return (n * m) & WMASK; }
LANE l_smlal(LANE_ARGS) { return (d + (uint64_t)(SX(n) * SX(m))) & WMASK; }
LANE l_umlal(LANE_ARGS) { return (d + n * m) & WMASK; }
LANE l_smlsl(LANE_ARGS) { return (d - (uint64_t)(SX(n) * SX(m))) & WMASK; }
LANE l_umlsl(LANE_ARGS) { return (d - n * m) & WMASK; }
LANE l_pmull(LANE_ARGS) { return simd_pmul(n, m, bits) & WMASK; }

/* SQDMULL: 2 * n * m saturated to 2 * bits (only min * min clips). */
LANE l_sqdmull(LANE_ARGS) { return simd_sat_s(cpu, (simd_wide)SX(n) * SX(m) * 2, 2 * bits); }
/* SQDMLAL/SQDMLSL saturate the product, then the sum (C7.2: two SatQ). */
LANE l_sqdmlal(LANE_ARGS)
{
    simd_wide p = simd_sx(l_sqdmull(cpu, n, m, d, bits), 2 * bits);
    return simd_sat_s(cpu, simd_sx(d, 2 * bits) + p, 2 * bits);
}
LANE l_sqdmlsl(LANE_ARGS)
{
    simd_wide p = simd_sx(l_sqdmull(cpu, n, m, d, bits), 2 * bits);
    return simd_sat_s(cpu, simd_sx(d, 2 * bits) - p, 2 * bits);
}

/* ---- executors ---- */

#define LONG(NAME, FN, WIDE_N, ELEM)                                        \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)      \
    {                                                                       \
        return simd_map_long(cpu, op, FN, WIDE_N, ELEM);                    \
    }

LONG(SADDL, l_saddl, false, false)
LONG(UADDL, l_uaddl, false, false)
LONG(SSUBL, l_ssubl, false, false)
LONG(USUBL, l_usubl, false, false)
LONG(SADDW, l_saddw, true, false)
LONG(UADDW, l_uaddw, true, false)
LONG(SSUBW, l_ssubw, true, false)
LONG(USUBW, l_usubw, true, false)
LONG(SABAL, l_sabal, false, false)
LONG(UABAL, l_uabal, false, false)
LONG(SABDL, l_sabdl, false, false)
LONG(UABDL, l_uabdl, false, false)
LONG(SMLAL, l_smlal, false, false)
LONG(UMLAL, l_umlal, false, false)
LONG(SMLSL, l_smlsl, false, false)
LONG(UMLSL, l_umlsl, false, false)
LONG(SMULL, l_smull, false, false)
LONG(UMULL, l_umull, false, false)
LONG(PMULL, l_pmull, false, false)
LONG(SQDMLAL, l_sqdmlal, false, false)
LONG(SQDMLSL, l_sqdmlsl, false, false)
LONG(SQDMULL, l_sqdmull, false, false)
LONG(SQDMLAL_s, l_sqdmlal, false, false)
LONG(SQDMLSL_s, l_sqdmlsl, false, false)
LONG(SQDMULL_s, l_sqdmull, false, false)

LONG(SMLAL_elem, l_smlal, false, true)
LONG(UMLAL_elem, l_umlal, false, true)
LONG(SMLSL_elem, l_smlsl, false, true)
LONG(UMLSL_elem, l_umlsl, false, true)
LONG(SMULL_elem, l_smull, false, true)
LONG(UMULL_elem, l_umull, false, true)
LONG(SQDMLAL_elem, l_sqdmlal, false, true)
LONG(SQDMLSL_elem, l_sqdmlsl, false, true)
LONG(SQDMULL_elem, l_sqdmull, false, true)
LONG(SQDMLAL_elem_s, l_sqdmlal, false, true)
LONG(SQDMLSL_elem_s, l_sqdmlsl, false, true)
LONG(SQDMULL_elem_s, l_sqdmull, false, true)

/* ADDHN/SUBHN and the rounding forms: the high half of each wide sum or
 * difference, to the lower or (the "2" forms) upper half of Rd. */
static enum exec_status simd_high_narrow(struct cpu *cpu, const struct op *op, bool sub, bool round)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], lo = 0;
    unsigned bits = op->a;
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    for (unsigned i = 0; i < op->c; i++) {
        uint64_t a = simd_get(n, i, 2 * bits), b = simd_get(m, i, 2 * bits);
        uint64_t s = sub ? a - b : a + b;
        if (round)
            s += 1ull << (bits - 1);
        lo |= ((s >> bits) & simd_mask(bits)) << (i * bits);
    }
    simd_write_narrow(cpu, op, lo);
    return EXEC_NEXT;
}

enum exec_status exec_ADDHN(struct cpu *cpu, const struct op *op)
{
    return simd_high_narrow(cpu, op, false, false);
}

enum exec_status exec_RADDHN(struct cpu *cpu, const struct op *op)
{
    return simd_high_narrow(cpu, op, false, true);
}

enum exec_status exec_SUBHN(struct cpu *cpu, const struct op *op)
{
    return simd_high_narrow(cpu, op, true, false);
}

enum exec_status exec_RSUBHN(struct cpu *cpu, const struct op *op)
{
    return simd_high_narrow(cpu, op, true, true);
}
