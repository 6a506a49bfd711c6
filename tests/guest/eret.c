/* Exception entry and return between EL0, EL1t and EL1h (Arm ARM D1.10,
 * D1.11), with the MMU off:
 *  - ERET to EL0t, EL1t and EL1h: CurrentEL, SPSel and the stack pointer
 *    each gets (SP_EL0 or SP_EL1), SVC back through the vector for the
 *    level it came from (VBAR_EL1 + 0x000 "current EL, SP_EL0" = index 0,
 *    + 0x200 index 4, + 0x400 "lower EL, AArch64" index 8) with SPSR_EL1.M
 *    naming that level and NZCV/DAIF restored by ERET;
 *  - MSR SPSel: SP_EL0 becomes the stack pointer at EL1 and MRS SP_EL0 is
 *    then UNDEFINED;
 *  - DAIF: a pending SGI (GICv2 at 0x08000000/0x08010000) is not taken
 *    while PSTATE.I is set, is taken once unmasked by DAIFClr, MSR DAIF or
 *    ERET, through the IRQ vector of the level it interrupts (index 5, 1 or
 *    9); exception entry masks D, A, I and F;
 *  - illegal exception return: SPSR_EL1.M naming EL2, EL3 (not
 *    implemented) or the reserved EL0 with SP_EL0 = 1 keeps EL1h, sets
 *    PSTATE.IL, restores NZCV and DAIF, and the instruction at ELR takes an
 *    Illegal Execution state exception: EC 0x0e, IL, SPSR_EL1.IL set;
 *    a legal return with SPSR_EL1.IL set does the same at the target level;
 *  - at EL0: HVC, SMC, ERET, MRS of EL1 registers (SCTLR_EL1, CurrentEL,
 *    SPSel), MSR SPSel, TLBI and AT are UNDEFINED (EC 0); MSR DAIFSet (SCTLR_EL1.UMA = 0), MRS
 *    CTR_EL0 (UCT = 0) trap with EC 0x18 and the instruction's ISS; reads
 *    of DAIF with UMA = 1 and of CTR_EL0 with UCT = 1 work; WFI traps
 *    with nTWI = 0 (EC 0x01); BRK (EC 0x3c);
 *  - at EL1: MSR MIDR_EL1 and MRS OSLAR_EL1 are UNDEFINED, an unallocated
 *    ID register reads as zero. */
#include "exc_log.h"
#include "../lib/gicv2_regs.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL

#define SCTLR_UMA (1ull << 9)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_NTWI (1ull << 16)

static inline uint32_t rd(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void wr(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

extern char eret_back[];

/* Records every exception. IRQs are acknowledged and ended; SVC #0xfff
 * ends an excursion (back to eret_back at EL1h); an Illegal Execution
 * state exception resumes at ELR with PSTATE.IL clear; anything else
 * synchronous steps over the instruction. */
static void handler(struct exc_frame *f, int vector)
{
    volatile struct exc_event *e = exc_event_record(f, vector);
    if ((vector & 3) == 1) {
        e->iar = rd(GICC + GICC_IAR);
        wr(GICC + GICC_EOIR, e->iar);
        return;
    }
    unsigned ec = (unsigned)(f->esr >> 26);
    if (ec == 0x15 && (f->esr & 0xffff) == 0xfff) {
        f->elr = (uint64_t)eret_back;
        f->spsr = 0x3c5;
    } else if (ec == 0x0e) {
        f->spsr &= ~(1ull << 20);
    } else if (ec != 0x15) {
        f->elr += 4;
    }
}

/* ERET to `pc` with SPSR_EL1 = spsr, SP_EL0 = sp0 and X1 = arg; the code
 * there ends with SVC #0xfff, which returns here (X0 = its X0). */
extern uint64_t eret_to(uint64_t pc, uint64_t spsr, uint64_t sp0, uint64_t arg);
extern char s_info[], s_info_svc[], s_irq_wait[], s_el0_undef[], s_el0_traps[], s_el0_allowed[],
    s_illegal_target[], s_spsel[], s_el0_wfi[];
__asm__(".text\n"
        ".global eret_to, eret_back\n"
        "eret_to:\n\t"
        "msr elr_el1, x0\n\t"
        "msr spsr_el1, x1\n\t"
        "msr sp_el0, x2\n\t"
        "mov x1, x3\n\t"
        "mov x0, #0\n\t"
        "eret\n"
        "eret_back:\n\t"
        "ret\n"
        /* X2 = CurrentEL (not at EL0), X3 = SP, X4 = NZCV; SVC #1. */
        ".global s_info, s_info_svc\n"
        "s_info:\n\t"
        "mov x3, sp\n\t"
        "mrs x4, nzcv\n\t"
        "cbz x1, 1f\n\t"
        "mrs x2, currentel\n"
        "1:\n"
        "s_info_svc:\n\t"
        "svc #1\n\t"
        "svc #0xfff\n"
        /* Spin so a pending IRQ is taken here. */
        ".global s_irq_wait\n"
        "s_irq_wait:\n\t"
        "mov x3, #2000\n"
        "2:\n\t"
        "subs x3, x3, #1\n\t"
        "b.ne 2b\n\t"
        "svc #0xfff\n"
        /* EL0: each UNDEFINED in turn. */
        ".global s_el0_undef\n"
        "s_el0_undef:\n\t"
        "hvc #0\n\t"
        "smc #0\n\t"
        "eret\n\t"
        "mrs x2, sctlr_el1\n\t"
        "mrs x2, currentel\n\t"
        "mrs x2, spsel\n\t"
        "msr spsel, #1\n\t"
        "tlbi vmalle1\n\t"
        "at s1e0r, x1\n\t"
        "svc #0xfff\n"
        /* EL0: trapped by SCTLR_EL1.UMA and UCT. */
        ".global s_el0_traps\n"
        "s_el0_traps:\n\t"
        "msr daifset, #2\n\t"
        "mrs x2, daif\n\t"
        "mrs x3, ctr_el0\n\t"
        "svc #0xfff\n"
        ".global s_el0_wfi\n"
        "s_el0_wfi:\n\t"
        "wfi\n\t"
        "brk #5\n\t"
        "svc #0xfff\n"
        ".global s_el0_allowed\n"
        "s_el0_allowed:\n\t"
        "mrs x2, daif\n\t"
        "mrs x3, ctr_el0\n\t"
        "mrs x4, nzcv\n\t"
        "svc #0xfff\n"
        ".global s_illegal_target\n"
        "s_illegal_target:\n\t"
        "mrs x2, currentel\n\t"
        "mrs x3, nzcv\n\t"
        "mrs x4, daif\n\t"
        "svc #0xfff\n"
        /* SPSel: X0 = new SP_EL0 value; stores at [X1] SP with SPSel 0,
         * SPSel read then, SP after SPSel 1 minus SP before, and 0x5555
         * unless MRS SP_EL0 (UNDEFINED with SPSel 0) overwrote it. */
        ".global s_spsel\n"
        "s_spsel:\n\t"
        "mov x9, sp\n\t"
        "msr sp_el0, x0\n\t"
        "msr spsel, #0\n\t"
        "mov x2, sp\n\t"
        "mrs x3, spsel\n\t"
        "mov x5, #0x5555\n\t"
        "mrs x5, sp_el0\n\t"
        "svc #3\n\t"
        "msr spsel, #1\n\t"
        "mov x4, sp\n\t"
        "sub x4, x4, x9\n\t"
        "stp x2, x3, [x1]\n\t"
        "stp x4, x5, [x1, #16]\n\t"
        "ret\n");

static uint64_t el0_stack[32] __attribute__((aligned(16)));
#define SP0 ((uint64_t)(el0_stack + 32))

static void check_levels(void)
{
    /* EL1h -> EL0t. */
    exc_events_reset();
    eret_to((uint64_t)s_info, 0x3c0 | 0x90000000u, SP0, 0);
    CHECK("EL0: two SVCs", exc_count, 2);
    CHECK("EL0: SVC vector (lower EL, AArch64)", exc_events[0].vector, 8);
    CHECK("EL0: SVC ESR", exc_events[0].esr, 0x56000001);
    CHECK("EL0: SVC ELR", exc_events[0].elr, (uint64_t)s_info_svc + 4);
    CHECK("EL0: SPSR (EL0t, NZCV, DAIF)", exc_events[0].spsr, 0x900003c0);
    CHECK("EL0: SP is SP_EL0", exc_events[0].x[3], SP0);
    CHECK("EL0: NZCV from SPSR", exc_events[0].x[4], 0x90000000);
    CHECK("exception entry masks DAIF", exc_events[0].daif, 0x3c0);

    /* EL1h -> EL1t: SP_EL0, vector 0. */
    exc_events_reset();
    eret_to((uint64_t)s_info, 0x3c4 | 0x40000000u, SP0 - 64, 1);
    CHECK("EL1t: SVC vector (current EL, SP_EL0)", exc_events[0].vector, 0);
    CHECK("EL1t: SVC ESR", exc_events[0].esr, 0x56000001);
    CHECK("EL1t: SPSR", exc_events[0].spsr, 0x400003c4);
    CHECK("EL1t: CurrentEL", exc_events[0].x[2], 4);
    CHECK("EL1t: SP is SP_EL0", exc_events[0].x[3], SP0 - 64);
    CHECK("EL1t: NZCV", exc_events[0].x[4], 0x40000000);

    /* EL1h -> EL1h with DAIF partly open. */
    exc_events_reset();
    uint64_t sp1;
    __asm__ volatile("mov %0, sp" : "=r"(sp1));
    eret_to((uint64_t)s_info, 0x345 | 0x20000000u, SP0, 1);
    CHECK("EL1h: SVC vector (current EL, SP_ELx)", exc_events[0].vector, 4);
    CHECK("EL1h: SPSR", exc_events[0].spsr, 0x20000345);
    CHECK("EL1h: CurrentEL", exc_events[0].x[2], 4);
    CHECK("EL1h: SP is SP_EL1", exc_events[0].x[3], sp1);
    CHECK("SP_EL0 kept", SYSREG_RD(sp_el0), SP0);
}

static void check_spsel(void)
{
    exc_events_reset();
    static uint64_t out[4];
    register uint64_t x0 __asm__("x0") = SP0 - 32;
    register uint64_t x1 __asm__("x1") = (uint64_t)out;
    __asm__ volatile("bl s_spsel"
                     : "+r"(x0), "+r"(x1)
                     :
                     : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
                       "x14", "x15", "x16", "x17", "x18", "x30", "cc", "memory");
    CHECK("SPSel 0: SP is SP_EL0", out[0], SP0 - 32);
    CHECK("SPSel reads 0", out[1], 0);
    CHECK("SPSel 1: SP_EL1 back", out[2], 0);
    CHECK("MRS SP_EL0 with SPSel 0 skipped", out[3], 0x5555);
    CHECK("SPSel: two exceptions", exc_count, 2);
    CHECK("MRS SP_EL0 with SPSel 0 UNDEFINED", exc_events[0].esr, 0x02000000);
    CHECK("MRS SP_EL0 UNDEF taken from EL1t", exc_events[0].vector, 0);
    CHECK("SVC from EL1t vector", exc_events[1].vector, 0);
    CHECK("SVC from EL1t SPSR.M", exc_events[1].spsr & 0xf, 4);
    CHECK("SPSel reads 1 again", SYSREG_RD(spsel), 1);
}

static void sgi(unsigned n)
{
    wr(GICD + GICD_SGIR, SGI_SELF | n);
}

static void check_daif(void)
{
    wr(GICD + 0x000, 1);     /* GICD_CTLR */
    wr(GICC + 0x000, 1);     /* GICC_CTLR */
    wr(GICC + 0x004, 0xf0);  /* GICC_PMR */

    exc_events_reset();
    sgi(1);
    CHECK("SGI pending", rd(GICD + GICD_ISPENDR) & 2, 2);
    CHECK("ISR_EL1.I while masked", SYSREG_RD(isr_el1), 0x80);
    __asm__ volatile("isb\n\tnop\n\tnop" ::: "memory");
    CHECK("masked: not taken", exc_count, 0);
    __asm__ volatile("msr daifset, #0xf\n\tmsr daifclr, #1\n\tisb\n\tnop\n\tmsr daifset, #1" ::: "memory");
    CHECK("FIQ unmasked only: not taken", exc_count, 0);
    __asm__ volatile("msr daifclr, #2\n\tisb\n\tnop\n\tmsr daifset, #2" ::: "memory");
    CHECK("DAIFClr: taken once", exc_count, 1);
    CHECK("DAIFClr: IRQ vector (current EL, SP_ELx)", exc_events[0].vector, 5);
    CHECK("DAIFClr: IAR", exc_events[0].iar, 1);
    CHECK("IRQ: SPSR.I clear", exc_events[0].spsr & 0x3cf, 0x345);
    CHECK("IRQ entry masks DAIF", exc_events[0].daif, 0x3c0);
    CHECK("DAIF after", SYSREG_RD(daif), 0x3c0);

    exc_events_reset();
    sgi(2);
    __asm__ volatile("msr daif, %0\n\tisb\n\tnop\n\tmsr daifset, #2" : : "r"(0x340ull) : "memory");
    CHECK("MSR DAIF: taken", exc_count, 1);
    CHECK("MSR DAIF: IAR", exc_events[0].iar, 2);

    /* ERET opens PSTATE.I at the target level. */
    exc_events_reset();
    sgi(3);
    eret_to((uint64_t)s_irq_wait, 0x345, SP0, 1);
    CHECK("ERET to EL1h, I clear: IRQ vector 5", exc_events[0].vector, 5);
    CHECK("ERET to EL1h: IAR", exc_events[0].iar, 3);
    CHECK("ERET to EL1h: ELR in the target code", exc_events[0].elr - (uint64_t)s_irq_wait < 16, 1);
    exc_events_reset();
    sgi(4);
    eret_to((uint64_t)s_irq_wait, 0x344, SP0, 1);
    CHECK("ERET to EL1t: IRQ vector 1", exc_events[0].vector, 1);
    CHECK("ERET to EL1t: IAR", exc_events[0].iar, 4);
    exc_events_reset();
    sgi(5);
    eret_to((uint64_t)s_irq_wait, 0x340, SP0, 0);
    CHECK("ERET to EL0: IRQ vector 9", exc_events[0].vector, 9);
    CHECK("ERET to EL0: IAR", exc_events[0].iar, 5);
    CHECK("ERET to EL0: SPSR", exc_events[0].spsr & 0x3cf, 0x340);
    CHECK("ERET to EL0: then the SVC", exc_events[1].vector, 8);
    exc_events_reset();
    sgi(6);
    eret_to((uint64_t)s_irq_wait, 0x3c0, SP0, 0);
    CHECK("ERET to EL0 with I set: only the SVC", exc_count, 1);
    CHECK("ERET to EL0 with I set: SVC vector", exc_events[0].vector, 8);
    __asm__ volatile("msr daifclr, #2\n\tisb\n\tnop\n\tmsr daifset, #2" ::: "memory");
    CHECK("SGI 6 taken once unmasked", exc_events[1].iar, 6);
    CHECK("nothing pending after", rd(GICD + GICD_ISPENDR) & 0xffff, 0);
}

static void check_illegal_return(void)
{
    static const uint64_t modes[] = { 0x9, 0xd, 0x1 };
    for (unsigned i = 0; i < 3; i++) {
        exc_events_reset();
        uint64_t spsr = 0x60000000u | 0x280 | modes[i];
        eret_to((uint64_t)s_illegal_target, spsr, SP0, 0);
        CHECK("illegal return: one exception then SVC", exc_count, 2);
        CHECK("illegal return: vector (EL1h kept)", exc_events[0].vector, 4);
        CHECK("illegal return: ESR (EC 0x0e, IL)", exc_events[0].esr, 0x3a000000);
        CHECK("illegal return: ELR = target", exc_events[0].elr, (uint64_t)s_illegal_target);
        CHECK("illegal return: SPSR IL, EL1h, NZCV and DAIF restored", exc_events[0].spsr,
              0x60000000u | (1u << 20) | 0x280 | 0x5);
        CHECK("then the target runs at EL1", exc_events[1].x[2], 4);
        CHECK("target NZCV", exc_events[1].x[3], 0x60000000);
        CHECK("target DAIF (from the SPSR)", exc_events[1].x[4], 0x280);
    }
}

/* A legal return with SPSR_EL1.IL set: PSTATE.IL comes back set and the
 * first instruction at the target takes the Illegal Execution state
 * exception, from EL1h or from EL0. */
static void check_il_in_spsr(void)
{
    exc_events_reset();
    eret_to((uint64_t)s_illegal_target, 0x3c5 | 1u << 20, SP0, 0);
    CHECK("SPSR.IL to EL1h: exception then SVC", exc_count, 2);
    CHECK("SPSR.IL to EL1h: ESR", exc_events[0].esr, 0x3a000000);
    CHECK("SPSR.IL to EL1h: vector", exc_events[0].vector, 4);
    CHECK("SPSR.IL to EL1h: ELR", exc_events[0].elr, (uint64_t)s_illegal_target);
    CHECK("SPSR.IL to EL1h: SPSR", exc_events[0].spsr, 0x3c5 | 1u << 20);

    exc_events_reset();
    eret_to((uint64_t)s_info, 0x3c0 | 1u << 20, SP0, 0);
    CHECK("SPSR.IL to EL0: exception, then SVCs", exc_count, 3);
    CHECK("SPSR.IL to EL0: ESR", exc_events[0].esr, 0x3a000000);
    CHECK("SPSR.IL to EL0: vector (lower EL)", exc_events[0].vector, 8);
    CHECK("SPSR.IL to EL0: ELR", exc_events[0].elr, (uint64_t)s_info);
    CHECK("SPSR.IL to EL0: SPSR", exc_events[0].spsr, 0x3c0 | 1u << 20);
    CHECK("SPSR.IL to EL0: then EL0 runs", exc_events[1].esr, 0x56000001);
    CHECK("SPSR.IL to EL0: SPSR.IL clear after", exc_events[1].spsr, 0x3c0);
}

static void check_el0_traps(void)
{
    uint64_t sctlr = SYSREG_RD(sctlr_el1);
    exc_events_reset();
    eret_to((uint64_t)s_el0_undef, 0x3c0, SP0, 0);
    CHECK("EL0 UNDEF: 9 + SVC", exc_count, 10);
    for (int i = 0; i < 9; i++) {
        CHECK("EL0 UNDEF: ESR EC 0", exc_events[i].esr, 0x02000000);
        CHECK("EL0 UNDEF: ELR", exc_events[i].elr, (uint64_t)s_el0_undef + 4 * (unsigned)i);
        CHECK("EL0 UNDEF: vector", exc_events[i].vector, 8);
    }

    SYSREG_WR(sctlr_el1, sctlr & ~(SCTLR_UMA | SCTLR_UCT));
    exc_events_reset();
    eret_to((uint64_t)s_el0_traps, 0x3c0, SP0, 0);
    CHECK("EL0 traps: 3 + SVC", exc_count, 4);
    /* ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
     * CRm [4:1], Direction [0] (1 = read). */
    /* Op1/Op2 not compared for MSR DAIFSet: QEMU 7.2 reports them swapped
     * (the Arm ARM: Op2 = 6, Op1 = 3). */
    CHECK("MSR DAIFSet at EL0 (UMA 0): EC 0x18", exc_events[0].esr & ~(0x3fu << 14),
          0x62000000u | 4u << 10 | 31u << 5 | 2u << 1);
    CHECK("MRS DAIF at EL0 (UMA 0): EC 0x18", exc_events[1].esr, 0x62000000u | 3u << 20 | 1u << 17 |
          3u << 14 | 4u << 10 | 2u << 5 | 2u << 1 | 1);
    CHECK("MRS CTR_EL0 at EL0 (UCT 0): EC 0x18", exc_events[2].esr,
          0x62000000u | 3u << 20 | 1u << 17 | 3u << 14 | 0u << 10 | 3u << 5 | 0u << 1 | 1);

    /* WFI at EL0 with SCTLR_EL1.nTWI = 0 and nothing pending traps: EC 1,
     * CV 1, COND 0xe; BRK from EL0: EC 0x3c, ELR = the BRK. */
    SYSREG_WR(sctlr_el1, sctlr & ~SCTLR_NTWI);
    exc_events_reset();
    eret_to((uint64_t)s_el0_wfi, 0x3c0, SP0, 0);
    CHECK("EL0 WFI, BRK: two exceptions and SVC", exc_count, 3);
    CHECK("EL0 WFI trapped by nTWI = 0", exc_events[0].esr, 0x07e00000);
    CHECK("EL0 WFI trap ELR", exc_events[0].elr, (uint64_t)s_el0_wfi);
    CHECK("EL0 BRK ESR", exc_events[1].esr, 0xf2000005);
    CHECK("EL0 BRK vector", exc_events[1].vector, 8);
    CHECK("EL0 BRK ELR", exc_events[1].elr, (uint64_t)s_el0_wfi + 4);

    SYSREG_WR(sctlr_el1, sctlr | SCTLR_UMA | SCTLR_UCT);
    exc_events_reset();
    eret_to((uint64_t)s_el0_allowed, 0x300 | 0x80000000u, SP0, 0);
    CHECK("EL0 with UMA and UCT: only the SVC", exc_count, 1);
    CHECK("EL0 reads DAIF", exc_events[0].x[2], 0x300);
    CHECK("EL0 reads CTR_EL0", exc_events[0].x[3], SYSREG_RD(ctr_el0));
    CHECK("EL0 reads NZCV", exc_events[0].x[4], 0x80000000);
    SYSREG_WR(sctlr_el1, sctlr);
}

/* At EL1: MSR to a read-only register and MRS of a write-only one are
 * UNDEFINED; unallocated ID registers read as zero. */
static void check_el1_sysregs(void)
{
    uint64_t v = 0x1234;
    exc_events_reset();
    __asm__ volatile("msr s3_0_c0_c0_0, %0" : : "r"(v) : "memory");      /* MIDR_EL1 */
    __asm__ volatile("mrs %0, s2_0_c1_c0_4" : "+r"(v) : : "memory");     /* OSLAR_EL1 */
    CHECK("MSR MIDR_EL1, MRS OSLAR_EL1: two UNDEF", exc_count, 2);
    CHECK("MSR MIDR_EL1 UNDEFINED", exc_events[0].esr, 0x02000000);
    CHECK("MRS OSLAR_EL1 UNDEFINED", exc_events[1].esr, 0x02000000);
    CHECK("MRS OSLAR_EL1 left Xt alone", v, 0x1234);
    __asm__ volatile("mrs %0, s3_0_c0_c3_7" : "=r"(v) : : "memory");
    CHECK("unallocated ID register reads 0", v, 0);
    CHECK("and does not trap", exc_count, 2);
}

int main(void)
{
    guest_exc_hook = handler;
    check_levels();
    check_spsel();
    check_daif();
    check_illegal_return();
    check_il_in_spsr();
    check_el0_traps();
    check_el1_sysregs();
    guest_exc_hook = 0;
    return guest_done("eret");
}
