/*
 * The user-mode network backend: Debian's libslirp, an IP stack in the
 * emulator that turns the guest's TCP and UDP into the host's sockets, with
 * QEMU's address plan (net.h) and its -netdev user option spelling.
 *
 * libslirp is not thread-safe and wants to be driven: it names the
 * descriptors to poll, has timers, and asks to be woken (notify). One
 * thread per backend does that: poll(2) on slirp's descriptors and the
 * self-pipe, with a timeout from the nearest timer. `lock` guards the Slirp
 * state; it is held by that thread while slirp runs and by whoever sends a
 * frame (slirp_input), never across poll(). Frames slirp emits are handed
 * to net_deliver() with `lock` held (lock order: slirp, then the receive
 * queue, then the device).
 */
#include "backend/net_impl.h"

#include <errno.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USER_MAX_FWD 32

struct user_fwd {
    const char *rule;
    bool udp;
    struct in_addr host, guest;
    int host_port, guest_port;
};

struct user_config {
    int restricted;
    bool ipv4, ipv6;
    struct in_addr net, mask, host, dhcp, dns;
    const char *hostname;
    struct user_fwd fwd[USER_MAX_FWD];
    unsigned n_fwd;
};

struct user_timer {
    struct user_timer *next;
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms;          /* -1: not armed */
};

struct net_user {
    struct net_backend nb;      /* first: net.c frees through it */
    Slirp *slirp;
    pthread_mutex_t lock;
    bool stop;
    pthread_t thread;
    struct user_timer *timers;
    struct pollfd *pfd;
    unsigned npfd, cap_pfd;
    char *hostname;
};

static struct net_user *to_user(struct net_backend *nb)
{
    return (struct net_user *)nb;
}

static int64_t user_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- slirp callbacks (lock held) ---- */

static ssize_t user_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    /* A full queue drops the frame; TCP in slirp retransmits. */
    net_deliver(&u->nb, buf, len);
    return (ssize_t)len;
}

static void user_guest_error(const char *msg, void *opaque)
{
}

static int64_t user_clock_ns(void *opaque)
{
    return user_now_ns();
}

static void *user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    struct user_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->expire_ms = -1;
    t->next = u->timers;
    u->timers = t;
    return t;
}

static void user_timer_free(void *timer, void *opaque)
{
    struct net_user *u = opaque;
    for (struct user_timer **p = &u->timers; *p; p = &(*p)->next)
        if (*p == timer) {
            *p = ((struct user_timer *)timer)->next;
            free(timer);
            return;
        }
}

static void user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    struct user_timer *t = timer;
    if (t)
        t->expire_ms = expire_ms;
    net_wake(&((struct net_user *)opaque)->nb);
}

static void user_register_fd(int fd, void *opaque)
{
}

static void user_notify(void *opaque)
{
    net_wake(&((struct net_user *)opaque)->nb);
}

static const SlirpCb user_callbacks = {
    .send_packet = user_send_packet,
    .guest_error = user_guest_error,
    .clock_get_ns = user_clock_ns,
    .timer_new = user_timer_new,
    .timer_free = user_timer_free,
    .timer_mod = user_timer_mod,
    .register_poll_fd = user_register_fd,
    .unregister_poll_fd = user_register_fd,
    .notify = user_notify,
};

static int user_add_poll(int fd, int events, void *opaque)
{
    struct net_user *u = opaque;
    if (u->npfd == u->cap_pfd) {
        unsigned cap = u->cap_pfd ? u->cap_pfd * 2 : 16;
        struct pollfd *p = realloc(u->pfd, cap * sizeof(*p));
        if (!p)
            return -1;
        u->pfd = p;
        u->cap_pfd = cap;
    }
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    u->pfd[u->npfd] = (struct pollfd){.fd = fd, .events = ev};
    return (int)u->npfd++;
}

static int user_get_revents(int idx, void *opaque)
{
    struct net_user *u = opaque;
    if (idx < 0 || (unsigned)idx >= u->npfd)
        return 0;
    short r = u->pfd[idx].revents;
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL))
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

/* Fire expired timers; returns ms until the next one (or `limit`). */
static uint32_t user_run_timers(struct net_user *u, uint32_t limit)
{
    int64_t now = user_now_ns() / 1000000;
    bool again = true;
    /* Bounded: a timer that re-arms itself in the past waits a turn. */
    for (int round = 0; again && round < 16; round++) {
        again = false;
        for (struct user_timer *t = u->timers; t; t = t->next)
            if (t->expire_ms >= 0 && t->expire_ms <= now) {
                t->expire_ms = -1;
                t->cb(t->cb_opaque);   /* may free or add timers: rescan */
                again = true;
                break;
            }
    }
    for (struct user_timer *t = u->timers; t; t = t->next)
        if (t->expire_ms >= 0 && (uint64_t)(t->expire_ms - now) < limit)
            limit = (uint32_t)(t->expire_ms - now);
    return limit;
}

static void *user_thread(void *opaque)
{
    struct net_user *u = opaque;
    pthread_mutex_lock(&u->lock);
    while (!u->stop) {
        uint32_t timeout = user_run_timers(u, 1000);
        u->npfd = 0;
        user_add_poll(u->nb.wake[0], SLIRP_POLL_IN, u);
        slirp_pollfds_fill(u->slirp, &timeout, user_add_poll, u);
        pthread_mutex_unlock(&u->lock);

        /* Frames the device had no room for, now that it may have some. */
        net_flush(&u->nb);
        int n = poll(u->pfd, u->npfd, (int)timeout);
        if (n > 0 && (u->pfd[0].revents & POLLIN))
            net_drain_wake(&u->nb);

        pthread_mutex_lock(&u->lock);
        if (!u->stop)
            slirp_pollfds_poll(u->slirp, n < 0, user_get_revents, u);
    }
    pthread_mutex_unlock(&u->lock);
    return NULL;
}

/* A frame from the guest. It may change what slirp's thread should poll
 * for (an ACK opens the window, so slirp may read its host socket again):
 * wake that thread to ask slirp again, as QEMU's main loop would. */
static void user_send(struct net_backend *nb, const void *frame, size_t len)
{
    struct net_user *u = to_user(nb);
    pthread_mutex_lock(&u->lock);
    slirp_input(u->slirp, frame, (int)len);
    pthread_mutex_unlock(&u->lock);
    net_wake(nb);
}

static void user_free(struct net_user *u)
{
    if (u->slirp)
        slirp_cleanup(u->slirp);
    while (u->timers) {
        struct user_timer *t = u->timers;
        u->timers = t->next;
        free(t);
    }
    free(u->pfd);
    free(u->hostname);
    pthread_mutex_destroy(&u->lock);
    net_backend_fini(&u->nb);
    free(u);
}

static void user_close(struct net_backend *nb)
{
    struct net_user *u = to_user(nb);
    pthread_mutex_lock(&u->lock);
    u->stop = true;
    pthread_mutex_unlock(&u->lock);
    net_wake(nb);
    pthread_join(u->thread, NULL);
    user_free(u);
}

static const struct net_backend_ops user_ops = {
    .send = user_send,
    .close = user_close,
};

/* ---- options ---- */

static bool user_bool(const char *key, const char *val, bool *out, char *err, size_t errlen)
{
    if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "true"))
        *out = true;
    else if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "false"))
        *out = false;
    else {
        snprintf(err, errlen, "-netdev user: %s=%s: expected on or off", key, val);
        return false;
    }
    return true;
}

static bool user_addr(const char *key, const char *val, struct in_addr *out, char *err,
                      size_t errlen)
{
    if (inet_pton(AF_INET, val, out) == 1)
        return true;
    snprintf(err, errlen, "-netdev user: %s=%s: expected an IPv4 address", key, val);
    return false;
}

/* net=ADDR[/BITS|/MASK]. */
static bool user_net(const char *val, struct user_config *c, char *err, size_t errlen)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", val);
    char *slash = strchr(buf, '/');
    c->mask.s_addr = htonl(0xffffff00u);
    if (slash) {
        *slash++ = '\0';
        char *end;
        long bits = strtol(slash, &end, 10);
        if (!*end && end != slash) {
            if (bits < 0 || bits > 32)
                goto bad;
            c->mask.s_addr = htonl(bits ? 0xffffffffu << (32 - bits) : 0);
        } else if (inet_pton(AF_INET, slash, &c->mask) != 1) {
            goto bad;
        }
    }
    if (inet_pton(AF_INET, buf, &c->net) != 1)
        goto bad;
    c->net.s_addr &= c->mask.s_addr;
    return true;
bad:
    snprintf(err, errlen, "-netdev user: net=%s: expected ADDR[/BITS]", val);
    return false;
}

/* Cuts s at the first `sep`; returns the rest, or NULL if there is none. */
static char *user_cut(char *s, char sep)
{
    char *p = strchr(s, sep);
    if (!p)
        return NULL;
    *p = '\0';
    return p + 1;
}

static bool user_port(const char *s, int *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, as QEMU. */
static bool user_hostfwd(char *rule, struct user_fwd *f, char *err, size_t errlen)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", rule);
    f->rule = rule;
    char *proto = buf, *haddr = user_cut(proto, ':');
    char *hport = haddr ? user_cut(haddr, ':') : NULL;
    char *gaddr = hport ? user_cut(hport, '-') : NULL;
    char *gport = gaddr ? user_cut(gaddr, ':') : NULL;
    if (!gport)
        goto bad;
    if (!*proto || !strcmp(proto, "tcp"))
        f->udp = false;
    else if (!strcmp(proto, "udp"))
        f->udp = true;
    else
        goto bad;
    f->host.s_addr = INADDR_ANY;
    f->guest.s_addr = 0;   /* slirp: the first DHCP address */
    if ((*haddr && inet_pton(AF_INET, haddr, &f->host) != 1) ||
        (*gaddr && inet_pton(AF_INET, gaddr, &f->guest) != 1) ||
        !user_port(hport, &f->host_port) || !user_port(gport, &f->guest_port) ||
        !f->guest_port)
        goto bad;
    return true;
bad:
    snprintf(err, errlen,
             "-netdev user: invalid hostfwd rule '%s' (expected "
             "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)", rule);
    return false;
}

static bool user_parse(const struct net_opts *o, struct user_config *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->ipv4 = c->ipv6 = true;
    inet_pton(AF_INET, "10.0.2.0", &c->net);
    inet_pton(AF_INET, "255.255.255.0", &c->mask);
    bool have_host = false, have_dhcp = false, have_dns = false;
    for (unsigned i = 0; i < o->n; i++) {
        const char *k = o->key[i], *v = o->val[i];
        bool ok = true, b;
        if (!strcmp(k, "id")) {
        } else if (!strcmp(k, "net")) {
            ok = user_net(v, c, err, errlen);
        } else if (!strcmp(k, "host")) {
            ok = have_host = user_addr(k, v, &c->host, err, errlen);
        } else if (!strcmp(k, "dhcpstart")) {
            ok = have_dhcp = user_addr(k, v, &c->dhcp, err, errlen);
        } else if (!strcmp(k, "dns")) {
            ok = have_dns = user_addr(k, v, &c->dns, err, errlen);
        } else if (!strcmp(k, "restrict")) {
            ok = user_bool(k, v, &b, err, errlen);
            c->restricted = b;
        } else if (!strcmp(k, "ipv4")) {
            ok = user_bool(k, v, &c->ipv4, err, errlen);
        } else if (!strcmp(k, "ipv6")) {
            ok = user_bool(k, v, &c->ipv6, err, errlen);
        } else if (!strcmp(k, "hostname")) {
            c->hostname = v;
        } else if (!strcmp(k, "hostfwd")) {
            if (c->n_fwd == USER_MAX_FWD) {
                snprintf(err, errlen, "-netdev user: more than %d hostfwd rules", USER_MAX_FWD);
                return false;
            }
            ok = user_hostfwd(o->val[i], &c->fwd[c->n_fwd++], err, errlen);
        } else {
            snprintf(err, errlen,
                     "-netdev user: unknown option '%s' (id, net, host, dhcpstart, dns, "
                     "hostfwd, restrict, ipv4, ipv6, hostname)", k);
            return false;
        }
        if (!ok)
            return false;
    }
    if (!c->ipv4 && !c->ipv6) {
        snprintf(err, errlen, "-netdev user: ipv4=off and ipv6=off leave no network");
        return false;
    }
    /* Unset addresses follow the network, as QEMU: .2, .15, .3. */
    uint32_t base = ntohl(c->net.s_addr);
    if (!have_host)
        c->host.s_addr = htonl(base | 2);
    if (!have_dhcp)
        c->dhcp.s_addr = htonl(base | 15);
    if (!have_dns)
        c->dns.s_addr = htonl(base | 3);
    struct in_addr *in[3] = {&c->host, &c->dhcp, &c->dns};
    static const char *const names[3] = {"host", "dhcpstart", "dns"};
    for (int k = 0; k < 3; k++)
        if ((in[k]->s_addr & c->mask.s_addr) != c->net.s_addr) {
            snprintf(err, errlen, "-netdev user: %s=%s is not in the guest network", names[k],
                     inet_ntoa(*in[k]));
            return false;
        }
    return true;
}

struct net_backend *net_user_open(const struct net_opts *o, bool do_open, char *err, size_t errlen)
{
    struct user_config c;
    if (!user_parse(o, &c, err, errlen))
        return NULL;
    if (!do_open)
        return &net_checked;

    struct net_user *u = calloc(1, sizeof(*u));
    if (!u || net_backend_init(&u->nb, &user_ops, NULL)) {
        free(u);
        snprintf(err, errlen, "-netdev user: out of memory");
        return NULL;
    }
    pthread_mutex_init(&u->lock, NULL);
    u->hostname = c.hostname ? strdup(c.hostname) : NULL;

    SlirpConfig cfg = {
        .version = 1,
        .restricted = c.restricted,
        .in_enabled = c.ipv4,
        .vnetwork = c.net,
        .vnetmask = c.mask,
        .vhost = c.host,
        .in6_enabled = c.ipv6,
        .vprefix_len = 64,
        .vhostname = u->hostname,
        .vdhcp_start = c.dhcp,
        .vnameserver = c.dns,
    };
    /* QEMU's IPv6 plan: prefix fec0::/64, host ::2, DNS ::3. */
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    u->slirp = slirp_new(&cfg, &user_callbacks, u);
    if (!u->slirp) {
        snprintf(err, errlen, "-netdev user: libslirp could not start");
        user_free(u);
        return NULL;
    }
    for (unsigned i = 0; i < c.n_fwd; i++) {
        const struct user_fwd *f = &c.fwd[i];
        errno = 0;
        if (slirp_add_hostfwd(u->slirp, f->udp, f->host, f->host_port, f->guest,
                              f->guest_port) < 0) {
            snprintf(err, errlen, "-netdev user: could not set up host forwarding rule '%s'%s%s",
                     f->rule, errno ? ": " : "", errno ? strerror(errno) : "");
            user_free(u);
            return NULL;
        }
    }
    if (pthread_create(&u->thread, NULL, user_thread, u)) {
        snprintf(err, errlen, "-netdev user: cannot start its thread");
        user_free(u);
        return NULL;
    }
    return &u->nb;
}
