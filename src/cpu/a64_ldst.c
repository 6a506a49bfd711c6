/*
 * Loads and stores of one general-purpose register (Arm ARM C4.1.4; C6.2
 * for each instruction): unsigned offset, unscaled, pre/post-index,
 * register offset, unprivileged and literal forms, and PRFM. Decode-time
 * preparation of every load/store row lives here too.
 *
 * Each (instruction, addressing form) pair is its own row and executor, so
 * the access size and extension are constants and an executor is a TLB
 * probe, a host load or store and a register write.
 *
 * CONSTRAINED UNPREDICTABLE choices (K1.2), made as QEMU makes them so the
 * differential tests agree:
 * - load with writeback and Rn == Rt (Rn != 31): Rt is written first, then
 *   the writeback, so Rn ends up holding the address;
 * - store with writeback and Rn == Rt: the value stored is Rt before the
 *   writeback.
 *
 * TODO: the SP alignment check (SCTLR_EL1.SA/SA0) for Rn == 31.
 */
#include "cpu/a64_ldst.h"

#define LDST_INLINE static inline __attribute__((always_inline))

/* ---- decode-time preparation (shared by all load/store files) ---- */

/* log2 of the access size of a single-register form: size, or 4 for the
 * SIMD&FP Q register (V = 1, opc<1> = 1). */
static unsigned ldst_size_log2(uint32_t insn)
{
    unsigned size = bits32(insn, 30, 2);
    if (bit(insn, 26) && bit(insn, 23))
        size = 4;
    return size;
}

bool prep_ldst_uimm(struct op *op)
{
    op->imm = (int64_t)((uint64_t)bits32(op->insn, 10, 12) << ldst_size_log2(op->insn));
    return true;
}

bool prep_ldst_simm9(struct op *op)
{
    op->imm = sext64(bits32(op->insn, 12, 9), 9);
    return true;
}

/* Register offset: option<1> == 0 is unallocated; S scales by the size. */
bool prep_ldst_regoff(struct op *op)
{
    unsigned option = bits32(op->insn, 13, 3);
    if (!(option & 2))
        return false;
    op->a = option == 2 ? LDST_RM_UXTW : option == 6 ? LDST_RM_SXTW : LDST_RM_X;
    op->b = (uint8_t)(bit(op->insn, 12) ? ldst_size_log2(op->insn) : 0);
    return true;
}

bool prep_ldst_literal(struct op *op)
{
    op->imm = (int64_t)(op->pc + (uint64_t)(sext64(bits32(op->insn, 5, 19), 19) * 4));
    return true;
}

/* Pairs: imm7 scaled by the register size (opc: GPR 00 W, 01 LDPSW, 10 X;
 * SIMD&FP 00 S, 01 D, 10 Q). */
bool prep_ldst_pair(struct op *op)
{
    unsigned opc = bits32(op->insn, 30, 2);
    unsigned scale = bit(op->insn, 26) ? 2 + opc : 2 + (opc >> 1);
    op->imm = (int64_t)((uint64_t)sext64(bits32(op->insn, 15, 7), 7) << scale);
    return true;
}

bool prep_ldst_excl(struct op *op)
{
    op->a = (uint8_t)bits32(op->insn, 30, 2);
    return true;
}

/* ---- shared slow paths ---- */

/*
 * Multi-word store that misses the fast path. Words on one page: once the
 * first is stored the page is known writable, so the rest cannot fault on
 * translation. Across a page boundary the second page may fault after the
 * first was written; each word's old value is read before it is stored and
 * written back if a later word faults, so a faulting store pair leaves
 * memory unchanged. (Writable implies readable at the same EL in stage 1,
 * so the read faults only where the store would.)
 * NOTE: the undo reads and rewrites MMIO if a pair straddles into a device
 * page; no real guest does that.
 */
bool ldst_store_words_slow(struct cpu *cpu, uint64_t va, unsigned size, const uint64_t *w,
                           unsigned n)
{
    bool crosses = (va & ~TLB_PAGE_MASK) + size * n > (1u << TLB_PAGE_BITS);
    if (!crosses) {
        for (unsigned i = 0; i < n; i++)
            if (!cpu_store(cpu, va + i * size, size, w[i]))
                return false;
        return true;
    }
    uint64_t old[4];
    unsigned done;
    for (done = 0; done < n && done < ARRAY_SIZE(old); done++) {
        uint64_t a = va + done * size;
        if (!cpu_load(cpu, a, size, &old[done])) {
            cpu->fault.write = true;
            break;
        }
        if (!cpu_store(cpu, a, size, w[done]))
            break;
    }
    if (done == n)
        return true;
    struct mem_fault f = cpu->fault;
    while (done--)
        cpu_store(cpu, va + done * size, size, old[done]);
    cpu->fault = f;
    return false;
}

/* ---- single general-purpose register ---- */

LDST_INLINE enum exec_status ld_at(struct cpu *cpu, const struct op *op, uint64_t va,
                                   unsigned size, enum ldst_ext ext)
{
    uint64_t v;
    if (unlikely(!cpu_load(cpu, va, size, &v)))
        return EXEC_FAULT;
    reg_write(cpu, op->rd, ldst_extend(v, size, ext));
    return EXEC_NEXT;
}

/* Writeback after the register write: Rn == Rt ends holding the address. */
LDST_INLINE enum exec_status ld_wb(struct cpu *cpu, const struct op *op, uint64_t va, uint64_t wb,
                                   unsigned size, enum ldst_ext ext)
{
    uint64_t v;
    if (unlikely(!cpu_load(cpu, va, size, &v)))
        return EXEC_FAULT;
    reg_write(cpu, op->rd, ldst_extend(v, size, ext));
    reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status ld_unpriv(struct cpu *cpu, const struct op *op, unsigned size,
                                       enum ldst_ext ext)
{
    uint64_t v;
    if (unlikely(!cpu_load_unpriv(cpu, reg_read_sp(cpu, op->rn) + (uint64_t)op->imm, size, &v)))
        return EXEC_FAULT;
    reg_write(cpu, op->rd, ldst_extend(v, size, ext));
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status st_at(struct cpu *cpu, const struct op *op, uint64_t va, unsigned size)
{
    if (unlikely(!cpu_store(cpu, va, size, reg_read(cpu, op->rd))))
        return EXEC_FAULT;
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status st_wb(struct cpu *cpu, const struct op *op, uint64_t va, uint64_t wb,
                                   unsigned size)
{
    if (unlikely(!cpu_store(cpu, va, size, reg_read(cpu, op->rd))))
        return EXEC_FAULT;
    reg_write_sp(cpu, op->rn, wb);
    return EXEC_NEXT;
}

LDST_INLINE enum exec_status st_unpriv(struct cpu *cpu, const struct op *op, unsigned size)
{
    uint64_t va = reg_read_sp(cpu, op->rn) + (uint64_t)op->imm;
    if (unlikely(!cpu_store_unpriv(cpu, va, size, reg_read(cpu, op->rd))))
        return EXEC_FAULT;
    return EXEC_NEXT;
}

#define BASE (reg_read_sp(cpu, op->rn))
#define OFFSET ((uint64_t)op->imm)

/* Every addressing form of one load: NAME_imm, NAME_pre, NAME_post,
 * NAME_reg, the unscaled UNAME and the unprivileged TNAME. */
#define LOAD_FORMS(NAME, UNAME, TNAME, SIZE, EXT)                                              \
    enum exec_status exec_##NAME##_imm(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return ld_at(cpu, op, BASE + OFFSET, SIZE, EXT);                                       \
    }                                                                                          \
    enum exec_status exec_##UNAME(struct cpu *cpu, const struct op *op)                        \
    {                                                                                          \
        return ld_at(cpu, op, BASE + OFFSET, SIZE, EXT);                                       \
    }                                                                                          \
    enum exec_status exec_##NAME##_pre(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        uint64_t va = BASE + OFFSET;                                                           \
        return ld_wb(cpu, op, va, va, SIZE, EXT);                                              \
    }                                                                                          \
    enum exec_status exec_##NAME##_post(struct cpu *cpu, const struct op *op)                  \
    {                                                                                          \
        uint64_t va = BASE;                                                                    \
        return ld_wb(cpu, op, va, va + OFFSET, SIZE, EXT);                                     \
    }                                                                                          \
    enum exec_status exec_##NAME##_reg(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return ld_at(cpu, op, ldst_regoff_addr(cpu, op), SIZE, EXT);                           \
    }                                                                                          \
    enum exec_status exec_##TNAME(struct cpu *cpu, const struct op *op)                        \
    {                                                                                          \
        return ld_unpriv(cpu, op, SIZE, EXT);                                                  \
    }

#define STORE_FORMS(NAME, UNAME, TNAME, SIZE)                                                  \
    enum exec_status exec_##NAME##_imm(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return st_at(cpu, op, BASE + OFFSET, SIZE);                                            \
    }                                                                                          \
    enum exec_status exec_##UNAME(struct cpu *cpu, const struct op *op)                        \
    {                                                                                          \
        return st_at(cpu, op, BASE + OFFSET, SIZE);                                            \
    }                                                                                          \
    enum exec_status exec_##NAME##_pre(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        uint64_t va = BASE + OFFSET;                                                           \
        return st_wb(cpu, op, va, va, SIZE);                                                   \
    }                                                                                          \
    enum exec_status exec_##NAME##_post(struct cpu *cpu, const struct op *op)                  \
    {                                                                                          \
        uint64_t va = BASE;                                                                    \
        return st_wb(cpu, op, va, va + OFFSET, SIZE);                                          \
    }                                                                                          \
    enum exec_status exec_##NAME##_reg(struct cpu *cpu, const struct op *op)                   \
    {                                                                                          \
        return st_at(cpu, op, ldst_regoff_addr(cpu, op), SIZE);                                \
    }                                                                                          \
    enum exec_status exec_##TNAME(struct cpu *cpu, const struct op *op)                        \
    {                                                                                          \
        return st_unpriv(cpu, op, SIZE);                                                       \
    }

STORE_FORMS(STRB, STURB, STTRB, 1)
STORE_FORMS(STRH, STURH, STTRH, 2)
STORE_FORMS(STR_w, STUR_w, STTR_w, 4)
STORE_FORMS(STR_x, STUR_x, STTR_x, 8)

LOAD_FORMS(LDRB, LDURB, LDTRB, 1, LDST_ZERO)
LOAD_FORMS(LDRH, LDURH, LDTRH, 2, LDST_ZERO)
LOAD_FORMS(LDR_w, LDUR_w, LDTR_w, 4, LDST_ZERO)
LOAD_FORMS(LDR_x, LDUR_x, LDTR_x, 8, LDST_ZERO)
LOAD_FORMS(LDRSB_x, LDURSB_x, LDTRSB_x, 1, LDST_SX64)
LOAD_FORMS(LDRSB_w, LDURSB_w, LDTRSB_w, 1, LDST_SX32)
LOAD_FORMS(LDRSH_x, LDURSH_x, LDTRSH_x, 2, LDST_SX64)
LOAD_FORMS(LDRSH_w, LDURSH_w, LDTRSH_w, 2, LDST_SX32)
LOAD_FORMS(LDRSW, LDURSW, LDTRSW, 4, LDST_SX64)

/* ---- literal ---- */

enum exec_status exec_LDR_w_lit(struct cpu *cpu, const struct op *op)
{
    return ld_at(cpu, op, OFFSET, 4, LDST_ZERO);
}

enum exec_status exec_LDR_x_lit(struct cpu *cpu, const struct op *op)
{
    return ld_at(cpu, op, OFFSET, 8, LDST_ZERO);
}

enum exec_status exec_LDRSW_lit(struct cpu *cpu, const struct op *op)
{
    return ld_at(cpu, op, OFFSET, 4, LDST_SX64);
}

/* ---- prefetch: hints, no access and so no fault ---- */

enum exec_status exec_PRFM_imm(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT;
}

enum exec_status exec_PRFM_reg(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT;
}

enum exec_status exec_PRFUM(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT;
}

enum exec_status exec_PRFM_lit(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT;
}
