/*
 * Host fast paths for fpu.c, used only where host IEEE arithmetic provably
 * gives the Arm result bits and flags; everything else returns false and
 * takes the software path.
 *
 * Conditions, all required:
 * - FPCR.RMode is round-to-nearest, the mode the host runs in (the emulator
 *   never changes the host rounding mode or sets FTZ/DAZ).
 * - Operands are normal numbers (so FZ flushes nothing and no NaN rule
 *   applies); doubles additionally have exponent field >= 128, so the exact
 *   error terms below cannot underflow.
 * - The result is normal and neither in the lowest binade nor, for doubles,
 *   the highest: the exact value is then not tiny (Arm detects tininess
 *   before rounding, x86 after, so results near the underflow threshold must
 *   not come from the host) and did not overflow. FZ and DN cannot matter.
 * Inexact is then the only flag, and it is found from the exact error of the
 * operation: TwoSum for addition, fma(a, b, -p) for products, a - q * b for
 * quotients and q * q - a for square roots, each exactly representable in
 * this exponent range. Single precision is computed in double: products are
 * exact there, and rounding a double sum, quotient or root to single gives
 * the correctly rounded single result because 53 >= 2 * 24 + 2 (double
 * rounding is innocuous for +, -, *, / and sqrt, Figueroa 1995).
 */
#ifndef ARMVIRT_FPU_HOST_H
#define ARMVIRT_FPU_HOST_H

#include <math.h>
#include <string.h>

#include "cpu/fpu.h"

static inline double host_d(uint64_t x)
{
    double d;
    memcpy(&d, &x, sizeof(d));
    return d;
}

static inline double host_s(uint64_t x)
{
    float s;
    uint32_t w = (uint32_t)x;
    memcpy(&s, &w, sizeof(s));
    return s;
}

static inline uint64_t host_bits_d(double d)
{
    uint64_t x;
    memcpy(&x, &d, sizeof(x));
    return x;
}

static inline uint32_t host_bits_s(float s)
{
    uint32_t x;
    memcpy(&x, &s, sizeof(x));
    return x;
}

/* Exponent-field windows, see the conditions above. */
static inline bool host_ok_d(uint64_t x)
{
    unsigned e = (unsigned)(x >> 52) & 0x7ff;
    return e - 128u <= 0x7fdu - 128u;
}

static inline bool host_ok_s_in(uint64_t x)
{
    unsigned e = (unsigned)(x >> 23) & 0xff;
    return e - 1u <= 253u;
}

static inline bool host_ok_s_out(uint32_t x)
{
    unsigned e = (x >> 23) & 0xff;
    return e - 2u <= 251u;
}

/* Hosts that evaluate double expressions in wider registers (x87) would
 * round twice: no fast path there. */
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0
#define FPU_HOST_OK 1
#else
#define FPU_HOST_OK 0
#endif

static inline bool host_usable(enum fpu_fmt f, uint32_t fpcr)
{
    return FPU_HOST_OK && f != FPU_H && fpu_rmode(fpcr) == FPU_RN;
}

/* s + err == x + y exactly (Knuth's TwoSum, valid without overflow). */
static inline double host_two_sum_err(double x, double y, double s)
{
    double bb = s - x;
    return (x - (s - bb)) + (y - bb);
}

static inline bool fpu_host_add(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr,
                                uint32_t *fpsr, uint64_t *res)
{
    if (!host_usable(f, fpcr))
        return false;
    if (f == FPU_D) {
        if (!host_ok_d(a) || !host_ok_d(b))
            return false;
        double x = host_d(a), y = host_d(b), s = x + y;
        if (!host_ok_d(host_bits_d(s)))
            return false;
        if (host_two_sum_err(x, y, s) != 0)
            *fpsr |= FPSR_IXC;
        *res = host_bits_d(s);
        return true;
    }
    if (!host_ok_s_in(a) || !host_ok_s_in(b))
        return false;
    double x = host_s(a), y = host_s(b), s = x + y;
    float r = (float)s;
    if (!host_ok_s_out(host_bits_s(r)))
        return false;
    if (host_two_sum_err(x, y, s) != 0 || (double)r != s)
        *fpsr |= FPSR_IXC;
    *res = host_bits_s(r);
    return true;
}

static inline bool fpu_host_mul(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr,
                                uint32_t *fpsr, uint64_t *res)
{
    if (!host_usable(f, fpcr))
        return false;
    if (f == FPU_D) {
        if (!host_ok_d(a) || !host_ok_d(b))
            return false;
        double x = host_d(a), y = host_d(b), p = x * y;
        if (!host_ok_d(host_bits_d(p)))
            return false;
        if (fma(x, y, -p) != 0)
            *fpsr |= FPSR_IXC;
        *res = host_bits_d(p);
        return true;
    }
    if (!host_ok_s_in(a) || !host_ok_s_in(b))
        return false;
    double p = host_s(a) * host_s(b);   /* exact: 24 + 24 bits */
    float r = (float)p;
    if (!host_ok_s_out(host_bits_s(r)))
        return false;
    if ((double)r != p)
        *fpsr |= FPSR_IXC;
    *res = host_bits_s(r);
    return true;
}

static inline bool fpu_host_div(enum fpu_fmt f, uint64_t a, uint64_t b, uint32_t fpcr,
                                uint32_t *fpsr, uint64_t *res)
{
    if (!host_usable(f, fpcr))
        return false;
    if (f == FPU_D) {
        if (!host_ok_d(a) || !host_ok_d(b))
            return false;
        double x = host_d(a), y = host_d(b), q = x / y;
        if (!host_ok_d(host_bits_d(q)))
            return false;
        if (fma(-q, y, x) != 0)
            *fpsr |= FPSR_IXC;
        *res = host_bits_d(q);
        return true;
    }
    if (!host_ok_s_in(a) || !host_ok_s_in(b))
        return false;
    double x = host_s(a), y = host_s(b), q = x / y;
    float r = (float)q;
    if (!host_ok_s_out(host_bits_s(r)))
        return false;
    if (fma(-q, y, x) != 0 || (double)r != q)
        *fpsr |= FPSR_IXC;
    *res = host_bits_s(r);
    return true;
}

static inline bool fpu_host_sqrt(enum fpu_fmt f, uint64_t a, uint32_t fpcr, uint32_t *fpsr,
                                 uint64_t *res)
{
    if (!host_usable(f, fpcr))
        return false;
    if (f == FPU_D) {
        if (!host_ok_d(a) || (a >> 63))
            return false;
        double x = host_d(a), q = sqrt(x);
        if (fma(q, q, -x) != 0)
            *fpsr |= FPSR_IXC;
        *res = host_bits_d(q);
        return true;
    }
    if (!host_ok_s_in(a) || (a >> 31 & 1))
        return false;
    double x = host_s(a), q = sqrt(x);
    float r = (float)q;   /* the root of a normal single is a normal single */
    if (fma(q, q, -x) != 0 || (double)r != q)
        *fpsr |= FPSR_IXC;
    *res = host_bits_s(r);
    return true;
}

/*
 * Fused multiply-add has no cheap exact error term, so its Inexact flag is
 * taken from the host itself: on x86-64 with FMA3 one asm block clears the
 * MXCSR exception flags, runs VFMADD and reads them back (one block, so the
 * compiler cannot move the operation away from the flag accesses). With
 * normal operands and a result outside the lowest binade, the only flag
 * that can come up is the precision one (PE = Inexact).
 */
#if defined(__x86_64__) && FPU_HOST_OK
#define MXCSR_FLAGS 0x3fu
#define MXCSR_PE 0x20u

static inline bool host_has_fma(void)
{
    return __builtin_cpu_supports("fma");
}

static inline uint32_t host_fma_d(double a, double b, double *acc)
{
    uint32_t csr;
    __asm__ volatile("stmxcsr %[csr]\n\t"
                     "andl %[clear], %[csr]\n\t"
                     "ldmxcsr %[csr]\n\t"
                     "vfmadd231sd %[b], %[a], %[acc]\n\t"
                     "stmxcsr %[csr]"
                     : [acc] "+x"(*acc), [csr] "=m"(csr)
                     : [a] "x"(a), [b] "x"(b), [clear] "i"(~MXCSR_FLAGS));
    return csr;
}

static inline uint32_t host_fma_s(float a, float b, float *acc)
{
    uint32_t csr;
    __asm__ volatile("stmxcsr %[csr]\n\t"
                     "andl %[clear], %[csr]\n\t"
                     "ldmxcsr %[csr]\n\t"
                     "vfmadd231ss %[b], %[a], %[acc]\n\t"
                     "stmxcsr %[csr]"
                     : [acc] "+x"(*acc), [csr] "=m"(csr)
                     : [a] "x"(a), [b] "x"(b), [clear] "i"(~MXCSR_FLAGS));
    return csr;
}

/* Normal: exponent field neither 0 nor all ones. */
static inline bool host_normal(enum fpu_fmt f, uint64_t x)
{
    unsigned e = f == FPU_D ? (unsigned)(x >> 52) & 0x7ff : (unsigned)(x >> 23) & 0xff;
    unsigned emax = f == FPU_D ? 0x7ff : 0xff;
    return e - 1u < emax - 1u;
}

/* Not tiny and not overflowed: exponent field in [2, emax - 1]. */
static inline bool host_result_ok(enum fpu_fmt f, uint64_t x)
{
    unsigned e = f == FPU_D ? (unsigned)(x >> 52) & 0x7ff : (unsigned)(x >> 23) & 0xff;
    unsigned emax = f == FPU_D ? 0x7ff : 0xff;
    return e - 2u < emax - 2u;
}

static inline bool fpu_host_muladd(enum fpu_fmt f, uint64_t addend, uint64_t a, uint64_t b,
                                   uint32_t fpcr, uint32_t *fpsr, uint64_t *res)
{
    if (!host_usable(f, fpcr) || !host_normal(f, addend) || !host_normal(f, a) ||
        !host_normal(f, b) || !host_has_fma())
        return false;
    uint32_t csr;
    uint64_t r;
    if (f == FPU_D) {
        double acc = host_d(addend);
        csr = host_fma_d(host_d(a), host_d(b), &acc);
        r = host_bits_d(acc);
    } else {
        float acc = (float)host_s(addend);
        csr = host_fma_s((float)host_s(a), (float)host_s(b), &acc);
        r = host_bits_s(acc);
    }
    if (!host_result_ok(f, r))
        return false;
    if (csr & MXCSR_PE)
        *fpsr |= FPSR_IXC;
    *res = r;
    return true;
}
#else
static inline bool fpu_host_muladd(enum fpu_fmt f, uint64_t addend, uint64_t a, uint64_t b,
                                   uint32_t fpcr, uint32_t *fpsr, uint64_t *res)
{
    return false;
}
#endif

#endif
