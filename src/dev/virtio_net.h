/*
 * virtio-net (virtio 1.2 spec 5.1), as QEMU 7.2's virtio-net-device on a
 * backend without offloads (-netdev user or tap): a receive and a transmit
 * queue of 256 entries and a control queue of 64; MAC and link status in
 * the config space; the receive filters the control queue sets.
 */
#ifndef ARMVIRT_VIRTIO_NET_H
#define ARMVIRT_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/virtio.h"

#define VIRTIO_ID_NET 1

struct physmem;
struct net_backend;
struct virtio_net;

/* A NIC with address `mac` on backend `nb` (NULL: a NIC with no cable,
 * whose frames go nowhere). The backend stays the caller's; it is attached
 * here and detached by virtio_net_destroy. NULL if memory or the transmit
 * thread cannot be had. */
struct virtio_net *virtio_net_create(struct physmem *mem, struct net_backend *nb,
                                     const uint8_t mac[6]);
/* The virtio device to hand to a transport. */
struct virtio_device *virtio_net_device(struct virtio_net *net);
/* Link up or down (config status, with a config interrupt), as QEMU's
 * set_link; for fault injection. Any thread. */
void virtio_net_set_link(struct virtio_net *net, bool up);
struct fault_point;
/* Frames in both directions go through the rules on `fault` (src/fault):
 * dropped, duplicated, corrupted or delayed. Set before the guest runs. */
void virtio_net_set_fault(struct virtio_net *net, struct fault_point *fault);
/* Frames dropped so far: no buffer, filtered out, a fault rule, or too big. */
uint64_t virtio_net_dropped(struct virtio_net *net);
/* Stops the worker and detaches the backend; destroy the transport first. */
void virtio_net_destroy(struct virtio_net *net);

#endif
