/*
 * The system register table: every register and system instruction the
 * MRS/MSR/SYS encodings reach, keyed by op0:op1:CRn:CRm:op2 (instruction bits
 * [20:5]), with the access rules of each at EL0 and EL1. A key the table does
 * not hold is UNDEFINED (Arm ARM C5.3, D12.3.1 for the RAZ ID space).
 */
#ifndef ARMVIRT_SYSREG_H
#define ARMVIRT_SYSREG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Key of a register: the 16 bits op0:op1:CRn:CRm:op2. */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
    ((unsigned)(op0) << 14 | (unsigned)(op1) << 11 | (unsigned)(crn) << 7 | (unsigned)(crm) << 3 | (unsigned)(op2))
static inline unsigned sysreg_key_of(uint32_t insn)
{
    return (insn >> 5) & 0xffff;
}

/* ID_AA64MMFR0_EL1 of QEMU 7.2's cortex-a57: 44-bit PA, 16-bit ASIDs,
 * mixed endian, 4K and 64K granules but no 16K (TGran16, bits 23:20, 0). */
#define SYSREG_ID_AA64MMFR0 0x00001124ull
#define MMFR0_TGRAN16(v) (((v) >> 20) & 0xf)

/* Generic timer frequency of QEMU's virt board: 62.5 MHz. */
#define SYSREG_CNTFRQ 62500000ull

/* Outcome of an access. */
enum sysreg_status {
    SYSREG_OK,        /* done */
    SYSREG_SYNC,      /* done, and control state changed: end the block */
    SYSREG_UNDEF,     /* UNDEFINED: EC_UNKNOWN */
    SYSREG_TRAP,      /* trapped to EL1 as EC_SYSREG (D17.2.37, ISS for EC 0x18) */
    SYSREG_FP_TRAP,   /* trapped by CPACR_EL1.FPEN: EC_FP_ACCESS */
    SYSREG_FAULT,     /* a memory access failed (DC ZVA); cpu->fault says why */
};

struct sysreg;

/* The row for a key, or NULL if no such register or system instruction. */
const struct sysreg *sysreg_find(unsigned key);
const char *sysreg_name(const struct sysreg *r);

/* MRS/SYSL and MSR/SYS. `key` is the instruction's, for rows that cover a
 * range (debug and PMU register arrays). */
enum sysreg_status sysreg_read(struct cpu *cpu, const struct sysreg *r, unsigned key, uint64_t *val);
enum sysreg_status sysreg_write(struct cpu *cpu, const struct sysreg *r, unsigned key, uint64_t val);

/* Reset values of the registers sysreg.c keeps (call from cpu_reset). */
void sysreg_reset(struct cpu *cpu);

/* The system counter: host monotonic time at 62.5 MHz since start-up
 * (CNTPCT_EL0; CNTVCT_EL0 is this minus CNTVOFF_EL2, which is 0 with no EL2). */
uint64_t sysreg_counter(void);
/* Host monotonic nanoseconds. */
uint64_t sysreg_host_ns(void);

#endif
