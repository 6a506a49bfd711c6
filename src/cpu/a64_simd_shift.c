/*
 * Advanced SIMD shift by immediate (vector and scalar) and modified
 * immediate (MOVI/MVNI/ORR/BIC) (Arm ARM C4.1.6; rows in a64_simd.inc).
 * op->imm holds the shift amount, or the expanded 64-bit immediate.
 */
#include "cpu/simd.h"

/* ---- decode-time helpers ---- */

/* immh:immb = bits [22:16]; the element size is given by immh's highest set
 * bit. Returns the size (0..3), or -1 for immh = 0000. */
static int shift_size(const struct op *op)
{
    unsigned immh = op->insn >> 19 & 15;
    return immh ? 31 - __builtin_clz(immh) : -1;
}

static unsigned shift_imm7(const struct op *op)
{
    return op->insn >> 16 & 127;
}

static bool shift_vec(struct op *op, int shr)
{
    int size = shift_size(op);
    bool q = op->insn >> 30 & 1;
    if (size < 0 || (size == 3 && !q))
        return false;
    simd_prep_shape(op, (unsigned)size, q);
    op->imm = shr ? (16 << size) - (int)shift_imm7(op) : (int)shift_imm7(op) - (8 << size);
    return true;
}

bool prep_simd_shr(struct op *op)
{
    return shift_vec(op, 1);
}

bool prep_simd_shl(struct op *op)
{
    return shift_vec(op, 0);
}

/* Narrowing right shifts and SSHLL/USHLL: op->a is the narrow size. */
static bool shift_narrow(struct op *op, bool shr, bool scalar)
{
    int size = shift_size(op);
    if (size < 0 || size == 3)
        return false;
    op->a = (uint8_t)(8 << size);
    op->b = scalar ? 0 : op->insn >> 30 & 1;
    op->c = scalar ? 1 : (uint8_t)(64 >> (3 + size));
    op->imm = shr ? (16 << size) - (int)shift_imm7(op) : (int)shift_imm7(op) - (8 << size);
    return true;
}

bool prep_simd_shrn(struct op *op)
{
    return shift_narrow(op, true, false);
}

bool prep_simd_shll(struct op *op)
{
    return shift_narrow(op, false, false);
}

bool prep_simd_shrn_s(struct op *op)
{
    return shift_narrow(op, true, true);
}

static bool shift_scalar(struct op *op, bool shr)
{
    int size = shift_size(op);
    if (size < 0)
        return false;
    op->a = (uint8_t)(8 << size);
    op->b = 0;
    op->c = 1;
    op->imm = shr ? (16 << size) - (int)shift_imm7(op) : (int)shift_imm7(op) - (8 << size);
    return true;
}

/* The scalar right shifts that are not narrowing exist for doublewords only. */
bool prep_simd_shr_s(struct op *op)
{
    return shift_size(op) == 3 && shift_scalar(op, true);
}

/* SHL/SLI (opcode 01010) are doubleword-only; the saturating ones are not. */
bool prep_simd_shl_s(struct op *op)
{
    if ((op->insn >> 11 & 31) == 10 && shift_size(op) != 3)
        return false;
    return shift_scalar(op, false);
}

/* ---- shifts ---- */

#define LANE static inline __attribute__((always_inline)) uint64_t
#define LANE_ARGS struct cpu *cpu, uint64_t n, int sh, uint64_t d, unsigned bits
#define SX(v) simd_sx(v, bits)
#define MASK simd_mask(bits)
typedef uint64_t (*shift_lane_fn)(struct cpu *cpu, uint64_t n, int sh, uint64_t d, unsigned bits);

LANE l_sshr(LANE_ARGS) { return (uint64_t)simd_shift(SX(n), -sh, false) & MASK; }
LANE l_ushr(LANE_ARGS) { return (uint64_t)simd_shift((simd_wide)n, -sh, false) & MASK; }
LANE l_srshr(LANE_ARGS) { return (uint64_t)simd_shift(SX(n), -sh, true) & MASK; }
LANE l_urshr(LANE_ARGS) { return (uint64_t)simd_shift((simd_wide)n, -sh, true) & MASK; }
LANE l_ssra(LANE_ARGS) { return (d + l_sshr(cpu, n, sh, d, bits)) & MASK; }
LANE l_usra(LANE_ARGS) { return (d + l_ushr(cpu, n, sh, d, bits)) & MASK; }
LANE l_srsra(LANE_ARGS) { return (d + l_srshr(cpu, n, sh, d, bits)) & MASK; }
LANE l_ursra(LANE_ARGS) { return (d + l_urshr(cpu, n, sh, d, bits)) & MASK; }
/* SRI keeps Rd's top `sh` bits; a shift by the element size keeps it all. */
LANE l_sri(LANE_ARGS)
{
    if (sh >= (int)bits)
        return d;
    uint64_t keep = MASK >> sh;
    return (d & ~keep) | ((n >> sh) & keep);
}
LANE l_shl(LANE_ARGS) { return (n << sh) & MASK; }
LANE l_sli(LANE_ARGS)
{
    uint64_t ins = (MASK << sh) & MASK;
    return (d & ~ins) | ((n << sh) & ins);
}
LANE l_sqshl(LANE_ARGS) { return simd_sat_s(cpu, simd_shift(SX(n), sh, false), bits); }
LANE l_uqshl(LANE_ARGS) { return simd_sat_u(cpu, simd_shift((simd_wide)n, sh, false), bits); }
LANE l_sqshlu(LANE_ARGS) { return simd_sat_u(cpu, simd_shift(SX(n), sh, false), bits); }

static inline __attribute__((always_inline)) enum exec_status
simd_map_shift(struct cpu *cpu, const struct op *op, shift_lane_fn fn)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), d = simd_vread(cpu, op->rd), r = {.d = {0, 0}};
    int sh = (int)op->imm;
    unsigned c = op->c;
#define SHIFT_LOOP(T, F, BITS)                                  \
    for (unsigned i = 0; i < c; i++)                            \
        r.F[i] = (T)fn(cpu, n.F[i], sh, d.F[i], BITS);
    SIMD_BY_SIZE(op->a, SHIFT_LOOP)
#undef SHIFT_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

#define SHIFT(NAME, FN)                                                    \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_map_shift(cpu, op, FN);                                \
    }
#define SHIFT_VS(NAME, FN) SHIFT(NAME, FN) SHIFT(NAME##_s, FN)

SHIFT_VS(SSHR, l_sshr)
SHIFT_VS(USHR, l_ushr)
SHIFT_VS(SRSHR, l_srshr)
SHIFT_VS(URSHR, l_urshr)
SHIFT_VS(SSRA, l_ssra)
SHIFT_VS(USRA, l_usra)
SHIFT_VS(SRSRA, l_srsra)
SHIFT_VS(URSRA, l_ursra)
SHIFT_VS(SRI, l_sri)
SHIFT_VS(SHL, l_shl)
SHIFT_VS(SLI, l_sli)
SHIFT_VS(SQSHL_imm, l_sqshl)
SHIFT_VS(UQSHL_imm, l_uqshl)
SHIFT_VS(SQSHLU, l_sqshlu)

/* Narrowing right shifts: wide element >> shift (rounded), then truncated
 * or saturated to the narrow size. */
enum narrow_sat { SAT_NONE, SAT_SS, SAT_UU, SAT_SU };

static inline __attribute__((always_inline)) enum exec_status
simd_shift_narrow(struct cpu *cpu, const struct op *op, bool round, enum narrow_sat sat)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), r = {.d = {0, 0}};
    unsigned c = op->c;
    int sh = -(int)op->imm;
    bool is_signed = sat == SAT_SS || sat == SAT_SU;
#define SHRN_LOOP(T, F, BITS, WT, WF)                                              \
    for (unsigned i = 0; i < c; i++) {                                             \
        simd_wide x = is_signed ? (simd_wide)simd_sx(n.WF[i], 2 * BITS) : n.WF[i]; \
        x = simd_shift(x, sh, round);                                              \
        switch (sat) {                                                             \
        case SAT_SS: r.F[i] = (T)simd_sat_s(cpu, x, BITS); break;                  \
        case SAT_UU: case SAT_SU: r.F[i] = (T)simd_sat_u(cpu, x, BITS); break;     \
        default: r.F[i] = (T)x; break;                                             \
        }                                                                          \
    }
    SIMD_BY_SIZE_WIDE(op->a, SHRN_LOOP)
#undef SHRN_LOOP
    simd_write_narrow(cpu, op, r.d[0]);
    return EXEC_NEXT;
}

#define SHIFT_NARROW(NAME, ROUND, SAT)                                     \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_shift_narrow(cpu, op, ROUND, SAT);                     \
    }
SHIFT_NARROW(SHRN, false, SAT_NONE)
SHIFT_NARROW(RSHRN, true, SAT_NONE)
SHIFT_NARROW(SQSHRN, false, SAT_SS)
SHIFT_NARROW(SQRSHRN, true, SAT_SS)
SHIFT_NARROW(UQSHRN, false, SAT_UU)
SHIFT_NARROW(UQRSHRN, true, SAT_UU)
SHIFT_NARROW(SQSHRUN, false, SAT_SU)
SHIFT_NARROW(SQRSHRUN, true, SAT_SU)
SHIFT_NARROW(SQSHRN_s, false, SAT_SS)
SHIFT_NARROW(SQRSHRN_s, true, SAT_SS)
SHIFT_NARROW(UQSHRN_s, false, SAT_UU)
SHIFT_NARROW(UQRSHRN_s, true, SAT_UU)
SHIFT_NARROW(SQSHRUN_s, false, SAT_SU)
SHIFT_NARROW(SQRSHRUN_s, true, SAT_SU)

/* SSHLL/USHLL: widen the lower (or upper, "2") half and shift left. */
static inline __attribute__((always_inline)) enum exec_status
simd_shll_imm(struct cpu *cpu, const struct op *op, bool is_unsigned)
{
    FP_CHECK(cpu, op);
    union simd_vec n = simd_vread(cpu, op->rn), r = {.d = {0, 0}};
    unsigned c = op->c, half = op->b ? op->c : 0, sh = (unsigned)op->imm;
#define SHLL_LOOP(T, F, BITS, WT, WF)                                                   \
    for (unsigned i = 0; i < c; i++) {                                                  \
        T e = n.F[i + half];                                                            \
        uint64_t w = is_unsigned ? (uint64_t)e : (uint64_t)simd_sx(e, BITS);            \
        r.WF[i] = (WT)(w << sh);                                                        \
    }
    SIMD_BY_SIZE_WIDE(op->a, SHLL_LOOP)
#undef SHLL_LOOP
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

enum exec_status exec_SSHLL(struct cpu *cpu, const struct op *op)
{
    return simd_shll_imm(cpu, op, false);
}

enum exec_status exec_USHLL(struct cpu *cpu, const struct op *op)
{
    return simd_shll_imm(cpu, op, true);
}

/* ---- modified immediate ---- */

/* AdvSIMDExpandImm (Arm ARM C7.2, shared pseudocode) for every integer
 * cmode; MVNI rows complement the result here. */
bool prep_simd_movi(struct op *op)
{
    unsigned cmode = op->insn >> 12 & 15, opb = op->insn >> 29 & 1;
    uint64_t imm8 = (op->insn >> 16 & 7) << 5 | (op->insn >> 5 & 31), imm;
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        imm = imm8 << (8 * (cmode >> 1));
        imm |= imm << 32;
        break;
    case 4: case 5:
        imm = imm8 << (8 * (cmode >> 1 & 1));
        imm |= imm << 16;
        imm |= imm << 32;
        break;
    case 6:
        imm = (cmode & 1) ? (imm8 << 16 | 0xffff) : (imm8 << 8 | 0xff);
        imm |= imm << 32;
        break;
    default:
        if (cmode & 1)
            return false; /* FMOV (vector, immediate): floating point */
        if (opb) {
            imm = 0;
            for (unsigned i = 0; i < 8; i++)
                if (imm8 >> i & 1)
                    imm |= 0xffull << (8 * i);
        } else {
            imm = imm8 * 0x0101010101010101ull;
        }
        break;
    }
    /* MVNI: op = 1 with cmode other than 1110 and the BIC (odd, < 12) forms. */
    bool is_bic = (cmode & 1) && cmode < 12;
    if (opb && cmode != 14 && !is_bic)
        imm = ~imm;
    op->imm = (int64_t)imm;
    op->b = op->insn >> 30 & 1;
    return true;
}

static enum exec_status simd_modimm(struct cpu *cpu, const struct op *op, int kind)
{
    FP_CHECK(cpu, op);
    uint64_t imm = (uint64_t)op->imm, r[2];
    for (unsigned i = 0; i < 2; i++) {
        uint64_t d = cpu->v[op->rd][i];
        r[i] = kind == 0 ? imm : kind == 1 ? (d | imm) : (d & ~imm);
    }
    if (!op->b)
        r[1] = 0;
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

#define MODIMM(NAME, KIND)                                                 \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_modimm(cpu, op, KIND);                                 \
    }
MODIMM(MOVI_32, 0)
MODIMM(MOVI_16, 0)
MODIMM(MOVI_msl, 0)
MODIMM(MOVI_8, 0)
MODIMM(MOVI_64, 0)
MODIMM(MVNI_32, 0)
MODIMM(MVNI_16, 0)
MODIMM(MVNI_msl, 0)
MODIMM(ORR_v32, 1)
MODIMM(ORR_v16, 1)
MODIMM(BIC_v32, 2)
MODIMM(BIC_v16, 2)
