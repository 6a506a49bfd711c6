/*
 * virtio-mmio transport: virtio 1.2 spec 4.2.2 (modern registers) and 4.2.4
 * (legacy interface), with QEMU 7.2's answers where the spec leaves room.
 * Facts below marked "qtest" were read from QEMU 7.2 (Debian 12's
 * qemu-system-aarch64 -M virt -qtest stdio) at slot 31, 0x0a003e00.
 *
 * Modelled:
 *  - registers take 4-byte accesses only (any other width reads 0 and
 *    ignores writes); the config space at 0x100+ takes 1, 2 and 4 bytes and
 *    reads all-ones past the device's config length (qtest: virtio-blk's
 *    config is 57 bytes, `readb 0x0a003f39` = 0xff; virtio-rng reads
 *    0xffffffff at 0x100). 8-byte accesses reach us as two 4-byte ones.
 *  - an empty slot answers Magic, Version and VendorID at any width (the
 *    register value cut to the access, qtest `readw 0x0a003c00` = 0x6976)
 *    and reads 0 elsewhere; writes are ignored.
 *  - DeviceFeaturesSel/DriverFeaturesSel store "nonzero" as 1, as QEMU does
 *    (qtest: sel 2 reads the same word as sel 1 in modern mode); legacy
 *    DeviceFeatures reads 0 for sel != 0.
 *  - SHMLenLow/High read 0xffffffff (no shared memory) in both modes, qtest.
 *  - QueueNumMax reads 1024 for every queue the device has, 0 otherwise
 *    (qtest, both virtio-blk and virtio-rng), whatever the device's own
 *    default size is.
 *  - legacy QueuePFN: the rings sit at PFN << log2(GuestPageSize), avail right
 *    after the descriptors, used at the next QueueAlign boundary; writing 0
 *    resets the whole device, as QEMU does.
 *  - modern FEATURES_OK is refused (left clear) when the driver accepted a
 *    bit not offered or did not accept VERSION_1 (spec 3.1.1, 6.1).
 * Left out: QueueReset (0x0c0, virtio 1.2) reads 0, as on QEMU 7.2's mmio.
 */
#include "dev/virtio_mmio.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/log.h"

/* Register offsets (spec 4.2.2, table "MMIO Device Register Layout"). */
#define MAGIC_VALUE 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define VENDOR_ID 0x00c
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define GUEST_PAGE_SIZE 0x028 /* legacy */
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_ALIGN 0x03c /* legacy */
#define QUEUE_PFN 0x040   /* legacy */
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INTERRUPT_STATUS 0x060
#define INTERRUPT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC_LOW 0x080
#define QUEUE_DESC_HIGH 0x084
#define QUEUE_DRIVER_LOW 0x090
#define QUEUE_DRIVER_HIGH 0x094
#define QUEUE_DEVICE_LOW 0x0a0
#define QUEUE_DEVICE_HIGH 0x0a4
#define SHM_SEL 0x0ac
#define SHM_LEN_LOW 0x0b0
#define SHM_LEN_HIGH 0x0b4
#define CONFIG_GENERATION 0x0fc
#define CONFIG 0x100

#define VIRTIO_MMIO_MAGIC 0x74726976  /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551 /* "QEMU", qtest `readl 0x0a003e0c` */
/* QueueSel values QEMU accepts (VIRTIO_QUEUE_MAX). */
#define QUEUE_SEL_MAX 1024
/* QueueAlign before the driver writes one (QEMU's VIRTIO_PCI_VRING_ALIGN). */
#define LEGACY_ALIGN_DEFAULT 4096

/* What the driver has written for one queue, before it is enabled. */
struct vmmio_queue {
    uint32_t num;
    uint32_t desc[2], avail[2], used[2];   /* modern, low/high words */
    uint32_t align, pfn;                   /* legacy */
    bool enabled;                          /* modern QueueReady */
};

struct virtio_mmio {
    struct virtio_device *vdev;   /* NULL: empty slot */
    bool legacy;
    struct irq_line irq;
    /* Guarded by vdev->lock. */
    uint32_t dev_features_sel, drv_features_sel;
    uint32_t drv_features[2];
    uint32_t page_shift;
    uint32_t queue_sel;
    struct vmmio_queue *q;
};

/* The output follows InterruptStatus != 0. It is driven on every update,
 * as QEMU does, so a sink connected late still learns it; sinks ignore
 * repeats. */
static void vmmio_irq_update(void *opaque)
{
    struct virtio_mmio *t = opaque;
    irq_set(&t->irq, t->vdev->isr != 0);
}

static const char *vmmio_regname(uint64_t offset)
{
    switch (offset) {
    case MAGIC_VALUE: return "MagicValue";
    case VERSION: return "Version";
    case DEVICE_ID: return "DeviceID";
    case VENDOR_ID: return "VendorID";
    case DEVICE_FEATURES: return "DeviceFeatures";
    case DEVICE_FEATURES_SEL: return "DeviceFeaturesSel";
    case DRIVER_FEATURES: return "DriverFeatures";
    case DRIVER_FEATURES_SEL: return "DriverFeaturesSel";
    case GUEST_PAGE_SIZE: return "GuestPageSize";
    case QUEUE_SEL: return "QueueSel";
    case QUEUE_NUM_MAX: return "QueueNumMax";
    case QUEUE_NUM: return "QueueNum";
    case QUEUE_ALIGN: return "QueueAlign";
    case QUEUE_PFN: return "QueuePFN";
    case QUEUE_READY: return "QueueReady";
    case QUEUE_NOTIFY: return "QueueNotify";
    case INTERRUPT_STATUS: return "InterruptStatus";
    case INTERRUPT_ACK: return "InterruptACK";
    case STATUS: return "Status";
    case QUEUE_DESC_LOW: return "QueueDescLow";
    case QUEUE_DESC_HIGH: return "QueueDescHigh";
    case QUEUE_DRIVER_LOW: return "QueueDriverLow";
    case QUEUE_DRIVER_HIGH: return "QueueDriverHigh";
    case QUEUE_DEVICE_LOW: return "QueueDeviceLow";
    case QUEUE_DEVICE_HIGH: return "QueueDeviceHigh";
    case SHM_SEL: return "SHMSel";
    case SHM_LEN_LOW: return "SHMLenLow";
    case SHM_LEN_HIGH: return "SHMLenHigh";
    case CONFIG_GENERATION: return "ConfigGeneration";
    default: return offset >= CONFIG ? "Config" : "(unknown)";
    }
}

/* trace:virtio_mmio* (the -d trace: items): every register access. */
static void vmmio_trace(const struct virtio_mmio *t, const char *dir, uint64_t offset,
                        unsigned size, uint64_t value)
{
    if (log_enabled(LOG_DEV_TRACE))
        log_printf("virtio_mmio: %s %s%s 0x%" PRIx64 " size %u value 0x%" PRIx64 "\n",
                   t->vdev ? t->vdev->ops->name : "empty", dir, vmmio_regname(offset), offset,
                   size, value);
}

static void vmmio_queues_reset(struct virtio_mmio *t)
{
    for (unsigned i = 0; i < t->vdev->num_queues; i++) {
        memset(&t->q[i], 0, sizeof(t->q[i]));
        t->q[i].num = t->vdev->vq[i].num_default;
        t->q[i].align = LEGACY_ALIGN_DEFAULT;
    }
}

static void vmmio_device_reset(struct virtio_mmio *t)
{
    virtio_device_reset(t->vdev);
    vmmio_queues_reset(t);
}

/* Legacy: (re)place queue qi's rings from PFN, GuestPageSize and QueueAlign. */
static void vmmio_legacy_setup(struct virtio_mmio *t, unsigned qi)
{
    struct vmmio_queue *q = &t->q[qi];
    struct virtio_device *vdev = t->vdev;
    if (!q->pfn)
        return;
    if (!q->align || (q->align & (q->align - 1))) {
        virtio_error(vdev, "QueueAlign 0x%x is not a power of two", q->align);
        return;
    }
    uint64_t desc = (uint64_t)q->pfn << t->page_shift;
    uint64_t num = q->num <= VIRTQ_MAX_SIZE ? q->num : 0;
    vq_enable(vdev, &vdev->vq[qi], q->num, desc, desc + 16 * num,
              desc + vq_legacy_used_offset((unsigned)num, q->align));
}

static uint64_t vmmio_config_read(struct virtio_mmio *t, uint64_t off, unsigned size)
{
    struct virtio_device *vdev = t->vdev;
    if (size > 4)
        return 0; /* not reached: access_max is 4 */
    if (off + size > vdev->config_len)
        return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    uint8_t cfg[VIRTIO_CONFIG_MAX];
    vdev->ops->config_get(vdev, cfg);
    uint32_t v = 0;
    memcpy(&v, cfg + off, size);
    return v;
}

static void vmmio_config_write(struct virtio_mmio *t, uint64_t off, unsigned size, uint64_t val)
{
    struct virtio_device *vdev = t->vdev;
    if (size > 4 || off + size > vdev->config_len || !vdev->ops->config_set)
        return;
    uint8_t cfg[VIRTIO_CONFIG_MAX];
    uint32_t v = (uint32_t)val;
    vdev->ops->config_get(vdev, cfg);
    memcpy(cfg + off, &v, size);
    vdev->ops->config_set(vdev, cfg);
}

static uint64_t vmmio_empty_read(const struct virtio_mmio *t, uint64_t offset, unsigned size)
{
    uint64_t v = 0;
    switch (offset) {
    case MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
    case VERSION: v = t->legacy ? 1 : 2; break;
    case VENDOR_ID: v = VIRTIO_MMIO_VENDOR; break;
    default: break;
    }
    return size < 8 ? v & ((1ull << (8 * size)) - 1) : v;
}

static uint32_t vmmio_reg_read(struct virtio_mmio *t, uint64_t offset)
{
    struct virtio_device *vdev = t->vdev;
    unsigned qs = t->queue_sel;
    bool have_q = qs < vdev->num_queues;
    switch (offset) {
    case MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VERSION: return t->legacy ? 1 : 2;
    case DEVICE_ID: return vdev->ops->device_id;
    case VENDOR_ID: return VIRTIO_MMIO_VENDOR;
    case DEVICE_FEATURES:
        if (t->legacy)
            return t->dev_features_sel ? 0 : (uint32_t)vdev->host_features;
        return (uint32_t)(vdev->host_features >> (32 * t->dev_features_sel));
    case QUEUE_NUM_MAX: return have_q ? VIRTQ_MAX_SIZE : 0;
    case QUEUE_PFN:
        if (!t->legacy || !have_q)
            return 0;
        return t->q[qs].pfn;
    case QUEUE_READY: return !t->legacy && have_q && t->q[qs].enabled;
    case INTERRUPT_STATUS:
        /* The driver reads this before it walks the used ring. */
        virtio_flush_code_writes(vdev);
        return vdev->isr;
    case STATUS: return vdev->status;
    case SHM_LEN_LOW:
    case SHM_LEN_HIGH: return 0xffffffffu;
    case CONFIG_GENERATION: return t->legacy ? 0 : vdev->generation;
    default: return 0; /* write-only and unknown registers */
    }
}

static uint64_t virtio_mmio_read(void *dev, uint64_t offset, unsigned size)
{
    struct virtio_mmio *t = dev;
    uint64_t v = 0;
    if (!t->vdev) {
        v = vmmio_empty_read(t, offset, size);
    } else if (offset >= CONFIG || size == 4) {
        pthread_mutex_lock(&t->vdev->lock);
        v = offset >= CONFIG ? vmmio_config_read(t, offset - CONFIG, size)
                             : vmmio_reg_read(t, offset);
        pthread_mutex_unlock(&t->vdev->lock);
    }
    vmmio_trace(t, "read ", offset, size, v);
    return v;
}

static void vmmio_status_write(struct virtio_mmio *t, uint32_t value)
{
    struct virtio_device *vdev = t->vdev;
    value &= 0xff;
    if (!t->legacy && (value & VIRTIO_STATUS_FEATURES_OK) &&
        !(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t want = (uint64_t)t->drv_features[1] << 32 | t->drv_features[0];
        if ((want & ~vdev->host_features) || !(want & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
            value &= ~VIRTIO_STATUS_FEATURES_OK;
        else
            vdev->features = want;
    }
    vdev->status = (uint8_t)value;
    if (value == 0) {
        vmmio_device_reset(t);
        return;
    }
    if (vdev->ops->status_changed)
        vdev->ops->status_changed(vdev);
}

static void vmmio_queue_write(struct virtio_mmio *t, uint64_t offset, uint32_t value)
{
    struct virtio_device *vdev = t->vdev;
    unsigned qs = t->queue_sel;
    if (qs >= vdev->num_queues)
        return;
    struct vmmio_queue *q = &t->q[qs];
    if (t->legacy) {
        switch (offset) {
        case QUEUE_NUM: q->num = value; break;
        case QUEUE_ALIGN: q->align = value; break;
        case QUEUE_PFN:
            if (value == 0) {
                vmmio_device_reset(t);
                return;
            }
            q->pfn = value;
            break;
        default: return; /* modern-only registers */
        }
        vmmio_legacy_setup(t, qs);
        return;
    }
    switch (offset) {
    case QUEUE_NUM: q->num = value; break;
    case QUEUE_DESC_LOW: q->desc[0] = value; break;
    case QUEUE_DESC_HIGH: q->desc[1] = value; break;
    case QUEUE_DRIVER_LOW: q->avail[0] = value; break;
    case QUEUE_DRIVER_HIGH: q->avail[1] = value; break;
    case QUEUE_DEVICE_LOW: q->used[0] = value; break;
    case QUEUE_DEVICE_HIGH: q->used[1] = value; break;
    case QUEUE_READY:
        q->enabled = value != 0;
        if (!value) {
            vdev->vq[qs].ready = false;
            break;
        }
        vq_enable(vdev, &vdev->vq[qs], q->num, (uint64_t)q->desc[1] << 32 | q->desc[0],
                  (uint64_t)q->avail[1] << 32 | q->avail[0],
                  (uint64_t)q->used[1] << 32 | q->used[0]);
        break;
    default: break; /* legacy-only registers */
    }
}

static void vmmio_reg_write(struct virtio_mmio *t, uint64_t offset, uint32_t value)
{
    struct virtio_device *vdev = t->vdev;
    switch (offset) {
    case DEVICE_FEATURES_SEL: t->dev_features_sel = value != 0; break;
    case DRIVER_FEATURES_SEL: t->drv_features_sel = value != 0; break;
    case DRIVER_FEATURES:
        if (!t->legacy)
            t->drv_features[t->drv_features_sel] = value;
        else if (!t->drv_features_sel)
            vdev->features = value & vdev->host_features;
        break;
    case GUEST_PAGE_SIZE:
        if (t->legacy)
            t->page_shift = value ? (uint32_t)__builtin_ctz(value) : 0;
        break;
    case QUEUE_SEL:
        if (value < QUEUE_SEL_MAX)
            t->queue_sel = value;
        break;
    case QUEUE_NOTIFY:
        virtio_flush_code_writes(vdev);
        if (virtio_queue_active(vdev, value))
            vdev->ops->queue_notify(vdev, value);
        break;
    case INTERRUPT_ACK:
        vdev->isr &= ~value;
        vmmio_irq_update(t);
        break;
    case STATUS: vmmio_status_write(t, value); break;
    case QUEUE_NUM:
    case QUEUE_ALIGN:
    case QUEUE_PFN:
    case QUEUE_READY:
    case QUEUE_DESC_LOW:
    case QUEUE_DESC_HIGH:
    case QUEUE_DRIVER_LOW:
    case QUEUE_DRIVER_HIGH:
    case QUEUE_DEVICE_LOW:
    case QUEUE_DEVICE_HIGH: vmmio_queue_write(t, offset, value); break;
    default: break; /* read-only, SHMSel and unknown registers */
    }
}

static void virtio_mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = dev;
    vmmio_trace(t, "write ", offset, size, value);
    if (!t->vdev || (offset < CONFIG && size != 4))
        return;
    pthread_mutex_lock(&t->vdev->lock);
    if (offset >= CONFIG)
        vmmio_config_write(t, offset - CONFIG, size, value);
    else
        vmmio_reg_write(t, offset, (uint32_t)value);
    pthread_mutex_unlock(&t->vdev->lock);
}

/* A machine reset: the device and the transport's selectors. */
static void virtio_mmio_reset(void *dev)
{
    struct virtio_mmio *t = dev;
    if (!t->vdev)
        return;
    pthread_mutex_lock(&t->vdev->lock);
    vmmio_device_reset(t);
    t->dev_features_sel = t->drv_features_sel = 0;
    t->drv_features[0] = t->drv_features[1] = 0;
    t->page_shift = 0;
    t->queue_sel = 0;
    pthread_mutex_unlock(&t->vdev->lock);
}

/* QEMU 7.2's node (dumpdtb): compatible, reg, edge-rising interrupt,
 * dma-coherent; present for empty slots too. */
static int virtio_mmio_fdt_node(void *dev, const struct fdt_ctx *ctx)
{
    char name[40];
    snprintf(name, sizeof(name), "virtio_mmio@%" PRIx64, ctx->base);
    int node = fdt_add_subnode(ctx->fdt, 0, name), rc;
    if (node < 0)
        return node;
    fdt64_t reg[2] = {cpu_to_fdt64(ctx->base), cpu_to_fdt64(ctx->size)};
    if ((rc = fdt_setprop_string(ctx->fdt, node, "compatible", "virtio,mmio")) ||
        (rc = fdt_setprop(ctx->fdt, node, "reg", reg, sizeof(reg))) ||
        (ctx->fdt_irq && (rc = ctx->fdt_irq(ctx, node, ctx->spi, IRQ_TYPE_EDGE_RISING))) ||
        (rc = fdt_setprop_empty(ctx->fdt, node, "dma-coherent")))
        return rc;
    return 0;
}

const struct dev_ops virtio_mmio_ops = {
    .name = "virtio-mmio",
    .access_min = 1,
    .access_max = 4,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
    .fdt_node = virtio_mmio_fdt_node,
};

struct virtio_mmio *virtio_mmio_create(struct virtio_device *vdev, bool legacy,
                                       struct irq_line irq)
{
    struct virtio_mmio *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->vdev = vdev;
    t->legacy = legacy;
    t->irq = irq;
    if (!vdev)
        return t;
    t->q = calloc(vdev->num_queues ? vdev->num_queues : 1, sizeof(*t->q));
    if (!t->q) {
        free(t);
        return NULL;
    }
    /* Ring and transport bits QEMU 7.2 offers (qtest, virtio-rng, which adds
     * none of its own): legacy 0x39000000, modern 0x30000000 | 0x101 << 32. */
    uint64_t common = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    if (legacy)
        common |= VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY) | VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
    else
        common |= VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_RESET);
    pthread_mutex_lock(&vdev->lock);
    vdev->host_features = vdev->ops->features ? vdev->ops->features(vdev, common, !legacy) : common;
    vdev->irq_update = vmmio_irq_update;
    vdev->transport = t;
    vmmio_queues_reset(t);
    pthread_mutex_unlock(&vdev->lock);
    return t;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
    if (!t)
        return;
    if (t->vdev) {
        pthread_mutex_lock(&t->vdev->lock);
        t->vdev->irq_update = NULL;
        t->vdev->transport = NULL;
        pthread_mutex_unlock(&t->vdev->lock);
    }
    free(t->q);
    free(t);
}
