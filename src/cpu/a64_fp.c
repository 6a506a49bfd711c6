/*
 * Scalar floating-point executors (Arm ARM C7.2; rows in a64_fp.inc). Each
 * checks CPACR_EL1.FPEN first, reads its operands from the low lanes of the
 * V registers, lets fpu.c compute result and FPSR flags, and writes a scalar
 * result zeroing the rest of the 128-bit register, as every scalar write
 * does. op->a holds the format (enum fpu_fmt) set by the prep functions.
 */
#include "cpu/fp_access.h"
#include "cpu/fpu.h"

/* ---- decode-time helpers ---- */

/* ftype 00 = single, 01 = double; 1x is half (FEAT_FP16) or unallocated. */
static bool fp_ftype(struct op *op)
{
    unsigned ftype = op->insn >> 22 & 3;
    if (ftype > 1)
        return false;
    op->a = ftype == 0 ? FPU_S : FPU_D;
    return true;
}

bool prep_fp_sd(struct op *op)
{
    return fp_ftype(op);
}

bool prep_fp_imm(struct op *op)
{
    if (!fp_ftype(op))
        return false;
    op->imm = (int64_t)fpu_expand_imm((enum fpu_fmt)op->a, op->insn >> 13 & 0xff);
    return true;
}

/* op->b = fbits, op->c = unsigned, op->d = integer width. A 32-bit integer
 * allows at most 32 fraction bits (scale<5> must be 1). */
bool prep_fp_fix(struct op *op)
{
    unsigned scale = op->insn >> 10 & 63;
    bool sf = op->insn >> 31;
    if (!fp_ftype(op) || (!sf && scale < 32))
        return false;
    op->b = (uint8_t)(64 - scale);
    op->c = op->insn >> 16 & 1;
    op->d = sf ? 64 : 32;
    return true;
}

/* op->b = rounding (rmode, or ties-away for FCVTA*), op->c = unsigned,
 * op->d = integer width. */
bool prep_fp_int(struct op *op)
{
    if (!fp_ftype(op))
        return false;
    op->b = (op->insn >> 18 & 1) ? FPU_RA : (uint8_t)(op->insn >> 19 & 3);
    op->c = op->insn >> 16 & 1;
    op->d = (op->insn >> 31) ? 64 : 32;
    return true;
}

/* ---- register access ---- */

static inline uint64_t fp_read(const struct cpu *cpu, unsigned n, enum fpu_fmt f)
{
    uint64_t v = cpu->v[n][0];
    return f == FPU_D ? v : f == FPU_S ? (uint32_t)v : (uint16_t)v;
}

static inline void fp_write(struct cpu *cpu, unsigned d, uint64_t v)
{
    cpu->v[d][0] = v;
    cpu->v[d][1] = 0;
}

#define FMT ((enum fpu_fmt)op->a)
#define RN fp_read(cpu, op->rn, FMT)
#define RM fp_read(cpu, op->rm, FMT)
#define RA fp_read(cpu, op->ra, FMT)

/* ---- 1 source ---- */

enum exec_status exec_FMOV_reg(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, RN);
    return EXEC_NEXT;
}

enum exec_status exec_FABS(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, fpu_abs(FMT, RN));
    return EXEC_NEXT;
}

enum exec_status exec_FNEG(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, fpu_neg(FMT, RN));
    return EXEC_NEXT;
}

enum exec_status exec_FSQRT(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, fpu_sqrt(FMT, RN, cpu->fpcr, &cpu->fpsr));
    return EXEC_NEXT;
}

#define FCVT(NAME, TO, FROM)                                                                   \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        uint64_t v = fp_read(cpu, op->rn, FROM);                                               \
        fp_write(cpu, op->rd, fpu_convert(TO, FROM, v, cpu->fpcr, &cpu->fpsr));                \
        return EXEC_NEXT;                                                                      \
    }

FCVT(FCVT_s_to_d, FPU_D, FPU_S)
FCVT(FCVT_s_to_h, FPU_H, FPU_S)
FCVT(FCVT_d_to_s, FPU_S, FPU_D)
FCVT(FCVT_d_to_h, FPU_H, FPU_D)
FCVT(FCVT_h_to_s, FPU_S, FPU_H)
FCVT(FCVT_h_to_d, FPU_D, FPU_H)

/* FRINTI and FRINTX round per FPCR.RMode; FRINTX alone raises Inexact. */
#define FRINT(NAME, ROUNDING, EXACT)                                                           \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        fp_write(cpu, op->rd, fpu_round_int(FMT, RN, ROUNDING, EXACT, cpu->fpcr, &cpu->fpsr)); \
        return EXEC_NEXT;                                                                      \
    }

FRINT(FRINTN, FPU_RN, false)
FRINT(FRINTP, FPU_RP, false)
FRINT(FRINTM, FPU_RM, false)
FRINT(FRINTZ, FPU_RZ, false)
FRINT(FRINTA, FPU_RA, false)
FRINT(FRINTX, fpu_rmode(cpu->fpcr), true)
FRINT(FRINTI, fpu_rmode(cpu->fpcr), false)

/* ---- compare ---- */

#define FCMP(NAME, SECOND, SIGNAL)                                                             \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        cpu_set_nzcv(cpu, fpu_compare(FMT, RN, SECOND, SIGNAL, cpu->fpcr, &cpu->fpsr));        \
        return EXEC_NEXT;                                                                      \
    }

FCMP(FCMP, RM, false)
FCMP(FCMP_zero, 0, false)
FCMP(FCMPE, RM, true)
FCMP(FCMPE_zero, 0, true)

/* FCCMP: compare if the condition holds, else take the immediate flags. */
#define FCCMP(NAME, SIGNAL)                                                                    \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        if (cpu_cond_holds(cpu, op->insn >> 12 & 15))                                          \
            cpu_set_nzcv(cpu, fpu_compare(FMT, RN, RM, SIGNAL, cpu->fpcr, &cpu->fpsr));        \
        else                                                                                   \
            cpu_set_nzcv(cpu, (op->insn & 15) << 28);                                          \
        return EXEC_NEXT;                                                                      \
    }

FCCMP(FCCMP, false)
FCCMP(FCCMPE, true)

/* ---- immediate, select ---- */

enum exec_status exec_FMOV_imm(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_FCSEL(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, cpu_cond_holds(cpu, op->insn >> 12 & 15) ? RN : RM);
    return EXEC_NEXT;
}

/* ---- 2 source ---- */

#define FP2(NAME, FN)                                                                          \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        fp_write(cpu, op->rd, FN(FMT, RN, RM, cpu->fpcr, &cpu->fpsr));                         \
        return EXEC_NEXT;                                                                      \
    }

FP2(FMUL, fpu_mul)
FP2(FDIV, fpu_div)
FP2(FADD, fpu_add)
FP2(FSUB, fpu_sub)
FP2(FMAX, fpu_max)
FP2(FMIN, fpu_min)
FP2(FMAXNM, fpu_maxnum)
FP2(FMINNM, fpu_minnum)

/* FNMUL negates the product after rounding, NaN results included. */
enum exec_status exec_FNMUL(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, fpu_neg(FMT, fpu_mul(FMT, RN, RM, cpu->fpcr, &cpu->fpsr)));
    return EXEC_NEXT;
}

/* ---- 3 source ---- */

/* The negations apply to the operands before the fused operation, so a NaN
 * operand comes out with its sign flipped (C7.2 FMSUB/FNMADD/FNMSUB). */
#define FP3(NAME, NEG_A, NEG_N)                                                                \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        FP_CHECK(cpu, op);                                                                     \
        uint64_t a = RA, n = RN;                                                               \
        if (NEG_A)                                                                             \
            a = fpu_neg(FMT, a);                                                               \
        if (NEG_N)                                                                             \
            n = fpu_neg(FMT, n);                                                               \
        fp_write(cpu, op->rd, fpu_muladd(FMT, a, n, RM, cpu->fpcr, &cpu->fpsr));               \
        return EXEC_NEXT;                                                                      \
    }

FP3(FMADD, false, false)
FP3(FMSUB, false, true)
FP3(FNMADD, true, true)
FP3(FNMSUB, true, false)

/* ---- conversions to and from integers ---- */

static enum exec_status fp_to_int(struct cpu *cpu, const struct op *op, unsigned fbits,
                                  enum fpu_rounding rounding)
{
    FP_CHECK(cpu, op);
    reg_write(cpu, op->rd,
              fpu_to_fixed(FMT, RN, fbits, op->c, op->d, rounding, cpu->fpcr, &cpu->fpsr));
    return EXEC_NEXT;
}

static enum exec_status int_to_fp(struct cpu *cpu, const struct op *op, unsigned fbits)
{
    FP_CHECK(cpu, op);
    uint64_t v = reg_read(cpu, op->rn);
    fp_write(cpu, op->rd, fpu_from_fixed(FMT, v, fbits, op->c, op->d, cpu->fpcr, &cpu->fpsr));
    return EXEC_NEXT;
}

enum exec_status exec_FCVTZS_fix(struct cpu *cpu, const struct op *op)
{
    return fp_to_int(cpu, op, op->b, FPU_RZ);
}

enum exec_status exec_FCVTZU_fix(struct cpu *cpu, const struct op *op)
{
    return fp_to_int(cpu, op, op->b, FPU_RZ);
}

enum exec_status exec_SCVTF_fix(struct cpu *cpu, const struct op *op)
{
    return int_to_fp(cpu, op, op->b);
}

enum exec_status exec_UCVTF_fix(struct cpu *cpu, const struct op *op)
{
    return int_to_fp(cpu, op, op->b);
}

enum exec_status exec_FCVT_int(struct cpu *cpu, const struct op *op)
{
    return fp_to_int(cpu, op, 0, (enum fpu_rounding)op->b);
}

enum exec_status exec_FCVTA_int(struct cpu *cpu, const struct op *op)
{
    return fp_to_int(cpu, op, 0, FPU_RA);
}

enum exec_status exec_SCVTF_int(struct cpu *cpu, const struct op *op)
{
    return int_to_fp(cpu, op, 0);
}

enum exec_status exec_UCVTF_int(struct cpu *cpu, const struct op *op)
{
    return int_to_fp(cpu, op, 0);
}

/* ---- FMOV between general and SIMD&FP registers ---- */

enum exec_status exec_FMOV_w_s(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    reg_write(cpu, op->rd, (uint32_t)cpu->v[op->rn][0]);
    return EXEC_NEXT;
}

enum exec_status exec_FMOV_s_w(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, (uint32_t)reg_read(cpu, op->rn));
    return EXEC_NEXT;
}

enum exec_status exec_FMOV_x_d(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    reg_write(cpu, op->rd, cpu->v[op->rn][0]);
    return EXEC_NEXT;
}

enum exec_status exec_FMOV_d_x(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    fp_write(cpu, op->rd, reg_read(cpu, op->rn));
    return EXEC_NEXT;
}

enum exec_status exec_FMOV_x_v1(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    reg_write(cpu, op->rd, cpu->v[op->rn][1]);
    return EXEC_NEXT;
}

/* Writing the top half leaves the bottom half as it was. */
enum exec_status exec_FMOV_v1_x(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    cpu->v[op->rd][1] = reg_read(cpu, op->rn);
    return EXEC_NEXT;
}
