/*
 * The SIMD&FP access check shared by every instruction that touches V
 * registers, FPCR or FPSR: CPACR_EL1.FPEN (Arm ARM D17.2.30) decides whether
 * EL0/EL1 may use them; a disabled access traps to EL1 with EC 0x07. There is
 * no EL2 yet, so CPTR_EL2 is not consulted.
 */
#ifndef ARMVIRT_FP_ACCESS_H
#define ARMVIRT_FP_ACCESS_H

#include "cpu/op.h"

/* ESR_ELx for the trap: EC 0x07, IL, and ISS with CV = 1, COND = 0xE (the
 * value AArch64 reports for an unconditional instruction). */
#define ESR_FP_ACCESS ((uint32_t)EC_FP_ACCESS << 26 | 1u << 25 | 0x01e00000u)

/* FPEN: 00/10 trap EL0 and EL1, 01 traps EL0 only, 11 traps nothing. */
static inline bool cpu_fp_enabled(const struct cpu *cpu)
{
    unsigned fpen = (unsigned)(cpu->sys.cpacr_el1 >> 20) & 3;
    return fpen == 3 || (fpen == 1 && cpu->el == 1);
}

/* Take the access trap for the instruction of `op`; an executor returns this. */
static inline enum exec_status cpu_fp_trap(struct cpu *cpu, const struct op *op)
{
    cpu_take_exception(cpu, op->pc, ESR_FP_ACCESS, 0, false);
    return EXEC_JUMP;
}

#define FP_CHECK(cpu, op)                      \
    do {                                       \
        if (unlikely(!cpu_fp_enabled(cpu)))    \
            return cpu_fp_trap(cpu, op);       \
    } while (0)

#endif
