/*
 * The decoded-block cache (see block.h). Blocks live in one arena; when it
 * fills up, everything is thrown away and decoding starts afresh (cheap,
 * rare, and frees us from per-block freeing).
 */
#include "cpu/block.h"

#include <stdlib.h>
#include <string.h>

#include "mem/physmem.h"

#define BLOCK_HASH_BITS 15
#define PAGE_HASH_BITS 13
#define ARENA_SIZE (64u << 20)
#define JUMP_CACHE_BITS 12

struct block_cache {
    struct block *by_pc[1u << BLOCK_HASH_BITS];
    struct block *by_page[1u << PAGE_HASH_BITS];
    /* The block last found for a PC, by its low bits: tried before the
     * hash chain (entries may be invalid or for another PC: checked). */
    struct block *jump_cache[1u << JUMP_CACHE_BITS];
    uint8_t *arena;
    size_t used;
    struct jit_arena *jit;   /* the blocks' generated code, flushed with them */
    uint64_t flushes, decoded;
};

static unsigned pc_hash(uint64_t pc)
{
    return (unsigned)((pc >> 2) ^ (pc >> (2 + BLOCK_HASH_BITS))) & ((1u << BLOCK_HASH_BITS) - 1);
}

static unsigned page_hash(uint64_t pa)
{
    return (unsigned)((pa >> 12) ^ (pa >> (12 + PAGE_HASH_BITS))) & ((1u << PAGE_HASH_BITS) - 1);
}

struct block_cache *block_cache_new(void)
{
    struct block_cache *bc = calloc(1, sizeof(*bc));
    if (!bc)
        return NULL;
    bc->arena = malloc(ARENA_SIZE);
    if (!bc->arena) {
        free(bc);
        return NULL;
    }
    bc->jit = jit_arena_new();
    return bc;
}

void block_cache_free(struct block_cache *bc)
{
    if (bc) {
        jit_arena_free(bc->jit);
        free(bc->arena);
        free(bc);
    }
}

/* WARNING: blocks are reused memory after this, and cpu_run() may hold a
 * pointer to the block that just ran. That is safe because only system
 * instructions, exceptions and decoding (inside the run loop's lookup, which
 * checks `flushes`) ever get here while a core runs, and none of those lets
 * the run loop chain from the block it was in. */
void block_cache_flush(struct block_cache *bc)
{
    memset(bc->by_pc, 0, sizeof(bc->by_pc));
    memset(bc->by_page, 0, sizeof(bc->by_page));
    memset(bc->jump_cache, 0, sizeof(bc->jump_cache));
    bc->used = 0;
    if (bc->jit)
        jit_arena_reset(bc->jit);
    bc->flushes++;
}

void block_cache_invalidate_page(struct block_cache *bc, uint64_t page_pa)
{
    struct block **link = &bc->by_page[page_hash(page_pa)];
    while (*link) {
        struct block *b = *link;
        if ((b->pa & PAGE_MASK) != page_pa) {
            link = &b->page_next;
            continue;
        }
        *link = b->page_next;
        b->valid = false;
        struct block **h = &bc->by_pc[pc_hash(b->pc)];
        while (*h && *h != b)
            h = &(*h)->hash_next;
        if (*h)
            *h = b->hash_next;
    }
}

void block_cache_code_written(void *opaque, uint64_t page_pa)
{
    struct cpu *cpu = opaque;
    block_cache_invalidate_page(cpu->blocks, page_pa);
}

struct jit_arena *block_cache_jit(struct block_cache *bc)
{
    return bc->jit;
}

uint64_t block_cache_generation(const struct block_cache *bc)
{
    return bc->flushes;
}

struct block *block_alloc(struct block_cache *bc, unsigned max_ops)
{
    size_t need = sizeof(struct block) + max_ops * sizeof(struct op);
    if (bc->used + need > ARENA_SIZE || (bc->jit && jit_arena_full(bc->jit)))
        block_cache_flush(bc);
    return (struct block *)(bc->arena + bc->used);
}

void block_commit(struct cpu *cpu, struct block *b)
{
    struct block_cache *bc = cpu->blocks;
    /* The ops and the sentinel after them. */
    bc->used += (sizeof(struct block) + (b->n_ops + 1) * sizeof(struct op) + 15) & ~(size_t)15;
    bc->decoded++;

    unsigned h = pc_hash(b->pc);
    b->hash_next = bc->by_pc[h];
    bc->by_pc[h] = b;
    unsigned ph = page_hash(b->pa);
    b->page_next = bc->by_page[ph];
    bc->by_page[ph] = b;

    struct region *r = physmem_find(cpu->mem, b->pa);
    if (r && !region_page_has_code(r, b->pa)) {
        physmem_mark_code(cpu->mem, r, b->pa);
        tlb_protect_code_page(cpu, b->host - (b->pa & (PAGE_SIZE - 1)));
    }
}

struct block *block_find(struct block_cache *bc, uint64_t pc, const uint8_t *host,
                         bool single_step)
{
    struct block **jc = &bc->jump_cache[(pc >> 2) & ((1u << JUMP_CACHE_BITS) - 1)];
    struct block *b = *jc;
    if (b && b->pc == pc && b->host == host && b->valid && (!single_step || b->n_ops == 1))
        return b;
    for (b = bc->by_pc[pc_hash(pc)]; b; b = b->hash_next)
        if (b->pc == pc && b->host == host && (!single_step || b->n_ops == 1)) {
            *jc = b;
            return b;
        }
    return NULL;
}

/* Remember `next` as a successor of `prev`, replacing a stale entry for the
 * same PC or an invalid one before evicting a live one. */
void block_link(struct block *prev, struct block *next)
{
    unsigned slot = BLOCK_LINKS;
    for (unsigned i = 0; i < BLOCK_LINKS; i++)
        if (!prev->link[i] || !prev->link[i]->valid || prev->link[i]->pc == next->pc) {
            slot = i;
            break;
        }
    if (slot == BLOCK_LINKS) {
        slot = prev->link_victim;
        prev->link_victim = (uint8_t)((slot + 1) % BLOCK_LINKS);
    }
    prev->link[slot] = next;
    prev->link_far[slot] = ((prev->pc ^ next->pc) & PAGE_MASK) != 0;
}

