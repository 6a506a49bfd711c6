/*
 * Fault rules: parsing, canonical spelling and the firing decision. The
 * syntax is QEMU's option style, comma-separated key=value items and bare
 * flags in any order (README.md, "Fault injection"):
 *
 *   target   drive=ID | netdev=ID | uart=N | device=NAME      (exactly one)
 *   drive    op=read|write|flush|any  sectors=N[-M]  error=eio|unsupp
 *            delay=MS  torn-write=K [then=eio|poweroff]
 *   netdev   dir=rx|tx|any  and one of drop, duplicate, corrupt, delay=MS
 *   uart     one of framing, parity, break, overrun
 *   any      irq=stuck-low (alone: the device's interrupt output stays low)
 *   when     always | after=N | every=N | percent=P,seed=S   count=N
 */
#include "fault/fault_rule.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DELAY_MS 600000u   /* ten minutes: anything longer is a typo */

__attribute__((format(printf, 3, 4))) static bool bad(char *err, size_t errlen,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool parse_num(const char *s, uint64_t *v)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return !errno && !*end;
}

/* Keys, in the order the canonical spelling lists them. */
enum key {
    K_DRIVE, K_NETDEV, K_UART, K_DEVICE,
    K_OP, K_SECTORS, K_DIR,
    K_ERROR, K_DELAY, K_TORN, K_THEN, K_DROP, K_DUPLICATE, K_CORRUPT,
    K_FRAMING, K_PARITY, K_BREAK, K_OVERRUN, K_IRQ,
    K_ALWAYS, K_AFTER, K_EVERY, K_PERCENT, K_SEED, K_COUNT,
    K_COUNT_OF_KEYS
};

/* Name, whether it takes a value, and which targets may use it (bit per
 * enum fault_target; 0 = any). */
static const struct {
    const char *name;
    bool value;
    unsigned targets;
} keys[K_COUNT_OF_KEYS] = {
    [K_DRIVE] = {"drive", true, 0},
    [K_NETDEV] = {"netdev", true, 0},
    [K_UART] = {"uart", true, 0},
    [K_DEVICE] = {"device", true, 0},
    [K_OP] = {"op", true, 1u << FAULT_TARGET_DRIVE},
    [K_SECTORS] = {"sectors", true, 1u << FAULT_TARGET_DRIVE},
    [K_DIR] = {"dir", true, 1u << FAULT_TARGET_NETDEV},
    [K_ERROR] = {"error", true, 1u << FAULT_TARGET_DRIVE},
    [K_DELAY] = {"delay", true, 1u << FAULT_TARGET_DRIVE | 1u << FAULT_TARGET_NETDEV},
    [K_TORN] = {"torn-write", true, 1u << FAULT_TARGET_DRIVE},
    [K_THEN] = {"then", true, 1u << FAULT_TARGET_DRIVE},
    [K_DROP] = {"drop", false, 1u << FAULT_TARGET_NETDEV},
    [K_DUPLICATE] = {"duplicate", false, 1u << FAULT_TARGET_NETDEV},
    [K_CORRUPT] = {"corrupt", false, 1u << FAULT_TARGET_NETDEV},
    [K_FRAMING] = {"framing", false, 1u << FAULT_TARGET_UART},
    [K_PARITY] = {"parity", false, 1u << FAULT_TARGET_UART},
    [K_BREAK] = {"break", false, 1u << FAULT_TARGET_UART},
    [K_OVERRUN] = {"overrun", false, 1u << FAULT_TARGET_UART},
    [K_IRQ] = {"irq", true, 0},
    [K_ALWAYS] = {"always", false, 0},
    [K_AFTER] = {"after", true, 0},
    [K_EVERY] = {"every", true, 0},
    [K_PERCENT] = {"percent", true, 0},
    [K_SEED] = {"seed", true, 0},
    [K_COUNT] = {"count", true, 0},
};

static const char *const target_key[] = {
    [FAULT_TARGET_DRIVE] = "drive",
    [FAULT_TARGET_NETDEV] = "netdev",
    [FAULT_TARGET_UART] = "uart",
    [FAULT_TARGET_DEVICE] = "device",
};

static bool parse_ms(const char *v, uint64_t *ns, char *err, size_t errlen)
{
    uint64_t ms;
    if (!parse_num(v, &ms) || ms > MAX_DELAY_MS)
        return bad(err, errlen, "delay=%s: expected milliseconds, 0 to %u", v, MAX_DELAY_MS);
    *ns = ms * 1000000u;
    return true;
}

static bool parse_sectors(struct fault_rule *r, const char *v, char *err, size_t errlen)
{
    char buf[64];
    if (strlen(v) >= sizeof(buf))
        return bad(err, errlen, "sectors=%s: expected FIRST or FIRST-LAST", v);
    strcpy(buf, v);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    if (!parse_num(buf, &r->first) || (dash && !parse_num(dash + 1, &r->last)))
        return bad(err, errlen, "sectors=%s: expected FIRST or FIRST-LAST", v);
    if (!dash)
        r->last = r->first;
    if (r->last < r->first)
        return bad(err, errlen, "sectors=%s: the range ends before it starts", v);
    r->has_range = true;
    return true;
}

/* Applies one key=value item (flags are read from `seen` later). */
static bool parse_item(struct fault_rule *r, enum key k, const char *v, char *err, size_t errlen)
{
    uint64_t n;
    switch (k) {
    case K_DRIVE:
    case K_NETDEV:
    case K_UART:
    case K_DEVICE:
        if (!*v || strlen(v) >= FAULT_NAME_MAX || strpbrk(v, " :"))
            return bad(err, errlen, "%s=%s: expected a name (no spaces or ':')", keys[k].name, v);
        if (k == K_UART && !parse_num(v, &n))
            return bad(err, errlen, "uart=%s: expected the UART's number (0)", v);
        r->kind = k == K_DRIVE    ? FAULT_TARGET_DRIVE
                  : k == K_NETDEV ? FAULT_TARGET_NETDEV
                  : k == K_UART   ? FAULT_TARGET_UART
                                  : FAULT_TARGET_DEVICE;
        if (k == K_UART)
            snprintf(r->name, sizeof(r->name), "%" PRIu64, n);
        else
            strcpy(r->name, v);
        return true;
    case K_OP:
        if (!strcmp(v, "read"))
            r->op_mask = FAULT_OP_BIT(FAULT_BLK_READ);
        else if (!strcmp(v, "write"))
            r->op_mask = FAULT_OP_BIT(FAULT_BLK_WRITE) | FAULT_OP_BIT(FAULT_BLK_ZERO);
        else if (!strcmp(v, "flush"))
            r->op_mask = FAULT_OP_BIT(FAULT_BLK_FLUSH);
        else if (strcmp(v, "any"))
            return bad(err, errlen, "op=%s: expected read, write, flush or any", v);
        return true;
    case K_SECTORS:
        return parse_sectors(r, v, err, errlen);
    case K_DIR:
        if (!strcmp(v, "rx"))
            r->dir_mask = FAULT_DIR_RX;
        else if (!strcmp(v, "tx"))
            r->dir_mask = FAULT_DIR_TX;
        else if (strcmp(v, "any"))
            return bad(err, errlen, "dir=%s: expected rx, tx or any", v);
        return true;
    case K_ERROR:
        if (!strcmp(v, "eio"))
            r->error = FAULT_BLK_EIO;
        else if (!strcmp(v, "unsupp"))
            r->error = FAULT_BLK_UNSUPP;
        else
            return bad(err, errlen, "error=%s: expected eio or unsupp", v);
        return true;
    case K_DELAY:
        return parse_ms(v, &r->delay_ns, err, errlen);
    case K_TORN:
        if (!parse_num(v, &r->torn_sectors))
            return bad(err, errlen, "torn-write=%s: expected the number of sectors written", v);
        r->torn = true;
        return true;
    case K_THEN:
        if (!strcmp(v, "poweroff"))
            r->power_off = true;
        else if (strcmp(v, "eio"))
            return bad(err, errlen, "then=%s: expected eio or poweroff", v);
        return true;
    case K_IRQ:
        if (strcmp(v, "stuck-low"))
            return bad(err, errlen, "irq=%s: expected stuck-low", v);
        return true;
    case K_AFTER:
    case K_EVERY:
    case K_COUNT:
    case K_SEED:
        if (!parse_num(v, &n))
            return bad(err, errlen, "%s=%s: expected a number", keys[k].name, v);
        if ((k == K_EVERY || k == K_COUNT) && n == 0)
            return bad(err, errlen, "%s=0: expected 1 or more", keys[k].name);
        if (k == K_AFTER)
            r->after = n;
        else if (k == K_EVERY)
            r->every = n;
        else if (k == K_COUNT)
            r->count = n;
        else
            r->seed = n;
        return true;
    case K_PERCENT:
        if (!parse_num(v, &n) || n > 100)
            return bad(err, errlen, "percent=%s: expected 0 to 100", v);
        r->percent = (unsigned)n;
        return true;
    default:
        return true;   /* the flags are read from `seen` by the caller */
    }
}

/* Whole-rule checks once every item is in. */
static bool parse_finish(struct fault_rule *r, const bool *seen, char *err, size_t errlen)
{
    if (!seen[K_DRIVE] && !seen[K_NETDEV] && !seen[K_UART] && !seen[K_DEVICE])
        return bad(err, errlen, "a rule names its device first: drive=ID, netdev=ID, uart=N "
                                "or device=NAME");
    for (int k = 0; k < K_COUNT_OF_KEYS; k++)
        if (seen[k] && keys[k].targets && !(keys[k].targets & (1u << r->kind)))
            return bad(err, errlen, "'%s' does not apply to %s= rules", keys[k].name,
                       target_key[r->kind]);
    if (seen[K_ALWAYS] && (seen[K_AFTER] || seen[K_EVERY] || seen[K_PERCENT]))
        return bad(err, errlen, "'always' excludes after=, every= and percent=");
    if (seen[K_EVERY] && seen[K_PERCENT])
        return bad(err, errlen, "every= and percent= exclude each other");
    r->has_percent = seen[K_PERCENT];
    r->has_seed = seen[K_SEED];

    unsigned actions = 0;
    if (seen[K_IRQ]) {
        for (int k = K_OP; k < K_IRQ; k++)
            if (seen[k])
                return bad(err, errlen, "irq=stuck-low is a rule of its own ('%s' with it)",
                           keys[k].name);
        r->action = FAULT_ACT_IRQ_STUCK_LOW;
        return true;
    }
    switch (r->kind) {
    case FAULT_TARGET_DRIVE:
        r->action = FAULT_ACT_BLK;
        if (!r->op_mask)
            r->op_mask = FAULT_OP_BIT(FAULT_BLK_READ) | FAULT_OP_BIT(FAULT_BLK_WRITE) |
                         FAULT_OP_BIT(FAULT_BLK_ZERO) | FAULT_OP_BIT(FAULT_BLK_FLUSH);
        if (seen[K_THEN] && !r->torn)
            return bad(err, errlen, "then= goes with torn-write=");
        if (r->torn) {
            if (seen[K_ERROR])
                return bad(err, errlen, "torn-write= and error= exclude each other "
                                        "(a torn write fails with then=eio)");
            if (seen[K_OP] && r->op_mask != (FAULT_OP_BIT(FAULT_BLK_WRITE) |
                                             FAULT_OP_BIT(FAULT_BLK_ZERO)))
                return bad(err, errlen, "torn-write= tears writes: op= must be write");
            r->op_mask = FAULT_OP_BIT(FAULT_BLK_WRITE);
            /* "The next matching write", unless the rule says otherwise. */
            if (!seen[K_COUNT])
                r->count = 1;
        } else if (!seen[K_ERROR] && !seen[K_DELAY]) {
            r->error = FAULT_BLK_EIO;
        }
        break;
    case FAULT_TARGET_NETDEV:
        if (!r->dir_mask)
            r->dir_mask = FAULT_DIR_RX | FAULT_DIR_TX;
        actions = seen[K_DROP] + seen[K_DUPLICATE] + seen[K_CORRUPT] + seen[K_DELAY];
        if (actions != 1)
            return bad(err, errlen, "a netdev= rule does one of drop, duplicate, corrupt, "
                                    "delay=MS or irq=stuck-low");
        r->action = seen[K_DROP]        ? FAULT_ACT_NET_DROP
                    : seen[K_DUPLICATE] ? FAULT_ACT_NET_DUPLICATE
                    : seen[K_CORRUPT]   ? FAULT_ACT_NET_CORRUPT
                                        : FAULT_ACT_NET_DELAY;
        break;
    case FAULT_TARGET_UART:
        actions = seen[K_FRAMING] + seen[K_PARITY] + seen[K_BREAK] + seen[K_OVERRUN];
        if (actions != 1)
            return bad(err, errlen, "a uart= rule does one of framing, parity, break, overrun "
                                    "or irq=stuck-low");
        r->action = FAULT_ACT_UART;
        r->uart_error = seen[K_FRAMING]  ? FAULT_UART_FRAMING
                        : seen[K_PARITY] ? FAULT_UART_PARITY
                        : seen[K_BREAK]  ? FAULT_UART_BREAK
                                         : FAULT_UART_OVERRUN;
        break;
    case FAULT_TARGET_DEVICE:
        return bad(err, errlen, "a device= rule does irq=stuck-low");
    }
    if (seen[K_SEED] && !r->has_percent && r->action != FAULT_ACT_NET_CORRUPT)
        return bad(err, errlen, "seed= goes with percent= or corrupt");
    return true;
}

bool fault_rule_parse(const char *text, struct fault_rule *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    bool seen[K_COUNT_OF_KEYS] = {0};
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy)
        return bad(err, errlen, "out of memory");
    memcpy(copy, text, len + 1);
    bool ok = true, target = false;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && ok;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        int k = 0;
        while (k < K_COUNT_OF_KEYS && strcmp(keys[k].name, item))
            k++;
        if (k == K_COUNT_OF_KEYS) {
            ok = bad(err, errlen, "unknown key '%s'", item);
        } else if (keys[k].value && !eq) {
            ok = bad(err, errlen, "'%s' needs a value (%s=...)", item, item);
        } else if (!keys[k].value && eq) {
            ok = bad(err, errlen, "'%s' takes no value", item);
        } else if (seen[k]) {
            ok = bad(err, errlen, "'%s' given twice", item);
        } else if (k <= K_DEVICE && target) {
            ok = bad(err, errlen, "one device per rule ('%s' after another)", item);
        } else {
            seen[k] = true;
            target |= k <= K_DEVICE;
            ok = parse_item(r, (enum key)k, eq ? eq + 1 : "", err, errlen);
        }
    }
    if (ok && !len)
        ok = bad(err, errlen, "empty rule");
    free(copy);
    if (!ok)
        return false;
    if (!parse_finish(r, seen, err, errlen))
        return false;
    r->rng = r->seed;
    return true;
}

/* ---- canonical spelling ---- */

struct out {
    char *p;
    size_t left;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    if (!o->left)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p, o->left, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t adv = (size_t)n < o->left ? (size_t)n : o->left - 1;
    o->p += adv;
    o->left -= adv;
}

void fault_rule_format(const struct fault_rule *r, char *buf, size_t len)
{
    struct out o = {buf, len};
    if (len)
        buf[0] = '\0';
    put(&o, "%s=%s", target_key[r->kind], r->name);
    if (r->action == FAULT_ACT_IRQ_STUCK_LOW) {
        put(&o, ",irq=stuck-low");
    } else if (r->action == FAULT_ACT_BLK) {
        static const struct {
            unsigned mask;
            const char *name;
        } ops[] = {
            {FAULT_OP_BIT(FAULT_BLK_READ), "read"},
            {FAULT_OP_BIT(FAULT_BLK_WRITE) | FAULT_OP_BIT(FAULT_BLK_ZERO), "write"},
            {FAULT_OP_BIT(FAULT_BLK_FLUSH), "flush"},
        };
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
            if (r->op_mask == ops[i].mask)
                put(&o, ",op=%s", ops[i].name);
        if (r->has_range && r->first == r->last)
            put(&o, ",sectors=%" PRIu64, r->first);
        else if (r->has_range)
            put(&o, ",sectors=%" PRIu64 "-%" PRIu64, r->first, r->last);
        if (r->error)
            put(&o, ",error=%s", r->error == FAULT_BLK_EIO ? "eio" : "unsupp");
        if (r->delay_ns)
            put(&o, ",delay=%" PRIu64, r->delay_ns / 1000000u);
        if (r->torn)
            put(&o, ",torn-write=%" PRIu64 ",then=%s", r->torn_sectors,
                r->power_off ? "poweroff" : "eio");
    } else if (r->kind == FAULT_TARGET_NETDEV) {
        if (r->dir_mask != (FAULT_DIR_RX | FAULT_DIR_TX))
            put(&o, ",dir=%s", r->dir_mask == FAULT_DIR_RX ? "rx" : "tx");
        switch (r->action) {
        case FAULT_ACT_NET_DROP: put(&o, ",drop"); break;
        case FAULT_ACT_NET_DUPLICATE: put(&o, ",duplicate"); break;
        case FAULT_ACT_NET_CORRUPT: put(&o, ",corrupt"); break;
        default: put(&o, ",delay=%" PRIu64, r->delay_ns / 1000000u); break;
        }
    } else if (r->action == FAULT_ACT_UART) {
        static const char *const names[] = {
            [FAULT_UART_FRAMING] = "framing", [FAULT_UART_PARITY] = "parity",
            [FAULT_UART_BREAK] = "break", [FAULT_UART_OVERRUN] = "overrun",
        };
        put(&o, ",%s", names[r->uart_error]);
    }
    if (r->after)
        put(&o, ",after=%" PRIu64, r->after);
    if (r->every > 1)
        put(&o, ",every=%" PRIu64, r->every);
    if (r->has_percent)
        put(&o, ",percent=%u", r->percent);
    if (r->has_seed)
        put(&o, ",seed=%" PRIu64, r->seed);
    if (r->count)
        put(&o, ",count=%" PRIu64, r->count);
}

/* ---- firing ---- */

/* splitmix64: small, and the same sequence on every host. */
uint64_t fault_rule_random(struct fault_rule *r)
{
    uint64_t z = (r->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool fault_rule_always(const struct fault_rule *r)
{
    return !r->after && r->every <= 1 && !r->has_percent && (!r->count || r->fired < r->count);
}

bool fault_rule_trigger(struct fault_rule *r)
{
    uint64_t n = ++r->seen;
    if (r->count && r->fired >= r->count)
        return false;
    if (n <= r->after)
        return false;
    bool fire;
    if (r->has_percent)
        fire = fault_rule_random(r) % 100 < r->percent;
    else
        fire = r->every <= 1 || (n - r->after) % r->every == 0;
    if (fire)
        r->fired++;
    return fire;
}
