/*
 * The floating-point operations only Advanced SIMD has (Arm ARM J1.2/J1.3
 * shared/functions/float and vector): FPMulX, the Newton-Raphson steps
 * FPRecipStepFused / FPRSqrtStepFused, the estimates FPRecipEstimate,
 * FPRSqrtEstimate, FPRecpX, UnsignedRecipEstimate and UnsignedRSqrtEstimate
 * with their 8-bit tables RecipEstimate / RecipSqrtEstimate. Pure functions
 * of (operands, FPCR) like fpu.h, whose conventions they share; ARMv8.0 has
 * no FEAT_RPRES, so the estimates are the 8-bit ones.
 */
#ifndef ARMVIRT_FPU_ESTIMATE_H
#define ARMVIRT_FPU_ESTIMATE_H

#include "cpu/fpu.h"

/* FPMulX: FPMul, except that infinity times zero is 2.0 with the XOR of the
 * signs instead of an Invalid Operation. */
uint64_t fpu_mulx(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* FRECPS: 2.0 - a * b; FRSQRTS: (3.0 - a * b) / 2.0, each rounded once. */
uint64_t fpu_recip_step(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_rsqrt_step(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* FRECPE, FRSQRTE, FRECPX. */
uint64_t fpu_recip_estimate(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_rsqrt_estimate(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_recpx(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr);

/* URECPE and URSQRTE of a 32-bit element: no FPCR, no flags. */
uint32_t fpu_urecip_estimate(uint32_t a);
uint32_t fpu_ursqrt_estimate(uint32_t a);

/* The tables: RecipEstimate(256..511) and RecipSqrtEstimate(128..511),
 * each giving 256..511. */
unsigned fpu_recip_table(unsigned a);
unsigned fpu_rsqrt_table(unsigned a);

#endif
