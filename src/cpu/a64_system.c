/*
 * System instructions (Arm ARM C4.1.3 "System", C5 "The A64 System
 * Instruction Class"): hints, barriers, MSR (immediate), and MRS/MSR/SYS/SYSL
 * through the system register table in sysreg.c. Every one of these ends its
 * block (op_ends_block), so interrupts are looked at right after it; ops that
 * change control state also return EXEC_JUMP so that stays true whatever the
 * block rules become.
 */
#include "cpu/op.h"
#include "cpu/sysreg.h"
#include "trace/log.h"

#define ESR_IL (1u << 25)
#define ESR_EC_SHIFT 26

/* SCTLR_EL1 bits with EL0 controls. */
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_UMA (1ull << 9)

static enum exec_status jump_next(struct cpu *cpu, const struct op *op)
{
    cpu->pc = op->pc + 4;
    return EXEC_JUMP;
}

static enum exec_status take(struct cpu *cpu, const struct op *op, enum esr_ec ec, uint32_t iss)
{
    cpu_take_exception(cpu, op->pc, (uint32_t)ec << ESR_EC_SHIFT | ESR_IL | iss, 0, false);
    return EXEC_JUMP;
}

/* ISS of a trapped MSR/MRS/system instruction (D17.2.37, EC 0x18); the
 * fields sit at the same bits in every encoding of the System class. */
static uint32_t sysreg_trap_iss(uint32_t insn)
{
    uint32_t op0 = bits32(insn, 19, 2), op1 = bits32(insn, 16, 3), crn = bits32(insn, 12, 4);
    uint32_t crm = bits32(insn, 8, 4), op2 = bits32(insn, 5, 3), rt = bits32(insn, 0, 5);
    uint32_t read = bits32(insn, 21, 1);
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | read;
}

/* FP access trap syndrome for A64, as QEMU reports it: CV = 1, COND = 0xE. */
#define ISS_FP_ACCESS 0x01e00000u

static enum exec_status sysreg_outcome(struct cpu *cpu, const struct op *op, enum sysreg_status st)
{
    switch (st) {
    case SYSREG_OK: return EXEC_NEXT;
    case SYSREG_SYNC: return jump_next(cpu, op);
    case SYSREG_TRAP: return take(cpu, op, EC_SYSREG, sysreg_trap_iss(op->insn));
    case SYSREG_FP_TRAP: return take(cpu, op, EC_FP_ACCESS, ISS_FP_ACCESS);
    case SYSREG_FAULT: return EXEC_FAULT;
    case SYSREG_UNDEF: break;
    }
    return EXEC_UNDEF;
}

/* ---- hints ---- */

enum exec_status exec_HINT(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT; /* NOP, YIELD, SEV, SEVL, and unallocated hints */
}

/* WFE is a hint that may complete at once: no event can arrive that a
 * spinning guest would not see anyway. A WFE that does not wait is not
 * trapped by SCTLR_EL1.nTWE (D1.16.2), and QEMU never traps it either. */
enum exec_status exec_WFE(struct cpu *cpu, const struct op *op)
{
    return EXEC_NEXT;
}

/* WFI: leave the run loop until an interrupt line is raised. A pending line
 * (masked or not) makes it complete at once, and then it is not trapped
 * either (D1.16.2; QEMU the same). At EL0 it traps to EL1 unless
 * SCTLR_EL1.nTWI, with ISS CV = 1, COND = 0xE, TI = 0. */
enum exec_status exec_WFI(struct cpu *cpu, const struct op *op)
{
    if (cpu_irq_lines(cpu))
        return EXEC_NEXT;
    if (cpu->el == 0 && !(cpu->sys.sctlr_el1 & SCTLR_NTWI))
        return take(cpu, op, EC_WFX, 1u << 24 | 0xeu << 20);
    cpu->pc = op->pc + 4;
    cpu->halted = true;
    return EXEC_EXIT;
}

/* ---- barriers and the exclusive monitor ---- */

enum exec_status exec_CLREX(struct cpu *cpu, const struct op *op)
{
    cpu->excl_valid = false;
    return EXEC_NEXT;
}

enum exec_status exec_DSB(struct cpu *cpu, const struct op *op)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return EXEC_NEXT;
}

enum exec_status exec_DMB(struct cpu *cpu, const struct op *op)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return EXEC_NEXT;
}

/* ISB: the block ends here, so later instructions see all context changes. */
enum exec_status exec_ISB(struct cpu *cpu, const struct op *op)
{
    return jump_next(cpu, op);
}

/* ---- MSR (immediate) to PSTATE fields (C5.2 / C6.2.x) ---- */

enum msr_imm_field { MSR_SPSEL, MSR_DAIFSET, MSR_DAIFCLR };

/* op1:op2 selects the field; ARMv8.0 has SPSel, DAIFSet and DAIFClr. */
bool prep_msr_imm(struct op *op)
{
    unsigned sel = bits32(op->insn, 16, 3) << 3 | bits32(op->insn, 5, 3);
    switch (sel) {
    case 0x05: op->a = MSR_SPSEL; break;
    case 0x1e: op->a = MSR_DAIFSET; break;
    case 0x1f: op->a = MSR_DAIFCLR; break;
    default: return false;
    }
    op->b = (uint8_t)bits32(op->insn, 8, 4);
    return true;
}

enum exec_status exec_MSR_imm(struct cpu *cpu, const struct op *op)
{
    uint32_t mask = (uint32_t)op->b << SPSR_DAIF_SHIFT;
    switch (op->a) {
    case MSR_SPSEL:
        if (cpu->el == 0)
            return EXEC_UNDEF;
        cpu_set_el_sp(cpu, cpu->el, op->b & 1);
        break;
    case MSR_DAIFSET:
    case MSR_DAIFCLR:
        if (cpu->el == 0 && !(cpu->sys.sctlr_el1 & SCTLR_UMA))
            return take(cpu, op, EC_SYSREG, sysreg_trap_iss(op->insn));
        if (op->a == MSR_DAIFSET)
            cpu->daif |= mask;
        else
            cpu->daif &= ~mask;
        break;
    }
    return jump_next(cpu, op);
}

/* ---- MRS, MSR (register), SYS, SYSL ---- */

/* Look the register up once; a key with no row is UNDEFINED, and logged
 * under -d unimp when decoded, as QEMU does at translation. */
bool prep_sysreg(struct op *op)
{
    const struct sysreg *r = sysreg_find(sysreg_key_of(op->insn));
    if (!r) {
        uint32_t i = op->insn;
        log_cat(LOG_UNIMP,
                "%s access to unsupported AArch64 system register op0:%u op1:%u crn:%u "
                "crm:%u op2:%u\n",
                (i >> 21) & 1 ? "read" : "write", 2 + ((i >> 19) & 1), (i >> 16) & 7,
                (i >> 12) & 15, (i >> 8) & 15, (i >> 5) & 7);
        return false;
    }
    op->imm = (int64_t)(intptr_t)r;
    return true;
}

static const struct sysreg *op_sysreg(const struct op *op)
{
    return (const struct sysreg *)(intptr_t)op->imm;
}

static enum exec_status sysreg_to_reg(struct cpu *cpu, const struct op *op)
{
    uint64_t v = 0;
    enum sysreg_status st = sysreg_read(cpu, op_sysreg(op), sysreg_key_of(op->insn), &v);
    if (st == SYSREG_OK || st == SYSREG_SYNC)
        reg_write(cpu, op->rd, v);
    return sysreg_outcome(cpu, op, st);
}

static enum exec_status reg_to_sysreg(struct cpu *cpu, const struct op *op)
{
    enum sysreg_status st =
        sysreg_write(cpu, op_sysreg(op), sysreg_key_of(op->insn), reg_read(cpu, op->rd));
    return sysreg_outcome(cpu, op, st);
}

enum exec_status exec_MRS(struct cpu *cpu, const struct op *op)
{
    return sysreg_to_reg(cpu, op);
}

enum exec_status exec_MSR_reg(struct cpu *cpu, const struct op *op)
{
    return reg_to_sysreg(cpu, op);
}

enum exec_status exec_SYS(struct cpu *cpu, const struct op *op)
{
    return reg_to_sysreg(cpu, op);
}

enum exec_status exec_SYSL(struct cpu *cpu, const struct op *op)
{
    return sysreg_to_reg(cpu, op);
}
