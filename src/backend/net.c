/*
 * Network backends (see net.h): the spec parser, the dispatch to the user
 * and tap backends, and the receive queue both share.
 */
#include "backend/net_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct net_backend net_checked;

/* Splits "type,key=value,..." into the type and the pairs. */
static bool net_split(const char *spec, struct net_opts *o, char **type, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->copy = strdup(spec);
    if (!o->copy) {
        snprintf(err, errlen, "-netdev: out of memory");
        return false;
    }
    char *save = NULL;
    *type = strtok_r(o->copy, ",", &save);
    if (!*type) {
        snprintf(err, errlen, "-netdev: expected a backend type (user or tap)");
        return false;
    }
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errlen, "-netdev %s: expected key=value, got '%s'", *type, item);
            return false;
        }
        if (o->n == NET_MAX_OPTS) {
            snprintf(err, errlen, "-netdev %s: more than %d options", *type, NET_MAX_OPTS);
            return false;
        }
        *eq = '\0';
        o->key[o->n] = item;
        o->val[o->n++] = eq + 1;
    }
    return true;
}

static const char *net_opt_id(const struct net_opts *o)
{
    for (unsigned i = 0; i < o->n; i++)
        if (!strcmp(o->key[i], "id"))
            return o->val[i];
    return NULL;
}

static struct net_backend *net_parse(const char *spec, bool open, char **id, char *err,
                                     size_t errlen)
{
    struct net_opts o;
    char *type;
    struct net_backend *nb = NULL;
    if (!net_split(spec, &o, &type, err, errlen))
        goto out;
    const char *i = net_opt_id(&o);
    if (!i || !*i) {
        snprintf(err, errlen, "-netdev %s: needs id=NAME for -device to refer to", type);
        goto out;
    }
    if (!strcmp(type, "user"))
        nb = net_user_open(&o, open, err, errlen);
    else if (!strcmp(type, "tap"))
        nb = net_tap_open(&o, open, err, errlen);
    else
        snprintf(err, errlen, "-netdev %s: unsupported backend (user or tap)", type);
    if (nb && id && !(*id = strdup(i))) {
        snprintf(err, errlen, "-netdev: out of memory");
        if (nb != &net_checked)
            net_close(nb);
        nb = NULL;
    }
out:
    free(o.copy);
    return nb;
}

bool net_check_spec(const char *spec, char *id, size_t idlen, char *err, size_t errlen)
{
    char *i = NULL;
    if (!net_parse(spec, false, &i, err, errlen))
        return false;
    snprintf(id, idlen, "%s", i);
    free(i);
    return true;
}

struct net_backend *net_open(const char *spec, char *err, size_t errlen)
{
    char *id = NULL;
    struct net_backend *nb = net_parse(spec, true, &id, err, errlen);
    if (nb)
        nb->id = id;
    return nb;
}

const char *net_id(const struct net_backend *nb)
{
    return nb->id;
}

int net_backend_init(struct net_backend *nb, const struct net_backend_ops *ops, const char *id)
{
    nb->ops = ops;
    nb->q_tail = &nb->q_head;
    if (pipe(nb->wake) < 0)
        return -errno;
    for (int k = 0; k < 2; k++) {
        fcntl(nb->wake[k], F_SETFL, fcntl(nb->wake[k], F_GETFL) | O_NONBLOCK);
        fcntl(nb->wake[k], F_SETFD, FD_CLOEXEC);
    }
    pthread_mutex_init(&nb->rx_lock, NULL);
    return 0;
}

void net_backend_fini(struct net_backend *nb)
{
    while (nb->q_head) {
        struct net_frame *f = nb->q_head;
        nb->q_head = f->next;
        free(f);
    }
    close(nb->wake[0]);
    close(nb->wake[1]);
    pthread_mutex_destroy(&nb->rx_lock);
    free(nb->id);
}

void net_close(struct net_backend *nb)
{
    if (!nb)
        return;
    net_set_receiver(nb, NULL);
    nb->ops->close(nb);   /* frees nb */
}

void net_send(struct net_backend *nb, const void *frame, size_t len)
{
    if (len && len <= NET_FRAME_MAX)
        nb->ops->send(nb, frame, len);
}

void net_wake(struct net_backend *nb)
{
    char c = 0;
    /* A full pipe already holds a wake-up. */
    if (write(nb->wake[1], &c, 1) < 0 && errno != EAGAIN)
        return;
}

void net_drain_wake(struct net_backend *nb)
{
    char buf[64];
    while (read(nb->wake[0], buf, sizeof(buf)) > 0)
        ;
}

void net_set_receiver(struct net_backend *nb, const struct net_receiver *rx)
{
    pthread_mutex_lock(&nb->rx_lock);
    nb->has_rx = rx != NULL;
    if (rx)
        nb->rx = *rx;
    pthread_mutex_unlock(&nb->rx_lock);
    if (rx)
        net_wake(nb);
}

void net_accept_input(struct net_backend *nb)
{
    net_wake(nb);
}

/* rx_lock held. */
static bool net_flush_locked(struct net_backend *nb)
{
    while (nb->q_head && nb->has_rx && nb->rx.can_receive(nb->rx.opaque)) {
        struct net_frame *f = nb->q_head;
        if (!nb->rx.receive(nb->rx.opaque, f->data, f->len))
            break;
        nb->q_head = f->next;
        if (!nb->q_head)
            nb->q_tail = &nb->q_head;
        nb->q_len--;
        free(f);
    }
    return !nb->q_head;
}

bool net_flush(struct net_backend *nb)
{
    pthread_mutex_lock(&nb->rx_lock);
    bool empty = net_flush_locked(nb);
    pthread_mutex_unlock(&nb->rx_lock);
    return empty;
}

bool net_deliver(struct net_backend *nb, const uint8_t *frame, size_t len)
{
    bool ok = true;
    pthread_mutex_lock(&nb->rx_lock);
    /* Frames stay in order: a queued frame goes first. */
    if (net_flush_locked(nb) && nb->has_rx && nb->rx.can_receive(nb->rx.opaque) &&
        nb->rx.receive(nb->rx.opaque, frame, len)) {
        /* Taken. */
    } else if (!nb->has_rx) {
        /* No NIC attached: the frame goes nowhere, like an unplugged cable. */
    } else if (nb->q_len >= NET_QUEUE_MAX) {
        ok = false;
    } else {
        struct net_frame *f = malloc(sizeof(*f) + len);
        if (f) {
            f->next = NULL;
            f->len = len;
            memcpy(f->data, frame, len);
            *nb->q_tail = f;
            nb->q_tail = &f->next;
            nb->q_len++;
        }
        ok = f != NULL;
    }
    pthread_mutex_unlock(&nb->rx_lock);
    return ok;
}

bool net_queue_full(struct net_backend *nb)
{
    pthread_mutex_lock(&nb->rx_lock);
    bool full = nb->q_len >= NET_QUEUE_MAX;
    pthread_mutex_unlock(&nb->rx_lock);
    return full;
}
