/*
 * virtio-blk over virtio-mmio on a raw image in /tmp, driven through the
 * registers as a driver would. Feature bits and config values are QEMU
 * 7.2's, read over qtest (`-drive if=none,id=d0,file=1MiB.img,format=raw
 * [,readonly=on] -device virtio-blk-device,drive=d0`, slot 31 at
 * 0x0a003e00); request semantics are the virtio 1.2 spec's (5.2.6).
 */
#include "test.h"
#include "test_blk_rig.h"

#define F_VERSION_1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_FLUSH VIRTIO_BIT(9)
#define F_CONFIG_WCE VIRTIO_BIT(11)
#define F_DISCARD VIRTIO_BIT(13)
#define F_WRITE_ZEROES VIRTIO_BIT(14)

#define T_GET_ID 8
#define T_DISCARD 11
#define T_WRITE_ZEROES 13

TEST(virtio_blk, features_and_config_legacy)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, true, false, NULL));
    struct drv *d = &r.d;
    ASSERT_EQ(drv_rd(d, R_DEVICE_ID), 2);
    drv_wr(d, R_DEV_FEATURES_SEL, 0);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0x31006ed4);
    drv_wr(d, R_DEV_FEATURES_SEL, 1);
    ASSERT_EQ(drv_rd(d, R_DEV_FEATURES), 0);
    ASSERT_EQ(drv_rd(d, R_QUEUE_NUM_MAX), 0x400);
    drv_wr(d, R_QUEUE_SEL, 1);
    ASSERT_EQ(drv_rd(d, R_QUEUE_NUM_MAX), 0);
    /* qtest readl 0x0a003f00 ... 0x0a003f44 */
    static const uint32_t cfg[] = {0x800, 0, 0, 0xfe, 0x3f100002, 0x200, 0, 0, 0x00010001,
                                   0x3fffff, 1, 1, 0x3fffff, 1, 0xffffffff, 0xffffffff};
    for (unsigned i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++)
        ASSERT_EQ(drv_rd(d, R_CONFIG + 4 * i), cfg[i]);
    ASSERT_EQ(drv_rdn(d, R_CONFIG + 0x38, 1), 1);
    ASSERT_EQ(drv_rdn(d, R_CONFIG + 0x39, 1), 0xff);
    ASSERT_EQ(drv_rdn(d, R_CONFIG, 2), 0x800);
    ASSERT_EQ(drv_rdn(d, R_CONFIG, 8), 0x800);
    ASSERT_EQ(drv_rd(d, R_CONFIG + 0xfc), 0xffffffff);
    blk_rig_down(&r);
}

TEST(virtio_blk, features_modern_and_read_only)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    drv_wr(&r.d, R_DEV_FEATURES_SEL, 0);
    ASSERT_EQ(drv_rd(&r.d, R_DEV_FEATURES), 0x30006e54);
    drv_wr(&r.d, R_DEV_FEATURES_SEL, 1);
    ASSERT_EQ(drv_rd(&r.d, R_DEV_FEATURES), 0x101);
    ASSERT_EQ(drv_rd(&r.d, R_CONFIG + 0x0c), 0xfe);
    blk_rig_down(&r);
    ASSERT_TRUE(blk_rig_up(&r, false, true, NULL));
    drv_wr(&r.d, R_DEV_FEATURES_SEL, 0);
    ASSERT_EQ(drv_rd(&r.d, R_DEV_FEATURES), 0x30006e74);
    blk_rig_down(&r);
    ASSERT_TRUE(blk_rig_up(&r, true, true, NULL));
    ASSERT_EQ(drv_rd(&r.d, R_DEV_FEATURES), 0x31006ef4);
    blk_rig_down(&r);
}

static void read_write(bool legacy, uint64_t features)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, legacy, false, NULL));
    struct drv *d = &r.d;
    ASSERT_EQ(drv_init(d, features, 16) & (S_DRIVER_OK | S_NEEDS_RESET), S_DRIVER_OK);
    /* Read 3 sectors from sector 5. */
    uint8_t *data = drv_ptr(d, DATA_PA);
    memset(data, 0, 4096);
    uint32_t len;
    ASSERT_EQ(blk_do(d, T_IN, 5, DATA_PA, 1536, true, &len), S_OK);
    ASSERT_EQ(len, 1537);
    for (unsigned i = 0; i < 1536; i++)
        ASSERT_EQ(data[i], blk_pattern(5 * 512 + i));
    ASSERT_EQ(drv_level(d), 1);
    ASSERT_EQ(drv_rd(d, R_ISR), 1);
    drv_wr(d, R_ISR_ACK, 1);
    ASSERT_EQ(drv_level(d), 0);
    /* Write 2 sectors at sector 100 and find them in the file. */
    for (unsigned i = 0; i < 1024; i++)
        data[i] = (uint8_t)(0xa5 ^ i);
    ASSERT_EQ(blk_do(d, T_OUT, 100, DATA_PA, 1024, false, &len), S_OK);
    ASSERT_EQ(len, 1);
    uint8_t back[1024];
    ASSERT_EQ(pread(r.fd, back, 1024, 100 * 512), 1024);
    for (unsigned i = 0; i < 1024; i++)
        ASSERT_EQ(back[i], (uint8_t)(0xa5 ^ i));
    ASSERT_TRUE(blk_file_matches(&r, 99 * 512, 512));
    ASSERT_TRUE(blk_file_matches(&r, 102 * 512, 512));
    ASSERT_EQ(blk_do(d, T_FLUSH, 0, 0, 0, false, &len), S_OK);
    /* The last sector reads; one past it is IOERR, as is a partial sector. */
    ASSERT_EQ(blk_do(d, T_IN, 2047, DATA_PA, 512, true, NULL), S_OK);
    ASSERT_EQ(blk_do(d, T_IN, 2047, DATA_PA, 1024, true, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_IN, 2048, DATA_PA, 512, true, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_OUT, 2048, DATA_PA, 512, false, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_IN, ~0ull >> 1, DATA_PA, 512, true, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_IN, 0, DATA_PA, 100, true, NULL), S_IOERR);
    /* QEMU 7.2 (qtest): SCSI_CMD in a chain too short for one is IOERR,
     * type bits OUT and BARRIER are masked (5 = flush, 9 = GET_ID), and
     * 10 / 12 are not discard / write-zeroes. */
    ASSERT_EQ(blk_do(d, 2 /* SCSI_CMD */, 0, DATA_PA, 512, true, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, 5, 0, 0, 0, false, NULL), S_OK);
    ASSERT_EQ(blk_do(d, 9, 0, DATA_PA, 20, true, &len), S_OK);
    ASSERT_EQ(len, 21);
    ASSERT_EQ(blk_do(d, 0x80000000u, 5, DATA_PA, 512, true, NULL), S_OK);
    ASSERT_EQ(blk_do(d, 10, 0, DATA_PA, 16, true, NULL), S_UNSUPP);
    ASSERT_EQ(blk_do(d, 12, 0, DATA_PA, 16, false, NULL), S_UNSUPP);
    /* Zero-length transfers: fine up to the end, IOERR past it. */
    ASSERT_EQ(blk_do(d, T_IN, 2048, 0, 0, false, NULL), S_OK);
    ASSERT_EQ(blk_do(d, T_IN, 2049, 0, 0, false, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, 99, 0, 0, 0, false, NULL), S_UNSUPP);
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, 0);
    blk_rig_down(&r);
}

TEST(virtio_blk, read_write_legacy)
{
    read_write(true, F_FLUSH);
}

TEST(virtio_blk, read_write_modern)
{
    read_write(false, F_VERSION_1 | F_FLUSH | F_EVENT_IDX);
}

/* Several requests in one notify, completed in any order. */
TEST(virtio_blk, many_per_notify)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, F_VERSION_1, 64);
    enum { N = 12 };
    uint16_t heads[N];
    for (unsigned i = 0; i < N; i++)
        heads[i] = blk_req(d, T_IN, 10 * i, DATA_PA + 0x1000 * i, 512, true, STATUS_PA + i);
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, N));
    bool seen[N] = {false};
    for (unsigned k = 0; k < N; k++) {
        uint32_t id, len;
        drv_take(d, &id, &len);
        unsigned i = 0;
        while (i < N && heads[i] != id)
            i++;
        ASSERT_TRUE(i < N);
        ASSERT_FALSE(seen[i]);
        seen[i] = true;
        ASSERT_EQ(len, 513);
    }
    for (unsigned i = 0; i < N; i++) {
        ASSERT_EQ(blk_status(d, STATUS_PA + i), S_OK);
        const uint8_t *p = drv_ptr(d, DATA_PA + 0x1000 * i);
        ASSERT_EQ(p[0], blk_pattern(10 * i * 512));
        ASSERT_EQ(p[511], blk_pattern(10 * i * 512 + 511));
    }
    blk_rig_down(&r);
}

/* Indirect descriptors: header, two data pieces, status in one table. */
TEST(virtio_blk, indirect_request)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, F_VERSION_1 | F_INDIRECT, 16);
    uint8_t hdr[16] = {0};
    uint64_t sector = 7;
    memcpy(hdr + 8, &sector, 8);
    memcpy(drv_ptr(d, HDR_PA), hdr, 16);
    struct drv_buf b[4] = {{HDR_PA, 16, 0},
                           {DATA_PA, 100, VIRTQ_DESC_F_WRITE},
                           {DATA_PA + 0x2000, 412, VIRTQ_DESC_F_WRITE},
                           {STATUS_PA, 1, VIRTQ_DESC_F_WRITE}};
    drv_add_indirect(d, TABLE_PA, b, 4);
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, 1));
    ASSERT_EQ(blk_status(d, STATUS_PA), S_OK);
    ASSERT_EQ(((uint8_t *)drv_ptr(d, DATA_PA))[99], blk_pattern(7 * 512 + 99));
    ASSERT_EQ(((uint8_t *)drv_ptr(d, DATA_PA + 0x2000))[0], blk_pattern(7 * 512 + 100));
    blk_rig_down(&r);
}

TEST(virtio_blk, read_only)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, true, true, NULL));
    struct drv *d = &r.d;
    drv_init(d, VIRTIO_BIT(5) | F_FLUSH | F_DISCARD | F_WRITE_ZEROES, 16);
    memset(drv_ptr(d, DATA_PA), 0x55, 512);
    ASSERT_EQ(blk_do(d, T_OUT, 0, DATA_PA, 512, false, NULL), S_IOERR);
    ASSERT_TRUE(blk_file_matches(&r, 0, 512));
    uint8_t seg[16] = {0};
    uint32_t n = 1;
    memcpy(seg + 8, &n, 4);
    memcpy(drv_ptr(d, DATA_PA), seg, 16);
    /* QEMU 7.2 (qtest): discard on a read-only disk succeeds doing nothing;
     * write-zeroes and empty writes fail. */
    ASSERT_EQ(blk_do(d, T_DISCARD, 0, DATA_PA, 16, false, NULL), S_OK);
    ASSERT_EQ(blk_do(d, T_WRITE_ZEROES, 0, DATA_PA, 16, false, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_OUT, 0, 0, 0, false, NULL), S_IOERR);
    ASSERT_EQ(blk_do(d, T_IN, 0, DATA_PA, 512, true, NULL), S_OK);
    ASSERT_EQ(blk_do(d, T_FLUSH, 0, 0, 0, false, NULL), S_OK);
    ASSERT_TRUE(blk_file_matches(&r, 0, IMG_SIZE));
    blk_rig_down(&r);
}

/* GET_ID: the serial, NUL-terminated if it fits in 20 bytes. */
TEST(virtio_blk, get_id)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, true, false, "armvirt-disk-0"));
    struct drv *d = &r.d;
    drv_init(d, 0, 16);
    uint8_t *p = drv_ptr(d, DATA_PA);
    memset(p, 0xcc, 32);
    uint32_t len;
    ASSERT_EQ(blk_do(d, T_GET_ID, 0, DATA_PA, 20, true, &len), S_OK);
    ASSERT_EQ(len, 21);
    ASSERT_EQ(memcmp(p, "armvirt-disk-0", 15), 0);
    ASSERT_EQ(p[15], 0xcc);
    blk_rig_down(&r);

    ASSERT_TRUE(blk_rig_up(&r, true, false, "0123456789abcdefghijKLMN"));
    d = &r.d;
    drv_init(d, 0, 16);
    p = drv_ptr(d, DATA_PA);
    memset(p, 0xcc, 32);
    ASSERT_EQ(blk_do(d, T_GET_ID, 0, DATA_PA, 20, true, NULL), S_OK);
    ASSERT_EQ(memcmp(p, "0123456789abcdefghij", 20), 0);
    ASSERT_EQ(p[20], 0xcc);
    blk_rig_down(&r);
}

static int dwz(struct drv *d, uint32_t type, uint64_t sector, uint32_t nsec, uint32_t flags)
{
    uint8_t seg[16];
    memcpy(seg, &sector, 8);
    memcpy(seg + 8, &nsec, 4);
    memcpy(seg + 12, &flags, 4);
    memcpy(drv_ptr(d, DATA_PA), seg, 16);
    return blk_do(d, type, 0, DATA_PA, 16, false, NULL);
}

static bool file_zero(struct blk_rig *r, uint64_t off, uint64_t len)
{
    uint8_t *b = malloc(len);
    bool ok = pread(r->fd, b, len, (off_t)off) == (ssize_t)len;
    for (uint64_t i = 0; ok && i < len; i++)
        ok = b[i] == 0;
    free(b);
    return ok;
}

TEST(virtio_blk, discard_and_write_zeroes)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, F_VERSION_1 | F_DISCARD | F_WRITE_ZEROES, 16);
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 16, 8, 0), S_OK);
    ASSERT_TRUE(file_zero(&r, 16 * 512, 8 * 512));
    ASSERT_TRUE(blk_file_matches(&r, 15 * 512, 512));
    ASSERT_TRUE(blk_file_matches(&r, 24 * 512, 512));
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 40, 3, 1 /* UNMAP */), S_OK);
    ASSERT_TRUE(file_zero(&r, 40 * 512, 3 * 512));
    ASSERT_TRUE(blk_file_matches(&r, 43 * 512, 512));
    ASSERT_EQ(dwz(d, T_DISCARD, 64, 8, 0), S_OK);
    ASSERT_EQ(blk_file_matches(&r, 72 * 512, 512), 1);
    /* Spec 5.2.6.1: unknown flags, or unmap on discard: UNSUPP. */
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 0, 1, 2), S_UNSUPP);
    ASSERT_EQ(dwz(d, T_DISCARD, 0, 1, 1), S_UNSUPP);
    /* Out of range, or more than max_*_sectors: IOERR. */
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 2047, 2, 0), S_IOERR);
    ASSERT_EQ(dwz(d, T_DISCARD, 0, 0x400000, 0), S_IOERR);
    ASSERT_TRUE(blk_file_matches(&r, 2047 * 512, 512));
    blk_rig_down(&r);
}

/* QEMU 7.2 serves write-zeroes whether or not the driver took the feature
 * (qtest with only FLUSH negotiated). More than one segment is UNSUPP; no
 * segment at all is a malformed request (virtio_error). */
TEST(virtio_blk, write_zeroes_edge_cases)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, F_VERSION_1, 16);
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 0, 1, 0), S_OK);
    ASSERT_TRUE(file_zero(&r, 0, 512));
    ASSERT_EQ(blk_do(d, T_DISCARD, 0, DATA_PA, 32, false, NULL), S_UNSUPP);
    ASSERT_EQ(blk_do(d, T_DISCARD, 0, DATA_PA, 24, false, NULL), S_UNSUPP);
    ASSERT_EQ(dwz(d, T_WRITE_ZEROES, 2048, 0, 0), S_OK);
    blk_req(d, T_WRITE_ZEROES, 0, DATA_PA, 8, false, STATUS_PA);
    drv_kick(d);
    drv_settle();
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ((uint16_t)(drv_used_idx(d) - d->used_seen), 0);
    blk_rig_down(&r);
}

/* The writeback flag is the one writable config field. */
TEST(virtio_blk, config_wce)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    ASSERT_EQ(drv_rdn(d, R_CONFIG + 32, 1), 1);
    physmem_write(&d->pm, MMIO_BASE + R_CONFIG + 32, 1, 0);
    ASSERT_EQ(drv_rdn(d, R_CONFIG + 32, 1), 0);
    physmem_write(&d->pm, MMIO_BASE + R_CONFIG, 4, 0x1234);   /* capacity is read-only */
    ASSERT_EQ(drv_rd(d, R_CONFIG), 0x800);
    drv_init(d, F_VERSION_1 | F_CONFIG_WCE, 16);
    memset(drv_ptr(d, DATA_PA), 0x11, 512);
    ASSERT_EQ(blk_do(d, T_OUT, 3, DATA_PA, 512, false, NULL), S_OK);
    /* Reset restores writeback. */
    drv_wr(d, R_STATUS, 0);
    ASSERT_EQ(drv_rdn(d, R_CONFIG + 32, 1), 1);
    blk_rig_down(&r);
}

/* A chain too short to hold a request is the driver's fault (virtio_error). */
TEST(virtio_blk, missing_status_byte)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, F_VERSION_1, 16);
    drv_push(d, HDR_PA, 16, 0);
    drv_settle();
    ASSERT_EQ(drv_used_idx(d), 0);
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_EQ(drv_rd(d, R_ISR), 2);
    ASSERT_EQ(drv_level(d), 1);
    /* Reset and carry on. */
    ASSERT_EQ(drv_init(d, F_VERSION_1, 16) & S_NEEDS_RESET, 0);
    ASSERT_EQ(blk_do(d, T_IN, 0, DATA_PA, 512, true, NULL), S_OK);
    blk_rig_down(&r);
}

/* A malformed chain to a data buffer outside RAM never reaches the image. */
TEST(virtio_blk, data_outside_ram)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, true, false, NULL));
    struct drv *d = &r.d;
    drv_init(d, 0, 16);
    blk_req(d, T_OUT, 0, RAM_BASE + RAM_SIZE - 256, 512, false, STATUS_PA);
    drv_kick(d);
    drv_settle();
    ASSERT_EQ(drv_used_idx(d), 0);
    ASSERT_EQ(drv_rd(d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
    ASSERT_TRUE(blk_file_matches(&r, 0, 512));
    blk_rig_down(&r);
}

/* Requests made available before DRIVER_OK are served once it is set, and
 * a reset while requests are queued waits for the worker. */
TEST(virtio_blk, reset_under_load)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    for (int round = 0; round < 20; round++) {
        drv_init(d, F_VERSION_1, 64);
        for (unsigned i = 0; i < 20; i++)   /* 60 of 64 descriptors */
            blk_req(d, T_IN, i, DATA_PA + 0x1000 * i, 4096, true, STATUS_PA + i);
        drv_kick(d);
        drv_wr(d, R_STATUS, 0);
        ASSERT_EQ(drv_rd(d, R_STATUS), 0);
        ASSERT_EQ(drv_level(d), 0);
    }
    drv_init(d, F_VERSION_1, 64);
    ASSERT_EQ(blk_do(d, T_IN, 1, DATA_PA, 512, true, NULL), S_OK);
    blk_rig_down(&r);
}

/* An image that is not a whole number of sectors: capacity rounds up and
 * the tail reads as zeros (qtest: a 1000-byte image has capacity 2). */
TEST(virtio_blk, odd_size_image)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_file(&r));
    uint8_t ones[1000];
    memset(ones, 0xff, sizeof(ones));
    ASSERT_EQ(write(r.fd, ones, sizeof(ones)), 1000);
    ASSERT_TRUE(blk_rig_attach(&r, true, true, NULL));
    struct drv *d = &r.d;
    ASSERT_EQ(drv_rd(d, R_CONFIG), 2);
    drv_init(d, 0, 16);
    uint8_t *p = drv_ptr(d, DATA_PA);
    memset(p, 0x77, 1024);
    ASSERT_EQ(blk_do(d, T_IN, 0, DATA_PA, 1024, true, NULL), S_OK);
    ASSERT_EQ(p[999], 0xff);
    ASSERT_EQ(p[1000], 0);
    ASSERT_EQ(p[1023], 0);
    blk_rig_down(&r);
}

/* DMA into a page holding decoded code: the worker only remembers it; the
 * decoded blocks are dropped on the vCPU thread when the driver reads
 * InterruptStatus, before it can look at the data. */
static unsigned code_hits;
static uint64_t code_page;

static void on_code(void *opaque, uint64_t page)
{
    code_hits++;
    code_page = page;
}

TEST(virtio_blk, dma_into_code_page)
{
    struct blk_rig r;
    ASSERT_TRUE(blk_rig_up(&r, false, false, NULL));
    struct drv *d = &r.d;
    d->pm.on_code_write = on_code;
    code_hits = 0;
    drv_init(d, F_VERSION_1, 16);
    struct region *ram = physmem_find(&d->pm, DATA_PA);
    physmem_mark_code(&d->pm, ram, DATA_PA + 0x1000);
    uint16_t head = blk_req(d, T_IN, 0, DATA_PA, 8192, true, STATUS_PA);
    drv_kick(d);
    ASSERT_TRUE(drv_wait(d, 1));
    uint32_t id, len;
    drv_take(d, &id, &len);
    ASSERT_EQ(id, head);
    ASSERT_EQ(code_hits, 0);
    ASSERT_EQ(drv_rd(d, R_ISR), 1);
    ASSERT_EQ(code_hits, 1);
    ASSERT_EQ(code_page, DATA_PA + 0x1000);
    ASSERT_FALSE(region_page_has_code(ram, DATA_PA + 0x1000));
    blk_rig_down(&r);
}

/* Geometry as QEMU 7.2 reports it (qtest readl 0x0a003f10 on 64 MiB and
 * 20 GiB images, with and without an MBR). */
static uint32_t geometry_of(uint64_t size, int end_head, int end_sector)
{
    struct blk_rig r;
    if (!blk_rig_file(&r) || ftruncate(r.fd, (off_t)size))
        return 0;
    if (end_head >= 0) {
        uint8_t e[16] = {0, 0, 1, 0, 0x83, (uint8_t)end_head, (uint8_t)end_sector, 0xff};
        uint32_t lba = 2048, count = (uint32_t)(size / 512 - 2048);
        memcpy(e + 8, &lba, 4);
        memcpy(e + 12, &count, 4);
        if (pwrite(r.fd, e, 16, 446) != 16 || pwrite(r.fd, "\x55\xaa", 2, 510) != 2)
            return 0;
    }
    if (!blk_rig_attach(&r, true, true, NULL))
        return 0;
    uint32_t geo = drv_rd(&r.d, R_CONFIG + 0x10);
    blk_rig_down(&r);
    return geo;
}

TEST(virtio_blk, geometry)
{
    ASSERT_EQ(geometry_of(64u << 20, -1, 0), 0x3f100082);
    ASSERT_EQ(geometry_of(20ull << 30, -1, 0), 0x3f103fff);
    ASSERT_EQ(geometry_of(64u << 20, 3, 32), 0x20040400);
    ASSERT_EQ(geometry_of(64u << 20, 254, 63), 0x3f100082);
    ASSERT_EQ(geometry_of(64u << 20, 15, 63), 0x3f100082);
    ASSERT_EQ(geometry_of(64u << 20, 7, 0), 0x3f100082);
}
