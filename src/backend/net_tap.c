/*
 * The tap network backend: a host tap interface from /dev/net/tun
 * (IFF_TAP | IFF_NO_PI: each read or write is one bare Ethernet frame). No
 * IFF_VNET_HDR, since the device offers no offloads that would need it.
 *
 * One thread reads frames after poll(2) on the tap descriptor and the
 * self-pipe; while the device's queue is full it stops polling the tap, so
 * the kernel holds (and at its own limit drops) frames. Frames to the
 * network are written straight from the sender's thread.
 *
 * NOTE: QEMU runs /etc/qemu-ifup unless script=no; armvirt runs no
 * scripts: configure the interface yourself (ip addr/link) and say
 * script=no,downscript=no, or leave them out.
 */
#include "backend/net_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct net_tap {
    struct net_backend nb;      /* first: net.c frees through it */
    int fd;
    bool stop;                  /* written before the wake-up, read by the thread */
    pthread_t thread;
    uint8_t buf[NET_FRAME_MAX];
};

static struct net_tap *to_tap(struct net_backend *nb)
{
    return (struct net_tap *)nb;
}

static void *tap_thread(void *opaque)
{
    struct net_tap *t = opaque;
    while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
        bool room = net_flush(&t->nb) || !net_queue_full(&t->nb);
        struct pollfd pfd[2] = {
            {.fd = t->nb.wake[0], .events = POLLIN},
            {.fd = t->fd, .events = room ? POLLIN : 0},
        };
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[0].revents & POLLIN)
            net_drain_wake(&t->nb);
        if (pfd[1].revents & (POLLERR | POLLNVAL))
            break;
        if (!(pfd[1].revents & POLLIN))
            continue;
        /* A few frames per wake-up, then look at the queue again. */
        for (int k = 0; k < 64; k++) {
            ssize_t n = read(t->fd, t->buf, sizeof(t->buf));
            if (n <= 0)
                break;
            if (!net_deliver(&t->nb, t->buf, (size_t)n))
                break;
        }
    }
    return NULL;
}

static void tap_send(struct net_backend *nb, const void *frame, size_t len)
{
    /* A tap write does not block; an error drops the frame like a wire. */
    if (write(to_tap(nb)->fd, frame, len) < 0)
        return;
}

static void tap_close(struct net_backend *nb)
{
    struct net_tap *t = to_tap(nb);
    __atomic_store_n(&t->stop, true, __ATOMIC_RELEASE);
    net_wake(nb);
    pthread_join(t->thread, NULL);
    close(t->fd);
    net_backend_fini(nb);
    free(t);
}

static const struct net_backend_ops tap_ops = {
    .send = tap_send,
    .close = tap_close,
};

struct net_backend *net_tap_open(const struct net_opts *o, bool do_open, char *err, size_t errlen)
{
    const char *ifname = "";
    for (unsigned i = 0; i < o->n; i++) {
        const char *k = o->key[i], *v = o->val[i];
        if (!strcmp(k, "id")) {
        } else if (!strcmp(k, "ifname")) {
            ifname = v;
            if (strlen(v) >= IFNAMSIZ) {
                snprintf(err, errlen, "-netdev tap: ifname=%s: longer than %d characters", v,
                         IFNAMSIZ - 1);
                return NULL;
            }
        } else if (!strcmp(k, "script") || !strcmp(k, "downscript")) {
            if (*v && strcmp(v, "no")) {
                snprintf(err, errlen, "-netdev tap: %s=%s: armvirt runs no scripts (use %s=no)",
                         k, v, k);
                return NULL;
            }
        } else if (!strcmp(k, "vnet_hdr")) {
            if (strcmp(v, "off") && strcmp(v, "no")) {
                snprintf(err, errlen, "-netdev tap: vnet_hdr=%s: only off is supported", v);
                return NULL;
            }
        } else {
            snprintf(err, errlen,
                     "-netdev tap: unknown option '%s' (id, ifname, script, downscript)", k);
            return NULL;
        }
    }
    if (!do_open)
        return &net_checked;

    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "-netdev tap: cannot open /dev/net/tun: %s", strerror(errno));
        return NULL;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "-netdev tap: cannot attach to tap interface '%s': %s", ifname,
                 strerror(errno));
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct net_tap *t = calloc(1, sizeof(*t));
    if (!t || net_backend_init(&t->nb, &tap_ops, NULL)) {
        free(t);
        close(fd);
        snprintf(err, errlen, "-netdev tap: out of memory");
        return NULL;
    }
    t->fd = fd;
    if (pthread_create(&t->thread, NULL, tap_thread, t)) {
        close(fd);
        net_backend_fini(&t->nb);
        free(t);
        snprintf(err, errlen, "-netdev tap: cannot start its thread");
        return NULL;
    }
    return &t->nb;
}
