/* The state every virtio device shares, and the rules for interrupting the
 * driver and for failing (see virtio.h for the locking). */
#include "dev/virtio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/physmem.h"
#include "trace/log.h"

int virtio_device_init(struct virtio_device *vdev, const struct virtio_device_ops *ops,
                       struct physmem *mem, size_t config_len, unsigned num_queues,
                       const uint16_t *queue_size)
{
    vdev->ops = ops;
    vdev->mem = mem;
    vdev->config_len = config_len < VIRTIO_CONFIG_MAX ? config_len : VIRTIO_CONFIG_MAX;
    vdev->num_queues = num_queues;
    vdev->vq = calloc(num_queues ? num_queues : 1, sizeof(*vdev->vq));
    if (!vdev->vq)
        return -ENOMEM;
    for (unsigned i = 0; i < num_queues; i++) {
        vdev->vq[i].num_default = queue_size[i];
        vq_reset(&vdev->vq[i]);
    }
    pthread_mutex_init(&vdev->lock, NULL);
    return 0;
}

void virtio_device_destroy(struct virtio_device *vdev)
{
    free(vdev->vq);
    free(vdev->code_pages);
    vdev->vq = NULL;
    vdev->code_pages = NULL;
    pthread_mutex_destroy(&vdev->lock);
}

bool virtio_queue_active(const struct virtio_device *vdev, unsigned q)
{
    return q < vdev->num_queues && vdev->vq[q].ready && !vdev->broken &&
           (vdev->status & VIRTIO_STATUS_DRIVER_OK);
}

static void virtio_irq_update(struct virtio_device *vdev)
{
    if (vdev->irq_update)
        vdev->irq_update(vdev->transport);
}

/* NOTE: QEMU 7.2 sets NEEDS_RESET only for modern (VERSION_1) devices; we
 * set it in legacy mode too so a test can see the failure. Legacy drivers
 * do not look at the bit. */
void virtio_error(struct virtio_device *vdev, const char *fmt, ...)
{
    if (log_enabled(LOG_GUEST_ERROR)) {
        char msg[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_printf("%s: %s\n", vdev->ops->name, msg);
    }
    vdev->broken = true;
    vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
    virtio_notify_config(vdev);
}

void virtio_notify_queue(struct virtio_device *vdev, struct virtqueue *vq)
{
    if (!vq_should_notify(vdev, vq))
        return;
    vdev->isr |= VIRTIO_ISR_USED;
    virtio_irq_update(vdev);
}

void virtio_notify_config(struct virtio_device *vdev)
{
    /* As QEMU: no config interrupt before the driver is ready for one. */
    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    vdev->generation++;
    vdev->isr |= VIRTIO_ISR_CONFIG;
    virtio_irq_update(vdev);
}

void virtio_device_reset(struct virtio_device *vdev)
{
    /* Status first: a worker checks DRIVER_OK before it takes more work. */
    vdev->status = 0;
    if (vdev->ops->reset)
        vdev->ops->reset(vdev);
    for (unsigned i = 0; i < vdev->num_queues; i++)
        vq_reset(&vdev->vq[i]);
    vdev->isr = 0;
    vdev->features = 0;
    vdev->broken = false;
    virtio_flush_code_writes(vdev);
    virtio_irq_update(vdev);
}

void virtio_dma_written(struct virtio_device *vdev, uint64_t pa, uint64_t len)
{
    if (!len)
        return;
    struct region *r = physmem_find(vdev->mem, pa);
    if (!r || r->kind != REGION_RAM || !r->code_pages)
        return;
    for (uint64_t p = pa & PAGE_MASK; p < pa + len && p - r->base < r->size; p += PAGE_SIZE) {
        /* The vCPU thread may set or clear the mark meanwhile; a stale read
         * is harmless because the flush re-checks on the vCPU thread. */
        if (!__atomic_load_n(&r->code_pages[(p - r->base) >> PAGE_BITS], __ATOMIC_RELAXED))
            continue;
        if (vdev->n_code_pages && vdev->code_pages[vdev->n_code_pages - 1] == p)
            continue;
        if (vdev->n_code_pages == vdev->cap_code_pages) {
            unsigned cap = vdev->cap_code_pages ? vdev->cap_code_pages * 2 : 16;
            uint64_t *n = realloc(vdev->code_pages, cap * sizeof(*n));
            if (!n)
                return;
            vdev->code_pages = n;
            vdev->cap_code_pages = cap;
        }
        vdev->code_pages[vdev->n_code_pages++] = p;
    }
}

void virtio_flush_code_writes(struct virtio_device *vdev)
{
    for (unsigned i = 0; i < vdev->n_code_pages; i++) {
        uint64_t p = vdev->code_pages[i];
        struct region *r = physmem_find(vdev->mem, p);
        if (r && r->kind == REGION_RAM && region_page_has_code(r, p))
            physmem_code_written(vdev->mem, r, p);
    }
    vdev->n_code_pages = 0;
}
