/*
 * Code generation: a block's ops translated into host code that keeps the
 * guest registers it uses in host registers, instead of the run loop's
 * dispatch and memory traffic for every op. Only x86-64 hosts have a
 * translator; elsewhere jit_arena_new() returns NULL and every block runs
 * in the run loop.
 *
 * The contract with the run loop (exec.c): generated code runs the ops of
 * a block from the first one, with every guest register, NZCV and memory
 * exactly as the run loop would leave them, and returns one of
 *  - the op the run loop goes on with: the sentinel when it ran them all,
 *    or the first op it did not run (one with no translation, a load or
 *    store the TLB does not hit, whose run-loop form takes the slow path,
 *    or a loop's branch that may not go round, which the run loop runs
 *    again from the same state);
 *  - a taken branch's op address plus 2, with cpu->pc set to its target;
 *  - under JIT_ALL, where ops with no translation call their executors, an
 *    op's address plus 1 when its executor returned other than EXEC_NEXT,
 *    the status in cpu->jit_status: the run loop handles it as if it had
 *    called the executor itself.
 * (Ops are 8-aligned, so the two low bits are free.) A branch back to the
 * block's own start goes round inside the code while nothing needs
 * attention, the budget lasts and the block is still valid, counting
 * cpu->insns for each pass as the run loop does.
 */
#ifndef ARMVIRT_JIT_H
#define ARMVIRT_JIT_H

#include <stdbool.h>

struct block;
struct cpu;
struct op;

typedef const struct op *(*jit_fn)(struct cpu *cpu);

/* Executable memory for the code of one block cache; reset with it. */
struct jit_arena;

struct jit_arena *jit_arena_new(void);
void jit_arena_free(struct jit_arena *a);
void jit_arena_reset(struct jit_arena *a);
/* True when a block might not fit: the block cache is flushed then. */
bool jit_arena_full(const struct jit_arena *a);

/* Which blocks get code. */
enum jit_policy {
    JIT_OFF,
    /* Every hot block, up to its first op with no translation (the run
     * loop does the rest), when that is at least two ops or a loop. Ops
     * without a translation are not called from the code: a call stores
     * and reloads the registers (measured: a NEON scan loop whose Q loads
     * were calls ran 50% slower than interpreted). */
    JIT_BLOCKS,
    /* Every block with an op that has a translation, the others called
     * (tests: every path of the code, calls included). */
    JIT_ALL,
};

/* Code for block b (its ops filled in) under `policy`, or NULL when the
 * policy passes it over or the arena is full. */
jit_fn jit_compile(struct jit_arena *a, const struct block *b, enum jit_policy policy);

#endif
