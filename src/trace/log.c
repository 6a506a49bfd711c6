/*
 * The log: categories, the file it goes to and the address filter (log.h).
 */
#include "trace/log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned log_mask;

static FILE *log_file;  /* NULL: stderr */
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;

struct log_range {
    uint64_t first, last;  /* inclusive */
};
#define LOG_MAX_RANGES 32
static struct log_range ranges[LOG_MAX_RANGES];
static unsigned n_ranges;

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    {"in_asm", LOG_IN_ASM, "show target assembly code for each compiled TB"},
    {"int", LOG_INT, "show interrupts/exceptions in short format"},
    {"exec", LOG_EXEC, "show trace before each executed TB (lots of logs)"},
    {"cpu", LOG_CPU, "show CPU registers before entering a TB (lots of logs)"},
    {"mmu", LOG_MMU, "log MMU-related activities"},
    {"guest_errors", LOG_GUEST_ERROR, "log when the guest OS does something invalid"},
    {"unimp", LOG_UNIMP, "log unimplemented functionality"},
    {"nochain", LOG_NOCHAIN, "do not chain compiled TBs (accepted; see exec)"},
};

bool log_parse_items(const char *spec, bool *help, char *err, size_t errlen)
{
    unsigned mask = 0;
    *help = false;
    char *copy = strdup(spec);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = true;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && ok;
         item = strtok_r(NULL, ",", &save)) {
        if (!strcmp(item, "help")) {
            *help = true;
            printf("Log items (comma separated):\n");
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
                printf("%-15s %s\n", log_items[i].name, log_items[i].help);
            printf("%-15s %s\n", "trace:pl011*", "trace device register accesses");
            continue;
        }
        /* QEMU's trace-event patterns: only device register traces exist. */
        if (!strncmp(item, "trace:", 6)) {
            mask |= LOG_DEV_TRACE;
            continue;
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(log_items); i++)
            if (!strcmp(item, log_items[i].name))
                break;
        if (i == ARRAY_SIZE(log_items)) {
            snprintf(err, errlen, "-d %s: unknown log item '%s' (see -d help)", spec, item);
            ok = false;
        } else {
            mask |= log_items[i].mask;
        }
    }
    free(copy);
    if (ok)
        log_mask = mask;
    return ok;
}

bool log_open_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "-D %s: cannot open: %s", path, strerror(errno));
        return false;
    }
    if (log_file)
        fclose(log_file);
    log_file = f;
    return true;
}

/* The log is buffered (exec traces are long); exit() flushes it, and so does this. */
void log_close(void)
{
    pthread_mutex_lock(&log_mutex);
    if (log_file)
        fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_mutex);
}

static bool parse_u64(const char *s, const char **end, uint64_t *v)
{
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 0);
    if (errno || e == s || *s == '-')
        return false;
    *v = x;
    *end = e;
    return true;
}

/* One range: ADDR+SIZE, ADDR-SIZE (the SIZE bytes ending at ADDR) or ADDR..END. */
static bool parse_range(const char *s, struct log_range *r)
{
    uint64_t a, b;
    const char *p;
    if (!parse_u64(s, &p, &a))
        return false;
    if (!strncmp(p, "..", 2)) {
        if (!parse_u64(p + 2, &p, &b) || *p || b < a)
            return false;
        r->first = a;
        r->last = b;
        return true;
    }
    if (*p != '+' && *p != '-')
        return false;
    char op = *p;
    if (!parse_u64(p + 1, &p, &b) || *p || b == 0)
        return false;
    if (op == '+') {
        if (a + (b - 1) < a)
            return false;
        r->first = a;
        r->last = a + (b - 1);
    } else {
        if (b - 1 > a)
            return false;
        r->first = a - (b - 1);
        r->last = a;
    }
    return true;
}

bool log_parse_dfilter(const char *spec, char *err, size_t errlen)
{
    char *copy = strdup(spec);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    unsigned n = 0;
    bool ok = true;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item && ok;
         item = strtok_r(NULL, ",", &save)) {
        if (n == LOG_MAX_RANGES) {
            snprintf(err, errlen, "-dfilter: at most %d ranges", LOG_MAX_RANGES);
            ok = false;
        } else if (!parse_range(item, &ranges[n])) {
            snprintf(err, errlen,
                     "-dfilter %s: bad range '%s' (expected ADDR+SIZE, ADDR-SIZE or ADDR..END)",
                     spec, item);
            ok = false;
        } else {
            n++;
        }
    }
    if (ok && n == 0) {
        snprintf(err, errlen, "-dfilter: no range given");
        ok = false;
    }
    free(copy);
    n_ranges = ok ? n : 0;
    return ok;
}

bool log_in_filter(uint64_t addr, uint64_t size)
{
    if (n_ranges == 0)
        return true;
    uint64_t last = addr + (size ? size - 1 : 0);
    for (unsigned i = 0; i < n_ranges; i++)
        if (addr <= ranges[i].last && last >= ranges[i].first)
            return true;
    return false;
}

void log_lock(void)
{
    pthread_mutex_lock(&log_mutex);
}

void log_unlock(void)
{
    pthread_mutex_unlock(&log_mutex);
}

void log_printf_locked(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_mutex);
    FILE *f = log_file ? log_file : stderr;
    vfprintf(f, fmt, ap);
    pthread_mutex_unlock(&log_mutex);
    va_end(ap);
}
