/* Stage-1 translation with the 4 KiB granule (TCR_EL1.TG0/TG1); the
 * checks are in mmu_checks.h, the list in mmu.h. */
#define GRANULE_BITS 12
#include "mmu_checks.h"

int main(void)
{
    return mmu_main("mmu4k");
}
