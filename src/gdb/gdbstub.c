/*
 * The gdbstub's connection and the core's run/stop state (gdbstub.h).
 *
 * One host thread accepts a connection and reads packets; the vCPU thread
 * runs the guest. Commands that look at the core run on the stub thread
 * while the vCPU thread is parked in gdb_before_run (gdb only sends them
 * when the target is stopped; the stub waits for the park to be sure). The
 * stop reply to a continue or step is sent by the vCPU thread when the
 * core stops.
 */
#define _GNU_SOURCE /* accept4, memrchr */
#include "gdb/gdbstub.h"

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/block.h"
#include "gdb/debug.h"
#include "gdb/gdb_internal.h"

/* ---- opening ---- */

/* Splits "tcp:[HOST]:PORT[,opt...]" into host (NULL: any) and port. */
static bool parse_spec(const char *spec, char *host, size_t hostlen, unsigned *port, char *err,
                       size_t errlen)
{
    if (strncmp(spec, "tcp:", 4)) {
        snprintf(err, errlen, "-gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        return false;
    }
    const char *addr = spec + 4;
    const char *opts = strchr(addr, ',');
    size_t alen = opts ? (size_t)(opts - addr) : strlen(addr);
    const char *colon = memrchr(addr, ':', alen);
    if (!colon) {
        snprintf(err, errlen, "-gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        return false;
    }
    size_t hlen = (size_t)(colon - addr);
    if (hlen >= hostlen) {
        snprintf(err, errlen, "-gdb %s: host name too long", spec);
        return false;
    }
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    /* [::1]:1234 */
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = '\0';
    }
    const char *p = colon + 1;
    unsigned long v = 0;
    size_t digits = 0;
    while (p < addr + alen && *p >= '0' && *p <= '9' && v <= 65535) {
        v = v * 10 + (unsigned long)(*p++ - '0');
        digits++;
    }
    if (!digits || p != addr + alen || v > 65535) {
        snprintf(err, errlen, "-gdb %s: bad port (expected a number 0-65535)", spec);
        return false;
    }
    *port = (unsigned)v;
    /* QEMU's chardev options that describe what the stub does anyway. */
    while (opts) {
        const char *o = opts + 1;
        opts = strchr(o, ',');
        size_t olen = opts ? (size_t)(opts - o) : strlen(o);
        static const char *const ok[] = {"server", "server=on", "nowait", "wait=off",
                                         "nodelay", "nodelay=on", "ipv4", "ipv4=on",
                                         "ipv6", "ipv6=on", NULL};
        bool known = false;
        for (const char *const *k = ok; *k; k++)
            known |= strlen(*k) == olen && !strncmp(*k, o, olen);
        if (!known) {
            snprintf(err, errlen, "-gdb %s: unsupported option '%.*s'", spec, (int)olen, o);
            return false;
        }
    }
    return true;
}

static int listen_on(const char *spec, const char *host, unsigned port, unsigned *bound,
                     char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", port);
    /* QEMU's tcp::PORT listens on every IPv4 address. */
    if (!*host)
        hints.ai_family = AF_INET;
    int rc = getaddrinfo(*host ? host : NULL, portstr, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "-gdb %s: cannot resolve '%s': %s", spec, host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "-gdb %s: cannot listen on port %u: %s", spec, port,
                 strerror(saved));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    *bound = port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void *gdb_thread(void *opaque);

struct gdbstub *gdb_open(const char *spec, struct cpu *cpu, char *err, size_t errlen)
{
    char host[256];
    unsigned port;
    if (!parse_spec(spec, host, sizeof(host), &port, err, errlen))
        return NULL;
    struct gdbstub *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->cpu = cpu;
    g->fd = -1;
    g->running = true;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    pthread_mutex_init(&g->send_lock, NULL);
    g->listen_fd = listen_on(spec, host, port, &g->port, err, errlen);
    if (g->listen_fd < 0 || pthread_create(&g->thread, NULL, gdb_thread, g)) {
        if (g->listen_fd >= 0) {
            snprintf(err, errlen, "-gdb %s: cannot start the gdbstub thread", spec);
            close(g->listen_fd);
        }
        free(g);
        return NULL;
    }
    g->thread_started = true;
    return g;
}

void gdb_hold_at_start(struct gdbstub *g)
{
    pthread_mutex_lock(&g->lock);
    g->running = false;
    pthread_mutex_unlock(&g->lock);
}

unsigned gdb_port(const struct gdbstub *g)
{
    return g->port;
}

const char *gdb_thread_id(const struct gdbstub *g)
{
    return g->multiprocess ? "p01.01" : "01";
}

/* ---- the run state, from the vCPU thread ---- */

/* Under lock: the core has stopped for the debugger with signal sig (5
 * SIGTRAP, 2 SIGINT); extra goes after the thread ("watch:ADDR;"). */
static void stopped(struct gdbstub *g, int sig, const char *extra)
{
    char reply[96];
    snprintf(reply, sizeof(reply), "T%02xthread:%s;%s", sig, gdb_thread_id(g), extra);
    struct cpu *cpu = g->cpu;
    g->running = false;
    g->stepping = false;
    g->stop_wanted = false;
    cpu->single_step = false;
    debug_set_stepping(cpu, false);
    debug_stop_of(cpu)->reason = DEBUG_STOP_NONE;
    if (g->reply_on_stop) {
        g->reply_on_stop = false;
        gdb_send(g, reply);
    }
    pthread_cond_broadcast(&g->cond);
}

uint64_t gdb_before_run(struct gdbstub *g, uint64_t budget)
{
    pthread_mutex_lock(&g->lock);
    /* A stop asked for while the core was not in cpu_run (WFI). */
    if (g->running && g->stop_wanted)
        stopped(g, 2, "");
    while (!g->running && !g->killed) {
        g->parked = true;
        pthread_cond_broadcast(&g->cond);
        pthread_cond_wait(&g->cond, &g->lock);
    }
    g->parked = false;
    if (g->killed) {
        pthread_mutex_unlock(&g->lock);
        return 0;
    }
    if (g->stepping) {
        g->cpu->single_step = true;
        debug_set_stepping(g->cpu, true);
        budget = 1;
    }
    pthread_mutex_unlock(&g->lock);
    return budget;
}

void gdb_after_run(struct gdbstub *g, enum cpu_stop why)
{
    struct cpu *cpu = g->cpu;
    struct debug_stop *ds = debug_stop_of(cpu);
    char extra[64];
    pthread_mutex_lock(&g->lock);
    if (ds->reason == DEBUG_STOP_BREAK) {
        stopped(g, 5, "");
    } else if (ds->reason == DEBUG_STOP_WATCH) {
        const char *kind = ds->kind == DEBUG_WATCH_WRITE  ? "watch"
                           : ds->kind == DEBUG_WATCH_READ ? "rwatch"
                                                          : "awatch";
        /* QEMU spells the address with 16 digits. */
        snprintf(extra, sizeof(extra), "%s:%016" PRIx64 ";", kind, ds->addr);
        stopped(g, 5, extra);
    } else if (g->stepping && !cpu->exit_requested) {
        stopped(g, 5, "");
    } else if (g->stop_wanted) {
        stopped(g, 2, "");
    }
    (void)why;
    pthread_mutex_unlock(&g->lock);
}

void gdb_guest_exited(struct gdbstub *g, int status)
{
    char reply[8];
    snprintf(reply, sizeof(reply), "W%02x", status & 0xff);
    pthread_mutex_lock(&g->lock);
    g->finished = true;
    gdb_send(g, reply); /* nothing if no debugger is connected */
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* ---- the run state, from the stub thread ---- */

void gdb_resume(struct gdbstub *g, bool step)
{
    pthread_mutex_lock(&g->lock);
    debug_arm_resume(g->cpu);
    g->running = true;
    g->stepping = step;
    g->reply_on_stop = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* Stops the core (if it runs) and waits until the vCPU thread is parked;
 * false if the guest has finished instead. */
static bool hold_core(struct gdbstub *g, bool reply)
{
    pthread_mutex_lock(&g->lock);
    if (g->running) {
        g->stop_wanted = true;
        g->reply_on_stop = reply;
        cpu_request_stop(g->cpu);
    }
    while (!g->parked && !g->finished && !g->killed)
        pthread_cond_wait(&g->cond, &g->lock);
    bool ok = g->parked;
    pthread_mutex_unlock(&g->lock);
    return ok;
}

/* Waits until the vCPU thread is parked (a command about to look at the
 * core); false if the guest is gone. */
static bool wait_parked(struct gdbstub *g)
{
    pthread_mutex_lock(&g->lock);
    while (!g->parked && !g->finished && !g->killed && !g->running)
        pthread_cond_wait(&g->cond, &g->lock);
    bool ok = g->parked;
    pthread_mutex_unlock(&g->lock);
    return ok;
}

/* The debugger went away (detach or dropped connection): its breakpoints
 * go, and the core runs on. */
static void release_core(struct gdbstub *g)
{
    if (hold_core(g, false)) {
        debug_remove_all();
        cpu_flush_blocks(g->cpu);
        tlb_flush(g->cpu);
    }
    pthread_mutex_lock(&g->lock);
    g->running = true;
    g->stepping = false;
    g->reply_on_stop = false;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* ---- packets ---- */

bool gdb_send(struct gdbstub *g, const char *data)
{
    size_t len = strlen(data);
    if (len > GDB_PACKET_MAX)
        len = GDB_PACKET_MAX;
    pthread_mutex_lock(&g->send_lock);
    char *out = g->last_sent;
    uint8_t sum = 0;
    out[0] = '$';
    for (size_t i = 0; i < len; i++) {
        out[1 + i] = data[i];
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    }
    snprintf(out + 1 + len, 4, "#%02x", sum);
    size_t total = len + 4, done = 0;
    bool ok = g->fd >= 0;
    while (ok && done < total) {
        ssize_t n = send(g->fd, out + done, total - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += (size_t)n;
    }
    pthread_mutex_unlock(&g->send_lock);
    return ok;
}

static void send_raw(struct gdbstub *g, const char *s, size_t len)
{
    pthread_mutex_lock(&g->send_lock);
    if (g->fd >= 0)
        (void)!send(g->fd, s, len, MSG_NOSIGNAL);
    pthread_mutex_unlock(&g->send_lock);
}

/* Commands that need the core still (everything but the resumes, which
 * come only while it is stopped anyway). */
static bool dispatch(struct gdbstub *g, char *pkt, size_t len)
{
    if (!wait_parked(g)) {
        /* The guest has exited: nothing more to look at. */
        if (pkt[0] == 'k' || pkt[0] == 'D')
            return false;
        gdb_send(g, "E01");
        return true;
    }
    return gdb_handle_packet(g, pkt, len);
}

/* Reads and answers packets until the connection ends. */
static void serve(struct gdbstub *g)
{
    char pkt[GDB_PACKET_MAX * 2 + 16];
    size_t plen = 0;
    enum { IDLE, DATA, SUM1, SUM2 } state = IDLE;
    uint8_t sum = 0, want = 0;
    char buf[1024];
    for (;;) {
        ssize_t n = recv(g->fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            switch (state) {
            case IDLE:
                if (c == '$') {
                    state = DATA;
                    plen = 0;
                    sum = 0;
                } else if (c == 0x03) {
                    /* Ctrl-C: stop and answer the outstanding resume. */
                    pthread_mutex_lock(&g->lock);
                    if (g->running) {
                        g->stop_wanted = true;
                        cpu_request_stop(g->cpu);
                    }
                    pthread_mutex_unlock(&g->lock);
                } else if (c == '-' && !g->no_ack) {
                    pthread_mutex_lock(&g->send_lock);
                    char again[sizeof(g->last_sent)];
                    memcpy(again, g->last_sent, sizeof(again));
                    pthread_mutex_unlock(&g->send_lock);
                    send_raw(g, again, strlen(again));
                }
                break; /* '+' and noise */
            case DATA:
                if (c == '#') {
                    state = SUM1;
                } else if (plen < sizeof(pkt) - 1) {
                    pkt[plen++] = c;
                    sum = (uint8_t)(sum + (uint8_t)c);
                }
                break;
            case SUM1:
                want = (uint8_t)(hex_digit_value(c) << 4);
                state = SUM2;
                break;
            case SUM2:
                want |= (uint8_t)hex_digit_value(c);
                state = IDLE;
                pkt[plen] = '\0';
                if (!g->no_ack) {
                    if (want != sum) {
                        send_raw(g, "-", 1);
                        break;
                    }
                    send_raw(g, "+", 1);
                }
                if (!dispatch(g, pkt, plen))
                    return;
                break;
            }
        }
    }
}

static void *gdb_thread(void *opaque)
{
    struct gdbstub *g = opaque;
    for (;;) {
        int fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return NULL; /* closed by gdb_close */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        pthread_mutex_lock(&g->lock);
        bool busy = g->fd >= 0 || g->closing;
        pthread_mutex_unlock(&g->lock);
        if (busy) {
            close(fd);
            continue;
        }
        pthread_mutex_lock(&g->send_lock);
        g->fd = fd;
        g->no_ack = false;
        g->multiprocess = false;
        pthread_mutex_unlock(&g->send_lock);
        /* As QEMU: a debugger that connects finds the core stopped. */
        hold_core(g, false);
        serve(g);
        pthread_mutex_lock(&g->lock);
        bool killed = g->killed, closing = g->closing;
        pthread_mutex_unlock(&g->lock);
        if (!killed && !closing)
            release_core(g);
        pthread_mutex_lock(&g->send_lock);
        g->fd = -1;
        pthread_mutex_unlock(&g->send_lock);
        close(fd);
        if (killed || closing)
            return NULL;
    }
}

void gdb_close(struct gdbstub *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->closing = true;
    g->finished = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
    shutdown(g->listen_fd, SHUT_RDWR);
    pthread_mutex_lock(&g->send_lock);
    if (g->fd >= 0)
        shutdown(g->fd, SHUT_RDWR);
    pthread_mutex_unlock(&g->send_lock);
    if (g->thread_started)
        pthread_join(g->thread, NULL);
    close(g->listen_fd);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->send_lock);
    free(g);
}
