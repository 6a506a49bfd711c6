/*
 * The machine's virtual clock and the device timers that run on it.
 *
 * Normally the clock follows the host's monotonic clock from machine
 * creation, and a service thread fires each timer when its deadline passes.
 * In manual mode (qtest) the clock moves only when told to (vclock_step,
 * vclock_set), firing due timers on the caller's thread, so device tests
 * are deterministic.
 *
 * Timer callbacks run without the clock's lock held: they may re-arm or
 * delete timers. A device protects its own state.
 */
#ifndef ARMVIRT_VCLOCK_H
#define ARMVIRT_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct vclock;

struct vtimer {
    struct vclock *clock;
    void (*fire)(void *opaque);
    void *opaque;
    uint64_t deadline;       /* virtual ns */
    bool armed;
    struct vtimer *next;     /* in the clock's deadline-ordered list */
};

/* NULL if out of memory or the service thread cannot start. */
struct vclock *vclock_new(bool manual);
void vclock_free(struct vclock *clock);

/* Virtual nanoseconds since the machine was created. */
uint64_t vclock_ns(struct vclock *clock);
/* Host wall-clock time (ns since the Unix epoch) when virtual time was 0, so
 * a real-time clock device reads real time. */
int64_t vclock_epoch_ns(struct vclock *clock);

void vtimer_init(struct vtimer *t, struct vclock *clock, void (*fire)(void *), void *opaque);
/* (Re)arm for virtual time `deadline`; a deadline already past fires soon. */
void vtimer_mod(struct vtimer *t, uint64_t deadline);
void vtimer_del(struct vtimer *t);

/* Manual mode only. Advances to `target` (never backwards), firing every
 * timer due on the way in deadline order; returns the new time. */
uint64_t vclock_set(struct vclock *clock, uint64_t target);
/* The earliest armed deadline; false if no timer is armed. */
bool vclock_next_deadline(struct vclock *clock, uint64_t *deadline);

#endif
