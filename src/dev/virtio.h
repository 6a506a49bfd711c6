/*
 * The contract between a virtio device model (blk, rng, and next net and
 * console) and its transport (virtio-mmio), after the virtio 1.2 spec,
 * chapters 2 (basic facilities) and 3 (initialization).
 *
 * A device embeds `struct virtio_device` and fills in a const
 * `virtio_device_ops`. The common state here (status, ISR, features, the
 * queues) belongs to neither side alone: the transport changes it from guest
 * register writes, the device from its own threads. One mutex, `lock`,
 * guards all of it:
 *  - the transport calls every ops callback with `lock` held;
 *  - a device's worker takes `lock` to pop from or push to a queue and to
 *    notify, and drops it while it copies data or waits for the disk, since
 *    a popped buffer belongs to the device until it is pushed back;
 *  - `ops->reset` runs with `lock` held and must not return while a worker
 *    still owns popped buffers (it waits on its own condition variable with
 *    pthread_cond_wait(&cond, &vdev->lock)), so a reset can never race a late
 *    push into a ring the driver has already torn down.
 * Devices never see the transport's address or interrupt: they raise
 * interrupts through virtio_notify_queue() / virtio_notify_config().
 */
#ifndef ARMVIRT_VIRTIO_H
#define ARMVIRT_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/virtqueue.h"

struct physmem;

/* Device status bits (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Interrupt status bits (spec 4.2.2, InterruptStatus). */
#define VIRTIO_ISR_USED 1u
#define VIRTIO_ISR_CONFIG 2u

/* Reserved feature bits (spec 6), and the two legacy ones (spec 6.3). */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_RESET 40

#define VIRTIO_BIT(n) (1ull << (n))

/* Virtio device IDs (spec 5). */
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG 4

/* The largest config space a device may have (virtio-mmio maps 0x100-0x1ff). */
#define VIRTIO_CONFIG_MAX 256

struct virtio_device;

struct virtio_device_ops {
    const char *name;
    uint32_t device_id;
    /* Feature bits offered, given the transport's own ring and transport bits
     * for the interface in use (legacy or modern); a device adds its own and
     * may drop some of `common` (QEMU's virtio-blk drops ANY_LAYOUT). */
    uint64_t (*features)(struct virtio_device *vdev, uint64_t common, bool modern);
    /* Copy the config space (config_len bytes, little-endian) into cfg. */
    void (*config_get)(struct virtio_device *vdev, uint8_t *cfg);
    /* The driver wrote the config space; cfg is the whole new image. Optional. */
    void (*config_set)(struct virtio_device *vdev, const uint8_t *cfg);
    /* The driver notified queue q (DRIVER_OK is set, the queue is ready). */
    void (*queue_notify)(struct virtio_device *vdev, unsigned q);
    /* The status register changed (after the transport applied it). Optional. */
    void (*status_changed)(struct virtio_device *vdev);
    /* Quiesce before the common state is cleared: wait for in-flight buffers. */
    void (*reset)(struct virtio_device *vdev);
};

struct virtio_device {
    const struct virtio_device_ops *ops;
    struct physmem *mem;
    size_t config_len;
    unsigned num_queues;
    pthread_mutex_t lock;

    /* Guarded by lock. */
    uint8_t status;
    uint8_t isr;
    bool broken;                /* a malformed ring was seen: process nothing until reset */
    uint32_t generation;        /* ConfigGeneration */
    uint64_t host_features;     /* offered (fixed once attached to a transport) */
    uint64_t features;          /* negotiated */
    struct virtqueue *vq;       /* num_queues entries */

    /* Set by the transport: recompute its interrupt output from isr. */
    void (*irq_update)(void *transport);
    void *transport;

    /* Guest pages holding decoded code that the device wrote by DMA from a
     * worker thread; invalidated later on a vCPU thread (see
     * virtio_flush_code_writes). Guarded by lock. */
    uint64_t *code_pages;
    unsigned n_code_pages, cap_code_pages;
};

/* Set up the common part; queue_size[i] is queue i's default size (QEMU's
 * per-device sizes: virtio-blk 256, virtio-rng 8). Returns 0 or -ENOMEM. */
int virtio_device_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
                       struct physmem *mem, size_t config_len, unsigned num_queues,
                       const uint16_t *queue_size);
void virtio_device_destroy(struct virtio_device *vdev);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
    return (vdev->features >> bit) & 1;
}

/* True when the device may consume buffers from queue q. Lock held. */
bool virtio_queue_active(const struct virtio_device *vdev, unsigned q);

/* The driver broke the rules (a looping chain, an address outside RAM...):
 * mark the device broken, set NEEDS_RESET and raise a config-change
 * interrupt, as QEMU's virtio_error does. Lock held. */
void virtio_error(struct virtio_device *vdev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* After pushing used buffers to vq: raise the used-buffer interrupt unless
 * the driver suppressed it (flags or event index). Lock held. */
void virtio_notify_queue(struct virtio_device *vdev, struct virtqueue *vq);
/* The config space changed: bump ConfigGeneration, config interrupt. Lock held. */
void virtio_notify_config(struct virtio_device *vdev);

/* Reset the common state (status, ISR, features, queues) after asking the
 * device to quiesce. Lock held. */
void virtio_device_reset(struct virtio_device *vdev);

/* Record that [pa, pa+len) of guest RAM was written by DMA; pages that hold
 * decoded code are remembered. Lock held. */
void virtio_dma_written(struct virtio_device *vdev, uint64_t pa, uint64_t len);
/* Invalidate the decoded code on the remembered pages. Called by the
 * transport on a vCPU thread (lock held) before the driver can look at the
 * used ring: on reads of InterruptStatus and on notifies. */
void virtio_flush_code_writes(struct virtio_device *vdev);

#endif
