/*
 * A parsed fault rule: what it names, what it does, when it fires, and its
 * counters. Shared by the parser (fault_rule.c) and the set (fault.c);
 * nothing outside src/fault sees it.
 */
#ifndef ARMVIRT_FAULT_RULE_H
#define ARMVIRT_FAULT_RULE_H

#include "fault/fault.h"

#define FAULT_NAME_MAX 64

/* What a rule does when it fires. */
enum fault_action {
    FAULT_ACT_BLK,          /* error / delay / torn write, see the blk fields */
    FAULT_ACT_NET_DROP,
    FAULT_ACT_NET_DUPLICATE,
    FAULT_ACT_NET_CORRUPT,
    FAULT_ACT_NET_DELAY,
    FAULT_ACT_UART,         /* uart_error */
    FAULT_ACT_IRQ_STUCK_LOW,
};

/* op= and dir= as bit masks. */
#define FAULT_OP_BIT(op) (1u << (op))
#define FAULT_DIR_RX 1u
#define FAULT_DIR_TX 2u

struct fault_rule {
    unsigned id;
    enum fault_target kind;
    char name[FAULT_NAME_MAX];
    enum fault_action action;

    /* drive= */
    unsigned op_mask;             /* FAULT_OP_BIT(enum fault_blk_op) */
    bool has_range;
    uint64_t first, last;         /* sectors=FIRST-LAST, inclusive */
    enum fault_blk_error error;
    uint64_t delay_ns;            /* drive= and netdev=,delay= */
    bool torn, power_off;
    uint64_t torn_sectors;

    /* netdev= */
    unsigned dir_mask;

    /* uart= */
    enum fault_uart_error uart_error;

    /* When: event n (1-based, counting only matching events) fires if
     * n > after, (n - after) is a multiple of every (or the seeded draw
     * is below percent), and fewer than count faults were injected. */
    uint64_t after, every, count; /* count 0: no limit */
    bool has_percent, has_seed;
    unsigned percent;
    uint64_t seed;

    /* State, under the set's lock. */
    uint64_t seen, fired, rng;
    struct fault_point *point;
    struct fault_rule *next;
};

/* Parses `text` into *r (counters zeroed, not bound). False with a
 * one-line reason in err. */
bool fault_rule_parse(const char *text, struct fault_rule *r, char *err, size_t errlen);
/* The rule's canonical spelling (what fault_list shows). */
void fault_rule_format(const struct fault_rule *r, char *buf, size_t len);
/* Counts one matching event; true if the rule fires on it. */
bool fault_rule_trigger(struct fault_rule *r);
/* The rule's seeded generator: the next 64-bit value. */
uint64_t fault_rule_random(struct fault_rule *r);
/* A rule that fires on every matching event from the first on. */
bool fault_rule_always(const struct fault_rule *r);

#endif
