/*
 * virtio-net through virtio-mmio (virtio 1.2 spec 5.1) on the user-mode
 * backend: an ARP request for the gateway 10.0.2.2 sent on the transmit
 * queue comes back as an ARP reply (opcode 2, RFC 826) in the receive
 * buffers -- whole, spread over merged buffers with num_buffers, or
 * dropped when one buffer is too small without MRG_RXBUF -- and malformed
 * transmit or receive chains put the device in NEEDS_RESET, after which a
 * reset brings it back.
 */
#include "test.h"
#include "test_virtio_driver.h"

#include "backend/net.h"
#include "dev/virtio_net.h"

#define F_MAC (1ull << 5)
#define F_MRG_RXBUF (1ull << 15)
#define F_STATUS (1ull << 16)
#define HDR12 12

/* Queue 1 (transmit) lives here; queue 0 uses the harness's addresses. */
#define TX_DESC (RAM_BASE + 0x80000)
#define TX_AVAIL (RAM_BASE + 0x88000)
#define TX_USED (RAM_BASE + 0x8a000)
#define CTRL_DESC (RAM_BASE + 0xa0000)
#define CTRL_AVAIL (RAM_BASE + 0xa8000)
#define CTRL_USED (RAM_BASE + 0xaa000)
#define CTRL_BUF (RAM_BASE + 0x280000)
#define FRAME_PA (RAM_BASE + 0x200000)
#define RXBUF_PA (RAM_BASE + 0x300000)

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

struct net_rig {
    struct drv rx, tx;
    struct net_backend *nb;
    struct virtio_net *net;
};

/* The driver's start (spec 3.1.1): features, receiveq 0 and transmitq 1
 * (and the control queue 2 if ctrl is given, modern only), DRIVER_OK. */
static uint32_t rig_init_ctrl(struct net_rig *r, uint64_t features, struct drv *ctrl)
{
    struct drv *d = &r->rx;
    drv_negotiate(d, features);
    if (d->legacy) {
        drv_queue_legacy(d, 0, 64, RING_PA);
        r->tx = *d;
        drv_queue_legacy(&r->tx, 1, 64, TX_DESC);
        drv_wr(d, R_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
        return drv_rd(d, R_STATUS);
    }
    drv_queue_modern(d, 0, 64, DESC_PA, AVAIL_PA, USED_PA);
    r->tx = *d;
    drv_queue_modern(&r->tx, 1, 64, TX_DESC, TX_AVAIL, TX_USED);
    if (ctrl) {
        *ctrl = *d;
        drv_queue_modern(ctrl, 2, 16, CTRL_DESC, CTRL_AVAIL, CTRL_USED);
    }
    drv_wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return drv_rd(d, R_STATUS);
}

static uint32_t rig_init(struct net_rig *r, uint64_t features)
{
    return rig_init_ctrl(r, features, NULL);
}

static void rig_open_mode(struct net_rig *r, bool legacy)
{
    char err[256];
    drv_setup(&r->rx, legacy);
    r->nb = net_open("user,id=n0,ipv6=off", err, sizeof(err));
    if (!r->nb)
        fprintf(stderr, "net_open: %s\n", err);
    r->net = virtio_net_create(&r->rx.pm, r->nb, guest_mac);
    drv_attach(&r->rx, virtio_net_device(r->net));
}

static void rig_open(struct net_rig *r)
{
    rig_open_mode(r, false);
}

/* The backend and transmit threads write guest RAM: stop both before the
 * RAM goes. */
static void rig_close(struct net_rig *r)
{
    if (r->nb)
        net_set_receiver(r->nb, NULL);
    drv_detach(&r->rx);
    virtio_net_destroy(r->net);
    net_close(r->nb);
    drv_teardown(&r->rx);
}

/* An ARP request from 10.0.2.15 for 10.0.2.2, after a zeroed net header. */
static size_t arp_request(uint8_t *p, size_t hdr)
{
    static const uint8_t arp[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,
        0, 0, 0, 0, 0, 0, 10, 0, 2, 2,
    };
    memset(p, 0, hdr);
    memcpy(p + hdr, arp, sizeof(arp));
    return hdr + sizeof(arp);
}

static void send_arp(struct net_rig *r, size_t hdr)
{
    size_t n = arp_request(drv_ptr(&r->tx, FRAME_PA), hdr);
    struct drv_buf b = {FRAME_PA, (uint32_t)n, 0};
    drv_add(&r->tx, &b, 1);
    drv_wr(&r->rx, R_QUEUE_NOTIFY, 1);
}

/* The ARP reply's fields, checked on the frame at p. */
static bool is_arp_reply(const uint8_t *p)
{
    return p[12] == 0x08 && p[13] == 0x06 && p[20] == 0 && p[21] == 2 && p[28] == 10 &&
           p[29] == 0 && p[30] == 2 && p[31] == 2 && !memcmp(p, guest_mac, 6);
}

/* One receive buffer of 1526 bytes (0xaa until written), then an ARP
 * request with an `hdr`-byte header: the length the device used of the
 * buffer, 0 if the request or the reply was not used in time. */
static uint32_t arp_exchange(struct net_rig *r, size_t hdr)
{
    memset(drv_ptr(&r->rx, RXBUF_PA), 0xaa, 0x1000);
    drv_push(&r->rx, RXBUF_PA, 1526, VIRTQ_DESC_F_WRITE);
    send_arp(r, hdr);
    if (!drv_wait(&r->tx, 1) || !drv_wait(&r->rx, 1))
        return 0;
    uint32_t id, len;
    drv_take(&r->rx, &id, &len);
    return len;
}

TEST(virtio_net, arp_round_trip)
{
    struct net_rig r;
    rig_open(&r);
    ASSERT_TRUE(r.nb != NULL);
    uint32_t st = rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC | F_STATUS);
    ASSERT_EQ(st & S_NEEDS_RESET, 0);
    uint32_t len = arp_exchange(&r, HDR12);
    /* An ARP packet is 28 bytes; slirp pads the frame to 64. */
    ASSERT_TRUE(len >= HDR12 + 42 && len <= HDR12 + 64);
    const uint8_t *p = drv_ptr(&r.rx, RXBUF_PA);
    ASSERT_EQ(p[0], 0);                 /* flags */
    ASSERT_EQ(p[10] | p[11] << 8, 1);   /* num_buffers: 1 with VERSION_1 */
    ASSERT_TRUE(is_arp_reply(p + HDR12));
    rig_close(&r);
}

/* Legacy without MRG_RXBUF: the 10-byte header (spec 5.1.6.1, legacy), on
 * both queues; with MRG_RXBUF the 12-byte one. */
TEST(virtio_net, legacy_header_sizes)
{
    struct net_rig r;
    rig_open_mode(&r, true);
    for (int merge = 0; merge < 2; merge++) {
        size_t hdr = merge ? 12 : 10;
        uint32_t st = rig_init(&r, F_MAC | (merge ? F_MRG_RXBUF : 0));
        ASSERT_EQ(st & S_NEEDS_RESET, 0);
        uint32_t len = arp_exchange(&r, hdr);
        ASSERT_TRUE(len >= hdr + 42 && len <= hdr + 64);
        const uint8_t *p = drv_ptr(&r.rx, RXBUF_PA);
        ASSERT_TRUE(is_arp_reply(p + hdr));
        if (merge)
            ASSERT_EQ(p[10] | p[11] << 8, 1);
    }
    rig_close(&r);
}

/* One control command; returns its ack byte (0 OK, 1 ERR), or 0xee if
 * the device did not answer. */
static uint8_t ctrl_cmd(struct net_rig *r, struct drv *c, uint8_t cls, uint8_t cmd,
                        const void *data, uint32_t len)
{
    uint8_t *p = drv_ptr(c, CTRL_BUF);
    p[0] = cls, p[1] = cmd;
    memcpy(p + 2, data, len);
    p[0x80] = 0xee;
    struct drv_buf b[2] = {{CTRL_BUF, 2 + len, 0}, {CTRL_BUF + 0x80, 1, VIRTQ_DESC_F_WRITE}};
    drv_add(c, b, 2);
    drv_wr(&r->rx, R_QUEUE_NOTIFY, 2);
    if (!drv_wait(c, 1))
        return 0xee;
    uint32_t id, l;
    drv_take(c, &id, &l);
    return p[0x80];
}

/* Sends an ARP request from guest_mac; true if the reply (to guest_mac)
 * reached the receive buffer. */
static bool arp_answered(struct net_rig *r)
{
    uint16_t before = drv_used_idx(&r->rx);
    struct drv_buf rb = {RXBUF_PA, 1526, VIRTQ_DESC_F_WRITE};
    if (before == r->rx.avail_idx)
        drv_add(&r->rx, &rb, 1);
    drv_wr(&r->rx, R_QUEUE_NOTIFY, 0);
    send_arp(r, HDR12);
    drv_wait(&r->tx, 1);
    uint32_t id, len;
    drv_take(&r->tx, &id, &len);
    /* slirp answers inside the transmit; give the backend thread a moment. */
    for (int i = 0; i < 10 && drv_used_idx(&r->rx) == before; i++)
        drv_settle();
    if (drv_used_idx(&r->rx) == before)
        return false;
    drv_take(&r->rx, &id, &len);
    return is_arp_reply(drv_ptr(&r->rx, RXBUF_PA) + HDR12);
}

/* The receive filter the control queue programs (QEMU's semantics):
 * promiscuous after reset; off, a unicast frame passes only for the
 * device's MAC, which ADDR_SET changes. */
TEST(virtio_net, rx_filter)
{
    struct net_rig r;
    struct drv c;
    rig_open(&r);
    uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC | (1ull << 17) | (1ull << 18) |
                 (1ull << 23);
    ASSERT_EQ(rig_init_ctrl(&r, f, &c) & S_NEEDS_RESET, 0);
    uint8_t off = 0, on = 1;
    static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x01};
    ASSERT_EQ(ctrl_cmd(&r, &c, 0, 0, &off, 1), 0);       /* RX PROMISC off */
    ASSERT_TRUE(arp_answered(&r));                        /* to our own MAC */
    ASSERT_EQ(ctrl_cmd(&r, &c, 1, 1, other, 6), 0);      /* MAC ADDR_SET */
    ASSERT_EQ(drv_rdn(&r.rx, R_CONFIG, 1), 0x02);
    uint64_t dropped = virtio_net_dropped(r.net);
    ASSERT_FALSE(arp_answered(&r));                       /* filtered out */
    ASSERT_EQ(virtio_net_dropped(r.net), dropped + 1);
    ASSERT_EQ(ctrl_cmd(&r, &c, 0, 0, &on, 1), 0);        /* PROMISC on */
    ASSERT_TRUE(arp_answered(&r));
    ASSERT_EQ(ctrl_cmd(&r, &c, 7, 0, &on, 1), 1);        /* unknown class */
    rig_close(&r);
}

TEST(virtio_net, merged_buffers)
{
    struct net_rig r;
    rig_open(&r);
    rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC | F_MRG_RXBUF);
    /* Header and frame (54 to 76 bytes) in 20-byte buffers: the frame
     * takes as many as it needs, each full but the last. */
    for (unsigned i = 0; i < 6; i++) {
        struct drv_buf rb = {RXBUF_PA + 0x100 * i, 20, VIRTQ_DESC_F_WRITE};
        drv_add(&r.rx, &rb, 1);
    }
    drv_wr(&r.rx, R_QUEUE_NOTIFY, 0);
    send_arp(&r, HDR12);
    ASSERT_TRUE(drv_wait(&r.rx, 3));
    uint8_t frame[120];
    const uint8_t *first = drv_ptr(&r.rx, RXBUF_PA);
    unsigned n = first[10] | first[11] << 8;
    ASSERT_TRUE(n >= 3 && n <= 4);
    ASSERT_TRUE(drv_wait(&r.rx, n));
    for (unsigned i = 0; i < n; i++) {
        uint32_t id, len;
        drv_take(&r.rx, &id, &len);
        ASSERT_EQ(id, i);
        if (i + 1 < n)
            ASSERT_EQ(len, 20);
        else
            ASSERT_TRUE(len > 0 && len <= 20);
        memcpy(frame + 20 * i, drv_ptr(&r.rx, RXBUF_PA + 0x100 * i), len);
    }
    ASSERT_TRUE(is_arp_reply(frame + HDR12));
    drv_settle();
    ASSERT_EQ(drv_used_idx(&r.rx), n);  /* the other buffers are still the driver's */
    rig_close(&r);
}

TEST(virtio_net, small_buffer_without_merge_drops)
{
    struct net_rig r;
    rig_open(&r);
    rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC);
    drv_push(&r.rx, RXBUF_PA, 50, VIRTQ_DESC_F_WRITE);   /* < 12 + 42 */
    send_arp(&r, HDR12);
    ASSERT_TRUE(drv_wait(&r.tx, 1));
    for (int i = 0; i < 10; i++)
        drv_settle();
    ASSERT_EQ(drv_used_idx(&r.rx), 0);
    ASSERT_TRUE(virtio_net_dropped(r.net) >= 1);
    ASSERT_EQ(drv_rd(&r.rx, R_STATUS) & S_NEEDS_RESET, 0);
    rig_close(&r);
}

/* A malformed transmit chain: NEEDS_RESET, nothing used; a reset and a new
 * start make the device work again. */
static void bad_tx(void (*make)(struct net_rig *r))
{
    struct net_rig r;
    rig_open(&r);
    rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC);
    make(&r);
    drv_wr(&r.rx, R_QUEUE_NOTIFY, 1);
    ASSERT_TRUE(drv_wait_needs_reset(&r.rx));
    ASSERT_EQ(drv_used_idx(&r.tx), 0);
    rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC);
    ASSERT_EQ(drv_rd(&r.rx, R_STATUS) & S_NEEDS_RESET, 0);
    send_arp(&r, HDR12);
    ASSERT_TRUE(drv_wait(&r.tx, 1));
    rig_close(&r);
}

static void make_loop(struct net_rig *r)
{
    drv_desc(&r->tx, r->tx.desc, 0, FRAME_PA, 64, VIRTQ_DESC_F_NEXT, 1);
    drv_desc(&r->tx, r->tx.desc, 1, FRAME_PA, 64, VIRTQ_DESC_F_NEXT, 0);
    drv_publish(&r->tx, 0);
    r->tx.next_desc = 2;
}

static void make_outside_ram(struct net_rig *r)
{
    struct drv_buf b = {RAM_BASE + RAM_SIZE - 16, 64, 0};
    drv_add(&r->tx, &b, 1);
}

static void make_short(struct net_rig *r)
{
    struct drv_buf b = {FRAME_PA, HDR12 - 1, 0};
    drv_add(&r->tx, &b, 1);
}

static void make_idx_jump(struct net_rig *r)
{
    __atomic_store_n((uint16_t *)drv_ptr(&r->tx, r->tx.avail + 2), 500, __ATOMIC_RELEASE);
}

TEST(virtio_net, tx_descriptor_loop) { bad_tx(make_loop); }
TEST(virtio_net, tx_buffer_outside_ram) { bad_tx(make_outside_ram); }
TEST(virtio_net, tx_shorter_than_header) { bad_tx(make_short); }
TEST(virtio_net, tx_avail_idx_jump) { bad_tx(make_idx_jump); }

TEST(virtio_net, rx_buffer_not_writable)
{
    struct net_rig r;
    rig_open(&r);
    rig_init(&r, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_MAC);
    drv_push(&r.rx, RXBUF_PA, 1526, 0);
    send_arp(&r, HDR12);
    ASSERT_TRUE(drv_wait_needs_reset(&r.rx));
    ASSERT_EQ(drv_used_idx(&r.rx), 0);
    rig_close(&r);
}


