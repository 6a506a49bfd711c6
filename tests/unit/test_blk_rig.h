/*
 * A virtio-blk on a raw image in /tmp, behind the virtio-mmio transport of
 * test_virtio_driver.h, and the driver's side of block requests (virtio 1.2
 * spec 5.2.6): for the tests that drive the disk through its registers.
 */
#ifndef TEST_BLK_RIG_H
#define TEST_BLK_RIG_H

#include <fcntl.h>
#include <unistd.h>

#include "backend/block.h"
#include "dev/virtio_blk.h"
#include "test_virtio_driver.h"

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2

#define IMG_SIZE (1u << 20)
#define HDR_PA (BUF_PA)
#define STATUS_PA (BUF_PA + 0x800)
#define DATA_PA (BUF_PA + 0x1000)

struct blk_rig {
    struct drv d;
    char path[64];
    int fd;
    struct block_backend *bb;
    struct virtio_blk *blk;
};

/* The byte blk_rig_up writes at each offset of the image. */
static inline uint8_t blk_pattern(uint64_t off)
{
    return (uint8_t)(off * 7 + (off >> 9));
}

/* An empty image file: r->path, open as r->fd. */
static inline bool blk_rig_file(struct blk_rig *r)
{
    memset(r, 0, sizeof(*r));
    strcpy(r->path, "/tmp/armvirt-vblk-XXXXXX");
    r->fd = mkstemp(r->path);
    return r->fd >= 0;
}

/* The disk on the image file, behind a transport the driver has not
 * touched yet. */
static inline bool blk_rig_attach(struct blk_rig *r, bool legacy, bool read_only,
                                  const char *serial)
{
    if (block_open(r->path, read_only, &r->bb))
        return false;
    drv_setup(&r->d, legacy);
    r->blk = virtio_blk_create(&r->d.pm, r->bb, serial);
    drv_attach(&r->d, virtio_blk_device(r->blk));
    return true;
}

/* A 1 MiB image holding blk_pattern() and the disk on it. */
static inline bool blk_rig_up(struct blk_rig *r, bool legacy, bool read_only, const char *serial)
{
    if (!blk_rig_file(r))
        return false;
    uint8_t *img = malloc(IMG_SIZE);
    for (uint32_t i = 0; i < IMG_SIZE; i++)
        img[i] = blk_pattern(i);
    bool ok = write(r->fd, img, IMG_SIZE) == IMG_SIZE;
    free(img);
    return ok && blk_rig_attach(r, legacy, read_only, serial);
}

static inline void blk_rig_down(struct blk_rig *r)
{
    virtio_mmio_destroy(r->d.t);
    r->d.t = NULL;
    virtio_blk_destroy(r->blk);
    physmem_destroy(&r->d.pm);
    block_close(r->bb);
    close(r->fd);
    unlink(r->path);
}

/* Queue one request: header, optional data (out or in), status byte. */
static inline uint16_t blk_req(struct drv *d, uint32_t type, uint64_t sector, uint64_t data_pa,
                               uint32_t data_len, bool data_in, uint64_t status_pa)
{
    uint8_t hdr[16] = {0};
    memcpy(hdr, &type, 4);
    memcpy(hdr + 8, &sector, 8);
    /* Headers side by side, one per status byte in use. */
    uint64_t hdr_pa = HDR_PA + 0x20 * (status_pa - STATUS_PA);
    memcpy(drv_ptr(d, hdr_pa), hdr, 16);
    *(uint8_t *)drv_ptr(d, status_pa) = 0xee;
    struct drv_buf b[3];
    unsigned n = 0;
    b[n++] = (struct drv_buf){hdr_pa, 16, 0};
    if (data_len)
        b[n++] = (struct drv_buf){data_pa, data_len, data_in ? VIRTQ_DESC_F_WRITE : 0};
    b[n++] = (struct drv_buf){status_pa, 1, VIRTQ_DESC_F_WRITE};
    return drv_add(d, b, n);
}

static inline uint8_t blk_status(struct drv *d, uint64_t pa)
{
    return *(uint8_t *)drv_ptr(d, pa);
}

/* One request, waited for; returns the status byte (-1: not used in time,
 * -2: another chain used), *len the used length. */
static inline int blk_do(struct drv *d, uint32_t type, uint64_t sector, uint64_t data_pa,
                         uint32_t data_len, bool data_in, uint32_t *len)
{
    uint16_t head = blk_req(d, type, sector, data_pa, data_len, data_in, STATUS_PA);
    drv_kick(d);
    if (!drv_wait(d, 1))
        return -1;
    uint32_t id, l;
    drv_take(d, &id, &l);
    if (id != head)
        return -2;
    if (len)
        *len = l;
    return blk_status(d, STATUS_PA);
}

/* Whether the image file holds blk_pattern() from off to off + len. */
static inline bool blk_file_matches(struct blk_rig *r, uint64_t off, uint64_t len)
{
    uint8_t *b = malloc(len);
    bool ok = pread(r->fd, b, len, (off_t)off) == (ssize_t)len;
    for (uint64_t i = 0; ok && i < len; i++)
        ok = b[i] == blk_pattern(off + i);
    free(b);
    return ok;
}

#endif
