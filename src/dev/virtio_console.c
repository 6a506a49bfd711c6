/*
 * virtio-console: virtio 1.2 spec 5.3, shaped as QEMU 7.2's
 * virtio-serial-device (read over qtest: device ID 3; features MULTIPORT
 * and EMERG_WRITE besides the transport's, legacy 0x39000006, modern
 * 0x30000006 | 0x101 << 32; a 12-byte config space reading cols 0, rows 0,
 * max_nr_ports 31, emerg_wr 0; 64 queues).
 *
 * Queues (spec 5.3.2): port 0's receiveq and transmitq are 0 and 1, the
 * control receiveq and transmitq 2 and 3, port N's are 2N+2 and 2N+3.
 * QEMU's sizes: 128 for data queues, 32 for the control ones.
 *
 * Without MULTIPORT only port 0 exists and it is always open. With it the
 * driver and device talk over the control queues (spec 5.3.6.2): the driver
 * says DEVICE_READY, the device announces each port (DEVICE_ADD), the driver
 * answers PORT_READY, the device then tells a console port it is one
 * (CONSOLE_PORT), names named ports (PORT_NAME) and says the host side is
 * open (PORT_OPEN); the driver's PORT_OPEN opens the guest side. Host bytes
 * reach a port only while its guest side is open, as in QEMU.
 *
 * Host to guest: the chardev's reader thread hands bytes to a small FIFO
 * per port (can_receive reports its room) and they are copied into the
 * port's receive buffers as the driver provides them; a full FIFO stops
 * the reader until there is room (chardev_accept_input).
 * Guest to host: a transmit notify pops the chains and writes them to the
 * chardev with the device lock dropped (the write may block on a slow
 * socket); a port's chains are written by one thread at a time, in order,
 * and reset waits for the writes in flight (virtio.h's contract).
 *
 * Control messages with malformed sizes are ignored, as QEMU ignores them;
 * ring errors go through vq_pop to NEEDS_RESET.
 * Host side (QEMU's host_connected): a console port is always open; a
 * serial port is open while its chardev has a peer (never for null, while
 * a client is connected for a socket), and the driver hears PORT_OPEN 1/0
 * as that changes. A serial port's output is dropped while it is closed.
 *
 * Left out: resize (F_SIZE is not offered, as on QEMU); hot-plug.
 */
#include "dev/virtio_console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/chardev.h"

/* Feature bits (spec 5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* Control events (spec 5.3.6.2). */
#define VIRTIO_CONSOLE_DEVICE_READY 0
#define VIRTIO_CONSOLE_DEVICE_ADD 1
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2
#define VIRTIO_CONSOLE_PORT_READY 3
#define VIRTIO_CONSOLE_CONSOLE_PORT 4
#define VIRTIO_CONSOLE_RESIZE 5
#define VIRTIO_CONSOLE_PORT_OPEN 6
#define VIRTIO_CONSOLE_PORT_NAME 7

/* Config space (spec 5.3.4). */
#define CFG_COLS 0
#define CFG_ROWS 2
#define CFG_MAX_NR_PORTS 4
#define CFG_EMERG_WR 8
#define CFG_LEN 12

#define CON_NUM_QUEUES (2 * (VIRTIO_CONSOLE_MAX_PORTS + 1))
#define CON_DATA_QUEUE_SIZE 128
#define CON_CTRL_QUEUE_SIZE 32
#define CON_CTRL_RX 2
#define CON_CTRL_TX 3
#define CTRL_MSG_LEN 8          /* {le32 id, le16 event, le16 value} */
#define CON_FIFO 4096           /* host bytes waiting for guest buffers, per port */
#define CON_CTRL_PENDING 256    /* device-to-driver messages waiting for buffers */
#define CON_NAME_MAX 255

struct con_port {
    struct virtio_console *con;
    unsigned id;
    bool present, console;
    char *name;
    struct chardev *chr;
    /* Guarded by the device lock. */
    bool guest_open;            /* the driver's PORT_OPEN (multiport) */
    bool host_open;             /* a console always; else the chardev's peer is there */
    bool starved;               /* can_receive said 0: kick the reader on room */
    bool tx_busy, tx_again;     /* a thread is writing this port's chains */
    uint8_t fifo[CON_FIFO];
    unsigned fifo_head, fifo_len;
};

struct con_ctrl_msg {
    struct con_ctrl_msg *next;
    uint32_t len;
    uint8_t data[];
};

struct virtio_console {
    struct virtio_device vdev;  /* first: the ops get a pointer to it */
    struct con_port port[VIRTIO_CONSOLE_MAX_PORTS];
    /* Guarded by vdev.lock. */
    struct con_ctrl_msg *ctrl_head, **ctrl_tail;
    unsigned ctrl_count;
    unsigned tx_inflight;       /* chains popped and being written */
    pthread_cond_t idle_cond;
};

static struct virtio_console *to_con(struct virtio_device *vdev)
{
    return (struct virtio_console *)vdev;
}

static unsigned port_rx_queue(unsigned id)
{
    return id == 0 ? 0 : 2 * id + 2;
}

static bool con_multiport(const struct virtio_console *con)
{
    return virtio_has_feature(&con->vdev, VIRTIO_CONSOLE_F_MULTIPORT);
}

/* The port whose receiveq or transmitq is q, or NULL. */
static struct con_port *con_port_of_queue(struct virtio_console *con, unsigned q)
{
    unsigned id = q < 2 ? 0 : q / 2 - 1;
    if (q == CON_CTRL_RX || q == CON_CTRL_TX || id >= VIRTIO_CONSOLE_MAX_PORTS)
        return NULL;
    if (id && !con_multiport(con))
        return NULL;
    return con->port[id].present ? &con->port[id] : NULL;
}

/* May host bytes go to this port now? Lock held. */
static bool port_guest_ready(const struct con_port *p)
{
    const struct virtio_console *con = p->con;
    if (!virtio_queue_active(&con->vdev, port_rx_queue(p->id)))
        return false;
    if (!con_multiport(con))
        return p->id == 0;
    return p->guest_open;
}

/* ---- device to driver: control messages ---- */

/* Hands queued control messages to the driver's control receive buffers.
 * A buffer too small gets what fits, as in QEMU. Lock held. */
static void con_flush_ctrl(struct virtio_console *con)
{
    struct virtio_device *vdev = &con->vdev;
    struct virtqueue *vq = &vdev->vq[CON_CTRL_RX];
    bool pushed = false;
    while (con->ctrl_head && virtio_queue_active(vdev, CON_CTRL_RX)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        struct con_ctrl_msg *m = con->ctrl_head;
        size_t n = vq_write_in(e, 0, m->data, m->len);
        vq_push(vdev, vq, e, (uint32_t)n);
        free(e);
        pushed = true;
        con->ctrl_head = m->next;
        if (!con->ctrl_head)
            con->ctrl_tail = &con->ctrl_head;
        con->ctrl_count--;
        free(m);
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
}

/* Queues a control message (with `extra` bytes after the header, for
 * PORT_NAME) and sends what the driver has room for. Lock held. */
static void con_send_ctrl(struct virtio_console *con, uint32_t id, uint16_t event, uint16_t value,
                          const char *extra, size_t extra_len)
{
    if (con->ctrl_count >= CON_CTRL_PENDING)
        return;   /* a driver that never reads its control queue */
    struct con_ctrl_msg *m = malloc(sizeof(*m) + CTRL_MSG_LEN + extra_len);
    if (!m)
        return;
    m->next = NULL;
    m->len = (uint32_t)(CTRL_MSG_LEN + extra_len);
    memcpy(m->data, &id, 4);
    memcpy(m->data + 4, &event, 2);
    memcpy(m->data + 6, &value, 2);
    if (extra_len)
        memcpy(m->data + CTRL_MSG_LEN, extra, extra_len);
    *con->ctrl_tail = m;
    con->ctrl_tail = &m->next;
    con->ctrl_count++;
    con_flush_ctrl(con);
}

static void con_drop_ctrl(struct virtio_console *con)
{
    while (con->ctrl_head) {
        struct con_ctrl_msg *m = con->ctrl_head;
        con->ctrl_head = m->next;
        free(m);
    }
    con->ctrl_tail = &con->ctrl_head;
    con->ctrl_count = 0;
}

/* ---- host to guest ---- */

/* Moves FIFO bytes into the port's receive buffers. Lock held. */
static void port_flush_rx(struct con_port *p)
{
    struct virtio_device *vdev = &p->con->vdev;
    struct virtqueue *vq = &vdev->vq[port_rx_queue(p->id)];
    bool pushed = false;
    while (p->fifo_len && port_guest_ready(p)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        uint64_t done = 0;
        while (p->fifo_len && done < e->in_len) {
            unsigned run = CON_FIFO - p->fifo_head;
            if (run > p->fifo_len)
                run = p->fifo_len;
            size_t n = vq_write_in(e, done, p->fifo + p->fifo_head, run);
            if (!n)
                break;
            done += n;
            p->fifo_head = (p->fifo_head + (unsigned)n) % CON_FIFO;
            p->fifo_len -= (unsigned)n;
        }
        vq_push(vdev, vq, e, (uint32_t)done);
        free(e);
        pushed = true;
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
    if (p->starved && p->fifo_len < CON_FIFO && port_guest_ready(p)) {
        p->starved = false;
        chardev_accept_input(p->chr);
    }
}

static size_t port_can_receive(void *opaque)
{
    struct con_port *p = opaque;
    struct virtio_device *vdev = &p->con->vdev;
    pthread_mutex_lock(&vdev->lock);
    size_t room = port_guest_ready(p) ? CON_FIFO - p->fifo_len : 0;
    if (!room)
        p->starved = true;
    pthread_mutex_unlock(&vdev->lock);
    return room;
}

static void port_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct con_port *p = opaque;
    struct virtio_device *vdev = &p->con->vdev;
    pthread_mutex_lock(&vdev->lock);
    for (size_t i = 0; i < len && p->fifo_len < CON_FIFO; i++) {
        p->fifo[(p->fifo_head + p->fifo_len) % CON_FIFO] = buf[i];
        p->fifo_len++;
    }
    port_flush_rx(p);
    pthread_mutex_unlock(&vdev->lock);
}

/* A serial port's socket client came or went: tell the driver (QEMU does
 * this for virtserialport only; a console stays open). */
static void port_event(void *opaque, bool connected)
{
    struct con_port *p = opaque;
    struct virtio_console *con = p->con;
    pthread_mutex_lock(&con->vdev.lock);
    if (!p->console && p->host_open != connected) {
        p->host_open = connected;
        if (con_multiport(con) && (con->vdev.status & VIRTIO_STATUS_DRIVER_OK))
            con_send_ctrl(con, p->id, VIRTIO_CONSOLE_PORT_OPEN, connected, NULL, 0);
    }
    pthread_mutex_unlock(&con->vdev.lock);
}

/* ---- guest to host ---- */

/* Writes the port's transmit chains to its chardev, lock dropped during
 * each write. Lock held on entry and exit. */
static void port_drain_tx(struct con_port *p, unsigned q)
{
    struct virtio_console *con = p->con;
    struct virtio_device *vdev = &con->vdev;
    struct virtqueue *vq = &vdev->vq[q];
    if (p->tx_busy) {
        p->tx_again = true;   /* the writing thread pops it, in order */
        return;
    }
    p->tx_busy = true;
    do {
        p->tx_again = false;
        while (virtio_queue_active(vdev, q)) {
            struct vq_elem *e;
            if (vq_pop_or_arm(vdev, vq, &e) <= 0)
                break;
            /* A serial port whose host side is closed throws data away
             * (QEMU); a console's goes wherever its chardev sends it. */
            bool send = p->host_open;
            con->tx_inflight++;
            pthread_mutex_unlock(&vdev->lock);
            for (unsigned s = 0; send && s < e->n_out; s++)
                chardev_write(p->chr, e->seg[s].host, e->seg[s].len);
            pthread_mutex_lock(&vdev->lock);
            vq_push(vdev, vq, e, 0);
            virtio_notify_queue(vdev, vq);
            free(e);
            if (--con->tx_inflight == 0)
                pthread_cond_broadcast(&con->idle_cond);
        }
    } while (p->tx_again);
    p->tx_busy = false;
}

/* ---- driver to device: control messages ---- */

static void con_port_ready(struct virtio_console *con, struct con_port *p)
{
    if (p->console)
        con_send_ctrl(con, p->id, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0);
    if (p->name)
        con_send_ctrl(con, p->id, VIRTIO_CONSOLE_PORT_NAME, 1, p->name, strlen(p->name) + 1);
    if (p->host_open)
        con_send_ctrl(con, p->id, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
}

static void con_handle_ctrl(struct virtio_console *con, const uint8_t *msg)
{
    uint32_t id;
    uint16_t event, value;
    memcpy(&id, msg, 4);
    memcpy(&event, msg + 4, 2);
    memcpy(&value, msg + 6, 2);
    if (event == VIRTIO_CONSOLE_DEVICE_READY) {
        if (!value)
            return;   /* the driver gave up */
        for (unsigned i = 0; i < VIRTIO_CONSOLE_MAX_PORTS; i++)
            if (con->port[i].present)
                con_send_ctrl(con, i, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL, 0);
        return;
    }
    /* Anything else names a port; an unknown one is ignored (QEMU). */
    if (id >= VIRTIO_CONSOLE_MAX_PORTS || !con->port[id].present)
        return;
    struct con_port *p = &con->port[id];
    switch (event) {
    case VIRTIO_CONSOLE_PORT_READY:
        if (value)
            con_port_ready(con, p);
        break;
    case VIRTIO_CONSOLE_PORT_OPEN:
        p->guest_open = value != 0;
        port_flush_rx(p);
        if (p->guest_open && p->starved && p->fifo_len < CON_FIFO) {
            p->starved = false;
            chardev_accept_input(p->chr);
        }
        break;
    default:
        break;
    }
}

static void con_drain_ctrl_tx(struct virtio_console *con)
{
    struct virtio_device *vdev = &con->vdev;
    struct virtqueue *vq = &vdev->vq[CON_CTRL_TX];
    bool pushed = false;
    while (virtio_queue_active(vdev, CON_CTRL_TX)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        uint8_t msg[CTRL_MSG_LEN];
        bool whole = vq_read_out(e, 0, msg, sizeof(msg)) == sizeof(msg);
        vq_push(vdev, vq, e, 0);
        free(e);
        pushed = true;
        if (whole)
            con_handle_ctrl(con, msg);
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
}

/* ---- virtio ops ---- */

static uint64_t con_features(struct virtio_device *vdev, uint64_t common, bool modern)
{
    return common | VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT) |
           VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE);
}

static void con_config_get(struct virtio_device *vdev, uint8_t *cfg)
{
    uint32_t max_ports = VIRTIO_CONSOLE_MAX_PORTS;
    memset(cfg, 0, CFG_LEN);
    memcpy(cfg + CFG_MAX_NR_PORTS, &max_ports, 4);
}

/* Only emerg_wr is writable: its low byte goes out on port 0 (spec 5.3.4,
 * and QEMU writes one byte). It reads back 0. */
static void con_config_set(struct virtio_device *vdev, const uint8_t *cfg)
{
    struct virtio_console *con = to_con(vdev);
    uint32_t wr;
    memcpy(&wr, cfg + CFG_EMERG_WR, 4);
    if (wr && con->port[0].present) {
        uint8_t c = (uint8_t)wr;
        chardev_write(con->port[0].chr, &c, 1);
    }
}

static void con_queue_notify(struct virtio_device *vdev, unsigned q)
{
    struct virtio_console *con = to_con(vdev);
    if (q == CON_CTRL_RX) {
        con_flush_ctrl(con);
        return;
    }
    if (q == CON_CTRL_TX) {
        if (con_multiport(con))
            con_drain_ctrl_tx(con);
        return;
    }
    struct con_port *p = con_port_of_queue(con, q);
    if (!p && !(q & 1))
        return;   /* receive buffers for no port wait, unused */
    if (!p) {
        /* Output to no port is thrown away, as QEMU does. */
        struct vq_elem *e;
        bool pushed = false;
        while (vq_pop(vdev, &vdev->vq[q], &e) > 0) {
            vq_push(vdev, &vdev->vq[q], e, 0);
            free(e);
            pushed = true;
        }
        if (pushed)
            virtio_notify_queue(vdev, &vdev->vq[q]);
        return;
    }
    if (q & 1)
        port_drain_tx(p, q);
    else
        port_flush_rx(p);
}

/* Buffers made available before DRIVER_OK are looked at once it is set. */
static void con_status_changed(struct virtio_device *vdev)
{
    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    for (unsigned q = 0; q < vdev->num_queues; q++)
        if (virtio_queue_active(vdev, q))
            con_queue_notify(vdev, q);
}

static void con_reset(struct virtio_device *vdev)
{
    struct virtio_console *con = to_con(vdev);
    while (con->tx_inflight)
        pthread_cond_wait(&con->idle_cond, &vdev->lock);
    con_drop_ctrl(con);
    for (unsigned i = 0; i < VIRTIO_CONSOLE_MAX_PORTS; i++) {
        struct con_port *p = &con->port[i];
        p->guest_open = false;
        p->fifo_head = p->fifo_len = 0;
    }
}

static const struct virtio_device_ops con_ops = {
    .name = "virtio-serial",
    .device_id = VIRTIO_ID_CONSOLE,
    .features = con_features,
    .config_get = con_config_get,
    .config_set = con_config_set,
    .queue_notify = con_queue_notify,
    .status_changed = con_status_changed,
    .reset = con_reset,
};

struct virtio_console *virtio_console_create(struct physmem *mem)
{
    struct virtio_console *con = calloc(1, sizeof(*con));
    if (!con)
        return NULL;
    uint16_t sizes[CON_NUM_QUEUES];
    for (unsigned q = 0; q < CON_NUM_QUEUES; q++)
        sizes[q] = q == CON_CTRL_RX || q == CON_CTRL_TX ? CON_CTRL_QUEUE_SIZE
                                                         : CON_DATA_QUEUE_SIZE;
    if (virtio_device_init(&con->vdev, &con_ops, mem, CFG_LEN, CON_NUM_QUEUES, sizes)) {
        free(con);
        return NULL;
    }
    con->ctrl_tail = &con->ctrl_head;
    pthread_cond_init(&con->idle_cond, NULL);
    for (unsigned i = 0; i < VIRTIO_CONSOLE_MAX_PORTS; i++) {
        con->port[i].con = con;
        con->port[i].id = i;
    }
    return con;
}

bool virtio_console_add_port(struct virtio_console *con, int nr, bool console, const char *name,
                             struct chardev *chr, char *err, size_t errlen)
{
    /* QEMU keeps port 0 for a console (old drivers see only port 0). */
    if (nr < 0) {
        nr = console && !con->port[0].present ? 0 : -1;
        for (unsigned i = 1; nr < 0 && i < VIRTIO_CONSOLE_MAX_PORTS; i++)
            if (!con->port[i].present)
                nr = (int)i;
        if (nr < 0) {
            snprintf(err, errlen, "virtio-serial-device: all %d ports are taken",
                     VIRTIO_CONSOLE_MAX_PORTS);
            return false;
        }
    } else if (nr >= VIRTIO_CONSOLE_MAX_PORTS) {
        snprintf(err, errlen, "virtio-serial port nr=%d: out of range (at most %d)", nr,
                 VIRTIO_CONSOLE_MAX_PORTS - 1);
        return false;
    } else if (nr == 0 && !console) {
        snprintf(err, errlen, "virtserialport nr=0: port 0 is kept for a virtconsole");
        return false;
    } else if (con->port[nr].present) {
        snprintf(err, errlen, "virtio-serial port nr=%d: a port already exists there", nr);
        return false;
    }
    if (name) {
        for (unsigned i = 0; i < VIRTIO_CONSOLE_MAX_PORTS; i++)
            if (con->port[i].name && !strcmp(con->port[i].name, name)) {
                snprintf(err, errlen, "virtio-serial port name=%s: the name is taken", name);
                return false;
            }
        if (strlen(name) > CON_NAME_MAX) {
            snprintf(err, errlen, "virtio-serial port name: longer than %d bytes", CON_NAME_MAX);
            return false;
        }
    }
    struct con_port *p = &con->port[nr];
    p->present = true;
    p->console = console;
    p->chr = chr;
    p->name = name ? strdup(name) : NULL;
    p->host_open = console || chardev_connected(chr);
    if (chr) {
        const struct chardev_receiver rx = {
            .can_receive = port_can_receive,
            .receive = port_receive,
            .event = port_event,
            .opaque = p,
        };
        chardev_set_receiver(chr, &rx);
    }
    return true;
}

struct virtio_device *virtio_console_device(struct virtio_console *con)
{
    return &con->vdev;
}

void virtio_console_destroy(struct virtio_console *con)
{
    if (!con)
        return;
    for (unsigned i = 0; i < VIRTIO_CONSOLE_MAX_PORTS; i++) {
        if (con->port[i].chr)
            chardev_set_receiver(con->port[i].chr, NULL);
        free(con->port[i].name);
    }
    con_drop_ctrl(con);
    pthread_cond_destroy(&con->idle_cond);
    virtio_device_destroy(&con->vdev);
    free(con);
}
