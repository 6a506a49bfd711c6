/*
 * Arm PrimeCell GPIO (PL061), as in QEMU's virt board: one 4 KiB MMIO
 * region, eight lines, one combined interrupt output (GPIOINTR). The board
 * drives input lines (the power key is line 3) with pl061_set_input().
 */
#ifndef ARMVIRT_PL061_H
#define ARMVIRT_PL061_H

#include "dev/dev.h"

struct pl061;

extern const struct dev_ops pl061_ops;

struct pl061 *pl061_create(struct irq_line irq);
void pl061_destroy(struct pl061 *gpio);

/* Drive input line `line` (0..7) to `level` from outside (any thread). */
void pl061_set_input(struct pl061 *gpio, unsigned line, int level);

#endif
