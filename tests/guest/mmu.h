/* Stage-1 EL1&0 translation (Arm ARM D8), shared by mmu4k.c, mmu16k.c and
 * mmu64k.c: each defines GRANULE_BITS (12, 14 or 16) and includes this.
 * Cortex-A57 has no 16K granule (ID_AA64MMFR0_EL1.TGran16 = 0): mmu16k.c
 * defines TG_16K_AS_4K, programs TG0/TG1 with the 16K encodings and builds
 * 4K tables, since an unimplemented granule behaves as an IMPLEMENTATION
 * DEFINED implemented one and QEMU 7.2 (and armvirt) choose 4K.
 *
 * Page tables are built in a pool at POOL_BASE (MMU off, so by physical
 * address); RAM at 0x40000000 stays identity-mapped as one block so the
 * program, its stack and the pool keep working with the MMU on. Every test
 * mapping points at one of a few marker pages whose contents say which
 * page and offset a load reached.
 *
 * What is checked, for the granule under test:
 *  - page and block descriptors, TTBR0 with a 48-bit and a 39-bit VA
 *    (T0SZ 16 and 25, so the walk starts at a different level), TTBR1 with
 *    a 39-bit and a 48-bit VA at the top of the address space;
 *  - translation faults (DFSC 0b0001LL) at every level of the walk, for a
 *    reserved descriptor at level 3, outside both TTBR ranges, with
 *    TCR_EL1.EPD1 and for tagged VAs without TBI0/TBI1 (none with them), on
 *    loads, stores (WnR) and fetches: ESR_EL1 and FAR_EL1 = the VA;
 *  - address size faults (DFSC 0b0000LL): an output address above
 *    TCR_EL1.IPS (level 3), a table address above it (the table
 *    descriptor's level), TTBR1 above it (level 0), and with the MMU off an
 *    address above the 44-bit PA size; a walk that reads no memory is a
 *    synchronous external abort on the walk (0b0101LL);
 *  - access flag faults (DFSC 0b0010LL) for pages, blocks and fetches,
 *    taking priority over permission faults; alignment faults (SCTLR_EL1.A)
 *    taking priority over translation faults;
 *  - permission faults (DFSC 0b0011LL) from AP[2:1] at EL1, with LDTR/STTR
 *    (EL0 permissions from EL1) and at EL0 itself (EC 0x24), from UXN at
 *    EL0 (EC 0x20), PXN at EL1 (EC 0x21), EL0-writable memory at EL1,
 *    SCTLR_EL1.WXN, APTable/PXNTable/UXNTable, DC ZVA (a write); EL0
 *    execute-only memory (AP[1] = 0, UXN = 0);
 *  - AT S1E1R/S1E1W/S1E0R/S1E0W: PAR_EL1 with PA, MAIR attribute and SH,
 *    and the fault format (F, FST);
 *  - a changed descriptor seen by loads, stores and fetches after TLBI
 *    VAE1/VALE1/VAAE1/VMALLE1 (and the IS forms) + DSB + ISB (never
 *    checked before: a TLB may keep the old entry until then);
 *  - two ASIDs mapping one VA differently (nG pages), switched through
 *    TTBR0_EL1.ASID, and TLBI ASIDE1/ASIDE1IS.
 * Not checked, because QEMU 7.2 departs from the Arm ARM there: a block
 * descriptor at a level that has none for the granule (4K level 0: a
 * translation fault, QEMU maps a block); misaligned accesses and DC ZVA to
 * Device memory (alignment faults, QEMU lets them through); DC CIVAC of an
 * unmapped VA (a translation fault with ESR.CM = 1; QEMU never translates
 * it).
 * Faulting loads and stores are skipped by the handler (ELR + 4); a faulting
 * branch-and-link target returns to X30; anything from EL0 returns to EL1. */
#ifndef MMU_H
#define MMU_H

#include "guest.h"

#define G GRANULE_BITS
#define GSIZE (1ull << G)
#define STRIDE (G - 3)

#define RAM_BASE 0x40000000ull
#define POOL_BASE 0x41000000ull
#define POOL_END 0x41800000ull
#define PAGE_A 0x41800000ull
#define PAGE_B 0x41900000ull
#define PAGE_C 0x41a00000ull
#define PAGE_CODE 0x41b00000ull
#define PAGE_CODE2 0x41c00000ull

/* Descriptor fields (D8.3). */
#define D_BLOCK 1ull
#define D_TABLE 3ull
#define D_PAGE 3ull
#define ATTR(n) ((uint64_t)(n) << 2)
#define AP_EL1_RW (0ull << 6)
#define AP_RW (1ull << 6)
#define AP_EL1_RO (2ull << 6)
#define AP_RO (3ull << 6)
#define SH_INNER (3ull << 8)
#define SH_OUTER (2ull << 8)
#define AF (1ull << 10)
#define NG (1ull << 11)
#define PXN (1ull << 53)
#define UXN (1ull << 54)
#define NORMAL (ATTR(0) | SH_INNER | AF)

/* MAIR_EL1: 0 Normal write-back, 1 Device-nGnRnE, 2 Normal non-cacheable,
 * 3 Device-nGnRE. */
#define MAIR_VALUE 0x044400ffull

/* TCR_EL1 (D13.2.131): walks cacheable and inner shareable, 40-bit IPS. */
#if defined(TG_16K_AS_4K)
#define TG0 2ull
#define TG1 1ull
#elif G == 12
#define TG0 0ull
#define TG1 2ull
#elif G == 14
#define TG0 2ull
#define TG1 1ull
#else
#define TG0 1ull
#define TG1 3ull
#endif
#define TCR_WALK0 ((1ull << 8) | (1ull << 10) | (3ull << 12))
#define TCR_WALK1 ((1ull << 24) | (1ull << 26) | (3ull << 28))
#define TCR_BASE (TCR_WALK0 | TG0 << 14 | TCR_WALK1 | TG1 << 30 | 2ull << 32)
#define TCR_FOR(t0sz, t1sz) (TCR_BASE | (uint64_t)(t0sz) | (uint64_t)(t1sz) << 16)
#define TCR_TBI0 (1ull << 37)

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

/* ESR_EL1 values of aborts (D17.2.37). */
#define DABT_SAME(fsc) (0x96000000u | (fsc))
#define DABT_SAME_W(fsc) (0x96000040u | (fsc))
#define DABT_LOWER(fsc) (0x92000000u | (fsc))
#define DABT_LOWER_W(fsc) (0x92000040u | (fsc))
#define IABT_SAME(fsc) (0x86000000u | (fsc))
#define IABT_LOWER(fsc) (0x82000000u | (fsc))
#define FSC_TRANS(l) (0x04u + (l))
#define FSC_AF(l) (0x08u + (l))
#define FSC_PERM(l) (0x0cu + (l))

/* ---- building tables ---- */

struct space {
    uint64_t *root;
    int start;          /* level the walk starts at */
    unsigned insize;    /* 64 - TxSZ */
};

static uint64_t pool_next = POOL_BASE;

static unsigned lvl_shift(int level)
{
    return G + (unsigned)(3 - level) * STRIDE;
}

/* The level a walk of an `insize`-bit VA starts at (D8.2.x). */
static int start_level(unsigned insize)
{
    return 4 - (int)((insize - G + STRIDE - 1) / STRIDE);
}

static uint64_t *table_new(void)
{
    uint64_t *t = (uint64_t *)pool_next;
    pool_next += GSIZE;
    if (pool_next > POOL_END) {
        guest_printf("page table pool exhausted\n");
        guest_exit(97);
    }
    for (uint64_t i = 0; i < GSIZE / 8; i++)
        t[i] = 0;
    return t;
}

static unsigned idx_of(const struct space *s, int level, uint64_t va)
{
    unsigned sh = lvl_shift(level);
    unsigned bits = level == s->start ? s->insize - sh : STRIDE;
    return (unsigned)((va >> sh) & ((1ull << bits) - 1));
}

/* The descriptor for va at `level`, creating the tables above it. */
static uint64_t *entry(struct space *s, uint64_t va, int level)
{
    uint64_t *t = s->root;
    for (int l = s->start; l < level; l++) {
        uint64_t *e = &t[idx_of(s, l, va)];
        if ((*e & 3) != D_TABLE)
            *e = (uint64_t)table_new() | D_TABLE;
        t = (uint64_t *)(*e & 0x0000fffffffff000ull & ~(GSIZE - 1));
    }
    return &t[idx_of(s, level, va)];
}

static uint64_t *map_page(struct space *s, uint64_t va, uint64_t pa, uint64_t attrs)
{
    uint64_t *e = entry(s, va, 3);
    *e = pa | attrs | D_PAGE;
    return e;
}

static uint64_t *map_block(struct space *s, uint64_t va, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t *e = entry(s, va, level);
    *e = pa | attrs | D_BLOCK;
    return e;
}

/* The biggest block that holds the first 32 MiB of RAM: 1 GiB at level 1
 * (4K), 32 MiB at level 2 (16K), 512 MiB at level 2 (64K). */
#define ID_LEVEL (G == 12 ? 1 : 2)

static void space_init(struct space *s, unsigned insize)
{
    s->root = table_new();
    s->start = start_level(insize);
    s->insize = insize;
    map_block(s, RAM_BASE, RAM_BASE, ID_LEVEL, NORMAL | UXN);
}

/* ---- markers ---- */

#define MARK(page, off) (((page) >> 20) << 32 | (off))
#define OFF2 0x808ull   /* a second offset, inside the smallest page */

static void marks_init(void)
{
    static const uint64_t pages[] = { PAGE_A, PAGE_B, PAGE_C };
    for (unsigned i = 0; i < 3; i++) {
        *(volatile uint64_t *)pages[i] = MARK(pages[i], 0);
        *(volatile uint64_t *)(pages[i] + OFF2) = MARK(pages[i], OFF2);
    }
    /* A function at PAGE_CODE (EL1 via BLR, EL0 via ERET): x0 = 0x77; ret,
     * and an EL0 entry at +0x100: ldr x2, [x1]; svc #0; str x2, [x1]; svc #0. */
    volatile uint32_t *code = (volatile uint32_t *)PAGE_CODE;
    code[0] = 0xd2800ee0;   /* mov x0, #0x77 */
    code[1] = 0xd65f03c0;   /* ret */
    code[0x40] = 0xf9400022; /* ldr x2, [x1] */
    code[0x41] = 0xd4000001; /* svc #0 */
    code[0x42] = 0xf9000022; /* str x2, [x1] */
    code[0x43] = 0xd4000001; /* svc #0 */
    code[0x44] = 0xd2800ee0; /* mov x0, #0x77 */
    code[0x45] = 0xd4000001; /* svc #0 */
    /* The last two instructions of the page: mov x0, #0x66; mov x0, #0x77,
     * running on into the next page. */
    code[GSIZE / 4 - 2] = 0xd2800cc0;
    code[GSIZE / 4 - 1] = 0xd2800ee0;
    /* Another function at PAGE_CODE2: x0 = 0x88; ret. */
    volatile uint32_t *code2 = (volatile uint32_t *)PAGE_CODE2;
    code2[0] = 0xd2801100;  /* mov x0, #0x88 */
    code2[1] = 0xd65f03c0;  /* ret */
    /* The WXN stub and its vector (see wxn_call) at + 0x400. */
    extern const uint32_t wxn_stub[], wxn_stub_end[];
    for (unsigned i = 0; wxn_stub + i < wxn_stub_end; i++)
        code[0x100 + i] = wxn_stub[i];
    __asm__ volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

/* With SCTLR_EL1.WXN set, the identity map (writable) holds no executable
 * code, so the test runs from a copy of this stub in the code page, with a
 * vector table of its own there (VBAR = stub + 0x400, its "current EL,
 * SPx, synchronous" entry at stub + 0x600). X0 = the function to call, X1 =
 * SCTLR with WXN, X2 = SCTLR to restore, X3 = the stub's VBAR. Returns the
 * function's X0 in X0 (0xdead if it faulted), ESR_EL1 in X12 and FAR_EL1 in
 * X13 (0 if nothing was taken). */
__asm__(".text\n"
        ".balign 4\n"
        ".global wxn_stub, wxn_stub_end\n"
        "wxn_stub:\n\t"
        "mrs x9, vbar_el1\n\t"
        "msr vbar_el1, x3\n\t"
        "mov x12, #0\n\t"
        "mov x13, #0\n\t"
        "msr sctlr_el1, x1\n\t"
        "isb\n\t"
        "tlbi vmalle1\n\t"
        "dsb ish\n\t"
        "isb\n\t"
        "mov x10, x30\n\t"
        "mov x11, x0\n\t"
        "mov x0, #0xdead\n\t"
        "blr x11\n"
        "1:\n\t"
        "msr sctlr_el1, x2\n\t"
        "isb\n\t"
        "tlbi vmalle1\n\t"
        "dsb ish\n\t"
        "isb\n\t"
        "msr vbar_el1, x9\n\t"
        "isb\n\t"
        "ret x10\n\t"
        ".skip 0x600 - (. - wxn_stub)\n\t"
        "mrs x12, esr_el1\n\t"
        "mrs x13, far_el1\n\t"
        "adr x14, 1b\n\t"
        "msr elr_el1, x14\n\t"
        "eret\n"
        "wxn_stub_end:\n");

struct wxn_result {
    uint64_t x0, esr, far;
};

/* Call `target` with WXN set, from the stub at `stub_va` (an executable
 * mapping of PAGE_CODE + 0x400). */
static struct wxn_result wxn_call(uint64_t stub_va, uint64_t target, uint64_t sctlr)
{
    register uint64_t x0 __asm__("x0") = target;
    register uint64_t x1 __asm__("x1") = sctlr | SCTLR_WXN;
    register uint64_t x2 __asm__("x2") = sctlr;
    register uint64_t x3 __asm__("x3") = stub_va + 0x400;
    register uint64_t x12 __asm__("x12");
    register uint64_t x13 __asm__("x13");
    register uint64_t x16 __asm__("x16") = stub_va;
    __asm__ volatile("blr x16"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "=r"(x12), "=r"(x13), "+r"(x16)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x14", "x15", "x17",
                       "x18", "x30", "cc", "memory");
    return (struct wxn_result){ x0, x12, x13 };
}

/* ---- exceptions ---- */

static volatile struct {
    int count, vector;
    uint64_t esr, far, elr;
} seen;

static void reset_seen(void)
{
    seen.count = 0;
    seen.vector = -1;
    seen.esr = seen.far = seen.elr = 0;
}

extern char el0_back[];

static void handler(struct exc_frame *f, int vector)
{
    seen.count++;
    seen.vector = vector;
    seen.esr = f->esr;
    seen.elr = f->elr;
    seen.far = SYSREG_RD(far_el1);
    unsigned ec = (unsigned)(f->esr >> 26);
    if (vector >= 8) {
        f->elr = (uint64_t)el0_back;
        f->spsr = 0x3c5;
    } else if (ec == 0x21) {
        f->elr = f->x[30];
    } else {
        f->elr += 4;
    }
}

/* Run EL0 code at `entry` with X1 = arg until it takes an exception (an
 * SVC when all went well); returns X2 as EL0 left it. */
extern uint64_t el0_run(uint64_t entry, uint64_t arg);
__asm__(".text\n"
        ".global el0_run\n"
        "el0_run:\n\t"
        "msr elr_el1, x0\n\t"
        "mov x2, #0xdead\n\t"
        "mov x9, #0x3c0\n\t"
        "msr spsr_el1, x9\n\t"
        "eret\n"
        ".global el0_back\n"
        "el0_back:\n\t"
        "mov x0, x2\n\t"
        "ret");

#define BAD 0xdeadull

static uint64_t ld(uint64_t va)
{
    uint64_t v = BAD;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static void st(uint64_t va, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

static uint64_t ldtr(uint64_t va)
{
    uint64_t v = BAD;
    __asm__ volatile("ldtr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static void sttr(uint64_t va, uint64_t v)
{
    __asm__ volatile("sttr %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

/* Call the function at va (x0 = 0x77; ret); BAD if the fetch faulted. */
static uint64_t call(uint64_t va)
{
    register uint64_t x0 __asm__("x0") = BAD;
    register uint64_t x16 __asm__("x16") = va;
    __asm__ volatile("blr %1" : "+r"(x0) : "r"(x16)
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x17", "x18", "x30", "cc", "memory");
    return x0;
}

static void tlbi_all(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
}

/* Table writes, then the TLBI the architecture asks for. */
#define TLBI_VA(op, va, asid) \
    __asm__ volatile("dsb ishst\n\ttlbi " op ", %0\n\tdsb ish\n\tisb" \
                     : : "r"((((va) >> 12) & 0xfffffffffffull) | (uint64_t)(asid) << 48) : "memory")

static uint64_t at_s1e1r(uint64_t va)
{
    __asm__ volatile("at s1e1r, %0\n\tisb" : : "r"(va) : "memory");
    return SYSREG_RD(par_el1);
}
static uint64_t at_s1e1w(uint64_t va)
{
    __asm__ volatile("at s1e1w, %0\n\tisb" : : "r"(va) : "memory");
    return SYSREG_RD(par_el1);
}
static uint64_t at_s1e0r(uint64_t va)
{
    __asm__ volatile("at s1e0r, %0\n\tisb" : : "r"(va) : "memory");
    return SYSREG_RD(par_el1);
}
static uint64_t at_s1e0w(uint64_t va)
{
    __asm__ volatile("at s1e0w, %0\n\tisb" : : "r"(va) : "memory");
    return SYSREG_RD(par_el1);
}

static void mmu_enable(const struct space *s0, const struct space *s1, uint64_t tcr)
{
    SYSREG_WR(mair_el1, MAIR_VALUE);
    SYSREG_WR(tcr_el1, tcr);
    SYSREG_WR(ttbr0_el1, (uint64_t)s0->root);
    SYSREG_WR(ttbr1_el1, (uint64_t)s1->root);
    tlbi_all();
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
}

static void mmu_disable(void)
{
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) & ~(SCTLR_M | SCTLR_C | SCTLR_I));
    tlbi_all();
}

#endif
