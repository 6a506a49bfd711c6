/*
 * What every Arm PrimeCell peripheral shares: the identification block in
 * the last 32 bytes of its 4 KiB window (PeriphID0-3 at 0xfe0, PCellID0-3 at
 * 0xff0, one byte per 32-bit word), and the shape of its device-tree node.
 */
#ifndef ARMVIRT_PRIMECELL_H
#define ARMVIRT_PRIMECELL_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/dev.h"

#define PRIMECELL_ID_BASE 0xfe0
#define PRIMECELL_ID_END 0x1000

/* If offset is in the ID block, sets *val to its byte and returns true.
 * Address bits [1:0] are ignored, as QEMU decodes them. */
bool primecell_id_read(const uint8_t id[8], uint64_t offset, uint64_t *val);

/* Writes the node "<name>@<base>" with compatible = "<compatible>",
 * "arm,primecell", reg, a level-high interrupt, and one `clocks` entry per
 * clock name (all the APB clock), in the property order QEMU 7.2 uses.
 * Returns the node offset or a negative libfdt error. */
int primecell_fdt_node(const struct fdt_ctx *ctx, const char *name, const char *compatible,
                       const char *const *clock_names, unsigned n_clocks);

#endif
