/*
 * Arm Generic Interrupt Controller v2 (Arm IHI 0048B) as QEMU 7.2's arm_gic
 * on the virt board: no security extensions, no virtualization extensions,
 * 256 SPIs (interrupt IDs 0..287), up to GIC_MAX_CPUS CPU interfaces.
 *
 * Two MMIO regions, each with its own dev_ops: the distributor
 * (gic_dist_ops) and the CPU interface (gic_cpu_ops). Inputs are irq_line
 * sinks (gic_spi_line, gic_ppi_line); outputs are one IRQ and one FIQ line
 * per CPU, handed over at creation.
 */
#ifndef ARMVIRT_GIC_H
#define ARMVIRT_GIC_H

#include "dev/dev.h"

#define GIC_MAX_CPUS 8
#define GIC_NUM_SPIS 256
#define GIC_NUM_IRQS (32 + GIC_NUM_SPIS)

/* Registers implemented in each window (QEMU maps 4 KiB of distributor and
 * 8 KiB of CPU interface; the rest of the board's 64 KiB windows aborts). */
#define GIC_DIST_REGS_SIZE 0x1000u
#define GIC_CPU_REGS_SIZE 0x2000u

struct gic;

extern const struct dev_ops gic_dist_ops;
extern const struct dev_ops gic_cpu_ops;

/* A GIC for `ncpu` (1..GIC_MAX_CPUS) CPU interfaces; irq[i] and fiq[i] are
 * CPU i's interrupt request lines. NULL if out of memory or ncpu is bad. */
struct gic *gic_create(unsigned ncpu, const struct irq_line *irq, const struct irq_line *fiq);
void gic_destroy(struct gic *gic);

/* Input lines: shared peripheral interrupt `spi` (interrupt ID 32 + spi),
 * and private peripheral interrupt `ppi` (0..15, interrupt ID 16 + ppi) of
 * CPU `cpu`. Level inputs stay pending while high; edge-configured ones
 * latch on a rising edge. Safe from any thread. */
struct irq_line gic_spi_line(struct gic *gic, unsigned spi);
struct irq_line gic_ppi_line(struct gic *gic, unsigned cpu, unsigned ppi);

#endif
