/*
 * Lane helpers shared by the Advanced SIMD executors (a64_simd_*.c).
 *
 * A vector is two uint64_t, little-endian lanes: element i of size `bits`
 * lives at bit i * bits of the 128-bit value. Executors read every source
 * register into a local copy first (Rd may equal Rn or Rm), build the whole
 * result in a zeroed local and write it back in one go, so the 64-bit
 * (Q = 0) and scalar forms zero the upper bits as the architecture requires
 * (the pseudocode's V[n] = value of fewer than 128 bits zero-extends it).
 *
 * Lane values travel as uint64_t holding the element zero-extended; signed
 * operations sign-extend them with simd_sx(). Saturation follows SatQ() of
 * the Arm ARM pseudocode and sets FPSR.QC (bit 27) when it clips.
 *
 * Fields the prep functions leave in struct op for every executor:
 *   op->a  element size in bits (of the source for widening/narrowing forms)
 *   op->b  Q, bit 30 (the "2" variants: which half a long/narrow form uses)
 *   op->c  number of elements processed
 *   op->d  element index (by-element, copy and single-structure forms)
 */
#ifndef ARMVIRT_SIMD_H
#define ARMVIRT_SIMD_H

#include <string.h>

#include "cpu/fp_access.h"

#define SIMD_INLINE static inline __attribute__((always_inline))
#define FPSR_QC (1u << 27)

typedef __int128 simd_wide;
typedef unsigned __int128 simd_uwide;

SIMD_INLINE uint64_t simd_mask(unsigned bits)
{
    return ones64(bits);
}

SIMD_INLINE int64_t simd_sx(uint64_t v, unsigned bits)
{
    return sext64(v, bits);
}

/* Element i of size `bits` (8..64) of v. */
SIMD_INLINE uint64_t simd_get(const uint64_t v[2], unsigned i, unsigned bits)
{
    unsigned bit_pos = i * bits;
    return bits64(v[bit_pos >> 6], bit_pos & 63, bits);
}

SIMD_INLINE void simd_set(uint64_t v[2], unsigned i, unsigned bits, uint64_t x)
{
    unsigned bit_pos = i * bits, sh = bit_pos & 63;
    uint64_t m = simd_mask(bits) << sh;
    v[bit_pos >> 6] = (v[bit_pos >> 6] & ~m) | ((x << sh) & m);
}

SIMD_INLINE void simd_read(const struct cpu *cpu, unsigned r, uint64_t v[2])
{
    v[0] = cpu->v[r][0];
    v[1] = cpu->v[r][1];
}

SIMD_INLINE void simd_write(struct cpu *cpu, unsigned r, const uint64_t v[2])
{
    memcpy(cpu->v[r], v, 16);
}

SIMD_INLINE void simd_set_qc(struct cpu *cpu)
{
    cpu->fpsr |= FPSR_QC;
}

/* SignedSatQ(x, bits), setting QC when it clips. */
SIMD_INLINE uint64_t simd_sat_s(struct cpu *cpu, simd_wide x, unsigned bits)
{
    simd_wide hi = ((simd_wide)1 << (bits - 1)) - 1, lo = -hi - 1;
    if (x > hi) {
        simd_set_qc(cpu);
        x = hi;
    } else if (x < lo) {
        simd_set_qc(cpu);
        x = lo;
    }
    return (uint64_t)x & simd_mask(bits);
}

/* UnsignedSatQ(x, bits). */
SIMD_INLINE uint64_t simd_sat_u(struct cpu *cpu, simd_wide x, unsigned bits)
{
    if (x < 0) {
        simd_set_qc(cpu);
        return 0;
    }
    if (x > (simd_wide)simd_mask(bits)) {
        simd_set_qc(cpu);
        return simd_mask(bits);
    }
    return (uint64_t)x;
}

SIMD_INLINE uint64_t simd_sat(struct cpu *cpu, simd_wide x, unsigned bits, bool is_unsigned)
{
    return is_unsigned ? simd_sat_u(cpu, x, bits) : simd_sat_s(cpu, x, bits);
}

/* An element as an exact integer: sign- or zero-extended. */
SIMD_INLINE simd_wide simd_int(uint64_t v, unsigned bits, bool is_unsigned)
{
    return is_unsigned ? (simd_wide)v : (simd_wide)simd_sx(v, bits);
}

/* (x + round) << shift with the exact integer semantics of the pseudocode
 * (a negative shift divides, rounding adds 1 << (-shift - 1) first). |x| <
 * 2^64, so below 64 a left shift is exact in 128 bits; from 64 on any
 * non-zero value is out of range for every element size (it saturates, or
 * truncates to 0), so ±2^100 stands for it. A right shift by more than 66
 * leaves only the sign, so clamping there changes nothing. */
SIMD_INLINE simd_wide simd_shift(simd_wide x, int shift, bool round)
{
    if (shift >= 0) {
        if (shift >= 64)
            return x == 0 ? 0 : x > 0 ? (simd_wide)1 << 100 : -((simd_wide)1 << 100);
        return (simd_wide)((simd_uwide)x << shift);
    }
    int s = -shift;
    if (s > 80)
        s = 80;
    if (round)
        x += (simd_wide)1 << (s - 1);
    return x >> s;
}

/* Polynomial (carry-less) multiply of two `bits`-bit values. */
SIMD_INLINE uint64_t simd_pmul(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if (b >> i & 1)
            r ^= a << i;
    return r;
}

/* A vector seen as lanes of each size. Lanes are in host order, so this
 * needs a little-endian host (as the memory fast path does too). */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Advanced SIMD lanes assume a little-endian host"
#endif
union simd_vec {
    uint64_t d[2];
    uint32_t s[4];
    uint16_t h[8];
    uint8_t b[16];
};

SIMD_INLINE union simd_vec simd_vread(const struct cpu *cpu, unsigned r)
{
    union simd_vec v = {.d = {cpu->v[r][0], cpu->v[r][1]}};
    return v;
}

/* A whole register is written with one 16-byte store: the next
 * instruction often reads it whole, and a load takes its value straight
 * from an earlier store only if that one store holds all of it (two
 * 8-byte stores made the next instruction wait, measured: 20% of the simd
 * scan benchmark). */
SIMD_INLINE void simd_vwrite(struct cpu *cpu, unsigned r, const union simd_vec *v)
{
    memcpy(cpu->v[r], v, sizeof(*v));
}

/* Run X(T, F, BITS) with the lane type, union field and size of `bits`,
 * so each size gets its own loop with the lane size a constant. */
#define SIMD_BY_SIZE(bits, X)                   \
    switch (bits) {                             \
    case 8: X(uint8_t, b, 8); break;            \
    case 16: X(uint16_t, h, 16); break;         \
    case 32: X(uint32_t, s, 32); break;         \
    default: X(uint64_t, d, 64); break;         \
    }

/* The same for widening forms: X(T, F, BITS, WT, WF) with the lane type of
 * twice the size; `bits` is the narrow size (8, 16 or 32). */
#define SIMD_BY_SIZE_WIDE(bits, X)                      \
    switch (bits) {                                     \
    case 8: X(uint8_t, b, 8, uint16_t, h); break;       \
    case 16: X(uint16_t, h, 16, uint32_t, s); break;    \
    default: X(uint32_t, s, 32, uint64_t, d); break;    \
    }

/* A lane operation of three operands: Rn's and Rm's elements and the old
 * element of Rd (for accumulating forms). */
typedef uint64_t (*simd_lane3_fn)(struct cpu *cpu, uint64_t n, uint64_t m, uint64_t d,
                                  unsigned bits);

/* Rd[i] = fn(Rn[i], Rm[i], Rd[i]) for op->c elements of op->a bits; with
 * `by_elem`, Rm's element op->d stands for every Rm[i]. */
SIMD_INLINE enum exec_status simd_map3(struct cpu *cpu, const struct op *op, simd_lane3_fn fn,
                                       bool by_elem)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), m = simd_vread(cpu, op->rm),
                   d = simd_vread(cpu, op->rd), r = {.d = {0, 0}};
    unsigned c = op->c;
    /* A whole Q or D register as its own loop of constant length, which
     * the compiler turns into host vector instructions where the lane
     * operation allows. */
#define MAP3_LOOP(T, F, BITS)                                                   \
    do {                                                                        \
        T me = m.F[by_elem ? op->d : 0];                                        \
        if (!by_elem && c == 128 / BITS)                                        \
            for (unsigned i = 0; i < 128 / BITS; i++)                           \
                r.F[i] = (T)fn(cpu, n.F[i], m.F[i], d.F[i], BITS);              \
        else if (!by_elem && c == 64 / BITS)                                    \
            for (unsigned i = 0; i < 64 / BITS; i++)                            \
                r.F[i] = (T)fn(cpu, n.F[i], m.F[i], d.F[i], BITS);              \
        else                                                                    \
            for (unsigned i = 0; i < c; i++)                                    \
                r.F[i] = (T)fn(cpu, n.F[i], by_elem ? me : m.F[i], d.F[i], BITS); \
    } while (0)
    SIMD_BY_SIZE(op->a, MAP3_LOOP)
#undef MAP3_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

/* Rd(wide)[i] = fn(Rn[i], Rm[i], Rd(wide)[i]) where Rn/Rm elements come from
 * the lower half, or the upper half for the "2" forms (Q = 1), and the
 * result is 2 * op->a bits. `wide_n`: Rn has wide elements too (ADDW).
 * For the scalar forms op->b = 0 and op->c = 1. */
SIMD_INLINE enum exec_status simd_map_long(struct cpu *cpu, const struct op *op, simd_lane3_fn fn,
                                           bool wide_n, bool by_elem)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), m = simd_vread(cpu, op->rm),
                   d = simd_vread(cpu, op->rd), r = {.d = {0, 0}};
    unsigned c = op->c, half = op->b ? 64 / op->a : 0;
#define LONG_LOOP(T, F, BITS, WT, WF)                                           \
    do {                                                                        \
        T me = m.F[by_elem ? op->d : 0];                                        \
        for (unsigned i = 0; i < c; i++) {                                      \
            uint64_t ne = wide_n ? (uint64_t)n.WF[i] : (uint64_t)n.F[i + half]; \
            T mv = by_elem ? me : m.F[i + half];                                \
            r.WF[i] = (WT)fn(cpu, ne, mv, d.WF[i], BITS);                       \
        }                                                                       \
    } while (0)
    SIMD_BY_SIZE_WIDE(op->a, LONG_LOOP)
#undef LONG_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

/* Write a narrowed result of op->c elements of `bits`: to the lower half
 * with the upper half zeroed, or for the "2" forms (op->b) to the upper
 * half keeping the lower. */
SIMD_INLINE void simd_write_narrow(struct cpu *cpu, const struct op *op, uint64_t lo)
{
    uint64_t r[2];
    if (op->b) {
        r[0] = cpu->v[op->rd][0];
        r[1] = lo;
    } else {
        r[0] = lo;
        r[1] = 0;
    }
    simd_write(cpu, op->rd, r);
}

/* Common shape of the integer forms: op->a element bits, op->b Q, op->c
 * elements. (a64_simd_3same.c) */
bool simd_prep_shape(struct op *op, unsigned size, bool q);

#endif
