/*
 * Arm PrimeCell GPIO (PL061): ARM DDI 0190, "PrimeCell General Purpose
 * Input/Output (PL061) Technical Reference Manual", chapter 3.
 *
 * Modelled:
 *  - GPIODATA at 0x000-0x3fc, where address bits [9:2] mask which lines an
 *    access touches; a write changes only lines that are outputs (GPIODIR);
 *    input lines read the level last driven on them (pl061_set_input);
 *  - interrupt detection on input lines: level (GPIOIS = 1, high or low by
 *    GPIOIEV) or edge (rising or falling by GPIOIEV, both with GPIOIBE);
 *    GPIOIC clears edge-detected bits, a level stays asserted while it
 *    holds; GPIOMIS = GPIORIS & GPIOIE drives the output;
 *  - GPIOAFSEL stored (no alternate functions on this board);
 *  - registers at their exact offsets; others read 0 (QEMU 7.2's ARM
 *    variant, which lacks the Luminary registers at 0x500).
 * Output lines go nowhere: nothing on the virt board listens to them.
 */
#include "dev/pl061.h"

#include <libfdt.h>
#include <pthread.h>
#include <stdlib.h>

#include "dev/primecell.h"
#include "trace/log.h"

#define GPIODATA_END 0x400   /* 0x000-0x3fc, masked by address bits [9:2] */
#define GPIODIR 0x400
#define GPIOIS 0x404
#define GPIOIBE 0x408
#define GPIOIEV 0x40c
#define GPIOIE 0x410
#define GPIORIS 0x414
#define GPIOMIS 0x418
#define GPIOIC 0x41c
#define GPIOAFSEL 0x420

static const uint8_t pl061_id[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl061 {
    pthread_mutex_t lock;
    struct irq_line irq;
    uint8_t data;      /* output latches for outputs, driven levels for inputs */
    uint8_t dir, is, ibe, iev, ie, ris, afsel;
};

/* Level-sensitive lines whose level matches GPIOIEV are asserted. */
static uint8_t level_asserted(const struct pl061 *g)
{
    return (uint8_t)(g->is & ~g->dir & ~(g->data ^ g->iev));
}

static void pl061_update(struct pl061 *g)
{
    g->ris = (uint8_t)((g->ris & ~g->is) | level_asserted(g));
    irq_set(&g->irq, (g->ris & g->ie) != 0);
}

/* Inputs changed from `old` to g->data: latch the edges that count. */
static void pl061_detect_edges(struct pl061 *g, uint8_t old)
{
    uint8_t changed = (uint8_t)((old ^ g->data) & ~g->dir & ~g->is);
    uint8_t rising = changed & g->data, falling = changed & old;
    uint8_t hit = (uint8_t)((changed & g->ibe) | (rising & g->iev) | (falling & ~g->iev));
    g->ris |= hit;
}

static uint64_t pl061_read(void *dev, uint64_t offset, unsigned size)
{
    struct pl061 *g = dev;
    uint64_t val = 0;
    if (primecell_id_read(pl061_id, offset, &val))
        return val;
    pthread_mutex_lock(&g->lock);
    if (offset < GPIODATA_END) {
        val = g->data & (offset >> 2);
    } else {
        switch (offset) {
        case GPIODIR: val = g->dir; break;
        case GPIOIS: val = g->is; break;
        case GPIOIBE: val = g->ibe; break;
        case GPIOIEV: val = g->iev; break;
        case GPIOIE: val = g->ie; break;
        case GPIORIS: val = g->ris; break;
        case GPIOMIS: val = g->ris & g->ie; break;
        case GPIOAFSEL: val = g->afsel; break;
        default:
            log_cat(LOG_GUEST_ERROR, "pl061: read of bad offset 0x%llx\n",
                    (unsigned long long)offset);
            break;
        }
    }
    pthread_mutex_unlock(&g->lock);
    return val;
}

static void pl061_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct pl061 *g = dev;
    uint8_t v = (uint8_t)value;
    pthread_mutex_lock(&g->lock);
    if (offset < GPIODATA_END) {
        uint8_t mask = (uint8_t)(offset >> 2) & g->dir;
        g->data = (uint8_t)((g->data & ~mask) | (v & mask));
    } else {
        switch (offset) {
        case GPIODIR: g->dir = v; break;
        case GPIOIS: g->is = v; break;
        case GPIOIBE: g->ibe = v; break;
        case GPIOIEV: g->iev = v; break;
        case GPIOIE: g->ie = v; break;
        case GPIOIC: g->ris &= (uint8_t)~v; break;
        case GPIOAFSEL: g->afsel = v; break;
        default:
            log_cat(LOG_GUEST_ERROR, "pl061: write to %s offset 0x%llx\n",
                    offset == GPIORIS || offset == GPIOMIS || offset >= PRIMECELL_ID_BASE
                        ? "read-only" : "bad",
                    (unsigned long long)offset);
            break;
        }
    }
    pl061_update(g);
    pthread_mutex_unlock(&g->lock);
}

static void pl061_reset(void *dev)
{
    struct pl061 *g = dev;
    pthread_mutex_lock(&g->lock);
    /* Output latches clear; levels driven on inputs (the power key) stay. */
    g->data &= (uint8_t)~g->dir;
    g->dir = g->is = g->ibe = g->iev = g->ie = g->ris = g->afsel = 0;
    pl061_update(g);
    pthread_mutex_unlock(&g->lock);
}

void pl061_set_input(struct pl061 *g, unsigned line, int level)
{
    if (line >= 8)
        return;
    pthread_mutex_lock(&g->lock);
    uint8_t old = g->data, bit = (uint8_t)(1u << line);
    if (!(g->dir & bit)) {
        g->data = level ? (uint8_t)(g->data | bit) : (uint8_t)(g->data & ~bit);
        pl061_detect_edges(g, old);
        pl061_update(g);
    }
    pthread_mutex_unlock(&g->lock);
}

/* QEMU's node, plus the GPIO-controller properties and a phandle (the next
 * free one, as QEMU allocates) for the board's gpio-keys node to refer to. */
static int pl061_fdt_node(void *dev, const struct fdt_ctx *ctx)
{
    static const char *const clocks[] = {"apb_pclk"};
    int node = primecell_fdt_node(ctx, "pl061", "arm,pl061", clocks, 1), rc;
    if (node < 0)
        return node;
    uint32_t phandle;
    if ((rc = fdt_setprop_u32(ctx->fdt, node, "#gpio-cells", 2)) ||
        (rc = fdt_setprop(ctx->fdt, node, "gpio-controller", NULL, 0)) ||
        (rc = fdt_generate_phandle(ctx->fdt, &phandle)) ||
        (rc = fdt_setprop_u32(ctx->fdt, node, "phandle", phandle)))
        return rc;
    return 0;
}

const struct dev_ops pl061_ops = {
    .name = "pl061",
    .access_min = 1,
    .access_max = 4,
    .read = pl061_read,
    .write = pl061_write,
    .reset = pl061_reset,
    .fdt_node = pl061_fdt_node,
};

struct pl061 *pl061_create(struct irq_line irq)
{
    struct pl061 *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    pthread_mutex_init(&g->lock, NULL);
    g->irq = irq;
    return g;
}

void pl061_destroy(struct pl061 *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->lock);
    free(g);
}
