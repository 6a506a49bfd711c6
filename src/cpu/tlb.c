/*
 * The TLB's slow paths: translate, fill the entry for RAM pages, and perform
 * accesses the fast path cannot (MMIO, page-crossing, code pages, faults).
 *
 * Debugger watchpoints (gdb/debug.h): a page a watchpoint covers gets no
 * fast tag for the watched direction, so every access to it comes here and
 * is checked.
 *
 * Alignment: QEMU 7.2 lets unaligned accesses through with the MMU off (it
 * does not model the Device memory type's alignment fault), and guests built
 * for it rely on that, so only SCTLR_EL1.A enables alignment checking here.
 */
#include <inttypes.h>

#include "cpu/access.h"
#include "cpu/mmu.h"
#include "gdb/debug.h"
#include "mem/physmem.h"
#include "trace/log.h"

/* Kept entries are only as good as the live ones: whatever drops live
 * entries beyond a change of space drops them too. */
static void tlb_kept_drop(struct cpu *cpu)
{
    cpu->tlb_spaces[cpu->tlb_kept].valid = false;
}

void tlb_flush(struct cpu *cpu)
{
    memset(cpu->tlb, 0xff, sizeof(cpu->tlb));
    memset(cpu->tlb_nonglobal, 0, sizeof(cpu->tlb_nonglobal));
    cpu->tlb_large_base = TLB_INVALID;
    cpu->tlb_large_mask = 0;
    tlb_kept_drop(cpu);
    cpu->tlb_space_ttbr0 = cpu->sys.ttbr0_el1;
    cpu->tlb_space_ttbr1 = cpu->sys.ttbr1_el1;
}

/* Removes the non-global entries, copying them into `out` if it is not
 * NULL (out->valid tells whether all of them fitted). */
static void tlb_take_nonglobal(struct cpu *cpu, struct tlb_kept_space *out)
{
    if (out) {
        out->n = 0;
        out->valid = true;
    }
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        for (unsigned w = 0; w < TLB_ENTRIES / 64; w++) {
            uint64_t bits = cpu->tlb_nonglobal[idx][w];
            cpu->tlb_nonglobal[idx][w] = 0;
            while (bits) {
                unsigned slot = w * 64 + (unsigned)__builtin_ctzll(bits);
                bits &= bits - 1;
                if (out && out->n < TLB_KEPT_MAX)
                    out->e[out->n++] = (struct tlb_kept_entry){cpu->tlb[idx][slot],
                                                               (uint16_t)slot, (uint8_t)idx};
                else if (out)
                    out->valid = false;
                memset(&cpu->tlb[idx][slot], 0xff, sizeof(struct tlb_entry));
            }
        }
}

void tlb_flush_nonglobal(struct cpu *cpu)
{
    tlb_take_nonglobal(cpu, NULL);
    tlb_kept_drop(cpu);
}

void tlb_switch_space(struct cpu *cpu)
{
    struct tlb_kept_space *kept = &cpu->tlb_spaces[cpu->tlb_kept];
    struct tlb_kept_space *left = &cpu->tlb_spaces[!cpu->tlb_kept];
    tlb_take_nonglobal(cpu, left);
    left->ttbr0 = cpu->tlb_space_ttbr0;
    left->ttbr1 = cpu->tlb_space_ttbr1;
    uint64_t ttbr0 = cpu->sys.ttbr0_el1, ttbr1 = cpu->sys.ttbr1_el1;
    if (kept->valid && kept->ttbr0 == ttbr0 && kept->ttbr1 == ttbr1) {
        for (unsigned i = 0; i < kept->n; i++) {
            const struct tlb_kept_entry *k = &kept->e[i];
            cpu->tlb[k->idx][k->slot] = k->e;
            cpu->tlb_nonglobal[k->idx][k->slot / 64] |= 1ull << (k->slot % 64);
        }
        kept->valid = false;   /* live again */
    }
    /* A space with no entries (the kernel's empty TTBR0 between two
     * halves of a switch) does not displace one that has some. */
    if (left->valid && left->n)
        cpu->tlb_kept = !cpu->tlb_kept;
    cpu->tlb_space_ttbr0 = ttbr0;
    cpu->tlb_space_ttbr1 = ttbr1;
}

static void tlb_entry_protect(struct tlb_entry *e, const uint8_t *host_page)
{
    if (e->tag_write != TLB_INVALID &&
        (uintptr_t)(e->tag_write + e->addend) == (uintptr_t)host_page)
        e->tag_write = TLB_INVALID;
}

void tlb_protect_code_page(struct cpu *cpu, const uint8_t *host_page)
{
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            tlb_entry_protect(&cpu->tlb[idx][i], host_page);
    struct tlb_kept_space *kept = &cpu->tlb_spaces[cpu->tlb_kept];
    for (unsigned i = 0; kept->valid && i < kept->n; i++)
        tlb_entry_protect(&kept->e[i].e, host_page);
}

#define VA_BITS_MASK ((1ull << 56) - 1)   /* below the tag byte */

/* A page's entries sit in one slot per regime whatever its tag byte, since
 * the slot comes from bits 21:12. Pieces of a block or 64K page sit in
 * other slots too, so a flush that falls in the span that held those
 * flushes everything, as the span is not tracked piece by piece. */
void tlb_flush_page(struct cpu *cpu, uint64_t va)
{
    tlb_kept_drop(cpu);
    if (cpu->tlb_large_base != TLB_INVALID &&
        (((va & VA_BITS_MASK) ^ cpu->tlb_large_base) & cpu->tlb_large_mask) == 0) {
        tlb_flush(cpu);
        return;
    }
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++)
        memset(tlb_entry_for(cpu->tlb[idx], va), 0xff, sizeof(struct tlb_entry));
}

/* Widen the large-mapping span to take in a mapping of 2^bits at va. */
static void tlb_note_large(struct cpu *cpu, uint64_t va, unsigned bits)
{
    uint64_t mask = ~((1ull << bits) - 1) & VA_BITS_MASK;
    va &= VA_BITS_MASK;
    if (cpu->tlb_large_base != TLB_INVALID) {
        mask &= cpu->tlb_large_mask;
        while ((cpu->tlb_large_base ^ va) & mask)
            mask = (mask << 1) & VA_BITS_MASK;   /* 0 at last: all of VA space */
    }
    cpu->tlb_large_base = va & mask;
    cpu->tlb_large_mask = mask;
}

static void set_fault(struct cpu *cpu, uint64_t va, uint8_t fsc, enum mmu_access access)
{
    cpu->fault.va = va;
    cpu->fault.fsc = fsc;
    cpu->fault.write = access == MMU_WRITE;
    cpu->fault.fetch = access == MMU_FETCH;
    cpu->fault.s1ptw = false;
}

static bool alignment_ok(struct cpu *cpu, uint64_t va, unsigned size, enum mmu_access access)
{
    if (!(va & (size - 1)) || !(cpu->sys.sctlr_el1 & 2))
        return true;
    set_fault(cpu, va, FSC_ALIGNMENT, access);
    return false;
}

/* Translate and, for RAM, install the page in the TLB. Returns the region
 * (NULL with cpu->fault set on failure) and the physical address. */
static struct region *tlb_fill(struct cpu *cpu, uint64_t va, enum mmu_access access,
                               unsigned mmu_idx, uint64_t *pa)
{
    struct mmu_result res;
    if (!mmu_translate(cpu, va, access, mmu_idx, &res)) {
        if (log_enabled(LOG_MMU) && log_in_filter(va, 1))
            log_printf("mmu: fault va 0x%016" PRIx64 " %s idx %u fsc 0x%02x\n", va,
                       access == MMU_READ ? "read" : access == MMU_WRITE ? "write" : "fetch",
                       mmu_idx, cpu->fault.fsc);
        return NULL;
    }
    *pa = res.pa;
    if (log_enabled(LOG_MMU) && log_in_filter(va, 1))
        log_printf("mmu: va 0x%016" PRIx64 " -> pa 0x%016" PRIx64 " %c%c%c idx %u (%s)\n", va,
                   res.pa, res.prot & PROT_R ? 'r' : '-', res.prot & PROT_W ? 'w' : '-',
                   res.prot & PROT_X ? 'x' : '-', mmu_idx,
                   access == MMU_READ ? "read" : access == MMU_WRITE ? "write" : "fetch");
    struct region *r = physmem_find(cpu->mem, res.pa);
    if (!r) {
        if (log_enabled(LOG_GUEST_ERROR))
            log_printf("Invalid %s at addr 0x%" PRIx64 " (VA 0x%" PRIx64
                       "): nothing mapped there, external abort\n",
                       access == MMU_READ ? "read" : access == MMU_WRITE ? "write" : "fetch",
                       res.pa, va);
        set_fault(cpu, va, FSC_SYNC_EXTERNAL, access);
        return NULL;
    }
    if (r->kind == REGION_MMIO)
        return r;

    uint64_t page = va & TLB_PAGE_MASK;
    uint64_t pa_page = res.pa & TLB_PAGE_MASK;
    if (pa_page + (1ull << TLB_PAGE_BITS) > r->base + r->size)
        return r; /* region ends inside the page: never cache it */
    if (res.page_bits > TLB_PAGE_BITS)
        tlb_note_large(cpu, va, res.page_bits);
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[mmu_idx], va);
    unsigned slot = (unsigned)(e - cpu->tlb[mmu_idx]);
    uint64_t ng_bit = 1ull << (slot % 64);
    if (res.global)
        cpu->tlb_nonglobal[mmu_idx][slot / 64] &= ~ng_bit;
    else
        cpu->tlb_nonglobal[mmu_idx][slot / 64] |= ng_bit;
    e->addend = (uintptr_t)(r->host + (pa_page - r->base)) - (uintptr_t)page;
    e->tag_read = (res.prot & PROT_R) ? page : TLB_INVALID;
    e->tag_exec = (res.prot & PROT_X) ? page : TLB_INVALID;
    e->tag_write = (res.prot & PROT_W) && r->kind == REGION_RAM && !region_page_has_code(r, pa_page)
                       ? page
                       : TLB_INVALID;
    if (unlikely(debug_wp_count)) {
        if (debug_wp_on_page(va, false))
            e->tag_read = TLB_INVALID;
        if (debug_wp_on_page(va, true))
            e->tag_write = TLB_INVALID;
    }
    return r;
}

static bool crosses_page(uint64_t va, unsigned size)
{
    return ((va & ~TLB_PAGE_MASK) + size) > (1ull << TLB_PAGE_BITS);
}

/* The host address of va when its page is in the TLB for this direction:
 * a misaligned access comes here because the fast path compares the
 * alignment bits too, and needs no walk when the page is there. */
static uint8_t *tlb_host_if_cached(struct cpu *cpu, uint64_t va, unsigned idx, bool write)
{
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[idx], va);
    uint64_t tag = write ? e->tag_write : e->tag_read;
    return tag == (va & TLB_PAGE_MASK) ? (uint8_t *)(uintptr_t)(va + e->addend) : NULL;
}

static bool load_one_page(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *val, unsigned idx)
{
    uint8_t *host = tlb_host_if_cached(cpu, va, idx, false);
    if (host) {
        *val = host_load(host, size);
        return true;
    }
    uint64_t pa;
    struct region *r = tlb_fill(cpu, va, MMU_READ, idx, &pa);
    if (!r)
        return false;
    if (r->kind != REGION_MMIO) {
        uint64_t v = 0;
        memcpy(&v, r->host + (pa - r->base), size);
        *val = v;
        return true;
    }
    if (physmem_read(cpu->mem, pa, size, val) != MEM_OK) {
        set_fault(cpu, va, FSC_SYNC_EXTERNAL, MMU_READ);
        return false;
    }
    return true;
}

bool tlb_load_slow(struct cpu *cpu, uint64_t va, unsigned size, uint64_t *val, unsigned idx)
{
    if (!alignment_ok(cpu, va, size, MMU_READ))
        return false;
    if (unlikely(debug_wp_count) && debug_wp_check(cpu, va, size, false))
        return false;
    if (!crosses_page(va, size))
        return load_one_page(cpu, va, size, val, idx);
    /* Split at the page boundary; a fault in either half leaves no state changed. */
    unsigned first = (unsigned)((1ull << TLB_PAGE_BITS) - (va & ~TLB_PAGE_MASK));
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < first; i++) {
        uint64_t b;
        if (!load_one_page(cpu, va + i, 1, &b, idx))
            return false;
        lo |= b << (8 * i);
    }
    for (unsigned i = first; i < size; i++) {
        uint64_t b;
        if (!load_one_page(cpu, va + i, 1, &b, idx))
            return false;
        hi |= b << (8 * i);
    }
    *val = lo | hi;
    return true;
}

static bool store_one_page(struct cpu *cpu, uint64_t va, unsigned size, uint64_t val, unsigned idx)
{
    uint8_t *host = tlb_host_if_cached(cpu, va, idx, true);
    if (host) {
        host_store(host, size, val);
        return true;
    }
    uint64_t pa;
    struct region *r = tlb_fill(cpu, va, MMU_WRITE, idx, &pa);
    if (!r)
        return false;
    if (physmem_write(cpu->mem, pa, size, val) != MEM_OK) {
        set_fault(cpu, va, FSC_SYNC_EXTERNAL, MMU_WRITE);
        return false;
    }
    return true;
}

bool tlb_store_slow(struct cpu *cpu, uint64_t va, unsigned size, uint64_t val, unsigned idx)
{
    if (!alignment_ok(cpu, va, size, MMU_WRITE))
        return false;
    if (unlikely(debug_wp_count) && debug_wp_check(cpu, va, size, true))
        return false;
    if (!crosses_page(va, size))
        return store_one_page(cpu, va, size, val, idx);
    /* Check both pages before writing either, so a fault writes nothing. */
    uint64_t pa;
    uint64_t second = (va + size - 1) & TLB_PAGE_MASK;
    if (!tlb_fill(cpu, va, MMU_WRITE, idx, &pa) || !tlb_fill(cpu, second, MMU_WRITE, idx, &pa))
        return false;
    for (unsigned i = 0; i < size; i++)
        if (!store_one_page(cpu, va + i, 1, val >> (8 * i), idx))
            return false;
    return true;
}

bool tlb_fetch(struct cpu *cpu, uint64_t va, const uint8_t **host, uint64_t *pa)
{
    struct region *r = tlb_fill(cpu, va, MMU_FETCH, cpu->mmu_idx, pa);
    if (!r)
        return false;
    if (r->kind == REGION_MMIO) {
        /* Executing from a device: treated as an external abort on fetch. */
        set_fault(cpu, va, FSC_SYNC_EXTERNAL, MMU_FETCH);
        return false;
    }
    *host = r->host + (*pa - r->base);
    return true;
}
