/*
 * Debugger breakpoints and watchpoints, as the CPU core sees them.
 *
 * Breakpoints never patch guest memory. While any exist, block decoding
 * (exec.c) ends every block before a breakpoint address, so a breakpoint
 * address is always the start of a block, and gives the block starting there
 * a leading "break" op (debug_op_break) that stops the core before the
 * instruction runs. Inserting or removing one flushes the decoded blocks.
 *
 * Watchpoints make the pages they cover take the TLB's slow path (tlb.c never
 * installs a fast read or write tag for them, as for code pages); the slow
 * path checks each access against the list. A hit makes the access fail with
 * FSC_DEBUG_WATCH and the run loop stops the core before the instruction,
 * memory unchanged and the PC at the instruction: what QEMU 7.2 reports to
 * gdb (seen with `set debug remote 1`), and what gdb expects of AArch64,
 * whose watchpoints it treats as non-steppable — it steps the instruction
 * itself with the watchpoint removed and then shows old and new values.
 *
 * The lists are machine-wide (a debugger's breakpoint applies to every core,
 * as in QEMU's gdbstub) and are only changed while every core is stopped; the
 * counts let the hot paths skip all of this with one load. Per-core stop
 * records say why a core stopped.
 */
#ifndef ARMVIRT_GDB_DEBUG_H
#define ARMVIRT_GDB_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

struct op;

/* A fault status no translation produces: the access hit a watchpoint. */
#define FSC_DEBUG_WATCH 0xff

enum debug_watch_kind {
    DEBUG_WATCH_WRITE = 1,   /* Z2 */
    DEBUG_WATCH_READ = 2,    /* Z3 */
    DEBUG_WATCH_ACCESS = 3,  /* Z4: read or write */
};

enum debug_stop_reason {
    DEBUG_STOP_NONE,
    DEBUG_STOP_BREAK,
    DEBUG_STOP_WATCH,
};

struct debug_stop {
    enum debug_stop_reason reason;
    enum debug_watch_kind kind;  /* which watchpoint list matched */
    uint64_t addr;               /* watch hit: the watched address accessed */
};

#define DEBUG_MAX_BREAKPOINTS 64
#define DEBUG_MAX_WATCHPOINTS 16
#define DEBUG_MAX_CPUS 64

extern unsigned debug_bp_count, debug_wp_count;

bool debug_bp_insert(uint64_t addr);
bool debug_bp_remove(uint64_t addr);
bool debug_bp_at(uint64_t pc);
/* Any breakpoint in [start, end)? */
bool debug_bp_in(uint64_t start, uint64_t end);

bool debug_wp_insert(uint64_t addr, uint64_t len, enum debug_watch_kind kind);
bool debug_wp_remove(uint64_t addr, uint64_t len, enum debug_watch_kind kind);
void debug_remove_all(void);
/* Does a watchpoint of this direction cover any byte of the page at va? */
bool debug_wp_on_page(uint64_t va, bool write);
/* The slow path's check: true (with cpu->fault set and the hit recorded) if
 * the access [va, va+size) must stop at a watchpoint. */
bool debug_wp_check(struct cpu *cpu, uint64_t va, unsigned size, bool write);

/* Per-core state. */
struct debug_stop *debug_stop_of(struct cpu *cpu);
/* Called when a core resumes: a breakpoint at the PC it resumes from does
 * not stop it again before that instruction has run. */
void debug_arm_resume(struct cpu *cpu);

/* The debugger is single-stepping this core: interrupts stay pending (as
 * QEMU's gdbstub steps, SSTEP_NOIRQ) and an instruction that takes an
 * exception stops the core at the handler's first instruction. */
void debug_set_stepping(struct cpu *cpu, bool on);
bool debug_stepping(const struct cpu *cpu);

/* The leading op of a block that starts at a breakpoint (see above). */
enum exec_status debug_op_break(struct cpu *cpu, const struct op *op);

#endif
