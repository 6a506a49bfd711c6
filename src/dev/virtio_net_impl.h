/*
 * virtio-net's state, shared by virtio_net.c (queues, frames, config) and
 * virtio_net_ctrl.c (control queue, receive filter). Private to src/dev.
 */
#ifndef ARMVIRT_VIRTIO_NET_IMPL_H
#define ARMVIRT_VIRTIO_NET_IMPL_H

#include "dev/virtio_net.h"

/* Feature bits (spec 5.1.3; GSO is legacy, 5.1.3.1). */
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GSO 6
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23

/* Config status bits (spec 5.1.4). */
#define VIRTIO_NET_S_LINK_UP 1u
#define VIRTIO_NET_S_ANNOUNCE 2u

#define NET_RXQ 0
#define NET_TXQ 1
#define NET_CTRLQ 2

#define ETH_ALEN 6
#define NET_MAC_TABLE 64        /* QEMU's MAC_TABLE_ENTRIES */
#define NET_MAX_VLAN 4096

struct virtio_net {
    struct virtio_device vdev;  /* first: the ops get a pointer to it */
    struct net_backend *nb;
    uint8_t conf_mac[ETH_ALEN]; /* from the command line; reset restores it */
    struct fault_point *fault;  /* -fault netdev=ID rules (src/fault), or NULL */

    /* Guarded by vdev.lock. */
    uint8_t mac[ETH_ALEN];
    bool link_up;
    bool announce;
    /* Receive filter (control class RX, MAC, VLAN). */
    bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
    uint8_t mac_table[NET_MAC_TABLE][ETH_ALEN];
    unsigned mac_in_use, first_multi;
    bool uni_overflow, multi_overflow;
    uint32_t vlans[NET_MAX_VLAN / 32];
    uint64_t dropped;

    /* Transmit worker. */
    bool kick, stop;
    unsigned inflight;          /* tx chains popped and not yet pushed */
    pthread_cond_t kick_cond, idle_cond;
    pthread_t worker;
    uint8_t *tx_buf;            /* worker only */
};

/* The filter's state after a device reset (QEMU: promiscuous). Lock held. */
void net_filter_reset(struct virtio_net *net);
/* Does the filter let this frame in? Lock held. */
bool net_filter_accepts(const struct virtio_net *net, const uint8_t *frame, size_t len);
/* Serve the control queue. Lock held. */
void net_ctrl_notify(struct virtio_net *net);

#endif
