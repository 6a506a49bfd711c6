/*
 * GICv2m MSI frame: MSI_TYPER reports the frame's SPIs, MSI_SETSPI_NS turns
 * a write into an edge on one of them, and the identification registers
 * read as QEMU's (product ID 'Q', no implementer, PIDR2 = 0). Nothing here
 * has state beyond the wiring, so no lock is needed.
 */
#include "dev/gicv2m.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#define V2M_MSI_TYPER 0x008
#define V2M_MSI_SETSPI_NS 0x040
#define V2M_MSI_IIDR 0xfcc
#define V2M_PRODUCT_QEMU 0x51u   /* 'Q' in MSI_IIDR.ProductID [31:20] */

struct gicv2m {
    struct irq_line spis;
    unsigned first_spi, count;
};

/* Interrupt ID of SPI n is 32 + n. */
static uint64_t gicv2m_read(void *dev, uint64_t offset, unsigned size)
{
    struct gicv2m *f = dev;
    if (size != 4)
        return 0;   /* QEMU answers only word reads */
    switch (offset) {
    case V2M_MSI_TYPER: return (uint32_t)(f->first_spi + 32) << 16 | f->count;
    case V2M_MSI_IIDR: return V2M_PRODUCT_QEMU << 20;
    default: return 0;
    }
}

static void gicv2m_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct gicv2m *f = dev;
    if ((size != 2 && size != 4) || offset != V2M_MSI_SETSPI_NS)
        return;
    uint32_t id = (uint32_t)value & 0x3ff;
    if (id < f->first_spi + 32 || id - (f->first_spi + 32) >= f->count)
        return;
    const struct irq_line *l = &f->spis;
    unsigned n = l->n + (id - (f->first_spi + 32));
    if (l->set) {
        l->set(l->sink, n, 1);
        l->set(l->sink, n, 0);
    }
}

/* A child of the GIC node, as QEMU writes it (create_v2m() in
 * hw/arm/virt.c); the phandle is the next free one. */
static int gicv2m_fdt(void *dev, const struct fdt_ctx *ctx)
{
    void *fdt = ctx->fdt;
    int parent = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");
    if (parent < 0)
        return parent;
    char name[32];
    snprintf(name, sizeof(name), "v2m@%llx", (unsigned long long)ctx->base);
    int node = fdt_add_subnode(fdt, parent, name), rc;
    if (node < 0)
        return node;
    uint32_t phandle;
    fdt64_t reg[2] = {cpu_to_fdt64(ctx->base), cpu_to_fdt64(ctx->size)};
    if ((rc = fdt_setprop_string(fdt, node, "compatible", "arm,gic-v2m-frame")) ||
        (rc = fdt_setprop(fdt, node, "msi-controller", NULL, 0)) ||
        (rc = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) ||
        (rc = fdt_generate_phandle(fdt, &phandle)) ||
        (rc = fdt_setprop_u32(fdt, node, "phandle", phandle)))
        return rc;
    return 0;
}

const struct dev_ops gicv2m_ops = {
    .name = "gicv2m",
    .access_min = 1,
    .access_max = 4,
    .read = gicv2m_read,
    .write = gicv2m_write,
    .fdt_node = gicv2m_fdt,
};

struct gicv2m *gicv2m_create(struct irq_line spis, unsigned first_spi, unsigned count)
{
    struct gicv2m *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->spis = spis;
    f->first_spi = first_spi;
    f->count = count;
    return f;
}

void gicv2m_destroy(struct gicv2m *frame)
{
    free(frame);
}
