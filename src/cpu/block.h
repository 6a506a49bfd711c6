/*
 * The decoded-block cache: blocks of decoded ops found by guest virtual PC
 * (and checked against the translation by host address), listed by physical
 * page for invalidation, linked to their successors for chaining. Block
 * formation and the run loop that executes blocks are in exec.c; see its
 * opening comment for what a block is and when chaining is safe.
 */
#ifndef ARMVIRT_BLOCK_H
#define ARMVIRT_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/jit.h"
#include "cpu/op.h"
#include "cpu/tlb.h"

#define BLOCK_MAX_OPS 128 /* and its sentinel: op->index fits in 8 bits */

/* Which exits of a block may be chained to the next block. */
enum block_chain {
    CHAIN_NONE,     /* ends in a system or exception-generating instruction */
    CHAIN_NEXT,     /* runs into the next instruction (page end, size limit) */
    CHAIN_BRANCH,   /* ends in a branch: its jump may be chained too */
};

#define BLOCK_LINKS 2

struct block {
    uint64_t pc;               /* guest virtual address of the first op */
    const uint8_t *host;       /* host address of the first instruction */
    struct block *link[BLOCK_LINKS]; /* successors seen, see "Chaining" */
    bool link_far[BLOCK_LINKS];      /* successor on another page: check the TLB */
    uint8_t link_victim;       /* slot the next new successor replaces */
    bool valid;
    uint8_t chain;             /* enum block_chain */
    unsigned n_ops;
    uint64_t pa;               /* physical address of the first op */
    struct block *hash_next;   /* chain in the PC hash */
    struct block *page_next;   /* chain in the physical-page hash */
    jit_fn jit;                /* generated code for the ops, or NULL (jit.h) */
    uint32_t runs;             /* entries without generated code (cpu->jit_hot) */
    bool may_jit;              /* no debugger or trace op in front */
    struct op ops[];
};

struct block_cache;

struct block_cache *block_cache_new(void);
void block_cache_free(struct block_cache *bc);
/* Throw every block away (see the WARNING in block.c). */
void block_cache_flush(struct block_cache *bc);
/* Where generated code for this cache's blocks goes (NULL: none). */
struct jit_arena *block_cache_jit(struct block_cache *bc);
/* Counts flushes: a block pointer taken before a flush must not be used. */
uint64_t block_cache_generation(const struct block_cache *bc);
/* Drop every block decoded from the physical page at page_pa. */
void block_cache_invalidate_page(struct block_cache *bc, uint64_t page_pa);
/* The memory layer's code-write callback (opaque = the struct cpu). */
void block_cache_code_written(void *opaque, uint64_t page_pa);

/* Room for a block of up to max_ops ops (flushing the cache if full); the
 * caller fills it in and then calls block_commit. */
struct block *block_alloc(struct block_cache *bc, unsigned max_ops);
/* Enters a filled-in block into the cache and write-protects its page. */
void block_commit(struct cpu *cpu, struct block *b);
/* The cached block for pc at host address host, or NULL. */
struct block *block_find(struct block_cache *bc, uint64_t pc, const uint8_t *host,
                         bool single_step);
void block_link(struct block *prev, struct block *next);

/* The cached successor of `prev` for `pc`, if it may run now (see
 * "Chaining" above); NULL means look it up. */
static inline struct block *block_follow(struct cpu *cpu, const struct block *prev, uint64_t pc)
{
    for (unsigned i = 0; i < BLOCK_LINKS; i++) {
        struct block *n = prev->link[i];
        if (n && n->pc == pc) {
            if (unlikely(!n->valid))
                return NULL;
            if (prev->link_far[i]) {
                struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], pc);
                if (e->tag_exec != (pc & TLB_PAGE_MASK) ||
                    (const uint8_t *)(uintptr_t)(pc + e->addend) != n->host)
                    return NULL;
            }
            return n;
        }
    }
    return NULL;
}

#endif
