/* The PL031 RTC on a manual virtual clock, so time moves only when the test
 * says. Expected values: ARM DDI 0224 (PL031 TRM) and QEMU 7.2 answering the
 * same register accesses over qtest (`-M virt -S -qtest stdio`): ID bytes
 * 0x31 0x10 0x14 0x00 0x0d 0xf0 0x05 0xb1, RTCCR reads 1, a byte read at
 * 0xfe1 gives PeriphID0, writing RTCLR then an equal RTCMR raises the
 * interrupt at once, RTCICR clears it. */
#include "test.h"

#include <stdlib.h>

#include "dev/pl031.h"
#include "machine/vclock.h"

#define NS 1000000000ull

static int level;
static void probe_set(void *sink, unsigned n, int l)
{
    level = l;
}

static struct vclock *clock_;
static struct pl031 *rtc_;

static void make(void)
{
    clock_ = vclock_new(true);
    level = 0;
    rtc_ = pl031_create(clock_, (struct irq_line){.set = probe_set});
    pl031_ops.reset(rtc_);
}

static void done(void)
{
    pl031_destroy(rtc_);
    vclock_free(clock_);
}

static uint64_t rd(uint64_t off)
{
    return pl031_ops.read(rtc_, off, 4);
}

static void wr(uint64_t off, uint64_t v)
{
    pl031_ops.write(rtc_, off, 4, v);
}

TEST(pl031, id_and_control)
{
    make();
    static const uint8_t id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++)
        ASSERT_EQ(rd(0xfe0 + 4 * i), id[i]);
    ASSERT_EQ(pl031_ops.read(rtc_, 0xfe1, 1), 0x31);
    ASSERT_EQ(rd(0x0c), 1);   /* RTCCR */
    wr(0x0c, 0);
    ASSERT_EQ(rd(0x0c), 1);
    ASSERT_EQ(rd(0x20), 0);   /* nothing there */
    done();
}

TEST(pl031, counts_host_seconds)
{
    make();
    uint64_t t0 = rd(0x00);
    int64_t host = vclock_epoch_ns(clock_) / (int64_t)NS;
    ASSERT_EQ(t0, (uint32_t)host);
    vclock_set(clock_, 5 * NS);
    ASSERT_EQ(rd(0x00), t0 + 5);
    done();
}

TEST(pl031, load_sets_count)
{
    make();
    wr(0x08, 0x1000);
    ASSERT_EQ(rd(0x00), 0x1000);
    ASSERT_EQ(rd(0x08), 0x1000);
    vclock_set(clock_, 3 * NS);
    ASSERT_EQ(rd(0x00), 0x1003);
    done();
}

TEST(pl031, match_now_and_clear)
{
    make();
    wr(0x08, 0x1000);
    wr(0x04, 0x1000);
    ASSERT_EQ(rd(0x04), 0x1000);
    ASSERT_EQ(rd(0x14), 1);   /* RIS */
    ASSERT_EQ(rd(0x18), 0);   /* MIS: masked */
    ASSERT_EQ(level, 0);
    wr(0x10, 0xff);
    ASSERT_EQ(rd(0x10), 1);   /* IMSC keeps bit 0 only */
    ASSERT_EQ(rd(0x18), 1);
    ASSERT_EQ(level, 1);
    wr(0x1c, 1);
    ASSERT_EQ(rd(0x14), 0);
    ASSERT_EQ(level, 0);
    done();
}

TEST(pl031, alarm_fires_when_count_reaches_match)
{
    make();
    wr(0x10, 1);
    wr(0x08, 0x2000);
    wr(0x04, 0x2003);
    ASSERT_EQ(rd(0x14), 0);
    uint64_t deadline;
    ASSERT_EQ(vclock_next_deadline(clock_, &deadline), true);
    vclock_set(clock_, deadline - 1);
    ASSERT_EQ(rd(0x14), 0);
    ASSERT_EQ(rd(0x00), 0x2002);
    vclock_set(clock_, deadline);
    ASSERT_EQ(rd(0x00), 0x2003);
    ASSERT_EQ(rd(0x14), 1);
    ASSERT_EQ(level, 1);
    done();
}


