/*
 * Scalar floating-point semantics of ARMv8.0-A (Arm ARM J1.2 shared/functions/
 * float: FPUnpack, FPRound, FPProcessNaNs, FPAdd ... FPToFixed, FPRoundInt,
 * FPConvert), written as pure functions of (operands, FPCR) that return the
 * result bits and OR the cumulative exception flags they raise into *fpsr.
 *
 * Everything is computed in software on exact integer mantissas with one
 * rounding step (fpu_round), so results, NaN payloads and flags are the
 * architecture's whatever the host FPU does. Trapped exceptions (FPCR.IOE
 * etc.) are not modelled: ARMv8.0 lets an implementation not support them,
 * as Cortex-A57 does, and FPCR writes keep those bits zero.
 *
 * Values are raw bit patterns in the low bits of a uint64_t. Half precision
 * appears only in conversions (FCVT), as in ARMv8.0 without FEAT_FP16, so
 * FPCR.FZ never applies to it (that would be FZ16) but FPCR.AHP does.
 */
#ifndef ARMVIRT_FPU_H
#define ARMVIRT_FPU_H

#include <stdbool.h>
#include <stdint.h>

enum fpu_fmt { FPU_H, FPU_S, FPU_D };

/* FPRounding: the first four are FPCR.RMode's encoding. FPU_RODD is
 * round to odd (truncate, then set the lowest bit if inexact), used only
 * by FCVTXN. */
enum fpu_rounding { FPU_RN = 0, FPU_RP = 1, FPU_RM = 2, FPU_RZ = 3, FPU_RA = 4, FPU_RODD = 5 };

/* FPCR fields that ARMv8.0 scalar arithmetic reads. */
#define FPCR_AHP (1u << 26)
#define FPCR_DN (1u << 25)
#define FPCR_FZ (1u << 24)
#define FPCR_RMODE_SHIFT 22

/* FPSR cumulative exception flags. */
#define FPSR_IOC (1u << 0)
#define FPSR_DZC (1u << 1)
#define FPSR_OFC (1u << 2)
#define FPSR_UFC (1u << 3)
#define FPSR_IXC (1u << 4)
#define FPSR_IDC (1u << 7)

static inline enum fpu_rounding fpu_rmode(uint32_t fpcr)
{
    return (enum fpu_rounding)(fpcr >> FPCR_RMODE_SHIFT & 3);
}

/* Arithmetic, rounded per FPCR.RMode. fpu_muladd is FPMulAdd: addend +
 * op1 * op2 with a single rounding. */
uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_muladd(enum fpu_fmt f, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
                    uint32_t *fpsr);
uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr);

/* FPMax, FPMin, FPMaxNum, FPMinNum. */
uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_maxnum(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_minnum(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* FPCompare: NZCV in bits 31..28. `signal` makes quiet NaNs raise IOC too (FCMPE). */
uint32_t fpu_compare(enum fpu_fmt f, uint64_t a, uint64_t b, bool signal, uint32_t fpcr,
                     uint32_t *fpsr);

/* FPConvert between precisions, rounded per FPCR.RMode; AHP applies to half. */
uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, uint32_t fpcr,
                     uint32_t *fpsr);
/* The same with an explicit rounding (FCVTXN rounds to odd). */
uint64_t fpu_convert_rm(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, enum fpu_rounding rm,
                        uint32_t fpcr, uint32_t *fpsr);

/* FPToFixed: `a` times 2^fbits to a `bits`-wide (32/64) signed or unsigned
 * integer, saturating; the result is zero-extended to 64 bits. */
uint64_t fpu_to_fixed(enum fpu_fmt f, uint64_t a, unsigned fbits, bool is_unsigned,
                      unsigned bits, enum fpu_rounding rounding, uint32_t fpcr, uint32_t *fpsr);

/* FixedToFP: the `bits`-wide integer `v` divided by 2^fbits, rounded per FPCR. */
uint64_t fpu_from_fixed(enum fpu_fmt f, uint64_t v, unsigned fbits, bool is_unsigned,
                        unsigned bits, uint32_t fpcr, uint32_t *fpsr);

/* FPRoundInt: FRINT*; `exact` (FRINTX) raises IXC when the value changes. */
uint64_t fpu_round_int(enum fpu_fmt f, uint64_t a, enum fpu_rounding rounding, bool exact,
                       uint32_t fpcr, uint32_t *fpsr);

/* VFPExpandImm: the 8-bit immediate of FMOV (scalar, immediate). */
uint64_t fpu_expand_imm(enum fpu_fmt f, unsigned imm8);

/* FPNeg and FPAbs: sign-bit operations that never raise flags. */
static inline uint64_t fpu_sign_bit(enum fpu_fmt f)
{
    return f == FPU_D ? 1ull << 63 : f == FPU_S ? 1ull << 31 : 1ull << 15;
}
static inline uint64_t fpu_neg(enum fpu_fmt f, uint64_t a)
{
    return a ^ fpu_sign_bit(f);
}
static inline uint64_t fpu_abs(enum fpu_fmt f, uint64_t a)
{
    return a & (fpu_sign_bit(f) - 1);
}

#endif
