/*
 * The qtest protocol server (see qtest.h). One request per line, words split
 * on spaces, numbers in C syntax (0x.., decimal, octal) as QEMU parses them.
 * Replies, exactly as QEMU 7.2 words them:
 *
 *   readb|readw|readl|readq ADDR      OK 0x<16 hex digits>
 *   writeb|writew|writel|writeq ADDR V OK
 *   read ADDR SIZE                     OK 0x<2*SIZE hex digits, memory order>
 *   write ADDR SIZE 0xDATA             OK   (short DATA is zero-filled)
 *   b64read ADDR SIZE                  OK <base64>
 *   b64write ADDR SIZE B64             OK
 *   memset ADDR SIZE VALUE             OK
 *   clock_step [NS]                    OK <virtual ns>   (no NS: to the next deadline)
 *   clock_set NS                       OK <virtual ns>
 *   irq_intercept_in|out PATH          OK
 *   set_irq_in PATH NAME N LEVEL       OK
 *   endianness                         OK little
 *
 * armvirt's own, for fault injection (src/fault; QEMU has no such thing):
 *
 *   fault_add RULE                     OK ID          (FAIL <reason>)
 *   fault_remove ID                    OK             (FAIL no fault ID)
 *   fault_list                         OK [ID:RULE ...]  (canonical spelling)
 *   fault_stat ID                      OK SEEN FIRED  (matching events, faults injected)
 *
 * and "IRQ raise N" / "IRQ lower N" whenever an intercepted line changes,
 * possibly before the OK of the request that caused it. Where QEMU would
 * assert on a malformed request, we answer "FAIL <reason>" instead: a test
 * script's mistake must not take the emulator down.
 */
#include "qtest/qtest.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fault/fault.h"
#include "machine/vclock.h"
#include "mem/physmem.h"
#include "util.h"

#define MAX_WORDS 8
#define MAX_IRQS 1024
/* The largest read/write/memset one request may ask for. */
#define MAX_TRANSFER (64u << 20)

struct qtest {
    int in_fd, out_fd;
    FILE *log;
    struct timespec log_start;
    pthread_mutex_t out_lock;
    struct physmem *mem;
    struct vclock *clock;
    const struct qtest_board_ops *ops;
    void *board;
    bool intercepting;
    struct fault_set *faults;     /* NULL: the fault_* commands FAIL */
    int8_t irq_level[MAX_IRQS];   /* last level sent; lines start low, as in QEMU */
};

/* ---- output ---- */

static double log_time(struct qtest *q)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - q->log_start.tv_sec) +
           (double)(now.tv_nsec - q->log_start.tv_nsec) / 1e9;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;   /* the test went away; the read side will see EOF */
        p += w;
        n -= (size_t)w;
    }
}

/* Sends one whole reply line (text without the newline). */
static void send_line(struct qtest *q, const char *text)
{
    pthread_mutex_lock(&q->out_lock);
    size_t n = strlen(text);
    char *line = malloc(n + 1);
    if (line) {
        memcpy(line, text, n);
        line[n] = '\n';
        write_all(q->out_fd, line, n + 1);
        free(line);
    }
    if (q->log) {
        fprintf(q->log, "[S +%f] %s\n", log_time(q), text);
        fflush(q->log);
    }
    pthread_mutex_unlock(&q->out_lock);
}

static void sendf(struct qtest *q, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    send_line(q, buf);
}

void qtest_irq(struct qtest *q, unsigned n, int level)
{
    if (n >= MAX_IRQS)
        return;
    level = level != 0;
    pthread_mutex_lock(&q->out_lock);
    bool changed = q->irq_level[n] != level;
    q->irq_level[n] = (int8_t)level;
    pthread_mutex_unlock(&q->out_lock);
    if (changed)
        sendf(q, "IRQ %s %u", level ? "raise" : "lower", n);
}

/* ---- parsing helpers ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return !errno && !*end;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *o++ = b64_alphabet[v >> 18 & 63];
        *o++ = b64_alphabet[v >> 12 & 63];
        *o++ = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* Decodes into out (at most max bytes); returns the decoded length.
 * Characters outside the alphabet are skipped, as glib does. */
static size_t b64_decode(const char *s, uint8_t *out, size_t max)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    for (; *s && *s != '='; s++) {
        const char *c = strchr(b64_alphabet, *s);
        if (!c)
            continue;
        acc = acc << 6 | (uint32_t)(c - b64_alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < max)
                out[n] = (uint8_t)(acc >> bits);
            n++;
        }
    }
    return n;
}

/* ---- commands ---- */

static unsigned access_size(const char *cmd)
{
    switch (cmd[strlen(cmd) - 1]) {
    case 'b': return 1;
    case 'w': return 2;
    case 'l': return 4;
    case 'q': return 8;
    default: return 0;
    }
}

static void cmd_read_sized(struct qtest *q, char **w, unsigned size)
{
    uint64_t addr, v = 0;
    if (!parse_u64(w[1], &addr)) {
        send_line(q, "FAIL invalid address");
        return;
    }
    /* An unmapped address reads 0, as on QEMU. */
    if (physmem_read(q->mem, addr, size, &v) != MEM_OK)
        v = 0;
    sendf(q, "OK 0x%016llx", (unsigned long long)v);
}

static void cmd_write_sized(struct qtest *q, char **w, unsigned size)
{
    uint64_t addr, v;
    if (!parse_u64(w[1], &addr) || !parse_u64(w[2], &v)) {
        send_line(q, "FAIL invalid address or value");
        return;
    }
    if (size < 8)
        v &= (1ull << (8 * size)) - 1;
    physmem_write(q->mem, addr, size, v);
    send_line(q, "OK");
}

/* ADDR SIZE as the bulk commands take them; SIZE may be 0 only if allowed. */
static uint8_t *bulk_args(struct qtest *q, char **w, uint64_t *addr, uint64_t *size,
                          bool zero_ok)
{
    if (!parse_u64(w[1], addr) || !parse_u64(w[2], size)) {
        send_line(q, "FAIL invalid address or size");
        return NULL;
    }
    if ((!*size && !zero_ok) || *size > MAX_TRANSFER) {
        send_line(q, "FAIL invalid size");
        return NULL;
    }
    uint8_t *buf = calloc(1, *size ? *size : 1);
    if (!buf)
        send_line(q, "FAIL out of memory");
    return buf;
}

static void cmd_read(struct qtest *q, char **w, bool b64)
{
    uint64_t addr, size;
    uint8_t *buf = bulk_args(q, w, &addr, &size, false);
    if (!buf)
        return;
    if (physmem_read_buf(q->mem, addr, buf, size) != MEM_OK)
        memset(buf, 0, size);
    char *text = NULL;
    if (b64) {
        char *enc = b64_encode(buf, size);
        if (enc && (text = malloc(strlen(enc) + 4)))
            sprintf(text, "OK %s", enc);
        free(enc);
    } else if ((text = malloc(2 * size + 6))) {
        char *p = text + sprintf(text, "OK 0x");
        for (uint64_t i = 0; i < size; i++)
            p += sprintf(p, "%02x", buf[i]);
    }
    send_line(q, text ? text : "FAIL out of memory");
    free(text);
    free(buf);
}

static void cmd_write(struct qtest *q, char **w, bool b64)
{
    uint64_t addr, size;
    if (!w[3] || strlen(w[3]) < 3) {
        send_line(q, "ERR invalid argument size");
        return;
    }
    uint8_t *buf = bulk_args(q, w, &addr, &size, false);
    if (!buf)
        return;
    const char *data = w[3];
    if (b64) {
        b64_decode(data, buf, size);   /* a short or long string is truncated or zero-filled */
    } else {
        /* After the two-character prefix, byte i is taken only if both
         * of its digits are there; the rest stays zero (QEMU's rule). */
        size_t len = strlen(data);
        for (uint64_t i = 0; i < size && i * 2 + 4 <= len; i++) {
            int hi = hex_digit_value(data[2 + 2 * i]), lo = hex_digit_value(data[3 + 2 * i]);
            if (hi < 0 || lo < 0) {
                free(buf);
                send_line(q, "FAIL invalid hex data");
                return;
            }
            buf[i] = (uint8_t)(hi << 4 | lo);
        }
    }
    physmem_write_buf(q->mem, addr, buf, size);
    free(buf);
    send_line(q, "OK");
}

static void cmd_memset(struct qtest *q, char **w)
{
    uint64_t addr, size, value;
    if (!parse_u64(w[3], &value)) {
        send_line(q, "FAIL invalid value");
        return;
    }
    uint8_t *buf = bulk_args(q, w, &addr, &size, true);
    if (!buf)
        return;
    if (size) {
        memset(buf, (int)(value & 0xff), size);
        physmem_write_buf(q->mem, addr, buf, size);
    }
    free(buf);
    send_line(q, "OK");
}

static void cmd_clock(struct qtest *q, char **w, bool set)
{
    uint64_t now = vclock_ns(q->clock), arg, target;
    if (w[1] && !parse_u64(w[1], &arg)) {
        send_line(q, "FAIL invalid time");
        return;
    }
    if (set) {
        if (!w[1]) {
            send_line(q, "FAIL clock_set needs a time");
            return;
        }
        target = arg;
    } else if (w[1]) {
        target = now + arg;
    } else if (!vclock_next_deadline(q->clock, &target)) {
        target = now;   /* nothing pending: QEMU 7.2 answers with the time unchanged */
    }
    uint64_t reached = vclock_set(q->clock, target < now ? now : target);
    sendf(q, "OK %llu", (unsigned long long)reached);
}

static void cmd_intercept(struct qtest *q, char **w, bool in)
{
    if (!w[1]) {
        send_line(q, "FAIL Unknown device");
        return;
    }
    if (q->intercepting) {
        send_line(q, "FAIL IRQ intercept already enabled");
        return;
    }
    const char *why = q->ops && q->ops->intercept ? q->ops->intercept(q->board, w[1], in)
                                                  : "Unknown device";
    if (why) {
        sendf(q, "FAIL %s", why);
        return;
    }
    q->intercepting = true;
    send_line(q, "OK");
}

static void cmd_set_irq_in(struct qtest *q, char **w)
{
    uint64_t n, level;
    if (!w[1] || !w[2] || !parse_u64(w[3], &n) || !w[4]) {
        send_line(q, "FAIL set_irq_in needs PATH NAME NUM LEVEL");
        return;
    }
    /* The level is signed in QEMU's syntax (e.g. -1 pulses); any nonzero
     * value raises the line. */
    long long lv = strtoll(w[4], NULL, 0);
    level = lv != 0;
    const char *name = strcmp(w[2], "unnamed-gpio-in") ? w[2] : NULL;
    const char *why = q->ops && q->ops->set_irq_in
                          ? q->ops->set_irq_in(q->board, w[1], name, (int)n, (int)level)
                          : "Unknown device";
    if (why)
        sendf(q, "FAIL %s", why);
    else
        send_line(q, "OK");
}

void qtest_set_faults(struct qtest *q, struct fault_set *faults)
{
    q->faults = faults;
}

static void cmd_fault(struct qtest *q, const char *cmd, char **w)
{
    char err[256];
    uint64_t id = 0;
    if (!q->faults) {
        send_line(q, "FAIL fault injection is not available");
        return;
    }
    if (strcmp(cmd, "fault_list") && strcmp(cmd, "fault_add") && !parse_u64(w[1], &id)) {
        sendf(q, "FAIL %s needs a fault ID", cmd);
        return;
    }
    if (!strcmp(cmd, "fault_add")) {
        if (!w[1]) {
            send_line(q, "FAIL fault_add needs a RULE");
        } else if (w[2]) {
            send_line(q, "FAIL a RULE has no spaces");
        } else {
            unsigned n = fault_add(q->faults, w[1], err, sizeof(err));
            if (n)
                sendf(q, "OK %u", n);
            else
                sendf(q, "FAIL %s", err);
        }
    } else if (!strcmp(cmd, "fault_remove")) {
        if (id <= UINT32_MAX && fault_remove(q->faults, (unsigned)id))
            send_line(q, "OK");
        else
            sendf(q, "FAIL no fault %s", w[1]);
    } else if (!strcmp(cmd, "fault_stat")) {
        uint64_t seen, fired;
        if (id <= UINT32_MAX && fault_stat(q->faults, (unsigned)id, &seen, &fired))
            sendf(q, "OK %llu %llu", (unsigned long long)seen, (unsigned long long)fired);
        else
            sendf(q, "FAIL no fault %s", w[1]);
    } else {
        char *list = malloc(65536);
        if (!list) {
            send_line(q, "FAIL out of memory");
            return;
        }
        memcpy(list, "OK ", 3);
        fault_list(q->faults, list + 3, 65536 - 3);
        if (!list[3])
            list[2] = '\0';
        send_line(q, list);
        free(list);
    }
}

void qtest_handle_line(struct qtest *q, char *line)
{
    if (q->log) {
        pthread_mutex_lock(&q->out_lock);
        fprintf(q->log, "[R +%f] %s\n", log_time(q), line);
        fflush(q->log);
        pthread_mutex_unlock(&q->out_lock);
    }
    char *w[MAX_WORDS + 1] = {0};
    unsigned n = 0;
    for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < MAX_WORDS;
         t = strtok_r(NULL, " ", &save))
        w[n++] = t;
    if (!n)
        return;
    const char *cmd = w[0];

    if (!strcmp(cmd, "readb") || !strcmp(cmd, "readw") || !strcmp(cmd, "readl") ||
        !strcmp(cmd, "readq"))
        cmd_read_sized(q, w, access_size(cmd));
    else if (!strcmp(cmd, "writeb") || !strcmp(cmd, "writew") || !strcmp(cmd, "writel") ||
             !strcmp(cmd, "writeq"))
        cmd_write_sized(q, w, access_size(cmd));
    else if (!strcmp(cmd, "read"))
        cmd_read(q, w, false);
    else if (!strcmp(cmd, "b64read"))
        cmd_read(q, w, true);
    else if (!strcmp(cmd, "write"))
        cmd_write(q, w, false);
    else if (!strcmp(cmd, "b64write"))
        cmd_write(q, w, true);
    else if (!strcmp(cmd, "memset"))
        cmd_memset(q, w);
    else if (!strcmp(cmd, "clock_step"))
        cmd_clock(q, w, false);
    else if (!strcmp(cmd, "clock_set"))
        cmd_clock(q, w, true);
    else if (!strcmp(cmd, "irq_intercept_in"))
        cmd_intercept(q, w, true);
    else if (!strcmp(cmd, "irq_intercept_out"))
        cmd_intercept(q, w, false);
    else if (!strcmp(cmd, "set_irq_in"))
        cmd_set_irq_in(q, w);
    else if (!strcmp(cmd, "endianness"))
        send_line(q, "OK little");
    else if (!strncmp(cmd, "fault_", 6) &&
             (!strcmp(cmd + 6, "add") || !strcmp(cmd + 6, "remove") ||
              !strcmp(cmd + 6, "list") || !strcmp(cmd + 6, "stat")))
        cmd_fault(q, cmd, w);
    else
        sendf(q, "FAIL Unknown command '%s'", cmd);
}

/* ---- transport ---- */

static int connect_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "-qtest unix:%s: path too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        snprintf(err, errlen, "-qtest unix:%s: cannot connect: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int connect_tcp(const char *hostport, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || colon - hostport >= (long)sizeof(host) || !colon[1]) {
        snprintf(err, errlen, "-qtest tcp:%s: expected tcp:HOST:PORT", hostport);
        return -1;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    int rc = getaddrinfo(*host ? host : "localhost", colon + 1, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "-qtest tcp:%s: %s", hostport, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "-qtest tcp:%s: cannot connect", hostport);
    return fd;
}

struct qtest *qtest_open(const char *spec, const char *log_path, struct physmem *mem,
                         struct vclock *clock, const struct qtest_board_ops *ops, void *board,
                         char *err, size_t errlen)
{
    int in_fd, out_fd;
    if (!strcmp(spec, "stdio")) {
        in_fd = 0;
        out_fd = 1;
    } else if (!strncmp(spec, "unix:", 5)) {
        in_fd = out_fd = connect_unix(spec + 5, err, errlen);
    } else if (!strncmp(spec, "tcp:", 4)) {
        in_fd = out_fd = connect_tcp(spec + 4, err, errlen);
    } else {
        snprintf(err, errlen, "-qtest %s: expected stdio, unix:PATH or tcp:HOST:PORT", spec);
        return NULL;
    }
    if (in_fd < 0)
        return NULL;
    FILE *log = NULL;
    if (log_path && !(log = fopen(log_path, "w"))) {
        snprintf(err, errlen, "-qtest-log %s: %s", log_path, strerror(errno));
        if (in_fd > 2)
            close(in_fd);
        return NULL;
    }
    struct qtest *q = qtest_new(in_fd, out_fd, mem, clock, ops, board);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        if (log)
            fclose(log);
        return NULL;
    }
    q->log = log;
    return q;
}

struct qtest *qtest_new(int in_fd, int out_fd, struct physmem *mem, struct vclock *clock,
                        const struct qtest_board_ops *ops, void *board)
{
    struct qtest *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->in_fd = in_fd;
    q->out_fd = out_fd;
    q->mem = mem;
    q->clock = clock;
    q->ops = ops;
    q->board = board;
    pthread_mutex_init(&q->out_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &q->log_start);
    return q;
}

void qtest_serve(struct qtest *q)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return;
    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', len))) {
            *nl = '\0';
            if (nl > buf && nl[-1] == '\r')
                nl[-1] = '\0';
            qtest_handle_line(q, buf);
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len);
        }
        if (len == cap) {
            /* Requests are bounded by MAX_TRANSFER of hex plus a little. */
            if (cap > 4 * (size_t)MAX_TRANSFER) {
                len = 0;
                continue;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(q->in_fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    free(buf);
}

void qtest_close(struct qtest *q)
{
    if (!q)
        return;
    if (q->in_fd > 2)
        close(q->in_fd);
    if (q->log)
        fclose(q->log);
    pthread_mutex_destroy(&q->out_lock);
    free(q);
}
