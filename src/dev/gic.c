/*
 * GICv2 distributor and CPU interface (Arm IHI 0048B), modelled as QEMU
 * 7.2's arm_gic with revision 2, no security extensions and no
 * virtualization extensions; register values were read back from that
 * model with qtest.
 *
 * Modelled: interrupt groups (group 0 signals FIQ when GICC_CTLR.FIQEn),
 * enable, pending, active, 8-bit priorities, edge/level configuration
 * (SGIs always edge), SGIs with per-source pending state, targets (RAZ/WI
 * with one CPU, as QEMU), priority mask, binary points and the active
 * priority registers that give the running priority, EOImode with
 * GICC_DIR.
 * Left out, as in QEMU: GICC_AIAR/AEOIR/AHPPIR (RAZ/WI), the bypass bits,
 * the GICH/GICV virtualization windows.
 *
 * State is guarded by one mutex: accesses come from the vCPU thread, the
 * timer threads and device backends. Every change ends in gic_update(),
 * which recomputes each CPU's highest pending interrupt and its IRQ/FIQ
 * outputs.
 */
#include "dev/gic.h"

#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SPURIOUS 1023u
#define NO_ACK_GROUP1 1022u  /* group 1 pending, AckCtl clear */
#define MAX_INTID 1020u      /* IDs 1020..1023 are special */
#define IDLE_PRIORITY 0x100u
#define NUM_WORDS (GIC_NUM_IRQS / 32)
#define NUM_SGIS 16u
#define NUM_APRS 4u          /* 128 preemption levels / 32 */

/* GICD_CTLR and GICC_CTLR (IHI 0048B 4.3.1, 4.4.1, with no security
 * extensions: the "Secure" copy is the only one). */
#define CTLR_EN_GRP0 (1u << 0)
#define CTLR_EN_GRP1 (1u << 1)
#define GICC_ACK_CTL (1u << 2)
#define GICC_FIQ_EN (1u << 3)
#define GICC_CBPR (1u << 4)
#define GICC_EOIMODE (1u << 9)
#define GICC_CTLR_MASK 0x21fu    /* QEMU's GICC_CTLR_V2_MASK */

/* GICD_SGIR (4.3.15). */
#define SGIR_FILTER_LIST 0u
#define SGIR_FILTER_OTHERS 1u
#define SGIR_FILTER_SELF 2u

/* Distributor offsets (4.1.2). */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR4 0xfd0
#define GICD_END 0x1000

/* CPU interface offsets (4.1.3). */
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_APR0 0xd0
#define GICC_NSAPR0 0xe0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000

/* JEP106 Arm, architecture version 2 in GICC_IIDR; GICD_IIDR has no
 * product or revision (QEMU: 0x43b and 0x2043b). */
#define GICD_IIDR_VALUE 0x43bu
#define GICC_IIDR_VALUE 0x2043bu

/* PIDR4..PIDR7, PIDR0..PIDR3, CIDR0..CIDR3 from 0xfd0 (QEMU's GICv2 IDs). */
static const uint8_t gic_id_regs[12] = {
    0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* Per-interrupt bits, one bitmap each. Word 0 (SGIs and PPIs) is banked per
 * CPU; words 1.. (SPIs) are shared. */
enum gic_bit {
    BIT_ENABLED,
    BIT_PENDING,   /* the latched pending state (edge, ISPENDR, SGIs) */
    BIT_ACTIVE,
    BIT_LEVEL,     /* the input line */
    BIT_GROUP,     /* 1 = group 1 */
    BIT_EDGE,      /* 1 = edge-triggered (GICD_ICFGR Int_config[1]) */
    BIT_COUNT,
};

struct gic_cpu {
    uint32_t bank[BIT_COUNT];
    uint8_t prio[32];
    uint8_t sgi_src[NUM_SGIS];   /* source CPUs of each pending SGI */
    uint32_t ctlr, pmr, bpr, abpr;
    uint32_t running;            /* running priority; IDLE_PRIORITY if none */
    uint32_t apr[NUM_APRS], nsapr[NUM_APRS];
    uint32_t hppi;               /* highest priority pending above PMR, or 1023 */
    struct irq_line irq, fiq;
    int irq_level, fiq_level;
};

struct gic {
    pthread_mutex_t lock;
    unsigned ncpu;
    uint32_t ctlr;
    uint32_t shared[BIT_COUNT][NUM_WORDS];
    uint8_t prio[GIC_NUM_IRQS];
    uint8_t target[GIC_NUM_IRQS];
    struct gic_cpu cpu[GIC_MAX_CPUS];
};

/* The CPU interface an access comes from. With one core that is CPU 0;
 * several cores will need the accessing core passed down. */
static unsigned gic_current_cpu(const struct gic *gic)
{
    return 0;
}

static uint32_t all_cpus(const struct gic *gic)
{
    return (1u << gic->ncpu) - 1;
}

/* ---- interrupt state ---- */

static uint32_t *gic_word(struct gic *gic, unsigned cpu, enum gic_bit b, unsigned irq)
{
    return irq < 32 ? &gic->cpu[cpu].bank[b] : &gic->shared[b][irq / 32];
}

static bool gic_test(struct gic *gic, unsigned cpu, enum gic_bit b, unsigned irq)
{
    return (*gic_word(gic, cpu, b, irq) >> (irq & 31)) & 1;
}

static void gic_put(struct gic *gic, unsigned cpu, enum gic_bit b, unsigned irq, bool v)
{
    uint32_t *w = gic_word(gic, cpu, b, irq), m = 1u << (irq & 31);
    *w = v ? *w | m : *w & ~m;
}

static uint8_t *gic_prio(struct gic *gic, unsigned cpu, unsigned irq)
{
    return irq < 32 ? &gic->cpu[cpu].prio[irq] : &gic->prio[irq];
}

/* Pending as software sees it: latched, or a level-sensitive input that is
 * high (4.3.7: such an interrupt stays pending while the line is asserted). */
static uint32_t gic_pending_word(struct gic *gic, unsigned cpu, unsigned w)
{
    unsigned irq = w * 32;
    return *gic_word(gic, cpu, BIT_PENDING, irq) |
           (*gic_word(gic, cpu, BIT_LEVEL, irq) & ~*gic_word(gic, cpu, BIT_EDGE, irq));
}

/* ---- the CPU interface's view (3.2, 3.3) ---- */

/* The group priority of irq: its priority with the bits below the binary
 * point cleared. Group 1 uses ABPR unless CBPR (QEMU: GIC_MIN_BPR = 0, so
 * BPR 0 keeps bits [7:1]). */
static uint32_t gic_group_priority(struct gic *gic, unsigned cpu, unsigned irq)
{
    struct gic_cpu *c = &gic->cpu[cpu];
    uint32_t bpr = c->bpr;
    if (!(c->ctlr & GICC_CBPR) && gic_test(gic, cpu, BIT_GROUP, irq))
        bpr = c->abpr - 1;
    return *gic_prio(gic, cpu, irq) & (~0u << ((bpr & 7) + 1));
}

/* The running priority the active priority registers record: the lowest
 * set bit is the highest active preemption level. */
static uint32_t gic_priority_from_aprs(const struct gic_cpu *c)
{
    for (unsigned i = 0; i < NUM_APRS; i++) {
        uint32_t a = c->apr[i] | c->nsapr[i];
        if (a)
            return (i * 32 + (unsigned)__builtin_ctz(a)) << 1;
    }
    return IDLE_PRIORITY;
}

/* The highest-priority interrupt that is enabled, pending, not active and
 * targets cpu; lowest ID wins a tie. Returns its ID or SPURIOUS. */
static unsigned gic_best_pending(struct gic *gic, unsigned cpu, uint32_t *prio_out)
{
    unsigned best = SPURIOUS;
    uint32_t best_prio = IDLE_PRIORITY;
    for (unsigned w = 0; w < NUM_WORDS; w++) {
        unsigned base = w * 32;
        uint32_t cand = gic_pending_word(gic, cpu, w) & *gic_word(gic, cpu, BIT_ENABLED, base) &
                        ~*gic_word(gic, cpu, BIT_ACTIVE, base);
        while (cand) {
            unsigned irq = base + (unsigned)__builtin_ctz(cand);
            cand &= cand - 1;
            if (irq >= 32 && !(gic->target[irq] & (1u << cpu)))
                continue;
            uint32_t p = *gic_prio(gic, cpu, irq);
            if (p < best_prio) {
                best_prio = p;
                best = irq;
            }
        }
    }
    *prio_out = best_prio;
    return best;
}

static void gic_drive(const struct irq_line *line, int *last, int level)
{
    if (*last != level) {
        *last = level;
        irq_set(line, level);
    }
}

/* Recomputes each CPU interface's highest pending interrupt and drives its
 * IRQ and FIQ outputs (3.2.1 "Priority masking", 3.3 "Preemption"). */
static void gic_update(struct gic *gic)
{
    for (unsigned cpu = 0; cpu < gic->ncpu; cpu++) {
        struct gic_cpu *c = &gic->cpu[cpu];
        int irq = 0, fiq = 0;
        c->hppi = SPURIOUS;
        if ((gic->ctlr & (CTLR_EN_GRP0 | CTLR_EN_GRP1)) &&
            (c->ctlr & (CTLR_EN_GRP0 | CTLR_EN_GRP1))) {
            uint32_t prio;
            unsigned best = gic_best_pending(gic, cpu, &prio);
            if (prio < c->pmr) {
                c->hppi = best;
                unsigned group = gic_test(gic, cpu, BIT_GROUP, best);
                if (prio < c->running && (gic->ctlr & c->ctlr & (1u << group))) {
                    if (group == 0 && (c->ctlr & GICC_FIQ_EN))
                        fiq = 1;
                    else
                        irq = 1;
                }
            }
        }
        gic_drive(&c->irq, &c->irq_level, irq);
        gic_drive(&c->fiq, &c->fiq_level, fiq);
    }
}

/* GICC_HPPIR, and what GICC_IAR would return: a group 1 interrupt is hidden
 * as 1022 unless AckCtl (4.4.4 with no security extensions). */
static uint32_t gic_visible_pending(struct gic *gic, unsigned cpu)
{
    struct gic_cpu *c = &gic->cpu[cpu];
    if (c->hppi < MAX_INTID && gic_test(gic, cpu, BIT_GROUP, c->hppi) &&
        !(c->ctlr & GICC_ACK_CTL))
        return NO_ACK_GROUP1;
    return c->hppi;
}

/* GICC_IAR: activate the highest pending interrupt if it can preempt the
 * running priority (4.4.4). SGIs report their source CPU in bits [12:10]
 * and stay pending while another source has one outstanding. */
static uint32_t gic_acknowledge(struct gic *gic, unsigned cpu)
{
    struct gic_cpu *c = &gic->cpu[cpu];
    uint32_t irq = gic_visible_pending(gic, cpu);
    if (irq >= MAX_INTID)
        return irq;
    if (*gic_prio(gic, cpu, irq) >= c->running)
        return SPURIOUS;
    bool group1 = gic_test(gic, cpu, BIT_GROUP, irq);
    uint32_t gp = gic_group_priority(gic, cpu, irq), level = gp >> 1;
    uint32_t *apr = group1 ? c->nsapr : c->apr;
    apr[level / 32] |= 1u << (level % 32);
    c->running = gp;
    gic_put(gic, cpu, BIT_ACTIVE, irq, true);
    uint32_t ret = irq;
    if (irq < NUM_SGIS) {
        unsigned src = (unsigned)__builtin_ctz(c->sgi_src[irq]);
        c->sgi_src[irq] &= (uint8_t)~(1u << src);
        if (!c->sgi_src[irq])
            gic_put(gic, cpu, BIT_PENDING, irq, false);
        ret |= (src & 7) << 10;
    } else {
        gic_put(gic, cpu, BIT_PENDING, irq, false);
    }
    gic_update(gic);
    return ret;
}

/* GICC_EOIR: drop the running priority to the next active level; with
 * EOImode 0 also deactivate (4.4.5). Spurious and out-of-range IDs, or an
 * EOI with nothing active, are ignored as QEMU does. */
static void gic_end_of_interrupt(struct gic *gic, unsigned cpu, uint32_t irq)
{
    struct gic_cpu *c = &gic->cpu[cpu];
    if (irq >= GIC_NUM_IRQS || c->running == IDLE_PRIORITY)
        return;
    uint32_t *apr = gic_test(gic, cpu, BIT_GROUP, irq) ? c->nsapr : c->apr;
    for (unsigned i = 0; i < NUM_APRS; i++)
        if (apr[i]) {
            apr[i] &= apr[i] - 1;
            break;
        }
    c->running = gic_priority_from_aprs(c);
    if (!(c->ctlr & GICC_EOIMODE))
        gic_put(gic, cpu, BIT_ACTIVE, irq, false);
}

/* ---- distributor registers (4.3), byte by byte as QEMU decodes them ---- */

static uint32_t gic_bits_readb(struct gic *gic, unsigned cpu, enum gic_bit b, unsigned irq)
{
    if (irq >= GIC_NUM_IRQS)
        return 0;
    uint32_t w = b == BIT_PENDING ? gic_pending_word(gic, cpu, irq / 32)
                                  : *gic_word(gic, cpu, b, irq);
    return (w >> (irq & 31)) & 0xff;
}

static uint32_t gic_dist_readb(struct gic *gic, unsigned cpu, uint32_t off)
{
    if (off < GICD_IGROUPR) {
        switch (off) {
        case GICD_CTLR: return gic->ctlr;
        case GICD_TYPER: return (GIC_NUM_IRQS / 32 - 1) | (gic->ncpu - 1) << 5;
        case GICD_IIDR: return GICD_IIDR_VALUE & 0xff;
        case GICD_IIDR + 1: return GICD_IIDR_VALUE >> 8;
        default: return 0;
        }
    }
    if (off < GICD_ISENABLER)
        return gic_bits_readb(gic, cpu, BIT_GROUP, (off - GICD_IGROUPR) * 8);
    if (off < GICD_ISPENDR)
        return gic_bits_readb(gic, cpu, BIT_ENABLED, (off & 0x7f) * 8);
    if (off < GICD_ISACTIVER)
        return gic_bits_readb(gic, cpu, BIT_PENDING, (off & 0x7f) * 8);
    if (off < GICD_IPRIORITYR)
        return gic_bits_readb(gic, cpu, BIT_ACTIVE, (off & 0x7f) * 8);
    if (off < GICD_ITARGETSR) {
        unsigned irq = off - GICD_IPRIORITYR;
        return irq < GIC_NUM_IRQS ? *gic_prio(gic, cpu, irq) : 0;
    }
    if (off < GICD_ICFGR) {
        /* RAZ/WI on a uniprocessor GIC (QEMU; IHI 0048B 4.3.12 allows it). */
        unsigned irq = off - GICD_ITARGETSR;
        if (gic->ncpu == 1 || irq >= GIC_NUM_IRQS)
            return 0;
        return irq < 32 ? 1u << cpu : gic->target[irq];
    }
    if (off < GICD_SGIR) {
        unsigned irq = (off - GICD_ICFGR) * 4;
        uint32_t v = 0;
        for (unsigned i = 0; i < 4 && irq + i < GIC_NUM_IRQS; i++)
            if (gic_test(gic, cpu, BIT_EDGE, irq + i))
                v |= 2u << (2 * i);
        return v;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + NUM_SGIS)
        return gic->cpu[cpu].sgi_src[(off - GICD_CPENDSGIR) % NUM_SGIS];
    if (off >= GICD_PIDR4 && off < GICD_END)
        return (off & 3) ? 0 : gic_id_regs[(off - GICD_PIDR4) >> 2];
    return 0;
}

/* Sets (set = true) or clears the bits of value in one byte of a bitmap. */
static void gic_bits_writeb(struct gic *gic, unsigned cpu, enum gic_bit b, unsigned irq,
                            uint32_t value, bool set)
{
    if (irq >= GIC_NUM_IRQS)
        return;
    for (unsigned i = 0; i < 8; i++)
        if (value & (1u << i))
            gic_put(gic, cpu, b, irq + i, set);
}

static void gic_dist_writeb(struct gic *gic, unsigned cpu, uint32_t off, uint32_t v)
{
    if (off < GICD_IGROUPR) {
        if (off == GICD_CTLR)
            gic->ctlr = v & (CTLR_EN_GRP0 | CTLR_EN_GRP1);
        return;
    }
    unsigned irq = (off & 0x7f) * 8;
    if (off < GICD_ISENABLER) {
        irq = (off - GICD_IGROUPR) * 8;
        gic_bits_writeb(gic, cpu, BIT_GROUP, irq, v, true);
        gic_bits_writeb(gic, cpu, BIT_GROUP, irq, ~v & 0xff, false);
    } else if (off < GICD_ISPENDR) {
        /* SGIs are always enabled (QEMU; 4.3.5 allows it). */
        bool set = off < GICD_ICENABLER;
        if (irq < NUM_SGIS)
            v = set ? 0xff : 0;
        gic_bits_writeb(gic, cpu, BIT_ENABLED, irq, v, set);
    } else if (off < GICD_ISACTIVER) {
        /* SGIs are made pending through GICD_SGIR and GICD_SPENDSGIRn. */
        if (irq >= NUM_SGIS)
            gic_bits_writeb(gic, cpu, BIT_PENDING, irq, v, off < GICD_ICPENDR);
    } else if (off < GICD_IPRIORITYR) {
        gic_bits_writeb(gic, cpu, BIT_ACTIVE, irq, v, off < GICD_ICACTIVER);
    } else if (off < GICD_ITARGETSR) {
        irq = off - GICD_IPRIORITYR;
        if (irq < GIC_NUM_IRQS)
            *gic_prio(gic, cpu, irq) = (uint8_t)v;
    } else if (off < GICD_ICFGR) {
        irq = off - GICD_ITARGETSR;
        if (gic->ncpu > 1 && irq >= 32 && irq < GIC_NUM_IRQS)
            gic->target[irq] = (uint8_t)(v & all_cpus(gic));
    } else if (off < GICD_SGIR) {
        irq = (off - GICD_ICFGR) * 4;
        if (irq < NUM_SGIS)
            v |= 0xaa;   /* SGIs are edge-triggered */
        for (unsigned i = 0; i < 4 && irq + i < GIC_NUM_IRQS; i++)
            gic_put(gic, cpu, BIT_EDGE, irq + i, v & (2u << (2 * i)));
    } else if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + NUM_SGIS) {
        /* An SGI is pending exactly while some source has it pending.
         * (QEMU 7.2 also marks it pending on a SPENDSGIR write of 0, a
         * state its own GICC_IAR then asserts on; not copied.) */
        struct gic_cpu *c = &gic->cpu[cpu];
        irq = (off - GICD_CPENDSGIR) % NUM_SGIS;
        if (off < GICD_SPENDSGIR)
            c->sgi_src[irq] &= (uint8_t)~v;
        else
            c->sgi_src[irq] |= (uint8_t)(v & all_cpus(gic));
        gic_put(gic, cpu, BIT_PENDING, irq, c->sgi_src[irq] != 0);
    }
}

/* GICD_SGIR (4.3.15): SGI n pending on each target, from this CPU. A
 * reserved filter value targets every CPU, as QEMU does. */
static void gic_send_sgi(struct gic *gic, unsigned cpu, uint32_t v)
{
    unsigned irq = v & 0xf;
    uint32_t targets;
    switch ((v >> 24) & 3) {
    case SGIR_FILTER_LIST: targets = (v >> 16) & 0xff; break;
    case SGIR_FILTER_OTHERS: targets = ~(1u << cpu); break;
    case SGIR_FILTER_SELF: targets = 1u << cpu; break;
    default: targets = ~0u; break;
    }
    targets &= all_cpus(gic);
    for (unsigned t = 0; t < gic->ncpu; t++)
        if (targets & (1u << t)) {
            gic->cpu[t].sgi_src[irq] |= (uint8_t)(1u << cpu);
            gic_put(gic, t, BIT_PENDING, irq, true);
        }
}

static uint64_t gic_dist_read(void *dev, uint64_t offset, unsigned size)
{
    struct gic *gic = dev;
    unsigned cpu = gic_current_cpu(gic);
    uint64_t v = 0;
    pthread_mutex_lock(&gic->lock);
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)gic_dist_readb(gic, cpu, (uint32_t)offset + i) << (8 * i);
    pthread_mutex_unlock(&gic->lock);
    return v;
}

static void gic_dist_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct gic *gic = dev;
    unsigned cpu = gic_current_cpu(gic);
    pthread_mutex_lock(&gic->lock);
    if (offset == GICD_SGIR && size == 4) {
        gic_send_sgi(gic, cpu, (uint32_t)value);
    } else if (offset < GICD_SGIR || offset >= GICD_CPENDSGIR) {
        /* GICD_SGIR only takes word writes; narrower ones are ignored. */
        for (unsigned i = 0; i < size; i++)
            gic_dist_writeb(gic, cpu, (uint32_t)offset + i, (uint32_t)(value >> (8 * i)) & 0xff);
    }
    gic_update(gic);
    pthread_mutex_unlock(&gic->lock);
}

/* ---- CPU interface registers (4.4); QEMU decodes them by offset alone ---- */

static uint64_t gic_cpu_read(void *dev, uint64_t offset, unsigned size)
{
    struct gic *gic = dev;
    unsigned cpu = gic_current_cpu(gic);
    struct gic_cpu *c = &gic->cpu[cpu];
    uint32_t v = 0;
    pthread_mutex_lock(&gic->lock);
    switch (offset) {
    case GICC_CTLR: v = c->ctlr; break;
    case GICC_PMR: v = c->pmr; break;
    case GICC_BPR: v = c->bpr; break;
    case GICC_IAR: v = gic_acknowledge(gic, cpu); break;
    case GICC_RPR: v = c->running > 0xff ? 0xff : c->running; break;
    case GICC_HPPIR: v = gic_visible_pending(gic, cpu); break;
    case GICC_ABPR: v = c->abpr; break;
    case GICC_APR0: case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
        v = c->apr[(offset - GICC_APR0) / 4];
        break;
    case GICC_NSAPR0: case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        v = c->nsapr[(offset - GICC_NSAPR0) / 4];
        break;
    case GICC_IIDR: v = GICC_IIDR_VALUE; break;
    default: break;
    }
    pthread_mutex_unlock(&gic->lock);
    return v;
}

static void gic_cpu_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct gic *gic = dev;
    unsigned cpu = gic_current_cpu(gic);
    struct gic_cpu *c = &gic->cpu[cpu];
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&gic->lock);
    switch (offset) {
    case GICC_CTLR: c->ctlr = v & GICC_CTLR_MASK; break;
    case GICC_PMR: c->pmr = v & 0xff; break;
    case GICC_BPR: c->bpr = v & 7; break;   /* minimum binary point 0 */
    case GICC_EOIR: gic_end_of_interrupt(gic, cpu, v & 0x3ff); break;
    case GICC_ABPR: c->abpr = (v & 7) < 1 ? 1 : v & 7; break;
    case GICC_APR0: case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
        c->apr[(offset - GICC_APR0) / 4] = v;
        c->running = gic_priority_from_aprs(c);
        break;
    case GICC_NSAPR0: case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        c->nsapr[(offset - GICC_NSAPR0) / 4] = v;
        c->running = gic_priority_from_aprs(c);
        break;
    case GICC_DIR:
        /* Deactivation alone is only meaningful with EOImode 1 (4.4.15);
         * otherwise UNPREDICTABLE, ignored as QEMU does. */
        if ((v & 0x3ff) < GIC_NUM_IRQS && (c->ctlr & GICC_EOIMODE))
            gic_put(gic, cpu, BIT_ACTIVE, v & 0x3ff, false);
        break;
    default: break;
    }
    gic_update(gic);
    pthread_mutex_unlock(&gic->lock);
}

/* ---- inputs ---- */

static void gic_input(struct gic *gic, unsigned cpu, unsigned irq, int level)
{
    pthread_mutex_lock(&gic->lock);
    if (gic_test(gic, cpu, BIT_LEVEL, irq) != (level != 0)) {
        gic_put(gic, cpu, BIT_LEVEL, irq, level != 0);
        if (level && gic_test(gic, cpu, BIT_EDGE, irq))
            gic_put(gic, cpu, BIT_PENDING, irq, true);
        gic_update(gic);
    }
    pthread_mutex_unlock(&gic->lock);
}

static void gic_set_spi(void *sink, unsigned spi, int level)
{
    if (spi < GIC_NUM_SPIS)
        gic_input(sink, 0, 32 + spi, level);
}

/* n = cpu * 16 + ppi */
static void gic_set_ppi(void *sink, unsigned n, int level)
{
    struct gic *gic = sink;
    if (n / 16 < gic->ncpu)
        gic_input(gic, n / 16, 16 + n % 16, level);
}

struct irq_line gic_spi_line(struct gic *gic, unsigned spi)
{
    return (struct irq_line){gic_set_spi, gic, spi};
}

struct irq_line gic_ppi_line(struct gic *gic, unsigned cpu, unsigned ppi)
{
    return (struct irq_line){gic_set_ppi, gic, cpu * 16 + (ppi & 15)};
}

/* ---- reset, device tree, life cycle ---- */

/* QEMU's reset state: everything group 0, disabled and inactive at
 * priority 0, except that SGIs are enabled and edge-triggered; every SPI
 * targets the only CPU of a uniprocessor GIC. */
static void gic_reset(void *dev)
{
    struct gic *gic = dev;
    pthread_mutex_lock(&gic->lock);
    gic->ctlr = 0;
    for (unsigned b = 0; b < BIT_COUNT; b++)
        for (unsigned w = 0; w < NUM_WORDS; w++)
            gic->shared[b][w] = 0;
    for (unsigned i = 0; i < GIC_NUM_IRQS; i++) {
        gic->prio[i] = 0;
        gic->target[i] = gic->ncpu == 1 ? 1 : 0;
    }
    for (unsigned cpu = 0; cpu < gic->ncpu; cpu++) {
        struct gic_cpu *c = &gic->cpu[cpu];
        for (unsigned b = 0; b < BIT_COUNT; b++)
            c->bank[b] = 0;
        c->bank[BIT_ENABLED] = c->bank[BIT_EDGE] = (1u << NUM_SGIS) - 1;
        for (unsigned i = 0; i < 32; i++)
            c->prio[i] = 0;
        for (unsigned i = 0; i < NUM_SGIS; i++)
            c->sgi_src[i] = 0;
        c->ctlr = c->pmr = c->bpr = 0;
        c->abpr = 1;
        c->running = IDLE_PRIORITY;
        for (unsigned i = 0; i < NUM_APRS; i++)
            c->apr[i] = c->nsapr[i] = 0;
    }
    gic_update(gic);
    pthread_mutex_unlock(&gic->lock);
}

/* The node QEMU 7.2 writes for a GICv2 (create_gic() in hw/arm/virt.c), in
 * its property order. `reg` gets the distributor here and the CPU
 * interface appended by that region's node writer. The phandle is the next
 * free one, as QEMU allocates them in creation order. */
static int gic_dist_fdt(void *dev, const struct fdt_ctx *ctx)
{
    void *fdt = ctx->fdt;
    char name[32];
    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)ctx->base);
    int node = fdt_add_subnode(fdt, 0, name), rc;
    if (node < 0)
        return node;
    uint32_t phandle;
    fdt64_t reg[2] = {cpu_to_fdt64(ctx->base), cpu_to_fdt64(ctx->size)};
    if ((rc = fdt_setprop_u32(fdt, node, "#interrupt-cells", 3)) ||
        (rc = fdt_setprop(fdt, node, "interrupt-controller", NULL, 0)) ||
        (rc = fdt_setprop_u32(fdt, node, "#address-cells", 2)) ||
        (rc = fdt_setprop_u32(fdt, node, "#size-cells", 2)) ||
        (rc = fdt_setprop(fdt, node, "ranges", NULL, 0)) ||
        (rc = fdt_setprop_string(fdt, node, "compatible", "arm,cortex-a15-gic")) ||
        (rc = fdt_setprop(fdt, node, "reg", reg, sizeof(reg))) ||
        (rc = fdt_generate_phandle(fdt, &phandle)) ||
        (rc = fdt_setprop_u32(fdt, node, "phandle", phandle)))
        return rc;
    return 0;
}

static int gic_cpu_fdt(void *dev, const struct fdt_ctx *ctx)
{
    int node = fdt_node_offset_by_compatible(ctx->fdt, -1, "arm,cortex-a15-gic");
    if (node < 0)
        return node;
    fdt64_t reg[2] = {cpu_to_fdt64(ctx->base), cpu_to_fdt64(ctx->size)};
    return fdt_appendprop(ctx->fdt, node, "reg", reg, sizeof(reg));
}

const struct dev_ops gic_dist_ops = {
    .name = "gic-dist",
    /* QEMU decodes the distributor a byte at a time; 8-byte accesses are
     * split in two. */
    .access_min = 1,
    .access_max = 4,
    .read = gic_dist_read,
    .write = gic_dist_write,
    .reset = gic_reset,
    .fdt_node = gic_dist_fdt,
};

const struct dev_ops gic_cpu_ops = {
    .name = "gic-cpu",
    /* Any width reaches the register at that offset, as on QEMU; a
     * narrow write must not become a read-modify-write (GICC_IAR). */
    .access_min = 1,
    .access_max = 4,
    .read = gic_cpu_read,
    .write = gic_cpu_write,
    .fdt_node = gic_cpu_fdt,
};

struct gic *gic_create(unsigned ncpu, const struct irq_line *irq, const struct irq_line *fiq)
{
    if (ncpu < 1 || ncpu > GIC_MAX_CPUS)
        return NULL;
    struct gic *gic = calloc(1, sizeof(*gic));
    if (!gic)
        return NULL;
    pthread_mutex_init(&gic->lock, NULL);
    gic->ncpu = ncpu;
    for (unsigned i = 0; i < ncpu; i++) {
        gic->cpu[i].irq = irq[i];
        gic->cpu[i].fiq = fiq[i];
    }
    gic_reset(gic);
    return gic;
}

void gic_destroy(struct gic *gic)
{
    pthread_mutex_destroy(&gic->lock);
    free(gic);
}
