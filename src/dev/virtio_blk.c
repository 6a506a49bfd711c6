/*
 * virtio-blk: virtio 1.2 spec 5.2, with the feature bits and config values
 * QEMU 7.2 offers (read over qtest from `-device virtio-blk-device` on a raw
 * 1 MiB image: features legacy 0x31006ed4, modern 0x30006e54 | 0x101 << 32,
 * +0x20 (RO) with readonly=on; config bytes 0x00-0x38 as in blk_config_get).
 *
 * Requests: IN, OUT, FLUSH (fdatasync), GET_ID, DISCARD (hole punching),
 * WRITE_ZEROES; any other type (SCSI_CMD, GET_LIFETIME, SECURE_ERASE...)
 * answers UNSUPP. A request past the capacity or not a whole number of
 * sectors, a write to a read-only disk, and a failed host call answer IOERR
 * (spec 5.2.6.1). A chain without room for the 16-byte header and the status
 * byte, or a discard / write-zeroes without its segment, is not a request
 * at all: the device reports it with virtio_error, as QEMU does. Statuses
 * and used lengths were compared with QEMU 7.2 over qtest request by request
 * (the used length is the whole device-writable size, status included).
 *
 * Threads: the vCPU's notify only wakes the worker; the worker pops under
 * the device lock, does the I/O straight between the image and guest RAM
 * without it, and pushes and interrupts under it again (see virtio.h).
 *
 * Fault injection (src/fault): before serving a read, write, write-zeroes,
 * discard or flush that passed the checks above, the worker asks the
 * disk's fault point; a rule may delay the request (the worker sleeps, so
 * requests behind it wait too, as behind a slow disk), fail it with IOERR
 * or UNSUPP without touching the image, or tear a write: only its first K
 * sectors are written and made durable, then it fails with IOERR or the
 * power goes (armvirt exits at once and the request never completes).
 *
 * Left out: capacity is fixed at creation (no resize event); image
 * locking against a second user of the file.
 */
#include "dev/virtio_blk.h"

#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "backend/block.h"
#include "fault/fault.h"

/* Feature bits (spec 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_SCSI 7 /* legacy */
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types (spec 5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_SCSI_CMD 2
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_T_BARRIER 0x80000000u /* legacy flag, ignored */

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_WZ_F_UNMAP 1u
#define VIRTIO_BLK_ID_BYTES 20
#define SECTOR 512u

/* QEMU 7.2's defaults: queue-size 256, seg_max = queue-size - 2, one
 * discard / write-zeroes segment of up to 0x3fffff sectors (qtest). */
#define BLK_QUEUE_SIZE 256
#define BLK_SEG_MAX (BLK_QUEUE_SIZE - 2)
#define BLK_MAX_DWZ_SECTORS 0x3fffffu
#define BLK_MAX_DWZ_SEG 1u

/* Config space layout (spec 5.2.4), offsets in bytes; QEMU 7.2's config is
 * 57 bytes long, up to write_zeroes_may_unmap. */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12
#define CFG_CYLINDERS 16
#define CFG_HEADS 18
#define CFG_SECTORS 19
#define CFG_BLK_SIZE 20
#define CFG_WCE 32
#define CFG_NUM_QUEUES 34
#define CFG_MAX_DISCARD_SECTORS 36
#define CFG_MAX_DISCARD_SEG 40
#define CFG_DISCARD_ALIGNMENT 44
#define CFG_MAX_WZ_SECTORS 48
#define CFG_MAX_WZ_SEG 52
#define CFG_WZ_MAY_UNMAP 56
#define CFG_LEN 57

struct virtio_blk {
    struct virtio_device vdev;    /* first: the ops get a pointer to it */
    struct block_backend *bb;
    char serial[VIRTIO_BLK_ID_BYTES + 1];
    uint64_t capacity;            /* 512-byte sectors */
    uint16_t cylinders;
    uint8_t heads, sectors;
    struct fault_point *fault;    /* set before the driver starts; NULL: none */
    /* Guarded by vdev.lock. */
    uint8_t wce;                  /* config writeback-cache flag */
    bool kick, stop;
    unsigned inflight;            /* requests popped and not yet pushed */
    pthread_cond_t kick_cond, idle_cond;
    pthread_t worker;
};

static struct virtio_blk *to_blk(struct virtio_device *vdev)
{
    return (struct virtio_blk *)vdev;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint64_t blk_features(struct virtio_device *vdev, uint64_t common, bool modern)
{
    struct virtio_blk *blk = to_blk(vdev);
    uint64_t f = common | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_GEOMETRY) |
                 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
                 VIRTIO_BIT(VIRTIO_BLK_F_TOPOLOGY) | VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE) |
                 VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
    if (block_read_only(blk->bb))
        f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
    /* QEMU's legacy virtio-blk offers SCSI (and answers such requests
     * UNSUPP) and takes back ANY_LAYOUT. */
    if (!modern)
        f = (f | VIRTIO_BIT(VIRTIO_BLK_F_SCSI)) & ~VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
    return f;
}

static void blk_config_get(struct virtio_device *vdev, uint8_t *cfg)
{
    struct virtio_blk *blk = to_blk(vdev);
    memset(cfg, 0, CFG_LEN);
    put64(cfg + CFG_CAPACITY, blk->capacity);
    put32(cfg + CFG_SIZE_MAX, 0);
    put32(cfg + CFG_SEG_MAX, BLK_SEG_MAX);
    put16(cfg + CFG_CYLINDERS, blk->cylinders);
    cfg[CFG_HEADS] = blk->heads;
    cfg[CFG_SECTORS] = blk->sectors;
    put32(cfg + CFG_BLK_SIZE, SECTOR);
    /* Topology (physical_block_exp, alignment, min/opt I/O) all 0. */
    cfg[CFG_WCE] = blk->wce;
    put16(cfg + CFG_NUM_QUEUES, 1);
    put32(cfg + CFG_MAX_DISCARD_SECTORS, BLK_MAX_DWZ_SECTORS);
    put32(cfg + CFG_MAX_DISCARD_SEG, BLK_MAX_DWZ_SEG);
    put32(cfg + CFG_DISCARD_ALIGNMENT, SECTOR / 512);
    put32(cfg + CFG_MAX_WZ_SECTORS, BLK_MAX_DWZ_SECTORS);
    put32(cfg + CFG_MAX_WZ_SEG, BLK_MAX_DWZ_SEG);
    cfg[CFG_WZ_MAY_UNMAP] = 1;
}

/* Only the writeback flag is writable (spec 5.2.5, CONFIG_WCE). */
static void blk_config_set(struct virtio_device *vdev, const uint8_t *cfg)
{
    to_blk(vdev)->wce = cfg[CFG_WCE] != 0;
}

/* Does a completed write also need a flush? Without CONFIG_WCE the cache
 * mode follows whether the driver took FLUSH (spec 5.2.5.1). Lock held. */
static bool blk_writethrough(struct virtio_blk *blk)
{
    struct virtio_device *vdev = &blk->vdev;
    if (virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE))
        return !blk->wce;
    return !virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
}

static bool blk_range_ok(const struct virtio_blk *blk, uint64_t sector, uint64_t nsec)
{
    return sector <= blk->capacity && nsec <= blk->capacity - sector;
}

/* An iovec over `len` bytes of the chain's out or in side, `skip` bytes in. */
static struct iovec *blk_iov(const struct vq_elem *e, bool in, uint64_t skip, uint64_t len,
                             int *cnt)
{
    unsigned first = in ? e->n_out : 0, n = in ? e->n_in : e->n_out;
    struct iovec *iov = malloc((n ? n : 1) * sizeof(*iov));
    if (!iov)
        return NULL;
    int k = 0;
    for (unsigned s = first; s < first + n && len; s++) {
        uint64_t l = e->seg[s].len;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        uint64_t take = l - skip < len ? l - skip : len;
        iov[k++] = (struct iovec){e->seg[s].host + skip, (size_t)take};
        len -= take;
        skip = 0;
    }
    *cnt = k;
    return iov;
}

/* Asks the fault rules about a request that passed the device's own
 * checks; waits out a delay. Returns -1 to serve it, else the status to
 * answer instead; a torn write is left in *f for the caller. */
static int blk_fault(struct virtio_blk *blk, enum fault_blk_op op, uint64_t sector, uint64_t nsec,
                     struct fault_blk *f)
{
    if (!fault_blk_request(blk->fault, op, sector, nsec, f))
        return -1;
    if (f->delay_ns)
        fault_sleep_ns(f->delay_ns);
    if (f->error == FAULT_BLK_EIO)
        return VIRTIO_BLK_S_IOERR;
    if (f->error == FAULT_BLK_UNSUPP)
        return VIRTIO_BLK_S_UNSUPP;
    return -1;
}

/* A torn write: the first f->torn_sectors sectors of the data reach the
 * disk and are made durable, the rest does not; then IOERR, or power loss. */
static uint8_t blk_torn_write(struct virtio_blk *blk, const struct vq_elem *e, uint64_t sector,
                              uint64_t nsec, const struct fault_blk *f)
{
    int cnt, rc = 0;
    if (f->torn_sectors) {
        struct iovec *iov = blk_iov(e, false, 16, f->torn_sectors * SECTOR, &cnt);
        if (!iov)
            return VIRTIO_BLK_S_IOERR;
        rc = block_writev(blk->bb, iov, cnt, sector * SECTOR);
        free(iov);
    }
    if (!rc)
        block_flush(blk->bb);
    if (f->power_off)
        fault_power_loss(blk->fault, f, sector, nsec);
    return VIRTIO_BLK_S_IOERR;
}

static uint8_t blk_rw(struct virtio_blk *blk, const struct vq_elem *e, uint64_t sector,
                      bool write, bool writethrough)
{
    uint64_t len = write ? e->out_len - 16 : e->in_len - 1;
    if (len % SECTOR || !blk_range_ok(blk, sector, len / SECTOR))
        return VIRTIO_BLK_S_IOERR;
    if (write && block_read_only(blk->bb))
        return VIRTIO_BLK_S_IOERR;
    struct fault_blk f;
    int st = blk_fault(blk, write ? FAULT_BLK_WRITE : FAULT_BLK_READ, sector, len / SECTOR, &f);
    if (st >= 0)
        return (uint8_t)st;
    if (f.torn)
        return blk_torn_write(blk, e, sector, len / SECTOR, &f);
    int cnt;
    struct iovec *iov = blk_iov(e, !write, write ? 16 : 0, len, &cnt);
    if (!iov)
        return VIRTIO_BLK_S_IOERR;
    int rc = write ? block_writev(blk->bb, iov, cnt, sector * SECTOR)
                   : block_readv(blk->bb, iov, cnt, sector * SECTOR);
    free(iov);
    if (!rc && write && writethrough)
        rc = block_flush(blk->bb);
    return rc ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES carry {sector u64, num_sectors u32, flags u32}
 * segments (spec 5.2.6); we take max_*_seg = 1 of them. Returns a status,
 * or -1 if there is not even one segment (QEMU: virtio_error). */
static int blk_discard_wz(struct virtio_blk *blk, const struct vq_elem *e, bool wz)
{
    uint8_t seg[16];
    if (e->out_len - 16 < sizeof(seg))
        return -1;
    if (e->out_len - 16 != sizeof(seg))
        return VIRTIO_BLK_S_UNSUPP;
    vq_read_out(e, 16, seg, sizeof(seg));
    uint64_t sector;
    uint32_t nsec, flags;
    memcpy(&sector, seg, 8);
    memcpy(&nsec, seg + 8, 4);
    memcpy(&flags, seg + 12, 4);
    /* Unknown flags, or unmap on a discard: UNSUPP (spec 5.2.6.1). */
    if ((flags & ~VIRTIO_BLK_WZ_F_UNMAP) || (!wz && flags))
        return VIRTIO_BLK_S_UNSUPP;
    if (nsec > BLK_MAX_DWZ_SECTORS || !blk_range_ok(blk, sector, nsec))
        return VIRTIO_BLK_S_IOERR;
    /* A discard is a hint: on a read-only disk it succeeds doing nothing,
     * as on QEMU 7.2 (qtest); zeroing it is a write and fails. */
    if (block_read_only(blk->bb))
        return wz ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
    struct fault_blk f;
    int st = blk_fault(blk, FAULT_BLK_ZERO, sector, nsec, &f);
    if (st >= 0)
        return st;
    int rc = wz ? block_write_zeroes(blk->bb, sector * SECTOR, (uint64_t)nsec * SECTOR)
                : block_discard(blk->bb, sector * SECTOR, (uint64_t)nsec * SECTOR);
    return rc ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Serve one request without the lock; returns the status byte, or -1 for a
 * request too malformed to answer. The type decoding is QEMU 7.2's (qtest):
 * the OUT and legacy BARRIER bits are masked before the switch, so 5 is a
 * flush and 9 a GET_ID, but DISCARD and WRITE_ZEROES must be exactly 11 and
 * 13; SCSI_CMD answers IOERR when the chain cannot hold a SCSI request (2
 * out, 3 in buffers), else UNSUPP (no SCSI passthrough). */
static int blk_handle(struct virtio_blk *blk, const struct vq_elem *e, bool writethrough)
{
    uint8_t hdr[16];
    vq_read_out(e, 0, hdr, sizeof(hdr));
    uint32_t type;
    uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    type &= ~VIRTIO_BLK_T_BARRIER;

    switch (type & ~VIRTIO_BLK_T_OUT) {
    case VIRTIO_BLK_T_IN:
        return blk_rw(blk, e, sector, type & VIRTIO_BLK_T_OUT, writethrough);
    case VIRTIO_BLK_T_FLUSH: {
        struct fault_blk f;
        int st = blk_fault(blk, FAULT_BLK_FLUSH, 0, 0, &f);
        if (st >= 0)
            return st;
        return block_flush(blk->bb) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
    }
    case VIRTIO_BLK_T_SCSI_CMD:
        return e->n_out < 2 || e->n_in < 3 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_UNSUPP;
    case VIRTIO_BLK_T_GET_ID: {
        /* The serial with its NUL if it fits, cut to 20 bytes (QEMU). */
        uint64_t room = e->in_len - 1, n = strlen(blk->serial) + 1;
        if (n > room)
            n = room;
        if (n > VIRTIO_BLK_ID_BYTES)
            n = VIRTIO_BLK_ID_BYTES;
        vq_write_in(e, 0, blk->serial, (size_t)n);
        return VIRTIO_BLK_S_OK;
    }
    case VIRTIO_BLK_T_DISCARD & ~VIRTIO_BLK_T_OUT:
    case VIRTIO_BLK_T_WRITE_ZEROES & ~VIRTIO_BLK_T_OUT:
        if (type != VIRTIO_BLK_T_DISCARD && type != VIRTIO_BLK_T_WRITE_ZEROES)
            return VIRTIO_BLK_S_UNSUPP;
        return blk_discard_wz(blk, e, type == VIRTIO_BLK_T_WRITE_ZEROES);
    default: return VIRTIO_BLK_S_UNSUPP;
    }
}

/* Pop, serve and push until the ring is empty. Lock held on entry and exit. */
static void blk_drain_queue(struct virtio_blk *blk)
{
    struct virtio_device *vdev = &blk->vdev;
    struct virtqueue *vq = &vdev->vq[0];
    while (!blk->stop && virtio_queue_active(vdev, 0)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            return;
        if (e->out_len < 16 || e->in_len < 1) {
            vq->inuse--;
            free(e);
            virtio_error(vdev, "request without header or status byte");
            return;
        }
        bool wt = blk_writethrough(blk);
        blk->inflight++;
        pthread_mutex_unlock(&vdev->lock);

        int status = blk_handle(blk, e, wt);
        if (status >= 0) {
            uint8_t st = (uint8_t)status;
            vq_write_in(e, e->in_len - 1, &st, 1);
        }

        pthread_mutex_lock(&vdev->lock);
        if (status < 0) {
            vq->inuse--;
            free(e);
            if (--blk->inflight == 0)
                pthread_cond_broadcast(&blk->idle_cond);
            virtio_error(vdev, "discard/write-zeroes request without a segment");
            return;
        }
        /* The whole in side counts as written, status included (QEMU). */
        vq_push(vdev, vq, e, (uint32_t)(e->in_len > UINT32_MAX ? UINT32_MAX : e->in_len));
        virtio_notify_queue(vdev, vq);
        free(e);
        if (--blk->inflight == 0)
            pthread_cond_broadcast(&blk->idle_cond);
    }
}

static void *blk_worker(void *opaque)
{
    struct virtio_blk *blk = opaque;
    struct virtio_device *vdev = &blk->vdev;
    pthread_mutex_lock(&vdev->lock);
    while (!blk->stop) {
        if (!blk->kick) {
            pthread_cond_wait(&blk->kick_cond, &vdev->lock);
            continue;
        }
        blk->kick = false;
        blk_drain_queue(blk);
    }
    pthread_mutex_unlock(&vdev->lock);
    return NULL;
}

static void blk_kick(struct virtio_blk *blk)
{
    blk->kick = true;
    pthread_cond_signal(&blk->kick_cond);
}

static void blk_queue_notify(struct virtio_device *vdev, unsigned q)
{
    blk_kick(to_blk(vdev));
}

/* Buffers made available before DRIVER_OK are served once it is set. */
static void blk_status_changed(struct virtio_device *vdev)
{
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
        blk_kick(to_blk(vdev));
}

static void blk_reset(struct virtio_device *vdev)
{
    struct virtio_blk *blk = to_blk(vdev);
    while (blk->inflight)
        pthread_cond_wait(&blk->idle_cond, &vdev->lock);
    blk->kick = false;
    blk->wce = 1;
}

static const struct virtio_device_ops blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = blk_features,
    .config_get = blk_config_get,
    .config_set = blk_config_set,
    .queue_notify = blk_queue_notify,
    .status_changed = blk_status_changed,
    .reset = blk_reset,
};

/* The BIOS-style CHS an MBR's partition entries imply: heads and sectors
 * from the first entry whose end CHS is usable, cylinders from the size.
 * Returns false when there is no MBR or no usable entry. */
static bool blk_mbr_chs(struct virtio_blk *blk, unsigned *cyl, unsigned *heads, unsigned *secs)
{
    uint8_t mbr[512];
    struct iovec iov = {mbr, sizeof(mbr)};
    if (block_size(blk->bb) < sizeof(mbr) || block_readv(blk->bb, &iov, 1, 0))
        return false;
    if (mbr[510] != 0x55 || mbr[511] != 0xaa)
        return false;
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *e = mbr + 446 + 16 * i;   /* status, CHS, type, end CHS, LBA, count */
        uint32_t count;
        memcpy(&count, e + 12, 4);
        unsigned end_head = e[5], end_sector = e[6] & 63;
        if (!count || !end_head || !end_sector)
            continue;
        uint64_t c = blk->capacity / ((end_head + 1) * end_sector);
        if (c < 1 || c > 16383)
            continue;
        *cyl = (unsigned)c;
        *heads = end_head + 1;
        *secs = end_sector;
        return true;
    }
    return false;
}

/* The geometry field as QEMU 7.2 guesses it (qtest): an MBR's CHS when it
 * has at most 16 heads (1 MiB image: none; a 64 MiB image whose partition
 * ends at head 3, sector 32 reads cylinders 1024, heads 4, sectors 32);
 * otherwise 16 heads, 63 sectors and cylinders from the size, clamped to
 * 2..16383 (64 MiB: 130; 20 GiB: 16383). */
static void blk_guess_geometry(struct virtio_blk *blk)
{
    unsigned cyl, heads, secs;
    if (!blk_mbr_chs(blk, &cyl, &heads, &secs) || heads > 16) {
        uint64_t c = blk->capacity / (16 * 63);
        cyl = c < 2 ? 2 : c > 16383 ? 16383 : (unsigned)c;
        heads = 16;
        secs = 63;
    }
    blk->cylinders = (uint16_t)cyl;
    blk->heads = (uint8_t)heads;
    blk->sectors = (uint8_t)secs;
}

struct virtio_blk *virtio_blk_create(struct physmem *mem, struct block_backend *bb,
                                     const char *serial)
{
    struct virtio_blk *blk = calloc(1, sizeof(*blk));
    if (!blk)
        return NULL;
    static const uint16_t sizes[1] = {BLK_QUEUE_SIZE};
    if (virtio_device_init(&blk->vdev, &blk_ops, mem, CFG_LEN, 1, sizes)) {
        free(blk);
        return NULL;
    }
    blk->bb = bb;
    if (serial) {
        strncpy(blk->serial, serial, VIRTIO_BLK_ID_BYTES);
        blk->serial[VIRTIO_BLK_ID_BYTES] = 0;
    }
    /* QEMU rounds a size that is not a whole number of sectors up (qtest:
     * a 1000-byte image has capacity 2); the tail reads as zeros. */
    blk->capacity = (block_size(bb) + SECTOR - 1) / SECTOR;
    blk->wce = 1;
    blk_guess_geometry(blk);
    pthread_cond_init(&blk->kick_cond, NULL);
    pthread_cond_init(&blk->idle_cond, NULL);
    if (pthread_create(&blk->worker, NULL, blk_worker, blk)) {
        pthread_cond_destroy(&blk->kick_cond);
        pthread_cond_destroy(&blk->idle_cond);
        virtio_device_destroy(&blk->vdev);
        free(blk);
        return NULL;
    }
    return blk;
}

struct virtio_device *virtio_blk_device(struct virtio_blk *blk)
{
    return &blk->vdev;
}

void virtio_blk_set_fault(struct virtio_blk *blk, struct fault_point *fault)
{
    blk->fault = fault;
}

void virtio_blk_destroy(struct virtio_blk *blk)
{
    if (!blk)
        return;
    pthread_mutex_lock(&blk->vdev.lock);
    blk->stop = true;
    pthread_cond_signal(&blk->kick_cond);
    pthread_mutex_unlock(&blk->vdev.lock);
    pthread_join(blk->worker, NULL);
    pthread_cond_destroy(&blk->kick_cond);
    pthread_cond_destroy(&blk->idle_cond);
    virtio_device_destroy(&blk->vdev);
    free(blk);
}
