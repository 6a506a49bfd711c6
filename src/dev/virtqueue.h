/*
 * Split virtqueues (virtio 1.2 spec, 2.7): descriptor table, available ring
 * and used ring in guest RAM, with indirect descriptors (2.7.5.3) and event
 * index notification suppression (2.7.7, 2.7.10).
 *
 * Everything in the rings is guest-controlled and may change under us (the
 * driver runs on another thread), so each descriptor is copied once and
 * checked on the copy: indices below the queue or table size, a walk of at
 * most queue-size descriptors (indirect: table-size), every buffer wholly in
 * guest RAM (physmem_ram_ptr), device-writable buffers after the readable
 * ones. A violation is the driver's fault: vq_pop reports it through
 * virtio_error() (NEEDS_RESET) and returns an error, never touching host
 * memory outside guest RAM.
 *
 * Host little-endian is assumed: virtio rings are little-endian in modern
 * mode and guest-endian (little for an AArch64 guest) in legacy mode.
 */
#ifndef ARMVIRT_VIRTQUEUE_H
#define ARMVIRT_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c reads little-endian rings with native loads"
#endif

struct virtio_device;

/* Descriptor flags (spec 2.7.5). */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
/* avail->flags (2.7.6) and used->flags (2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

/* QueueNumMax that QEMU 7.2's virtio-mmio reports for every existing queue
 * (VIRTQUEUE_MAX_SIZE; observed over qtest: `readl 0x0a003e34` = 0x400). */
#define VIRTQ_MAX_SIZE 1024u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtqueue {
    uint16_t num_default;       /* the device's size before the driver sets one */
    uint16_t num;               /* size in use; valid while ready */
    bool ready;
    uint64_t desc_pa, avail_pa, used_pa;
    /* Host views of the three parts, checked to lie in RAM when enabled. */
    uint8_t *desc, *avail, *used;
    uint16_t last_avail_idx;    /* next avail entry to take */
    uint16_t used_idx;          /* next used entry to fill */
    uint16_t signalled_used;    /* used_idx when we last interrupted (event idx) */
    bool signalled_valid;
    unsigned inuse;             /* popped, not yet pushed */
};

/* One segment of a popped chain: a host view of guest RAM. */
struct vq_seg {
    uint8_t *host;
    uint64_t pa;
    uint32_t len;
};

/* A popped descriptor chain: out (device-readable) segments first, then in
 * (device-writable) ones. */
struct vq_elem {
    uint16_t head;
    unsigned n_out, n_in;
    uint64_t out_len, in_len;   /* bytes in each direction */
    struct vq_seg seg[];
};

/* Forget everything: not ready, indices 0, size back to the default. */
void vq_reset(struct virtqueue *vq);

/* Enable the queue with the given size and part addresses. Returns 0, or a
 * negative value after reporting the problem with virtio_error (size not a
 * power of two in 1..VIRTQ_MAX_SIZE, parts misaligned or not in RAM). */
int vq_enable(struct virtio_device *vdev, struct virtqueue *vq, unsigned num, uint64_t desc,
              uint64_t avail, uint64_t used);

/* Take the next available chain: 1 with *out set (free() it after vq_push),
 * 0 if the ring is empty, negative if the ring is malformed (virtio_error
 * has been called). Lock held. */
int vq_pop(struct virtio_device *vdev, struct virtqueue *vq, struct vq_elem **out);

/* vq_pop for a device draining a ring: when the ring looks empty it asks
 * for a notification (vq_arm_notify) and looks once more, so a chain the
 * driver added meanwhile is not left behind. 1 with *out set, 0 when the
 * ring is empty (and the driver will notify), negative as vq_pop. Lock held. */
int vq_pop_or_arm(struct virtio_device *vdev, struct virtqueue *vq, struct vq_elem **out);

/* Return a chain to the driver with `written` bytes written to its in
 * segments; marks those bytes as DMA-written. Does not interrupt. Lock held. */
void vq_push(struct virtio_device *vdev, struct virtqueue *vq, const struct vq_elem *elem,
             uint32_t written);

/* Ask the driver to notify us when it adds buffers past what we have taken
 * (event index: avail_event). Returns true if buffers arrived meanwhile and
 * the caller should pop again. Lock held. */
bool vq_arm_notify(struct virtio_device *vdev, struct virtqueue *vq);

/* Should pushing have interrupted the driver? Updates the event-index
 * bookkeeping when it says yes. Lock held. */
bool vq_should_notify(struct virtio_device *vdev, struct virtqueue *vq);

/* True if the available ring holds nothing we have not taken. */
bool vq_empty(const struct virtqueue *vq);

/* Copy between a chain and a host buffer, starting `off` bytes into the
 * chain's out (readable) or in (writable) bytes; returns bytes copied. */
size_t vq_read_out(const struct vq_elem *elem, uint64_t off, void *buf, size_t len);
size_t vq_write_in(const struct vq_elem *elem, uint64_t off, const void *buf, size_t len);

/* Bytes needed for the legacy (version 1) layout's used ring offset: the
 * used ring starts at align_up(desc + 16*num + 6 + 2*num, align) (spec 2.7.2,
 * legacy interfaces). */
uint64_t vq_legacy_used_offset(unsigned num, uint64_t align);

#endif
