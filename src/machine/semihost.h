/*
 * Arm semihosting ("Semihosting for AArch32 and AArch64", version 2) as
 * QEMU's -semihosting provides it: console I/O, exit, time, command line and
 * heap information. Host files are not reachable from the guest.
 */
#ifndef ARMVIRT_SEMIHOST_H
#define ARMVIRT_SEMIHOST_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* What the board tells semihosting about the machine: the RAM region (for
 * SYS_HEAPINFO) and the command line (SYS_GET_CMDLINE; may be NULL). */
void semihost_configure(uint64_t ram_base, uint64_t ram_size, const char *cmdline);

/* The cpu_hooks.semihosting callback: performs the call in W0/X1, puts the
 * result in X0. Always returns true (every call is handled, unknown ones
 * fail with -1). A SYS_EXIT sets cpu->exit_requested and exit_status. */
bool semihost_call(struct cpu *cpu);

#endif
