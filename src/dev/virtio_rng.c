/*
 * virtio-rng: virtio 1.2 spec 5.4. One queue, no config space, no feature
 * bits of its own (qtest on QEMU 7.2's virtio-rng-device: features are the
 * transport's only, the config space reads all-ones, queue 0 exists and
 * queue 1 does not).
 *
 * A notify fills every available device-writable buffer from getrandom()
 * right away on the notifying thread: it is a short memory copy, with each
 * buffer capped at RNG_MAX_FILL bytes so a huge buffer cannot stall the
 * vCPU (the used length tells the driver how much it got, spec 5.4.6).
 * Device-readable buffers get nothing and are returned with length 0.
 */
#include "dev/virtio_rng.h"

#include <stdlib.h>
#include <sys/random.h>

#define RNG_QUEUE_SIZE 8          /* QEMU's virtio-rng queue */
#define RNG_MAX_FILL 65536u

struct virtio_rng {
    struct virtio_device vdev;
};

/* Fill up to `len` bytes of the in side; returns bytes written. */
static uint32_t rng_fill(const struct vq_elem *e, uint64_t len)
{
    uint64_t done = 0;
    for (unsigned s = e->n_out; s < e->n_out + e->n_in && done < len; s++) {
        uint64_t want = e->seg[s].len < len - done ? e->seg[s].len : len - done;
        uint64_t got = 0;
        while (got < want) {
            ssize_t r = getrandom(e->seg[s].host + got, want - got, 0);
            if (r <= 0)
                return (uint32_t)(done + got);
            got += (uint64_t)r;
        }
        done += got;
    }
    return (uint32_t)done;
}

static void rng_queue_notify(struct virtio_device *vdev, unsigned q)
{
    struct virtqueue *vq = &vdev->vq[0];
    bool pushed = false;
    for (;;) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        uint32_t n = rng_fill(e, e->in_len < RNG_MAX_FILL ? e->in_len : RNG_MAX_FILL);
        vq_push(vdev, vq, e, n);
        free(e);
        pushed = true;
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
}

static void rng_status_changed(struct virtio_device *vdev)
{
    if (virtio_queue_active(vdev, 0))
        rng_queue_notify(vdev, 0);
}

static void rng_config_get(struct virtio_device *vdev, uint8_t *cfg)
{
}

static const struct virtio_device_ops rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .config_get = rng_config_get,
    .queue_notify = rng_queue_notify,
    .status_changed = rng_status_changed,
};

struct virtio_rng *virtio_rng_create(struct physmem *mem)
{
    struct virtio_rng *rng = calloc(1, sizeof(*rng));
    if (!rng)
        return NULL;
    static const uint16_t sizes[1] = {RNG_QUEUE_SIZE};
    if (virtio_device_init(&rng->vdev, &rng_ops, mem, 0, 1, sizes)) {
        free(rng);
        return NULL;
    }
    return rng;
}

struct virtio_device *virtio_rng_device(struct virtio_rng *rng)
{
    return &rng->vdev;
}

void virtio_rng_destroy(struct virtio_rng *rng)
{
    if (!rng)
        return;
    virtio_device_destroy(&rng->vdev);
    free(rng);
}
