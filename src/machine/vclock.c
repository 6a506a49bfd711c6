/*
 * The virtual clock (see vclock.h): a deadline-ordered list of timers under
 * one mutex, and in automatic mode one thread that sleeps until the first
 * deadline.
 */
#include "machine/vclock.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct vclock {
    pthread_mutex_t lock;
    pthread_cond_t changed;      /* the first deadline moved, or stop */
    pthread_t thread;
    bool manual, stop, have_thread;
    uint64_t start_mono;         /* host CLOCK_MONOTONIC at virtual 0 */
    int64_t epoch;               /* host CLOCK_REALTIME at virtual 0 */
    uint64_t manual_now;
    struct vtimer *timers;       /* armed, earliest first */
};

static uint64_t host_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_locked(struct vclock *c)
{
    return c->manual ? c->manual_now : host_ns(CLOCK_MONOTONIC) - c->start_mono;
}

uint64_t vclock_ns(struct vclock *c)
{
    if (!c->manual)
        return host_ns(CLOCK_MONOTONIC) - c->start_mono;
    pthread_mutex_lock(&c->lock);
    uint64_t now = c->manual_now;
    pthread_mutex_unlock(&c->lock);
    return now;
}

int64_t vclock_epoch_ns(struct vclock *c)
{
    return c->epoch;
}

static void unlink_locked(struct vtimer *t)
{
    struct vtimer **p = &t->clock->timers;
    while (*p && *p != t)
        p = &(*p)->next;
    if (*p)
        *p = t->next;
    t->armed = false;
    t->next = NULL;
}

/* Takes the first timer due at `now` off the list, or NULL. */
static struct vtimer *pop_due_locked(struct vclock *c, uint64_t now)
{
    struct vtimer *t = c->timers;
    if (!t || t->deadline > now)
        return NULL;
    c->timers = t->next;
    t->armed = false;
    t->next = NULL;
    return t;
}

static void *service(void *arg)
{
    struct vclock *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        uint64_t now = now_locked(c);
        struct vtimer *t = pop_due_locked(c, now);
        if (t) {
            pthread_mutex_unlock(&c->lock);
            t->fire(t->opaque);
            pthread_mutex_lock(&c->lock);
            continue;
        }
        if (!c->timers) {
            pthread_cond_wait(&c->changed, &c->lock);
            continue;
        }
        uint64_t wake = c->start_mono + c->timers->deadline;
        struct timespec ts = {(time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull)};
        pthread_cond_timedwait(&c->changed, &c->lock, &ts);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

struct vclock *vclock_new(bool manual)
{
    struct vclock *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->changed, &attr);
    pthread_condattr_destroy(&attr);
    c->manual = manual;
    c->start_mono = host_ns(CLOCK_MONOTONIC);
    c->epoch = (int64_t)host_ns(CLOCK_REALTIME);
    if (!manual) {
        if (pthread_create(&c->thread, NULL, service, c) != 0) {
            vclock_free(c);
            return NULL;
        }
        c->have_thread = true;
    }
    return c;
}

void vclock_free(struct vclock *c)
{
    if (!c)
        return;
    if (c->have_thread) {
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_signal(&c->changed);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->thread, NULL);
    }
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void vtimer_init(struct vtimer *t, struct vclock *clock, void (*fire)(void *), void *opaque)
{
    *t = (struct vtimer){.clock = clock, .fire = fire, .opaque = opaque};
}

void vtimer_mod(struct vtimer *t, uint64_t deadline)
{
    struct vclock *c = t->clock;
    pthread_mutex_lock(&c->lock);
    if (t->armed)
        unlink_locked(t);
    t->deadline = deadline;
    struct vtimer **p = &c->timers;
    while (*p && (*p)->deadline <= deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->armed = true;
    if (c->timers == t)
        pthread_cond_signal(&c->changed);
    pthread_mutex_unlock(&c->lock);
}

void vtimer_del(struct vtimer *t)
{
    struct vclock *c = t->clock;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    if (t->armed)
        unlink_locked(t);
    pthread_mutex_unlock(&c->lock);
}

uint64_t vclock_set(struct vclock *c, uint64_t target)
{
    pthread_mutex_lock(&c->lock);
    for (;;) {
        struct vtimer *t = c->timers;
        if (!t || t->deadline > target)
            break;
        /* Time reaches each deadline in turn, so a timer sees its own. */
        if (t->deadline > c->manual_now)
            c->manual_now = t->deadline;
        pop_due_locked(c, c->manual_now);
        pthread_mutex_unlock(&c->lock);
        t->fire(t->opaque);
        pthread_mutex_lock(&c->lock);
    }
    if (target > c->manual_now)
        c->manual_now = target;
    uint64_t now = c->manual_now;
    pthread_mutex_unlock(&c->lock);
    return now;
}

bool vclock_next_deadline(struct vclock *c, uint64_t *deadline)
{
    pthread_mutex_lock(&c->lock);
    bool any = c->timers != NULL;
    if (any)
        *deadline = c->timers->deadline;
    pthread_mutex_unlock(&c->lock);
    return any;
}
