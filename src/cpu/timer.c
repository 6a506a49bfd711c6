/*
 * The generic timer (Arm ARM D11.1, D11.2): system counter, and the EL1
 * physical and virtual timers. With no EL2 or EL3 the secure physical and
 * hypervisor timers do not exist, so their outputs are never asserted.
 *
 * A timer's output is high while CTL.ENABLE is 1, CTL.IMASK is 0 and the
 * counter (minus CNTVOFF for the virtual timer) has reached CVAL. The
 * counter only moves forward, so an output can only go up with time: the
 * timer thread raises it at the deadline, and only a register write (on
 * the core's thread, through timer_sync) can bring it down.
 *
 * Locks: the timer's mutex is taken before the interrupt controller's (the
 * outputs are driven with it held); nothing the GIC calls comes back here.
 */
#include "cpu/timer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "cpu/cpu.h"

#define NS_PER_TICK 16u   /* 62.5 MHz */
#define CTL_ENABLE 1u
#define CTL_IMASK 2u

enum { GT_PHYS, GT_VIRT, GT_COUNT };

struct gt {
    uint64_t ctl, cval, offset;   /* copies of the core's registers */
    struct irq_line out;
    int level;
};

struct cpu_timer {
    struct cpu *cpu;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool stop;
    struct gt gt[GT_COUNT];
};

/* ---- the system counter ---- */

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t counter_base_ns;
static pthread_once_t counter_once = PTHREAD_ONCE_INIT;
static void counter_init(void)
{
    counter_base_ns = host_ns();
}

uint64_t timer_counter(void)
{
    pthread_once(&counter_once, counter_init);
    return (host_ns() - counter_base_ns) / NS_PER_TICK;
}

/* The host time at which the counter reaches `count`; false if never. */
static bool counter_deadline(uint64_t count, struct timespec *ts)
{
    pthread_once(&counter_once, counter_init);
    if (count > (UINT64_MAX - counter_base_ns) / NS_PER_TICK)
        return false;
    uint64_t ns = counter_base_ns + count * NS_PER_TICK;
    ts->tv_sec = (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
    return true;
}

/* ---- which core has which timer ---- */

/* struct cpu has no pointer to its timer, so the few timers are found by
 * core. Entries change only while the core is not running. */
#define MAX_TIMERS 64
static struct cpu_timer *timers[MAX_TIMERS];
static pthread_mutex_t timers_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cpu_timer *timer_of(const struct cpu *cpu)
{
    for (unsigned i = 0; i < MAX_TIMERS; i++) {
        struct cpu_timer *t = __atomic_load_n(&timers[i], __ATOMIC_ACQUIRE);
        if (t && t->cpu == cpu)
            return t;
    }
    return NULL;
}

static bool timer_register(struct cpu_timer *t, struct cpu_timer *old)
{
    bool done = false;
    pthread_mutex_lock(&timers_lock);
    for (unsigned i = 0; i < MAX_TIMERS && !done; i++)
        if (timers[i] == old) {
            __atomic_store_n(&timers[i], t, __ATOMIC_RELEASE);
            done = true;
        }
    pthread_mutex_unlock(&timers_lock);
    return done;
}

/* ---- outputs ---- */

static bool gt_armed(const struct gt *g)
{
    return (g->ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE;
}

static void gt_drive(struct gt *g, int level)
{
    if (g->level != level) {
        g->level = level;
        irq_set(&g->out, level);
    }
}

/* Called with t->lock held: raise the outputs that are due, and return the
 * earliest deadline still ahead in *next (false if none). */
static bool timer_poll(struct cpu_timer *t, struct timespec *next)
{
    uint64_t now = timer_counter();
    bool any = false;
    for (unsigned i = 0; i < GT_COUNT; i++) {
        struct gt *g = &t->gt[i];
        if (!gt_armed(g) || g->level)
            continue;
        if (now - g->offset >= g->cval) {
            gt_drive(g, 1);
            continue;
        }
        struct timespec ts;
        if (!counter_deadline(g->cval + g->offset, &ts))
            continue;
        if (!any || ts.tv_sec < next->tv_sec ||
            (ts.tv_sec == next->tv_sec && ts.tv_nsec < next->tv_nsec))
            *next = ts;
        any = true;
    }
    return any;
}

static void *timer_thread(void *arg)
{
    struct cpu_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        struct timespec next;
        if (timer_poll(t, &next))
            pthread_cond_timedwait(&t->cond, &t->lock, &next);
        else
            pthread_cond_wait(&t->cond, &t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

void timer_sync(struct cpu *cpu)
{
    struct cpu_timer *t = timer_of(cpu);
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->gt[GT_PHYS].ctl = cpu->sys.cntp_ctl_el0;
    t->gt[GT_PHYS].cval = cpu->sys.cntp_cval_el0;
    t->gt[GT_PHYS].offset = 0;
    t->gt[GT_VIRT].ctl = cpu->sys.cntv_ctl_el0;
    t->gt[GT_VIRT].cval = cpu->sys.cntv_cval_el0;
    t->gt[GT_VIRT].offset = cpu->sys.cntvoff_el2;
    uint64_t now = timer_counter();
    for (unsigned i = 0; i < GT_COUNT; i++) {
        struct gt *g = &t->gt[i];
        gt_drive(g, gt_armed(g) && now - g->offset >= g->cval);
    }
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

struct cpu_timer *timer_attach(struct cpu *cpu, struct irq_line phys, struct irq_line virt)
{
    struct cpu_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cpu = cpu;
    t->gt[GT_PHYS].out = phys;
    t->gt[GT_VIRT].out = virt;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (!timer_register(t, NULL)) {
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    if (pthread_create(&t->thread, NULL, timer_thread, t) != 0) {
        timer_register(NULL, t);
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    timer_sync(cpu);
    return t;
}

void timer_detach(struct cpu_timer *t)
{
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    timer_register(NULL, t);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
