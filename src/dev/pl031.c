/*
 * Arm PrimeCell RTC (PL031): ARM DDI 0224, "PrimeCell Real Time Clock (PL031)
 * Technical Reference Manual", chapter 3.
 *
 * Modelled, with QEMU 7.2's behaviour where the TRM leaves room:
 *  - RTCDR counts seconds of host UTC time, moving with the machine's
 *    virtual clock (so it stands still under qtest until the clock steps);
 *    writing RTCLR sets the count;
 *  - the match interrupt: RTCRIS is set when the count reaches RTCMR, and at
 *    once when RTCMR or RTCLR is written so that the two are already equal;
 *    RTCICR clears it; the output is RTCRIS & RTCIMSC;
 *  - RTCCR reads 1: the counter is always running, writes are ignored;
 *  - registers are decoded at their exact offsets: any other offset outside
 *    the ID block reads 0 and ignores writes, as on QEMU.
 * Left out: the test registers, and the TRM's fractional-second prescaler.
 */
#include "dev/pl031.h"

#include <pthread.h>
#include <stdlib.h>

#include "dev/primecell.h"
#include "trace/log.h"
#include "machine/vclock.h"

/* Register offsets (TRM table 3-1). */
#define RTCDR 0x00
#define RTCMR 0x04
#define RTCLR 0x08
#define RTCCR 0x0c
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c

#define RTC_INT (1u << 0)   /* the only interrupt bit in IMSC/RIS/MIS/ICR */
#define NS_PER_S 1000000000ll

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl031 {
    pthread_mutex_t lock;
    struct vclock *clock;
    struct vtimer alarm;
    struct irq_line irq;
    int64_t offset;      /* RTCDR = host seconds + offset (RTCLR moves it) */
    uint32_t mr, lr, imsc, ris;
};

/* Host UTC seconds at virtual time `ns`. */
static int64_t host_seconds(const struct pl031 *rtc, uint64_t ns)
{
    return (vclock_epoch_ns(rtc->clock) + (int64_t)ns) / NS_PER_S;
}

static uint32_t pl031_count(const struct pl031 *rtc, uint64_t ns)
{
    return (uint32_t)(host_seconds(rtc, ns) + rtc->offset);
}

static void pl031_update(struct pl031 *rtc)
{
    irq_set(&rtc->irq, (rtc->ris & rtc->imsc & RTC_INT) != 0);
}

/* Match now, or arm the alarm for the second at which RTCDR becomes RTCMR
 * (the count wraps at 2^32 seconds, as the register does). */
static void pl031_set_alarm(struct pl031 *rtc)
{
    uint64_t now = vclock_ns(rtc->clock);
    uint32_t ticks = rtc->mr - pl031_count(rtc, now);
    if (ticks == 0) {
        vtimer_del(&rtc->alarm);
        rtc->ris |= RTC_INT;
        pl031_update(rtc);
        return;
    }
    int64_t match_s = host_seconds(rtc, now) + ticks;
    vtimer_mod(&rtc->alarm, (uint64_t)(match_s * NS_PER_S - vclock_epoch_ns(rtc->clock)));
}

static void pl031_alarm(void *opaque)
{
    struct pl031 *rtc = opaque;
    pthread_mutex_lock(&rtc->lock);
    rtc->ris |= RTC_INT;
    pl031_update(rtc);
    pthread_mutex_unlock(&rtc->lock);
}

static uint64_t pl031_read(void *dev, uint64_t offset, unsigned size)
{
    struct pl031 *rtc = dev;
    uint64_t val = 0;
    if (primecell_id_read(pl031_id, offset, &val))
        return val;
    pthread_mutex_lock(&rtc->lock);
    switch (offset) {
    case RTCDR: val = pl031_count(rtc, vclock_ns(rtc->clock)); break;
    case RTCMR: val = rtc->mr; break;
    case RTCLR: val = rtc->lr; break;
    case RTCCR: val = 1; break;
    case RTCIMSC: val = rtc->imsc; break;
    case RTCRIS: val = rtc->ris; break;
    case RTCMIS: val = rtc->ris & rtc->imsc; break;
    default:
        log_cat(LOG_GUEST_ERROR, "pl031: read of bad offset 0x%llx\n", (unsigned long long)offset);
        break;
    }
    pthread_mutex_unlock(&rtc->lock);
    return val;
}

static void pl031_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct pl031 *rtc = dev;
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&rtc->lock);
    switch (offset) {
    case RTCMR:
        rtc->mr = v;
        pl031_set_alarm(rtc);
        break;
    case RTCLR:
        rtc->lr = v;
        rtc->offset += (int64_t)v - pl031_count(rtc, vclock_ns(rtc->clock));
        pl031_set_alarm(rtc);
        break;
    case RTCIMSC:
        rtc->imsc = v & RTC_INT;
        pl031_update(rtc);
        break;
    case RTCICR:
        rtc->ris &= ~v;
        pl031_update(rtc);
        break;
    case RTCCR:   /* always running: writes are ignored */
        break;
    default:
        log_cat(LOG_GUEST_ERROR, "pl031: write to %s offset 0x%llx\n",
                offset <= RTCMIS || offset >= PRIMECELL_ID_BASE ? "read-only" : "bad",
                (unsigned long long)offset);
        break;
    }
    pthread_mutex_unlock(&rtc->lock);
}

/* A machine reset leaves the time alone, as a battery-backed RTC would. */
static void pl031_reset(void *dev)
{
    struct pl031 *rtc = dev;
    pthread_mutex_lock(&rtc->lock);
    vtimer_del(&rtc->alarm);
    rtc->mr = rtc->lr = rtc->imsc = rtc->ris = 0;
    pl031_update(rtc);
    pthread_mutex_unlock(&rtc->lock);
}

static int pl031_fdt_node(void *dev, const struct fdt_ctx *ctx)
{
    static const char *const clocks[] = {"apb_pclk"};
    int node = primecell_fdt_node(ctx, "pl031", "arm,pl031", clocks, 1);
    return node < 0 ? node : 0;
}

const struct dev_ops pl031_ops = {
    .name = "pl031",
    .access_min = 1,
    .access_max = 4,
    .read = pl031_read,
    .write = pl031_write,
    .reset = pl031_reset,
    .fdt_node = pl031_fdt_node,
};

struct pl031 *pl031_create(struct vclock *clock, struct irq_line irq)
{
    struct pl031 *rtc = calloc(1, sizeof(*rtc));
    if (!rtc)
        return NULL;
    pthread_mutex_init(&rtc->lock, NULL);
    rtc->clock = clock;
    rtc->irq = irq;
    vtimer_init(&rtc->alarm, clock, pl031_alarm, rtc);
    return rtc;
}

void pl031_destroy(struct pl031 *rtc)
{
    if (!rtc)
        return;
    vtimer_del(&rtc->alarm);
    pthread_mutex_destroy(&rtc->lock);
    free(rtc);
}
