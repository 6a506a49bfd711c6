/*
 * The virtio-mmio transport (virtio 1.2 spec 4.2), one instance per slot of
 * QEMU's virt board: a 0x200-byte MMIO region and one interrupt output,
 * level-high while InterruptStatus is nonzero (as QEMU drives it; the device
 * tree calls it edge-rising, as QEMU's does).
 *
 * Version 1 (legacy, QEMU 7.2's default) or version 2 (modern, QEMU's
 * `-global virtio-mmio.force-legacy=false`) is chosen at creation. A slot
 * with no device answers Magic, Version and VendorID and reads zero
 * elsewhere, so Linux skips it (DeviceID 0).
 */
#ifndef ARMVIRT_VIRTIO_MMIO_H
#define ARMVIRT_VIRTIO_MMIO_H

#include <stdbool.h>

#include "dev/dev.h"
#include "dev/virtio.h"

#define VIRTIO_MMIO_SIZE 0x200

struct virtio_mmio;

extern const struct dev_ops virtio_mmio_ops;

/* A transport for `vdev` (NULL: an empty slot). The transport takes over
 * vdev->irq_update/transport and fixes vdev->host_features for the mode. */
struct virtio_mmio *virtio_mmio_create(struct virtio_device *vdev, bool legacy,
                                       struct irq_line irq);
/* Frees the transport only; the device is its creator's to destroy. */
void virtio_mmio_destroy(struct virtio_mmio *t);

#endif
