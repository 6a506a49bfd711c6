/* The PL061 GPIO. Expected values: ARM DDI 0190 (PL061 TRM) for interrupt
 * detection, and QEMU 7.2 answering the same accesses over qtest
 * (`-M virt -S -qtest stdio`, GPIO at 0x09030000): all registers 0 after
 * reset; ID bytes 0x61 0x10 0x04 0x00 0x0d 0xf0 0x05 0xb1; with GPIODIR =
 * 0xff, writing 0xa5 through mask 0xff reads back 0xa5, through mask 0x01
 * (offset 0x004) reads 0x01, mask 0x03 (0x00c) reads 0x01; writing 0xff at
 * 0x020 (mask 0x08) makes 0xad; GPIODIR written 0x1ff reads 0xff; 0x500
 * reads 0. */
#include "test.h"

#include "dev/pl061.h"

static int level;
static void probe_set(void *sink, unsigned n, int l)
{
    level = l;
}

static struct pl061 *g;

static uint64_t rd(uint64_t off)
{
    return pl061_ops.read(g, off, 4);
}

static void wr(uint64_t off, uint64_t v)
{
    pl061_ops.write(g, off, 4, v);
}

static void make(void)
{
    level = 0;
    g = pl061_create((struct irq_line){.set = probe_set});
    pl061_ops.reset(g);
}

TEST(pl061, reset_and_id)
{
    make();
    for (uint64_t off = 0x400; off <= 0x420; off += 4)
        ASSERT_EQ(rd(off), 0);
    ASSERT_EQ(rd(0x3fc), 0);
    static const uint8_t id[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++)
        ASSERT_EQ(rd(0xfe0 + 4 * i), id[i]);
    ASSERT_EQ(pl061_ops.read(g, 0xfe1, 1), 0x61);
    ASSERT_EQ(rd(0x500), 0);
    pl061_destroy(g);
}

TEST(pl061, data_masked_by_address)
{
    make();
    wr(0x400, 0xff);
    wr(0x3fc, 0xa5);
    ASSERT_EQ(rd(0x3fc), 0xa5);
    ASSERT_EQ(rd(0x004), 0x01);
    ASSERT_EQ(rd(0x00c), 0x01);
    wr(0x020, 0xff);
    ASSERT_EQ(rd(0x3fc), 0xad);
    wr(0x400, 0x1ff);
    ASSERT_EQ(rd(0x400), 0xff);
    pl061_destroy(g);
}

TEST(pl061, writes_touch_outputs_only)
{
    make();
    wr(0x400, 0x0f);          /* lines 0-3 out, 4-7 in */
    wr(0x3fc, 0xff);
    ASSERT_EQ(rd(0x3fc), 0x0f);
    pl061_set_input(g, 5, 1);
    ASSERT_EQ(rd(0x3fc), 0x2f);
    pl061_set_input(g, 1, 0);   /* an output: the driver wins */
    ASSERT_EQ(rd(0x3fc), 0x2f);
    pl061_destroy(g);
}

TEST(pl061, edge_interrupts)
{
    make();
    wr(0x40c, 0x08);          /* line 3: rising edge */
    wr(0x410, 0x08);
    pl061_set_input(g, 3, 1);
    ASSERT_EQ(rd(0x414), 0x08);
    ASSERT_EQ(rd(0x418), 0x08);
    ASSERT_EQ(level, 1);
    pl061_set_input(g, 3, 0);  /* falling: not counted, stays latched */
    ASSERT_EQ(rd(0x414), 0x08);
    wr(0x41c, 0x08);
    ASSERT_EQ(rd(0x414), 0);
    ASSERT_EQ(level, 0);
    wr(0x408, 0x08);          /* both edges */
    pl061_set_input(g, 3, 1);
    wr(0x41c, 0x08);
    pl061_set_input(g, 3, 0);
    ASSERT_EQ(rd(0x414), 0x08);
    pl061_destroy(g);
}

TEST(pl061, level_interrupts)
{
    make();
    wr(0x404, 0x04);          /* line 2: level, high (IEV set) */
    wr(0x40c, 0x04);
    wr(0x410, 0x04);
    ASSERT_EQ(level, 0);
    pl061_set_input(g, 2, 1);
    ASSERT_EQ(level, 1);
    wr(0x41c, 0x04);          /* clearing does not stick while high */
    ASSERT_EQ(rd(0x414), 0x04);
    pl061_set_input(g, 2, 0);
    ASSERT_EQ(rd(0x414), 0);
    ASSERT_EQ(level, 0);
    pl061_destroy(g);
}
