/*
 * Guest memory accesses as executors make them: the inline TLB hit path and
 * the call to the slow path on a miss. Sizes are 1, 2, 4 or 8 bytes and are
 * compile-time constants at every call site, so the switch folds away.
 * A false return means the access faulted and cpu->fault says why; the
 * executor then returns EXEC_FAULT.
 */
#ifndef ARMVIRT_ACCESS_H
#define ARMVIRT_ACCESS_H

#include "cpu/cpu.h"

static inline uint64_t host_load(const void *p, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void host_store(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* Load with the privilege of the current EL. */
static inline bool cpu_load(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *val)
{
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], va);
    if (likely(e->tag_read == TLB_CMP(va, size))) {
        *val = host_load((const void *)(uintptr_t)(va + e->addend), size);
        return true;
    }
    return tlb_load_slow(cpu, va, size, val, cpu->mmu_idx);
}

static inline bool cpu_store(struct cpu *cpu, uint64_t va, unsigned size, uint64_t val)
{
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], va);
    if (likely(e->tag_write == TLB_CMP(va, size))) {
        host_store((void *)(uintptr_t)(va + e->addend), size, val);
        return true;
    }
    return tlb_store_slow(cpu, va, size, val, cpu->mmu_idx);
}

/* Unprivileged forms (LDTR/STTR) use the EL0 regime when executed at EL1. */
static inline bool cpu_load_unpriv(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *val)
{
    unsigned idx = cpu->el == 1 ? MMU_IDX_EL0 : cpu->mmu_idx;
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[idx], va);
    if (likely(e->tag_read == TLB_CMP(va, size))) {
        *val = host_load((const void *)(uintptr_t)(va + e->addend), size);
        return true;
    }
    return tlb_load_slow(cpu, va, size, val, idx);
}

static inline bool cpu_store_unpriv(struct cpu *cpu, uint64_t va, unsigned size, uint64_t val)
{
    unsigned idx = cpu->el == 1 ? MMU_IDX_EL0 : cpu->mmu_idx;
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[idx], va);
    if (likely(e->tag_write == TLB_CMP(va, size))) {
        host_store((void *)(uintptr_t)(va + e->addend), size, val);
        return true;
    }
    return tlb_store_slow(cpu, va, size, val, idx);
}

#endif
