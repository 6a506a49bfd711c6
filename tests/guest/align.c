/* Alignment, DC ZVA and cache maintenance (Arm ARM D1.3.5, B2.5, C5.3):
 *  - PC alignment: BLR, RET or ERET to an address with bit 1 set takes a
 *    PC alignment fault on the fetch, EC 0x22, IL, ELR = FAR = the address,
 *    from EL1 and from EL0;
 *  - SCTLR_EL1.A = 1: misaligned loads, stores and pairs take an alignment
 *    fault (EC 0x25/0x24, DFSC 0x21, WnR, FAR = the address); aligned
 *    accesses and byte accesses do not;
 *  - DC ZVA with the MMU on (Normal memory): DCZID_EL0 = 4 (64-byte
 *    blocks), zeroes exactly the aligned block holding the address; at EL0
 *    DCZID_EL0.DZP is set and DC ZVA traps (EC 0x18) unless SCTLR_EL1.DZE;
 *  - IC IALLU/IALLUIS/IVAU and DC IVAC/CVAC/CVAU/CIVAC/ISW/CSW/CISW at EL1
 *    complete without an exception and leave memory as it was; at EL0 the
 *    by-VA operations trap with EC 0x18 unless SCTLR_EL1.UCI, and the
 *    EL1-only ones are UNDEFINED.
 * Not checked: the SP alignment fault (SCTLR_EL1.SA, EC 0x26), which QEMU
 * 7.2 does not implement; misaligned accesses to Device memory (MMU off)
 * with SCTLR_EL1.A clear, which QEMU 7.2 lets through. */
#include "exc_log.h"

#define SCTLR_A (1ull << 1)
#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCI (1ull << 26)

extern char el0_back[];

/* SVC #0xfff from EL0 and a PC alignment fault at EL0 end the excursion;
 * a PC alignment fault at EL1 returns to X30; other synchronous
 * exceptions step over the instruction. */
static void handler(struct exc_frame *f, int vector)
{
    exc_event_record(f, vector);
    unsigned ec = (unsigned)(f->esr >> 26);
    if ((ec == 0x15 && (f->esr & 0xffff) == 0xfff) || (ec == 0x22 && vector >= 8)) {
        f->elr = (uint64_t)el0_back;
        f->spsr = 0x3c5;
    } else if (ec == 0x22) {
        f->elr = f->x[30];
    } else if (ec != 0x15) {
        f->elr += 4;
    }
}

/* el0_run(pc, x1): run EL0 code at pc with X1 until SVC #0xfff. */
extern void el0_run(uint64_t pc, uint64_t arg);
extern void eret_misaligned(uint64_t pc);
extern char e_ld[], e_br[], e_cache[], e_cache_el1only[], e_zva[], aligned_fn[];
__asm__(".text\n"
        ".global el0_run, el0_back, eret_misaligned\n"
        "el0_run:\n\t"
        "msr elr_el1, x0\n\t"
        "mov x9, #0x3c0\n\t"
        "msr spsr_el1, x9\n\t"
        "eret\n"
        "el0_back:\n\t"
        "ret\n"
        /* ERET at EL1h to X0; X30 is where the fault handler returns. */
        "eret_misaligned:\n\t"
        "msr elr_el1, x0\n\t"
        "mov x9, #0x3c5\n\t"
        "msr spsr_el1, x9\n\t"
        "eret\n"
        ".balign 4\n"
        ".global aligned_fn\n"
        "aligned_fn:\n\t"
        "mov x0, #0x42\n\t"
        "ret\n"
        ".global e_ld, e_br, e_cache, e_cache_el1only, e_zva\n"
        "e_ld:\n\t"
        "ldr x2, [x1]\n\t"
        "str x2, [x1]\n\t"
        "svc #0xfff\n"
        "e_br:\n\t"
        "br x1\n"
        "e_cache:\n\t"
        "dc cvac, x1\n\t"
        "dc cvau, x1\n\t"
        "dc civac, x1\n\t"
        "ic ivau, x1\n\t"
        "svc #0xfff\n"
        "e_cache_el1only:\n\t"
        "dc ivac, x1\n\t"
        "ic iallu\n\t"
        "ic ialluis\n\t"
        "dc isw, xzr\n\t"
        "svc #0xfff\n"
        "e_zva:\n\t"
        "mrs x2, dczid_el0\n\t"
        "dc zva, x1\n\t"
        "svc #0xfff\n");

static uint64_t call(uint64_t va)
{
    register uint64_t x0 __asm__("x0") = 0xdead;
    register uint64_t x16 __asm__("x16") = va;
    __asm__ volatile("blr %1" : "+r"(x0) : "r"(x16)
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x17", "x18", "x30", "cc", "memory");
    return x0;
}

static void check_pc_alignment(void)
{
    uint64_t fn = (uint64_t)aligned_fn;
    exc_events_reset();
    CHECK("BLR to an aligned function", call(fn), 0x42);
    CHECK("BLR to x|2: skipped", call(fn | 2), 0xdead);
    CHECK("BLR to x|2: one exception", exc_count, 1);
    CHECK("PC alignment ESR (EC 0x22, IL)", exc_events[0].esr, 0x8a000000);
    CHECK("PC alignment ELR", exc_events[0].elr, fn | 2);
    CHECK("PC alignment FAR", exc_events[0].far, fn | 2);
    CHECK("PC alignment vector", exc_events[0].vector, 4);

    exc_events_reset();
    register uint64_t x0 __asm__("x0") = fn | 1;
    __asm__ volatile("bl eret_misaligned" : "+r"(x0) : : "x1", "x2", "x3", "x4", "x5", "x6", "x7",
                     "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18",
                     "x30", "cc", "memory");
    CHECK("ERET to x|1: PC alignment", exc_events[0].esr, 0x8a000000);
    CHECK("ERET to x|1: ELR", exc_events[0].elr, fn | 1);
    CHECK("ERET to x|1: FAR", exc_events[0].far, fn | 1);
    CHECK("ERET to x|1: SPSR (the EL1h it returned to)", exc_events[0].spsr & 0xf, 5);

    exc_events_reset();
    el0_run((uint64_t)e_br, fn | 2);
    CHECK("EL0 BR to x|2: one exception", exc_count, 1);
    CHECK("EL0 PC alignment ESR", exc_events[0].esr, 0x8a000000);
    CHECK("EL0 PC alignment vector", exc_events[0].vector, 8);
    CHECK("EL0 PC alignment ELR", exc_events[0].elr, fn | 2);
    CHECK("EL0 PC alignment FAR", exc_events[0].far, fn | 2);
}

static uint8_t buf[256] __attribute__((aligned(64)));

static uint64_t ld8(uint64_t a)
{
    uint64_t v = 0xdead;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static void check_sctlr_a(void)
{
    uint64_t b = (uint64_t)buf;
    uint64_t sctlr = SYSREG_RD(sctlr_el1);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    SYSREG_WR(sctlr_el1, sctlr | SCTLR_A);
    exc_events_reset();
    uint64_t v = ld8(b + 8);
    uint32_t w;
    uint8_t byte;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(w) : "r"(b + 4) : "memory");
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(byte) : "r"(b + 3) : "memory");
    int clean = exc_count;
    uint64_t bad = ld8(b + 1);
    __asm__ volatile("mov x9, #7\n\tstrh w9, [%0]" : : "r"(b + 0x21) : "x9", "memory");
    __asm__ volatile("ldp x9, x10, [%0]" : : "r"(b + 4) : "x9", "x10", "memory");
    __asm__ volatile("ldr w9, [%0]" : : "r"(b + 2) : "x9", "memory");
    SYSREG_WR(sctlr_el1, sctlr);
    CHECK("A = 1: aligned accesses work", clean, 0);
    CHECK("A = 1: aligned LDR", v, 0x0f0e0d0c0b0a0908ull);
    CHECK("A = 1: aligned LDR W", w, 0x07060504);
    CHECK("A = 1: LDRB anywhere", byte, 3);
    CHECK("A = 1: misaligned LDR skipped", bad, 0xdead);
    CHECK("A = 1: four faults", exc_count, 4);
    CHECK("LDR X misaligned: ESR", exc_events[0].esr, 0x96000021);
    CHECK("LDR X misaligned: FAR", exc_events[0].far, b + 1);
    CHECK("STRH misaligned: ESR (WnR)", exc_events[1].esr, 0x96000061);
    CHECK("STRH misaligned: FAR", exc_events[1].far, b + 0x21);
    CHECK("STRH misaligned: memory unchanged", buf[0x21] | buf[0x22], 0);
    CHECK("LDP X at 4 mod 8: ESR", exc_events[2].esr, 0x96000021);
    CHECK("LDP X at 4 mod 8: FAR", exc_events[2].far, b + 4);
    CHECK("LDR W at 2 mod 4: ESR", exc_events[3].esr, 0x96000021);

    SYSREG_WR(sctlr_el1, sctlr | SCTLR_A);
    exc_events_reset();
    el0_run((uint64_t)e_ld, b + 12);
    el0_run((uint64_t)e_ld, b + 16);
    SYSREG_WR(sctlr_el1, sctlr);
    CHECK("EL0 A = 1: two faults and SVC, then only SVC", exc_count, 4);
    CHECK("EL0 misaligned LDR: ESR (EC 0x24)", exc_events[0].esr, 0x92000021);
    CHECK("EL0 misaligned LDR: FAR", exc_events[0].far, b + 12);
    CHECK("EL0 misaligned LDR: ELR", exc_events[0].elr, (uint64_t)e_ld);
    CHECK("EL0 misaligned STR: ESR", exc_events[1].esr, 0x92000061);
    CHECK("EL0 aligned: only the SVC", exc_events[3].esr, 0x56000fff);
    CHECK("EL0 aligned: value", exc_events[3].x[2], 0x1716151413121110ull);
}

/* A 39-bit, 4K-granule identity map: the first GiB as Device-nGnRnE (the
 * devices), the second (RAM) as Normal write-back, EL1 only. */
static uint64_t l1[512] __attribute__((aligned(4096)));

static void mmu_on(void)
{
    l1[0] = 0x00000000ull | (1ull << 2) | (1ull << 10) | (3ull << 53) | 1;
    l1[1] = 0x40000000ull | (0ull << 2) | (3ull << 8) | (1ull << 10) | 1;
    SYSREG_WR(mair_el1, 0x00ffull);
    /* T0SZ 25, IRGN0/ORGN0 WB, SH0 inner, TG0 4K, EPD1, IPS 40 bits. */
    SYSREG_WR(tcr_el1, 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32);
    SYSREG_WR(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb ish\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) | SCTLR_M | SCTLR_C);
}

static void mmu_off(void)
{
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) & ~(SCTLR_M | SCTLR_C));
    __asm__ volatile("dsb ish\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
}

static void check_dc_zva(void)
{
    uint64_t b = (uint64_t)buf;
    uint64_t sctlr = SYSREG_RD(sctlr_el1);
    uint64_t dczid = SYSREG_RD(dczid_el0);
    CHECK("DCZID_EL0 at EL1: 64-byte blocks, allowed", dczid, 4);
    unsigned bs = 4u << (dczid & 0xf);   /* block size in bytes */
    if (bs > 64)
        bs = 64;                          /* what buf can hold */
    mmu_on();
    for (int i = 0; i < 256; i++)
        buf[i] = 0xa5;
    exc_events_reset();
    __asm__ volatile("dc zva, %0" : : "r"(b + bs + bs / 2 + 3) : "memory");
    unsigned zeros = 0, kept = 0;
    for (unsigned i = 0; i < 256; i++) {
        if (i >= bs && i < 2 * bs)
            zeros += buf[i] == 0;
        else
            kept += buf[i] == 0xa5;
    }
    CHECK("DC ZVA: no exception", exc_count, 0);
    CHECK("DC ZVA: the aligned DCZID_EL0-sized block zeroed", zeros, bs);
    CHECK("DC ZVA: nothing else touched", kept, 256 - bs);

    /* Cache maintenance at EL1: no exception, memory unchanged. */
    buf[0x90] = 0x5a;
    __asm__ volatile("dc cvac, %0\n\tdc cvau, %0\n\tdc civac, %0\n\tdc ivac, %0\n\t"
                     "ic ivau, %0\n\tic iallu\n\tic ialluis\n\tdc isw, xzr\n\tdc csw, xzr\n\t"
                     "dc cisw, xzr\n\tdsb ish\n\tisb"
                     : : "r"(b + 0x90) : "memory");
    CHECK("cache maintenance at EL1: no exception", exc_count, 0);
    CHECK("cache maintenance: memory unchanged", buf[0x90], 0x5a);
    mmu_off();

    /* EL0, MMU off: DZE 0 traps DC ZVA and DCZID.DZP reads 1. */
    SYSREG_WR(sctlr_el1, sctlr & ~(SCTLR_DZE | SCTLR_UCI));
    exc_events_reset();
    el0_run((uint64_t)e_zva, b + 0x80);
    CHECK("EL0 DZE 0: trap then SVC", exc_count, 2);
    CHECK("EL0 DZE 0: DCZID_EL0.DZP", exc_events[1].x[2], 0x14);
    /* ISS: Op0 1, Op2 1, Op1 3, CRn 7, Rt 1, CRm 4, write. */
    CHECK("EL0 DC ZVA trap ESR", exc_events[0].esr, 0x62000000u | 1u << 20 | 1u << 17 | 3u << 14 |
          7u << 10 | 1u << 5 | 4u << 1);
    CHECK("EL0 DC ZVA trap ELR", exc_events[0].elr, (uint64_t)e_zva + 4);

    exc_events_reset();
    el0_run((uint64_t)e_cache, b + 0x80);
    CHECK("EL0 UCI 0: four traps then SVC", exc_count, 5);
    CHECK("EL0 DC CVAC trap", exc_events[0].esr, 0x62000000u | 1u << 20 | 1u << 17 | 3u << 14 |
          7u << 10 | 1u << 5 | 10u << 1);
    CHECK("EL0 DC CVAU trap", exc_events[1].esr, 0x62000000u | 1u << 20 | 1u << 17 | 3u << 14 |
          7u << 10 | 1u << 5 | 11u << 1);
    CHECK("EL0 DC CIVAC trap", exc_events[2].esr, 0x62000000u | 1u << 20 | 1u << 17 | 3u << 14 |
          7u << 10 | 1u << 5 | 14u << 1);
    CHECK("EL0 IC IVAU trap", exc_events[3].esr, 0x62000000u | 1u << 20 | 1u << 17 | 3u << 14 |
          7u << 10 | 1u << 5 | 5u << 1);

    SYSREG_WR(sctlr_el1, sctlr | SCTLR_UCI);
    exc_events_reset();
    el0_run((uint64_t)e_cache, b + 0x80);
    CHECK("EL0 UCI 1: only the SVC", exc_count, 1);
    exc_events_reset();
    el0_run((uint64_t)e_cache_el1only, b + 0x80);
    CHECK("EL0 EL1-only cache ops: four UNDEF then SVC", exc_count, 5);
    for (int i = 0; i < 4; i++)
        CHECK("EL0 EL1-only cache op UNDEFINED", exc_events[i].esr, 0x02000000);
    SYSREG_WR(sctlr_el1, sctlr);
}

int main(void)
{
    guest_exc_hook = handler;
    check_pc_alignment();
    check_sctlr_a();
    check_dc_zva();
    guest_exc_hook = 0;
    return guest_done("align");
}
