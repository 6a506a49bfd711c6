/*
 * Arm PrimeCell real-time clock (PL031), as in QEMU's virt board: one 4 KiB
 * MMIO region, one interrupt output (the match alarm).
 */
#ifndef ARMVIRT_PL031_H
#define ARMVIRT_PL031_H

#include "dev/dev.h"

struct vclock;
struct pl031;

extern const struct dev_ops pl031_ops;

/* An RTC counting seconds of host wall-clock time, advancing with `clock`. */
struct pl031 *pl031_create(struct vclock *clock, struct irq_line irq);
void pl031_destroy(struct pl031 *rtc);

#endif
