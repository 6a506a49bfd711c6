/* A log of the exceptions a test provokes, for exception hooks that record
 * each one before deciding where it returns (align.c, eret.c): the hook
 * calls exc_event_record(), which fills the next entry (the last one again
 * once the log is full, while exc_count keeps counting) and returns it so
 * that the hook can add what only it knows. Static, like mmu.h: only the
 * programs that include it carry the log. */
#ifndef EXC_LOG_H
#define EXC_LOG_H

#include "guest.h"

#define EXC_EVENTS_MAX 16

struct exc_event {
    int vector;
    uint64_t esr, elr, spsr, far, daif;   /* FAR_EL1 and DAIF inside the handler */
    uint64_t x[6];                        /* X0-X5 at the exception */
    uint32_t iar;                         /* for the hook: a GIC acknowledge */
};

static volatile struct exc_event exc_events[EXC_EVENTS_MAX];
static volatile int exc_count;

/* Empties the log; entries not yet filled read vector -1. */
static inline void exc_events_reset(void)
{
    exc_count = 0;
    for (int i = 0; i < EXC_EVENTS_MAX; i++)
        exc_events[i].vector = -1;
}

static inline volatile struct exc_event *exc_event_record(const struct exc_frame *f, int vector)
{
    volatile struct exc_event *e = &exc_events[exc_count < EXC_EVENTS_MAX ? exc_count
                                                                          : EXC_EVENTS_MAX - 1];
    exc_count++;
    e->vector = vector;
    e->esr = f->esr;
    e->elr = f->elr;
    e->spsr = f->spsr;
    e->far = SYSREG_RD(far_el1);
    e->daif = SYSREG_RD(daif);
    for (int r = 0; r < 6; r++)
        e->x[r] = f->x[r];
    return e;
}

#endif
