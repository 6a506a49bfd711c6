/*
 * The device-model contract. A device is a state struct plus a const dev_ops.
 * Devices never know their address or interrupt controller: they get register
 * offsets, drive output IRQ lines, and write their own device-tree node given
 * what the board tells them (base, size, and an interrupt-specifier writer).
 */
#ifndef ARMVIRT_DEV_H
#define ARMVIRT_DEV_H

#include <stdbool.h>
#include <stdint.h>

/* An output line: the device calls irq_set(&line, level); the board decides
 * where it goes (a GIC input, a qtest interceptor, nowhere). */
struct irq_line {
    void (*set)(void *sink, unsigned n, int level);
    void *sink;
    unsigned n;
};

static inline void irq_set(const struct irq_line *line, int level)
{
    if (line->set)
        line->set(line->sink, line->n, level);
}

/* What the board hands a device so it can write its device-tree node. */
struct fdt_ctx {
    void *fdt;                 /* libfdt tree being built */
    uint64_t base, size;       /* where the board mapped the device */
    unsigned spi;              /* its interrupt (SPI number), if any */
    uint32_t clk_phandle;      /* the 24 MHz APB clock, for PrimeCells */
    /* Writes an `interrupts` property for SPI `spi` with the given GIC flags
     * (IRQ_TYPE_*) to the node at offset `node`. */
    int (*fdt_irq)(const struct fdt_ctx *ctx, int node, unsigned spi, unsigned flags);
    void *board;
};

/* Interrupt trigger types as the GIC binding spells them. */
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH 4

struct dev_ops {
    const char *name;
    /* Access widths in bytes the device implements; the memory layer splits
     * or widens anything else so device code never decodes odd widths. */
    uint8_t access_min, access_max;
    uint64_t (*read)(void *dev, uint64_t offset, unsigned size);
    void (*write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
    void (*reset)(void *dev);
    /* Add the device's node under the root; returns 0 or a libfdt error. */
    int (*fdt_node)(void *dev, const struct fdt_ctx *ctx);
};

#endif
