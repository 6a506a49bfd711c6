/*
 * Fault injection (src/fault): rule syntax, the firing counters, and each
 * device hook. virtio-blk is driven through its virtio-mmio transport as a
 * driver would (tests/unit/test_blk_rig.h); the expected statuses are
 * the virtio 1.2 spec's (5.2.6: VIRTIO_BLK_S_OK 0, IOERR 1, UNSUPP 2), the
 * expected counts follow from each rule's after=/every=/count= as README
 * defines them.
 */
#include "test.h"
#include "test_blk_rig.h"

#include <pthread.h>

#include "fault/fault.h"

/* ---- rule syntax ---- */

static bool canon(const char *rule, const char *want)
{
    struct fault_set *set = fault_set_new();
    fault_point_add(set, FAULT_TARGET_DRIVE, "hd0", 47);
    fault_point_add(set, FAULT_TARGET_NETDEV, "n0", 46);
    fault_point_add(set, FAULT_TARGET_UART, "0", 1);
    char err[256], list[512];
    unsigned id = fault_add(set, rule, err, sizeof(err));
    fault_list(set, list, sizeof(list));
    fault_set_free(set);
    char expect[512];
    snprintf(expect, sizeof(expect), "1:%s", want);
    if (id != 1 || strcmp(list, expect)) {
        printf("# %s -> id %u, '%s' (%s)\n", rule, id, list, id ? "" : err);
        return false;
    }
    return true;
}

TEST(fault, rule_canonical_spelling)
{
    ASSERT_TRUE(canon("drive=hd0", "drive=hd0,error=eio"));
    ASSERT_TRUE(canon("op=read,sectors=8-15,drive=hd0,after=2",
                      "drive=hd0,op=read,sectors=8-15,error=eio,after=2"));
    ASSERT_TRUE(canon("drive=hd0,op=write,sectors=5,error=unsupp,every=3,count=2",
                      "drive=hd0,op=write,sectors=5,error=unsupp,every=3,count=2"));
    ASSERT_TRUE(canon("drive=hd0,delay=250", "drive=hd0,delay=250"));
    ASSERT_TRUE(canon("drive=hd0,torn-write=3", "drive=hd0,torn-write=3,then=eio,count=1"));
    ASSERT_TRUE(canon("drive=hd0,torn-write=0,then=poweroff,after=4",
                      "drive=hd0,torn-write=0,then=poweroff,after=4,count=1"));
    ASSERT_TRUE(canon("netdev=n0,dir=rx,drop,every=2", "netdev=n0,dir=rx,drop,every=2"));
    ASSERT_TRUE(canon("netdev=n0,corrupt,percent=10,seed=7", "netdev=n0,corrupt,percent=10,seed=7"));
    ASSERT_TRUE(canon("netdev=n0,delay=5,always", "netdev=n0,delay=5"));
    ASSERT_TRUE(canon("uart=0,overrun,after=3,count=1", "uart=0,overrun,after=3,count=1"));
    ASSERT_TRUE(canon("uart=00,framing", "uart=0,framing"));
    ASSERT_TRUE(canon("drive=hd0,irq=stuck-low", "drive=hd0,irq=stuck-low"));
}

TEST(fault, bad_rules_rejected)
{
    static const char *const bad[] = {
        "", "hd0", "drive=", "drive=hd0,drive=hd0", "drive=hd0,netdev=n0", "op=read",
        "drive=hd0,op=reed", "drive=hd0,sectors=9-3", "drive=hd0,sectors=x",
        "drive=hd0,error=enospc", "drive=hd0,delay=-1", "drive=hd0,delay=9999999",
        "drive=hd0,torn-write=2,error=eio", "drive=hd0,torn-write=2,op=read",
        "drive=hd0,then=poweroff", "drive=hd0,every=0", "drive=hd0,count=0",
        "drive=hd0,every=2,percent=5", "drive=hd0,always,after=1", "drive=hd0,percent=101",
        "drive=hd0,seed=3", "drive=hd0,drop", "drive=hd0,dir=rx", "drive=hd0,bogus=1",
        "drive=hd0,after", "drive=hd0,always=1", "netdev=n0", "netdev=n0,drop,duplicate",
        "netdev=n0,op=read,drop", "uart=0", "uart=x,framing", "uart=0,framing,break",
        "uart=0,error=eio", "device=uart", "device=uart,drop", "drive=hd0,irq=stuck-high",
        "drive=hd0,irq=stuck-low,op=read", "drive=hd 0",
    };
    char err[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        if (fault_rule_check(bad[i], err, sizeof(err)))
            printf("# accepted '%s'\n", bad[i]);
        ASSERT_FALSE(fault_rule_check(bad[i], err, sizeof(err)));
        ASSERT_TRUE(err[0] && !strchr(err, '\n'));
    }
}

TEST(fault, targets_must_exist)
{
    struct fault_set *set = fault_set_new();
    fault_point_add(set, FAULT_TARGET_DRIVE, "hd0", 47);
    char err[256];
    ASSERT_EQ(fault_add(set, "drive=hd1", err, sizeof(err)), 0);
    ASSERT_EQ(fault_add(set, "uart=0,framing", err, sizeof(err)), 0);
    ASSERT_EQ(fault_add(set, "netdev=n0,drop", err, sizeof(err)), 0);
    ASSERT_EQ(fault_add(set, "drive=hd0", err, sizeof(err)), 1);
    ASSERT_EQ(fault_add(set, "drive=hd0,op=read", err, sizeof(err)), 2);
    ASSERT_TRUE(fault_remove(set, 1));
    ASSERT_FALSE(fault_remove(set, 1));
    /* Ids are never reused. */
    ASSERT_EQ(fault_add(set, "drive=hd0", err, sizeof(err)), 3);
    char list[256];
    fault_list(set, list, sizeof(list));
    ASSERT_EQ(strcmp(list, "2:drive=hd0,op=read,error=eio 3:drive=hd0,error=eio"), 0);
    fault_set_free(set);
}

/* ---- virtio-blk through the transport ---- */

/* A legacy disk (drive "hd0") with its fault point, started by the driver. */
struct rig {
    struct blk_rig b;
    struct fault_set *set;
};

static bool rig_up(struct rig *r)
{
    r->set = fault_set_new();
    if (!blk_rig_up(&r->b, true, false, NULL))
        return false;
    virtio_blk_set_fault(r->b.blk, fault_point_add(r->set, FAULT_TARGET_DRIVE, "hd0", 47));
    return drv_init(&r->b.d, 0, 16) & S_DRIVER_OK;
}

static void rig_down(struct rig *r)
{
    blk_rig_down(&r->b);
    fault_set_free(r->set);
}

static unsigned rule(struct rig *r, const char *text)
{
    char err[256];
    unsigned id = fault_add(r->set, text, err, sizeof(err));
    if (!id)
        printf("# %s: %s\n", text, err);
    return id;
}

/* One request of `nsec` sectors (data in or out), waited for: the status.
 * The interrupt is acknowledged, as a driver would. */
static int req(struct rig *r, uint32_t type, uint64_t sector, uint32_t nsec)
{
    int status = blk_do(&r->b.d, type, sector, DATA_PA, nsec * 512, type == T_IN, NULL);
    drv_wr(&r->b.d, R_ISR_ACK, 1);
    return status;
}

TEST(fault, blk_read_error_after_n)
{
    struct rig r;
    ASSERT_TRUE(rig_up(&r));
    unsigned id = rule(&r, "drive=hd0,op=read,sectors=8-15,after=2");
    ASSERT_EQ(id, 1);
    /* Requests not touching 8-15, and writes, neither fail nor count. */
    ASSERT_EQ(req(&r, T_IN, 0, 8), S_OK);
    ASSERT_EQ(req(&r, T_IN, 16, 4), S_OK);
    ASSERT_EQ(req(&r, T_OUT, 8, 1), S_OK);
    ASSERT_EQ(req(&r, T_FLUSH, 0, 0), S_OK);
    /* The first two matching reads succeed, every later one fails. */
    ASSERT_EQ(req(&r, T_IN, 8, 1), S_OK);
    ASSERT_EQ(req(&r, T_IN, 15, 1), S_OK);
    memset(drv_ptr(&r.b.d, DATA_PA), 0x5a, 4096);
    ASSERT_EQ(req(&r, T_IN, 4, 8), S_IOERR);   /* 4-11 touches the range */
    /* A failed read leaves the buffer alone. */
    ASSERT_EQ(((uint8_t *)drv_ptr(&r.b.d, DATA_PA))[0], 0x5a);
    ASSERT_EQ(req(&r, T_IN, 12, 8), S_IOERR);
    ASSERT_EQ(req(&r, T_IN, 0, 8), S_OK);
    uint64_t seen, fired;
    ASSERT_TRUE(fault_stat(r.set, id, &seen, &fired));
    ASSERT_EQ(seen, 4);
    ASSERT_EQ(fired, 2);
    /* Removing the rule restores normal reads, data included. */
    ASSERT_TRUE(fault_remove(r.set, id));
    ASSERT_EQ(req(&r, T_IN, 8, 2), S_OK);
    /* (sector 8 was overwritten above; sector 9 is the image's) */
    ASSERT_EQ(((uint8_t *)drv_ptr(&r.b.d, DATA_PA))[512 + 5], blk_pattern(9 * 512 + 5));
    rig_down(&r);
}

TEST(fault, blk_every_nth_and_count)
{
    struct rig r;
    ASSERT_TRUE(rig_up(&r));
    ASSERT_EQ(rule(&r, "drive=hd0,op=write,every=3"), 1);
    static const int want[] = {S_OK, S_OK, S_IOERR, S_OK, S_OK, S_IOERR, S_OK};
    for (unsigned i = 0; i < 7; i++)
        ASSERT_EQ(req(&r, T_OUT, 100 + i, 1), want[i]);
    ASSERT_EQ(req(&r, T_IN, 100, 1), S_OK);   /* reads do not count */
    ASSERT_TRUE(fault_remove(r.set, 1));
    /* after=1,count=2 with unsupp: requests 2 and 3 only. */
    ASSERT_EQ(rule(&r, "drive=hd0,error=unsupp,after=1,count=2"), 2);
    static const int want2[] = {S_OK, S_UNSUPP, S_UNSUPP, S_OK, S_OK};
    for (unsigned i = 0; i < 5; i++)
        ASSERT_EQ(req(&r, T_IN, i, 1), want2[i]);
    /* Flushes are requests too (op=flush; op=any by default). */
    ASSERT_TRUE(fault_remove(r.set, 2));
    ASSERT_EQ(rule(&r, "drive=hd0,op=flush"), 3);
    ASSERT_EQ(req(&r, T_FLUSH, 0, 0), S_IOERR);
    ASSERT_EQ(req(&r, T_IN, 0, 1), S_OK);
    rig_down(&r);
}

TEST(fault, blk_failed_write_leaves_disk)
{
    struct rig r;
    ASSERT_TRUE(rig_up(&r));
    ASSERT_EQ(rule(&r, "drive=hd0,op=write,sectors=40-47"), 1);
    memset(drv_ptr(&r.b.d, DATA_PA), 0xa5, 4096);
    ASSERT_EQ(req(&r, T_OUT, 40, 8), S_IOERR);
    uint8_t b[4096];
    ASSERT_EQ(pread(r.b.fd, b, sizeof(b), 40 * 512), (ssize_t)sizeof(b));
    for (unsigned i = 0; i < sizeof(b); i++)
        ASSERT_EQ(b[i], blk_pattern(40 * 512 + i));
    rig_down(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(fault, blk_delay)
{
    struct rig r;
    ASSERT_TRUE(rig_up(&r));
    ASSERT_EQ(rule(&r, "drive=hd0,op=read,sectors=0-7,delay=200"), 1);
    double t0 = now_s();
    ASSERT_EQ(req(&r, T_IN, 0, 1), S_OK);
    double slow = now_s() - t0;
    ASSERT_TRUE(slow >= 0.2);
    /* A read elsewhere is not delayed (no timing asserted: the host may be
     * busy; the rule's counters say it did not match). */
    ASSERT_EQ(req(&r, T_IN, 8, 1), S_OK);
    uint64_t seen, fired;
    ASSERT_TRUE(fault_stat(r.set, 1, &seen, &fired));
    ASSERT_EQ(seen, 1);
    ASSERT_EQ(fired, 1);
    /* The delayed read still returns the data. */
    ASSERT_EQ(req(&r, T_IN, 0, 1), S_OK);
    ASSERT_EQ(((uint8_t *)drv_ptr(&r.b.d, DATA_PA))[3], blk_pattern(3));
    /* delay and error together: a slow failure. */
    ASSERT_EQ(rule(&r, "drive=hd0,op=read,sectors=9,delay=100,error=eio"), 2);
    t0 = now_s();
    ASSERT_EQ(req(&r, T_IN, 9, 1), S_IOERR);
    ASSERT_TRUE(now_s() - t0 >= 0.1);
    rig_down(&r);
}

TEST(fault, blk_torn_write)
{
    struct rig r;
    ASSERT_TRUE(rig_up(&r));
    /* The second write of more than 3 sectors touching 64-79 is torn. */
    ASSERT_EQ(rule(&r, "drive=hd0,sectors=64-79,torn-write=3,after=1"), 1);
    uint8_t *data = drv_ptr(&r.b.d, DATA_PA);
    memset(data, 0x11, 8 * 512);
    ASSERT_EQ(req(&r, T_OUT, 64, 2), S_OK);   /* too short to tear: not counted */
    ASSERT_EQ(req(&r, T_OUT, 64, 8), S_OK);   /* first match: after=1 lets it through */
    memset(data, 0x22, 8 * 512);
    ASSERT_EQ(req(&r, T_OUT, 70, 8), S_IOERR);
    /* 70-72 hold the new data, 73-77 what was there before. */
    uint8_t b[8 * 512];
    ASSERT_EQ(pread(r.b.fd, b, sizeof(b), 70 * 512), (ssize_t)sizeof(b));
    for (unsigned i = 0; i < 3 * 512; i++)
        ASSERT_EQ(b[i], 0x22);
    /* (64-71 were 0x11 before, so 73-77 still hold the image's pattern.) */
    for (unsigned i = 3 * 512; i < 8 * 512; i++)
        ASSERT_EQ(b[i], blk_pattern(70 * 512 + i));
    /* count=1 by default: the next write goes through whole. */
    ASSERT_EQ(req(&r, T_OUT, 70, 8), S_OK);
    ASSERT_EQ(pread(r.b.fd, b, sizeof(b), 70 * 512), (ssize_t)sizeof(b));
    for (unsigned i = 0; i < sizeof(b); i++)
        ASSERT_EQ(b[i], 0x22);
    rig_down(&r);
}

/* ---- UART decisions ---- */

TEST(fault, uart_counters)
{
    struct fault_set *set = fault_set_new();
    struct fault_point *p = fault_point_add(set, FAULT_TARGET_UART, "0", 1);
    char err[256];
    ASSERT_EQ(fault_uart_rx(p), FAULT_UART_NONE);
    ASSERT_EQ(fault_add(set, "uart=0,framing,every=3", err, sizeof(err)), 1);
    ASSERT_EQ(fault_add(set, "uart=0,overrun,after=4,count=1", err, sizeof(err)), 2);
    static const enum fault_uart_error want[] = {
        FAULT_UART_NONE, FAULT_UART_NONE, FAULT_UART_FRAMING, FAULT_UART_NONE,
        FAULT_UART_OVERRUN, FAULT_UART_FRAMING, FAULT_UART_NONE, FAULT_UART_NONE,
        FAULT_UART_FRAMING,
    };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ASSERT_EQ(fault_uart_rx(p), want[i]);
    ASSERT_EQ(fault_uart_rx(NULL), FAULT_UART_NONE);
    fault_set_free(set);
}

/* ---- net decisions ---- */

TEST(fault, net_actions)
{
    struct fault_set *set = fault_set_new();
    struct fault_point *p = fault_point_add(set, FAULT_TARGET_NETDEV, "n0", 46);
    char err[256];
    uint8_t frame[64] = {0};
    uint64_t delay;
    ASSERT_EQ(fault_net_packet(p, true, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_FALSE(fault_point_active(p));
    ASSERT_EQ(fault_add(set, "netdev=n0,dir=rx,drop,every=2", err, sizeof(err)), 1);
    ASSERT_TRUE(fault_point_active(p));
    /* tx frames do not count for an rx rule. */
    ASSERT_EQ(fault_net_packet(p, true, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_EQ(fault_net_packet(p, false, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_EQ(fault_net_packet(p, false, frame, sizeof(frame), &delay), FAULT_NET_DROP);
    ASSERT_EQ(fault_net_packet(p, false, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_TRUE(fault_remove(set, 1));
    ASSERT_EQ(fault_add(set, "netdev=n0,dir=tx,duplicate,count=1", err, sizeof(err)), 2);
    ASSERT_EQ(fault_net_packet(p, true, frame, sizeof(frame), &delay), FAULT_NET_DUPLICATE);
    ASSERT_EQ(fault_net_packet(p, true, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_EQ(fault_add(set, "netdev=n0,delay=30,after=1", err, sizeof(err)), 3);
    ASSERT_EQ(fault_net_packet(p, false, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_EQ(delay, 0);
    ASSERT_EQ(fault_net_packet(p, false, frame, sizeof(frame), &delay), FAULT_NET_PASS);
    ASSERT_EQ(delay, 30000000);
    fault_set_free(set);
}

/* Bits set in a frame after `n` corrupt rounds with seed `seed`. */
static unsigned corrupt_bits(uint64_t seed, unsigned n, uint8_t *frame, size_t len)
{
    struct fault_set *set = fault_set_new();
    struct fault_point *p = fault_point_add(set, FAULT_TARGET_NETDEV, "n0", -1);
    char rule[64], err[256];
    snprintf(rule, sizeof(rule), "netdev=n0,corrupt,seed=%llu", (unsigned long long)seed);
    fault_add(set, rule, err, sizeof(err));
    memset(frame, 0, len);
    uint64_t delay;
    unsigned flips = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t before[128];
        memcpy(before, frame, len);
        fault_net_packet(p, false, frame, len, &delay);
        unsigned diff = 0;
        for (size_t k = 0; k < len; k++)
            diff += (unsigned)__builtin_popcount(before[k] ^ frame[k]);
        flips += diff == 1;
    }
    fault_set_free(set);
    return flips;
}

TEST(fault, net_corrupt_one_bit_seeded)
{
    uint8_t a[128], b[128], c[128];
    /* Each round flips exactly one bit; the same seed flips the same bits. */
    ASSERT_EQ(corrupt_bits(7, 5, a, sizeof(a)), 5);
    ASSERT_EQ(corrupt_bits(7, 5, b, sizeof(b)), 5);
    ASSERT_EQ(memcmp(a, b, sizeof(a)), 0);
    corrupt_bits(8, 5, c, sizeof(c));
    ASSERT_TRUE(memcmp(a, c, sizeof(a)) != 0);
}

/* ---- interrupts ---- */

struct sink {
    int level;
    unsigned raises;
};

static void sink_set(void *opaque, unsigned n, int level)
{
    struct sink *s = opaque;
    if (level && !s->level)
        s->raises++;
    s->level = level;
}

TEST(fault, irq_stuck_low)
{
    struct fault_set *set = fault_set_new();
    struct sink s = {0};
    struct irq_line line = fault_irq_line(set, "uart", 0x09000000, (struct irq_line){sink_set, &s, 1});
    char err[256];
    irq_set(&line, 1);
    ASSERT_EQ(s.level, 1);
    /* A plain rule silences an assertion in progress at once. */
    ASSERT_EQ(fault_add(set, "device=uart,irq=stuck-low", err, sizeof(err)), 1);
    ASSERT_EQ(s.level, 0);
    irq_set(&line, 1);
    irq_set(&line, 0);
    irq_set(&line, 1);
    ASSERT_EQ(s.level, 0);
    ASSERT_EQ(s.raises, 1);
    /* Removed: the line follows the device again, at once. */
    ASSERT_TRUE(fault_remove(set, 1));
    ASSERT_EQ(s.level, 1);
    ASSERT_EQ(s.raises, 2);
    irq_set(&line, 0);
    /* after=1: one more interrupt, then silence; by name@base too. */
    ASSERT_EQ(fault_add(set, "device=uart@0x9000000,irq=stuck-low,after=1", err, sizeof(err)), 2);
    irq_set(&line, 1);
    ASSERT_EQ(s.level, 1);
    irq_set(&line, 0);
    irq_set(&line, 1);
    ASSERT_EQ(s.level, 0);
    irq_set(&line, 1);   /* a repeat of the same level stays held */
    ASSERT_EQ(s.level, 0);
    ASSERT_EQ(s.raises, 3);
    uint64_t seen, fired;
    ASSERT_TRUE(fault_stat(set, 2, &seen, &fired));
    ASSERT_EQ(seen, 2);
    ASSERT_EQ(fired, 1);
    ASSERT_TRUE(fault_remove(set, 2));
    ASSERT_EQ(s.level, 1);
    fault_set_free(set);
}

/* ---- threads ---- */

static void *hammer(void *opaque)
{
    for (int i = 0; i < 20000; i++)
        fault_uart_rx(opaque);
    return NULL;
}

TEST(fault, counters_exact_across_threads)
{
    struct fault_set *set = fault_set_new();
    struct fault_point *p = fault_point_add(set, FAULT_TARGET_UART, "0", 1);
    char err[256];
    ASSERT_EQ(fault_add(set, "uart=0,parity,every=4", err, sizeof(err)), 1);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, hammer, p);
    /* Rules come and go while the hooks run. */
    for (int i = 0; i < 200; i++) {
        unsigned id = fault_add(set, "uart=0,break,every=2", err, sizeof(err));
        fault_remove(set, id);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    uint64_t seen, fired;
    ASSERT_TRUE(fault_stat(set, 1, &seen, &fired));
    ASSERT_EQ(seen, 80000);
    ASSERT_EQ(fired, 20000);
    fault_set_free(set);
}
