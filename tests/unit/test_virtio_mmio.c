/*
 * virtio-mmio transport and split-ring checks, driven through the registers
 * as a driver would, with virtio-rng as the device (it answers at once, on
 * the notifying thread). Expected register values are QEMU 7.2's, read over
 * qtest (`qemu-system-aarch64 -M virt -S -qtest stdio -device
 * virtio-rng-device [-global virtio-mmio.force-legacy=false]`, slot 31 =
 * 0x0a003e00, and an empty slot at 0x0a003c00); ring rules are the virtio
 * 1.2 spec's (2.7).
 */
#include "test.h"
#include "test_rng_rig.h"

#include <libfdt.h>

#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_VERSION_1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

TEST(virtio_mmio, empty_slot_legacy)
{
    struct drv d;
    drv_setup(&d, true);
    drv_attach(&d, NULL);
    ASSERT_EQ(drv_rd(&d, R_MAGIC), 0x74726976);
    ASSERT_EQ(drv_rd(&d, R_VERSION), 1);
    ASSERT_EQ(drv_rd(&d, R_DEVICE_ID), 0);
    ASSERT_EQ(drv_rd(&d, R_VENDOR_ID), 0x554d4551);
    ASSERT_EQ(drv_rd(&d, R_DEV_FEATURES), 0);
    ASSERT_EQ(drv_rd(&d, R_QUEUE_NUM_MAX), 0);
    ASSERT_EQ(drv_rd(&d, R_SHM_LEN_LO), 0);
    ASSERT_EQ(drv_rd(&d, R_CONFIG), 0);
    /* QEMU: readb/readw of an empty slot's magic = the value cut down,
     * readq = magic | version << 32. */
    ASSERT_EQ(drv_rdn(&d, R_MAGIC, 1), 0x76);
    ASSERT_EQ(drv_rdn(&d, R_MAGIC, 2), 0x6976);
    ASSERT_EQ(drv_rdn(&d, R_MAGIC, 8), 0x0000000174726976ull);
    ASSERT_EQ(drv_rdn(&d, R_CONFIG, 1), 0);
    drv_wr(&d, R_STATUS, 7);
    ASSERT_EQ(drv_rd(&d, R_STATUS), 0);
    drv_teardown(&d);
}

TEST(virtio_mmio, empty_slot_modern)
{
    struct drv d;
    drv_setup(&d, false);
    drv_attach(&d, NULL);
    ASSERT_EQ(drv_rd(&d, R_VERSION), 2);
    ASSERT_EQ(drv_rdn(&d, R_MAGIC, 8), 0x0000000274726976ull);
    drv_teardown(&d);
}

TEST(virtio_mmio, rng_registers_legacy)
{
    struct rng_rig r;
    rng_rig_up(&r, true);
    struct drv *d = &r.d;
    ASSERT_EQ(drv_rd(d, R_MAGIC), 0x74726976);
    ASSERT_EQ(drv_rd(d, R_VERSION), 1);
    ASSERT_EQ(drv_rd(d, R_DEVICE_ID), 4);
    ASSERT_EQ(drv_rd(d, R_VENDOR_ID), 0x554d4551);
    drv_wr(d, R_DEV_FEATURES_SEL, 0);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x39000000);
    drv_wr(d, R_DEV_FEATURES_SEL, 1);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0);
    drv_wr(d, R_QUEUE_SEL, 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_NUM_MAX), 0x400);
    drv_wr(d, R_QUEUE_SEL, 1);
    ASSERT_EQ(drv_rd(d, R_QUEUE_NUM_MAX), 0);
    ASSERT_EQ(drv_rd(d, R_SHM_LEN_LO), 0xffffffff);
    ASSERT_EQ(drv_rd(d, R_SHM_LEN_LO + 4), 0xffffffff);
    ASSERT_EQ(drv_rd(d, R_QUEUE_READY), 0);
    ASSERT_EQ(drv_rd(d, R_CONFIG_GEN), 0);
    /* No config space: all-ones at any width (qtest). */
    ASSERT_EQ(drv_rd(d, R_CONFIG), 0xffffffff);
    ASSERT_EQ(drv_rdn(d, R_CONFIG, 1), 0xff);
    ASSERT_EQ(drv_rd(d, R_CONFIG + 0xfc), 0xffffffff);
    /* Registers answer 4-byte reads only (qtest: readw/readb of magic = 0),
     * and readq is two readl. */
    ASSERT_EQ(drv_rdn(d, R_MAGIC, 2), 0);
    ASSERT_EQ(drv_rdn(d, R_MAGIC, 1), 0);
    ASSERT_EQ(drv_rdn(d, R_MAGIC, 8), 0x0000000174726976ull);
    ASSERT_EQ(drv_rd(d, R_STATUS), 0);
    ASSERT_EQ(drv_rd(d, R_ISR), 0);
    rng_rig_down(&r);
}

TEST(virtio_mmio, rng_registers_modern)
{
    struct rng_rig r;
    rng_rig_up(&r, false);
    struct drv *d = &r.d;
    ASSERT_EQ(drv_rd(d, R_VERSION), 2);
    drv_wr(d, R_DEV_FEATURES_SEL, 0);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x30000000);
    drv_wr(d, R_DEV_FEATURES_SEL, 1);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x101);
    /* QEMU keeps "nonzero" as 1 (qtest: sel 2 reads as sel 1). */
    drv_wr(d, R_DEV_FEATURES_SEL, 2);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x101);
    drv_wr(d, R_QUEUE_SEL, 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_NUM_MAX), 0x400);
    ASSERT_EQ(drv_rd(d, R_CONFIG), 0xffffffff);
    rng_rig_down(&r);
}

/* Spec 3.1.1: the device leaves FEATURES_OK clear for a subset it cannot
 * accept; a modern device needs VERSION_1 (spec 6.1). */
TEST(virtio_mmio, features_ok_check)
{
    struct rng_rig r;
    rng_rig_up(&r, false);
    struct drv *d = &r.d;
    ASSERT_EQ(drv_init(d, F_VERSION_1 | VIRTIO_BIT(5), 8) & S_FEATURES_OK, 0);
    ASSERT_EQ(drv_init(d, F_INDIRECT, 8) & S_FEATURES_OK, 0);
    uint32_t st = drv_init(d, F_VERSION_1 | F_INDIRECT | F_EVENT_IDX, 8);
    ASSERT_EQ(st, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    ASSERT_EQ(drv_rd(d, R_QUEUE_READY), 1);
    rng_rig_down(&r);
}

static void rng_roundtrip(bool legacy, uint64_t features)
{
    struct rng_rig r;
    rng_rig_up(&r, legacy);
    struct drv *d = &r.d;
    uint32_t st = drv_init(d, features, 8);
    ASSERT_EQ(st & (S_DRIVER_OK | S_NEEDS_RESET), S_DRIVER_OK);
    uint8_t *buf = drv_ptr(d, BUF_PA);
    memset(buf, 0, 64);
    struct drv_buf b = {BUF_PA, 64, VIRTQ_DESC_F_WRITE};
    uint16_t head = drv_add(d, &b, 1);
    ASSERT_EQ(drv_level(d), 0);
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, 1));
    uint32_t id, len;
    drv_take(d, &id, &len);
    ASSERT_EQ(id, head);
    ASSERT_EQ(len, 64);
    ASSERT_FALSE(all_zero(buf, 64));
    /* Used-buffer interrupt: ISR bit 0, line high until acknowledged. */
    ASSERT_EQ(drv_level(d), 1);
    ASSERT_EQ(drv_rd(d, R_ISR), 1);
    drv_wr(d, R_ISR_ACK, 1);
    ASSERT_EQ(drv_level(d), 0);
    ASSERT_EQ(drv_rd(d, R_ISR), 0);
    /* Reset: status, queue and interrupt state go back to zero. */
    drv_wr(d, R_STATUS, 0);
    ASSERT_EQ(drv_rd(d, R_STATUS), 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_READY), 0);
    if (legacy)
        ASSERT_EQ(drv_rd(d, R_QUEUE_PFN), 0);
    rng_rig_down(&r);
}

TEST(virtio_mmio, rng_legacy)
{
    rng_roundtrip(true, 0);
}

TEST(virtio_mmio, rng_modern)
{
    rng_roundtrip(false, F_VERSION_1);
}

TEST(virtio_mmio, legacy_pfn_reads_back)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, true, 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_PFN), RING_PA >> 12);
    /* Writing 0 to QueuePFN resets the device, as on QEMU. */
    drv_wr(d, R_QUEUE_PFN, 0);
    ASSERT_EQ(drv_rd(d, R_STATUS), 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_PFN), 0);
    rng_rig_down(&r);
}

/* Indirect descriptors (spec 2.7.5.3): two writable buffers in a table. */
TEST(virtio_mmio, indirect_chain)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, F_VERSION_1 | F_INDIRECT);
    memset(drv_ptr(d, BUF_PA), 0, 0x2000);
    struct drv_buf b[2] = {{BUF_PA, 16, VIRTQ_DESC_F_WRITE}, {BUF_PA + 0x1000, 48, VIRTQ_DESC_F_WRITE}};
    drv_add_indirect(d, TABLE_PA, b, 2);
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, 1));
    uint32_t id, len;
    drv_take(d, &id, &len);
    ASSERT_EQ(len, 64);
    ASSERT_FALSE(all_zero(drv_ptr(d, BUF_PA + 0x1000), 48));
    rng_rig_down(&r);
}

/* Event index (spec 2.7.10): no interrupt until used idx passes used_event;
 * the device publishes avail_event = next avail index it will read. */
TEST(virtio_mmio, event_idx)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, F_VERSION_1 | F_EVENT_IDX);
    uint16_t *used_event = drv_ptr(d, d->avail + 4 + 2 * 8);
    uint16_t *avail_event = drv_ptr(d, d->used + 4 + 8 * 8);
    *used_event = 1;   /* interrupt only once the 2nd buffer is used */
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 1));
    ASSERT_EQ(*avail_event, 1);
    /* The first push after a reset interrupts whatever used_event says, as
     * QEMU's (its signalled_used_valid starts false). */
    ASSERT_EQ(drv_level(d), 1);
    rng_rig_down(&r);
}

TEST(virtio_mmio, event_idx_suppresses)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, F_VERSION_1 | F_EVENT_IDX);
    uint16_t *used_event = drv_ptr(d, d->avail + 4 + 2 * 8);
    /* First push always interrupts (no history yet). */
    *used_event = 0;
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 1));
    ASSERT_EQ(drv_level(d), 1);
    drv_wr(d, R_ISR_ACK, 1);
    /* used_event 5: used idx going 1 -> 2 does not cross it. */
    *used_event = 5;
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 2));
    ASSERT_EQ(drv_level(d), 0);
    /* used_event 2: 2 -> 3 crosses it. */
    *used_event = 2;
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 3));
    ASSERT_EQ(drv_level(d), 1);
    rng_rig_down(&r);
}

TEST(virtio_mmio, no_interrupt_flag)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, F_VERSION_1);
    *(uint16_t *)drv_ptr(d, d->avail) = VIRTQ_AVAIL_F_NO_INTERRUPT;
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 1));
    ASSERT_EQ(drv_level(d), 0);
    rng_rig_down(&r);
}

/* A driver-readable buffer gets nothing from an rng: used length 0. */
TEST(virtio_mmio, rng_readable_buffer)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, true, 0);
    drv_push(d, BUF_PA, 8, 0);
    ASSERT_TRUE(drv_wait(d, 1));
    uint32_t id, len;
    drv_take(d, &id, &len);
    ASSERT_EQ(len, 0);
    rng_rig_down(&r);
}

/* ---- malformed rings: each ends in NEEDS_RESET plus a config interrupt,
 * nothing used, and the device usable again after a reset. */

static void expect_broken(struct rng_rig *r)
{
    struct drv *d = &r->d;
    drv_settle();
    ASSERT_EQ(drv_used_idx(d), 0);
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(drv_rd(d, R_ISR) & 2, 2);
    ASSERT_EQ(drv_level(d), 1);
}

static void recover(struct rng_rig *r, bool legacy)
{
    struct drv *d = &r->d;
    uint32_t st = drv_init(d, legacy ? 0 : F_VERSION_1, 8);
    ASSERT_EQ(st & S_NEEDS_RESET, 0);
    ASSERT_EQ(drv_level(d), 0);
    drv_push(d, BUF_PA, 8, VIRTQ_DESC_F_WRITE);
    ASSERT_TRUE(drv_wait(d, 1));
}

typedef void (*breaker)(struct drv *d);

static void malformed(breaker f, bool legacy, uint64_t features)
{
    struct rng_rig r;
    rng_rig_start(&r, legacy, features | (legacy ? 0 : F_VERSION_1));
    f(&r.d);
    drv_kick(&r.d);
    expect_broken(&r);
    if (test_failed)
        goto out;
    /* Further notifies do nothing until the driver resets. */
    drv_kick(&r.d);
    ASSERT_EQ(drv_used_idx(&r.d), 0);
    recover(&r, legacy);
out:
    rng_rig_down(&r);
}

static void brk_loop(struct drv *d)
{
    drv_desc(d, d->desc, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    drv_desc(d, d->desc, 1, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    drv_publish(d, 0);
}

static void brk_self_loop(struct drv *d)
{
    drv_desc(d, d->desc, 3, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
    drv_publish(d, 3);
}

static void brk_outside_ram(struct drv *d)
{
    drv_desc(d, d->desc, 0, 0x1000, 8, VIRTQ_DESC_F_WRITE, 0);
    drv_publish(d, 0);
}

static void brk_past_ram_end(struct drv *d)
{
    drv_desc(d, d->desc, 0, RAM_BASE + RAM_SIZE - 4, 8, VIRTQ_DESC_F_WRITE, 0);
    drv_publish(d, 0);
}

static void brk_huge_len(struct drv *d)
{
    drv_desc(d, d->desc, 0, RAM_BASE, 0xffffffff, VIRTQ_DESC_F_WRITE, 0);
    drv_publish(d, 0);
}

static void brk_wrapping_addr(struct drv *d)
{
    drv_desc(d, d->desc, 0, 0xfffffffffffff000ull, 0x2000, VIRTQ_DESC_F_WRITE, 0);
    drv_publish(d, 0);
}

static void brk_next_oob(struct drv *d)
{
    drv_desc(d, d->desc, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 8);
    drv_publish(d, 0);
}

static void brk_head_oob(struct drv *d)
{
    drv_publish(d, 200);
}

static void brk_avail_jump(struct drv *d)
{
    drv_desc(d, d->desc, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE, 0);
    drv_publish(d, 0);
    d->avail_idx = 40;
    __atomic_store_n((uint16_t *)drv_ptr(d, d->avail + 2), d->avail_idx, __ATOMIC_RELEASE);
}

static void brk_read_after_write(struct drv *d)
{
    drv_desc(d, d->desc, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    drv_desc(d, d->desc, 1, BUF_PA, 8, 0, 0);
    drv_publish(d, 0);
}

static void brk_indirect_nested(struct drv *d)
{
    drv_desc(d, TABLE_PA, 0, TABLE_PA + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    drv_desc(d, d->desc, 0, TABLE_PA, 16, VIRTQ_DESC_F_INDIRECT, 0);
    drv_publish(d, 0);
}

static void brk_indirect_len(struct drv *d)
{
    drv_desc(d, d->desc, 0, TABLE_PA, 24, VIRTQ_DESC_F_INDIRECT, 0);
    drv_publish(d, 0);
}

static void brk_indirect_outside(struct drv *d)
{
    drv_desc(d, d->desc, 0, RAM_BASE + RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
    drv_publish(d, 0);
}

static void brk_indirect_loop(struct drv *d)
{
    drv_desc(d, TABLE_PA, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    drv_desc(d, TABLE_PA, 1, BUF_PA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    drv_desc(d, d->desc, 0, TABLE_PA, 32, VIRTQ_DESC_F_INDIRECT, 0);
    drv_publish(d, 0);
}

static void brk_indirect_not_negotiated(struct drv *d)
{
    drv_desc(d, TABLE_PA, 0, BUF_PA, 8, VIRTQ_DESC_F_WRITE, 0);
    drv_desc(d, d->desc, 0, TABLE_PA, 16, VIRTQ_DESC_F_INDIRECT, 0);
    drv_publish(d, 0);
}

TEST(virtio_ring, loop) { malformed(brk_loop, true, 0); }
TEST(virtio_ring, self_loop) { malformed(brk_self_loop, false, 0); }
TEST(virtio_ring, buffer_outside_ram) { malformed(brk_outside_ram, true, 0); }
TEST(virtio_ring, buffer_past_ram_end) { malformed(brk_past_ram_end, false, 0); }
TEST(virtio_ring, huge_length) { malformed(brk_huge_len, true, 0); }
TEST(virtio_ring, wrapping_address) { malformed(brk_wrapping_addr, false, 0); }
TEST(virtio_ring, next_out_of_range) { malformed(brk_next_oob, true, 0); }
TEST(virtio_ring, head_out_of_range) { malformed(brk_head_oob, false, 0); }
TEST(virtio_ring, avail_idx_jump) { malformed(brk_avail_jump, true, 0); }
TEST(virtio_ring, readable_after_writable) { malformed(brk_read_after_write, false, 0); }
TEST(virtio_ring, indirect_nested) { malformed(brk_indirect_nested, false, F_INDIRECT); }
TEST(virtio_ring, indirect_bad_length) { malformed(brk_indirect_len, true, F_INDIRECT); }
TEST(virtio_ring, indirect_outside_ram) { malformed(brk_indirect_outside, false, F_INDIRECT); }
TEST(virtio_ring, indirect_loop) { malformed(brk_indirect_loop, false, F_INDIRECT); }
TEST(virtio_ring, indirect_not_negotiated) { malformed(brk_indirect_not_negotiated, true, 0); }

/* Queue setup errors: NEEDS_RESET at QueueReady / QueuePFN time. */
static uint32_t modern_queue(struct drv *d, unsigned num, uint64_t desc, uint64_t avail,
                             uint64_t used)
{
    drv_negotiate(d, F_VERSION_1);
    drv_queue_regs(d, 0, num, desc, avail, used);
    return drv_rd(d, R_STATUS);
}

TEST(virtio_ring, bad_queue_setup)
{
    struct rng_rig r;
    rng_rig_up(&r, false);
    struct drv *d = &r.d;
    ASSERT_EQ(modern_queue(d, 8, DESC_PA, AVAIL_PA, USED_PA) & S_NEEDS_RESET, 0);
    ASSERT_EQ(modern_queue(d, 3, DESC_PA, AVAIL_PA, USED_PA) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 0, DESC_PA, AVAIL_PA, USED_PA) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 2048, DESC_PA, AVAIL_PA, USED_PA) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 8, 0x1000, AVAIL_PA, USED_PA) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 8, DESC_PA + 8, AVAIL_PA, USED_PA) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 8, DESC_PA, AVAIL_PA, RAM_BASE + RAM_SIZE - 8) & S_NEEDS_RESET,
              S_NEEDS_RESET);
    ASSERT_EQ(modern_queue(d, 8, DESC_PA, 0xffffffffffffff00ull, USED_PA) & S_NEEDS_RESET,
              S_NEEDS_RESET);
    /* Not DRIVER_OK yet: no config interrupt (as QEMU's virtio_notify_config). */
    ASSERT_EQ(drv_level(d), 0);
    /* A broken queue is never used even if the driver carries on. */
    drv_wr(d, R_STATUS, drv_rd(d, R_STATUS) | S_DRIVER_OK);
    drv_wr(d, R_QUEUE_NOTIFY, 0);
    ASSERT_EQ(drv_rd(d, R_ISR) & 1, 0);
    rng_rig_down(&r);
}

TEST(virtio_ring, legacy_bad_queue_setup)
{
    struct rng_rig r;
    rng_rig_up(&r, true);
    struct drv *d = &r.d;
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER);
    drv_wr(d, R_GUEST_PAGE_SIZE, 4096);
    drv_wr(d, R_QUEUE_SEL, 0);
    drv_wr(d, R_QUEUE_NUM, 6);
    drv_wr(d, R_QUEUE_ALIGN, 4096);
    drv_wr(d, R_QUEUE_PFN, (uint32_t)(RING_PA >> 12));
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    drv_wr(d, R_STATUS, 0);
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER);
    drv_wr(d, R_GUEST_PAGE_SIZE, 4096);
    drv_wr(d, R_QUEUE_NUM, 8);
    drv_wr(d, R_QUEUE_ALIGN, 4096);
    drv_wr(d, R_QUEUE_PFN, 0x100);   /* 0x100000: flash, not RAM */
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    drv_wr(d, R_STATUS, 0);
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER);
    drv_wr(d, R_GUEST_PAGE_SIZE, 4096);
    drv_wr(d, R_QUEUE_NUM, 8);
    drv_wr(d, R_QUEUE_ALIGN, 3000);
    drv_wr(d, R_QUEUE_PFN, (uint32_t)(RING_PA >> 12));
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    rng_rig_down(&r);
}

/* Machine reset through dev_ops: everything back to power-on values. */
TEST(virtio_mmio, machine_reset)
{
    struct rng_rig r;
    struct drv *d = rng_rig_start(&r, false, F_VERSION_1);
    drv_wr(d, R_DEV_FEATURES_SEL, 1);
    virtio_mmio_ops.reset(d->t);
    ASSERT_EQ(drv_rd(d, R_STATUS), 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_READY), 0);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x30000000);
    rng_rig_down(&r);
}

/* The node QEMU 7.2 writes for a slot (dumpdtb): virtio_mmio@<base>,
 * compatible "virtio,mmio", reg, an edge-rising interrupt, dma-coherent. */
static int fdt_irq_cells(const struct fdt_ctx *ctx, int node, unsigned spi, unsigned flags)
{
    fdt32_t cells[3] = {cpu_to_fdt32(0), cpu_to_fdt32(spi), cpu_to_fdt32(flags)};
    return fdt_setprop(ctx->fdt, node, "interrupts", cells, sizeof(cells));
}

TEST(virtio_mmio, fdt_node)
{
    static uint8_t buf[4096];
    ASSERT_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
    struct drv d;
    drv_setup(&d, true);
    drv_attach(&d, NULL);
    struct fdt_ctx ctx = {.fdt = buf, .base = MMIO_BASE, .size = 0x200, .spi = 47,
                          .fdt_irq = fdt_irq_cells};
    ASSERT_EQ(virtio_mmio_ops.fdt_node(d.t, &ctx), 0);
    int node = fdt_path_offset(buf, "/virtio_mmio@a003e00");
    ASSERT_TRUE(node >= 0);
    int len;
    const char *compat = fdt_getprop(buf, node, "compatible", &len);
    ASSERT_TRUE(compat && len == 12 && !memcmp(compat, "virtio,mmio", 12));
    const fdt64_t *reg = fdt_getprop(buf, node, "reg", &len);
    ASSERT_EQ(len, 16);
    ASSERT_EQ(fdt64_to_cpu(reg[0]), MMIO_BASE);
    ASSERT_EQ(fdt64_to_cpu(reg[1]), 0x200);
    const fdt32_t *irq = fdt_getprop(buf, node, "interrupts", &len);
    ASSERT_EQ(len, 12);
    ASSERT_EQ(fdt32_to_cpu(irq[1]), 47);
    ASSERT_EQ(fdt32_to_cpu(irq[2]), IRQ_TYPE_EDGE_RISING);
    ASSERT_TRUE(fdt_getprop(buf, node, "dma-coherent", &len) != NULL);
    ASSERT_EQ(len, 0);
    drv_teardown(&d);
}
