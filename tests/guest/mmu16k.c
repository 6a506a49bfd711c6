/* TCR_EL1.TG0/TG1 programmed for the 16 KiB granule, which Cortex-A57 does
 * not implement (ID_AA64MMFR0_EL1.TGran16 = 0): the granule then behaves as
 * an IMPLEMENTATION DEFINED implemented one (Arm ARM D13.2.131); QEMU 7.2
 * picks 4K, so the 4K tables and checks of mmu_checks.h must all pass. */
#define GRANULE_BITS 12
#define TG_16K_AS_4K
#include "mmu_checks.h"

int main(void)
{
    return mmu_main("mmu16k");
}
