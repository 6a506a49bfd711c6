/* PSCI over HVC, the firmware interface of the virt board when the guest
 * starts at EL1 (Arm DEN 0022 PSCI 1.1; conduit from the /psci node). Return
 * codes are DEN 0022's; QEMU 7.2 reports version 1.1. A function the
 * firmware does not know answers NOT_SUPPORTED (SMCCC, DEN 0028). SMC has no
 * EL3 to go to, so it is UNDEFINED (Arm ARM D1.19.3). Ends with SYSTEM_OFF,
 * which must power the machine off with status 0. */
#include "guest.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON64 0xc4000003u
#define PSCI_AFFINITY_INFO64 0xc4000004u
#define PSCI_MIGRATE64 0xc4000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_FEATURES 0x8400000au
#define PSCI_SYSTEM_RESET2 0x84000012u

#define NOT_SUPPORTED ((uint64_t)-1)
#define INVALID_PARAMETERS ((uint64_t)-2)
#define ALREADY_ON ((uint64_t)-4)

static uint64_t hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

static int undef_seen;
static uint64_t undef_esr;

static void handler(struct exc_frame *f, int vector)
{
    undef_seen++;
    undef_esr = f->esr;
    f->elr += 4;
}

int main(void)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    mpidr &= 0xff00ffffffull;

    CHECK("version 1.1", hvc(PSCI_VERSION, 0, 0, 0), 0x10001);
    CHECK("features(VERSION)", hvc(PSCI_FEATURES, PSCI_VERSION, 0, 0), 0);
    CHECK("features(SYSTEM_OFF)", hvc(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), 0);
    CHECK("features(CPU_ON64)", hvc(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), 0);
    CHECK("features(MIGRATE64)", hvc(PSCI_FEATURES, PSCI_MIGRATE64, 0, 0), NOT_SUPPORTED);
    CHECK("features(SYSTEM_RESET2)", hvc(PSCI_FEATURES, PSCI_SYSTEM_RESET2, 0, 0),
          NOT_SUPPORTED);
    CHECK("migrate info type", hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
    CHECK("affinity info (self, level 0): on", hvc(PSCI_AFFINITY_INFO64, mpidr, 0, 0), 0);
    CHECK("affinity info (no such core)", hvc(PSCI_AFFINITY_INFO64, mpidr + 7, 0, 0),
          INVALID_PARAMETERS);
    CHECK("cpu on (self): already on", hvc(PSCI_CPU_ON64, mpidr, 0x40000000, 0), ALREADY_ON);
    CHECK("cpu on (no such core)", hvc(PSCI_CPU_ON64, mpidr + 7, 0x40000000, 0),
          INVALID_PARAMETERS);
    CHECK("unknown function", hvc(0x8400ff00u, 0, 0, 0), NOT_SUPPORTED);
    CHECK("unknown fast call", hvc(0xc200ff00u, 0, 0, 0), NOT_SUPPORTED);

    guest_exc_hook = handler;
    register uint64_t x0 __asm__("x0") = PSCI_VERSION;
    __asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
    guest_exc_hook = 0;
    CHECK("smc is undefined", undef_seen, 1);
    CHECK("smc ESR (EC 0, IL)", undef_esr, 0x02000000);

    if (guest_done("psci"))
        guest_exit(1);
    hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
    guest_printf("psci: SYSTEM_OFF returned\n");
    guest_exit(2);
}
