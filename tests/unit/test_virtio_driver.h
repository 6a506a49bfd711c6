/*
 * A minimal virtio-mmio driver for the unit tests: guest RAM in a physmem,
 * one transport mapped at QEMU's slot-31 address, register accesses through
 * physmem (so the width handling is exercised too), rings and buffers
 * written into RAM by hand, and an interrupt sink that records the level.
 *
 * Register offsets come from the virtio 1.2 spec, section 4.2.2.
 */
#ifndef TEST_VIRTIO_DRIVER_H
#define TEST_VIRTIO_DRIVER_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev/virtio.h"
#include "dev/virtio_mmio.h"
#include "mem/physmem.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (16ull << 20)
#define MMIO_BASE 0x0a003e00ull

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_VENDOR_ID 0x00c
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_GUEST_PAGE_SIZE 0x028
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_ALIGN 0x03c
#define R_QUEUE_PFN 0x040
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_ISR 0x060
#define R_ISR_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC_LO 0x080
#define R_QUEUE_DESC_HI 0x084
#define R_QUEUE_AVAIL_LO 0x090
#define R_QUEUE_AVAIL_HI 0x094
#define R_QUEUE_USED_LO 0x0a0
#define R_QUEUE_USED_HI 0x0a4
#define R_SHM_LEN_LO 0x0b0
#define R_CONFIG_GEN 0x0fc
#define R_CONFIG 0x100

#define S_ACK 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 64u

/* Where the tests put things in RAM. */
#define RING_PA (RAM_BASE + 0x10000)      /* legacy: page-aligned ring block */
#define DESC_PA (RAM_BASE + 0x40000)      /* modern parts */
#define AVAIL_PA (RAM_BASE + 0x48000)
#define USED_PA (RAM_BASE + 0x4a000)
#define TABLE_PA (RAM_BASE + 0x60000)     /* indirect tables */
#define BUF_PA (RAM_BASE + 0x100000)      /* data buffers */

struct drv {
    struct physmem pm;
    uint8_t *ram;
    struct virtio_mmio *t;
    bool legacy;
    int level;
    unsigned raises;
    unsigned num;
    uint64_t desc, avail, used;
    uint16_t avail_idx, used_seen, next_desc;
};

struct drv_buf {
    uint64_t pa;
    uint32_t len;
    uint16_t flags;   /* VIRTQ_DESC_F_WRITE for device-writable */
};

static void drv_irq(void *sink, unsigned n, int level)
{
    struct drv *d = sink;
    if (level && !__atomic_load_n(&d->level, __ATOMIC_SEQ_CST))
        __atomic_add_fetch(&d->raises, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&d->level, level, __ATOMIC_SEQ_CST);
}

/* The interrupt line as the sink last saw it (set from the worker thread). */
static inline int drv_level(struct drv *d)
{
    return __atomic_load_n(&d->level, __ATOMIC_SEQ_CST);
}

static inline void *drv_ptr(struct drv *d, uint64_t pa)
{
    return d->ram + (pa - RAM_BASE);
}

static inline uint32_t drv_rd(struct drv *d, uint64_t off)
{
    uint64_t v = 0;
    physmem_read(&d->pm, MMIO_BASE + off, 4, &v);
    return (uint32_t)v;
}

static inline uint64_t drv_rdn(struct drv *d, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    physmem_read(&d->pm, MMIO_BASE + off, size, &v);
    return v;
}

static inline void drv_wr(struct drv *d, uint64_t off, uint32_t v)
{
    physmem_write(&d->pm, MMIO_BASE + off, 4, v);
}

/* RAM only; then drv_attach a transport (a device needs the physmem first). */
static inline void drv_setup(struct drv *d, bool legacy)
{
    memset(d, 0, sizeof(*d));
    physmem_init(&d->pm);
    d->ram = physmem_add_ram(&d->pm, "ram", RAM_BASE, RAM_SIZE);
    d->legacy = legacy;
}

/* A transport for vdev (NULL: empty slot) at MMIO_BASE, interrupt to drv_irq. */
static inline void drv_attach(struct drv *d, struct virtio_device *vdev)
{
    d->t = virtio_mmio_create(vdev, d->legacy, (struct irq_line){drv_irq, d, 47});
    physmem_add_mmio(&d->pm, "virtio", MMIO_BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, d->t);
}

/* Unplug the transport; the device may still be running its threads. */
static inline void drv_detach(struct drv *d)
{
    virtio_mmio_destroy(d->t);
    d->t = NULL;
}

/* Free guest RAM: only once no device thread can touch it any more (a
 * device with workers is destroyed between drv_detach and this). */
static inline void drv_teardown(struct drv *d)
{
    if (d->t)
        drv_detach(d);
    physmem_destroy(&d->pm);
}

/* Reset, then ACKNOWLEDGE, DRIVER and the driver's features (spec 3.1.1
 * steps 1-5): a legacy transport takes its page size and the low 32 bits,
 * a modern one both halves and FEATURES_OK. False if the device refused
 * the features (FEATURES_OK does not stick). */
static inline bool drv_negotiate(struct drv *d, uint64_t features)
{
    drv_wr(d, R_STATUS, 0);
    drv_wr(d, R_STATUS, S_ACK);
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER);
    if (d->legacy) {
        drv_wr(d, R_GUEST_PAGE_SIZE, 4096);
        drv_wr(d, R_DRV_FEATURES_SEL, 0);
        drv_wr(d, R_DRV_FEATURES, (uint32_t)features);
        return true;
    }
    drv_wr(d, R_DRV_FEATURES_SEL, 0);
    drv_wr(d, R_DRV_FEATURES, (uint32_t)features);
    drv_wr(d, R_DRV_FEATURES_SEL, 1);
    drv_wr(d, R_DRV_FEATURES, (uint32_t)(features >> 32));
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    return drv_rd(d, R_STATUS) & S_FEATURES_OK;
}

/* Queue q's registers on a modern transport: size, the three parts'
 * addresses, ready (spec 4.2.3.2). Nothing is checked or written to RAM,
 * so any addresses can be tried. */
static inline void drv_queue_regs(struct drv *d, unsigned q, unsigned num, uint64_t desc,
                                  uint64_t avail, uint64_t used)
{
    drv_wr(d, R_QUEUE_SEL, q);
    drv_wr(d, R_QUEUE_NUM, num);
    drv_wr(d, R_QUEUE_DESC_LO, (uint32_t)desc);
    drv_wr(d, R_QUEUE_DESC_HI, (uint32_t)(desc >> 32));
    drv_wr(d, R_QUEUE_AVAIL_LO, (uint32_t)avail);
    drv_wr(d, R_QUEUE_AVAIL_HI, (uint32_t)(avail >> 32));
    drv_wr(d, R_QUEUE_USED_LO, (uint32_t)used);
    drv_wr(d, R_QUEUE_USED_HI, (uint32_t)(used >> 32));
    drv_wr(d, R_QUEUE_READY, 1);
}

/* Queue q on a modern transport with its parts at desc, avail and used (the
 * 64 KiB from desc zeroed), and d's ring state pointed at it. */
static inline void drv_queue_modern(struct drv *d, unsigned q, unsigned num, uint64_t desc,
                                    uint64_t avail, uint64_t used)
{
    d->num = num;
    d->desc = desc, d->avail = avail, d->used = used;
    d->avail_idx = d->used_seen = d->next_desc = 0;
    memset(drv_ptr(d, desc), 0, 0x10000);
    drv_queue_regs(d, q, num, desc, avail, used);
}

/* Queue q on a legacy transport: one page-aligned block at base, given by
 * its page number (spec 4.2.4); the 64 KiB from base, more than the largest
 * ring takes, zeroed, and d's ring state pointed at it. */
static inline void drv_queue_legacy(struct drv *d, unsigned q, unsigned num, uint64_t base)
{
    d->num = num;
    d->desc = base;
    d->avail = base + 16ull * num;
    d->used = base + ((16ull * num + 6 + 2ull * num + 4095) & ~4095ull);
    d->avail_idx = d->used_seen = d->next_desc = 0;
    memset(drv_ptr(d, base), 0, 0x10000);
    drv_wr(d, R_QUEUE_SEL, q);
    drv_wr(d, R_QUEUE_NUM, num);
    drv_wr(d, R_QUEUE_ALIGN, 4096);
    drv_wr(d, R_QUEUE_PFN, (uint32_t)(base >> 12));
}

/* Negotiate `features` and set up queue 0 with `num` entries the way Linux
 * does (spec 3.1.1, 4.2.3.2 / 4.2.4). Returns the status register. */
static inline uint32_t drv_init(struct drv *d, uint64_t features, unsigned num)
{
    if (!drv_negotiate(d, features))
        return drv_rd(d, R_STATUS);
    if (d->legacy)
        drv_queue_legacy(d, 0, num, RING_PA);
    else
        drv_queue_modern(d, 0, num, DESC_PA, AVAIL_PA, USED_PA);
    uint32_t st = drv_rd(d, R_STATUS) & ~S_NEEDS_RESET;
    drv_wr(d, R_STATUS, st | S_DRIVER_OK);
    return drv_rd(d, R_STATUS);
}

/* Write descriptor i of a table at table_pa. */
static inline void drv_desc(struct drv *d, uint64_t table_pa, unsigned i, uint64_t addr,
                            uint32_t len, uint16_t flags, uint16_t next)
{
    struct virtq_desc desc = {addr, len, flags, next};
    memcpy(drv_ptr(d, table_pa + 16ull * i), &desc, 16);
}

/* Publish head in the avail ring. */
static inline void drv_publish(struct drv *d, uint16_t head)
{
    uint16_t *ring = drv_ptr(d, d->avail + 4);
    ring[d->avail_idx % d->num] = head;
    d->avail_idx++;
    __atomic_store_n((uint16_t *)drv_ptr(d, d->avail + 2), d->avail_idx, __ATOMIC_RELEASE);
}

/* A chain of direct descriptors from the next free slots; returns the head. */
static inline uint16_t drv_add(struct drv *d, const struct drv_buf *b, unsigned n)
{
    uint16_t head = d->next_desc % d->num;
    for (unsigned i = 0; i < n; i++) {
        uint16_t idx = (d->next_desc + i) % d->num, nx = (d->next_desc + i + 1) % d->num;
        drv_desc(d, d->desc, idx, b[i].pa, b[i].len,
                 (uint16_t)(b[i].flags | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)), nx);
    }
    d->next_desc = (uint16_t)(d->next_desc + n);
    drv_publish(d, head);
    return head;
}

/* A chain in an indirect table at table_pa, referenced by one descriptor. */
static inline uint16_t drv_add_indirect(struct drv *d, uint64_t table_pa, const struct drv_buf *b,
                                        unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        drv_desc(d, table_pa, i, b[i].pa, b[i].len,
                 (uint16_t)(b[i].flags | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)), (uint16_t)(i + 1));
    uint16_t head = d->next_desc % d->num;
    drv_desc(d, d->desc, head, table_pa, 16 * n, VIRTQ_DESC_F_INDIRECT, 0);
    d->next_desc++;
    drv_publish(d, head);
    return head;
}

static inline void drv_kick(struct drv *d)
{
    drv_wr(d, R_QUEUE_NOTIFY, 0);
}

/* One buffer made available as a chain of its own, and queue 0 notified;
 * returns the head. */
static inline uint16_t drv_push(struct drv *d, uint64_t pa, uint32_t len, uint16_t flags)
{
    struct drv_buf b = {pa, len, flags};
    uint16_t head = drv_add(d, &b, 1);
    drv_kick(d);
    return head;
}

static inline uint16_t drv_used_idx(struct drv *d)
{
    return __atomic_load_n((uint16_t *)drv_ptr(d, d->used + 2), __ATOMIC_ACQUIRE);
}

/* Wait (up to 5 s) until the device has used `count` more chains. */
static inline bool drv_wait(struct drv *d, unsigned count)
{
    for (int i = 0; i < 5000; i++) {
        if ((uint16_t)(drv_used_idx(d) - d->used_seen) >= count)
            return true;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* The next used element; advances used_seen. */
static inline void drv_take(struct drv *d, uint32_t *id, uint32_t *len)
{
    const uint8_t *e = drv_ptr(d, d->used + 4 + 8ull * (d->used_seen % d->num));
    memcpy(id, e, 4);
    memcpy(len, e + 4, 4);
    d->used_seen++;
}

/* Wait for the device to settle after a kick that should produce nothing. */
static inline void drv_settle(void)
{
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
}

/* Wait (up to 2 s) for the device to set NEEDS_RESET; whether it did. */
static inline bool drv_wait_needs_reset(struct drv *d)
{
    for (int i = 0; i < 100 && !(drv_rd(d, R_STATUS) & S_NEEDS_RESET); i++)
        drv_settle();
    return drv_rd(d, R_STATUS) & S_NEEDS_RESET;
}

#endif
