/*
 * The fault set: named points, the rules bound to them, and the hooks the
 * device models call (see fault.h). One mutex guards everything; hooks on a
 * point without rules return before taking it, so a machine without faults
 * pays one atomic load per event.
 */
#include "fault/fault.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/chardev.h"
#include "fault/fault_rule.h"

struct fault_point {
    struct fault_set *set;
    enum fault_target kind;
    char name[FAULT_NAME_MAX];
    int spi;
    bool ambiguous;         /* several devices registered under this name */
    unsigned nrules;        /* rules bound here (atomic: the hooks' fast path) */
    struct fault_point *next;
};

/* A device's interrupt output, wrapped (fault_irq_line). */
struct fault_irq {
    struct fault_set *set;
    struct irq_line out;     /* where the board wants it to go */
    int dev_level;           /* what the device drives */
    int out_level;           /* what we passed on */
    bool swallowed;          /* this assertion is being held low */
    struct fault_irq *next;
};

struct fault_set {
    pthread_mutex_t lock;
    struct fault_point *points;
    struct fault_irq *irqs;
    struct fault_rule *rules;   /* in id order */
    unsigned next_id;
};

struct fault_set *fault_set_new(void)
{
    struct fault_set *set = calloc(1, sizeof(*set));
    if (!set)
        return NULL;
    pthread_mutex_init(&set->lock, NULL);
    set->next_id = 1;
    return set;
}

void fault_set_free(struct fault_set *set)
{
    if (!set)
        return;
    while (set->rules) {
        struct fault_rule *r = set->rules;
        set->rules = r->next;
        free(r);
    }
    while (set->points) {
        struct fault_point *p = set->points;
        set->points = p->next;
        free(p);
    }
    while (set->irqs) {
        struct fault_irq *q = set->irqs;
        set->irqs = q->next;
        free(q);
    }
    pthread_mutex_destroy(&set->lock);
    free(set);
}

/* ---- points ---- */

static struct fault_point *point_find(struct fault_set *set, enum fault_target kind,
                                      const char *name)
{
    for (struct fault_point *p = set->points; p; p = p->next)
        if (p->kind == kind && !strcmp(p->name, name))
            return p;
    return NULL;
}

/* Lock held. */
static struct fault_point *point_add_locked(struct fault_set *set, enum fault_target kind,
                                            const char *name, int spi)
{
    struct fault_point *p = point_find(set, kind, name);
    if (p) {
        if (p->spi != spi)
            p->ambiguous = true;
        return p;
    }
    if (strlen(name) >= FAULT_NAME_MAX || !(p = calloc(1, sizeof(*p))))
        return NULL;
    p->set = set;
    p->kind = kind;
    strcpy(p->name, name);
    p->spi = spi;
    p->next = set->points;
    set->points = p;
    return p;
}

struct fault_point *fault_point_add(struct fault_set *set, enum fault_target kind,
                                    const char *name, int spi)
{
    if (!set || !name)
        return NULL;
    pthread_mutex_lock(&set->lock);
    struct fault_point *p = point_add_locked(set, kind, name, spi);
    pthread_mutex_unlock(&set->lock);
    return p;
}

static bool point_live(struct fault_point *p)
{
    return p && __atomic_load_n(&p->nrules, __ATOMIC_ACQUIRE) != 0;
}

bool fault_point_active(struct fault_point *p)
{
    return point_live(p);
}

void fault_sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* ---- interrupts ---- */

static bool rule_on_spi(const struct fault_rule *r, unsigned spi)
{
    return r->action == FAULT_ACT_IRQ_STUCK_LOW && r->point && r->point->spi == (int)spi;
}

/* Passes the level the line should have now on. Lock held. */
static void irq_drive(struct fault_irq *q)
{
    int want = q->dev_level && !q->swallowed;
    q->out_level = want;
    irq_set(&q->out, want);
}

static void fault_irq_set(void *sink, unsigned n, int level)
{
    struct fault_irq *q = sink;
    struct fault_set *set = q->set;
    if (n != q->out.n) {
        /* A device with several lines on one irq_line (the GICv2m frame):
         * only its own SPI is subject to rules. */
        q->out.set(q->out.sink, n, level);
        return;
    }
    level = level != 0;
    pthread_mutex_lock(&set->lock);
    bool rising = level && !q->dev_level;
    q->dev_level = level;
    if (!level) {
        q->swallowed = false;
    } else if (rising) {
        /* Every rule on the line counts the assertion. */
        for (struct fault_rule *r = set->rules; r; r = r->next)
            if (rule_on_spi(r, q->out.n) && fault_rule_trigger(r))
                q->swallowed = true;
    }
    irq_drive(q);
    pthread_mutex_unlock(&set->lock);
}

struct irq_line fault_irq_line(struct fault_set *set, const char *name, uint64_t base,
                               struct irq_line line)
{
    if (!set || !line.set)
        return line;
    struct fault_irq *q = calloc(1, sizeof(*q));
    if (!q)
        return line;
    char at[FAULT_NAME_MAX + 24];
    snprintf(at, sizeof(at), "%s@0x%" PRIx64, name, base);
    pthread_mutex_lock(&set->lock);
    q->set = set;
    q->out = line;
    q->next = set->irqs;
    set->irqs = q;
    point_add_locked(set, FAULT_TARGET_DEVICE, name, (int)line.n);
    point_add_locked(set, FAULT_TARGET_DEVICE, at, (int)line.n);
    pthread_mutex_unlock(&set->lock);
    return (struct irq_line){fault_irq_set, q, line.n};
}

/* After rules on `spi` changed: an assertion held low only by rules that
 * are gone (or used up) goes through; a new always-rule silences one in
 * progress. Lock held. */
static void irq_recheck(struct fault_set *set, unsigned spi, bool silence)
{
    for (struct fault_irq *q = set->irqs; q; q = q->next) {
        if (q->out.n != spi)
            continue;
        bool held = false;
        for (struct fault_rule *r = set->rules; r; r = r->next)
            held |= rule_on_spi(r, spi) && fault_rule_always(r);
        if (silence && held && q->dev_level)
            q->swallowed = true;
        else if (!silence && q->swallowed && !held)
            q->swallowed = false;
        else
            continue;
        irq_drive(q);
    }
}

/* ---- rules ---- */

bool fault_rule_check(const char *rule, char *err, size_t errlen)
{
    struct fault_rule r;
    return fault_rule_parse(rule, &r, err, errlen);
}

/* Why a rule's target is not there. */
static void target_missing(const struct fault_rule *r, char *err, size_t errlen)
{
    switch (r->kind) {
    case FAULT_TARGET_DRIVE:
        snprintf(err, errlen, "no virtio-blk disk on a drive with id '%s'", r->name);
        break;
    case FAULT_TARGET_NETDEV:
        snprintf(err, errlen, "no virtio-net device on a netdev with id '%s'", r->name);
        break;
    case FAULT_TARGET_UART:
        snprintf(err, errlen, "no uart=%s (the board has one UART, uart=0)", r->name);
        break;
    default:
        snprintf(err, errlen, "no device '%s' with an interrupt (uart, rtc, gpio, or "
                              "virtio-mmio@0xBASE for a transport)", r->name);
        break;
    }
}

unsigned fault_add(struct fault_set *set, const char *rule, char *err, size_t errlen)
{
    struct fault_rule *r = malloc(sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    if (!fault_rule_parse(rule, r, err, errlen)) {
        free(r);
        return 0;
    }
    pthread_mutex_lock(&set->lock);
    struct fault_point *p = point_find(set, r->kind, r->name);
    if (!p || p->ambiguous) {
        pthread_mutex_unlock(&set->lock);
        if (!p)
            target_missing(r, err, errlen);
        else
            snprintf(err, errlen, "several devices are named '%s': add @0xBASE "
                                  "(e.g. %s@0xa003e00)", r->name, r->name);
        free(r);
        return 0;
    }
    if (r->action == FAULT_ACT_IRQ_STUCK_LOW && p->spi < 0) {
        pthread_mutex_unlock(&set->lock);
        snprintf(err, errlen, "%s has no interrupt", r->name);
        free(r);
        return 0;
    }
    r->point = p;
    r->id = set->next_id++;
    struct fault_rule **tail = &set->rules;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    __atomic_add_fetch(&p->nrules, 1, __ATOMIC_RELEASE);
    if (r->action == FAULT_ACT_IRQ_STUCK_LOW)
        irq_recheck(set, (unsigned)p->spi, true);
    unsigned id = r->id;
    pthread_mutex_unlock(&set->lock);
    return id;
}

bool fault_remove(struct fault_set *set, unsigned id)
{
    pthread_mutex_lock(&set->lock);
    struct fault_rule **link = &set->rules;
    while (*link && (*link)->id != id)
        link = &(*link)->next;
    struct fault_rule *r = *link;
    if (r) {
        *link = r->next;
        __atomic_sub_fetch(&r->point->nrules, 1, __ATOMIC_RELEASE);
        if (r->action == FAULT_ACT_IRQ_STUCK_LOW)
            irq_recheck(set, (unsigned)r->point->spi, false);
    }
    pthread_mutex_unlock(&set->lock);
    free(r);
    return r != NULL;
}

void fault_list(struct fault_set *set, char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    pthread_mutex_lock(&set->lock);
    for (struct fault_rule *r = set->rules; r && used + 1 < len; r = r->next) {
        char text[256];
        fault_rule_format(r, text, sizeof(text));
        int n = snprintf(buf + used, len - used, "%s%u:%s", used ? " " : "", r->id, text);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    pthread_mutex_unlock(&set->lock);
}

bool fault_stat(struct fault_set *set, unsigned id, uint64_t *seen, uint64_t *fired)
{
    pthread_mutex_lock(&set->lock);
    struct fault_rule *r = set->rules;
    while (r && r->id != id)
        r = r->next;
    if (r) {
        *seen = r->seen;
        *fired = r->fired;
    }
    pthread_mutex_unlock(&set->lock);
    return r != NULL;
}

/* ---- virtio-blk ---- */

bool fault_blk_request(struct fault_point *p, enum fault_blk_op op, uint64_t sector,
                       uint64_t nsec, struct fault_blk *out)
{
    memset(out, 0, sizeof(*out));
    if (!point_live(p))
        return false;
    bool any = false;
    pthread_mutex_lock(&p->set->lock);
    for (struct fault_rule *r = p->set->rules; r; r = r->next) {
        if (r->point != p || r->action != FAULT_ACT_BLK || !(r->op_mask & FAULT_OP_BIT(op)))
            continue;
        /* A ranged rule matches requests touching the range; a flush
         * touches no sector. */
        if (r->has_range && (!nsec || sector > r->last || sector + (nsec - 1) < r->first))
            continue;
        if (r->torn && nsec <= r->torn_sectors)
            continue;   /* nothing to tear */
        if (!fault_rule_trigger(r))
            continue;
        any = true;
        out->delay_ns += r->delay_ns;
        if (out->error || out->torn)
            continue;   /* the first rule's failure stands */
        if (r->error) {
            out->error = r->error;
            out->rule = r->id;
        } else if (r->torn) {
            out->torn = true;
            out->power_off = r->power_off;
            out->torn_sectors = r->torn_sectors;
            out->rule = r->id;
        }
    }
    pthread_mutex_unlock(&p->set->lock);
    return any;
}

void fault_power_loss(struct fault_point *p, const struct fault_blk *f, uint64_t sector,
                      uint64_t nsec)
{
    chardev_restore_terminals();
    fprintf(stderr,
            "armvirt: fault %u: power lost during a write of %" PRIu64 " sectors at sector %" PRIu64
            " to drive %s; the first %" PRIu64 " reached the disk\n",
            f->rule, nsec, sector, p ? p->name : "?", f->torn_sectors);
    fflush(stderr);
    fflush(stdout);
    _exit(0);
}

/* ---- PL011 ---- */

enum fault_uart_error fault_uart_rx(struct fault_point *p)
{
    if (!point_live(p))
        return FAULT_UART_NONE;
    enum fault_uart_error e = FAULT_UART_NONE;
    pthread_mutex_lock(&p->set->lock);
    for (struct fault_rule *r = p->set->rules; r; r = r->next)
        if (r->point == p && r->action == FAULT_ACT_UART && fault_rule_trigger(r) &&
            e == FAULT_UART_NONE)
            e = r->uart_error;
    pthread_mutex_unlock(&p->set->lock);
    return e;
}

/* ---- virtio-net ---- */

enum fault_net_action fault_net_packet(struct fault_point *p, bool tx, uint8_t *frame,
                                       size_t len, uint64_t *delay_ns)
{
    *delay_ns = 0;
    if (!point_live(p))
        return FAULT_NET_PASS;
    enum fault_net_action act = FAULT_NET_PASS;
    unsigned dir = tx ? FAULT_DIR_TX : FAULT_DIR_RX;
    pthread_mutex_lock(&p->set->lock);
    for (struct fault_rule *r = p->set->rules; r; r = r->next) {
        if (r->point != p || !(r->dir_mask & dir) || r->action == FAULT_ACT_IRQ_STUCK_LOW ||
            !fault_rule_trigger(r))
            continue;
        switch (r->action) {
        case FAULT_ACT_NET_DROP:
            act = FAULT_NET_DROP;
            break;
        case FAULT_ACT_NET_DUPLICATE:
            if (act == FAULT_NET_PASS)
                act = FAULT_NET_DUPLICATE;
            break;
        case FAULT_ACT_NET_CORRUPT:
            if (len) {
                uint64_t bit = fault_rule_random(r) % ((uint64_t)len * 8);
                frame[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
            break;
        case FAULT_ACT_NET_DELAY:
            *delay_ns += r->delay_ns;
            break;
        default:
            break;
        }
    }
    pthread_mutex_unlock(&p->set->lock);
    return act;
}
