/*
 * DecodeBitMasks() of the Arm ARM (J1.1.3, shared/functions, used by the
 * logical-immediate and bitfield instructions of C4.1.2): expands the
 * N:immr:imms fields into the "wmask" and "tmask" bit patterns. Pure, so it
 * is unit-tested on its own (tests/unit/test_bitmask.c).
 */
#ifndef ARMVIRT_CPU_BITMASK_H
#define ARMVIRT_CPU_BITMASK_H

#include <stdbool.h>
#include <stdint.h>

/* Decode for a `datasize`-bit operation (32 or 64). `immediate` is true for
 * logical immediates, where an all-ones element is reserved. Returns false if
 * the encoding is reserved (the pseudocode's UNDEFINED); otherwise stores
 * both masks, zero above `datasize`. */
bool bitmask_decode(unsigned n, unsigned imms, unsigned immr, bool immediate, unsigned datasize,
                    uint64_t *wmask, uint64_t *tmask);

#endif
