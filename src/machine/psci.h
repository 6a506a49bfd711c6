/*
 * PSCI firmware living in the emulator (Arm DEN 0022, "Power State
 * Coordination Interface"), reached by HVC as on QEMU's virt board when the
 * kernel starts at EL1. We report version 1.1, as QEMU 7.2's TCG does.
 */
#ifndef ARMVIRT_PSCI_H
#define ARMVIRT_PSCI_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Function IDs (DEN 0022 5.1): 0x84... are SMC32, 0xc4... SMC64. */
#define PSCI_FN_VERSION 0x84000000u
#define PSCI_FN_CPU_SUSPEND 0x84000001u
#define PSCI_FN64_CPU_SUSPEND 0xc4000001u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN_CPU_ON 0x84000003u
#define PSCI_FN64_CPU_ON 0xc4000003u
#define PSCI_FN_AFFINITY_INFO 0x84000004u
#define PSCI_FN64_AFFINITY_INFO 0xc4000004u
#define PSCI_FN_MIGRATE 0x84000005u
#define PSCI_FN64_MIGRATE 0xc4000005u
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_FN_SYSTEM_OFF 0x84000008u
#define PSCI_FN_SYSTEM_RESET 0x84000009u
#define PSCI_FN_FEATURES 0x8400000au

/* What the board must do after a call, if anything. */
enum psci_effect { PSCI_NONE, PSCI_POWER_OFF, PSCI_RESET, PSCI_CPU_OFF };

/* Performs the call in the CPU's X0..X3 and puts the result in X0. Called
 * for every HVC the guest makes at EL1 (the conduit claims them all:
 * unknown functions get NOT_SUPPORTED). */
enum psci_effect psci_call(struct cpu *cpu);

#endif
