/*
 * Advanced SIMD floating point, part 2 (rows in a64_simd_fp.inc): the
 * one-operand forms of two-register misc (vector and scalar), conversions
 * to and from integers and fixed point (two-register misc and shift by
 * immediate), the precision changes FCVTN/FCVTXN/FCVTL, and FMOV (vector,
 * immediate). Lane drivers in a64_simd_fp.c.
 */
#include "cpu/a64_simd_fp.h"
#include "cpu/fpu_estimate.h"

/* ---- lane operations ---- */

/* Compares with zero: FCMLE/FCMLT #0 are FPCompareGE/GT(0, x). */
SFP_LANE(FCMGT_zero, sfp_cmp_mask(op, SFP_CMP(n, 0, true) == 0x2))
SFP_LANE(FCMGE_zero, sfp_cmp_mask(op, sfp_is_ge(SFP_CMP(n, 0, true))))
SFP_LANE(FCMEQ_zero, sfp_cmp_mask(op, SFP_CMP(n, 0, false) == 0x6))
SFP_LANE(FCMLE_zero, sfp_cmp_mask(op, sfp_is_ge(SFP_CMP(0, n, true))))
SFP_LANE(FCMLT_zero, sfp_cmp_mask(op, SFP_CMP(0, n, true) == 0x2))
SFP_LANE(FABS, fpu_abs(f, n))
SFP_LANE(FNEG, fpu_neg(f, n))
SFP_LANE(FSQRT, fpu_sqrt(f, n, fpcr, fpsr))
SFP_LANE(FRECPE, fpu_recip_estimate(f, n, fpcr, fpsr))
SFP_LANE(FRSQRTE, fpu_rsqrt_estimate(f, n, fpcr, fpsr))
SFP_LANE(FRECPX, fpu_recpx(f, n, fpcr, fpsr))
SFP_LANE(URECPE, fpu_urecip_estimate((uint32_t)n))
SFP_LANE(URSQRTE, fpu_ursqrt_estimate((uint32_t)n))

SFP_LANE(FRINTN, fpu_round_int(f, n, FPU_RN, false, fpcr, fpsr))
SFP_LANE(FRINTP, fpu_round_int(f, n, FPU_RP, false, fpcr, fpsr))
SFP_LANE(FRINTM, fpu_round_int(f, n, FPU_RM, false, fpcr, fpsr))
SFP_LANE(FRINTZ, fpu_round_int(f, n, FPU_RZ, false, fpcr, fpsr))
SFP_LANE(FRINTA, fpu_round_int(f, n, FPU_RA, false, fpcr, fpsr))
SFP_LANE(FRINTX, fpu_round_int(f, n, fpu_rmode(fpcr), true, fpcr, fpsr))
SFP_LANE(FRINTI, fpu_round_int(f, n, fpu_rmode(fpcr), false, fpcr, fpsr))

/* To integers of the lane's size; op->imm is the fixed-point forms'
 * fraction-bit count and 0 in the two-register misc rows. */
#define TO_INT(NAME, UNS, RM)                                                                  \
    SFP_LANE(NAME, fpu_to_fixed(f, n, (unsigned)op->imm, UNS, sfp_bits(op), RM, fpcr, fpsr))
TO_INT(FCVTNS, false, FPU_RN)
TO_INT(FCVTNU, true, FPU_RN)
TO_INT(FCVTPS, false, FPU_RP)
TO_INT(FCVTPU, true, FPU_RP)
TO_INT(FCVTMS, false, FPU_RM)
TO_INT(FCVTMU, true, FPU_RM)
TO_INT(FCVTZS, false, FPU_RZ)
TO_INT(FCVTZU, true, FPU_RZ)
TO_INT(FCVTAS, false, FPU_RA)
TO_INT(FCVTAU, true, FPU_RA)
SFP_LANE(SCVTF, fpu_from_fixed(f, n, (unsigned)op->imm, false, sfp_bits(op), fpcr, fpsr))
SFP_LANE(UCVTF, fpu_from_fixed(f, n, (unsigned)op->imm, true, sfp_bits(op), fpcr, fpsr))

/* ---- executors: every lane-wise form, vector and scalar alike ---- */

#define SFP1(NAME, LANE_NAME)                                                                  \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return sfp_map(cpu, op, lane_##LANE_NAME, false);                                      \
    }
/* Both the vector (_v) and scalar (_s) row of a two-register misc op. */
#define SFP1_VS(NAME)                                                                          \
    SFP1(NAME##_v, NAME)                                                                       \
    SFP1(NAME##_s, NAME)

SFP1_VS(FCMGT_zero)
SFP1_VS(FCMGE_zero)
SFP1_VS(FCMEQ_zero)
SFP1_VS(FCMLE_zero)
SFP1_VS(FCMLT_zero)
SFP1(FABS_v, FABS)
SFP1(FNEG_v, FNEG)
SFP1(FSQRT_v, FSQRT)
SFP1_VS(FRECPE)
SFP1_VS(FRSQRTE)
SFP1(FRECPX_s, FRECPX)
SFP1(URECPE, URECPE)
SFP1(URSQRTE, URSQRTE)
SFP1(FRINTN_v, FRINTN)
SFP1(FRINTP_v, FRINTP)
SFP1(FRINTM_v, FRINTM)
SFP1(FRINTZ_v, FRINTZ)
SFP1(FRINTA_v, FRINTA)
SFP1(FRINTX_v, FRINTX)
SFP1(FRINTI_v, FRINTI)
SFP1_VS(FCVTNS)
SFP1_VS(FCVTNU)
SFP1_VS(FCVTPS)
SFP1_VS(FCVTPU)
SFP1_VS(FCVTMS)
SFP1_VS(FCVTMU)
SFP1_VS(FCVTZS)
SFP1_VS(FCVTZU)
SFP1_VS(FCVTAS)
SFP1_VS(FCVTAU)
SFP1_VS(SCVTF)
SFP1_VS(UCVTF)

/* Fixed point by immediate (fbits in op->imm). */
SFP1(SCVTF_fix_v, SCVTF)
SFP1(UCVTF_fix_v, UCVTF)
SFP1(FCVTZS_fix_v, FCVTZS)
SFP1(FCVTZU_fix_v, FCVTZU)
SFP1(SCVTF_fix_s, SCVTF)
SFP1(UCVTF_fix_s, UCVTF)
SFP1(FCVTZS_fix_s, FCVTZS)
SFP1(FCVTZU_fix_s, FCVTZU)

/* ---- precision changes ---- */

/* FCVTN/FCVTXN: op->c lanes of format op->a (single or double) narrowed to
 * half or single, into the lower half of Vd (upper zeroed) or, for the "2"
 * forms, the upper half (lower kept). */
static enum exec_status sfp_narrow(struct cpu *cpu, const struct op *op, enum fpu_rounding rm)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], lo = 0;
    simd_read(cpu, op->rn, n);
    enum fpu_fmt from = SFP_FMT(op), to = from == FPU_D ? FPU_S : FPU_H;
    unsigned bits = sfp_bits(op), out_bits = bits / 2;
    for (unsigned i = 0; i < op->c; i++) {
        uint64_t r = fpu_convert_rm(to, from, simd_get(n, i, bits), rm, cpu->fpcr, &cpu->fpsr);
        lo |= (r & ones64(out_bits)) << (i * out_bits);
    }
    simd_write_narrow(cpu, op, lo);
    return EXEC_NEXT;
}

enum exec_status exec_FCVTN(struct cpu *cpu, const struct op *op)
{
    return sfp_narrow(cpu, op, fpu_rmode(cpu->fpcr));
}

/* FCVTXN rounds to odd whatever FPCR.RMode says, so that a later rounding
 * to a narrower format cannot round twice. */
enum exec_status exec_FCVTXN(struct cpu *cpu, const struct op *op)
{
    return sfp_narrow(cpu, op, FPU_RODD);
}

enum exec_status exec_FCVTXN_s(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t r[2] = {fpu_convert_rm(FPU_S, FPU_D, cpu->v[op->rn][0], FPU_RODD, cpu->fpcr,
                                    &cpu->fpsr), 0};
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* FCVTL: op->c lanes widened to format op->a from the lower half of Vn, or
 * the upper half for FCVTL2. */
enum exec_status exec_FCVTL(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    enum fpu_fmt to = SFP_FMT(op), from = to == FPU_D ? FPU_S : FPU_H;
    unsigned bits = sfp_bits(op), in_bits = bits / 2;
    uint64_t src = cpu->v[op->rn][op->b], r[2] = {0, 0};
    for (unsigned i = 0; i < op->c; i++) {
        uint64_t e = src >> (i * in_bits) & ones64(in_bits);
        simd_set(r, i, bits, fpu_convert(to, from, e, cpu->fpcr, &cpu->fpsr));
    }
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* ---- FMOV (vector, immediate) ---- */

static enum exec_status sfp_fmov(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t r[2] = {0, 0};
    for (unsigned i = 0; i < op->c; i++)
        simd_set(r, i, sfp_bits(op), (uint64_t)op->imm);
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_FMOV_v_imm_s(struct cpu *cpu, const struct op *op)
{
    return sfp_fmov(cpu, op);
}

enum exec_status exec_FMOV_v_imm_d(struct cpu *cpu, const struct op *op)
{
    return sfp_fmov(cpu, op);
}
