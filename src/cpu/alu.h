/*
 * Integer ALU helpers shared by the data-processing executors
 * (a64_dp_imm.c, a64_dp_reg.c): rotates and the flag-setting adds.
 * Flags follow AddWithCarry() (Arm ARM J1.1.3, shared/functions/integer).
 */
#ifndef ARMVIRT_CPU_ALU_H
#define ARMVIRT_CPU_ALU_H

#include "cpu/cpu.h"

static inline uint64_t alu_ror64(uint64_t v, unsigned r)
{
    return (v >> (r & 63)) | (v << ((64 - r) & 63));
}

static inline uint32_t alu_ror32(uint32_t v, unsigned r)
{
    return (v >> (r & 31)) | (v << ((32 - r) & 31));
}

/* A shifted-register operand: type 0 LSL, 1 LSR, 2 ASR, 3 ROR (C6.2,
 * "shift" field of the shifted-register forms); amount < 64. */
static inline uint64_t alu_shift64(uint64_t v, unsigned type, unsigned amount)
{
    switch (type) {
    case 0: return v << amount;
    case 1: return v >> amount;
    case 2: return (uint64_t)((int64_t)v >> amount);
    default: return alu_ror64(v, amount);
    }
}

/* ExtendReg() of the extended-register forms (C6.2, "ADD (extended
 * register)"): keep the low 64 - drop bits, sign- or zero-extended, then
 * shift left. */
static inline uint64_t alu_extend(uint64_t v, unsigned drop, bool sign, unsigned shift)
{
    v <<= drop;
    v = sign ? (uint64_t)((int64_t)v >> drop) : v >> drop;
    return v << shift;
}

/* x + y + carry, setting NZCV. A subtraction is x + ~y + 1. The carry out
 * of bit 63 is the full adder's majority(x, y, carry-in) at that bit, which
 * is (x AND y) OR ((x OR y) AND NOT r). */
static inline uint64_t alu_adds64(struct cpu *cpu, uint64_t x, uint64_t y, unsigned carry)
{
    uint64_t r = x + y + carry;
    uint64_t c = ((x & y) | ((x | y) & ~r)) >> 63;
    uint64_t v = ((x ^ r) & (y ^ r)) >> 63;
    cpu_set_nzcv(cpu, (uint32_t)(r >> 63) << 31 | (uint32_t)(r == 0) << 30 | (uint32_t)c << 29 |
                          (uint32_t)v << 28);
    return r;
}

static inline uint32_t alu_adds32(struct cpu *cpu, uint32_t x, uint32_t y, unsigned carry)
{
    uint64_t wide = (uint64_t)x + y + carry;
    uint32_t r = (uint32_t)wide;
    cpu_set_nzcv(cpu, (r >> 31) << 31 | (uint32_t)(r == 0) << 30 | (uint32_t)(wide >> 32) << 29 |
                          (((x ^ r) & (y ^ r)) >> 31) << 28);
    return r;
}

/* Flags of the logical S forms (ANDS, BICS): N and Z from the result, C = V = 0. */
static inline void alu_logic_flags64(struct cpu *cpu, uint64_t r)
{
    cpu_set_nzcv(cpu, (uint32_t)(r >> 63) << 31 | (uint32_t)(r == 0) << 30);
}

static inline void alu_logic_flags32(struct cpu *cpu, uint32_t r)
{
    cpu_set_nzcv(cpu, (r >> 31) << 31 | (uint32_t)(r == 0) << 30);
}

/* PSTATE.C as 0 or 1. */
static inline unsigned alu_carry(const struct cpu *cpu)
{
    return cpu->flags_sub ? cpu->flags_x >= cpu->flags_y : (cpu->flags_nzcv >> 29) & 1;
}

#endif
