/* The physical address space: region table, RAM allocation and MMIO dispatch. */
#include "mem/physmem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

void physmem_init(struct physmem *pm)
{
    memset(pm, 0, sizeof(*pm));
}

void physmem_destroy(struct physmem *pm)
{
    for (unsigned i = 0; i < pm->count; i++) {
        struct region *r = &pm->regions[i];
        if (r->kind != REGION_MMIO) {
            munmap(r->host, r->size);
            free(r->code_pages);
        }
    }
    pm->count = 0;
}

static struct region *physmem_insert(struct physmem *pm, uint64_t base, uint64_t size)
{
    /* Our bug, not the user's: the board never maps overlapping regions. */
    assert(pm->count < PHYSMEM_MAX_REGIONS);
    unsigned i = pm->count;
    while (i > 0 && pm->regions[i - 1].base > base) {
        pm->regions[i] = pm->regions[i - 1];
        i--;
    }
    assert(i == 0 || pm->regions[i - 1].base + pm->regions[i - 1].size <= base);
    assert(i == pm->count || base + size <= pm->regions[i + 1].base);
    pm->count++;
    memset(&pm->regions[i], 0, sizeof(pm->regions[i]));
    pm->regions[i].base = base;
    pm->regions[i].size = size;
    return &pm->regions[i];
}

uint8_t *physmem_add_ram(struct physmem *pm, const char *name, uint64_t base, uint64_t size)
{
    /* Reserve lazily: the host commits pages only as the guest touches them. */
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return NULL;
    uint8_t *code = calloc(size >> PAGE_BITS, 1);
    if (!code) {
        munmap(host, size);
        return NULL;
    }
    struct region *r = physmem_insert(pm, base, size);
    r->kind = REGION_RAM;
    r->name = name;
    r->host = host;
    r->code_pages = code;
    return host;
}

void physmem_add_mmio(struct physmem *pm, const char *name, uint64_t base, uint64_t size,
                      const struct dev_ops *ops, void *dev)
{
    struct region *r = physmem_insert(pm, base, size);
    r->kind = REGION_MMIO;
    r->name = name;
    r->ops = ops;
    r->dev = dev;
}

/* Most lookups (page-table walks, TLB fills, DMA) land in RAM again and
 * again, so the region found last is tried first. Any thread may look up:
 * the hint is read and written atomically, and is only ever a valid index
 * (regions are not removed while the machine runs). */
struct region *physmem_find(struct physmem *pm, uint64_t pa)
{
    unsigned hint = __atomic_load_n(&pm->last, __ATOMIC_RELAXED);
    if (hint < pm->count && pa - pm->regions[hint].base < pm->regions[hint].size)
        return &pm->regions[hint];
    unsigned lo = 0, hi = pm->count;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        struct region *r = &pm->regions[mid];
        if (pa < r->base) {
            hi = mid;
        } else if (pa - r->base >= r->size) {
            lo = mid + 1;
        } else {
            __atomic_store_n(&pm->last, mid, __ATOMIC_RELAXED);
            return r;
        }
    }
    return NULL;
}

void *physmem_ram_ptr(struct physmem *pm, uint64_t pa, uint64_t len)
{
    struct region *r = physmem_find(pm, pa);
    if (!r || r->kind == REGION_MMIO)
        return NULL;
    uint64_t off = pa - r->base;
    if (len > r->size - off)
        return NULL;
    return r->host + off;
}

/* One device access of a width the device accepts, at an aligned offset. */
static uint64_t mmio_read_native(struct region *r, uint64_t off, unsigned size)
{
    return r->ops->read ? r->ops->read(r->dev, off, size) : 0;
}

static void mmio_write_native(struct region *r, uint64_t off, unsigned size, uint64_t val)
{
    if (r->ops->write)
        r->ops->write(r->dev, off, size, val);
}

static bool mmio_width_ok(const struct region *r, uint64_t off, unsigned size)
{
    return size >= r->ops->access_min && size <= r->ops->access_max && (off & (size - 1)) == 0;
}

/* Reads of widths the device does not implement are assembled from (or cut
 * out of) accesses it does; a narrow read takes the lanes it needs from the
 * containing minimum-width access. */
static uint64_t mmio_read(struct region *r, uint64_t off, unsigned size)
{
    if (mmio_width_ok(r, off, size))
        return mmio_read_native(r, off, size);
    unsigned min = r->ops->access_min ? r->ops->access_min : 1;
    if (size < min || (off & (size - 1))) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = off + i;
            uint64_t word = mmio_read_native(r, b & ~(uint64_t)(min - 1), min);
            v |= ((word >> (8 * (b & (min - 1)))) & 0xff) << (8 * i);
        }
        return v;
    }
    unsigned max = r->ops->access_max;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i += max)
        v |= mmio_read_native(r, off + i, max) << (8 * i);
    return v;
}

/* Narrow writes become a read-modify-write of the minimum width. */
static void mmio_write(struct region *r, uint64_t off, unsigned size, uint64_t val)
{
    if (mmio_width_ok(r, off, size)) {
        mmio_write_native(r, off, size, val);
        return;
    }
    unsigned min = r->ops->access_min ? r->ops->access_min : 1;
    if (size < min || (off & (size - 1))) {
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = off + i, base = b & ~(uint64_t)(min - 1);
            unsigned sh = 8 * (b & (min - 1));
            uint64_t word = min == 1 ? 0 : mmio_read_native(r, base, min);
            word = (word & ~(0xffull << sh)) | (((val >> (8 * i)) & 0xff) << sh);
            mmio_write_native(r, base, min, word);
        }
        return;
    }
    unsigned max = r->ops->access_max;
    for (unsigned i = 0; i < size; i += max)
        mmio_write_native(r, off + i, max, val >> (8 * i));
}

enum mem_result physmem_read(struct physmem *pm, uint64_t pa, unsigned size, uint64_t *val)
{
    struct region *r = physmem_find(pm, pa);
    if (!r || pa - r->base > r->size - size) {
        /* Possibly straddling two regions: go byte by byte. */
        if (size == 1)
            return MEM_BUS_ERROR;
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b;
            if (physmem_read(pm, pa + i, 1, &b) != MEM_OK)
                return MEM_BUS_ERROR;
            v |= b << (8 * i);
        }
        *val = v;
        return MEM_OK;
    }
    uint64_t off = pa - r->base;
    if (r->kind == REGION_MMIO) {
        *val = mmio_read(r, off, size);
        return MEM_OK;
    }
    uint64_t v = 0;
    memcpy(&v, r->host + off, size);
    *val = v;
    return MEM_OK;
}

enum mem_result physmem_write(struct physmem *pm, uint64_t pa, unsigned size, uint64_t val)
{
    struct region *r = physmem_find(pm, pa);
    if (!r || pa - r->base > r->size - size) {
        if (size == 1)
            return MEM_BUS_ERROR;
        for (unsigned i = 0; i < size; i++)
            if (physmem_write(pm, pa + i, 1, val >> (8 * i)) != MEM_OK)
                return MEM_BUS_ERROR;
        return MEM_OK;
    }
    uint64_t off = pa - r->base;
    switch (r->kind) {
    case REGION_MMIO:
        mmio_write(r, off, size, val);
        return MEM_OK;
    case REGION_ROM:
        return MEM_OK; /* writes to ROM are ignored */
    case REGION_RAM:
        if (region_page_has_code(r, pa))
            physmem_code_written(pm, r, pa);
        if ((pa & (PAGE_SIZE - 1)) + size > PAGE_SIZE && region_page_has_code(r, pa + size - 1))
            physmem_code_written(pm, r, pa + size - 1);
        memcpy(r->host + off, &val, size);
        return MEM_OK;
    }
    return MEM_BUS_ERROR;
}

/* The widest access a byte string may use at offset off of an MMIO region
 * with `left` bytes to go: aligned, at most the device's maximum, as QEMU
 * splits a buffer access into the region's own access size. */
static unsigned mmio_buf_width(const struct region *r, uint64_t off, uint64_t left)
{
    unsigned size = r->ops->access_max ? r->ops->access_max : 1;
    while (size > 1 && ((off & (size - 1)) || size > left))
        size >>= 1;
    return size;
}

enum mem_result physmem_read_buf(struct physmem *pm, uint64_t pa, void *buf, uint64_t len)
{
    uint8_t *out = buf;
    while (len) {
        struct region *r = physmem_find(pm, pa);
        if (!r)
            return MEM_BUS_ERROR;
        uint64_t chunk = r->size - (pa - r->base);
        if (chunk > len)
            chunk = len;
        if (r->kind == REGION_MMIO) {
            for (uint64_t i = 0; i < chunk;) {
                uint64_t off = pa - r->base + i;
                unsigned size = mmio_buf_width(r, off, chunk - i);
                uint64_t v = mmio_read(r, off, size);
                for (unsigned k = 0; k < size; k++)
                    out[i + k] = (uint8_t)(v >> (8 * k));
                i += size;
            }
        } else {
            memcpy(out, r->host + (pa - r->base), chunk);
        }
        out += chunk;
        pa += chunk;
        len -= chunk;
    }
    return MEM_OK;
}

enum mem_result physmem_write_buf(struct physmem *pm, uint64_t pa, const void *buf, uint64_t len)
{
    const uint8_t *in = buf;
    while (len) {
        struct region *r = physmem_find(pm, pa);
        if (!r)
            return MEM_BUS_ERROR;
        uint64_t chunk = r->size - (pa - r->base);
        if (chunk > len)
            chunk = len;
        if (r->kind == REGION_MMIO) {
            for (uint64_t i = 0; i < chunk;) {
                uint64_t off = pa - r->base + i;
                unsigned size = mmio_buf_width(r, off, chunk - i);
                uint64_t v = 0;
                for (unsigned k = 0; k < size; k++)
                    v |= (uint64_t)in[i + k] << (8 * k);
                mmio_write(r, off, size, v);
                i += size;
            }
        } else if (r->kind == REGION_RAM) {
            for (uint64_t p = pa & PAGE_MASK; p < pa + chunk; p += PAGE_SIZE)
                if (region_page_has_code(r, p))
                    physmem_code_written(pm, r, p);
            memcpy(r->host + (pa - r->base), in, chunk);
        }
        in += chunk;
        pa += chunk;
        len -= chunk;
    }
    return MEM_OK;
}

void physmem_mark_code(struct physmem *pm, struct region *r, uint64_t pa)
{
    (void)pm;
    if (r->code_pages)
        r->code_pages[(pa - r->base) >> PAGE_BITS] = 1;
}

void physmem_code_written(struct physmem *pm, struct region *r, uint64_t pa)
{
    r->code_pages[(pa - r->base) >> PAGE_BITS] = 0;
    if (pm->on_code_write)
        pm->on_code_write(pm->code_write_opaque, pa & PAGE_MASK);
}
