/*
 * The generic timer of a core (Arm ARM D11 "The Generic Timer in
 * AArch64 state"): the system counter, and the EL1 physical and virtual
 * timers whose outputs are level signals into the interrupt controller.
 *
 * The registers live in struct cpu (sys.cntp_*, sys.cntv_*); sysreg.c calls
 * timer_sync() after writing them. A host thread per core sleeps until the
 * earliest armed deadline and raises the output then; timer_sync() lowers
 * an output at once when a write makes its condition false.
 */
#ifndef ARMVIRT_TIMER_H
#define ARMVIRT_TIMER_H

#include <stdint.h>

#include "dev/dev.h"

struct cpu;
struct cpu_timer;

/* The system counter: host CLOCK_MONOTONIC at 62.5 MHz (one tick per 16 ns)
 * since the first call. */
uint64_t timer_counter(void);

/* Gives `cpu` a timer thread whose physical (CNTP) and virtual (CNTV)
 * timer outputs drive `phys` and `virt`. NULL if the thread cannot start. */
struct cpu_timer *timer_attach(struct cpu *cpu, struct irq_line phys, struct irq_line virt);
/* Stops the thread and frees the timer. */
void timer_detach(struct cpu_timer *t);

/* Re-reads the core's timer registers: recompute both outputs now and
 * re-arm the thread. Called on the core's thread after a register write or
 * reset; does nothing for a core without a timer. */
void timer_sync(struct cpu *cpu);

#endif
