/* Instruction counts of intloop.S, counted by hand from its listing: the
 * numbered comments there are the executed instructions. Cross-checked once
 * with a 1000-iteration build traced by qemu-system-aarch64 -singlestep
 * -d nochain,exec: 21008 instructions executed inside intloop_run/leaf. */
#ifndef INTLOOP_H
#define INTLOOP_H

#include <stdint.h>

#define INSNS_PER_ITER 21
#define INSNS_FIXED 8

uint64_t intloop_run(uint64_t iterations, uint64_t *buf);

#endif
