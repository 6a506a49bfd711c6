/*
 * Decoded blocks and the run loop.
 *
 * A block is a run of decoded ops starting at a guest virtual PC and ending at
 * a branch/system instruction, a page boundary or BLOCK_MAX_OPS. Blocks are
 * found by virtual PC and checked against the current translation by their
 * host address, so a changed mapping never runs stale code. Every block is
 * also listed under its physical page; a store to that page (seen by the
 * memory layer, because code pages never get a TLB write tag) invalidates
 * the page's blocks.
 *
 * Blocks live in one arena; when it fills up, everything is thrown away and
 * decoding starts afresh (cheap, rare, and frees us from per-block freeing).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/op.h"
#include "mem/physmem.h"

#define BLOCK_MAX_OPS 128
#define BLOCK_HASH_BITS 15
#define PAGE_HASH_BITS 13
#define ARENA_SIZE (64u << 20)

struct block {
    uint64_t pc;               /* guest virtual address of the first op */
    uint64_t pa;               /* its physical address */
    const uint8_t *host;       /* host address of the first instruction */
    struct block *hash_next;   /* chain in the PC hash */
    struct block *page_next;   /* chain in the physical-page hash */
    bool valid;
    unsigned n_ops;
    struct op ops[];
};

struct block_cache {
    struct block *by_pc[1u << BLOCK_HASH_BITS];
    struct block *by_page[1u << PAGE_HASH_BITS];
    uint8_t *arena;
    size_t used;
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
    return bc;
}

void block_cache_free(struct block_cache *bc)
{
    if (bc) {
        free(bc->arena);
        free(bc);
    }
}

void block_cache_flush(struct block_cache *bc)
{
    memset(bc->by_pc, 0, sizeof(bc->by_pc));
    memset(bc->by_page, 0, sizeof(bc->by_page));
    bc->used = 0;
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

static void code_written(void *opaque, uint64_t page_pa)
{
    struct cpu *cpu = opaque;
    block_cache_invalidate_page(cpu->blocks, page_pa);
}

/* Remove write permission for a page that now holds code from every TLB
 * entry that maps it, so stores to it take the slow path. */
static void tlb_protect_code_page(struct cpu *cpu, const uint8_t *host_page)
{
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            struct tlb_entry *e = &cpu->tlb[idx][i];
            if (e->tag_write != TLB_INVALID &&
                (uintptr_t)(e->tag_write + e->addend) == (uintptr_t)host_page)
                e->tag_write = TLB_INVALID;
        }
}

static struct block *block_decode(struct cpu *cpu, uint64_t pc, const uint8_t *host, uint64_t pa)
{
    struct block_cache *bc = cpu->blocks;
    unsigned room = (unsigned)((PAGE_SIZE - (pc & (PAGE_SIZE - 1))) / 4);
    unsigned max = cpu->single_step ? 1 : (room < BLOCK_MAX_OPS ? room : BLOCK_MAX_OPS);
    size_t need = sizeof(struct block) + max * sizeof(struct op);
    if (bc->used + need > ARENA_SIZE)
        block_cache_flush(bc);
    struct block *b = (struct block *)(bc->arena + bc->used);

    unsigned n = 0;
    while (n < max) {
        uint32_t insn;
        memcpy(&insn, host + 4 * n, 4);
        decode_a64(insn, pc + 4 * n, &b->ops[n]);
        if (op_ends_block(&b->ops[n++]))
            break;
    }
    b->pc = pc;
    b->pa = pa;
    b->host = host;
    b->valid = true;
    b->n_ops = n;
    bc->used += (sizeof(struct block) + n * sizeof(struct op) + 15) & ~(size_t)15;
    bc->decoded++;

    unsigned h = pc_hash(pc);
    b->hash_next = bc->by_pc[h];
    bc->by_pc[h] = b;
    unsigned ph = page_hash(pa);
    b->page_next = bc->by_page[ph];
    bc->by_page[ph] = b;

    struct region *r = physmem_find(cpu->mem, pa);
    if (r && !region_page_has_code(r, pa)) {
        physmem_mark_code(cpu->mem, r, pa);
        tlb_protect_code_page(cpu, host - (pa & (PAGE_SIZE - 1)));
    }
    return b;
}

/* The block for cpu->pc under the current translation, decoding it if needed.
 * NULL if fetching faulted (the exception has been taken). */
static struct block *block_lookup(struct cpu *cpu)
{
    uint64_t pc = cpu->pc;
    if (unlikely(pc & 3)) {
        cpu_take_exception(cpu, pc, (uint32_t)EC_PC_ALIGN << 26 | 1u << 25, pc, true);
        return NULL;
    }
    const uint8_t *host;
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], pc);
    uint64_t pa = 0;
    bool have_pa = false;
    if (likely(e->tag_exec == (pc & TLB_PAGE_MASK))) {
        host = (const uint8_t *)(uintptr_t)(pc + e->addend);
    } else {
        if (!tlb_fetch(cpu, pc, &host, &pa)) {
            cpu_data_abort(cpu, pc);
            return NULL;
        }
        have_pa = true;
    }
    for (struct block *b = cpu->blocks->by_pc[pc_hash(pc)]; b; b = b->hash_next)
        if (b->pc == pc && b->host == host && (!cpu->single_step || b->n_ops == 1))
            return b;
    if (!have_pa && !tlb_fetch(cpu, pc, &host, &pa)) {
        cpu_data_abort(cpu, pc);
        return NULL;
    }
    return block_decode(cpu, pc, host, pa);
}

enum cpu_stop cpu_run(struct cpu *cpu, uint64_t budget)
{
    uint64_t limit = cpu->insns + budget;
    cpu->mem->on_code_write = code_written;
    cpu->mem->code_write_opaque = cpu;

    for (;;) {
        if (unlikely(cpu->exit_requested))
            return CPU_STOP_HALT;
        if (unlikely(cpu->stop_request)) {
            cpu->stop_request = false;
            return CPU_STOP_REQUEST;
        }
        if (unlikely(cpu->irq_lines))
            cpu_check_interrupts(cpu);
        if (unlikely(cpu->insns >= limit))
            return CPU_STOP_BUDGET;

        struct block *b = block_lookup(cpu);
        if (!b)
            continue;

        const struct op *op = b->ops, *end = b->ops + b->n_ops;
        enum exec_status st = EXEC_NEXT;
        for (; op < end; op++) {
            st = op->exec(cpu, op);
            if (unlikely(st != EXEC_NEXT))
                break;
        }
        if (likely(st == EXEC_NEXT)) {
            cpu->insns += b->n_ops;
            cpu->pc = b->pc + 4ull * b->n_ops;
            continue;
        }
        uint64_t done = (uint64_t)(op - b->ops);
        switch (st) {
        case EXEC_JUMP:
            cpu->insns += done + 1;
            break;
        case EXEC_FAULT:
            cpu->insns += done;
            cpu_data_abort(cpu, op->pc);
            break;
        case EXEC_UNDEF:
            cpu->insns += done;
            cpu_undefined(cpu, op->pc);
            break;
        case EXEC_EXIT:
            cpu->insns += done + 1;
            if (cpu->exit_requested)
                return CPU_STOP_HALT;
            if (cpu->halted)
                return CPU_STOP_WFI;
            return CPU_STOP_REQUEST;
        case EXEC_NEXT:
            break;
        }
    }
}

void cpu_flush_blocks(struct cpu *cpu)
{
    block_cache_flush(cpu->blocks);
}
