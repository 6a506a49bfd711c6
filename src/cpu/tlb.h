/*
 * The software TLB: per core, per translation regime, a direct-mapped array
 * mapping guest virtual pages to host pointers. An entry holds one page tag
 * for each of read, write and fetch and one host addend, so a hit is one
 * compare and one add. Anything else (a miss, MMIO, a page holding decoded
 * code for writes, a page a debugger watchpoint covers, a misaligned or
 * page-crossing access) takes the slow path in tlb.c.
 */
#ifndef ARMVIRT_TLB_H
#define ARMVIRT_TLB_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

#define TLB_PAGE_BITS 12
#define TLB_PAGE_MASK (~((1ull << TLB_PAGE_BITS) - 1))
#define TLB_ENTRIES 1024
#define TLB_INVALID (~0ull) /* never equal to a masked address */

/* Which privilege's view of the address space an access uses. */
enum mmu_idx { MMU_IDX_EL0, MMU_IDX_EL1, MMU_IDX_COUNT };

struct tlb_entry {
    uint64_t tag_read, tag_write, tag_exec;
    uintptr_t addend; /* host address = guest VA + addend */
};
static_assert(sizeof(struct tlb_entry) == 32, "TLB entry must stay 32 bytes");

/* The non-global entries of one address space, kept while another one
 * is current (tlb_switch_space). */
#define TLB_KEPT_MAX 512
struct tlb_kept_space {
    uint64_t ttbr0, ttbr1;   /* the space: both TTBRs, ASIDs included */
    unsigned n;
    bool valid;
    struct tlb_kept_entry {
        struct tlb_entry e;
        uint16_t slot;
        uint8_t idx;
    } e[TLB_KEPT_MAX];
};

struct cpu;

void tlb_flush(struct cpu *cpu);
/* Forget the entries of non-global mappings (TLBI by ASID); global ones
 * stay valid in every address space, as in a TLB tagged with ASIDs. */
void tlb_flush_nonglobal(struct cpu *cpu);
/* TTBR0 or TTBR1 (or the ASID in one of them) was written: the
 * non-global entries of the space left are put aside and those of the
 * new space come back if it is the one put aside last, as an ASID-tagged
 * TLB keeps the entries of other ASIDs. Linux switches back and forth on
 * every system call without hardware PAN (it empties TTBR0 in the kernel). */
void tlb_switch_space(struct cpu *cpu);
/* A page now holds code: no entry, live or kept, may let stores to it
 * through, so they reach the memory layer, which invalidates its blocks. */
void tlb_protect_code_page(struct cpu *cpu, const uint8_t *host_page);
/* Forget every translation of the page holding va (bits 55:0; any tag
 * byte), in every regime: TLBI by VA. */
void tlb_flush_page(struct cpu *cpu, uint64_t va);

/* Slow paths: return false with cpu->fault filled in if the access faults. */
bool tlb_load_slow(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *val, unsigned mmu_idx);
bool tlb_store_slow(struct cpu *cpu, uint64_t va, unsigned size, uint64_t val, unsigned mmu_idx);
/* Translate the page holding `va` for instruction fetch. On success *host points
 * at the byte for va (RAM only) and *pa is its physical address. */
bool tlb_fetch(struct cpu *cpu, uint64_t va, const uint8_t **host, uint64_t *pa);

static inline struct tlb_entry *tlb_entry_for(struct tlb_entry *set, uint64_t va)
{
    return &set[(va >> TLB_PAGE_BITS) & (TLB_ENTRIES - 1)];
}

/* The mask an address is compared under: the page bits plus the access's
 * alignment bits, so a misaligned access never hits and goes slow. */
#define TLB_CMP(va, size) ((va) & (TLB_PAGE_MASK | (uint64_t)((size) - 1)))

#endif
