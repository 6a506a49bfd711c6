/*
 * Stage-1 translation for the EL1&0 regime (Arm ARM D8, "The AArch64 Virtual
 * Memory System Architecture"), ARMv8.0 as Cortex-A57 implements it: 4K, 16K
 * and 64K granules, TTBR0/TTBR1 split by VA bit 55, top-byte-ignore, 48-bit
 * output addresses, hierarchical permissions, no hardware access-flag update.
 *
 * With SCTLR_EL1.M clear the address is used as it is, and an address wider
 * than the implemented physical address size is an address size fault at
 * level 0 (D8.2.11, "Address size faults with translation disabled").
 *
 * The TLB is not tagged by ASID: writes to TTBRx/TCR and every TLBI flush it,
 * which the architecture permits (over-invalidation is always allowed).
 */
#include "cpu/mmu.h"

#include "cpu/sysreg.h"
#include "mem/physmem.h"

/* TCR_EL1 fields (D17.2.131). */
#define TCR_T0SZ(t) ((unsigned)((t) & 0x3f))
#define TCR_EPD0 (1ull << 7)
#define TCR_TG0(t) ((unsigned)(((t) >> 14) & 3))
#define TCR_T1SZ(t) ((unsigned)(((t) >> 16) & 0x3f))
#define TCR_EPD1 (1ull << 23)
#define TCR_TG1(t) ((unsigned)(((t) >> 30) & 3))
#define TCR_IPS(t) ((unsigned)(((t) >> 32) & 7))
#define TCR_TBI0 (1ull << 37)
#define TCR_TBI1 (1ull << 38)

#define SCTLR_M (1ull << 0)
#define SCTLR_WXN (1ull << 19)

/* Descriptor fields (D8.3). */
#define DESC_VALID 1ull
#define DESC_TABLE 2ull
#define DESC_AP_EL0 (1ull << 6)   /* AP[1] */
#define DESC_AP_RO (1ull << 7)    /* AP[2] */
#define DESC_AF (1ull << 10)
#define DESC_NG (1ull << 11)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define DESC_PXN_TABLE (1ull << 59)
#define DESC_UXN_TABLE (1ull << 60)
#define DESC_AP_TABLE_NO_EL0 (1ull << 61)
#define DESC_AP_TABLE_RO (1ull << 62)
#define DESC_OA_MASK 0x0000fffffffff000ull

static bool mmu_fault(struct cpu *cpu, uint64_t va, enum mmu_access access, uint8_t fsc)
{
    cpu->fault.va = va;
    cpu->fault.fsc = fsc;
    cpu->fault.write = access == MMU_WRITE;
    cpu->fault.fetch = access == MMU_FETCH;
    cpu->fault.s1ptw = false;
    return false;
}

/* Physical address size encoded by TCR.IPS / ID_AA64MMFR0.PARange. */
static unsigned pa_size_bits(unsigned code)
{
    static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    return bits[code & 7];
}

/* log2 of the granule from a TG0 or TG1 field. A reserved value, or a
 * granule ID_AA64MMFR0_EL1 says is not implemented, behaves as an
 * IMPLEMENTATION DEFINED implemented one (D13.2.131 TCR_EL1.TG0): 4K, the
 * choice QEMU 7.2 makes. Cortex-A57 has 4K and 64K but not 16K. */
static unsigned granule_bits(unsigned tg, bool ttbr1)
{
    unsigned bits;
    if (ttbr1)
        bits = tg == 1 ? 14 : tg == 3 ? 16 : 12; /* TG1: 01 16K, 10 4K, 11 64K */
    else
        bits = tg == 1 ? 16 : tg == 2 ? 14 : 12; /* TG0: 00 4K, 01 64K, 10 16K */
    if (bits == 14 && MMFR0_TGRAN16(SYSREG_ID_AA64MMFR0) == 0)
        bits = 12;
    return bits;
}

static bool mmu_walk(struct cpu *cpu, uint64_t va, enum mmu_access access, unsigned mmu_idx,
                     struct mmu_result *res)
{
    uint64_t tcr = cpu->sys.tcr_el1;
    bool upper = (va >> 55) & 1;
    bool tbi = upper ? (tcr & TCR_TBI1) : (tcr & TCR_TBI0);
    unsigned tsz = upper ? TCR_T1SZ(tcr) : TCR_T0SZ(tcr);
    /* Out-of-range TxSZ values behave as the nearest valid one (as QEMU does). */
    if (tsz < 16)
        tsz = 16;
    if (tsz > 39)
        tsz = 39;
    unsigned inputsize = 64 - tsz;

    /* Bits above the input size must all equal bit 55 (TBI: bits 63:56 ignored). */
    unsigned top = tbi ? 55 : 63;
    uint64_t high = (va >> inputsize) & ones64(top - inputsize + 1);
    if (high != (upper ? ones64(top - inputsize + 1) : 0))
        return mmu_fault(cpu, va, access, FSC_TRANSLATION_L0);
    if (tcr & (upper ? TCR_EPD1 : TCR_EPD0))
        return mmu_fault(cpu, va, access, FSC_TRANSLATION_L0);

    unsigned grain = granule_bits(upper ? TCR_TG1(tcr) : TCR_TG0(tcr), upper);
    unsigned stride = grain - 3;
    int start = 4 - (int)((inputsize - grain + stride - 1) / stride);
    int level = start;
    unsigned oa_bits = pa_size_bits(TCR_IPS(tcr));
    if (oa_bits > cpu->pa_bits)
        oa_bits = cpu->pa_bits;

    uint64_t ttbr = upper ? cpu->sys.ttbr1_el1 : cpu->sys.ttbr0_el1;
    uint64_t table = ttbr & 0x0000fffffffffffeull;
    bool no_el0 = false, ro = false, uxn = false, pxn = false;
    uint64_t desc;
    /* A TTBR address out of range is an address size fault at level 0,
     * whatever the start level (Arm ARM pseudocode; QEMU 7.2 the same). */
    if (table >> oa_bits)
        return mmu_fault(cpu, va, access, FSC_ADDR_SIZE_L0);
    for (;;) {
        unsigned shift = grain + (unsigned)(3 - level) * stride;
        unsigned bits = level == start ? inputsize - shift : stride;
        uint64_t index = (va >> shift) & ones64(bits);
        if (physmem_read(cpu->mem, table + index * 8, 8, &desc) != MEM_OK)
            return mmu_fault(cpu, va, access, (uint8_t)(0x14 + level));
        if (!(desc & DESC_VALID))
            return mmu_fault(cpu, va, access, (uint8_t)(FSC_TRANSLATION_L0 + level));
        if (level < 3 && (desc & DESC_TABLE)) {
            no_el0 |= desc & DESC_AP_TABLE_NO_EL0;
            ro |= desc & DESC_AP_TABLE_RO;
            uxn |= desc & DESC_UXN_TABLE;
            pxn |= desc & DESC_PXN_TABLE;
            table = desc & DESC_OA_MASK & ~ones64(grain);
            /* The level of the descriptor holding the address (QEMU the same). */
            if (table >> oa_bits)
                return mmu_fault(cpu, va, access, (uint8_t)(FSC_ADDR_SIZE_L0 + level));
            level++;
            continue;
        }
        /* Level 3 needs a page descriptor; blocks exist at level 1 (4K only) and 2. */
        if (level == 3 ? !(desc & DESC_TABLE) : (level == 1 && grain != 12) || level == 0)
            return mmu_fault(cpu, va, access, (uint8_t)(FSC_TRANSLATION_L0 + level));
        break;
    }

    unsigned page_bits = grain + (unsigned)(3 - level) * stride;
    uint64_t oa = (desc & DESC_OA_MASK) & ~ones64(page_bits);
    if (oa >> oa_bits)
        return mmu_fault(cpu, va, access, (uint8_t)(FSC_ADDR_SIZE_L0 + level));
    if (!(desc & DESC_AF))
        return mmu_fault(cpu, va, access, (uint8_t)(FSC_ACCESS_FLAG_L0 + level));

    /* Permissions (D8.4): AP[1] grants EL0 data access, AP[2] makes it
     * read-only; memory writable at EL0 is never executable at EL1. EL0
     * execution depends on UXN alone, so AP[1] = 0 with UXN = 0 is
     * execute-only memory for EL0 (QEMU 7.2 the same). */
    bool el0_access = (desc & DESC_AP_EL0) && !no_el0;
    bool read_only = (desc & DESC_AP_RO) || ro;
    bool el0_writable = el0_access && !read_only;
    unsigned prot;
    if (mmu_idx == MMU_IDX_EL0) {
        prot = el0_access ? PROT_R | (read_only ? 0 : PROT_W) : 0;
        if (!(desc & DESC_UXN) && !uxn)
            prot |= PROT_X;
    } else {
        prot = PROT_R | (read_only ? 0 : PROT_W);
        if (!(desc & DESC_PXN) && !pxn && !el0_writable)
            prot |= PROT_X;
    }
    if ((cpu->sys.sctlr_el1 & SCTLR_WXN) && (prot & PROT_W))
        prot &= ~PROT_X;

    unsigned need = access == MMU_READ ? PROT_R : access == MMU_WRITE ? PROT_W : PROT_X;
    if (!(prot & need))
        return mmu_fault(cpu, va, access, (uint8_t)(FSC_PERMISSION_L0 + level));

    res->pa = oa | (va & ones64(page_bits));
    res->prot = prot;
    res->page_bits = page_bits;
    res->attr = (uint8_t)(cpu->sys.mair_el1 >> (8 * ((desc >> 2) & 7)));
    res->sh = (uint8_t)((desc >> 8) & 3);
    res->global = !(desc & DESC_NG);
    return true;
}

bool mmu_translate(struct cpu *cpu, uint64_t va, enum mmu_access access, unsigned mmu_idx,
                   struct mmu_result *res)
{
    if (!(cpu->sys.sctlr_el1 & SCTLR_M)) {
        if (va >> cpu->pa_bits)
            return mmu_fault(cpu, va, access, FSC_ADDR_SIZE_L0);
        res->pa = va;
        res->prot = PROT_R | PROT_W | PROT_X;
        res->page_bits = 12;
        /* Data accesses are Device-nGnRnE, Outer Shareable (D8.2.10). */
        res->attr = 0;
        res->sh = 2;
        res->global = true;
        return true;
    }
    return mmu_walk(cpu, va, access, mmu_idx, res);
}
