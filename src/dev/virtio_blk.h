/*
 * virtio-blk (virtio 1.2 spec 5.2) on a block backend, as QEMU 7.2's
 * virtio-blk-device: one request queue of 256 entries by default, requests
 * served by a worker thread so the vCPU never waits for the disk.
 */
#ifndef ARMVIRT_VIRTIO_BLK_H
#define ARMVIRT_VIRTIO_BLK_H

#include "dev/virtio.h"

struct physmem;
struct block_backend;
struct virtio_blk;

/* A disk on `bb` (read-only if the backend is). `serial` is the GET_ID
 * string (at most 20 bytes are used; NULL = none). The backend stays the
 * caller's. Returns NULL if memory or the worker thread cannot be had. */
struct virtio_blk *virtio_blk_create(struct physmem *mem, struct block_backend *bb,
                                     const char *serial);
/* The disk's fault point (src/fault; NULL: none), before the machine runs. */
struct fault_point;
void virtio_blk_set_fault(struct virtio_blk *blk, struct fault_point *fault);
/* The virtio device to hand to a transport. */
struct virtio_device *virtio_blk_device(struct virtio_blk *blk);
/* Stops the worker; destroy the transport first. */
void virtio_blk_destroy(struct virtio_blk *blk);

#endif
