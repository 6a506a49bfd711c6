/*
 * Stage-1 translation for EL0/EL1 (Arm ARM D8, "The AArch64 Virtual Memory
 * System Architecture"). With SCTLR_EL1.M clear the address is used as it is,
 * and an address wider than the implemented physical address size is an
 * address size fault at level 0 (D8.2.11, "Address size faults with
 * translation disabled").
 */
#include "cpu/mmu.h"

static void mmu_fault(struct cpu *cpu, uint64_t va, enum mmu_access access, uint8_t fsc)
{
    cpu->fault.va = va;
    cpu->fault.fsc = fsc;
    cpu->fault.write = access == MMU_WRITE;
    cpu->fault.fetch = access == MMU_FETCH;
    cpu->fault.s1ptw = false;
}

bool mmu_translate(struct cpu *cpu, uint64_t va, enum mmu_access access, unsigned mmu_idx,
                   struct mmu_result *res)
{
    (void)mmu_idx;
    if (!(cpu->sys.sctlr_el1 & 1)) {
        if (va >> cpu->pa_bits) {
            mmu_fault(cpu, va, access, FSC_ADDR_SIZE_L0);
            return false;
        }
        res->pa = va;
        res->prot = PROT_R | PROT_W | PROT_X;
        res->page_bits = 12;
        return true;
    }
    /* TODO: the stage-1 table walk lands with the system-level issue. Until
     * then a guest that turns the MMU on sees every access fault at level 0. */
    mmu_fault(cpu, va, access, FSC_TRANSLATION_L0);
    return false;
}
