/*
 * virtio-console through virtio-mmio (virtio 1.2 spec 5.3) without
 * MULTIPORT: port 0's receiveq (queue 0) and transmitq (queue 1) on a unix
 * socket chardev the test connects to. Host bytes reach the guest's
 * buffers in order however slowly the driver posts them (flow control),
 * guest bytes reach the socket, and malformed rings put the device in
 * NEEDS_RESET without touching anything outside guest RAM; after a reset
 * it works again. (The multiport control protocol is compared with QEMU by
 * tests/qtest/virtio-console*.qtest.)
 */
#include "test.h"
#include "test_virtio_driver.h"

#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend/chardev.h"
#include "dev/virtio_console.h"

#define TXQ_PA (RAM_BASE + 0x30000)   /* queue 1, legacy layout, 8 entries */
#define TX_NUM 8

struct con_test {
    struct drv d, tx;   /* tx: the transmitq's ring state */
    struct virtio_console *con;
    struct chardev *chr;
    char path[108];
    int sock;
};

/* Connects a new client to the socket; true once the chardev has taken it
 * (its reader accepts on its own thread). */
static bool con_connect(struct con_test *t)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, t->path);
    t->sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(t->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return false;
    for (int i = 0; i < 1000 && !chardev_connected(t->chr); i++)
        drv_settle();
    return chardev_connected(t->chr);
}

static bool con_open(struct con_test *t)
{
    char opts[160], err[160];
    snprintf(t->path, sizeof(t->path), "/tmp/armvirt-vcon-%d.sock", (int)getpid());
    snprintf(opts, sizeof(opts), "socket,id=t,path=%s,server=on,wait=off", t->path);
    t->chr = chardev_open_options(opts, err, sizeof(err));
    if (!t->chr)
        return false;
    drv_setup(&t->d, true);
    t->con = virtio_console_create(&t->d.pm);
    if (!virtio_console_add_port(t->con, -1, true, NULL, t->chr, err, sizeof(err)))
        return false;
    drv_attach(&t->d, virtio_console_device(t->con));
    return con_connect(t);
}

static void con_close(struct con_test *t)
{
    close(t->sock);
    drv_detach(&t->d);
    virtio_console_destroy(t->con);
    chardev_close(t->chr);
    drv_teardown(&t->d);
}

/* Queue 1 (transmitq) in the legacy layout, after drv_init set up queue 0. */
static void txq_setup(struct con_test *t)
{
    t->tx = t->d;
    drv_queue_legacy(&t->tx, 1, TX_NUM, TXQ_PA);
}

/* Sends `len` bytes at pa on the transmitq and notifies queue 1. */
static void tx_send(struct con_test *t, uint64_t pa, uint32_t len)
{
    struct drv_buf b = {pa, len, 0};
    drv_add(&t->tx, &b, 1);
    drv_wr(&t->d, R_QUEUE_NOTIFY, 1);
}

static size_t sock_recv(int fd, uint8_t *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 2000) <= 0)
            break;
        ssize_t n = read(fd, buf + got, want - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

TEST(virtio_console, identity_and_config)
{
    struct con_test t;
    ASSERT_TRUE(con_open(&t));
    ASSERT_EQ(drv_rd(&t.d, R_DEVICE_ID), 3);
    ASSERT_EQ(drv_rd(&t.d, R_DEV_FEATURES), 0x39000006);   /* QEMU 7.2, legacy (qtest) */
    ASSERT_EQ(drv_rd(&t.d, R_CONFIG + 4), 31);             /* max_nr_ports */
    ASSERT_EQ(drv_rd(&t.d, R_CONFIG + 8), 0);              /* emerg_wr */
    ASSERT_EQ(drv_rd(&t.d, R_CONFIG + 12), 0xffffffffu);   /* past the 12 bytes */
    con_close(&t);
}

TEST(virtio_console, round_trip)
{
    struct con_test t;
    ASSERT_TRUE(con_open(&t));
    ASSERT_EQ(drv_init(&t.d, 0, 8) & S_DRIVER_OK, S_DRIVER_OK);
    txq_setup(&t);
    drv_push(&t.d, BUF_PA, 64, VIRTQ_DESC_F_WRITE);
    ASSERT_EQ(write(t.sock, "hello", 5), 5);
    ASSERT_TRUE(drv_wait(&t.d, 1));
    uint32_t id, len;
    drv_take(&t.d, &id, &len);
    ASSERT_EQ(len, 5);
    ASSERT_EQ(memcmp(drv_ptr(&t.d, BUF_PA), "hello", 5), 0);

    memcpy(drv_ptr(&t.d, BUF_PA + 0x1000), "world", 5);
    tx_send(&t, BUF_PA + 0x1000, 5);
    uint8_t got[8];
    ASSERT_EQ(sock_recv(t.sock, got, 5), 5);
    ASSERT_EQ(memcmp(got, "world", 5), 0);
    ASSERT_EQ(drv_used_idx(&t.tx), 1);
    con_close(&t);
}

/* 40000 host bytes, far more than the device buffers, into 700-byte guest
 * buffers posted one at a time: all arrive, in order. */
TEST(virtio_console, flow_control)
{
    struct con_test t;
    ASSERT_TRUE(con_open(&t));
    ASSERT_EQ(drv_init(&t.d, 0, 8) & S_DRIVER_OK, S_DRIVER_OK);
    enum { TOTAL = 40000 };
    static uint8_t data[TOTAL], got[TOTAL];
    for (unsigned i = 0; i < TOTAL; i++)
        data[i] = (uint8_t)(i * 7 + i / 251);
    ASSERT_EQ(write(t.sock, data, TOTAL), TOTAL);
    size_t total = 0;
    for (int rounds = 0; total < TOTAL && rounds < 1000; rounds++) {
        uint64_t pa = BUF_PA + 0x1000 * (rounds % 8);
        drv_push(&t.d, pa, 700, VIRTQ_DESC_F_WRITE);
        if (!drv_wait(&t.d, 1))
            break;
        uint32_t id, len;
        drv_take(&t.d, &id, &len);
        ASSERT_TRUE(len <= 700 && total + len <= TOTAL);
        memcpy(got + total, drv_ptr(&t.d, pa), len);
        total += len;
    }
    ASSERT_EQ(total, TOTAL);
    ASSERT_EQ(memcmp(got, data, TOTAL), 0);
    con_close(&t);
}

/* A descriptor chain that loops, then one outside RAM: NEEDS_RESET each
 * time, and after a reset the port works again. */
TEST(virtio_console, malformed_rings)
{
    struct con_test t;
    ASSERT_TRUE(con_open(&t));
    ASSERT_EQ(drv_init(&t.d, 0, 8) & S_DRIVER_OK, S_DRIVER_OK);
    ASSERT_EQ(write(t.sock, "x", 1), 1);
    drv_desc(&t.d, t.d.desc, 0, BUF_PA, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    drv_publish(&t.d, 0);
    drv_kick(&t.d);
    ASSERT_TRUE(drv_wait_needs_reset(&t.d));

    ASSERT_EQ(drv_init(&t.d, 0, 8) & (S_DRIVER_OK | S_NEEDS_RESET), S_DRIVER_OK);
    drv_push(&t.d, 0x1000, 16, VIRTQ_DESC_F_WRITE);
    ASSERT_EQ(write(t.sock, "y", 1), 1);
    ASSERT_TRUE(drv_wait_needs_reset(&t.d));

    /* A transmit chain reaching past the end of RAM. */
    ASSERT_EQ(drv_init(&t.d, 0, 8) & (S_DRIVER_OK | S_NEEDS_RESET), S_DRIVER_OK);
    txq_setup(&t);
    tx_send(&t, RAM_BASE + RAM_SIZE - 4, 64);
    ASSERT_EQ(drv_rd(&t.d, R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);

    ASSERT_EQ(drv_init(&t.d, 0, 8) & (S_DRIVER_OK | S_NEEDS_RESET), S_DRIVER_OK);
    drv_push(&t.d, BUF_PA, 64, VIRTQ_DESC_F_WRITE);
    ASSERT_EQ(write(t.sock, "z", 1), 1);
    ASSERT_TRUE(drv_wait(&t.d, 1));
    uint32_t id, len;
    drv_take(&t.d, &id, &len);
    ASSERT_TRUE(len >= 1);
    ASSERT_EQ(*(uint8_t *)drv_ptr(&t.d, BUF_PA + len - 1), 'z');
    con_close(&t);
}

/* The host end hangs up and another client connects: it gets the output. */
TEST(virtio_console, next_client)
{
    struct con_test t;
    ASSERT_TRUE(con_open(&t));
    ASSERT_EQ(drv_init(&t.d, 0, 8) & S_DRIVER_OK, S_DRIVER_OK);
    txq_setup(&t);
    close(t.sock);
    for (int i = 0; i < 1000 && chardev_connected(t.chr); i++)
        drv_settle();
    ASSERT_FALSE(chardev_connected(t.chr));
    memcpy(drv_ptr(&t.d, BUF_PA), "lost", 4);
    tx_send(&t, BUF_PA, 4);                   /* nobody there: dropped */
    ASSERT_TRUE(con_connect(&t));
    memcpy(drv_ptr(&t.d, BUF_PA + 0x100), "seen", 4);
    tx_send(&t, BUF_PA + 0x100, 4);
    uint8_t got[4];
    ASSERT_EQ(sock_recv(t.sock, got, 4), 4);
    ASSERT_EQ(memcmp(got, "seen", 4), 0);
    con_close(&t);
}
