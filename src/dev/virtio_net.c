/*
 * virtio-net: virtio 1.2 spec 5.1, with the feature bits and config space
 * of QEMU 7.2's virtio-net-device on a backend without a virtio header
 * (read over qtest with -netdev user: features legacy 0x39bf8064, modern
 * 0x30bf8024 | 0x101 << 32; config = mac[6], status u16 = LINK_UP, 8
 * bytes; queues 0-2 exist, 3 does not).
 *
 * Offered: MAC, STATUS, MRG_RXBUF, CTRL_VQ, CTRL_RX, CTRL_RX_EXTRA,
 * CTRL_VLAN, CTRL_MAC_ADDR, GUEST_ANNOUNCE (the device never asks: no
 * migration), CTRL_GUEST_OFFLOADS (no guest offload exists, so only "none"
 * can be set) and, legacy only, GSO, which means nothing without CSUM (the
 * driver may not send GSO frames unless it also has a HOST_* bit, and none
 * is offered) -- all as QEMU offers them with -netdev user. No checksum or
 * segmentation offload, no multiqueue, no MTU, no RSS.
 *
 * The net header is 10 bytes in legacy mode without MRG_RXBUF and 12 with
 * MRG_RXBUF or VERSION_1 (spec 5.1.6, 5.1.6.1 legacy). Transmit: the header
 * is skipped (its flags can ask for nothing we offered). Receive: a zeroed
 * header with num_buffers, then the frame, in one chain, or with
 * MRG_RXBUF spread over as many chains as it needs.
 *
 * Threads: a transmit worker pops tx chains under the device lock, copies
 * the frame out and sends it without the lock (the backend may deliver a
 * reply at once, which takes the lock), then pushes. Receive runs on the
 * backend's thread entirely under the lock: a frame is copied into guest
 * buffers and pushed before the lock is dropped, so reset never waits for
 * it. Every frame passes through net_tx_frame or net_receive, where fault
 * rules (src/fault) may drop, duplicate, corrupt or delay it; a delay
 * sleeps on the thread carrying the frame, like a slow link, with no lock
 * held.
 */
#include "dev/virtio_net_impl.h"

#include <stdlib.h>
#include <string.h>

#include "backend/net.h"
#include "fault/fault.h"

#define NET_QUEUE_SIZE 256      /* QEMU's rx and tx queue size */
#define NET_CTRL_QUEUE_SIZE 64  /* QEMU's control queue */
#define CFG_LEN 8               /* mac, status: QEMU's size with STATUS and no MQ/MTU */
#define NET_HDR_MAX 12
/* The used ring's entries start 4 bytes in (flags, idx). */
#define USED_RING 4

static struct virtio_net *to_net(struct virtio_device *vdev)
{
    return (struct virtio_net *)vdev;
}

static size_t net_hdr_len(const struct virtio_net *net)
{
    const struct virtio_device *vdev = &net->vdev;
    return virtio_has_feature(vdev, VIRTIO_F_VERSION_1) ||
                   virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF)
               ? 12
               : 10;
}

static uint64_t net_features(struct virtio_device *vdev, uint64_t common, bool modern)
{
    uint64_t f = common | VIRTIO_BIT(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) |
                 VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
                 VIRTIO_BIT(VIRTIO_NET_F_STATUS) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) |
                 VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_VLAN) |
                 VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX_EXTRA) |
                 VIRTIO_BIT(VIRTIO_NET_F_GUEST_ANNOUNCE) |
                 VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR);
    if (!modern)
        f |= VIRTIO_BIT(VIRTIO_NET_F_GSO);
    return f;
}

static void net_config_get(struct virtio_device *vdev, uint8_t *cfg)
{
    struct virtio_net *net = to_net(vdev);
    uint16_t status = (net->link_up ? VIRTIO_NET_S_LINK_UP : 0) |
                      (net->announce ? VIRTIO_NET_S_ANNOUNCE : 0);
    memcpy(cfg, net->mac, ETH_ALEN);
    memcpy(cfg + 6, &status, 2);
}

/* A legacy driver without CTRL_MAC_ADDR sets the MAC by writing the config
 * space (spec 5.1.4.3 legacy); otherwise the config is read-only (QEMU). */
static void net_config_set(struct virtio_device *vdev, const uint8_t *cfg)
{
    if (!virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR) &&
        !virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
        memcpy(to_net(vdev)->mac, cfg, ETH_ALEN);
}

/* ---- receive ---- */

/* Make n popped chains used at once: a merged frame must never be seen in
 * part, so the entries are written first and the index published once
 * (vq_push publishes each). Lock held. */
static void net_push_batch(struct virtio_device *vdev, struct virtqueue *vq,
                           struct vq_elem **elems, const uint32_t *written, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t *entry = vq->used + USED_RING + 8u * ((uint16_t)(vq->used_idx + i) % vq->num);
        uint32_t id = elems[i]->head;
        memcpy(entry, &id, 4);
        memcpy(entry + 4, &written[i], 4);
        uint64_t left = written[i];
        for (unsigned s = elems[i]->n_out; s < elems[i]->n_out + elems[i]->n_in && left; s++) {
            uint64_t k = elems[i]->seg[s].len < left ? elems[i]->seg[s].len : left;
            virtio_dma_written(vdev, elems[i]->seg[s].pa, k);
            left -= k;
        }
    }
    vq->used_idx = (uint16_t)(vq->used_idx + n);
    vq->inuse -= n;
    __atomic_store_n((uint16_t *)(vq->used + 2), vq->used_idx, __ATOMIC_RELEASE);
}

/* Give back chains popped for a frame that will not be delivered now. */
static void net_unpop(struct virtqueue *vq, struct vq_elem **elems, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free(elems[i]);
    vq->last_avail_idx = (uint16_t)(vq->last_avail_idx - n);
    vq->inuse -= n;
}

/* Copy a frame into the guest's receive buffers. Returns false if there
 * are not enough buffers now (nothing consumed: the backend keeps the
 * frame and retries after net_accept_input). Lock held. */
static bool net_rx_deliver(struct virtio_net *net, const uint8_t *frame, size_t len)
{
    struct virtio_device *vdev = &net->vdev;
    struct virtqueue *vq = &vdev->vq[NET_RXQ];
    if (!virtio_queue_active(vdev, NET_RXQ))
        return false;
    bool merge = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    size_t hdr_len = net_hdr_len(net), total = hdr_len + len;
    struct vq_elem *elems[NET_QUEUE_SIZE];
    uint32_t written[NET_QUEUE_SIZE];
    unsigned n = 0;
    uint64_t room = 0;
    while (room < total) {
        if (n == NET_QUEUE_SIZE || (!merge && n == 1))
            break;
        struct vq_elem *e;
        int r = vq_pop(vdev, vq, &e);
        if (r < 0) {
            net_unpop(vq, elems, n);
            net->dropped++;
            return true;    /* broken ring: nothing more is delivered */
        }
        if (r == 0) {
            /* Buffers added meanwhile: look again (vq_pop answers 0 only
             * for an empty ring here: the lock is held, the queue active). */
            if (!vdev->broken && vq_arm_notify(vdev, vq))
                continue;
            net_unpop(vq, elems, n);
            return false;
        }
        if (e->in_len == 0) {
            net_unpop(vq, elems, n);
            vq->inuse--;
            free(e);
            virtio_error(vdev, "receive buffer with no writable part");
            return true;
        }
        elems[n++] = e;
        room += e->in_len;
    }
    if (room < total) {
        /* One chain too small without MRG_RXBUF, or a frame longer than the
         * whole ring: dropped, the buffers stay the driver's (QEMU). */
        net_unpop(vq, elems, n);
        net->dropped++;
        return true;
    }
    uint8_t hdr[NET_HDR_MAX] = {0};
    uint16_t nbuf = (uint16_t)n;
    memcpy(hdr + 10, &nbuf, 2);     /* num_buffers (only in the 12-byte header) */
    size_t off = 0;                 /* bytes of header + frame placed so far */
    for (unsigned i = 0; i < n; i++) {
        size_t cap = elems[i]->in_len < total - off ? (size_t)elems[i]->in_len : total - off;
        size_t done = 0;
        if (off < hdr_len) {
            size_t h = hdr_len - off < cap ? hdr_len - off : cap;
            vq_write_in(elems[i], 0, hdr + off, h);
            done = h;
        }
        if (done < cap)
            vq_write_in(elems[i], done, frame + (off + done - hdr_len), cap - done);
        written[i] = (uint32_t)cap;
        off += cap;
    }
    net_push_batch(vdev, vq, elems, written, n);
    for (unsigned i = 0; i < n; i++)
        free(elems[i]);
    virtio_notify_queue(vdev, vq);
    return true;
}

/* Every frame from the network enters here (the place for fault rules). */
static bool net_rx_frame(struct virtio_net *net, const uint8_t *frame, size_t len)
{
    if (!net->link_up || !net_filter_accepts(net, frame, len)) {
        net->dropped++;
        return true;
    }
    return net_rx_deliver(net, frame, len);
}

static bool net_can_receive(void *opaque)
{
    struct virtio_net *net = opaque;
    pthread_mutex_lock(&net->vdev.lock);
    bool ok = virtio_queue_active(&net->vdev, NET_RXQ);
    pthread_mutex_unlock(&net->vdev.lock);
    return ok;
}

/* A frame from the backend. With fault rules on the NIC it is decided on
 * (and maybe corrupted) in a copy first; a frame the guest has no room for
 * comes back later and is decided on again. */
static bool net_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *net = opaque;
    enum fault_net_action act = FAULT_NET_PASS;
    uint8_t *copy = NULL;
    if (fault_point_active(net->fault) && (copy = malloc(len))) {
        uint64_t delay_ns = 0;
        memcpy(copy, frame, len);
        act = fault_net_packet(net->fault, false, copy, len, &delay_ns);
        frame = copy;
        if (act != FAULT_NET_DROP && delay_ns)
            fault_sleep_ns(delay_ns);
    }
    pthread_mutex_lock(&net->vdev.lock);
    bool taken = true;
    if (act == FAULT_NET_DROP)
        net->dropped++;
    else if ((taken = net_rx_frame(net, frame, len)) && act == FAULT_NET_DUPLICATE)
        net_rx_frame(net, frame, len);
    pthread_mutex_unlock(&net->vdev.lock);
    free(copy);
    return taken;
}

/* ---- transmit ---- */

/* Every frame to the network leaves here, through the NIC's fault rules.
 * Lock not held. */
static void net_tx_frame(struct virtio_net *net, const uint8_t *frame, size_t len)
{
    if (!net->nb)
        return;
    if (!fault_point_active(net->fault)) {
        net_send(net->nb, frame, len);
        return;
    }
    uint8_t *copy = malloc(len);
    if (!copy) {
        net_send(net->nb, frame, len);
        return;
    }
    memcpy(copy, frame, len);
    uint64_t delay_ns = 0;
    enum fault_net_action act = fault_net_packet(net->fault, true, copy, len, &delay_ns);
    if (act == FAULT_NET_DROP) {
        pthread_mutex_lock(&net->vdev.lock);
        net->dropped++;
        pthread_mutex_unlock(&net->vdev.lock);
    } else {
        if (delay_ns)
            fault_sleep_ns(delay_ns);
        net_send(net->nb, copy, len);
        if (act == FAULT_NET_DUPLICATE)
            net_send(net->nb, copy, len);
    }
    free(copy);
}

/* Pop, send and push until the ring is empty. Lock held on entry and exit. */
static void net_tx_drain(struct virtio_net *net)
{
    struct virtio_device *vdev = &net->vdev;
    struct virtqueue *vq = &vdev->vq[NET_TXQ];
    bool pushed = false;
    while (!net->stop && virtio_queue_active(vdev, NET_TXQ)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        size_t hdr_len = net_hdr_len(net);
        if (e->out_len < hdr_len) {
            vq->inuse--;
            free(e);
            virtio_error(vdev, "transmit buffer shorter than the net header");
            break;
        }
        uint64_t len = e->out_len - hdr_len;
        bool up = net->link_up;
        net->inflight++;
        pthread_mutex_unlock(&vdev->lock);

        /* Too long for any backend: dropped, as a wire would. */
        if (up && len && len <= NET_FRAME_MAX) {
            vq_read_out(e, hdr_len, net->tx_buf, (size_t)len);
            net_tx_frame(net, net->tx_buf, (size_t)len);
        }

        pthread_mutex_lock(&vdev->lock);
        if (!up || len > NET_FRAME_MAX)
            net->dropped++;
        vq_push(vdev, vq, e, 0);
        free(e);
        pushed = true;
        if (--net->inflight == 0)
            pthread_cond_broadcast(&net->idle_cond);
        /* Interrupt now and then so the driver can reuse buffers early. */
        if ((vq->used_idx & 63) == 0) {
            virtio_notify_queue(vdev, vq);
            pushed = false;
        }
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
}

static void *net_tx_worker(void *opaque)
{
    struct virtio_net *net = opaque;
    struct virtio_device *vdev = &net->vdev;
    pthread_mutex_lock(&vdev->lock);
    while (!net->stop) {
        if (!net->kick) {
            pthread_cond_wait(&net->kick_cond, &vdev->lock);
            continue;
        }
        net->kick = false;
        net_tx_drain(net);
    }
    pthread_mutex_unlock(&vdev->lock);
    return NULL;
}

static void net_kick_tx(struct virtio_net *net)
{
    net->kick = true;
    pthread_cond_signal(&net->kick_cond);
}

/* ---- virtio ops ---- */

static void net_queue_notify(struct virtio_device *vdev, unsigned q)
{
    struct virtio_net *net = to_net(vdev);
    if (q == NET_RXQ && net->nb)
        net_accept_input(net->nb);
    else if (q == NET_TXQ)
        net_kick_tx(net);
    else if (q == NET_CTRLQ)
        net_ctrl_notify(net);
}

/* Buffers made available before DRIVER_OK are served once it is set. */
static void net_status_changed(struct virtio_device *vdev)
{
    struct virtio_net *net = to_net(vdev);
    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    net_kick_tx(net);
    if (net->nb)
        net_accept_input(net->nb);
}

static void net_reset(struct virtio_device *vdev)
{
    struct virtio_net *net = to_net(vdev);
    while (net->inflight)
        pthread_cond_wait(&net->idle_cond, &vdev->lock);
    net->kick = false;
    memcpy(net->mac, net->conf_mac, ETH_ALEN);
    net->announce = false;
    net_filter_reset(net);
}

static const struct virtio_device_ops net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = net_features,
    .config_get = net_config_get,
    .config_set = net_config_set,
    .queue_notify = net_queue_notify,
    .status_changed = net_status_changed,
    .reset = net_reset,
};

struct virtio_net *virtio_net_create(struct physmem *mem, struct net_backend *nb,
                                     const uint8_t mac[6])
{
    struct virtio_net *net = calloc(1, sizeof(*net));
    if (!net)
        return NULL;
    net->tx_buf = malloc(NET_FRAME_MAX);
    static const uint16_t sizes[3] = {NET_QUEUE_SIZE, NET_QUEUE_SIZE, NET_CTRL_QUEUE_SIZE};
    if (!net->tx_buf || virtio_device_init(&net->vdev, &net_ops, mem, CFG_LEN, 3, sizes)) {
        free(net->tx_buf);
        free(net);
        return NULL;
    }
    net->nb = nb;
    memcpy(net->conf_mac, mac, ETH_ALEN);
    memcpy(net->mac, mac, ETH_ALEN);
    net->link_up = true;
    net_filter_reset(net);
    pthread_cond_init(&net->kick_cond, NULL);
    pthread_cond_init(&net->idle_cond, NULL);
    if (pthread_create(&net->worker, NULL, net_tx_worker, net)) {
        pthread_cond_destroy(&net->kick_cond);
        pthread_cond_destroy(&net->idle_cond);
        virtio_device_destroy(&net->vdev);
        free(net->tx_buf);
        free(net);
        return NULL;
    }
    if (nb) {
        struct net_receiver rx = {
            .can_receive = net_can_receive,
            .receive = net_receive,
            .opaque = net,
        };
        net_set_receiver(nb, &rx);
    }
    return net;
}

struct virtio_device *virtio_net_device(struct virtio_net *net)
{
    return &net->vdev;
}

void virtio_net_set_fault(struct virtio_net *net, struct fault_point *fault)
{
    net->fault = fault;
}

void virtio_net_set_link(struct virtio_net *net, bool up)
{
    pthread_mutex_lock(&net->vdev.lock);
    if (net->link_up != up) {
        net->link_up = up;
        virtio_notify_config(&net->vdev);
    }
    pthread_mutex_unlock(&net->vdev.lock);
    if (up && net->nb)
        net_accept_input(net->nb);
}

uint64_t virtio_net_dropped(struct virtio_net *net)
{
    pthread_mutex_lock(&net->vdev.lock);
    uint64_t n = net->dropped;
    pthread_mutex_unlock(&net->vdev.lock);
    return n;
}

void virtio_net_destroy(struct virtio_net *net)
{
    if (!net)
        return;
    if (net->nb)
        net_set_receiver(net->nb, NULL);
    pthread_mutex_lock(&net->vdev.lock);
    net->stop = true;
    pthread_cond_signal(&net->kick_cond);
    pthread_mutex_unlock(&net->vdev.lock);
    pthread_join(net->worker, NULL);
    pthread_cond_destroy(&net->kick_cond);
    pthread_cond_destroy(&net->idle_cond);
    virtio_device_destroy(&net->vdev);
    free(net->tx_buf);
    free(net);
}
