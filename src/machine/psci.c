/*
 * PSCI 1.1 for a machine with one core (see psci.h). Return codes are
 * DEN 0022's; 32-bit results are sign-extended into X0.
 */
#include "machine/psci.h"

#include "cpu/cpu.h"

#define PSCI_VERSION_1_1 0x00010001u
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_AFFINITY_ON 0
/* MIGRATE_INFO_TYPE: no Trusted OS, so nothing needs migrating. */
#define PSCI_TOS_NOT_PRESENT_MP 2

#define MPIDR_AFFINITY_MASK 0xff00ffffffull
/* CPU_SUSPEND power_state: only the StateID and type bits are defined. */
#define SUSPEND_RESERVED_BITS 0xfffe0000ull

static bool is_cpu0(const struct cpu *cpu, uint64_t mpidr)
{
    return (mpidr & MPIDR_AFFINITY_MASK) == (cpu->mpidr & MPIDR_AFFINITY_MASK);
}

/* PSCI_FEATURES: which of our functions exist (SUCCESS) or not. */
static int64_t features(uint32_t fn)
{
    switch (fn) {
    case PSCI_FN_VERSION:
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN64_CPU_SUSPEND:
    case PSCI_FN_CPU_OFF:
    case PSCI_FN_CPU_ON:
    case PSCI_FN64_CPU_ON:
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN64_AFFINITY_INFO:
    case PSCI_FN_MIGRATE_INFO_TYPE:
    case PSCI_FN_SYSTEM_OFF:
    case PSCI_FN_SYSTEM_RESET:
    case PSCI_FN_FEATURES:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

enum psci_effect psci_call(struct cpu *cpu)
{
    uint64_t fn = cpu->x[0];
    int64_t ret = PSCI_NOT_SUPPORTED;
    enum psci_effect effect = PSCI_NONE;
    /* SMC32 functions take 32-bit arguments (DEN 0028 SMCCC 2.6). */
    bool is64 = fn & 0x40000000u;
    uint64_t a1 = is64 ? cpu->x[1] : (uint32_t)cpu->x[1];
    uint64_t a2 = is64 ? cpu->x[2] : (uint32_t)cpu->x[2];

    switch (fn) {
    case PSCI_FN_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_FN_FEATURES:
        ret = features((uint32_t)a1);
        break;
    case PSCI_FN_MIGRATE_INFO_TYPE:
        ret = PSCI_TOS_NOT_PRESENT_MP;
        break;
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN64_AFFINITY_INFO:
        /* Only level 0 is supported, and there is one core: it is on. */
        ret = a2 != 0 || !is_cpu0(cpu, a1) ? PSCI_INVALID_PARAMETERS : PSCI_AFFINITY_ON;
        break;
    case PSCI_FN_CPU_ON:
    case PSCI_FN64_CPU_ON:
        ret = is_cpu0(cpu, a1) ? PSCI_ALREADY_ON : PSCI_INVALID_PARAMETERS;
        break;
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN64_CPU_SUSPEND:
        /* A standby state: wait for an interrupt, then return success, as
         * a power-down request may also be treated (DEN 0022 5.4.2). */
        if (a1 & SUSPEND_RESERVED_BITS) {
            ret = PSCI_INVALID_PARAMETERS;
            break;
        }
        ret = PSCI_SUCCESS;
        cpu->halted = true;
        break;
    case PSCI_FN_CPU_OFF:
        effect = PSCI_CPU_OFF;
        ret = PSCI_SUCCESS;
        break;
    case PSCI_FN_SYSTEM_OFF:
        effect = PSCI_POWER_OFF;
        break;
    case PSCI_FN_SYSTEM_RESET:
        effect = PSCI_RESET;
        break;
    default:
        break;
    }
    cpu->x[0] = (uint64_t)ret;
    return effect;
}
