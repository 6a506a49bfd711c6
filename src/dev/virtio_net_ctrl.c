/*
 * virtio-net's control queue (spec 5.1.6.5) and the receive filter it
 * programs, with QEMU 7.2's semantics: classes RX (promisc, allmulti, and
 * the RX_EXTRA alluni, nomulti, nouni, nobcast), MAC (TABLE_SET with QEMU's
 * 64-entry table and its overflow flags; ADDR_SET), VLAN (ADD, DEL; a
 * tagged frame passes only if its VID was added), ANNOUNCE (ACK) and
 * GUEST_OFFLOADS (SET, where no guest offload exists to enable, so only 0
 * is accepted). Anything else answers VIRTIO_NET_ERR.
 *
 * A command is {class u8, cmd u8, data...} in the readable part and one
 * writable status byte; a chain without room for those is a driver bug
 * (virtio_error), as in QEMU. Commands are short and served right away on
 * the notifying thread.
 */
#include "dev/virtio_net_impl.h"

#include <stdlib.h>
#include <string.h>

#define NET_CTRL_RX 0
#define NET_CTRL_RX_PROMISC 0
#define NET_CTRL_RX_NOBCAST 5
#define NET_CTRL_MAC 1
#define NET_CTRL_MAC_TABLE_SET 0
#define NET_CTRL_MAC_ADDR_SET 1
#define NET_CTRL_VLAN 2
#define NET_CTRL_VLAN_ADD 0
#define NET_CTRL_VLAN_DEL 1
#define NET_CTRL_ANNOUNCE 3
#define NET_CTRL_ANNOUNCE_ACK 0
#define NET_CTRL_GUEST_OFFLOADS 5
#define NET_CTRL_GUEST_OFFLOADS_SET 0

#define NET_OK 0
#define NET_ERR 1

/* Commands carry at most a full MAC table pair: 2 * (4 + 64 * 6) bytes,
 * more than that is an overflowed table and is read in part only. */
#define NET_CTRL_DATA_MAX 1024

void net_filter_reset(struct virtio_net *net)
{
    net->promisc = true;
    net->allmulti = net->alluni = net->nomulti = net->nouni = net->nobcast = false;
    net->mac_in_use = net->first_multi = 0;
    net->uni_overflow = net->multi_overflow = false;
    memset(net->vlans, 0, sizeof(net->vlans));
}

static bool net_table_has(const struct virtio_net *net, unsigned from, unsigned to,
                          const uint8_t *mac)
{
    for (unsigned i = from; i < to; i++)
        if (!memcmp(net->mac_table[i], mac, ETH_ALEN))
            return true;
    return false;
}

bool net_filter_accepts(const struct virtio_net *net, const uint8_t *frame, size_t len)
{
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (len < 14)
        return false;
    if (net->promisc)
        return true;
    /* Without CTRL_VLAN every VID passes (QEMU fills the table with ones). */
    if (virtio_has_feature(&net->vdev, VIRTIO_NET_F_CTRL_VLAN) && len >= 16 &&
        frame[12] == 0x81 && frame[13] == 0x00) {
        unsigned vid = ((frame[14] << 8) | frame[15]) & 0xfff;
        if (!(net->vlans[vid >> 5] & (1u << (vid & 31))))
            return false;
    }
    if (frame[0] & 1) {
        if (!memcmp(frame, bcast, ETH_ALEN))
            return !net->nobcast;
        if (net->nomulti)
            return false;
        if (net->allmulti || net->multi_overflow)
            return true;
        return net_table_has(net, net->first_multi, net->mac_in_use, frame);
    }
    if (net->nouni)
        return false;
    if (net->alluni || net->uni_overflow)
        return true;
    if (!memcmp(frame, net->mac, ETH_ALEN))
        return true;
    return net_table_has(net, 0, net->first_multi, frame);
}

static uint8_t net_ctrl_rx(struct virtio_net *net, uint8_t cmd, const uint8_t *d, size_t n)
{
    if (n < 1 || cmd > NET_CTRL_RX_NOBCAST)
        return NET_ERR;
    bool on = d[0] != 0;
    bool *flag[] = {&net->promisc, &net->allmulti, &net->alluni,
                    &net->nomulti, &net->nouni,    &net->nobcast};
    *flag[cmd - NET_CTRL_RX_PROMISC] = on;
    return NET_OK;
}

/* TABLE_SET: {u32 entries, entries * 6 bytes} unicast, then the same for
 * multicast, exactly filling the command. Committed only if well formed. */
static uint8_t net_ctrl_mac_table(struct virtio_net *net, const uint8_t *d, size_t n)
{
    uint8_t table[NET_MAC_TABLE][ETH_ALEN];
    unsigned in_use = 0, first_multi;
    bool uni_over = false, multi_over = false;
    uint32_t entries;
    if (n < 4)
        return NET_ERR;
    memcpy(&entries, d, 4);
    d += 4, n -= 4;
    if ((uint64_t)entries * ETH_ALEN > n)
        return NET_ERR;
    if (entries <= NET_MAC_TABLE) {
        memcpy(table, d, (size_t)entries * ETH_ALEN);
        in_use = entries;
    } else {
        uni_over = true;
    }
    d += (size_t)entries * ETH_ALEN, n -= (size_t)entries * ETH_ALEN;
    first_multi = in_use;
    if (n < 4)
        return NET_ERR;
    memcpy(&entries, d, 4);
    d += 4, n -= 4;
    if ((uint64_t)entries * ETH_ALEN != n)
        return NET_ERR;
    if (entries <= NET_MAC_TABLE - in_use) {
        memcpy(table[in_use], d, (size_t)entries * ETH_ALEN);
        in_use += entries;
    } else {
        multi_over = true;
    }
    memcpy(net->mac_table, table, (size_t)in_use * ETH_ALEN);
    net->mac_in_use = in_use;
    net->first_multi = first_multi;
    net->uni_overflow = uni_over;
    net->multi_overflow = multi_over;
    return NET_OK;
}

static uint8_t net_ctrl_mac(struct virtio_net *net, uint8_t cmd, const uint8_t *d, size_t n)
{
    if (cmd == NET_CTRL_MAC_ADDR_SET) {
        if (n != ETH_ALEN)
            return NET_ERR;
        memcpy(net->mac, d, ETH_ALEN);
        return NET_OK;
    }
    if (cmd == NET_CTRL_MAC_TABLE_SET)
        return net_ctrl_mac_table(net, d, n);
    return NET_ERR;
}

static uint8_t net_ctrl_vlan(struct virtio_net *net, uint8_t cmd, const uint8_t *d, size_t n)
{
    if (n < 2)
        return NET_ERR;
    unsigned vid = d[0] | d[1] << 8;
    if (vid >= NET_MAX_VLAN)
        return NET_ERR;
    if (cmd == NET_CTRL_VLAN_ADD)
        net->vlans[vid >> 5] |= 1u << (vid & 31);
    else if (cmd == NET_CTRL_VLAN_DEL)
        net->vlans[vid >> 5] &= ~(1u << (vid & 31));
    else
        return NET_ERR;
    return NET_OK;
}

static uint8_t net_ctrl_command(struct virtio_net *net, uint8_t cls, uint8_t cmd,
                                const uint8_t *d, size_t n)
{
    switch (cls) {
    case NET_CTRL_RX: return net_ctrl_rx(net, cmd, d, n);
    case NET_CTRL_MAC: return net_ctrl_mac(net, cmd, d, n);
    case NET_CTRL_VLAN: return net_ctrl_vlan(net, cmd, d, n);
    case NET_CTRL_ANNOUNCE:
        if (cmd != NET_CTRL_ANNOUNCE_ACK || !net->announce)
            return NET_ERR;
        net->announce = false;
        return NET_OK;
    case NET_CTRL_GUEST_OFFLOADS: {
        uint64_t offloads;
        if (!virtio_has_feature(&net->vdev, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) ||
            cmd != NET_CTRL_GUEST_OFFLOADS_SET || n < 8)
            return NET_ERR;
        memcpy(&offloads, d, 8);
        return offloads ? NET_ERR : NET_OK;
    }
    default: return NET_ERR;
    }
}

void net_ctrl_notify(struct virtio_net *net)
{
    struct virtio_device *vdev = &net->vdev;
    struct virtqueue *vq = &vdev->vq[NET_CTRLQ];
    uint8_t buf[2 + NET_CTRL_DATA_MAX];
    bool pushed = false;
    while (virtio_queue_active(vdev, NET_CTRLQ)) {
        struct vq_elem *e;
        if (vq_pop_or_arm(vdev, vq, &e) <= 0)
            break;
        if (e->out_len < 2 || e->in_len < 1) {
            vq->inuse--;
            free(e);
            virtio_error(vdev, "control command without header or status byte");
            break;
        }
        size_t n = e->out_len < sizeof(buf) ? (size_t)e->out_len : sizeof(buf);
        vq_read_out(e, 0, buf, n);
        uint8_t status;
        if (e->out_len > sizeof(buf))
            status = NET_ERR;   /* longer than any well-formed command */
        else
            status = net_ctrl_command(net, buf[0], buf[1], buf + 2, n - 2);
        vq_write_in(e, 0, &status, 1);
        vq_push(vdev, vq, e, 1);
        free(e);
        pushed = true;
    }
    if (pushed)
        virtio_notify_queue(vdev, vq);
}
