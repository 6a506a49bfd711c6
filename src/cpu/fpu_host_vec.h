/*
 * Whole-vector host fast paths for the Advanced SIMD FADD, FSUB, FMUL, FMLA
 * and FMLS (vector and by element): one packed SSE/FMA instruction for all
 * lanes instead of one call of fpu.c per lane. Used only where the host's
 * IEEE result provably equals the Arm result bits and flags; otherwise the
 * caller runs the lanes through fpu.c (nothing has been written by then).
 *
 * The MXCSR exception flags are cleared before the operation and read
 * after it, in one asm block so the compiler cannot move the operation
 * away from them. The result is taken only when:
 * - FPCR.RMode is round-to-nearest (the host's mode; the emulator never
 *   changes it, nor sets FTZ/DAZ) and the lanes are single or double;
 * - no operand lane is an infinity or NaN (the Arm NaN rules and default
 *   NaN differ from x86's, and x86 raises nothing for quiet NaNs);
 * - the host raised no flag but Precision: no denormal operand (DE), so
 *   FPCR.FZ flushes nothing, and no invalid, overflow or underflow;
 * - no result lane is in the lowest binade or subnormal (exponent field
 *   <= 1, except exact zeros): Arm detects tininess before rounding and
 *   x86 after, so results near the underflow threshold are not taken.
 * Then Inexact is the only Arm flag, and the packed Precision flag is the
 * OR of the lanes' Inexact, as FPSR.IXC accumulates it. Zero operands are
 * fine: IEEE 754 and the Arm pseudocode give zeros the same signs in
 * round-to-nearest, for sums, products and fused products alike.
 */
#ifndef ARMVIRT_FPU_HOST_VEC_H
#define ARMVIRT_FPU_HOST_VEC_H

#include "cpu/fpu_host.h"

enum host_vop { HOST_VADD, HOST_VSUB, HOST_VMUL, HOST_VFMA, HOST_VFMS };

#if defined(__x86_64__) && FPU_HOST_OK
#include <immintrin.h>

/* acc = acc OP b (two-operand SSE form) or acc = acc + a * b (FMA forms),
 * returning MXCSR after the operation alone. */
#define HOST_VEC_OP2(NAME, INSN, TYPE)                                                         \
    static inline uint32_t NAME(TYPE *acc, TYPE b)                                             \
    {                                                                                          \
        uint32_t csr;                                                                          \
        __asm__ volatile("stmxcsr %[csr]\n\t"                                                  \
                         "andl %[clear], %[csr]\n\t"                                           \
                         "ldmxcsr %[csr]\n\t" INSN " %[b], %[acc]\n\t"                        \
                         "stmxcsr %[csr]"                                                      \
                         : [acc] "+x"(*acc), [csr] "=m"(csr)                                   \
                         : [b] "x"(b), [clear] "i"(~MXCSR_FLAGS));                             \
        return csr;                                                                            \
    }
#define HOST_VEC_OP3(NAME, INSN, TYPE)                                                         \
    static inline uint32_t NAME(TYPE *acc, TYPE a, TYPE b)                                     \
    {                                                                                          \
        uint32_t csr;                                                                          \
        __asm__ volatile("stmxcsr %[csr]\n\t"                                                  \
                         "andl %[clear], %[csr]\n\t"                                           \
                         "ldmxcsr %[csr]\n\t" INSN " %[b], %[a], %[acc]\n\t"                  \
                         "stmxcsr %[csr]"                                                      \
                         : [acc] "+x"(*acc), [csr] "=m"(csr)                                   \
                         : [a] "x"(a), [b] "x"(b), [clear] "i"(~MXCSR_FLAGS));                 \
        return csr;                                                                            \
    }

HOST_VEC_OP2(host_vaddps, "addps", __m128)
HOST_VEC_OP2(host_vsubps, "subps", __m128)
HOST_VEC_OP2(host_vmulps, "mulps", __m128)
HOST_VEC_OP2(host_vaddpd, "addpd", __m128d)
HOST_VEC_OP2(host_vsubpd, "subpd", __m128d)
HOST_VEC_OP2(host_vmulpd, "mulpd", __m128d)
HOST_VEC_OP3(host_vfmaps, "vfmadd231ps", __m128)
HOST_VEC_OP3(host_vfnmaps, "vfnmadd231ps", __m128)
HOST_VEC_OP3(host_vfmapd, "vfmadd231pd", __m128d)
HOST_VEC_OP3(host_vfnmapd, "vfnmadd231pd", __m128d)

/* Some lane of the 128 bits is an infinity or NaN (exponent all ones). */
static inline bool host_vec_any_special(enum fpu_fmt f, const uint64_t v[2])
{
    for (int i = 0; i < 2; i++) {
        uint64_t x = v[i];
        if (f == FPU_D) {
            if ((~x & 0x7ff0000000000000ull) == 0)
                return true;
        } else if ((~x & 0x7f800000ull) == 0 || (~x & 0x7f80000000000000ull) == 0) {
            return true;
        }
    }
    return false;
}

/* Some lane is tiny or subnormal: exponent field 0 or 1, not an exact zero. */
static inline bool host_vec_any_tiny(enum fpu_fmt f, const uint64_t v[2])
{
    for (int i = 0; i < 2; i++) {
        uint64_t x = v[i];
        if (f == FPU_D) {
            if ((x & 0x7fe0000000000000ull) == 0 && (x << 1) != 0)
                return true;
        } else {
            for (int h = 0; h < 2; h++) {
                uint32_t s = (uint32_t)(x >> (32 * h));
                if ((s & 0x7f000000u) == 0 && (s << 1) != 0)
                    return true;
            }
        }
    }
    return false;
}

/* r = the lanes of n OP m (HOST_VFMA/VFMS: d + n * m, d - n * m, fused).
 * 64-bit vectors come with the upper halves of n, m, d zero, which raise
 * no flag. False: use the per-lane path. */
static inline bool fpu_host_vec(enum host_vop vop, enum fpu_fmt f, const uint64_t n[2],
                                const uint64_t m[2], const uint64_t d[2], uint32_t fpcr,
                                uint32_t *fpsr, uint64_t r[2])
{
    if (!host_usable(f, fpcr) || host_vec_any_special(f, n) || host_vec_any_special(f, m))
        return false;
    bool fused = vop == HOST_VFMA || vop == HOST_VFMS;
    if (fused && (host_vec_any_special(f, d) || !host_has_fma()))
        return false;
    uint32_t csr = 0;
    if (f == FPU_S) {
        __m128 a, b, acc;
        memcpy(&a, n, 16);
        memcpy(&b, m, 16);
        switch (vop) {
        case HOST_VADD: acc = a; csr = host_vaddps(&acc, b); break;
        case HOST_VSUB: acc = a; csr = host_vsubps(&acc, b); break;
        case HOST_VMUL: acc = a; csr = host_vmulps(&acc, b); break;
        case HOST_VFMA: memcpy(&acc, d, 16); csr = host_vfmaps(&acc, a, b); break;
        case HOST_VFMS: memcpy(&acc, d, 16); csr = host_vfnmaps(&acc, a, b); break;
        }
        memcpy(r, &acc, 16);
    } else {
        __m128d a, b, acc;
        memcpy(&a, n, 16);
        memcpy(&b, m, 16);
        switch (vop) {
        case HOST_VADD: acc = a; csr = host_vaddpd(&acc, b); break;
        case HOST_VSUB: acc = a; csr = host_vsubpd(&acc, b); break;
        case HOST_VMUL: acc = a; csr = host_vmulpd(&acc, b); break;
        case HOST_VFMA: memcpy(&acc, d, 16); csr = host_vfmapd(&acc, a, b); break;
        case HOST_VFMS: memcpy(&acc, d, 16); csr = host_vfnmapd(&acc, a, b); break;
        }
        memcpy(r, &acc, 16);
    }
    if ((csr & MXCSR_FLAGS & ~MXCSR_PE) || host_vec_any_tiny(f, r))
        return false;
    if (csr & MXCSR_PE)
        *fpsr |= FPSR_IXC;
    return true;
}
#else
static inline bool fpu_host_vec(enum host_vop vop, enum fpu_fmt f, const uint64_t n[2],
                                const uint64_t m[2], const uint64_t d[2], uint32_t fpcr,
                                uint32_t *fpsr, uint64_t r[2])
{
    (void)vop, (void)f, (void)n, (void)m, (void)d, (void)fpcr, (void)fpsr, (void)r;
    return false;
}
#endif

#endif
