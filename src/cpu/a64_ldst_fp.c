/*
 * Loads and stores of one SIMD&FP register, B/H/S/D/Q (Arm ARM C4.1.4; C7.2
 * for each instruction): unsigned offset, unscaled, pre/post-index, register
 * offset and literal forms. Writing a B/H/S/D register zeroes the rest of
 * the 128-bit V register. CPACR_EL1.FPEN is checked before any access, so
 * the FP trap wins over a data abort, as in QEMU. A Q access is two 8-byte
 * halves, both loaded before the register is written, and a Q store that
 * faults leaves memory unchanged (ldst_store_words).
 *
 * Writeback with Rn == Rt cannot happen: Rt names a V register.
 */
#include "cpu/a64_ldst.h"

#define LDST_INLINE static inline __attribute__((always_inline))

LDST_INLINE enum exec_status fp_ld(struct cpu *cpu, const struct op *op, uint64_t va, unsigned size)
{
    uint64_t w[2] = {0, 0};
    if (size == 16) {
        if (unlikely(!ldst_load_words(cpu, va, 8, w, 2)))
            return EXEC_FAULT;
    } else if (unlikely(!cpu_load(cpu, va, size, &w[0]))) {
        return EXEC_FAULT;
    }
    ldst_vreg_write(cpu, op->rd, w[0], w[1]);
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status fp_st(struct cpu *cpu, const struct op *op, uint64_t va, unsigned size)
{
    bool ok = size == 16 ? ldst_store_words(cpu, va, 8, cpu->v[op->rd], 2)
                         : cpu_store(cpu, va, size, cpu->v[op->rd][0]);
    return likely(ok) ? EXEC_NEXT : EXEC_FAULT;
}

LDST_INLINE enum exec_status fp_access(struct cpu *cpu, const struct op *op, uint64_t va,
                                       unsigned size, bool load)
{
    FP_CHECK(cpu, op);
    return load ? fp_ld(cpu, op, va, size) : fp_st(cpu, op, va, size);
}

LDST_INLINE enum exec_status fp_access_wb(struct cpu *cpu, const struct op *op, uint64_t va,
                                          uint64_t wb, unsigned size, bool load)
{
    FP_CHECK(cpu, op);
    enum exec_status st = load ? fp_ld(cpu, op, va, size) : fp_st(cpu, op, va, size);
    if (likely(st == EXEC_NEXT))
        reg_write_sp(cpu, op->rn, wb);
    return st;
}

#define BASE (reg_read_sp(cpu, op->rn))
#define OFFSET ((uint64_t)op->imm)

#define FP_FORMS(NAME, UNAME, SIZE, LOAD)                                                      \
    enum exec_status exec_##NAME##_imm(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return fp_access(cpu, op, BASE + OFFSET, SIZE, LOAD);                                  \
    }                                                                                          \
    enum exec_status exec_##UNAME(struct cpu *cpu, const struct op *op)                        \
    {                                                                                          \
        return fp_access(cpu, op, BASE + OFFSET, SIZE, LOAD);                                  \
    }                                                                                          \
    enum exec_status exec_##NAME##_pre(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        uint64_t va = BASE + OFFSET;                                                           \
        return fp_access_wb(cpu, op, va, va, SIZE, LOAD);                                      \
    }                                                                                          \
    enum exec_status exec_##NAME##_post(struct cpu *cpu, const struct op *op)                  \
    {                                                                                          \
        uint64_t va = BASE;                                                                    \
        return fp_access_wb(cpu, op, va, va + OFFSET, SIZE, LOAD);                             \
    }                                                                                          \
    enum exec_status exec_##NAME##_reg(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return fp_access(cpu, op, ldst_regoff_addr(cpu, op), SIZE, LOAD);                     \
    }

FP_FORMS(STR_b, STUR_b, 1, false)
FP_FORMS(STR_h, STUR_h, 2, false)
FP_FORMS(STR_s, STUR_s, 4, false)
FP_FORMS(STR_d, STUR_d, 8, false)
FP_FORMS(STR_q, STUR_q, 16, false)
FP_FORMS(LDR_b, LDUR_b, 1, true)
FP_FORMS(LDR_h, LDUR_h, 2, true)
FP_FORMS(LDR_s, LDUR_s, 4, true)
FP_FORMS(LDR_d, LDUR_d, 8, true)
FP_FORMS(LDR_q, LDUR_q, 16, true)

/* Literal: op->imm holds the absolute address. */
enum exec_status exec_LDR_s_lit(struct cpu *cpu, const struct op *op)
{
    return fp_access(cpu, op, OFFSET, 4, true);
}

enum exec_status exec_LDR_d_lit(struct cpu *cpu, const struct op *op)
{
    return fp_access(cpu, op, OFFSET, 8, true);
}

enum exec_status exec_LDR_q_lit(struct cpu *cpu, const struct op *op)
{
    return fp_access(cpu, op, OFFSET, 16, true);
}
