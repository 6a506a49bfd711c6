/*
 * virtio-rng through virtio-mmio (virtio 1.2 spec 5.4): buffers filled from
 * getrandom, several per notify, large ones capped, buffers queued before
 * DRIVER_OK served when it is set.
 */
#include "test.h"
#include "test_rng_rig.h"

TEST(virtio_rng, several_buffers)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, true, 0);
    memset(drv_ptr(d, BUF_PA), 0, 0x8000);
    for (unsigned i = 0; i < 5; i++) {
        struct drv_buf b = {BUF_PA + 0x1000 * i, 32 + i, VIRTQ_DESC_F_WRITE};
        drv_add(d, &b, 1);
    }
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, 5));
    for (unsigned i = 0; i < 5; i++) {
        uint32_t id, len;
        drv_take(d, &id, &len);
        ASSERT_EQ(id, i);
        ASSERT_EQ(len, 32 + i);
        ASSERT_FALSE(all_zero(drv_ptr(d, BUF_PA + 0x1000 * i), 32));
        ASSERT_EQ(*(uint8_t *)drv_ptr(d, BUF_PA + 0x1000 * i + 32 + i), 0);
    }
    ASSERT_EQ(__atomic_load_n(&d->raises, __ATOMIC_SEQ_CST), 1);
    rng_rig_down(&r);
}

TEST(virtio_rng, large_buffer_capped)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    drv_push(d, BUF_PA, 4u << 20, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 1));
    uint32_t id, len;
    drv_take(d, &id, &len);
    ASSERT_EQ(len, 65536);
    rng_rig_down(&r);
}

TEST(virtio_rng, queued_before_driver_ok)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    uint32_t st = drv_rd(d, R_STATUS);
    drv_wr(d, R_STATUS, st & ~S_DRIVER_OK);
    drv_push(d, BUF_PA, 16, VIRTQ_DESC_F_WRITE);
    ASSERT_EQ(drv_used_idx(d), 0);     /* spec 3.1.1: nothing before DRIVER_OK */
    drv_wr(d, R_STATUS, st);
    ASSERT_TRUE(drv_wait(d, 1));
    rng_rig_down(&r);
}
