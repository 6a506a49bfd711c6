/*
 * Fault injection: rules that make a named device misbehave on purpose and
 * deterministically, so a driver's error paths can be tested. Rules come
 * from the command line (-fault RULE) or from a qtest client (fault_add /
 * fault_remove / fault_list / fault_stat); README.md, "Fault injection",
 * is the user's reference for the rule syntax.
 *
 * The pieces:
 *  - a fault_set per machine holds the rules, their counters and the named
 *    fault points; one mutex guards all of it, so devices may ask from any
 *    thread (the virtio-blk worker, the chardev input thread, a vCPU) while
 *    qtest adds and removes rules from its own;
 *  - the board registers a fault_point for every device instance a rule can
 *    name (a drive id, a netdev id, UART 0, a board device) and hands it to
 *    the device model, which asks at each event (a request, a packet, a
 *    received byte) what to do;
 *  - interrupt faults need no help from the device: the board routes each
 *    device's interrupt output through fault_irq_line().
 *
 * Every decision comes from counters of matching events (after=N, every=N,
 * count=N) or from a generator seeded by the rule (percent=P,seed=S), never
 * from the host: the same guest doing the same thing sees the same faults.
 *
 * Lock order: a device's own lock, then the fault set's, then the interrupt
 * sink behind a wrapped line. Nothing here calls into a device.
 */
#ifndef ARMVIRT_FAULT_H
#define ARMVIRT_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/dev.h"

struct fault_set;
struct fault_point;

/* What a rule's first key names. */
enum fault_target {
    FAULT_TARGET_DRIVE,    /* drive=ID: a virtio-blk disk (-drive id=ID) */
    FAULT_TARGET_NETDEV,   /* netdev=ID: a virtio-net device (-netdev ...,id=ID) */
    FAULT_TARGET_UART,     /* uart=N: PL011 number N (only 0 exists) */
    FAULT_TARGET_DEVICE,   /* device=NAME: a board device, by its map row name */
};

struct fault_set *fault_set_new(void);
/* Free after every device that holds one of its points is gone. */
void fault_set_free(struct fault_set *set);

/* ---- board side ---- */

/* A device instance rules can name. `spi` is its interrupt (-1: none), so
 * that `irq=stuck-low` can name it too. Registering the same kind and name
 * again returns the same point. NULL only when out of memory or set is
 * NULL; device hooks accept a NULL point (no faults). */
struct fault_point *fault_point_add(struct fault_set *set, enum fault_target kind,
                                    const char *name, int spi);

/* Whether any rule names this point now: lets a hook skip work (such as
 * copying a frame) when there is nothing to inject. Any thread, no lock. */
bool fault_point_active(struct fault_point *p);

/* Sleeps ns nanoseconds of host time (a delay= rule), signals or not. */
void fault_sleep_ns(uint64_t ns);

/* Wraps a device's interrupt output `line` (line.n is its SPI) so that
 * irq=stuck-low rules on that SPI can silence it; also registers a
 * FAULT_TARGET_DEVICE point named `name` (and "name@0xBASE", which tells
 * apart rows sharing a name, such as the 32 virtio-mmio transports).
 * Returns `line` unchanged when set is NULL or out of memory. */
struct irq_line fault_irq_line(struct fault_set *set, const char *name, uint64_t base,
                               struct irq_line line);

/* ---- rules ---- */

/* Parses `rule` and adds it. Returns its id (1, 2, ... in order of
 * addition, never reused) or 0 with a one-line reason in err (bad syntax,
 * or a target the board never registered). */
unsigned fault_add(struct fault_set *set, const char *rule, char *err, size_t errlen);
/* Syntax check alone, for the command line before the machine exists. */
bool fault_rule_check(const char *rule, char *err, size_t errlen);
/* Removes rule `id`; an interrupt it was holding low goes back to the
 * device's level at once. False if there is no such rule. */
bool fault_remove(struct fault_set *set, unsigned id);
/* "ID:RULE ID:RULE ..." (canonical spelling, no spaces; empty if none). */
void fault_list(struct fault_set *set, char *buf, size_t len);
/* Matching events seen and faults injected by rule id; false if none. */
bool fault_stat(struct fault_set *set, unsigned id, uint64_t *seen, uint64_t *fired);

/* ---- virtio-blk (src/dev/virtio_blk.c) ---- */

enum fault_blk_op {
    FAULT_BLK_READ,    /* VIRTIO_BLK_T_IN */
    FAULT_BLK_WRITE,   /* VIRTIO_BLK_T_OUT */
    FAULT_BLK_ZERO,    /* WRITE_ZEROES, DISCARD: op=write matches these too,
                        * torn-write does not */
    FAULT_BLK_FLUSH,
};

enum fault_blk_error { FAULT_BLK_OK, FAULT_BLK_EIO, FAULT_BLK_UNSUPP };

struct fault_blk {
    uint64_t delay_ns;            /* wait this long (host time) before serving */
    enum fault_blk_error error;   /* answer this instead of serving */
    /* Torn write: only the first torn_sectors sectors reach the disk; then
     * the request fails (IOERR) or, with power_off, armvirt exits at once
     * after making those sectors durable, and the request never completes. */
    bool torn, power_off;
    uint64_t torn_sectors;
    unsigned rule;                /* the rule that set error or torn */
};

/* One request of `nsec` sectors at `sector` (nsec 0 for a flush), asked
 * after the device checked the range against the capacity. Fills *out and
 * returns true if any rule fired. */
bool fault_blk_request(struct fault_point *p, enum fault_blk_op op, uint64_t sector,
                       uint64_t nsec, struct fault_blk *out);
/* The power-loss end of a torn write: one line on stderr, exit status 0,
 * nothing else runs (the caller has flushed the image). */
_Noreturn void fault_power_loss(struct fault_point *p, const struct fault_blk *f,
                                uint64_t sector, uint64_t nsec);

/* ---- PL011 (src/dev/pl011.c) ---- */

enum fault_uart_error {
    FAULT_UART_NONE,
    FAULT_UART_FRAMING,   /* the byte arrives with UARTDR.FE */
    FAULT_UART_PARITY,    /* ... with UARTDR.PE */
    FAULT_UART_BREAK,     /* a break arrives in its place (UARTDR.BE, data 0) */
    FAULT_UART_OVERRUN,   /* the byte is lost as if the FIFO were full */
};

/* One byte arriving from the line. */
enum fault_uart_error fault_uart_rx(struct fault_point *p);

/* ---- virtio-net (hook for src/dev/virtio_net.c) ----
 *
 * Call once per Ethernet frame (the frame only, without the virtio-net
 * header), tx = true for a frame the guest sent (before it goes to the
 * backend), false for one the backend delivers (before it goes into the
 * guest's receive queue). `frame` must be the device's own copy: a corrupt
 * rule flips one bit of it in place. The result:
 *   FAULT_NET_DROP       do not deliver it (a tx frame still completes
 *                        to the guest as sent: the wire lost it);
 *   FAULT_NET_PASS       deliver it once,
 *   FAULT_NET_DUPLICATE  deliver it twice,
 * in both cases after *delay_ns nanoseconds of host time (0: now). How
 * the device waits is its own affair: sleeping on the thread that carries
 * the frame (holding up those behind it, like a slow link) is fine.
 * Point NULL: always PASS with no delay. It takes the fault set's lock,
 * so it may be called with the device's own lock held, never the reverse.
 *
 * virtio_net.c calls it in net_receive (rx) and net_tx_frame (tx). */
enum fault_net_action { FAULT_NET_PASS, FAULT_NET_DROP, FAULT_NET_DUPLICATE };
enum fault_net_action fault_net_packet(struct fault_point *p, bool tx, uint8_t *frame,
                                       size_t len, uint64_t *delay_ns);

#endif
