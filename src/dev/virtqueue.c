/* Split virtqueues: see virtqueue.h for what is checked and why. */
#include "dev/virtqueue.h"

#include <stdlib.h>
#include <string.h>

#include "dev/virtio.h"
#include "mem/physmem.h"

/* Ring layout (spec 2.7.6, 2.7.8): avail = flags, idx, ring[num], used_event;
 * used = flags, idx, {id, len}[num], avail_event. */
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_IDX 2
#define USED_RING 4

static uint16_t *avail_ring(const struct virtqueue *vq, unsigned i)
{
    return (uint16_t *)(vq->avail + AVAIL_RING + 2 * i);
}

static uint16_t avail_idx(const struct virtqueue *vq)
{
    /* Acquire: the ring entries and descriptors the driver wrote before
     * publishing idx must be visible before we read them. */
    return __atomic_load_n((uint16_t *)(vq->avail + AVAIL_IDX), __ATOMIC_ACQUIRE);
}

void vq_reset(struct virtqueue *vq)
{
    uint16_t def = vq->num_default;
    memset(vq, 0, sizeof(*vq));
    vq->num_default = def;
    vq->num = def;
}

uint64_t vq_legacy_used_offset(unsigned num, uint64_t align)
{
    uint64_t end = 16ull * num + 6 + 2ull * num;
    return (end + align - 1) & ~(align - 1);
}

int vq_enable(struct virtio_device *vdev, struct virtqueue *vq, unsigned num, uint64_t desc,
              uint64_t avail, uint64_t used)
{
    vq->ready = false;
    if (num == 0 || num > VIRTQ_MAX_SIZE || (num & (num - 1))) {
        virtio_error(vdev, "queue size %u is not a power of two in 1..%u", num, VIRTQ_MAX_SIZE);
        return -1;
    }
    /* Alignment of each part (spec 2.7, table "Virtqueue Part Alignment"). */
    if ((desc & 15) || (avail & 1) || (used & 3)) {
        virtio_error(vdev, "misaligned ring: desc 0x%llx avail 0x%llx used 0x%llx",
                     (unsigned long long)desc, (unsigned long long)avail,
                     (unsigned long long)used);
        return -1;
    }
    uint8_t *d = physmem_ram_ptr(vdev->mem, desc, 16ull * num);
    uint8_t *a = physmem_ram_ptr(vdev->mem, avail, 6 + 2ull * num);
    uint8_t *u = physmem_ram_ptr(vdev->mem, used, 6 + 8ull * num);
    if (!d || !a || !u) {
        virtio_error(vdev, "ring outside RAM: desc 0x%llx avail 0x%llx used 0x%llx",
                     (unsigned long long)desc, (unsigned long long)avail,
                     (unsigned long long)used);
        return -1;
    }
    vq->num = (uint16_t)num;
    vq->desc_pa = desc;
    vq->avail_pa = avail;
    vq->used_pa = used;
    vq->desc = d;
    vq->avail = a;
    vq->used = u;
    vq->signalled_valid = false;
    vq->ready = true;
    return 0;
}

bool vq_empty(const struct virtqueue *vq)
{
    return !vq->ready || avail_idx(vq) == vq->last_avail_idx;
}

/* A chain being collected. */
struct walk {
    struct vq_elem *elem;
    unsigned cap;
};

static int walk_add(struct walk *w, uint8_t *host, uint64_t pa, uint32_t len, bool in)
{
    struct vq_elem *e = w->elem;
    if (e->n_out + e->n_in == w->cap) {
        unsigned cap = w->cap * 2;
        e = realloc(e, sizeof(*e) + cap * sizeof(e->seg[0]));
        if (!e)
            return -1;
        w->elem = e;
        w->cap = cap;
    }
    e->seg[e->n_out + e->n_in] = (struct vq_seg){host, pa, len};
    if (in) {
        e->n_in++;
        e->in_len += len;
    } else {
        e->n_out++;
        e->out_len += len;
    }
    return 0;
}

/* Follow the chain from `head`; 0 or negative after virtio_error. */
static int vq_walk(struct virtio_device *vdev, struct virtqueue *vq, unsigned head, struct walk *w)
{
    const uint8_t *table = vq->desc;
    unsigned size = vq->num, budget = vq->num, i = head;
    bool indirect = false;

    for (;;) {
        struct virtq_desc d;
        if (budget-- == 0) {
            virtio_error(vdev, "descriptor chain from %u longer than its table (a loop?)", head);
            return -1;
        }
        /* One copy, then only the copy is used: the driver may rewrite it. */
        memcpy(&d, table + 16ull * i, sizeof(d));

        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            /* Only the last descriptor of a chain may point to a table, and
             * a table may not point to another (spec 2.7.5.3.1). */
            if (indirect || !virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC)) {
                virtio_error(vdev, "unexpected indirect descriptor %u", i);
                return -1;
            }
            if (d.len == 0 || d.len % 16 || d.len / 16 > VIRTQ_MAX_SIZE) {
                virtio_error(vdev, "bad indirect table length %u", d.len);
                return -1;
            }
            table = physmem_ram_ptr(vdev->mem, d.addr, d.len);
            if (!table) {
                virtio_error(vdev, "indirect table 0x%llx+%u outside RAM",
                             (unsigned long long)d.addr, d.len);
                return -1;
            }
            indirect = true;
            size = budget = d.len / 16;
            i = 0;
            continue;
        }

        bool in = d.flags & VIRTQ_DESC_F_WRITE;
        if (!in && w->elem->n_in) {
            virtio_error(vdev, "readable descriptor %u after a writable one", i);
            return -1;
        }
        if (d.len) {
            uint8_t *host = physmem_ram_ptr(vdev->mem, d.addr, d.len);
            if (!host) {
                virtio_error(vdev, "buffer 0x%llx+%u outside RAM", (unsigned long long)d.addr,
                             d.len);
                return -1;
            }
            if (walk_add(w, host, d.addr, d.len, in)) {
                virtio_error(vdev, "out of host memory for a chain");
                return -1;
            }
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return 0;
        if (d.next >= size) {
            virtio_error(vdev, "descriptor next %u beyond table of %u", d.next, size);
            return -1;
        }
        i = d.next;
    }
}

int vq_pop(struct virtio_device *vdev, struct virtqueue *vq, struct vq_elem **out)
{
    if (!vq->ready || vdev->broken)
        return 0;
    uint16_t idx = avail_idx(vq);
    uint16_t pending = (uint16_t)(idx - vq->last_avail_idx);
    if (pending == 0)
        return 0;
    if (pending > vq->num) {
        virtio_error(vdev, "avail idx %u is %u ahead of %u, more than the queue holds", idx,
                     pending, vq->last_avail_idx);
        return -1;
    }
    uint16_t head = __atomic_load_n(avail_ring(vq, vq->last_avail_idx % vq->num),
                                    __ATOMIC_RELAXED);
    if (head >= vq->num) {
        virtio_error(vdev, "avail ring head %u beyond queue size %u", head, vq->num);
        return -1;
    }
    struct walk w = {.cap = 8};
    w.elem = calloc(1, sizeof(*w.elem) + w.cap * sizeof(w.elem->seg[0]));
    if (!w.elem) {
        virtio_error(vdev, "out of host memory for a chain");
        return -1;
    }
    w.elem->head = head;
    if (vq_walk(vdev, vq, head, &w) < 0) {
        free(w.elem);
        return -1;
    }
    vq->last_avail_idx++;
    vq->inuse++;
    *out = w.elem;
    return 1;
}

int vq_pop_or_arm(struct virtio_device *vdev, struct virtqueue *vq, struct vq_elem **out)
{
    for (;;) {
        int r = vq_pop(vdev, vq, out);
        if (r != 0 || !vq_arm_notify(vdev, vq))
            return r;
    }
}

void vq_push(struct virtio_device *vdev, struct virtqueue *vq, const struct vq_elem *elem,
             uint32_t written)
{
    if (vq->inuse)
        vq->inuse--;
    if (!vq->ready)
        return;
    uint8_t *entry = vq->used + USED_RING + 8u * (vq->used_idx % vq->num);
    uint32_t id = elem->head;
    memcpy(entry, &id, 4);
    memcpy(entry + 4, &written, 4);
    vq->used_idx++;
    /* Release: the entry (and the data) before the index that publishes it. */
    __atomic_store_n((uint16_t *)(vq->used + USED_IDX), vq->used_idx, __ATOMIC_RELEASE);

    uint64_t left = written;
    for (unsigned s = elem->n_out; s < elem->n_out + elem->n_in && left; s++) {
        uint64_t n = elem->seg[s].len < left ? elem->seg[s].len : left;
        virtio_dma_written(vdev, elem->seg[s].pa, n);
        left -= n;
    }
}

bool vq_arm_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
    if (!vq->ready)
        return false;
    if (virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX))
        __atomic_store_n((uint16_t *)(vq->used + USED_RING + 8u * vq->num), vq->last_avail_idx,
                         __ATOMIC_RELAXED);
    /* Our avail_event store must be visible before we look at avail idx
     * again, or a buffer added in between would go unnoticed by both sides. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !vq_empty(vq);
}

bool vq_should_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
    if (!vq->ready)
        return false;
    /* The used idx store must be visible before we read the driver's
     * suppression state, which it writes before checking used idx. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (virtio_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) && vq->inuse == 0 && vq_empty(vq))
        return true;
    if (!virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX)) {
        uint16_t flags = __atomic_load_n((uint16_t *)vq->avail, __ATOMIC_RELAXED);
        return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    uint16_t old = vq->signalled_used, new = vq->used_idx;
    bool valid = vq->signalled_valid;
    vq->signalled_used = new;
    vq->signalled_valid = true;
    if (!valid)
        return true;
    uint16_t event = __atomic_load_n(avail_ring(vq, vq->num), __ATOMIC_RELAXED);
    /* Interrupt if used_event lies in [old, new): spec 2.7.10. */
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

size_t vq_read_out(const struct vq_elem *elem, uint64_t off, void *buf, size_t len)
{
    uint8_t *dst = buf;
    size_t done = 0;
    for (unsigned s = 0; s < elem->n_out && done < len; s++) {
        const struct vq_seg *seg = &elem->seg[s];
        if (off >= seg->len) {
            off -= seg->len;
            continue;
        }
        size_t n = seg->len - off;
        if (n > len - done)
            n = len - done;
        memcpy(dst + done, seg->host + off, n);
        done += n;
        off = 0;
    }
    return done;
}

size_t vq_write_in(const struct vq_elem *elem, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *src = buf;
    size_t done = 0;
    for (unsigned s = elem->n_out; s < elem->n_out + elem->n_in && done < len; s++) {
        const struct vq_seg *seg = &elem->seg[s];
        if (off >= seg->len) {
            off -= seg->len;
            continue;
        }
        size_t n = seg->len - off;
        if (n > len - done)
            n = len - done;
        memcpy(seg->host + off, src + done, n);
        done += n;
        off = 0;
    }
    return done;
}
