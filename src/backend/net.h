/*
 * Network backends: where a NIC's Ethernet frames go and come from. A device
 * is handed a backend and never knows whether it is user-mode networking
 * (libslirp) or a host tap interface.
 *
 * Specs, as QEMU spells them for -netdev:
 *   user,id=ID[,net=ADDR[/MASK]][,host=ADDR][,dhcpstart=ADDR][,dns=ADDR]
 *        [,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...
 *        [,restrict=on|off][,ipv4=on|off][,ipv6=on|off][,hostname=NAME]
 *     with QEMU's defaults: network 10.0.2.0/24, host 10.0.2.2, DHCP from
 *     10.0.2.15, DNS 10.0.2.3, IPv6 prefix fec0::/64; the guest reaches the
 *     host's loopback at 10.0.2.2.
 *   tap,id=ID,ifname=NAME[,script=no][,downscript=no]
 *     an existing or new tap interface from /dev/net/tun, no packet info,
 *     no virtio header (no offloads). No scripts are run.
 *
 * Received frames are delivered by a backend thread through the receive
 * callback, which the device must make thread-safe. The device says whether
 * it can take a frame now (can_receive); when it cannot, the backend holds
 * frames (a bounded queue; beyond it, frames are dropped as a full NIC
 * would) until net_accept_input() says the device has room again.
 *
 * Locking: a backend may call the device's callbacks from inside
 * net_send() (slirp answers ARP and DHCP at once). A device must therefore
 * not hold its own lock across net_send(); it may call net_accept_input()
 * with its lock held (that only wakes the backend thread).
 */
#ifndef ARMVIRT_NET_H
#define ARMVIRT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest frame a backend sends or delivers (an Ethernet header and a
 * 64 KiB packet: a tap without offloads never gets near it). */
#define NET_FRAME_MAX (65536 + 14)

struct net_backend;

struct net_receiver {
    /* Can the device take one frame now? */
    bool (*can_receive)(void *opaque);
    /* One whole Ethernet frame (no FCS). False: no room for it after all
     * (the backend keeps it and tries again after net_accept_input). */
    bool (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

/* Opens the backend named by spec ("user,id=n0,..." or "tap,..."). On
 * failure returns NULL and writes a one-line reason (no trailing newline)
 * into err. */
struct net_backend *net_open(const char *spec, char *err, size_t errlen);
/* Stops the backend thread and frees everything; detach the device first. */
void net_close(struct net_backend *nb);

/* The id= of the spec. */
const char *net_id(const struct net_backend *nb);

/* Checks a spec's syntax without opening anything, for the command line,
 * and copies its id into id[idlen]; false with a reason in err. */
bool net_check_spec(const char *spec, char *id, size_t idlen, char *err, size_t errlen);

/* Sends one frame to the network (any thread; the caller keeps buf). */
void net_send(struct net_backend *nb, const void *frame, size_t len);

/* Connect the device's receive side. NULL disconnects it: when this
 * returns no callback is running or will run. */
void net_set_receiver(struct net_backend *nb, const struct net_receiver *rx);
/* The device has room again (the guest added receive buffers). */
void net_accept_input(struct net_backend *nb);

#endif
