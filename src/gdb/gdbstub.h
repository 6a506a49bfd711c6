/*
 * A GDB remote serial protocol server (QEMU's -gdb, -s, -S) for one core.
 *
 * The stub owns the core's run/stop state; the board's run loop asks it for
 * permission before each cpu_run() and tells it why cpu_run() returned:
 *
 *     for (;;) {
 *         uint64_t budget = gdb ? gdb_before_run(gdb, 1u << 24) : 1u << 24;
 *         if (!budget) return 0;                  // the debugger killed us
 *         ... wait-for-interrupt handling ...
 *         enum cpu_stop why = cpu_run(cpu, budget);
 *         if (gdb) gdb_after_run(gdb, why);
 *         ... exit / reset handling; gdb_guest_exited(gdb, status) on exit ...
 *     }
 *
 * gdb_before_run() blocks while the debugger holds the core stopped (from -S,
 * a breakpoint, a watchpoint, a finished step or Ctrl-C until the next
 * continue or step). A connection stops the core, as QEMU does; a detach or a
 * dropped connection removes the debugger's breakpoints and lets it run on.
 */
#ifndef ARMVIRT_GDBSTUB_H
#define ARMVIRT_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

struct gdbstub;

/* Listen as `spec` says: "tcp::PORT" (every address) or "tcp:HOST:PORT",
 * optionally followed by QEMU's ",server=on,wait=off,nodelay=on,ipv4=on"
 * (accepted, they are how the stub works anyway). PORT 0 picks a free port
 * (see gdb_port). NULL with a one-line message in err for a malformed spec
 * or a port that cannot be bound: the caller exits with status 2. */
struct gdbstub *gdb_open(const char *spec, struct cpu *cpu, char *err, size_t errlen);
/* -S: the core does not start until the debugger continues or steps. */
void gdb_hold_at_start(struct gdbstub *g);
/* The TCP port the stub listens on. */
unsigned gdb_port(const struct gdbstub *g);

/* The board's run loop (see above). before_run returns the budget to run
 * with (1 while stepping) or 0 if the debugger killed the machine. */
uint64_t gdb_before_run(struct gdbstub *g, uint64_t budget);
void gdb_after_run(struct gdbstub *g, enum cpu_stop why);
/* The guest exited (semihosting, PSCI SYSTEM_OFF): tells the debugger. */
void gdb_guest_exited(struct gdbstub *g, int status);

void gdb_close(struct gdbstub *g);

#endif
