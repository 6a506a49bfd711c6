/*
 * Arm PrimeCell UART (PL011), as in QEMU's virt board: one MMIO region of
 * 4 KiB, one interrupt output (the combined UARTINTR).
 */
#ifndef ARMVIRT_PL011_H
#define ARMVIRT_PL011_H

#include "dev/dev.h"

struct chardev;
struct pl011;

extern const struct dev_ops pl011_ops;

/* A UART whose line is `chr` (may be NULL: output is dropped, no input)
 * and whose interrupt output drives `irq`. */
struct pl011 *pl011_create(struct chardev *chr, struct irq_line irq);
void pl011_destroy(struct pl011 *uart);
/* Receive-error rules for this UART (src/fault; NULL: none). */
struct fault_point;
void pl011_set_fault(struct pl011 *uart, struct fault_point *fault);

#endif
