/*
 * Exception entry and PSTATE for a core with EL0 and EL1 only (Arm ARM D1.10
 * "Exception entry", D1.11 "Exception return"): every exception is taken to
 * EL1 in AArch64 state. The lead's run loop and the executors call in here;
 * ERET itself lives with the branches (a64_branch.c).
 */
#include "cpu/cpu.h"
#include "cpu/tlb.h"
#include "trace/trace.h"

/* Vector offsets from VBAR_EL1 (D1.10.2). */
#define VEC_CURRENT_SP0 0x000u
#define VEC_CURRENT_SPX 0x200u
#define VEC_LOWER_A64 0x400u
#define VEC_SYNC 0x000u
#define VEC_IRQ 0x080u
#define VEC_FIQ 0x100u
#define VEC_SERROR 0x180u

#define ESR_IL (1u << 25)
#define ESR_EC_SHIFT 26

uint32_t cpu_get_pstate(const struct cpu *cpu)
{
    return cpu_nzcv(cpu) | cpu->daif | (uint32_t)cpu->el << 2 | cpu->spsel |
           (cpu->pstate_ss ? SPSR_SS : 0) | (cpu->pstate_il ? SPSR_IL : 0) |
           (cpu->pstate_pan ? SPSR_PAN : 0);
}

/* Load PSTATE from an SPSR value the caller has checked is a legal AArch64
 * EL0/EL1 state. */
void cpu_set_pstate(struct cpu *cpu, uint32_t spsr)
{
    cpu_set_nzcv(cpu, spsr & 0xf0000000u);
    cpu->daif = spsr & (SPSR_D | SPSR_A | SPSR_I | SPSR_F);
    cpu->pstate_ss = spsr & SPSR_SS;
    cpu->pstate_il = spsr & SPSR_IL;
    cpu->pstate_pan = false; /* no FEAT_PAN: SPSR.PAN is RES0 */
    cpu_set_el_sp(cpu, (spsr >> 2) & 3, spsr & 1);
}

/* The live SP is sp_el[0] when PSTATE.SP is 0 or at EL0, else sp_el[el]. */
static unsigned sp_bank(unsigned el, unsigned spsel)
{
    return spsel && el ? el : 0;
}

void cpu_set_el_sp(struct cpu *cpu, unsigned el, unsigned spsel)
{
    if (el == 0)
        spsel = 0;
    cpu->sp_el[sp_bank(cpu->el, cpu->spsel)] = cpu->sp;
    cpu->el = (uint8_t)el;
    cpu->spsel = (uint8_t)spsel;
    cpu->sp = cpu->sp_el[sp_bank(el, spsel)];
    cpu->mmu_idx = el == 0 ? MMU_IDX_EL0 : MMU_IDX_EL1;
}

/* AArch64.TakeException to EL1 (D1.10): save PSTATE and the return address,
 * mask D, A, I and F, select SP_EL1, clear SS and IL, jump to the vector. */
static void take_to_el1(struct cpu *cpu, uint64_t ret, unsigned kind)
{
    unsigned base = cpu->el == 0 ? VEC_LOWER_A64 : cpu->spsel ? VEC_CURRENT_SPX : VEC_CURRENT_SP0;
    cpu->sys.spsr_el1 = cpu_get_pstate(cpu);
    cpu->sys.elr_el1 = ret;
    cpu->daif = SPSR_D | SPSR_A | SPSR_I | SPSR_F;
    cpu->pstate_ss = false;
    cpu->pstate_il = false;
    cpu_set_el_sp(cpu, 1, 1);
    cpu->pc = cpu->sys.vbar_el1 + base + kind;
    cpu->halted = false;
}

void cpu_take_exception(struct cpu *cpu, uint64_t pc, uint32_t esr, uint64_t far, bool far_valid)
{
    unsigned from_el = cpu->el;
    cpu->sys.esr_el1 = esr;
    if (far_valid)
        cpu->sys.far_el1 = far;
    take_to_el1(cpu, pc, VEC_SYNC);
    if (log_enabled(LOG_INT))
        trace_exception(cpu, from_el, esr, false, VEC_SYNC, far_valid);
}

/* An asynchronous exception: -d int logs it with the syndrome register as
 * it stands (QEMU prints its last syndrome too). */
static void take_async(struct cpu *cpu, unsigned kind)
{
    unsigned from_el = cpu->el;
    take_to_el1(cpu, cpu->pc, kind);
    if (log_enabled(LOG_INT))
        trace_exception(cpu, from_el, (uint32_t)cpu->sys.esr_el1, true, kind, false);
}

/* IRQ, FIQ and SError are masked by PSTATE.I, F and A at EL0 and EL1 when
 * there is no EL2 or EL3 to route them (D1.13.1). A pending line wakes WFI
 * even while masked. */
bool cpu_check_interrupts(struct cpu *cpu)
{
    uint32_t lines = cpu_irq_lines(cpu);
    if (lines)
        cpu->halted = false;
    if ((lines & CPU_FIQ_LINE) && !(cpu->daif & SPSR_F)) {
        take_async(cpu, VEC_FIQ);
        return true;
    }
    if ((lines & CPU_IRQ_LINE) && !(cpu->daif & SPSR_I)) {
        take_async(cpu, VEC_IRQ);
        return true;
    }
    if ((lines & CPU_SERROR_LINE) && !(cpu->daif & SPSR_A)) {
        cpu->sys.esr_el1 = (uint32_t)EC_SERROR << ESR_EC_SHIFT | ESR_IL;
        take_async(cpu, VEC_SERROR);
        return true;
    }
    return false;
}

void cpu_undefined(struct cpu *cpu, uint64_t pc)
{
    cpu_take_exception(cpu, pc, (uint32_t)EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0, false);
}

/* Instruction and data aborts (D17.2.37, ISS encodings for EC 0x20/0x21 and
 * 0x24/0x25). ISV is 0: syndromes with instruction details are only
 * reported for stage 2 faults, as QEMU does. */
void cpu_data_abort(struct cpu *cpu, uint64_t pc)
{
    const struct mem_fault *f = &cpu->fault;
    bool lower = cpu->el == 0;
    uint32_t iss = (uint32_t)(f->fsc & 0x3f) | (f->s1ptw ? 1u << 7 : 0);
    enum esr_ec ec;
    if (f->fetch) {
        ec = lower ? EC_IABT_LOWER : EC_IABT_SAME;
    } else {
        ec = lower ? EC_DABT_LOWER : EC_DABT_SAME;
        if (f->write) /* WnR */
            iss |= 1u << 6;
    }
    cpu_take_exception(cpu, pc, (uint32_t)ec << ESR_EC_SHIFT | ESR_IL | iss, f->va, true);
}
