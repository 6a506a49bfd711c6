/*
 * Address translation: guest virtual → physical for one access, with the
 * permissions the TLB may cache for the whole page.
 */
#ifndef ARMVIRT_MMU_H
#define ARMVIRT_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

enum mmu_access { MMU_READ, MMU_WRITE, MMU_FETCH };

#define PROT_R 1u
#define PROT_W 2u
#define PROT_X 4u

struct mmu_result {
    uint64_t pa;
    unsigned prot;        /* PROT_* the page allows for this mmu_idx */
    unsigned page_bits;   /* size of the mapping's page or block, log2 */
    uint8_t attr;         /* memory attributes: the MAIR_EL1 byte AttrIndx selects */
    uint8_t sh;           /* shareability: the descriptor's SH[1:0] */
    bool global;          /* nG clear: the same in every address space (ASID) */
};

/* Translate va for `access` in regime mmu_idx. On failure fills cpu->fault
 * (va, fsc, write, fetch) and returns false. */
bool mmu_translate(struct cpu *cpu, uint64_t va, enum mmu_access access, unsigned mmu_idx,
                   struct mmu_result *res);

#endif
