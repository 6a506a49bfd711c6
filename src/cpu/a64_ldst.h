/*
 * Helpers shared by the load/store executors (a64_ldst*.c): address forms,
 * value extension, multi-word accesses that leave no trace when they fault,
 * and the SIMD&FP access check. Private to those files.
 */
#ifndef ARMVIRT_A64_LDST_H
#define ARMVIRT_A64_LDST_H

#include "cpu/access.h"
#include "cpu/op.h"
#include "cpu/fp_access.h"

/* How a loaded value becomes a register value. */
enum ldst_ext {
    LDST_ZERO,   /* zero-extend (LDRB, LDR W, ...) */
    LDST_SX64,   /* sign-extend to 64 bits (LDRSB X, LDRSW) */
    LDST_SX32,   /* sign-extend to 32 bits, upper half zero (LDRSB W) */
};

static inline uint64_t ldst_extend(uint64_t v, unsigned size, enum ldst_ext ext)
{
    switch (ext) {
    case LDST_SX64: return (uint64_t)sext64(v, size * 8);
    case LDST_SX32: return (uint32_t)sext64(v, size * 8);
    default: return v;
    }
}

/* Register-offset extend kinds kept in op->a by prep_ldst_regoff. */
enum ldst_regext { LDST_RM_X, LDST_RM_UXTW, LDST_RM_SXTW };

/* Base + extended, shifted Rm (op->a: enum ldst_regext, op->b: shift). */
static inline uint64_t ldst_regoff_addr(const struct cpu *cpu, const struct op *op)
{
    uint64_t m = reg_read(cpu, op->rm);
    if (op->a == LDST_RM_UXTW)
        m = (uint32_t)m;
    else if (op->a == LDST_RM_SXTW)
        m = (uint64_t)(int64_t)(int32_t)m;
    return reg_read_sp(cpu, op->rn) + (m << op->b);
}

/* A host pointer for `bytes` bytes at va when one TLB hit covers them all
 * (va aligned to `align`, no page crossed), else NULL: the multi-word fast
 * path. */
static inline void *ldst_host_span(struct cpu *cpu, uint64_t va, unsigned align, unsigned bytes,
                                   bool write)
{
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], va);
    uint64_t tag = write ? e->tag_write : e->tag_read;
    if (likely(tag == TLB_CMP(va, align)) && (va & ~TLB_PAGE_MASK) + bytes <= (1u << TLB_PAGE_BITS))
        return (void *)(uintptr_t)(va + e->addend);
    return NULL;
}

/* Load n consecutive words of `size` bytes; on a fault nothing is returned
 * and cpu->fault says why. */
static inline bool ldst_load_words(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *w,
                                   unsigned n)
{
    const uint8_t *p = ldst_host_span(cpu, va, size, size * n, false);
    if (likely(p)) {
        for (unsigned i = 0; i < n; i++)
            w[i] = host_load(p + i * size, size);
        return true;
    }
    for (unsigned i = 0; i < n; i++)
        if (!cpu_load(cpu, va + i * size, size, &w[i]))
            return false;
    return true;
}

bool ldst_store_words_slow(struct cpu *cpu, uint64_t va, unsigned size, const uint64_t *w,
                           unsigned n);

/* Store n consecutive words of `size` bytes; a fault leaves memory as it
 * was (see ldst_store_words_slow for the page-crossing case). */
static inline bool ldst_store_words(struct cpu *cpu, uint64_t va, unsigned size, const uint64_t *w,
                                    unsigned n)
{
    uint8_t *p = ldst_host_span(cpu, va, size, size * n, true);
    if (likely(p)) {
        for (unsigned i = 0; i < n; i++)
            host_store(p + i * size, size, w[i]);
        return true;
    }
    return ldst_store_words_slow(cpu, va, size, w, n);
}

/* Write V[t] whole: a B/H/S/D load passes hi = 0, zeroing the rest of the
 * 128-bit register as the architecture requires. */
static inline void ldst_vreg_write(struct cpu *cpu, unsigned t, uint64_t lo, uint64_t hi)
{
    cpu->v[t][0] = lo;
    cpu->v[t][1] = hi;
}

/* Alignment check of exclusive and ordered accesses (B2.5.2): these fault
 * when misaligned whatever SCTLR_ELx.A says. */
static inline bool ldst_check_aligned(struct cpu *cpu, uint64_t va, unsigned bytes, bool write)
{
    if (likely(!(va & (bytes - 1))))
        return true;
    cpu->fault.va = va;
    cpu->fault.fsc = FSC_ALIGNMENT;
    cpu->fault.write = write;
    cpu->fault.fetch = false;
    cpu->fault.s1ptw = false;
    return false;
}

#endif
