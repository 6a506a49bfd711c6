/* The generic timer (Arm ARM D11, D13.8) wired to the GICv2 as on QEMU 7.2's
 * virt board:
 *  - CNTFRQ_EL0 = 62.5 MHz; CNTPCT/CNTVCT monotonic and equal (CNTVOFF 0);
 *  - CNTV_CTL.ISTATUS set once CVAL is reached (even with IMASK), clear
 *    while disabled; TVAL is CVAL - count as a signed 32-bit value;
 *  - the virtual timer output is level-sensitive PPI 11 (ID 27), the
 *    physical one PPI 14 (ID 30): pending while ENABLE && !IMASK && ISTATUS,
 *    and ICPENDR cannot clear a level that is high;
 *  - a virtual timer interrupt taken as an IRQ no earlier than CVAL;
 *  - WFI with PSTATE.I masked wakes when the timer fires;
 *  - CNTKCTL_EL1 EL0 controls: EL0 reads of CNTVCT/CNTV_CTL trap with
 *    EC 0x18 unless EL0VCTEN/EL0VTEN. */
#include "guest.h"
#include "../lib/gicv2_regs.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL

#define VTIMER_ID 27
#define PTIMER_ID 30
#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u
#define ISR_I (1u << 7)

static inline uint32_t rd(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void wr(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* Here every read starts with an ISB, so that a counter or timer register
 * is read only after the instructions before it (guest.h's does not). */
#undef SYSREG_RD
#define SYSREG_RD(name) ({ uint64_t v_; __asm__ volatile("isb\n\tmrs %0, " #name : "=r"(v_)); v_; })

/* Volatile: the handler changes it behind the compiler's back. */
static volatile struct {
    int count, vector;
    uint32_t iar;
    uint64_t ctl, when;
} seen;

/* The timer IRQ: note when and with what status, then mask the timer so
 * the level drops before EOI. */
static void handler(struct exc_frame *f, int vector)
{
    seen.count++;
    seen.vector = vector;
    if (vector == 5) {
        seen.iar = rd(GICC + GICC_IAR);
        seen.when = SYSREG_RD(cntvct_el0);
        seen.ctl = SYSREG_RD(cntv_ctl_el0);
        SYSREG_WR(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
        wr(GICC + GICC_EOIR, seen.iar);
    }
}

static uint32_t pending0(void)
{
    return rd(GICD + GICD_ISPENDR);
}

static void check_counter(void)
{
    CHECK("CNTFRQ_EL0", SYSREG_RD(cntfrq_el0), 62500000);
    uint64_t p1 = SYSREG_RD(cntpct_el0);
    uint64_t v = SYSREG_RD(cntvct_el0);
    uint64_t p2 = SYSREG_RD(cntpct_el0);
    CHECK("CNTPCT monotonic", p2 >= p1, 1);
    CHECK("CNTVCT between two CNTPCT reads", p1 <= v && v <= p2, 1);
    uint64_t prev = SYSREG_RD(cntvct_el0), backwards = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t now = SYSREG_RD(cntvct_el0);
        backwards += now < prev;
        prev = now;
    }
    CHECK("CNTVCT never goes back", backwards, 0);
    CHECK("CNTV_CTL_EL0 reset", SYSREG_RD(cntv_ctl_el0), 0);
    CHECK("CNTP_CTL_EL0 reset", SYSREG_RD(cntp_ctl_el0), 0);
    CHECK("CNTKCTL_EL1 reset", SYSREG_RD(cntkctl_el1), 0);
}

static void check_status_and_level(void)
{
    SYSREG_WR(cntv_cval_el0, 0);
    SYSREG_WR(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
    CHECK("ISTATUS with IMASK", SYSREG_RD(cntv_ctl_el0), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
    CHECK("IMASK: output low", pending0() & (1u << VTIMER_ID), 0);
    CHECK("TVAL negative past CVAL", SYSREG_RD(cntv_tval_el0) >> 31, 1);
    SYSREG_WR(cntv_ctl_el0, CTL_ENABLE);
    CHECK("unmasked: PPI 27 pending", pending0() & (1u << VTIMER_ID), 1u << VTIMER_ID);
    wr(GICD + GICD_ICPENDR, 1u << VTIMER_ID);
    CHECK("ICPENDR cannot clear a high level", pending0() & (1u << VTIMER_ID), 1u << VTIMER_ID);
    SYSREG_WR(cntv_ctl_el0, 0);
    CHECK("disabled: ISTATUS clear", SYSREG_RD(cntv_ctl_el0), 0);
    CHECK("disabled: output low", pending0() & (1u << VTIMER_ID), 0);

    uint64_t now = SYSREG_RD(cntvct_el0);
    SYSREG_WR(cntv_cval_el0, now + 1000000000ull);
    SYSREG_WR(cntv_ctl_el0, CTL_ENABLE);
    uint64_t tval = SYSREG_RD(cntv_tval_el0);
    CHECK("TVAL counts down from CVAL", tval > 0 && tval <= 1000000000ull, 1);
    CHECK("future CVAL: no ISTATUS", SYSREG_RD(cntv_ctl_el0), CTL_ENABLE);
    CHECK("future CVAL: output low", pending0() & (1u << VTIMER_ID), 0);
    SYSREG_WR(cntv_tval_el0, 0xffffff00u);   /* -256 ticks: already due */
    CHECK("TVAL write sign-extends: CVAL in the past", SYSREG_RD(cntv_ctl_el0),
          CTL_ENABLE | CTL_ISTATUS);
    SYSREG_WR(cntv_ctl_el0, 0);

    SYSREG_WR(cntp_cval_el0, 0);
    SYSREG_WR(cntp_ctl_el0, CTL_ENABLE);
    CHECK("physical timer: ISTATUS", SYSREG_RD(cntp_ctl_el0), CTL_ENABLE | CTL_ISTATUS);
    CHECK("physical timer: PPI 30 pending", pending0() & (1u << PTIMER_ID), 1u << PTIMER_ID);
    SYSREG_WR(cntp_ctl_el0, 0);
    CHECK("physical timer off: PPI 30 low", pending0() & (1u << PTIMER_ID), 0);
}

/* Spin with PSTATE.I open until the IRQ arrives or `limit` ticks pass. */
static void wait_irq(uint64_t limit)
{
    uint64_t end = SYSREG_RD(cntvct_el0) + limit;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    while (!seen.count && SYSREG_RD(cntvct_el0) < end)
        ;
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static void check_interrupt(void)
{
    wr(GICD + GICD_CTLR, 1);
    wr(GICC + GICC_CTLR, 1);
    wr(GICC + GICC_PMR, 0xf0);
    wr(GICD + GICD_ISENABLER, 1u << VTIMER_ID);
    seen.count = 0;
    SYSREG_WR(cntv_tval_el0, 62500);             /* 1 ms */
    uint64_t cval = SYSREG_RD(cntv_cval_el0);
    SYSREG_WR(cntv_ctl_el0, CTL_ENABLE);
    wait_irq(62500000);                          /* give up after 1 s */
    CHECK("timer IRQ taken once", seen.count, 1);
    CHECK("timer IRQ vector", seen.vector, 5);
    CHECK("timer IAR = 27", seen.iar, VTIMER_ID);
    CHECK("ISTATUS set in the handler", seen.ctl, CTL_ENABLE | CTL_ISTATUS);
    CHECK("not before CVAL", seen.when >= cval, 1);
    CHECK("IMASK dropped the level", pending0() & (1u << VTIMER_ID), 0);
    SYSREG_WR(cntv_ctl_el0, 0);
}

static void check_wfi(void)
{
    seen.count = 0;
    SYSREG_WR(cntv_tval_el0, 2 * 62500);          /* 2 ms */
    uint64_t cval = SYSREG_RD(cntv_cval_el0);
    SYSREG_WR(cntv_ctl_el0, CTL_ENABLE);
    /* PSTATE.I is masked: WFI still wakes on the pending IRQ. WFI may
     * also wake early, so wait again until the line is seen. */
    uint64_t end = cval + 62500000;
    while (!(SYSREG_RD(isr_el1) & ISR_I) && SYSREG_RD(cntvct_el0) < end)
        __asm__ volatile("wfi" ::: "memory");
    uint64_t woke = SYSREG_RD(cntvct_el0);
    CHECK("WFI woken by the timer", (SYSREG_RD(isr_el1) & ISR_I) != 0, 1);
    CHECK("woke no earlier than CVAL", woke >= cval, 1);
    CHECK("no IRQ taken while masked", seen.count, 0);
    wait_irq(62500000);
    CHECK("taken once unmasked", seen.count, 1);
    CHECK("taken IAR", seen.iar, VTIMER_ID);
    SYSREG_WR(cntv_ctl_el0, 0);
    wr(GICD + GICD_ICENABLER, 1u << VTIMER_ID);
}

/* EL0 code: read the register named by the caller's choice of entry, then
 * SVC back to EL1. */
extern void el0_call(uint64_t el0_sp, void *entry);
extern char el0_read_vct[], el0_read_vctl[], el0_back[];
__asm__(".text\n"
        ".global el0_call\n"
        "el0_call:\n\t"
        "msr sp_el0, x0\n\t"
        "msr elr_el1, x1\n\t"
        "mov x9, #0x3c0\n\t"
        "msr spsr_el1, x9\n\t"
        "eret\n"
        ".global el0_read_vct\n"
        "el0_read_vct:\n\t"
        "mrs x0, cntvct_el0\n\t"
        "svc #0\n"
        ".global el0_read_vctl\n"
        "el0_read_vctl:\n\t"
        "mrs x0, cntv_ctl_el0\n\t"
        "svc #0\n"
        ".global el0_back\n"
        "el0_back:\n\t"
        "ret");

static uint64_t el0_stack[64] __attribute__((aligned(16)));
static volatile uint64_t el0_esr;

/* Anything from EL0 ends the excursion: back to el0_back at EL1h. */
static void el0_handler(struct exc_frame *f, int vector)
{
    el0_esr = f->esr;
    f->elr = (uint64_t)el0_back;
    f->spsr = 0x3c5;
}

static uint64_t el0_try(void *entry)
{
    el0_esr = 0;
    guest_exc_hook = el0_handler;
    el0_call((uint64_t)(el0_stack + 64), entry);
    guest_exc_hook = handler;
    return el0_esr;
}

static void check_el0_access(void)
{
    SYSREG_WR(cntkctl_el1, 0);
    /* MRS trap: EC 0x18, IL, Op0 3, Op2 2, Op1 3, CRn 14, Rt 0, CRm 0, read. */
    CHECK("EL0 CNTVCT traps without EL0VCTEN", el0_try(el0_read_vct), 0x6234f801);
    CHECK("EL0 CNTV_CTL traps without EL0VTEN", el0_try(el0_read_vctl), 0x6232f807);
    SYSREG_WR(cntkctl_el1, (1u << 1) | (1u << 8));
    CHECK("EL0 CNTVCT with EL0VCTEN: SVC", el0_try(el0_read_vct), 0x56000000);
    CHECK("EL0 CNTV_CTL with EL0VTEN: SVC", el0_try(el0_read_vctl), 0x56000000);
    SYSREG_WR(cntkctl_el1, 0);
}

int main(void)
{
    guest_exc_hook = handler;
    check_counter();
    check_status_and_level();
    check_interrupt();
    check_wfi();
    check_el0_access();
    return guest_done("timer");
}
