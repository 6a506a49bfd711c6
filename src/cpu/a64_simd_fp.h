/*
 * Shared by the Advanced SIMD floating-point executors (a64_simd_fp.c,
 * a64_simd_fp_misc.c): the lane drivers. Fields the prep functions leave:
 *   op->a  lane format (enum fpu_fmt: FPU_S or FPU_D; FPU_S for URECPE)
 *   op->b  Q (for the narrowing/widening forms: which half)
 *   op->c  number of lanes (1 for the scalar forms)
 *   op->d  element index of the by-element forms
 *   op->imm  fraction bits of the fixed-point forms, FMOV's immediate
 * A driver reads all sources first, builds the result in a zeroed local
 * (so 64-bit and scalar results zero the rest of Vd) and ORs each lane's
 * FPSR flags into FPSR, as the pseudocode's per-element calls do.
 */
#ifndef ARMVIRT_A64_SIMD_FP_H
#define ARMVIRT_A64_SIMD_FP_H

#include "cpu/fpu.h"
#include "cpu/simd.h"

/* One lane: Vn's element, Vm's (or the indexed one), Vd's old element. */
typedef uint64_t (*sfp_lane_fn)(const struct op *op, uint64_t n, uint64_t m, uint64_t d,
                                uint32_t fpcr, uint32_t *fpsr);

#define SFP_FMT(op) ((enum fpu_fmt)(op)->a)

static inline unsigned sfp_bits(const struct op *op)
{
    return op->a == FPU_D ? 64 : 32;
}

/* Define lane_NAME computing EXPR of n, m, d in format f. */
#define SFP_LANE(NAME, EXPR)                                                                       \
    static uint64_t lane_##NAME(const struct op *op, uint64_t n, uint64_t m, uint64_t d,      \
                                uint32_t fpcr, uint32_t *fpsr)                                 \
    {                                                                                          \
        enum fpu_fmt f = SFP_FMT(op);                                                          \
        (void)n, (void)m, (void)d, (void)f;                                                    \
        return (EXPR);                                                                         \
    }

/* All ones or all zeros of the lane size, the result of a vector compare. */
static inline uint64_t sfp_cmp_mask(const struct op *op, bool c)
{
    return c ? ones64(sfp_bits(op)) : 0;
}

/* FPCompare's NZCV inside a lane expression: 0x6 equal, 0x8 less, 0x2
 * greater, 0x3 unordered. */
#define SFP_CMP(a, b, sig) (fpu_compare(f, a, b, sig, fpcr, fpsr) >> 28)
static inline bool sfp_is_ge(uint32_t nzcv)
{
    return nzcv == 0x6 || nzcv == 0x2;
}

/* Vd[i] = fn(Vn[i], Vm[i] or Vm[op->d], Vd[i]) for op->c lanes. */
enum exec_status sfp_map(struct cpu *cpu, const struct op *op, sfp_lane_fn fn, bool by_elem);

#endif
