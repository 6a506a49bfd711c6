/*
 * What the network backends (net_user.c, net_tap.c) share with net.c: the
 * common head of every backend, the receive queue and the spec parser.
 * Private to src/backend.
 */
#ifndef ARMVIRT_NET_IMPL_H
#define ARMVIRT_NET_IMPL_H

#include <pthread.h>

#include "backend/net.h"

/* Frames held for a device that has no room; beyond this many, dropped
 * (QEMU's queue for a network peer holds as many). */
#define NET_QUEUE_MAX 10000

struct net_frame {
    struct net_frame *next;
    size_t len;
    uint8_t data[];
};

struct net_backend_ops {
    void (*send)(struct net_backend *nb, const void *frame, size_t len);
    /* Stop the thread and free the backend's own part (not the head). */
    void (*close)(struct net_backend *nb);
};

struct net_backend {
    const struct net_backend_ops *ops;
    char *id;
    /* Guards rx and the queue, and is held while a device callback runs,
     * so detaching waits for a delivery in progress. */
    pthread_mutex_t rx_lock;
    struct net_receiver rx;
    bool has_rx;
    struct net_frame *q_head, **q_tail;
    unsigned q_len;
    int wake[2];                /* self-pipe: wakes the backend's poll() */
};

/* key=value pairs of a spec after its type; values point into a copy. */
#define NET_MAX_OPTS 64
struct net_opts {
    char *copy;
    unsigned n;
    char *key[NET_MAX_OPTS], *val[NET_MAX_OPTS];
};

int net_backend_init(struct net_backend *nb, const struct net_backend_ops *ops, const char *id);
void net_backend_fini(struct net_backend *nb);

/* Hand a received frame to the device, or queue it. False if it was
 * dropped because the queue is full (the caller may stop reading). */
bool net_deliver(struct net_backend *nb, const uint8_t *frame, size_t len);
/* Deliver queued frames while the device can take them; true if the queue
 * is empty afterwards. */
bool net_flush(struct net_backend *nb);
/* Is the queue full (a reader should wait for net_accept_input)? */
bool net_queue_full(struct net_backend *nb);

void net_wake(struct net_backend *nb);
void net_drain_wake(struct net_backend *nb);

/* The user and tap backends: parse (open = false: check only). */
struct net_backend *net_user_open(const struct net_opts *o, bool do_open, char *err, size_t errlen);
struct net_backend *net_tap_open(const struct net_opts *o, bool do_open, char *err, size_t errlen);

/* A non-NULL pointer that net_*_open returns when open is false. */
extern struct net_backend net_checked;

#endif
