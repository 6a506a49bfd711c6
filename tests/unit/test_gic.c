/*
 * GICv2 acknowledge and priority logic, driven through gic_dist_ops and
 * gic_cpu_ops as the memory layer would, with the outputs captured.
 * Expected values follow the GIC architecture (Arm IHI 0048B): 3.2
 * "General handling of interrupts" (level inputs stay pending while
 * asserted, edge inputs latch), 3.3 (priority, preemption, binary point),
 * 4.4.4 GICC_IAR (1023 when nothing can be acknowledged), 4.4.5 GICC_EOIR.
 */
#include "dev/gic.h"
#include "test.h"
#include "../lib/gicv2_regs.h"

static int out_irq, out_fiq;

static void capture(void *sink, unsigned n, int level)
{
    *(n ? &out_fiq : &out_irq) = level;
}

static struct gic *gic_new(void)
{
    const struct irq_line irq = {capture, NULL, 0}, fiq = {capture, NULL, 1};
    out_irq = out_fiq = 0;
    struct gic *g = gic_create(1, &irq, &fiq);
    gic_dist_ops.write(g, GICD_CTLR, 4, 3);
    gic_cpu_ops.write(g, GICC_CTLR, 4, 3);
    gic_cpu_ops.write(g, GICC_PMR, 4, 0xff);
    return g;
}

static uint64_t dist(struct gic *g, uint64_t off)
{
    return gic_dist_ops.read(g, off, 4);
}
static void dist_w(struct gic *g, uint64_t off, uint32_t v)
{
    gic_dist_ops.write(g, off, 4, v);
}
static void prio(struct gic *g, unsigned id, uint8_t p)
{
    gic_dist_ops.write(g, GICD_IPRIORITYR + id, 1, p);
}
static uint64_t cpu(struct gic *g, uint64_t off)
{
    return gic_cpu_ops.read(g, off, 4);
}
static void cpu_w(struct gic *g, uint64_t off, uint32_t v)
{
    gic_cpu_ops.write(g, off, 4, v);
}

TEST(gic, level_input_stays_pending_while_high)
{
    struct gic *g = gic_new();
    struct irq_line spi5 = gic_spi_line(g, 5);   /* ID 37 */
    irq_set(&spi5, 1);
    ASSERT_EQ(dist(g, GICD_ISPENDR + 4), 1u << 5);
    ASSERT_EQ(out_irq, 0);                       /* not enabled */
    dist_w(g, GICD_ISENABLER + 4, 1u << 5);
    ASSERT_EQ(out_irq, 1);
    ASSERT_EQ(cpu(g, GICC_IAR), 37);
    ASSERT_EQ(out_irq, 0);                       /* active: not signalled again */
    ASSERT_EQ(dist(g, GICD_ISPENDR + 4), 1u << 5);   /* active and pending */
    ASSERT_EQ(dist(g, GICD_ISACTIVER + 4), 1u << 5);
    cpu_w(g, GICC_EOIR, 37);
    ASSERT_EQ(out_irq, 1);                       /* line still high */
    irq_set(&spi5, 0);
    ASSERT_EQ(out_irq, 0);
    ASSERT_EQ(dist(g, GICD_ISPENDR + 4), 0);
    gic_destroy(g);
}

TEST(gic, edge_input_latches)
{
    struct gic *g = gic_new();
    struct irq_line spi5 = gic_spi_line(g, 5);
    dist_w(g, GICD_ICFGR + 8, 2u << 10);         /* ID 37 edge */
    dist_w(g, GICD_ISENABLER + 4, 1u << 5);
    irq_set(&spi5, 1);
    irq_set(&spi5, 0);
    ASSERT_EQ(out_irq, 1);
    ASSERT_EQ(cpu(g, GICC_IAR), 37);
    ASSERT_EQ(dist(g, GICD_ISPENDR + 4), 0);
    irq_set(&spi5, 1);                           /* a second edge while active */
    ASSERT_EQ(dist(g, GICD_ISPENDR + 4), 1u << 5);
    ASSERT_EQ(out_irq, 0);
    cpu_w(g, GICC_EOIR, 37);
    ASSERT_EQ(out_irq, 1);
    irq_set(&spi5, 1);                           /* no edge: no new latch */
    ASSERT_EQ(cpu(g, GICC_IAR), 37);
    cpu_w(g, GICC_EOIR, 37);
    ASSERT_EQ(out_irq, 0);
    gic_destroy(g);
}

TEST(gic, highest_priority_then_lowest_id)
{
    struct gic *g = gic_new();
    dist_w(g, GICD_ISENABLER + 4, 0x7);
    prio(g, 32, 0x80);
    prio(g, 33, 0x40);
    prio(g, 34, 0x40);
    dist_w(g, GICD_ISPENDR + 4, 0x7);
    ASSERT_EQ(cpu(g, GICC_IAR), 33);
    ASSERT_EQ(cpu(g, GICC_IAR), 1023);           /* 34 cannot preempt 0x40 */
    cpu_w(g, GICC_EOIR, 33);
    ASSERT_EQ(cpu(g, GICC_IAR), 34);
    cpu_w(g, GICC_EOIR, 34);
    ASSERT_EQ(cpu(g, GICC_IAR), 32);
    cpu_w(g, GICC_EOIR, 32);
    ASSERT_EQ(cpu(g, GICC_RPR), 0xff);
    ASSERT_EQ(cpu(g, GICC_IAR), 1023);
    gic_destroy(g);
}

TEST(gic, priority_mask_is_strict)
{
    struct gic *g = gic_new();
    struct irq_line ppi11 = gic_ppi_line(g, 0, 11);  /* ID 27 */
    dist_w(g, GICD_ISENABLER, 1u << 27);
    prio(g, 27, 0x80);
    cpu_w(g, GICC_PMR, 0x80);
    irq_set(&ppi11, 1);
    ASSERT_EQ(out_irq, 0);                       /* priority must be < PMR */
    cpu_w(g, GICC_PMR, 0x81);
    ASSERT_EQ(out_irq, 1);
    ASSERT_EQ(cpu(g, GICC_IAR), 27);
    gic_destroy(g);
}

TEST(gic, group1_uses_abpr_and_group0_fiq)
{
    struct gic *g = gic_new();
    dist_w(g, GICD_IGROUPR + 4, 1u << 0);        /* ID 32 group 1 */
    dist_w(g, GICD_ISENABLER + 4, 0x3);
    prio(g, 32, 0x8c);
    prio(g, 33, 0x84);
    cpu_w(g, GICC_CTLR, 3 | (1u << 2) | (1u << 3));  /* AckCtl, FIQEn */
    cpu_w(g, GICC_BPR, 0);
    cpu_w(g, GICC_ABPR, 4);                      /* group 1: bits [7:4] */
    dist_w(g, GICD_ISPENDR + 4, 1u << 0);
    ASSERT_EQ(out_irq, 1);                       /* group 1 is always IRQ */
    ASSERT_EQ(out_fiq, 0);
    ASSERT_EQ(cpu(g, GICC_IAR), 32);
    ASSERT_EQ(cpu(g, GICC_RPR), 0x80);           /* 0x8c & 0xf0 */
    dist_w(g, GICD_ISPENDR + 4, 1u << 1);        /* 0x84 cannot preempt 0x80 */
    ASSERT_EQ(out_fiq, 0);
    cpu_w(g, GICC_EOIR, 32);
    ASSERT_EQ(out_fiq, 1);                       /* group 0 with FIQEn */
    ASSERT_EQ(out_irq, 0);
    gic_destroy(g);
}

TEST(gic, eoimode1_needs_dir)
{
    struct gic *g = gic_new();
    cpu_w(g, GICC_CTLR, 3 | (1u << 9));
    dist_w(g, GICD_SGIR, SGI_SELF | 4);
    ASSERT_EQ(cpu(g, GICC_IAR), 4);
    cpu_w(g, GICC_EOIR, 4);
    ASSERT_EQ(cpu(g, GICC_RPR), 0xff);
    ASSERT_EQ(dist(g, GICD_ISACTIVER), 1u << 4);
    dist_w(g, GICD_SGIR, SGI_SELF | 4);
    ASSERT_EQ(cpu(g, GICC_IAR), 1023);           /* active: not acknowledged */
    cpu_w(g, GICC_DIR, 4);
    ASSERT_EQ(dist(g, GICD_ISACTIVER), 0);
    ASSERT_EQ(cpu(g, GICC_IAR), 4);
    gic_destroy(g);
}

/* Guest-controlled indices past the 288 implemented IDs are ignored. */
TEST(gic, out_of_range_is_ignored)
{
    struct gic *g = gic_new();
    dist_w(g, GICD_ISENABLER + 0x7c, ~0u);
    dist_w(g, GICD_ISPENDR + 0x7c, ~0u);
    dist_w(g, GICD_IPRIORITYR + 0x3fc, ~0u);
    dist_w(g, GICD_ICFGR + 0xfc, ~0u);
    dist_w(g, GICD_IGROUPR + 0x7c, ~0u);
    ASSERT_EQ(dist(g, GICD_ISENABLER + 0x7c), 0);
    ASSERT_EQ(dist(g, GICD_IPRIORITYR + 0x3fc), 0);
    ASSERT_EQ(dist(g, GICD_ISPENDR + 0x24), 0);  /* IDs 288..319 */
    struct irq_line bad = gic_spi_line(g, 256);
    irq_set(&bad, 1);
    struct irq_line badppi = gic_ppi_line(g, 5, 3);
    irq_set(&badppi, 1);
    cpu_w(g, GICC_EOIR, 1023);
    cpu_w(g, GICC_EOIR, 0x3ff);
    cpu_w(g, GICC_DIR, 0x3ff);
    ASSERT_EQ(cpu(g, GICC_IAR), 1023);
    ASSERT_EQ(out_irq, 0);
    gic_destroy(g);
}
