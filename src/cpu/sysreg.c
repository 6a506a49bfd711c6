/*
 * The system register table (Arm ARM D13 "AArch64 System Register
 * Descriptions"; the key space is C5.3). One row per register or system
 * instruction: who may access it from EL0 and EL1, and how it reads and
 * writes. Values and write masks follow QEMU 7.2's cortex-a57 on the virt
 * board with no EL2/EL3, as read back from that model.
 *
 * Order of checks on an access: the row's EL permission (UNDEFINED if not
 * allowed), then its trap check (EL0 traps controlled by SCTLR_EL1, CNTKCTL_EL1,
 * PMUSERENR_EL0: EC 0x18), then CPACR_EL1.FPEN for FP registers.
 */
#include "cpu/sysreg.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "cpu/access.h"
#include "cpu/mmu.h"
#include "cpu/timer.h"
#include "cpu/tlb.h"

#define K SYSREG_KEY

/* SCTLR_EL1 bits with EL0 controls (D13.2.118). */
#define SCTLR_UMA (1ull << 9)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_UCI (1ull << 26)

/* CNTKCTL_EL1 EL0 access controls (D13.8.x). */
#define CNTKCTL_EL0PCTEN (1ull << 0)
#define CNTKCTL_EL0VCTEN (1ull << 1)
#define CNTKCTL_EL0VTEN (1ull << 8)
#define CNTKCTL_EL0PTEN (1ull << 9)

/* PMU: QEMU's cortex-a57 PMCR_EL0 (N = 6 event counters) and its writable bits. */
#define PMCR_RESET 0x41013000ull
#define PMCR_WRITABLE 0xf9ull
#define PMCR_E 1ull
#define PMCR_P 2ull
#define PMCR_C 4ull
#define PMU_COUNTERS 6u
#define PMU_CNT_MASK ((1ull << 31) | ((1ull << PMU_COUNTERS) - 1))
#define PMUSERENR_EN 1ull
#define PMUSERENR_SW 2ull
#define PMUSERENR_CR 4ull
#define PMUSERENR_ER 8ull

/* Debug: 6 breakpoints and 4 watchpoints (ID_AA64DFR0_EL1.BRPs/WRPs). */
#define DBG_BRPS 6u
#define DBG_WRPS 4u

/* Row flags. */
#define R0 0x01u     /* readable at EL0 */
#define W0 0x02u     /* writable at EL0 */
#define R1 0x04u     /* readable at EL1 */
#define W1 0x08u     /* writable at EL1 */
#define SYNC 0x10u   /* a write changes control state: end the block */
#define FLUSH 0x20u  /* a write changes translation: flush the TLB too */
#define FP 0x40u     /* subject to CPACR_EL1.FPEN */
#define NEW_ASID 0x80u   /* a write changes the address space: flush nG entries */
#define RW1 (R1 | W1)
#define RW01 (R0 | W0 | R1 | W1)

struct sysreg {
    const char *name;
    uint16_t key, wild;   /* key bits under `wild` may take any value (register arrays) */
    uint8_t flags;
    uint16_t off;         /* offsetof(struct cpu, field) for a plain stored register, else 0 */
    uint64_t value;       /* constant value, or write mask of a stored register */
    enum sysreg_status (*check)(struct cpu *cpu, bool write, unsigned key);
    uint64_t (*read)(struct cpu *cpu, unsigned key);
    enum sysreg_status (*write)(struct cpu *cpu, unsigned key, uint64_t v);
};

/* ---- time ---- */

uint64_t sysreg_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The system counter lives with the timers (timer.c). */
uint64_t sysreg_counter(void)
{
    return timer_counter();
}

/* ---- trap checks ---- */

#define EL0_TRAP_UNLESS(cond) \
    return cpu->el == 0 && !(cond) ? SYSREG_TRAP : SYSREG_OK

static enum sysreg_status chk_uct(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.sctlr_el1 & SCTLR_UCT);
}
static enum sysreg_status chk_uci(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.sctlr_el1 & SCTLR_UCI);
}
static enum sysreg_status chk_dze(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.sctlr_el1 & SCTLR_DZE);
}
static enum sysreg_status chk_uma(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.sctlr_el1 & SCTLR_UMA);
}
static enum sysreg_status chk_cntfrq(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.cntkctl_el1 & (CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN));
}
static enum sysreg_status chk_cntpct(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.cntkctl_el1 & CNTKCTL_EL0PCTEN);
}
static enum sysreg_status chk_cntvct(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.cntkctl_el1 & CNTKCTL_EL0VCTEN);
}
static enum sysreg_status chk_cntp(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.cntkctl_el1 & CNTKCTL_EL0PTEN);
}
static enum sysreg_status chk_cntv(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.cntkctl_el1 & CNTKCTL_EL0VTEN);
}
static enum sysreg_status chk_pmu(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.pmuserenr_el0 & PMUSERENR_EN);
}
static enum sysreg_status chk_pmswinc(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.pmuserenr_el0 & (PMUSERENR_EN | PMUSERENR_SW));
}
static enum sysreg_status chk_pmccntr(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.pmuserenr_el0 & (PMUSERENR_EN | (w ? 0 : PMUSERENR_CR)));
}
static enum sysreg_status chk_pmer(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.pmuserenr_el0 & (PMUSERENR_EN | (w ? 0 : PMUSERENR_ER)));
}
static enum sysreg_status chk_pmselr(struct cpu *cpu, bool w, unsigned key)
{
    EL0_TRAP_UNLESS(cpu->sys.pmuserenr_el0 & (PMUSERENR_EN | PMUSERENR_ER));
}

/* MSR/MRS SP_EL0 is UNDEFINED while SP_EL0 is the live stack pointer (C5.2.15). */
static enum sysreg_status chk_sp_el0(struct cpu *cpu, bool w, unsigned key)
{
    return cpu->spsel == 0 ? SYSREG_UNDEF : SYSREG_OK;
}

/* ---- special registers (C5.2) ---- */

static uint64_t rd_nzcv(struct cpu *cpu, unsigned key) { return cpu_nzcv(cpu); }
static enum sysreg_status wr_nzcv(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu_set_nzcv(cpu, (uint32_t)v & 0xf0000000u);
    return SYSREG_OK;
}
static uint64_t rd_daif(struct cpu *cpu, unsigned key) { return cpu->daif; }
static enum sysreg_status wr_daif(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->daif = (uint32_t)v & (SPSR_D | SPSR_A | SPSR_I | SPSR_F);
    return SYSREG_SYNC;
}
static uint64_t rd_currentel(struct cpu *cpu, unsigned key) { return (uint64_t)cpu->el << 2; }
static uint64_t rd_spsel(struct cpu *cpu, unsigned key) { return cpu->spsel; }
static enum sysreg_status wr_spsel(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu_set_el_sp(cpu, cpu->el, (unsigned)(v & 1));
    return SYSREG_SYNC;
}
static uint64_t rd_sp_el0(struct cpu *cpu, unsigned key) { return cpu->sp_el[0]; }
static enum sysreg_status wr_sp_el0(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->sp_el[0] = v;
    return SYSREG_OK;
}
static uint64_t rd_fpcr(struct cpu *cpu, unsigned key) { return cpu->fpcr; }
static enum sysreg_status wr_fpcr(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->fpcr = (uint32_t)v & 0x07f70000u; /* AHP, DN, FZ, RMode, Stride, Len: no trap enables */
    return SYSREG_OK;
}
static uint64_t rd_fpsr(struct cpu *cpu, unsigned key) { return cpu->fpsr; }
static enum sysreg_status wr_fpsr(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->fpsr = (uint32_t)v & 0xf800009fu; /* NZCV, QC, cumulative exception flags */
    return SYSREG_OK;
}

/* ---- identification ---- */

static uint64_t rd_midr(struct cpu *cpu, unsigned key) { return cpu->midr; }
static uint64_t rd_mpidr(struct cpu *cpu, unsigned key) { return cpu->mpidr; }

/* CCSIDR_EL1 of the cache CSSELR_EL1 selects: L1D, L1I, L2 (QEMU cortex-a57). */
static uint64_t rd_ccsidr(struct cpu *cpu, unsigned key)
{
    static const uint32_t ccsidr[16] = {0x701fe00a, 0x201fe012, 0x70ffe07a};
    return ccsidr[cpu->sys.csselr_el1 & 0xf];
}

/* DZP reads as 1 where DC ZVA would trap (D13.2.35). */
static uint64_t rd_dczid(struct cpu *cpu, unsigned key)
{
    bool prohibited = cpu->el == 0 && !(cpu->sys.sctlr_el1 & SCTLR_DZE);
    return 4u | (prohibited ? 0x10u : 0); /* 2^4 words = 64-byte blocks */
}

static uint64_t rd_isr(struct cpu *cpu, unsigned key)
{
    uint32_t l = cpu_irq_lines(cpu);
    return ((l & CPU_SERROR_LINE) ? SPSR_A : 0) | ((l & CPU_IRQ_LINE) ? SPSR_I : 0) |
           ((l & CPU_FIQ_LINE) ? SPSR_F : 0);
}

/* ---- debug (D13.3) ---- */

static uint64_t rd_oslsr(struct cpu *cpu, unsigned key) { return cpu->sys.oslsr_el1; }
static enum sysreg_status wr_oslar(struct cpu *cpu, unsigned key, uint64_t v)
{
    /* OSLM = 0b10 (bit 3): the OS lock is implemented; OSLK is bit 1. */
    cpu->sys.oslsr_el1 = 0x8u | ((v & 1) << 1);
    return SYSREG_OK;
}

static unsigned key_crm(unsigned key) { return (key >> 3) & 0xf; }

static enum sysreg_status chk_dbg_b(struct cpu *cpu, bool w, unsigned key)
{
    return key_crm(key) < DBG_BRPS ? SYSREG_OK : SYSREG_UNDEF;
}
static enum sysreg_status chk_dbg_w(struct cpu *cpu, bool w, unsigned key)
{
    return key_crm(key) < DBG_WRPS ? SYSREG_OK : SYSREG_UNDEF;
}
static uint64_t *dbg_slot(struct cpu *cpu, unsigned key)
{
    unsigned n = key_crm(key);
    switch (key & 7) {
    case 4: return &cpu->sys.dbgbvr[n];
    case 5: return &cpu->sys.dbgbcr[n];
    case 6: return &cpu->sys.dbgwvr[n];
    default: return &cpu->sys.dbgwcr[n];
    }
}
static uint64_t rd_dbg(struct cpu *cpu, unsigned key) { return *dbg_slot(cpu, key); }
static enum sysreg_status wr_dbg(struct cpu *cpu, unsigned key, uint64_t v)
{
    *dbg_slot(cpu, key) = (key & 7) == 6 ? v & ~3ull : v;
    return SYSREG_OK;
}

/* ---- generic timer (D11.2) ---- */

static uint64_t rd_cntpct(struct cpu *cpu, unsigned key) { return sysreg_counter(); }
static uint64_t rd_cntvct(struct cpu *cpu, unsigned key)
{
    return sysreg_counter() - cpu->sys.cntvoff_el2;
}

/* Key op2/CRm select the timer: CRm 2 = physical, 3 = virtual. */
static bool key_is_virt(unsigned key) { return key_crm(key) == 3; }

static uint64_t *timer_ctl(struct cpu *cpu, unsigned key)
{
    return key_is_virt(key) ? &cpu->sys.cntv_ctl_el0 : &cpu->sys.cntp_ctl_el0;
}
static uint64_t *timer_cval(struct cpu *cpu, unsigned key)
{
    return key_is_virt(key) ? &cpu->sys.cntv_cval_el0 : &cpu->sys.cntp_cval_el0;
}
static uint64_t timer_count(struct cpu *cpu, unsigned key)
{
    return key_is_virt(key) ? rd_cntvct(cpu, key) : sysreg_counter();
}

static uint64_t rd_timer_ctl(struct cpu *cpu, unsigned key)
{
    uint64_t ctl = *timer_ctl(cpu, key) & 3;
    if ((ctl & 1) && timer_count(cpu, key) >= *timer_cval(cpu, key))
        ctl |= 4; /* ISTATUS */
    return ctl;
}
static enum sysreg_status wr_timer_ctl(struct cpu *cpu, unsigned key, uint64_t v)
{
    *timer_ctl(cpu, key) = v & 3; /* ENABLE, IMASK */
    timer_sync(cpu);
    return SYSREG_SYNC;
}
static uint64_t rd_timer_cval(struct cpu *cpu, unsigned key) { return *timer_cval(cpu, key); }
static enum sysreg_status wr_timer_cval(struct cpu *cpu, unsigned key, uint64_t v)
{
    *timer_cval(cpu, key) = v;
    timer_sync(cpu);
    return SYSREG_SYNC;
}
static uint64_t rd_timer_tval(struct cpu *cpu, unsigned key)
{
    return (uint32_t)(*timer_cval(cpu, key) - timer_count(cpu, key));
}
static enum sysreg_status wr_timer_tval(struct cpu *cpu, unsigned key, uint64_t v)
{
    *timer_cval(cpu, key) = timer_count(cpu, key) + (uint64_t)sext64(v, 32);
    timer_sync(cpu);
    return SYSREG_SYNC;
}

/* ---- performance monitors (D13.5), enough for a driver to probe and count cycles ---- */

static bool pmccntr_running(const struct cpu *cpu)
{
    return (cpu->sys.pmcr_el0 & PMCR_E) && (cpu->sys.pmcnten & (1ull << 31));
}
/* The cycle counter counts host nanoseconds (a 1 GHz clock, as QEMU's). */
static uint64_t rd_pmccntr(struct cpu *cpu, unsigned key)
{
    uint64_t v = cpu->sys.pmccntr_el0;
    if (pmccntr_running(cpu))
        v += sysreg_host_ns() - cpu->sys.pmccntr_ns;
    return v;
}
static void pmccntr_set(struct cpu *cpu, uint64_t v)
{
    cpu->sys.pmccntr_el0 = v;
    cpu->sys.pmccntr_ns = sysreg_host_ns();
}
static enum sysreg_status wr_pmccntr(struct cpu *cpu, unsigned key, uint64_t v)
{
    pmccntr_set(cpu, v);
    return SYSREG_OK;
}
static uint64_t rd_pmcr(struct cpu *cpu, unsigned key) { return cpu->sys.pmcr_el0; }
static enum sysreg_status wr_pmcr(struct cpu *cpu, unsigned key, uint64_t v)
{
    uint64_t cyc = rd_pmccntr(cpu, key);
    if (v & PMCR_C)
        cyc = 0;
    if (v & PMCR_P)
        memset(cpu->sys.pmevcntr, 0, sizeof(cpu->sys.pmevcntr));
    cpu->sys.pmcr_el0 = (PMCR_RESET & ~PMCR_WRITABLE) | (v & PMCR_WRITABLE);
    pmccntr_set(cpu, cyc);
    return SYSREG_OK;
}

/* PMCNTENSET/CLR, PMINTENSET/CLR, PMOVSSET/CLR share one bitmask each; op2 and
 * CRm tell set from clear. */
static uint64_t *pm_mask(struct cpu *cpu, unsigned key)
{
    switch (key) {
    case K(3, 3, 9, 12, 1): case K(3, 3, 9, 12, 2): return &cpu->sys.pmcnten;
    case K(3, 0, 9, 14, 1): case K(3, 0, 9, 14, 2): return &cpu->sys.pminten;
    default: return &cpu->sys.pmovs;
    }
}
static bool pm_mask_is_set(unsigned key)
{
    return key == K(3, 3, 9, 12, 1) || key == K(3, 0, 9, 14, 1) || key == K(3, 3, 9, 14, 3);
}
static uint64_t rd_pm_mask(struct cpu *cpu, unsigned key) { return *pm_mask(cpu, key); }
static enum sysreg_status wr_pm_mask(struct cpu *cpu, unsigned key, uint64_t v)
{
    uint64_t cyc = rd_pmccntr(cpu, key);
    uint64_t *m = pm_mask(cpu, key);
    v &= PMU_CNT_MASK;
    *m = pm_mask_is_set(key) ? (*m | v) : (*m & ~v);
    pmccntr_set(cpu, cyc);
    return SYSREG_OK;
}
static enum sysreg_status wr_pmswinc(struct cpu *cpu, unsigned key, uint64_t v)
{
    if (!(cpu->sys.pmcr_el0 & PMCR_E))
        return SYSREG_OK;
    for (unsigned n = 0; n < PMU_COUNTERS; n++)
        if ((v >> n & 1) && (cpu->sys.pmcnten >> n & 1) && (cpu->sys.pmevtyper[n] & 0xffff) == 0)
            cpu->sys.pmevcntr[n] = (uint32_t)(cpu->sys.pmevcntr[n] + 1);
    return SYSREG_OK;
}
static enum sysreg_status wr_pmuserenr(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->sys.pmuserenr_el0 = v & 0xf;
    return SYSREG_OK;
}

/* Event counter n of PMEVCNTR<n>/PMEVTYPER<n> (keys C14, C8..C15), or of
 * PMXEV* through PMSELR_EL0.SEL; 31 is the cycle counter's filter. */
static unsigned pm_index(struct cpu *cpu, unsigned key)
{
    if ((key >> 7 & 0xf) == 9)
        return (unsigned)(cpu->sys.pmselr_el0 & 31);
    return (key_crm(key) & 3) << 3 | (key & 7);
}
static enum sysreg_status chk_pm_counter(struct cpu *cpu, bool w, unsigned key)
{
    bool typer = (key >> 7 & 0xf) == 9 ? (key & 7) == 1 : key_crm(key) >= 12;
    unsigned n = pm_index(cpu, key);
    if (!(n < PMU_COUNTERS || (typer && n == 31)))
        return SYSREG_UNDEF;
    return typer ? chk_pmu(cpu, w, key) : chk_pmer(cpu, w, key);
}
static uint64_t rd_pmevcntr(struct cpu *cpu, unsigned key) { return cpu->sys.pmevcntr[pm_index(cpu, key)]; }
static enum sysreg_status wr_pmevcntr(struct cpu *cpu, unsigned key, uint64_t v)
{
    cpu->sys.pmevcntr[pm_index(cpu, key)] = (uint32_t)v;
    return SYSREG_OK;
}
static uint64_t *pm_typer(struct cpu *cpu, unsigned n)
{
    return n == 31 ? &cpu->sys.pmccfiltr_el0 : &cpu->sys.pmevtyper[n];
}
static uint64_t rd_pmevtyper(struct cpu *cpu, unsigned key) { return *pm_typer(cpu, pm_index(cpu, key)); }
static enum sysreg_status wr_pmevtyper(struct cpu *cpu, unsigned key, uint64_t v)
{
    *pm_typer(cpu, pm_index(cpu, key)) = v & 0xfc00ffffull; /* P, U, NSK, NSU, NSH, M, evtCount */
    return SYSREG_OK;
}

/* ---- system instructions: cache maintenance, address translation, TLB ---- */

static enum sysreg_status op_nop(struct cpu *cpu, unsigned key, uint64_t v) { return SYSREG_OK; }

/* DC ZVA: zero the 64-byte block holding the address (C5.3.x). A fault
 * reports the address the instruction named in FAR, not the block's
 * (QEMU 7.2 the same). */
static enum sysreg_status op_dc_zva(struct cpu *cpu, unsigned key, uint64_t v)
{
    uint64_t base = v & ~63ull;
    for (unsigned i = 0; i < 64; i += 8) {
        if (!cpu_store(cpu, base + i, 8, 0)) {
            cpu->fault.va = v;
            return SYSREG_FAULT;
        }
    }
    return SYSREG_OK;
}

/* AT S1E{0,1}{R,W}: stage 1 translation into PAR_EL1 (D13.2.101): on
 * success PA[47:12], the MAIR attribute byte in [63:56] and SH in [8:7];
 * on a fault F = 1 and the fault status in FST [6:1]. Bit 11 is RES1 in
 * both formats, and NS (bit 9) is set because with no EL3 the PE is in
 * Non-secure state, as QEMU 7.2 reports it. */
#define PAR_RES1 (1ull << 11)
#define PAR_NS (1ull << 9)
static enum sysreg_status op_at(struct cpu *cpu, unsigned key, uint64_t va)
{
    unsigned op2 = key & 7;
    struct mem_fault saved = cpu->fault;
    struct mmu_result res;
    enum mmu_access acc = (op2 & 1) ? MMU_WRITE : MMU_READ;
    unsigned idx = (op2 & 2) ? MMU_IDX_EL0 : MMU_IDX_EL1;
    if (mmu_translate(cpu, va, acc, idx, &res)) {
        /* Device and Normal Non-cacheable memory report SH = 0b10 whatever
         * the descriptor says (QEMU 7.2 reports the descriptor's SH). */
        bool device_or_nc = (res.attr & 0xf0) == 0 || res.attr == 0x44;
        uint64_t sh = device_or_nc ? 2 : res.sh;
        cpu->sys.par_el1 = (res.pa & 0x0000fffffffff000ull) | (uint64_t)res.attr << 56 |
                           sh << 7 | PAR_NS | PAR_RES1;
    } else {
        cpu->sys.par_el1 = 1u | (uint64_t)(cpu->fault.fsc & 0x3f) << 1 |
                           (cpu->fault.s1ptw ? 1u << 8 : 0) | PAR_RES1;
    }
    cpu->fault = saved;
    return SYSREG_OK;
}

/* TLBI VMALLE1(IS): everything. */
static enum sysreg_status op_tlbi(struct cpu *cpu, unsigned key, uint64_t v)
{
    tlb_flush(cpu);
    return SYSREG_SYNC;
}

/* TLBI ASIDE1(IS): the entries of one ASID, which are non-global ones
 * (entries are not tagged with their ASID: all non-global ones go). */
static enum sysreg_status op_tlbi_asid(struct cpu *cpu, unsigned key, uint64_t v)
{
    tlb_flush_nonglobal(cpu);
    return SYSREG_SYNC;
}

/* TLBI by VA (VAE1, VAAE1, VALE1, VAALE1 and the IS forms): Xt[43:0] holds
 * VA[55:12]. Whatever the ASID, the page goes in every regime, which is
 * more than the architecture requires and so never too little. */
static enum sysreg_status op_tlbi_va(struct cpu *cpu, unsigned key, uint64_t v)
{
    tlb_flush_page(cpu, (v & ((1ull << 44) - 1)) << 12);
    return SYSREG_SYNC;
}

/* ---- the table ---- */

#define F(field) ((uint16_t)offsetof(struct cpu, field))
#define CONST(nm, k, fl, v) {.name = nm, .key = k, .flags = fl, .value = v}
#define STORE(nm, k, fl, field, mask) {.name = nm, .key = k, .flags = fl, .off = F(field), .value = mask}
#define FN(nm, k, fl, chk, rd, wr) {.name = nm, .key = k, .flags = fl, .check = chk, .read = rd, .write = wr}
#define ALL ~0ull

static const struct sysreg sysregs[] = {
    /* Identification (D13.2): QEMU 7.2 cortex-a57, EL2/EL3 absent. */
    FN("MIDR_EL1", K(3, 0, 0, 0, 0), R1, NULL, rd_midr, NULL),
    FN("MPIDR_EL1", K(3, 0, 0, 0, 5), R1, NULL, rd_mpidr, NULL),
    CONST("REVIDR_EL1", K(3, 0, 0, 0, 6), R1, 0),
    CONST("ID_PFR0_EL1", K(3, 0, 0, 1, 0), R1, 0x00000131),
    CONST("ID_PFR1_EL1", K(3, 0, 0, 1, 1), R1, 0x00010001),
    CONST("ID_DFR0_EL1", K(3, 0, 0, 1, 2), R1, 0x03010006),
    CONST("ID_AFR0_EL1", K(3, 0, 0, 1, 3), R1, 0),
    CONST("ID_MMFR0_EL1", K(3, 0, 0, 1, 4), R1, 0x10101105),
    CONST("ID_MMFR1_EL1", K(3, 0, 0, 1, 5), R1, 0x40000000),
    CONST("ID_MMFR2_EL1", K(3, 0, 0, 1, 6), R1, 0x01260000),
    CONST("ID_MMFR3_EL1", K(3, 0, 0, 1, 7), R1, 0x02102211),
    CONST("ID_ISAR0_EL1", K(3, 0, 0, 2, 0), R1, 0x02101110),
    CONST("ID_ISAR1_EL1", K(3, 0, 0, 2, 1), R1, 0x13112111),
    CONST("ID_ISAR2_EL1", K(3, 0, 0, 2, 2), R1, 0x21232042),
    CONST("ID_ISAR3_EL1", K(3, 0, 0, 2, 3), R1, 0x01112131),
    CONST("ID_ISAR4_EL1", K(3, 0, 0, 2, 4), R1, 0x00011142),
    CONST("ID_ISAR5_EL1", K(3, 0, 0, 2, 5), R1, 0x00011121),
    CONST("MVFR0_EL1", K(3, 0, 0, 3, 0), R1, 0x10110222),
    CONST("MVFR1_EL1", K(3, 0, 0, 3, 1), R1, 0x12111111),
    CONST("MVFR2_EL1", K(3, 0, 0, 3, 2), R1, 0x00000043),
    /* Differs from QEMU's 0x2222 where armvirt differs from the A57: EL0 and
     * EL1 are AArch64-only (no AArch32 execution state) and there is no EL2
     * or EL3. FP and AdvSIMD (fields 0) are implemented. */
    CONST("ID_AA64PFR0_EL1", K(3, 0, 0, 4, 0), R1, 0x00000011),
    CONST("ID_AA64DFR0_EL1", K(3, 0, 0, 5, 0), R1, 0x10305106),
    /* CRC32 only: the A57's optional AES/SHA/PMULL (QEMU: 0x11120) are not
     * implemented, so they are not advertised. */
    CONST("ID_AA64ISAR0_EL1", K(3, 0, 0, 6, 0), R1, 0x00010000),
    CONST("ID_AA64MMFR0_EL1", K(3, 0, 0, 7, 0), R1, SYSREG_ID_AA64MMFR0),
    FN("CCSIDR_EL1", K(3, 1, 0, 0, 0), R1, NULL, rd_ccsidr, NULL),
    CONST("CLIDR_EL1", K(3, 1, 0, 0, 1), R1, 0x0a200023),
    CONST("AIDR_EL1", K(3, 1, 0, 0, 7), R1, 0),
    STORE("CSSELR_EL1", K(3, 2, 0, 0, 0), RW1, sys.csselr_el1, 0xf),
    {.name = "CTR_EL0", .key = K(3, 3, 0, 0, 1), .flags = R0 | R1, .value = 0x8444c004, .check = chk_uct},
    FN("DCZID_EL0", K(3, 3, 0, 0, 7), R0 | R1, NULL, rd_dczid, NULL),

    /* System control (D13.2). */
    /* Stored as written: QEMU and the A57 do not force the RES1 bits (the
     * reset value 0x00c50838 itself leaves bits 20, 28 and 29 clear). */
    STORE("SCTLR_EL1", K(3, 0, 1, 0, 0), RW1 | FLUSH, sys.sctlr_el1, ALL),
    CONST("ACTLR_EL1", K(3, 0, 1, 0, 1), RW1, 0),
    STORE("CPACR_EL1", K(3, 0, 1, 0, 2), RW1 | SYNC, sys.cpacr_el1, ALL),
    STORE("TTBR0_EL1", K(3, 0, 2, 0, 0), RW1 | NEW_ASID, sys.ttbr0_el1, ALL),
    STORE("TTBR1_EL1", K(3, 0, 2, 0, 1), RW1 | NEW_ASID, sys.ttbr1_el1, ALL),
    STORE("TCR_EL1", K(3, 0, 2, 0, 2), RW1 | FLUSH, sys.tcr_el1, ALL),
    STORE("SPSR_EL1", K(3, 0, 4, 0, 0), RW1, sys.spsr_el1, ALL),
    STORE("ELR_EL1", K(3, 0, 4, 0, 1), RW1, sys.elr_el1, ALL),
    FN("SP_EL0", K(3, 0, 4, 1, 0), RW1, chk_sp_el0, rd_sp_el0, wr_sp_el0),
    FN("SPSel", K(3, 0, 4, 2, 0), RW1, NULL, rd_spsel, wr_spsel),
    FN("CurrentEL", K(3, 0, 4, 2, 2), R1, NULL, rd_currentel, NULL),
    FN("NZCV", K(3, 3, 4, 2, 0), RW01, NULL, rd_nzcv, wr_nzcv),
    FN("DAIF", K(3, 3, 4, 2, 1), RW01, chk_uma, rd_daif, wr_daif),
    FN("FPCR", K(3, 3, 4, 4, 0), RW01 | FP, NULL, rd_fpcr, wr_fpcr),
    FN("FPSR", K(3, 3, 4, 4, 1), RW01 | FP, NULL, rd_fpsr, wr_fpsr),
    CONST("AFSR0_EL1", K(3, 0, 5, 1, 0), RW1, 0),
    CONST("AFSR1_EL1", K(3, 0, 5, 1, 1), RW1, 0),
    STORE("ESR_EL1", K(3, 0, 5, 2, 0), RW1, sys.esr_el1, ALL),
    STORE("FAR_EL1", K(3, 0, 6, 0, 0), RW1, sys.far_el1, ALL),
    STORE("PAR_EL1", K(3, 0, 7, 4, 0), RW1, sys.par_el1, ALL),
    STORE("MAIR_EL1", K(3, 0, 10, 2, 0), RW1 | FLUSH, sys.mair_el1, ALL),
    CONST("AMAIR_EL1", K(3, 0, 10, 3, 0), RW1, 0),
    STORE("VBAR_EL1", K(3, 0, 12, 0, 0), RW1, sys.vbar_el1, ~0x1full),
    CONST("RVBAR_EL1", K(3, 0, 12, 0, 1), R1, 0),
    FN("ISR_EL1", K(3, 0, 12, 1, 0), R1, NULL, rd_isr, NULL),
    STORE("CONTEXTIDR_EL1", K(3, 0, 13, 0, 1), RW1, sys.contextidr_el1, ALL),
    STORE("TPIDR_EL1", K(3, 0, 13, 0, 4), RW1, sys.tpidr_el1, ALL),
    STORE("TPIDR_EL0", K(3, 3, 13, 0, 2), RW01, sys.tpidr_el0, ALL),
    STORE("TPIDRRO_EL0", K(3, 3, 13, 0, 3), R0 | RW1, sys.tpidrro_el0, ALL),

    /* Cortex-A57 IMPLEMENTATION DEFINED registers QEMU provides (RAZ/WI, CBAR = GIC base). */
    CONST("L2CTLR_EL1", K(3, 1, 11, 0, 2), RW1, 0),
    CONST("L2ECTLR_EL1", K(3, 1, 11, 0, 3), RW1, 0),
    CONST("CPUACTLR_EL1", K(3, 1, 15, 2, 0), RW1, 0),
    CONST("CPUECTLR_EL1", K(3, 1, 15, 2, 1), RW1, 0),
    CONST("CPUMERRSR_EL1", K(3, 1, 15, 2, 2), RW1, 0),
    CONST("L2MERRSR_EL1", K(3, 1, 15, 2, 3), RW1, 0),
    CONST("CBAR_EL1", K(3, 1, 15, 3, 0), R1, 0x08000000),

    /* Generic timer (D13.8). */
    STORE("CNTKCTL_EL1", K(3, 0, 14, 1, 0), RW1 | SYNC, sys.cntkctl_el1, ALL),
    {.name = "CNTFRQ_EL0", .key = K(3, 3, 14, 0, 0), .flags = R0 | RW1, .off = F(sys.cntfrq_el0),
     .value = ALL, .check = chk_cntfrq},
    FN("CNTPCT_EL0", K(3, 3, 14, 0, 1), R0 | R1, chk_cntpct, rd_cntpct, NULL),
    FN("CNTVCT_EL0", K(3, 3, 14, 0, 2), R0 | R1, chk_cntvct, rd_cntvct, NULL),
    FN("CNTP_TVAL_EL0", K(3, 3, 14, 2, 0), RW01, chk_cntp, rd_timer_tval, wr_timer_tval),
    FN("CNTP_CTL_EL0", K(3, 3, 14, 2, 1), RW01, chk_cntp, rd_timer_ctl, wr_timer_ctl),
    FN("CNTP_CVAL_EL0", K(3, 3, 14, 2, 2), RW01, chk_cntp, rd_timer_cval, wr_timer_cval),
    FN("CNTV_TVAL_EL0", K(3, 3, 14, 3, 0), RW01, chk_cntv, rd_timer_tval, wr_timer_tval),
    FN("CNTV_CTL_EL0", K(3, 3, 14, 3, 1), RW01, chk_cntv, rd_timer_ctl, wr_timer_ctl),
    FN("CNTV_CVAL_EL0", K(3, 3, 14, 3, 2), RW01, chk_cntv, rd_timer_cval, wr_timer_cval),

    /* Debug (D13.3): state only, no breakpoints or watchpoints fire. */
    CONST("MDCCINT_EL1", K(2, 0, 0, 2, 0), RW1, 0),
    STORE("MDSCR_EL1", K(2, 0, 0, 2, 2), RW1 | SYNC, sys.mdscr_el1, ALL),
    CONST("MDCCSR_EL0", K(2, 3, 0, 1, 0), R0 | R1, 0),
    CONST("MDRAR_EL1", K(2, 0, 1, 0, 0), R1, 0),
    FN("OSLAR_EL1", K(2, 0, 1, 0, 4), W1, NULL, NULL, wr_oslar),
    FN("OSLSR_EL1", K(2, 0, 1, 1, 4), R1, NULL, rd_oslsr, NULL),
    STORE("OSDLR_EL1", K(2, 0, 1, 3, 4), RW1, sys.osdlr_el1, 1),
    {.name = "DBGBVR<n>_EL1", .key = K(2, 0, 0, 0, 4), .wild = 0xf << 3, .flags = RW1,
     .check = chk_dbg_b, .read = rd_dbg, .write = wr_dbg},
    {.name = "DBGBCR<n>_EL1", .key = K(2, 0, 0, 0, 5), .wild = 0xf << 3, .flags = RW1,
     .check = chk_dbg_b, .read = rd_dbg, .write = wr_dbg},
    {.name = "DBGWVR<n>_EL1", .key = K(2, 0, 0, 0, 6), .wild = 0xf << 3, .flags = RW1,
     .check = chk_dbg_w, .read = rd_dbg, .write = wr_dbg},
    {.name = "DBGWCR<n>_EL1", .key = K(2, 0, 0, 0, 7), .wild = 0xf << 3, .flags = RW1,
     .check = chk_dbg_w, .read = rd_dbg, .write = wr_dbg},

    /* Performance monitors (D13.5), PMUv3 with 6 event counters. */
    FN("PMCR_EL0", K(3, 3, 9, 12, 0), RW01, chk_pmu, rd_pmcr, wr_pmcr),
    FN("PMCNTENSET_EL0", K(3, 3, 9, 12, 1), RW01, chk_pmu, rd_pm_mask, wr_pm_mask),
    FN("PMCNTENCLR_EL0", K(3, 3, 9, 12, 2), RW01, chk_pmu, rd_pm_mask, wr_pm_mask),
    FN("PMOVSCLR_EL0", K(3, 3, 9, 12, 3), RW01, chk_pmu, rd_pm_mask, wr_pm_mask),
    FN("PMSWINC_EL0", K(3, 3, 9, 12, 4), W0 | W1, chk_pmswinc, NULL, wr_pmswinc),
    {.name = "PMSELR_EL0", .key = K(3, 3, 9, 12, 5), .flags = RW01, .off = F(sys.pmselr_el0),
     .value = 31, .check = chk_pmselr},
    {.name = "PMCEID0_EL0", .key = K(3, 3, 9, 12, 6), .flags = R0 | R1, .value = 0x20001, .check = chk_pmu},
    {.name = "PMCEID1_EL0", .key = K(3, 3, 9, 12, 7), .flags = R0 | R1, .value = 0, .check = chk_pmu},
    FN("PMCCNTR_EL0", K(3, 3, 9, 13, 0), RW01, chk_pmccntr, rd_pmccntr, wr_pmccntr),
    FN("PMXEVTYPER_EL0", K(3, 3, 9, 13, 1), RW01, chk_pm_counter, rd_pmevtyper, wr_pmevtyper),
    FN("PMXEVCNTR_EL0", K(3, 3, 9, 13, 2), RW01, chk_pm_counter, rd_pmevcntr, wr_pmevcntr),
    {.name = "PMUSERENR_EL0", .key = K(3, 3, 9, 14, 0), .flags = R0 | RW1, .off = F(sys.pmuserenr_el0),
     .write = wr_pmuserenr},
    FN("PMINTENSET_EL1", K(3, 0, 9, 14, 1), RW1, NULL, rd_pm_mask, wr_pm_mask),
    FN("PMINTENCLR_EL1", K(3, 0, 9, 14, 2), RW1, NULL, rd_pm_mask, wr_pm_mask),
    FN("PMOVSSET_EL0", K(3, 3, 9, 14, 3), RW01, chk_pmu, rd_pm_mask, wr_pm_mask),
    {.name = "PMEVCNTR<n>_EL0", .key = K(3, 3, 14, 8, 0), .wild = 0x1f, .flags = RW01,
     .check = chk_pm_counter, .read = rd_pmevcntr, .write = wr_pmevcntr},
    {.name = "PMEVTYPER<n>_EL0", .key = K(3, 3, 14, 12, 0), .wild = 0x1f, .flags = RW01,
     .check = chk_pm_counter, .read = rd_pmevtyper, .write = wr_pmevtyper},

    /* System instructions (C5.3): cache maintenance is a no-op (caches are
     * coherent and decoded code follows stores), TLB maintenance flushes. */
    FN("IC IALLUIS", K(1, 0, 7, 1, 0), W1, NULL, NULL, op_nop),
    FN("IC IALLU", K(1, 0, 7, 5, 0), W1, NULL, NULL, op_nop),
    FN("IC IVAU", K(1, 3, 7, 5, 1), W0 | W1, chk_uci, NULL, op_nop),
    FN("DC IVAC", K(1, 0, 7, 6, 1), W1, NULL, NULL, op_nop),
    FN("DC ISW", K(1, 0, 7, 6, 2), W1, NULL, NULL, op_nop),
    FN("DC CSW", K(1, 0, 7, 10, 2), W1, NULL, NULL, op_nop),
    FN("DC CISW", K(1, 0, 7, 14, 2), W1, NULL, NULL, op_nop),
    FN("DC ZVA", K(1, 3, 7, 4, 1), W0 | W1, chk_dze, NULL, op_dc_zva),
    FN("DC CVAC", K(1, 3, 7, 10, 1), W0 | W1, chk_uci, NULL, op_nop),
    FN("DC CVAU", K(1, 3, 7, 11, 1), W0 | W1, chk_uci, NULL, op_nop),
    FN("DC CIVAC", K(1, 3, 7, 14, 1), W0 | W1, chk_uci, NULL, op_nop),
    FN("AT S1E1R", K(1, 0, 7, 8, 0), W1, NULL, NULL, op_at),
    FN("AT S1E1W", K(1, 0, 7, 8, 1), W1, NULL, NULL, op_at),
    FN("AT S1E0R", K(1, 0, 7, 8, 2), W1, NULL, NULL, op_at),
    FN("AT S1E0W", K(1, 0, 7, 8, 3), W1, NULL, NULL, op_at),
    FN("TLBI VMALLE1IS", K(1, 0, 8, 3, 0), W1, NULL, NULL, op_tlbi),
    FN("TLBI VAE1IS", K(1, 0, 8, 3, 1), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI ASIDE1IS", K(1, 0, 8, 3, 2), W1, NULL, NULL, op_tlbi_asid),
    FN("TLBI VAAE1IS", K(1, 0, 8, 3, 3), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI VALE1IS", K(1, 0, 8, 3, 5), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI VAALE1IS", K(1, 0, 8, 3, 7), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI VMALLE1", K(1, 0, 8, 7, 0), W1, NULL, NULL, op_tlbi),
    FN("TLBI VAE1", K(1, 0, 8, 7, 1), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI ASIDE1", K(1, 0, 8, 7, 2), W1, NULL, NULL, op_tlbi_asid),
    FN("TLBI VAAE1", K(1, 0, 8, 7, 3), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI VALE1", K(1, 0, 8, 7, 5), W1, NULL, NULL, op_tlbi_va),
    FN("TLBI VAALE1", K(1, 0, 8, 7, 7), W1, NULL, NULL, op_tlbi_va),
};

/* Unallocated encodings in the ID register space read as zero (D12.3.1). */
static const struct sysreg id_raz = CONST("ID (reserved, RAZ)", K(3, 0, 0, 1, 0), R1, 0);

const struct sysreg *sysreg_find(unsigned key)
{
    for (size_t i = 0; i < ARRAY_SIZE(sysregs); i++)
        if (((key ^ sysregs[i].key) & ~(unsigned)sysregs[i].wild) == 0)
            return &sysregs[i];
    unsigned crm = key_crm(key);
    if ((key & ~0x7fu) == K(3, 0, 0, 0, 0) && crm >= 1 && crm <= 7)
        return &id_raz;
    return NULL;
}

const char *sysreg_name(const struct sysreg *r)
{
    return r->name;
}

/* CPACR_EL1.FPEN (D13.2.30): 0b11 traps nothing, 0b01 traps EL0 only. */
static bool fp_enabled(const struct cpu *cpu)
{
    unsigned fpen = (unsigned)(cpu->sys.cpacr_el1 >> 20) & 3;
    return fpen == 3 || (fpen == 1 && cpu->el == 1);
}

static enum sysreg_status sysreg_check(struct cpu *cpu, const struct sysreg *r, unsigned key, bool write)
{
    unsigned need = cpu->el == 0 ? (write ? W0 : R0) : (write ? W1 : R1);
    if (!(r->flags & need))
        return SYSREG_UNDEF;
    if (r->check) {
        enum sysreg_status st = r->check(cpu, write, key);
        if (st != SYSREG_OK)
            return st;
    }
    if ((r->flags & FP) && !fp_enabled(cpu))
        return SYSREG_FP_TRAP;
    return SYSREG_OK;
}

enum sysreg_status sysreg_read(struct cpu *cpu, const struct sysreg *r, unsigned key, uint64_t *val)
{
    enum sysreg_status st = sysreg_check(cpu, r, key, false);
    if (st != SYSREG_OK)
        return st;
    if (r->read)
        *val = r->read(cpu, key);
    else if (r->off)
        memcpy(val, (const char *)cpu + r->off, sizeof(*val));
    else
        *val = r->value;
    return SYSREG_OK;
}

enum sysreg_status sysreg_write(struct cpu *cpu, const struct sysreg *r, unsigned key, uint64_t val)
{
    enum sysreg_status st = sysreg_check(cpu, r, key, true);
    if (st != SYSREG_OK)
        return st;
    if (r->write) {
        st = r->write(cpu, key, val);
    } else if (r->off) {
        uint64_t v = val & r->value;
        memcpy((char *)cpu + r->off, &v, sizeof(v));
    }
    if (st == SYSREG_OK && (r->flags & FLUSH))
        tlb_flush(cpu);
    if (st == SYSREG_OK && (r->flags & NEW_ASID))
        tlb_switch_space(cpu);
    if (st == SYSREG_OK && (r->flags & (SYNC | FLUSH | NEW_ASID)))
        st = SYSREG_SYNC;
    return st;
}

void sysreg_reset(struct cpu *cpu)
{
    cpu->sys.cntfrq_el0 = SYSREG_CNTFRQ;
    cpu->sys.oslsr_el1 = 0xa; /* OSLM = 0b10, OSLK = 1: the OS lock is set at reset */
    cpu->sys.osdlr_el1 = 0;
    cpu->sys.csselr_el1 = 0;
    cpu->sys.pmcr_el0 = PMCR_RESET;
    cpu->sys.pmccntr_el0 = 0;
    cpu->sys.pmccntr_ns = sysreg_host_ns();
}
