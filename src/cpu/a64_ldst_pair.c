/*
 * Load/store pair (Arm ARM C4.1.4; C6.2 LDP, STP, LDPSW, LDNP, STNP; C7.2
 * for the SIMD&FP forms): signed scaled offset, pre- and post-index, and
 * the no-allocate forms (a cache hint, so the same as the offset form).
 *
 * Both words are loaded before any register is written, and a store pair
 * that faults leaves memory unchanged, so a faulting pair changes nothing.
 * With both words on one page a single TLB probe serves the pair.
 *
 * CONSTRAINED UNPREDICTABLE choices (K1.2), as QEMU makes them:
 * - GPR LDP with Rt == Rt2: Rt2 is written first, then Rt, so the register
 *   holds the first word; SIMD&FP LDP writes Rt then Rt2 (second word wins);
 * - writeback with Rn == Rt or Rn == Rt2 (Rn != 31): loads write the
 *   registers first, then the writeback, so Rn holds the address; stores
 *   store the registers' values from before the writeback.
 *
 * TODO: the SP alignment check (SCTLR_EL1.SA/SA0) for Rn == 31.
 */
#include "cpu/a64_ldst.h"

#define LDST_INLINE static inline __attribute__((always_inline))

enum pair_mode { PAIR_OFF, PAIR_PRE, PAIR_POST };

/* The access address and, for the writeback forms, the new base. */
LDST_INLINE uint64_t pair_addr(const struct cpu *cpu, const struct op *op, enum pair_mode mode,
                               uint64_t *wb)
{
    uint64_t base = reg_read_sp(cpu, op->rn);
    uint64_t va = mode == PAIR_POST ? base : base + (uint64_t)op->imm;
    *wb = mode == PAIR_POST ? base + (uint64_t)op->imm : va;
    return va;
}

LDST_INLINE enum exec_status ldp(struct cpu *cpu, const struct op *op, enum pair_mode mode,
                                 unsigned size, enum ldst_ext ext)
{
    uint64_t wb, w[2];
    uint64_t va = pair_addr(cpu, op, mode, &wb);
    if (unlikely(!ldst_load_words(cpu, va, size, w, 2)))
        return EXEC_FAULT;
    reg_write(cpu, op->ra, ldst_extend(w[1], size, ext));
    reg_write(cpu, op->rd, ldst_extend(w[0], size, ext));
    if (mode != PAIR_OFF)
        reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status stp(struct cpu *cpu, const struct op *op, enum pair_mode mode,
                                 unsigned size)
{
    uint64_t wb;
    uint64_t va = pair_addr(cpu, op, mode, &wb);
    uint64_t w[2] = {reg_read(cpu, op->rd), reg_read(cpu, op->ra)};
    if (unlikely(!ldst_store_words(cpu, va, size, w, 2)))
        return EXEC_FAULT;
    if (mode != PAIR_OFF)
        reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

/* SIMD&FP pairs of S, D (size 4, 8) or Q (size 16, as 8-byte words). */
LDST_INLINE enum exec_status fp_ldp(struct cpu *cpu, const struct op *op, enum pair_mode mode,
                                    unsigned size)
{
    FP_CHECK(cpu, op);
    uint64_t wb, w[4] = {0, 0, 0, 0};
    uint64_t va = pair_addr(cpu, op, mode, &wb);
    if (size == 16) {
        if (unlikely(!ldst_load_words(cpu, va, 8, w, 4)))
            return EXEC_FAULT;
    } else {
        if (unlikely(!ldst_load_words(cpu, va, size, w, 2)))
            return EXEC_FAULT;
        w[2] = w[1];
        w[1] = 0;
    }
    ldst_vreg_write(cpu, op->rd, w[0], w[1]);
    ldst_vreg_write(cpu, op->ra, w[2], w[3]);
    if (mode != PAIR_OFF)
        reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status fp_stp(struct cpu *cpu, const struct op *op, enum pair_mode mode,
                                    unsigned size)
{
    FP_CHECK(cpu, op);
    uint64_t wb;
    uint64_t va = pair_addr(cpu, op, mode, &wb);
    bool ok;
    if (size == 16) {
        uint64_t w[4] = {cpu->v[op->rd][0], cpu->v[op->rd][1], cpu->v[op->ra][0], cpu->v[op->ra][1]};
        ok = ldst_store_words(cpu, va, 8, w, 4);
    } else {
        uint64_t w[2] = {cpu->v[op->rd][0], cpu->v[op->ra][0]};
        ok = ldst_store_words(cpu, va, size, w, 2);
    }
    if (unlikely(!ok))
        return EXEC_FAULT;
    if (mode != PAIR_OFF)
        reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

#define PAIR_FORMS(NAME, CALL)                                                                 \
    enum exec_status exec_##NAME##_off(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return CALL(PAIR_OFF);                                                                 \
    }                                                                                          \
    enum exec_status exec_##NAME##_pre(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return CALL(PAIR_PRE);                                                                 \
    }                                                                                          \
    enum exec_status exec_##NAME##_post(struct cpu *cpu, const struct op *op)                  \
    {                                                                                          \
        return CALL(PAIR_POST);                                                                \
    }

#define NP_FORM(NAME, CALL)                                                                    \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                         \
    {                                                                                          \
        return CALL(PAIR_OFF);                                                                 \
    }

#define LDP_W(mode) ldp(cpu, op, mode, 4, LDST_ZERO)
#define LDP_X(mode) ldp(cpu, op, mode, 8, LDST_ZERO)
#define LDPSW(mode) ldp(cpu, op, mode, 4, LDST_SX64)
#define STP_W(mode) stp(cpu, op, mode, 4)
#define STP_X(mode) stp(cpu, op, mode, 8)
#define LDP_S(mode) fp_ldp(cpu, op, mode, 4)
#define LDP_D(mode) fp_ldp(cpu, op, mode, 8)
#define LDP_Q(mode) fp_ldp(cpu, op, mode, 16)
#define STP_S(mode) fp_stp(cpu, op, mode, 4)
#define STP_D(mode) fp_stp(cpu, op, mode, 8)
#define STP_Q(mode) fp_stp(cpu, op, mode, 16)

PAIR_FORMS(LDP_w, LDP_W)
PAIR_FORMS(LDP_x, LDP_X)
PAIR_FORMS(LDPSW, LDPSW)
PAIR_FORMS(STP_w, STP_W)
PAIR_FORMS(STP_x, STP_X)
PAIR_FORMS(LDP_s, LDP_S)
PAIR_FORMS(LDP_d, LDP_D)
PAIR_FORMS(LDP_q, LDP_Q)
PAIR_FORMS(STP_s, STP_S)
PAIR_FORMS(STP_d, STP_D)
PAIR_FORMS(STP_q, STP_Q)

NP_FORM(LDNP_w, LDP_W)
NP_FORM(LDNP_x, LDP_X)
NP_FORM(STNP_w, STP_W)
NP_FORM(STNP_x, STP_X)
NP_FORM(LDNP_s, LDP_S)
NP_FORM(LDNP_d, LDP_D)
NP_FORM(LDNP_q, LDP_Q)
NP_FORM(STNP_s, STP_S)
NP_FORM(STNP_d, STP_D)
NP_FORM(STNP_q, STP_Q)
