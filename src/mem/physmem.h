/*
 * The physical address space: RAM regions (host memory) and MMIO regions
 * (device callbacks). The board fills it once at start-up; afterwards the map
 * is only read, without locks.
 *
 * RAM pages that hold decoded code are tracked in a per-region bitmap so a
 * write to them can invalidate the decoded blocks (self-modifying code).
 */
#ifndef ARMVIRT_PHYSMEM_H
#define ARMVIRT_PHYSMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/dev.h"

#define PAGE_BITS 12
#define PAGE_SIZE (1ull << PAGE_BITS)
#define PAGE_MASK (~(PAGE_SIZE - 1))

enum region_kind { REGION_RAM, REGION_ROM, REGION_MMIO };

struct region {
    enum region_kind kind;
    uint64_t base, size;
    const char *name;
    /* RAM/ROM */
    uint8_t *host;
    uint8_t *code_pages;    /* one byte per page: nonzero if decoded code lives there */
    /* MMIO */
    const struct dev_ops *ops;
    void *dev;
};

#define PHYSMEM_MAX_REGIONS 64

/* Called when a store hits a page holding decoded code (physical page address). */
typedef void (*code_write_fn)(void *opaque, uint64_t page_pa);

struct physmem {
    struct region regions[PHYSMEM_MAX_REGIONS];
    unsigned count;                /* sorted by base */
    unsigned last;                 /* index physmem_find found last: tried first */
    code_write_fn on_code_write;
    void *code_write_opaque;
};

/* Results of a physical access. */
enum mem_result { MEM_OK, MEM_BUS_ERROR };

void physmem_init(struct physmem *pm);
void physmem_destroy(struct physmem *pm);
/* Map host-allocated RAM; returns the host pointer or NULL if allocation fails. */
uint8_t *physmem_add_ram(struct physmem *pm, const char *name, uint64_t base, uint64_t size);
void physmem_add_mmio(struct physmem *pm, const char *name, uint64_t base, uint64_t size,
                      const struct dev_ops *ops, void *dev);

/* The region holding pa, or NULL. */
struct region *physmem_find(struct physmem *pm, uint64_t pa);

/* Host pointer for [pa, pa+len) if it lies wholly in one RAM region, else NULL.
 * This is the one gate DMA and loaders go through. */
void *physmem_ram_ptr(struct physmem *pm, uint64_t pa, uint64_t len);

/* Slow-path accesses of 1, 2, 4 or 8 bytes; MMIO goes to the device with its
 * declared access widths honoured (split or widened by this layer). */
enum mem_result physmem_read(struct physmem *pm, uint64_t pa, unsigned size, uint64_t *val);
enum mem_result physmem_write(struct physmem *pm, uint64_t pa, unsigned size, uint64_t val);
/* Byte-string copies for loaders, qtest and debuggers (RAM or MMIO). */
enum mem_result physmem_read_buf(struct physmem *pm, uint64_t pa, void *buf, uint64_t len);
enum mem_result physmem_write_buf(struct physmem *pm, uint64_t pa, const void *buf, uint64_t len);

/* Code-page tracking. */
void physmem_mark_code(struct physmem *pm, struct region *r, uint64_t pa);
static inline bool region_page_has_code(const struct region *r, uint64_t pa)
{
    return r->code_pages && r->code_pages[(pa - r->base) >> PAGE_BITS];
}
/* Clear the mark for the page and notify the block cache. */
void physmem_code_written(struct physmem *pm, struct region *r, uint64_t pa);

#endif
