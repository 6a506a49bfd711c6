/* The checks of mmu4k.c, mmu16k.c and mmu64k.c, written once for any
 * granule (GRANULE_BITS) with the helpers of mmu.h; see mmu.h for the list. */
#ifndef MMU_CHECKS_H
#define MMU_CHECKS_H

#include "mmu.h"

/* Test VAs in TTBR0's 48-bit range: slot i is TVA + i * 4 GiB, so each slot
 * has its own level-2 (and, with 4K, level-1) entry in every granule. */
#define TVA 0x0000123400000000ull
#define SLOT(i) (TVA + ((uint64_t)(i) << 32))
#define BLK (1ull << lvl_shift(2))        /* level-2 block size */
#define BLK_PA(pa) ((pa) & ~(BLK - 1))
#define IN_BLK(pa) ((pa) - BLK_PA(pa))    /* offset of pa in its level-2 block */

/* VAs whose walk finds an empty entry at `level` (each its own path). */
#define FVA(level) (0x0000400000000000ull + ((uint64_t)(level) << 43))

/* TTBR1 addresses (39-bit in phase 1, 48-bit in phase 2). */
#define T1_LOW39 0xffffff8000000000ull
#define T1_LOW48 0xffff000000000000ull
#define T1_TOP (~0ull & ~(GSIZE - 1))

/* PAR_EL1 (D13.2.101): PA[47:12], ATTR in [63:56], SH in [8:7], bit 11
 * RES1; faults: F = 1, FST in [6:1], bit 11 RES1. NS (bit 9) is not
 * compared: with no EL3 which security state the PE is in is
 * IMPLEMENTATION DEFINED (QEMU says Non-secure). SH is the descriptor's
 * (Device and Non-cacheable mappings use SH = 0b10, the only value the
 * Arm ARM allows to be reported for them). */
#define PAR_CMP_MASK (~(1ull << 9))
#define PAR_OK(pa, attr, sh) (((pa) & 0x0000fffffffff000ull) | (uint64_t)(attr) << 56 | \
                              (uint64_t)(sh) << 7 | 1ull << 11)
#define PAR_FAULT(fsc) (1ull | (uint64_t)(fsc) << 1 | 1ull << 11)

static struct space s0, s1;
static uint64_t *d_tlbi, *d_blk, *d_af_page, *d_af_blk, *d_wxn, *d_code;

static void build_phase1(void)
{
    space_init(&s0, 48);
    space_init(&s1, 39);
    map_page(&s0, SLOT(0), PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    d_blk = map_block(&s0, SLOT(1), BLK_PA(PAGE_A), 2, NORMAL | AP_EL1_RW | PXN | UXN);
#if G == 12
    map_block(&s0, SLOT(2), RAM_BASE, 1, NORMAL | AP_EL1_RW | PXN | UXN);
#endif
    d_af_page = map_page(&s0, SLOT(3), PAGE_A, (NORMAL & ~AF) | AP_EL1_RW | PXN | UXN);
    d_af_blk = map_block(&s0, SLOT(4), BLK_PA(PAGE_B), 2, (NORMAL & ~AF) | AP_EL1_RW | PXN | UXN);
    map_page(&s0, SLOT(5), PAGE_A, NORMAL | AP_EL1_RO | PXN | UXN);
    map_page(&s0, SLOT(6), PAGE_B, NORMAL | AP_RW | PXN | UXN);
    map_page(&s0, SLOT(7), PAGE_B, NORMAL | AP_RO | PXN | UXN);
    map_page(&s0, SLOT(8), PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    map_page(&s0, SLOT(9), PAGE_CODE, NORMAL | AP_EL1_RO | UXN);
    map_page(&s0, SLOT(10), PAGE_CODE, NORMAL | AP_EL1_RO | UXN | PXN);
    map_page(&s0, SLOT(11), PAGE_CODE, NORMAL | AP_RO);
    map_page(&s0, SLOT(12), PAGE_CODE, NORMAL | AP_RO | UXN);
    map_page(&s0, SLOT(13), PAGE_CODE, NORMAL | AP_RW | UXN);
    d_wxn = map_page(&s0, SLOT(14), PAGE_CODE, NORMAL | AP_EL1_RW | UXN);
    d_tlbi = map_page(&s0, SLOT(15), PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    map_page(&s0, SLOT(16), PAGE_A, ATTR(1) | SH_OUTER | AF | AP_EL1_RW | PXN | UXN);
    map_page(&s0, SLOT(17), PAGE_A, ATTR(2) | SH_OUTER | AF | AP_EL1_RW | PXN | UXN);
    /* A block-type descriptor at level 3 is reserved: translation fault. */
    *entry(&s0, SLOT(18), 3) = PAGE_A | NORMAL | D_BLOCK;
    /* Hierarchical attributes in the level-2 table descriptor (D8.4.2):
     * APTable[1] read-only, APTable[0] no EL0, PXNTable, UXNTable. */
    map_page(&s0, SLOT(21), PAGE_A, NORMAL | AP_RW | PXN | UXN);
    *entry(&s0, SLOT(21), 2) |= 1ull << 62;
    map_page(&s0, SLOT(22), PAGE_A, NORMAL | AP_RW | PXN | UXN);
    *entry(&s0, SLOT(22), 2) |= 1ull << 61;
    map_page(&s0, SLOT(23), PAGE_CODE, NORMAL | AP_RO);
    *entry(&s0, SLOT(23), 2) |= 1ull << 59;
    map_page(&s0, SLOT(24), PAGE_CODE, NORMAL | AP_RO);
    *entry(&s0, SLOT(24), 2) |= 1ull << 60;
    d_code = map_page(&s0, SLOT(29), PAGE_CODE, NORMAL | AP_EL1_RO | UXN);
    map_page(&s0, SLOT(26), PAGE_CODE, NORMAL | AP_EL1_RO);
    map_page(&s0, SLOT(32), PAGE_CODE, NORMAL | AP_EL1_RO | UXN);
    map_page(&s0, SLOT(27), PAGE_CODE, (NORMAL & ~AF) | AP_EL1_RO | UXN);
    map_page(&s0, SLOT(28), PAGE_A, (NORMAL & ~AF) | AP_EL1_RO | PXN | UXN);
    /* A level-2 table descriptor pointing at no memory. */
    map_page(&s0, SLOT(31), PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    *entry(&s0, SLOT(31), 2) = 0x09040000ull | D_TABLE;
    /* A level-2 table descriptor pointing above IPS. */
    map_page(&s0, SLOT(30), PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    *entry(&s0, SLOT(30), 2) |= 1ull << 41;
    /* Output address above TCR_EL1.IPS (40 bits): address size fault. */
    map_page(&s0, SLOT(25), 1ull << 41, NORMAL | AP_EL1_RW | PXN | UXN);
    /* Empty entries at each level below the start. */
    for (int l = s0.start + 1; l <= 3; l++)
        (void)entry(&s0, FVA(l), l);

    map_page(&s1, T1_LOW39, PAGE_C, NORMAL | AP_EL1_RW | PXN | UXN);
    map_page(&s1, T1_TOP, PAGE_B, NORMAL | AP_EL1_RW | PXN | UXN);
}

static void expect_fault(const char *what, uint64_t esr, uint64_t far)
{
    CHECK(what, seen.count, 1);
    CHECK(what, seen.esr, esr);
    CHECK(what, seen.far, far);
}

static void check_translation(void)
{
    CHECK("page: offset 0", ld(SLOT(0)), MARK(PAGE_A, 0));
    CHECK("page: offset 0x808", ld(SLOT(0) + OFF2), MARK(PAGE_A, OFF2));
    CHECK("level-2 block", ld(SLOT(1) + IN_BLK(PAGE_A) + OFF2), MARK(PAGE_A, OFF2));
    CHECK("level-2 block, other page", ld(SLOT(1) + IN_BLK(PAGE_A) + GSIZE * 0), MARK(PAGE_A, 0));
#if G == 12
    CHECK("level-1 block", ld(SLOT(2) + (PAGE_B - RAM_BASE)), MARK(PAGE_B, 0));
#endif
    CHECK("TTBR1 39-bit: lowest page", ld(T1_LOW39 + OFF2), MARK(PAGE_C, OFF2));
    CHECK("TTBR1 39-bit: top page", ld(T1_TOP), MARK(PAGE_B, 0));
    st(SLOT(0) + 16, 0x1234);
    CHECK("store through a page", *(volatile uint64_t *)(PAGE_A + 16), 0x1234);
    CHECK("no exception so far", seen.count, 0);
}

static void check_translation_faults(void)
{
    for (int l = s0.start; l <= 3; l++) {
        reset_seen();
        CHECK("translation fault: load skipped", ld(FVA(l) + 8), BAD);
        expect_fault("translation fault at each level (load)", DABT_SAME(FSC_TRANS(l)), FVA(l) + 8);
        reset_seen();
        st(FVA(l) + 0x10, 1);
        expect_fault("translation fault at each level (store)", DABT_SAME_W(FSC_TRANS(l)),
                     FVA(l) + 0x10);
    }
    reset_seen();
    ld(SLOT(18));
    expect_fault("block descriptor at level 3", DABT_SAME(FSC_TRANS(3)), SLOT(18));
    reset_seen();
    ld(SLOT(25));
    expect_fault("output address above IPS", DABT_SAME(0x03), SLOT(25));
    reset_seen();
    ld(SLOT(31));
    expect_fault("walk reads no memory: synchronous external abort on the walk, level 3",
                 DABT_SAME(0x17), SLOT(31));
    reset_seen();
    ld(SLOT(30));
    expect_fault("table address above IPS: fault at the table descriptor's level",
                 DABT_SAME(0x02), SLOT(30));
    reset_seen();
    CHECK("fetch from an unmapped page", call(FVA(3)), BAD);
    expect_fault("fetch translation fault", IABT_SAME(FSC_TRANS(3)), FVA(3));
    CHECK("fetch fault ELR", seen.elr, FVA(3));

    /* Running off the end of a page into an unmapped one: the two
     * instructions before the boundary complete, the fetch after it faults. */
    reset_seen();
    CHECK("run into an unmapped page: instructions before it ran",
          call(SLOT(32) + GSIZE - 8), 0x77);
    expect_fault("run into an unmapped page: fetch fault", IABT_SAME(FSC_TRANS(3)), SLOT(32) + GSIZE);
    CHECK("run into an unmapped page: ELR", seen.elr, SLOT(32) + GSIZE);

    /* Outside both ranges: bits above the VA size differ from bit 55. */
    reset_seen();
    ld(0x0001000000000000ull);
    expect_fault("above TTBR0's 48-bit range", DABT_SAME(FSC_TRANS(0)), 0x0001000000000000ull);
    reset_seen();
    ld(0xffffff7ffffff000ull);
    expect_fault("below TTBR1's 39-bit range", DABT_SAME(FSC_TRANS(0)), 0xffffff7ffffff000ull);
    reset_seen();
    ld(SLOT(0) | 0x5a00000000000000ull);
    expect_fault("tagged VA without TBI0", DABT_SAME(FSC_TRANS(0)), SLOT(0) | 0x5a00000000000000ull);
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) | TCR_TBI0);
    tlbi_all();
    reset_seen();
    CHECK("tagged VA with TBI0", ld(SLOT(0) | 0x5a00000000000000ull), MARK(PAGE_A, 0));
    CHECK("tagged VA with TBI0: no fault", seen.count, 0);
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) & ~TCR_TBI0);
    tlbi_all();
    /* TBI1: the tag byte of a TTBR1 address (bit 55 set) is ignored. */
    uint64_t tagged1 = (T1_LOW39 & ~(0xffull << 56)) | 0x5aull << 56;
    reset_seen();
    ld(tagged1);
    expect_fault("tagged TTBR1 VA without TBI1", DABT_SAME(FSC_TRANS(0)), tagged1);
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) | (1ull << 38));
    tlbi_all();
    reset_seen();
    CHECK("tagged TTBR1 VA with TBI1", ld(tagged1 + OFF2), MARK(PAGE_C, OFF2));
    CHECK("tagged TTBR1 VA with TBI1: no fault", seen.count, 0);
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) & ~(1ull << 38));
    tlbi_all();
    /* EPD1: no walks from TTBR1. */
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) | (1ull << 23));
    tlbi_all();
    reset_seen();
    ld(T1_LOW39);
    expect_fault("TCR_EL1.EPD1", DABT_SAME(FSC_TRANS(0)), T1_LOW39);
    SYSREG_WR(tcr_el1, SYSREG_RD(tcr_el1) & ~(1ull << 23));
    tlbi_all();
    reset_seen();
    CHECK("EPD1 clear again", ld(T1_LOW39), MARK(PAGE_C, 0));
    CHECK("EPD1 clear again: no fault", seen.count, 0);
}

static void check_access_flag(void)
{
    reset_seen();
    CHECK("AF = 0 page: load skipped", ld(SLOT(3)), BAD);
    expect_fault("access flag fault, page", DABT_SAME(FSC_AF(3)), SLOT(3));
    reset_seen();
    ld(SLOT(4) + IN_BLK(PAGE_B));
    expect_fault("access flag fault, block", DABT_SAME(FSC_AF(2)), SLOT(4) + IN_BLK(PAGE_B));
    reset_seen();
    call(SLOT(27));
    expect_fault("access flag fault on fetch", IABT_SAME(FSC_AF(3)), SLOT(27));
    reset_seen();
    st(SLOT(28) + 8, 1);
    expect_fault("access flag before permission", DABT_SAME_W(FSC_AF(3)), SLOT(28) + 8);
    *d_af_page |= AF;
    TLBI_VA("vae1", SLOT(3), 0);
    *d_af_blk |= AF;
    TLBI_VA("vae1", SLOT(4) + IN_BLK(PAGE_B), 0);
    reset_seen();
    CHECK("AF set, page", ld(SLOT(3) + OFF2), MARK(PAGE_A, OFF2));
    CHECK("AF set, block", ld(SLOT(4) + IN_BLK(PAGE_B)), MARK(PAGE_B, 0));
    CHECK("AF set: no fault", seen.count, 0);
}

static void check_permissions(void)
{
    /* EL1 read-only. */
    reset_seen();
    CHECK("EL1 RO: load", ld(SLOT(5) + OFF2), MARK(PAGE_A, OFF2));
    st(SLOT(5) + 8, 5);
    expect_fault("EL1 RO: store", DABT_SAME_W(FSC_PERM(3)), SLOT(5) + 8);
    /* LDTR/STTR: EL0 permissions from EL1. */
    reset_seen();
    CHECK("EL0 RW: LDTR", ldtr(SLOT(6)), MARK(PAGE_B, 0));
    sttr(SLOT(6) + 0x20, 0x66);
    CHECK("EL0 RW: STTR", *(volatile uint64_t *)(PAGE_B + 0x20), 0x66);
    CHECK("EL0 RW: no fault", seen.count, 0);
    CHECK("EL0 RO: LDTR", ldtr(SLOT(7) + OFF2), MARK(PAGE_B, OFF2));
    sttr(SLOT(7) + 0x28, 0x77);
    expect_fault("EL0 RO: STTR", DABT_SAME_W(FSC_PERM(3)), SLOT(7) + 0x28);
    reset_seen();
    CHECK("EL1-only: LDTR skipped", ldtr(SLOT(8)), BAD);
    expect_fault("EL1-only: LDTR", DABT_SAME(FSC_PERM(3)), SLOT(8));
    reset_seen();
    st(SLOT(7) + 0x30, 1);
    expect_fault("EL0 RO: EL1 store", DABT_SAME_W(FSC_PERM(3)), SLOT(7) + 0x30);

    /* AP[1] = 0 with UXN = 0: execute-only for EL0 (no data access). */
    reset_seen();
    CHECK("EL0: execute-only page runs", el0_run(SLOT(26) + 0x110, 0), BAD);
    CHECK("EL0: execute-only page, its SVC", seen.esr, 0x56000000);
    reset_seen();
    el0_run(SLOT(26) + 0x100, SLOT(26));
    expect_fault("EL0: execute-only page, no loads", DABT_LOWER(FSC_PERM(3)), SLOT(26));
    reset_seen();
    __asm__ volatile("dc zva, %0" : : "r"(SLOT(5) + 0x48) : "memory");
    expect_fault("DC ZVA to an EL1 RO page (FAR: the operand)", DABT_SAME_W(FSC_PERM(3)),
                 SLOT(5) + 0x48);
    /* Alignment is checked before translation. */
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) | 2);
    reset_seen();
    ld(FVA(3) + 1);
    SYSREG_WR(sctlr_el1, SYSREG_RD(sctlr_el1) & ~2ull);
    expect_fault("misaligned with A = 1 in an unmapped page", DABT_SAME(0x21), FVA(3) + 1);

    /* Hierarchical attributes. */
    reset_seen();
    CHECK("APTable RO: load", ld(SLOT(21)), MARK(PAGE_A, 0));
    st(SLOT(21) + 8, 1);
    expect_fault("APTable RO: store", DABT_SAME_W(FSC_PERM(3)), SLOT(21) + 8);
    reset_seen();
    CHECK("APTable no-EL0: EL1 load", ld(SLOT(22) + OFF2), MARK(PAGE_A, OFF2));
    ldtr(SLOT(22));
    expect_fault("APTable no-EL0: LDTR", DABT_SAME(FSC_PERM(3)), SLOT(22));
    reset_seen();
    call(SLOT(23));
    expect_fault("PXNTable: EL1 fetch", IABT_SAME(FSC_PERM(3)), SLOT(23));
    reset_seen();
    CHECK("UXNTable: EL1 fetch", call(SLOT(24)), 0x77);
    el0_run(SLOT(24) + 0x110, 0);
    expect_fault("UXNTable: EL0 fetch", IABT_LOWER(FSC_PERM(3)), SLOT(24) + 0x110);
    reset_seen();
    CHECK("PXNTable: EL0 fetch", el0_run(SLOT(23) + 0x110, 0), BAD);
    CHECK("PXNTable: EL0 fetch is fine", seen.esr, 0x56000000);

    /* At EL0 itself: code at SLOT(11) + 0x100 loads [x1], + 0x108 stores. */
    reset_seen();
    CHECK("EL0: load from EL0 RW page", el0_run(SLOT(11) + 0x100, SLOT(6) + OFF2), MARK(PAGE_B, OFF2));
    CHECK("EL0: returned by SVC", seen.esr, 0x56000000);
    CHECK("EL0: SVC from lower EL vector", seen.vector, 8);
    reset_seen();
    el0_run(SLOT(11) + 0x100, SLOT(8));
    expect_fault("EL0: load from EL1-only page", DABT_LOWER(FSC_PERM(3)), SLOT(8));
    CHECK("EL0 data abort ELR", seen.elr, SLOT(11) + 0x100);
    reset_seen();
    el0_run(SLOT(11) + 0x108, SLOT(7) + 8);
    expect_fault("EL0: store to RO page", DABT_LOWER_W(FSC_PERM(3)), SLOT(7) + 8);
    reset_seen();
    el0_run(SLOT(11) + 0x100, FVA(3));
    expect_fault("EL0: translation fault", DABT_LOWER(FSC_TRANS(3)), FVA(3));
    reset_seen();
    el0_run(SLOT(12) + 0x110, 0);
    expect_fault("EL0: execute UXN page", IABT_LOWER(FSC_PERM(3)), SLOT(12) + 0x110);
    CHECK("EL0 UXN ELR", seen.elr, SLOT(12) + 0x110);
    reset_seen();
    el0_run(SLOT(9) + 0x110, 0);
    expect_fault("EL0: execute EL1-only page", IABT_LOWER(FSC_PERM(3)), SLOT(9) + 0x110);

    /* Execute permissions at EL1. */
    reset_seen();
    CHECK("EL1 executes an EL1 RO page", call(SLOT(9)), 0x77);
    CHECK("EL1 executes an EL0 RO page", call(SLOT(11)), 0x77);
    CHECK("EL1 execute: no fault", seen.count, 0);
    CHECK("PXN: skipped", call(SLOT(10)), BAD);
    expect_fault("PXN: instruction abort", IABT_SAME(FSC_PERM(3)), SLOT(10));
    CHECK("PXN: ELR", seen.elr, SLOT(10));
    reset_seen();
    call(SLOT(13));
    expect_fault("EL0-writable is PXN", IABT_SAME(FSC_PERM(3)), SLOT(13));

    /* WXN: writable memory is not executable (run from the stub at
     * SLOT(9) + 0x400, see wxn_call). */
    reset_seen();
    CHECK("EL1 RW page executes without WXN", call(SLOT(14)), 0x77);
    uint64_t sctlr = SYSREG_RD(sctlr_el1);
    struct wxn_result r = wxn_call(SLOT(9) + 0x400, SLOT(14), sctlr);
    CHECK("WXN: writable page skipped", r.x0, BAD);
    CHECK("WXN: writable page ESR", r.esr, IABT_SAME(FSC_PERM(3)));
    CHECK("WXN: writable page FAR", r.far, SLOT(14));
    r = wxn_call(SLOT(9) + 0x400, SLOT(11), sctlr);
    CHECK("WXN: RO page still executes", r.x0, 0x77);
    CHECK("WXN: RO page no fault", r.esr, 0);
    *d_wxn = (*d_wxn & ~(3ull << 6)) | AP_EL1_RO;
    r = wxn_call(SLOT(9) + 0x400, SLOT(14), sctlr);
    CHECK("WXN: made RO, executes", r.x0, 0x77);
    CHECK("WXN restored", SYSREG_RD(sctlr_el1) & SCTLR_WXN, 0);
    CHECK("WXN: no exception through the main vectors", seen.count, 0);
}

static void check_at(void)
{
    uint64_t m = PAR_CMP_MASK;
    CHECK("AT S1E1R page", at_s1e1r(SLOT(0) + GSIZE / 2 + 8) & m, PAR_OK(PAGE_A + GSIZE / 2, 0xff, 3));
    CHECK("AT S1E1R block", at_s1e1r(SLOT(1) + IN_BLK(PAGE_B)) & m, PAR_OK(PAGE_B, 0xff, 3));
    CHECK("AT S1E1W RW page", at_s1e1w(SLOT(0)) & m, PAR_OK(PAGE_A, 0xff, 3));
    CHECK("AT S1E1R TTBR1", at_s1e1r(T1_LOW39) & m, PAR_OK(PAGE_C, 0xff, 3));
    CHECK("AT S1E1R Device-nGnRnE", at_s1e1r(SLOT(16)) & m, PAR_OK(PAGE_A, 0x00, 2));
    CHECK("AT S1E1R Normal NC", at_s1e1r(SLOT(17)) & m, PAR_OK(PAGE_A, 0x44, 2));
    CHECK("AT S1E1W RO: permission", at_s1e1w(SLOT(5)) & m, PAR_FAULT(FSC_PERM(3)));
    CHECK("AT S1E1R RO", at_s1e1r(SLOT(5)) & m, PAR_OK(PAGE_A, 0xff, 3));
    CHECK("AT S1E0R EL1-only: permission", at_s1e0r(SLOT(8)) & m, PAR_FAULT(FSC_PERM(3)));
    CHECK("AT S1E0R EL0 RW", at_s1e0r(SLOT(6)) & m, PAR_OK(PAGE_B, 0xff, 3));
    CHECK("AT S1E0W EL0 RO: permission", at_s1e0w(SLOT(7)) & m, PAR_FAULT(FSC_PERM(3)));
    CHECK("AT S1E0W EL0 RW", at_s1e0w(SLOT(6)) & m, PAR_OK(PAGE_B, 0xff, 3));
    for (int l = s0.start; l <= 3; l++)
        CHECK("AT S1E1R translation fault level", at_s1e1r(FVA(l)) & m, PAR_FAULT(FSC_TRANS(l)));
    *d_af_page &= ~AF;
    TLBI_VA("vae1", SLOT(3), 0);
    CHECK("AT S1E1R access flag", at_s1e1r(SLOT(3)) & m, PAR_FAULT(FSC_AF(3)));
    CHECK("AT S1E1R out of range", at_s1e1r(0x0001000000000000ull) & m, PAR_FAULT(FSC_TRANS(0)));
    CHECK("AT takes no exception", seen.count, 0);
}

static void check_tlbi(void)
{
    uint64_t va = SLOT(15);
    uint64_t attrs = *d_tlbi & ~0x0000fffffffff000ull;
    CHECK("TLBI: first mapping", ld(va), MARK(PAGE_A, 0));
    *d_tlbi = PAGE_B | attrs;
    TLBI_VA("vae1", va, 0);
    CHECK("TLBI VAE1: new mapping", ld(va), MARK(PAGE_B, 0));
    *d_tlbi = PAGE_C | attrs;
    TLBI_VA("vale1", va, 0);
    CHECK("TLBI VALE1: new mapping", ld(va + OFF2), MARK(PAGE_C, OFF2));
    *d_tlbi = PAGE_A | attrs;
    TLBI_VA("vaae1", va, 0);
    CHECK("TLBI VAAE1: new mapping", ld(va), MARK(PAGE_A, 0));
    *d_tlbi = PAGE_B | attrs;
    tlbi_all();
    CHECK("TLBI VMALLE1: new mapping", ld(va), MARK(PAGE_B, 0));
    *d_tlbi = 0;
    TLBI_VA("vae1is", va, 0);
    reset_seen();
    ld(va);
    expect_fault("TLBI VAE1IS: descriptor removed", DABT_SAME(FSC_TRANS(3)), va);
    *d_tlbi = PAGE_C | attrs;
    TLBI_VA("vale1is", va, 0);
    reset_seen();
    CHECK("TLBI VALE1IS: mapped again", ld(va), MARK(PAGE_C, 0));
    /* Instruction fetches see the new mapping too: another function, then
     * PXN, then no mapping (code already run and decoded at that VA). */
    uint64_t cattrs = *d_code & ~0x0000fffffffff000ull;
    reset_seen();
    uint64_t r = 0;
    for (int i = 0; i < 3; i++)
        r += call(SLOT(29));
    CHECK("TLBI, fetch: first function", r, 3 * 0x77);
    *d_code = PAGE_CODE2 | cattrs;
    TLBI_VA("vae1", SLOT(29), 0);
    r = 0;
    for (int i = 0; i < 3; i++)
        r += call(SLOT(29));
    CHECK("TLBI VAE1, fetch: second function", r, 3 * 0x88);
    *d_code = PAGE_CODE2 | cattrs | PXN;
    TLBI_VA("vale1", SLOT(29), 0);
    CHECK("TLBI VALE1, fetch: PXN now", call(SLOT(29)), BAD);
    expect_fault("TLBI VALE1, fetch: PXN fault", IABT_SAME(FSC_PERM(3)), SLOT(29));
    *d_code = PAGE_CODE | cattrs;
    tlbi_all();
    reset_seen();
    CHECK("TLBI VMALLE1, fetch: first function again", call(SLOT(29)), 0x77);
    *d_code = 0;
    TLBI_VA("vaae1", SLOT(29), 0);
    CHECK("TLBI VAAE1, fetch: unmapped", call(SLOT(29)), BAD);
    expect_fault("TLBI VAAE1, fetch: translation fault", IABT_SAME(FSC_TRANS(3)), SLOT(29));
    /* Code changed through another mapping of its page (the identity map)
     * and made visible with IC IVAU of the executing VA. */
    volatile uint32_t *code = (volatile uint32_t *)PAGE_CODE;
    reset_seen();
    CHECK("code alias: before", call(SLOT(9)), 0x77);
    code[0] = 0xd2801320;   /* mov x0, #0x99 */
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %1\n\tdsb ish\n\tisb"
                     : : "r"(PAGE_CODE), "r"(SLOT(9)) : "memory");
    CHECK("code alias: new instruction runs", call(SLOT(9)), 0x99);
    code[0] = 0xd2800ee0;   /* mov x0, #0x77 */
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb"
                     : : "r"(PAGE_CODE) : "memory");
    CHECK("code alias: restored", call(SLOT(9)), 0x77);
    CHECK("code alias: no fault", seen.count, 0);
    /* A block made read-only, invalidated by an address inside it. */
    reset_seen();
    /* Another page of the block, in a TLB slot the program's code and
     * stack do not use (a refill there would hide a missed invalidation). */
    uint64_t other = SLOT(1) + IN_BLK(PAGE_A) + 0x80040;
    CHECK("block writable before", (st(SLOT(1) + IN_BLK(PAGE_A) + 0x40, 9), seen.count), 0);
    CHECK("block writable before, other page", (st(other, 11), seen.count), 0);
    *d_blk = (*d_blk & ~(3ull << 6)) | AP_EL1_RO;
    TLBI_VA("vae1", SLOT(1) + IN_BLK(PAGE_A) + 0x40, 0);
    /* The TLBI named one page, but the entry it removed is the whole block. */
    st(other, 12);
    expect_fault("TLBI VAE1 inside a block: other page", DABT_SAME_W(FSC_PERM(2)), other);
    CHECK("block RO: other page unchanged", *(volatile uint64_t *)(PAGE_A + 0x80040), 11);
    reset_seen();
    st(SLOT(1) + IN_BLK(PAGE_A) + 0x40, 10);
    expect_fault("TLBI VAE1 inside a block", DABT_SAME_W(FSC_PERM(2)), SLOT(1) + IN_BLK(PAGE_A) + 0x40);
    CHECK("block RO: memory unchanged", *(volatile uint64_t *)(PAGE_A + 0x40), 9);
    *d_blk = (*d_blk & ~(3ull << 6)) | AP_EL1_RW;
    tlbi_all();
}

/* Two address spaces with one VA mapped differently (nG), told apart by
 * ASID 1 and 2 in TTBR0_EL1[63:48] (TCR_EL1.A1 = 0, AS = 0: 8-bit ASIDs). */
static void check_asids(void)
{
    static struct space sa, sb;
    uint64_t va = SLOT(20);
    space_init(&sa, 48);
    space_init(&sb, 48);
    uint64_t *da = map_page(&sa, va, PAGE_A, NORMAL | NG | AP_EL1_RW | PXN | UXN);
    map_page(&sb, va, PAGE_B, NORMAL | NG | AP_EL1_RW | PXN | UXN);
    SYSREG_WR(ttbr0_el1, (uint64_t)sa.root | 1ull << 48);
    CHECK("ASID 1", ld(va), MARK(PAGE_A, 0));
    SYSREG_WR(ttbr0_el1, (uint64_t)sb.root | 2ull << 48);
    CHECK("ASID 2", ld(va), MARK(PAGE_B, 0));
    SYSREG_WR(ttbr0_el1, (uint64_t)sa.root | 1ull << 48);
    CHECK("ASID 1 again", ld(va + OFF2), MARK(PAGE_A, OFF2));
    CHECK("TTBR0 ASID field reads back", SYSREG_RD(ttbr0_el1) >> 48, 1);
    *da = PAGE_C | NORMAL | NG | AP_EL1_RW | PXN | UXN | D_PAGE;
    __asm__ volatile("dsb ishst\n\ttlbi aside1, %0\n\tdsb ish\n\tisb" : : "r"(1ull << 48) : "memory");
    CHECK("TLBI ASIDE1: new mapping", ld(va), MARK(PAGE_C, 0));
    SYSREG_WR(ttbr0_el1, (uint64_t)sb.root | 2ull << 48);
    CHECK("ASID 2 unchanged", ld(va), MARK(PAGE_B, 0));
    *da = PAGE_A | NORMAL | NG | AP_EL1_RW | PXN | UXN | D_PAGE;
    __asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb" : : "r"(1ull << 48) : "memory");
    SYSREG_WR(ttbr0_el1, (uint64_t)sa.root | 1ull << 48);
    CHECK("TLBI ASIDE1IS: new mapping", ld(va), MARK(PAGE_A, 0));
    /* The same while the other space is current, made visible by TLBI by
     * VA naming ASID 1; then a TTBR0 write that changes only the ASID. */
    SYSREG_WR(ttbr0_el1, (uint64_t)sb.root | 2ull << 48);
    CHECK("ASID 2 after TLBI ASIDE1IS", ld(va), MARK(PAGE_B, 0));
    *da = PAGE_C | NORMAL | NG | AP_EL1_RW | PXN | UXN | D_PAGE;
    TLBI_VA("vae1is", va, 1);
    SYSREG_WR(ttbr0_el1, (uint64_t)sa.root | 1ull << 48);
    CHECK("TLBI VAE1IS of the other ASID: new mapping", ld(va), MARK(PAGE_C, 0));
    SYSREG_WR(ttbr0_el1, (uint64_t)sa.root | 3ull << 48);
    *da = PAGE_B | NORMAL | NG | AP_EL1_RW | PXN | UXN | D_PAGE;
    TLBI_VA("vae1is", va, 3);
    CHECK("ASID 3 on the same tables", ld(va), MARK(PAGE_B, 0));
    SYSREG_WR(ttbr0_el1, (uint64_t)s0.root);
    tlbi_all();
}

/* TTBR0 39-bit (T0SZ 25), TTBR1 48-bit (T1SZ 16): the walks start at
 * other levels. */
static void check_phase2(void)
{
    static struct space t0, t1;
    mmu_disable();
    space_init(&t0, 39);
    space_init(&t1, 48);
    uint64_t va = 0x0000004000000000ull;
    map_page(&t0, va, PAGE_C, NORMAL | AP_EL1_RW | PXN | UXN);
    map_block(&t0, va + BLK, BLK_PA(PAGE_B), 2, NORMAL | AP_EL1_RW | PXN | UXN);
    map_page(&t1, T1_LOW48, PAGE_A, NORMAL | AP_EL1_RW | PXN | UXN);
    map_page(&t1, T1_TOP, PAGE_C, NORMAL | AP_EL1_RW | PXN | UXN);
    mmu_enable(&t0, &t1, TCR_FOR(25, 16));
    reset_seen();
    CHECK("39-bit TTBR0 page", ld(va + OFF2), MARK(PAGE_C, OFF2));
    CHECK("39-bit TTBR0 block", ld(va + BLK + IN_BLK(PAGE_B)), MARK(PAGE_B, 0));
    CHECK("48-bit TTBR1 lowest page", ld(T1_LOW48), MARK(PAGE_A, 0));
    CHECK("48-bit TTBR1 top page", ld(T1_TOP + OFF2), MARK(PAGE_C, OFF2));
    CHECK("phase 2: no fault", seen.count, 0);
    reset_seen();
    ld(va + (1ull << 36));
    expect_fault("39-bit: empty entry at the start level", DABT_SAME(FSC_TRANS(t0.start)),
                 va + (1ull << 36));
    reset_seen();
    ld(0x0000008000000000ull);
    expect_fault("39-bit: above the range", DABT_SAME(FSC_TRANS(0)), 0x0000008000000000ull);
    reset_seen();
    ld(T1_LOW48 + (1ull << 40));
    expect_fault("48-bit TTBR1: empty entry", DABT_SAME(FSC_TRANS(G == 12 ? t1.start : t1.start + 1)),
                 T1_LOW48 + (1ull << 40));
    CHECK("AT S1E1R 39-bit", at_s1e1r(va) & PAR_CMP_MASK, PAR_OK(PAGE_C, 0xff, 3));
    /* TTBR1 above IPS. */
    SYSREG_WR(ttbr1_el1, (uint64_t)t1.root | 1ull << 41);
    tlbi_all();
    reset_seen();
    ld(T1_TOP);
    expect_fault("TTBR1 above IPS: address size fault at level 0", DABT_SAME(0x00), T1_TOP);
    SYSREG_WR(ttbr1_el1, (uint64_t)t1.root);
    tlbi_all();
    reset_seen();
    CHECK("TTBR1 back in range", ld(T1_TOP), MARK(PAGE_C, 0));
    CHECK("TTBR1 back in range: no fault", seen.count, 0);
    mmu_disable();
}

static int mmu_main(const char *name)
{
    guest_exc_hook = handler;
    marks_init();
    build_phase1();
    /* MMU off: data accesses are Device-nGnRnE. SH is not compared: the
     * Arm ARM reports Device memory as Outer Shareable (0b10), QEMU 7.2 as
     * 0b00. */
    reset_seen();
    ld(1ull << 44);
    expect_fault("MMU off: above the 44-bit PA size", DABT_SAME(0x00), 1ull << 44);
    CHECK("AT S1E1R with the MMU off", at_s1e1r(PAGE_B + 0x123) & PAR_CMP_MASK & ~(3ull << 7),
          PAR_OK(PAGE_B, 0, 0));
    CHECK("ID_AA64MMFR0_EL1: 4K and 64K granules, no 16K", SYSREG_RD(id_aa64mmfr0_el1) & 0xfff00000,
          0);
    mmu_enable(&s0, &s1, TCR_FOR(16, 25));
    CHECK("SCTLR_EL1.M set", SYSREG_RD(sctlr_el1) & SCTLR_M, SCTLR_M);
    CHECK("start level of a 48-bit walk", s0.start, G == 16 ? 1 : 0);
    reset_seen();
    check_translation();
    check_translation_faults();
    check_access_flag();
    check_permissions();
    check_at();
    check_tlbi();
    check_asids();
    check_phase2();
    guest_exc_hook = 0;
    return guest_done(name);
}

#endif
