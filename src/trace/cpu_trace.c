/*
 * -d exec, cpu and int records in QEMU 7.2's shapes (see trace.h).
 */
#include <inttypes.h>

#include "cpu/block.h"
#include "cpu/op.h"
#include "trace/trace.h"

void trace_cpu_state(const struct cpu *cpu, void (*out)(const char *fmt, ...))
{
    /* Three registers a line, PC first, as QEMU's aarch64 dump. */
    out(" PC=%016" PRIx64 " ", cpu->pc);
    for (unsigned i = 0; i < 31; i++)
        out("X%02u=%016" PRIx64 "%s", i, cpu->x[i], i % 3 == 1 ? "\n" : " ");
    uint32_t ps = cpu_get_pstate(cpu);
    out(" SP=%016" PRIx64 "\n", cpu->sp);
    out("PSTATE=%08" PRIx32 " %c%c%c%c EL%u%c\n", ps, ps & PSTATE_N ? 'N' : '-',
        ps & PSTATE_Z ? 'Z' : '-', ps & PSTATE_C ? 'C' : '-', ps & PSTATE_V ? 'V' : '-',
        (unsigned)cpu->el, cpu->el && cpu->spsel ? 'h' : 't');
}

/* The block holding op: the op sits at index 0 or 1 of its block. */
static const struct block *block_of(const struct op *op)
{
    const struct op *first = op - op->index;
    return (const struct block *)((const char *)first - offsetof(struct block, ops));
}

enum exec_status trace_op_entry(struct cpu *cpu, const struct op *op)
{
    /* Not an instruction: take it off the run loop's count. */
    cpu->insns--;
    log_lock();
    if (log_mask & LOG_EXEC)
        log_printf_locked("Trace %u: %p [%016" PRIx64 "/%016" PRIx64 "/%08" PRIx32
                          "/%08x] \n",
                          cpu->index, (const void *)block_of(op), (uint64_t)0, op->pc,
                          cpu_get_pstate(cpu), 0u);
    if (log_mask & LOG_CPU)
        trace_cpu_state(cpu, log_printf_locked);
    log_unlock();
    return EXEC_NEXT;
}

/* QEMU's exception numbers and names (target/arm/internals.h EXCP_*), from
 * the exception class: what QEMU raises for each. */
static unsigned qemu_excp(uint32_t esr, bool is_irq, unsigned vector_kind, const char **name)
{
    if (is_irq) {
        switch (vector_kind) {
        case 0x080: *name = "IRQ"; return 5;
        case 0x100: *name = "FIQ"; return 6;
        default: *name = "Virtual SERR"; return 24;
        }
    }
    switch (esr >> 26) {
    case EC_SVC64: *name = "SVC"; return 2;
    case EC_HVC64: *name = "Hypervisor Call"; return 11;
    case EC_SMC64: *name = "Secure Monitor Call"; return 13;
    case EC_IABT_LOWER:
    case EC_IABT_SAME:
    case EC_PC_ALIGN:
    case EC_BREAKPT_LOWER:
    case EC_BREAKPT_SAME: *name = "Prefetch Abort"; return 3;
    case EC_DABT_LOWER:
    case EC_DABT_SAME:
    case EC_SP_ALIGN:
    case EC_WATCHPT_LOWER:
    case EC_WATCHPT_SAME: *name = "Data Abort"; return 4;
    case EC_BRK64: *name = "Breakpoint"; return 7;
    default: *name = "Undefined Instruction"; return 1;
    }
}

void trace_exception(const struct cpu *cpu, unsigned from_el, uint32_t esr, bool is_irq,
                     unsigned vector_kind, bool far_valid)
{
    const char *name;
    unsigned n = qemu_excp(esr, is_irq, vector_kind, &name);
    log_lock();
    log_printf_locked("Taking exception %u [%s] on CPU %u\n", n, name, cpu->index);
    log_printf_locked("...from EL%u to EL%u\n", from_el, (unsigned)cpu->el);
    log_printf_locked("...with ESR 0x%" PRIx32 "/0x%" PRIx32 "\n", esr >> 26, esr);
    if (far_valid)
        log_printf_locked("...with FAR 0x%" PRIx64 "\n", cpu->sys.far_el1);
    log_printf_locked("...with ELR 0x%" PRIx64 "\n", cpu->sys.elr_el1);
    log_printf_locked("...to EL%u PC 0x%" PRIx64 " PSTATE 0x%" PRIx32 "\n", (unsigned)cpu->el,
                      cpu->pc, cpu_get_pstate(cpu));
    log_unlock();
}

void trace_semihosting_call(const struct cpu *cpu)
{
    log_lock();
    log_printf_locked("Taking exception 16 [Semihosting call] on CPU %u\n", cpu->index);
    log_printf_locked("...from EL%u to EL%u\n", (unsigned)cpu->el, (unsigned)cpu->el);
    log_printf_locked("...handling as semihosting call 0x%" PRIx64 "\n", cpu->x[0]);
    log_unlock();
}

void trace_psci_call(const struct cpu *cpu, bool smc, uint16_t imm)
{
    unsigned target = smc ? 3 : 2;
    log_lock();
    log_printf_locked("Taking exception %u [%s] on CPU %u\n", smc ? 13u : 11u,
                      smc ? "Secure Monitor Call" : "Hypervisor Call", cpu->index);
    log_printf_locked("...from EL%u to EL%u\n", (unsigned)cpu->el, target);
    /* The syndrome the call has: EC HVC64/SMC64, IL, imm16. */
    log_printf_locked("...with ESR 0x%x/0x%" PRIx32 "\n", smc ? EC_SMC64 : EC_HVC64,
                      (uint32_t)(smc ? EC_SMC64 : EC_HVC64) << 26 | 1u << 25 | imm);
    log_printf_locked("...handled as PSCI call\n");
    log_unlock();
}
