/*
 * Code generation: a block's leading ops translated into host code that
 * keeps the guest registers it uses in host registers, so a loop does not
 * go through memory for every register on every pass as the run loop's
 * inline forms must. Only x86-64 hosts have a translator; elsewhere
 * jit_arena_new() returns NULL and every block runs in the run loop.
 *
 * The contract with the run loop (exec.c): generated code runs the ops of
 * a block from the first one, with every guest register, NZCV and memory
 * exactly as the run loop would leave them, and returns the op the run loop
 * goes on with. That is the sentinel when it ran them all, or the first op
 * it did not run: a load or store the TLB does not hit (the run loop's
 * form of it takes the slow path), or a branch that is taken (the run loop
 * runs the branch again from the same state). Ops with no translation are
 * calls of their executors; when one returns other than EXEC_NEXT, the code
 * returns that op's address plus 1 (ops are aligned, bit 0 is free) with
 * the status in cpu->jit_status, and the run loop handles it as if it had
 * called the executor itself.
 * A branch back to the block's own start goes round inside the generated
 * code while nothing needs attention, the budget lasts and the block is
 * still valid, counting cpu->insns for each pass as the run loop does.
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
    /* Blocks that loop on themselves, up to the first op with no
     * translation (the run loop does the rest), if the loop's branch is
     * before it: where keeping registers in host registers pays. Executor
     * calls store and reload them (measured: a NEON scan loop whose Q
     * loads were calls ran 50% slower than interpreted). */
    JIT_LOOPS,
    /* Every block with an op that has a translation (tests). */
    JIT_ALL,
};

/* Code for block b (its ops filled in) under `policy`, or NULL when the
 * policy passes it over or the arena is full. */
jit_fn jit_compile(struct jit_arena *a, const struct block *b, enum jit_policy policy);

#endif
