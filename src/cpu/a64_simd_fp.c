/*
 * Advanced SIMD floating point, part 1 (rows in a64_simd_fp.inc): prep
 * functions, the lane drivers, and the two-operand forms -- three same
 * (vector and scalar), pairwise, across lanes and by element. Every lane
 * is one call of the scalar semantics (fpu.c, fpu_estimate.c).
 */
#include "cpu/a64_simd_fp.h"
#include "cpu/fpu_estimate.h"
#include "cpu/fpu_host_vec.h"

/* ---- decode-time helpers ---- */

static void sfp_shape(struct op *op, bool dbl, bool q, unsigned lanes)
{
    op->a = dbl ? FPU_D : FPU_S;
    op->b = q;
    op->c = (uint8_t)lanes;
}

/* Vector forms: 2S, 4S or 2D (sz = 1 with Q = 0 is reserved). */
bool prep_sfp_vec(struct op *op)
{
    bool dbl = op->insn >> 22 & 1, q = op->insn >> 30 & 1;
    if (dbl && !q)
        return false;
    sfp_shape(op, dbl, q, (q ? 128u : 64u) / (dbl ? 64u : 32u));
    return true;
}

bool prep_sfp_scal(struct op *op)
{
    sfp_shape(op, op->insn >> 22 & 1, false, 1);
    return true;
}

/* URECPE / URSQRTE: 32-bit integer lanes, 2S or 4S. */
bool prep_sfp_u32(struct op *op)
{
    bool q = op->insn >> 30 & 1;
    sfp_shape(op, false, q, q ? 4 : 2);
    return true;
}

/* FCVTN/FCVTXN and FCVTL: 4 lanes when single meets half, 2 when double
 * meets single; op->a is the wider format (the source of a narrowing, the
 * destination of a widening), op->b = Q picks the half of the narrow side. */
bool prep_sfp_narrow(struct op *op)
{
    bool dbl = op->insn >> 22 & 1;
    sfp_shape(op, dbl, op->insn >> 30 & 1, dbl ? 2 : 4);
    return true;
}

bool prep_sfp_long(struct op *op)
{
    return prep_sfp_narrow(op);
}

/* By element: single lanes take index H:L, double lanes index H (L = 1
 * reserved); Rm is the whole M:Rm field either way. */
static bool sfp_elem(struct op *op, bool scalar)
{
    bool dbl = op->insn >> 22 & 1, q = op->insn >> 30 & 1;
    unsigned h = op->insn >> 11 & 1, l = op->insn >> 21 & 1;
    if (dbl && (l || (!scalar && !q)))
        return false;
    if (scalar)
        sfp_shape(op, dbl, false, 1);
    else
        sfp_shape(op, dbl, q, (q ? 128u : 64u) / (dbl ? 64u : 32u));
    op->d = (uint8_t)(dbl ? h : h << 1 | l);
    return true;
}

bool prep_sfp_elem(struct op *op)
{
    return sfp_elem(op, false);
}

bool prep_sfp_elem_s(struct op *op)
{
    return sfp_elem(op, true);
}

/* Fixed point by immediate: immh 01xx is single, 1xxx double; the other
 * values are half precision (FEAT_FP16), bytes, or modified immediate.
 * fbits = 2 * esize - immh:immb. */
static bool sfp_fix(struct op *op, bool scalar)
{
    unsigned immhb = op->insn >> 16 & 0x7f, immh = immhb >> 3;
    bool q = op->insn >> 30 & 1, dbl = immh >> 3;
    if (immh < 4 || (dbl && !scalar && !q))
        return false;
    unsigned esize = dbl ? 64 : 32;
    if (scalar)
        sfp_shape(op, dbl, false, 1);
    else
        sfp_shape(op, dbl, q, (q ? 128u : 64u) / esize);
    op->imm = 2 * esize - immhb;
    return true;
}

bool prep_sfp_fix(struct op *op)
{
    return sfp_fix(op, false);
}

bool prep_sfp_fix_s(struct op *op)
{
    return sfp_fix(op, true);
}

/* FMOV (vector, immediate): op (bit 29) selects double lanes. */
bool prep_sfp_fmov(struct op *op)
{
    unsigned imm8 = (op->insn >> 11 & 0xe0) | (op->insn >> 5 & 0x1f);
    bool dbl = op->insn >> 29 & 1, q = op->insn >> 30 & 1;
    sfp_shape(op, dbl, q, (q ? 128u : 64u) / (dbl ? 64u : 32u));
    op->imm = (int64_t)fpu_expand_imm(dbl ? FPU_D : FPU_S, imm8);
    return true;
}

/* ---- drivers ---- */

enum exec_status sfp_map(struct cpu *cpu, const struct op *op, sfp_lane_fn fn, bool by_elem)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], d[2], r[2] = {0, 0};
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    simd_read(cpu, op->rd, d);
    unsigned bits = sfp_bits(op);
    uint64_t me = simd_get(m, op->d, bits);
    uint32_t fpcr = cpu->fpcr, fpsr = cpu->fpsr;
    for (unsigned i = 0; i < op->c; i++) {
        uint64_t mv = by_elem ? me : simd_get(m, i, bits);
        simd_set(r, i, bits, fn(op, simd_get(n, i, bits), mv, simd_get(d, i, bits), fpcr, &fpsr));
    }
    cpu->fpsr = fpsr;
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* FADD, FSUB, FMUL, FMLA, FMLS (vector, or vector by element): all lanes
 * in one host operation where that gives the Arm result (fpu_host_vec.h),
 * else lane by lane. */
static enum exec_status sfp_map_host(struct cpu *cpu, const struct op *op, enum host_vop vop,
                                     sfp_lane_fn fn, bool by_elem)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], d[2], r[2];
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    simd_read(cpu, op->rd, d);
    if (by_elem) {
        uint64_t e = simd_get(m, op->d, sfp_bits(op));
        m[0] = m[1] = op->a == FPU_D ? e : e | e << 32;
    }
    if (!op->b)
        n[1] = m[1] = d[1] = 0;   /* 64-bit vector: the upper lanes compute 0 */
    if (fpu_host_vec(vop, SFP_FMT(op), n, m, d, cpu->fpcr, &cpu->fpsr, r)) {
        simd_write(cpu, op->rd, r);
        return EXEC_NEXT;
    }
    return sfp_map(cpu, op, fn, by_elem);
}

/* Pairwise: the lanes of Vm:Vn (Vn first) taken two at a time. */
static enum exec_status sfp_map_pair(struct cpu *cpu, const struct op *op, sfp_lane_fn fn)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], r[2] = {0, 0};
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    unsigned bits = sfp_bits(op), c = op->c;
    uint32_t fpcr = cpu->fpcr, fpsr = cpu->fpsr;
    for (unsigned i = 0; i < c; i++) {
        unsigned j = 2 * i;
        uint64_t x = j < c ? simd_get(n, j, bits) : simd_get(m, j - c, bits);
        uint64_t y = j + 1 < c ? simd_get(n, j + 1, bits) : simd_get(m, j + 1 - c, bits);
        simd_set(r, i, bits, fn(op, x, y, 0, fpcr, &fpsr));
    }
    cpu->fpsr = fpsr;
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* Scalar pairwise: Vn's two lowest lanes. */
static enum exec_status sfp_pair_scalar(struct cpu *cpu, const struct op *op, sfp_lane_fn fn)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], r[2] = {0, 0};
    simd_read(cpu, op->rn, n);
    unsigned bits = sfp_bits(op);
    r[0] = fn(op, simd_get(n, 0, bits), simd_get(n, 1, bits), 0, cpu->fpcr, &cpu->fpsr);
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* Across lanes of 4S: Reduce() halves the vector recursively, so the
 * result is fn(fn(e0, e1), fn(e2, e3)), the lower half first. */
static enum exec_status sfp_across(struct cpu *cpu, const struct op *op, sfp_lane_fn fn)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], r[2] = {0, 0};
    simd_read(cpu, op->rn, n);
    uint32_t fpcr = cpu->fpcr, fpsr = cpu->fpsr;
    struct op sop = *op;
    sop.a = FPU_S;
    uint64_t lo = fn(&sop, simd_get(n, 0, 32), simd_get(n, 1, 32), 0, fpcr, &fpsr);
    uint64_t hi = fn(&sop, simd_get(n, 2, 32), simd_get(n, 3, 32), 0, fpcr, &fpsr);
    r[0] = fn(&sop, lo, hi, 0, fpcr, &fpsr);
    cpu->fpsr = fpsr;
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* ---- lane operations ---- */

SFP_LANE(FADD, fpu_add(f, n, m, fpcr, fpsr))
SFP_LANE(FSUB, fpu_sub(f, n, m, fpcr, fpsr))
SFP_LANE(FMUL, fpu_mul(f, n, m, fpcr, fpsr))
SFP_LANE(FDIV, fpu_div(f, n, m, fpcr, fpsr))
SFP_LANE(FMULX, fpu_mulx(f, n, m, fpcr, fpsr))
SFP_LANE(FMAX, fpu_max(f, n, m, fpcr, fpsr))
SFP_LANE(FMIN, fpu_min(f, n, m, fpcr, fpsr))
SFP_LANE(FMAXNM, fpu_maxnum(f, n, m, fpcr, fpsr))
SFP_LANE(FMINNM, fpu_minnum(f, n, m, fpcr, fpsr))
SFP_LANE(FABD, fpu_abs(f, fpu_sub(f, n, m, fpcr, fpsr)))
SFP_LANE(FMLA, fpu_muladd(f, d, n, m, fpcr, fpsr))
SFP_LANE(FMLS, fpu_muladd(f, d, fpu_neg(f, n), m, fpcr, fpsr))
SFP_LANE(FRECPS, fpu_recip_step(f, n, m, fpcr, fpsr))
SFP_LANE(FRSQRTS, fpu_rsqrt_step(f, n, m, fpcr, fpsr))
/* FPCompareEQ is quiet; FPCompareGE/GT signal on any NaN. */
SFP_LANE(FCMEQ, sfp_cmp_mask(op, SFP_CMP(n, m, false) == 0x6))
SFP_LANE(FCMGE, sfp_cmp_mask(op, sfp_is_ge(SFP_CMP(n, m, true))))
SFP_LANE(FCMGT, sfp_cmp_mask(op, SFP_CMP(n, m, true) == 0x2))
SFP_LANE(FACGE, sfp_cmp_mask(op, sfp_is_ge(SFP_CMP(fpu_abs(f, n), fpu_abs(f, m), true))))
SFP_LANE(FACGT, sfp_cmp_mask(op, SFP_CMP(fpu_abs(f, n), fpu_abs(f, m), true) == 0x2))

/* ---- three same, vector and scalar ---- */

#define SFP3(NAME, LANE_NAME)                                                                  \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_map(cpu, op, lane_##LANE_NAME, false);                                      \
    }
#define SFP3_HOST(NAME, LANE_NAME, VOP, BY_ELEM)                                               \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_map_host(cpu, op, VOP, lane_##LANE_NAME, BY_ELEM);                          \
    }
#define SFP_PAIR(NAME, LANE_NAME)                                                              \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_map_pair(cpu, op, lane_##LANE_NAME);                                        \
    }

SFP3(FMAXNM_v, FMAXNM)
SFP3_HOST(FMLA_v, FMLA, HOST_VFMA, false)
SFP3_HOST(FADD_v, FADD, HOST_VADD, false)
SFP3(FMULX_v, FMULX)
SFP3(FCMEQ_v, FCMEQ)
SFP3(FMAX_v, FMAX)
SFP3(FRECPS_v, FRECPS)
SFP3(FMINNM_v, FMINNM)
SFP3_HOST(FMLS_v, FMLS, HOST_VFMS, false)
SFP3_HOST(FSUB_v, FSUB, HOST_VSUB, false)
SFP3(FMIN_v, FMIN)
SFP3(FRSQRTS_v, FRSQRTS)
SFP_PAIR(FMAXNMP_v, FMAXNM)
SFP_PAIR(FADDP_v, FADD)
SFP3_HOST(FMUL_v, FMUL, HOST_VMUL, false)
SFP3(FCMGE_v, FCMGE)
SFP3(FACGE_v, FACGE)
SFP_PAIR(FMAXP_v, FMAX)
SFP3(FDIV_v, FDIV)
SFP_PAIR(FMINNMP_v, FMINNM)
SFP3(FABD_v, FABD)
SFP3(FCMGT_v, FCMGT)
SFP3(FACGT_v, FACGT)
SFP_PAIR(FMINP_v, FMIN)

SFP3(FMULX_s, FMULX)
SFP3(FCMEQ_s, FCMEQ)
SFP3(FRECPS_s, FRECPS)
SFP3(FRSQRTS_s, FRSQRTS)
SFP3(FCMGE_s, FCMGE)
SFP3(FACGE_s, FACGE)
SFP3(FABD_s, FABD)
SFP3(FCMGT_s, FCMGT)
SFP3(FACGT_s, FACGT)

/* ---- scalar pairwise, across lanes ---- */

#define SFP_PAIR_S(NAME, LANE_NAME)                                                            \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_pair_scalar(cpu, op, lane_##LANE_NAME);                                     \
    }
#define SFP_ACROSS(NAME, LANE_NAME)                                                            \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_across(cpu, op, lane_##LANE_NAME);                                          \
    }

SFP_PAIR_S(FMAXNMP_s, FMAXNM)
SFP_PAIR_S(FADDP_s, FADD)
SFP_PAIR_S(FMAXP_s, FMAX)
SFP_PAIR_S(FMINNMP_s, FMINNM)
SFP_PAIR_S(FMINP_s, FMIN)

SFP_ACROSS(FMAXNMV, FMAXNM)
SFP_ACROSS(FMINNMV, FMINNM)
SFP_ACROSS(FMAXV, FMAX)
SFP_ACROSS(FMINV, FMIN)

/* ---- by element, vector and scalar ---- */

#define SFP_ELEM(NAME, LANE_NAME)                                                              \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_map(cpu, op, lane_##LANE_NAME, true);                                       \
    }

SFP3_HOST(FMLA_elem, FMLA, HOST_VFMA, true)
SFP3_HOST(FMLS_elem, FMLS, HOST_VFMS, true)
SFP3_HOST(FMUL_elem, FMUL, HOST_VMUL, true)
SFP_ELEM(FMULX_elem, FMULX)
SFP_ELEM(FMLA_elem_s, FMLA)
SFP_ELEM(FMLS_elem_s, FMLS)
SFP_ELEM(FMUL_elem_s, FMUL)
SFP_ELEM(FMULX_elem_s, FMULX)
