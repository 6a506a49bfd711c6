/*
 * Branches and exception-generating instructions (Arm ARM C4.1.3; C6.2 for
 * each instruction). Immediate targets are computed once at decode into
 * op->imm, so a taken branch is one store to cpu->pc.
 *
 * With no EL2 or EL3 (QEMU's virt board starting the guest at EL1): HVC and
 * SMC are UNDEFINED unless the board's firmware (PSCI) handles them; HLT is
 * UNDEFINED except as the semihosting call; BRK and SVC go to EL1.
 */
#include "cpu/op.h"
#include "trace/log.h"
#include "trace/trace.h"

#define ESR_IL (1u << 25)
#define ESR_EC_SHIFT 26
#define HLT_SEMIHOSTING 0xf000u

static uint32_t esr_of(enum esr_ec ec, uint32_t iss)
{
    return (uint32_t)ec << ESR_EC_SHIFT | ESR_IL | iss;
}

static uint16_t imm16_of(const struct op *op)
{
    return (uint16_t)bits32(op->insn, 5, 16);
}

/* ---- decode-time preparation ---- */

bool prep_branch_imm26(struct op *op)
{
    op->imm = (int64_t)(op->pc + (uint64_t)(sext64(bits32(op->insn, 0, 26), 26) * 4));
    return true;
}

/* B.cond, CBZ, CBNZ: imm19 at [23:5], condition at [3:0]. */
bool prep_branch_imm19(struct op *op)
{
    op->imm = (int64_t)(op->pc + (uint64_t)(sext64(bits32(op->insn, 5, 19), 19) * 4));
    op->a = (uint8_t)bits32(op->insn, 0, 4);
    return true;
}

/* TBZ, TBNZ: bit number b5:b40, imm14 at [18:5]. */
bool prep_branch_imm14(struct op *op)
{
    op->imm = (int64_t)(op->pc + (uint64_t)(sext64(bits32(op->insn, 5, 14), 14) * 4));
    op->a = (uint8_t)(bits32(op->insn, 31, 1) << 5 | bits32(op->insn, 19, 5));
    return true;
}

/* ---- immediate branches ---- */

enum exec_status exec_B(struct cpu *cpu, const struct op *op)
{
    cpu->pc = (uint64_t)op->imm;
    return EXEC_JUMP;
}

enum exec_status exec_BL(struct cpu *cpu, const struct op *op)
{
    cpu->x[30] = op->pc + 4;
    cpu->pc = (uint64_t)op->imm;
    return EXEC_JUMP;
}

/* A branch not taken returns EXEC_NEXT: the block goes on with the next op. */
#define BRANCH_IF(cond)                 \
    do {                                \
        if (cond) {                     \
            cpu->pc = (uint64_t)op->imm; \
            return EXEC_JUMP;           \
        }                               \
        return EXEC_NEXT;               \
    } while (0)

enum exec_status exec_B_cond(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF(cpu_cond_holds(cpu, op->a));
}

enum exec_status exec_CBZ_w(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF((uint32_t)reg_read(cpu, op->rd) == 0);
}

enum exec_status exec_CBNZ_w(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF((uint32_t)reg_read(cpu, op->rd) != 0);
}

enum exec_status exec_CBZ_x(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF(reg_read(cpu, op->rd) == 0);
}

enum exec_status exec_CBNZ_x(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF(reg_read(cpu, op->rd) != 0);
}

enum exec_status exec_TBZ(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF(!bit(reg_read(cpu, op->rd), op->a));
}

enum exec_status exec_TBNZ(struct cpu *cpu, const struct op *op)
{
    BRANCH_IF(bit(reg_read(cpu, op->rd), op->a));
}

/* ---- register branches ---- */

/* A branch to a register drops the tag byte when TBI applies to the target
 * (D8.8 "Address tagging"; EL0 and EL1 share TCR_EL1's two ranges). */
static uint64_t branch_target(const struct cpu *cpu, uint64_t va)
{
    uint64_t tbi = bit(va, 55) ? 1ull << 38 : 1ull << 37; /* TCR_EL1.TBI1 / TBI0 */
    return (cpu->sys.tcr_el1 & tbi) ? (uint64_t)sext64(va, 56) : va;
}

enum exec_status exec_BR(struct cpu *cpu, const struct op *op)
{
    cpu->pc = branch_target(cpu, reg_read(cpu, op->rn));
    return EXEC_JUMP;
}

enum exec_status exec_BLR(struct cpu *cpu, const struct op *op)
{
    uint64_t target = reg_read(cpu, op->rn);
    cpu->x[30] = op->pc + 4;
    cpu->pc = branch_target(cpu, target);
    return EXEC_JUMP;
}

enum exec_status exec_RET(struct cpu *cpu, const struct op *op)
{
    cpu->pc = branch_target(cpu, reg_read(cpu, op->rn));
    return EXEC_JUMP;
}

/* Is SPSR_EL1 a state ERET may return to from EL1 (D1.11.4 "Illegal return
 * events from AArch64 state")? AArch32 is not supported by this core, and
 * only EL0t, EL1t and EL1h exist. */
static bool spsr_return_legal(uint64_t spsr)
{
    unsigned m = (unsigned)(spsr & (SPSR_M_AARCH32 | SPSR_M_MASK));
    return m == 0x0 || m == 0x4 || m == 0x5;
}

/* ERET (C6.2.x, D1.11): from EL1 only. An illegal return keeps EL and SP,
 * restores NZCV and DAIF and sets PSTATE.IL, so the instruction at the
 * target raises an Illegal Execution state exception; with IL set nothing
 * else can run first, so that exception is taken here. */
enum exec_status exec_ERET(struct cpu *cpu, const struct op *op)
{
    if (cpu->el == 0)
        return EXEC_UNDEF;
    uint64_t spsr = cpu->sys.spsr_el1;
    uint64_t elr = cpu->sys.elr_el1;
    /* An exception return clears the local exclusive monitor (B2.9.5), so a
     * context switch never lets one thread's STXR use another's LDXR. */
    cpu->excl_valid = false;
    if (spsr_return_legal(spsr)) {
        cpu_set_pstate(cpu, (uint32_t)spsr);
        cpu->pstate_ss = false; /* software step is not modelled */
        cpu->pc = branch_target(cpu, elr);
    } else {
        cpu_set_nzcv(cpu, (uint32_t)spsr & 0xf0000000u);
        cpu->daif = (uint32_t)spsr & (SPSR_D | SPSR_A | SPSR_I | SPSR_F);
        cpu->pstate_ss = false;
        cpu->pstate_il = true;
        cpu->pc = elr;
    }
    if (cpu->pstate_il)
        cpu_take_exception(cpu, cpu->pc, esr_of(EC_ILLEGAL_STATE, 0), 0, false);
    return EXEC_JUMP;
}

/* ---- exception generation ---- */

enum exec_status exec_SVC(struct cpu *cpu, const struct op *op)
{
    cpu_take_exception(cpu, op->pc + 4, esr_of(EC_SVC64, imm16_of(op)), 0, false);
    return EXEC_JUMP;
}

/* After firmware or semihosting ran, continue after the instruction unless
 * the call stopped the core (power off, exit) or moved the PC (reset). */
static enum exec_status after_service(struct cpu *cpu)
{
    return cpu->exit_requested || cpu->halted ? EXEC_EXIT : EXEC_JUMP;
}

static enum exec_status firmware_call(struct cpu *cpu, const struct op *op, bool smc)
{
    if (cpu->el == 0 || !cpu->hooks || !cpu->hooks->firmware_call)
        return EXEC_UNDEF;
    uint64_t saved_pc = cpu->pc;
    cpu->pc = op->pc + 4;
    if (!cpu->hooks->firmware_call(cpu, smc, imm16_of(op))) {
        cpu->pc = saved_pc;
        return EXEC_UNDEF;
    }
    if (log_enabled(LOG_INT))
        trace_psci_call(cpu, smc, imm16_of(op));
    return after_service(cpu);
}

enum exec_status exec_HVC(struct cpu *cpu, const struct op *op)
{
    return firmware_call(cpu, op, false);
}

enum exec_status exec_SMC(struct cpu *cpu, const struct op *op)
{
    return firmware_call(cpu, op, true);
}

/* BRK: the preferred return address is the BRK itself. */
enum exec_status exec_BRK(struct cpu *cpu, const struct op *op)
{
    cpu_take_exception(cpu, op->pc, esr_of(EC_BRK64, imm16_of(op)), 0, false);
    return EXEC_JUMP;
}

/* HLT #0xF000 is the A64 semihosting trap when enabled; as QEMU does, not
 * from EL0. Halting debug is not implemented, so any other HLT is UNDEFINED. */
enum exec_status exec_HLT(struct cpu *cpu, const struct op *op)
{
    if (imm16_of(op) != HLT_SEMIHOSTING || !cpu->semihosting || cpu->el == 0 || !cpu->hooks ||
        !cpu->hooks->semihosting)
        return EXEC_UNDEF;
    uint64_t saved_pc = cpu->pc;
    cpu->pc = op->pc + 4;
    if (log_enabled(LOG_INT))
        trace_semihosting_call(cpu);
    if (!cpu->hooks->semihosting(cpu)) {
        cpu->pc = saved_pc;
        return EXEC_UNDEF;
    }
    return after_service(cpu);
}
