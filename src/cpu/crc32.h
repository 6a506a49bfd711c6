/*
 * The CRC32 and CRC32C instructions' arithmetic (Arm ARM C6.2 CRC32B etc.):
 * the bit-reversed Poly32Mod2 of the pseudocode is the usual reflected CRC
 * update, with no pre- or post-inversion. Pure, unit-tested in
 * tests/unit/test_crc32.c.
 */
#ifndef ARMVIRT_CPU_CRC32_H
#define ARMVIRT_CPU_CRC32_H

#include <stdbool.h>
#include <stdint.h>

/* Builds the tables; call before crc32_update (cheap after the first call). */
void crc32_init(void);

/* Accumulate the low `bytes` bytes of val, least significant first, into
 * acc with CRC-32 (0x04C11DB7) or, if castagnoli, CRC-32C (0x1EDC6F41). */
uint32_t crc32_update(bool castagnoli, uint32_t acc, uint64_t val, unsigned bytes);

#endif
