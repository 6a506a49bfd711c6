/*
 * A virtio-rng behind the virtio-mmio transport of test_virtio_driver.h:
 * the simplest device, answering at once on the notifying thread, for the
 * tests of the transport and the ring as well as of the rng itself.
 */
#ifndef TEST_RNG_RIG_H
#define TEST_RNG_RIG_H

#include "dev/virtio_rng.h"
#include "test_virtio_driver.h"

struct rng_rig {
    struct drv d;
    struct virtio_rng *rng;
};

static inline void rng_rig_up(struct rng_rig *r, bool legacy)
{
    memset(r, 0, sizeof(*r));
    drv_setup(&r->d, legacy);
    r->rng = virtio_rng_create(&r->d.pm);
    drv_attach(&r->d, virtio_rng_device(r->rng));
}

/* rng_rig_up, then the driver's start with `features` and 8 entries. */
static inline struct drv *rng_rig_start(struct rng_rig *r, bool legacy, uint64_t features)
{
    rng_rig_up(r, legacy);
    drv_init(&r->d, features, 8);
    return &r->d;
}

static inline void rng_rig_down(struct rng_rig *r)
{
    drv_teardown(&r->d);
    virtio_rng_destroy(r->rng);
}

static inline bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

#endif
