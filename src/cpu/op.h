/*
 * Decoded instructions. The decoder turns each A64 word into a `struct op`:
 * the executor to call plus fields extracted once at decode time. Executors all
 * share one signature and say by their return value what happens next.
 *
 * Rows of the encoding table live in src/cpu/a64_<group>.inc, one line per
 * instruction:   A64(NAME, "bit pattern", prep)
 * The pattern is 32 characters, bit 31 first: '0'/'1' are fixed bits, any
 * other character is a field bit. Row NAME runs exec_NAME(); `prep` is NULL
 * or a function that precomputes op fields (immediates, targets) and may
 * return false to say the encoding is unallocated (the op then raises UNDEF).
 * When two rows match one word the one with more fixed bits wins.
 */
#ifndef ARMVIRT_OP_H
#define ARMVIRT_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "util.h"

/* What an executor tells the block loop. */
enum exec_status {
    EXEC_NEXT = 0,  /* go on with the next op */
    EXEC_JUMP,      /* cpu->pc holds the next PC; the block ends */
    EXEC_FAULT,     /* a memory access failed, cpu->fault says why: data abort at op->pc */
    EXEC_UNDEF,     /* encoding unallocated / not available here: UNDEF at op->pc */
    EXEC_EXIT,      /* cpu->pc set; leave cpu_run() (halt, WFI, stop request) */
};

struct op;
typedef enum exec_status (*exec_fn)(struct cpu *cpu, const struct op *op);

struct op {
    exec_fn exec;
    uint32_t insn;
    /* Register fields, extracted for every op from the usual positions:
     * rd = [4:0], rn = [9:5], rm = [20:16], ra = [14:10] (Rt2/Ra). */
    uint8_t rd, rn, rm, ra;
    /* Free for prep functions (sizes, conditions, shift amounts...). */
    uint8_t a, b, c, d;
    /* Set by the block cache (exec.c), not by decoding: which of the run
     * loop's inline forms runs this op instead of a call to exec; 0 = call. */
    uint8_t fast;
    uint8_t index;  /* set by the block cache: the op's position in its block */
    int64_t imm;    /* free for prep functions (immediates, absolute targets) */
    uint64_t pc;    /* address of this instruction */
    const void *run; /* set by the block cache: where the run loop runs `fast` */
};

typedef bool (*prep_fn)(struct op *op);

/* Declarations of every executor and prep named by the table. Group files
 * declare their prep functions with PREP(name) lines. */
#define A64(name, pattern, prep) enum exec_status exec_##name(struct cpu *cpu, const struct op *op);
#define PREP(name) bool name(struct op *op);
#include "cpu/a64.inc"
#undef A64
#undef PREP

/* Decode one word at `pc` into *op; unallocated words get an UNDEF op. */
void decode_a64(uint32_t insn, uint64_t pc, struct op *op);
/* True if the op ends a block (branches, exception-generating, system). */
bool op_ends_block(const struct op *op);
/* Name of the row an op came from, for traces and tests. */
const char *op_name(const struct op *op);

/* Flag helpers shared by executors. */
static inline uint32_t nzcv_from(bool n, bool z, bool c, bool v)
{
    return (uint32_t)n << 31 | (uint32_t)z << 30 | (uint32_t)c << 29 | (uint32_t)v << 28;
}

/* ConditionHolds() for the 4-bit condition field (Arm ARM J1.2 shared/functions). */
static inline bool cond_holds(uint32_t nzcv, unsigned cond)
{
    bool n = nzcv >> 31 & 1, z = nzcv >> 30 & 1, c = nzcv >> 29 & 1, v = nzcv >> 28 & 1;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = true; break;
    }
    if ((cond & 1) && cond != 0xf)
        r = !r;
    return r;
}

/* ConditionHolds() on the current flags; after a comparison, straight from
 * its operands (C = unsigned x >= y, N == V = signed x >= y). */
static inline bool cpu_cond_holds(const struct cpu *cpu, unsigned cond)
{
    if (!cpu->flags_sub)
        return cond_holds(cpu->flags_nzcv, cond);
    uint64_t x = cpu->flags_x, y = cpu->flags_y;
    int64_t diff;
    bool r;
    switch (cond >> 1) {
    case 0: r = x == y; break;                                                /* EQ */
    case 1: r = x >= y; break;                                                /* CS */
    case 2: r = (int64_t)(x - y) < 0; break;                                  /* MI */
    case 3: r = __builtin_sub_overflow((int64_t)x, (int64_t)y, &diff); break; /* VS */
    case 4: r = x > y; break;                                                 /* HI */
    case 5: r = (int64_t)x >= (int64_t)y; break;                              /* GE */
    case 6: r = (int64_t)x > (int64_t)y; break;                               /* GT */
    default: return true;                                                     /* AL, NV */
    }
    return (cond & 1) ? !r : r;
}

#endif
