/*
 * GICv2m MSI frame (Arm SBSA, "GICv2m"), as QEMU 7.2's arm-gicv2m on the
 * virt board: one 4 KiB MMIO region; a write of an interrupt ID to
 * MSI_SETSPI_NS pulses the matching SPI output. The frame owns `count`
 * consecutive SPIs starting at `first_spi`.
 */
#ifndef ARMVIRT_GICV2M_H
#define ARMVIRT_GICV2M_H

#include "dev/dev.h"

struct gicv2m;

extern const struct dev_ops gicv2m_ops;

/* `spis` drives SPI first_spi + i as line number spis.n + i. */
struct gicv2m *gicv2m_create(struct irq_line spis, unsigned first_spi, unsigned count);
void gicv2m_destroy(struct gicv2m *frame);

#endif
