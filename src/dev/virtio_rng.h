/*
 * virtio-rng (virtio 1.2 spec 5.4), as QEMU 7.2's virtio-rng-device: one
 * queue (default size 8) whose device-writable buffers are filled from the
 * host's getrandom().
 */
#ifndef ARMVIRT_VIRTIO_RNG_H
#define ARMVIRT_VIRTIO_RNG_H

#include "dev/virtio.h"

struct physmem;
struct virtio_rng;

struct virtio_rng *virtio_rng_create(struct physmem *mem);
struct virtio_device *virtio_rng_device(struct virtio_rng *rng);
void virtio_rng_destroy(struct virtio_rng *rng);

#endif
