/* PrimeCell identification and device-tree nodes (see primecell.h). */
#include "dev/primecell.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

bool primecell_id_read(const uint8_t id[8], uint64_t offset, uint64_t *val)
{
    if (offset < PRIMECELL_ID_BASE || offset >= PRIMECELL_ID_END)
        return false;
    *val = id[(offset - PRIMECELL_ID_BASE) >> 2];
    return true;
}

int primecell_fdt_node(const struct fdt_ctx *ctx, const char *name, const char *compatible,
                       const char *const *clock_names, unsigned n_clocks)
{
    char node_name[48], compat[64], names[64];
    snprintf(node_name, sizeof(node_name), "%s@%" PRIx64, name, ctx->base);
    int node = fdt_add_subnode(ctx->fdt, 0, node_name), rc;
    if (node < 0)
        return node;

    /* A string list is the strings with their NULs, back to back. */
    size_t clen = strlen(compatible) + 1;
    memcpy(compat, compatible, clen);
    memcpy(compat + clen, "arm,primecell", sizeof("arm,primecell"));
    clen += sizeof("arm,primecell");
    size_t nlen = 0;
    fdt32_t clocks[4];
    for (unsigned i = 0; i < n_clocks && i < 4; i++) {
        size_t l = strlen(clock_names[i]) + 1;
        memcpy(names + nlen, clock_names[i], l);
        nlen += l;
        clocks[i] = cpu_to_fdt32(ctx->clk_phandle);
    }
    fdt64_t reg[2] = {cpu_to_fdt64(ctx->base), cpu_to_fdt64(ctx->size)};
    if ((rc = fdt_setprop(ctx->fdt, node, "compatible", compat, (int)clen)) ||
        (rc = fdt_setprop(ctx->fdt, node, "reg", reg, sizeof(reg))) ||
        (ctx->fdt_irq && (rc = ctx->fdt_irq(ctx, node, ctx->spi, IRQ_TYPE_LEVEL_HIGH))) ||
        (rc = fdt_setprop(ctx->fdt, node, "clocks", clocks, (int)(n_clocks * sizeof(fdt32_t)))) ||
        (rc = fdt_setprop(ctx->fdt, node, "clock-names", names, (int)nlen)))
        return rc;
    return node;
}
