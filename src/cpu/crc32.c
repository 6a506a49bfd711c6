/* CRC-32 and CRC-32C, byte-wise with one table per polynomial; see crc32.h. */
#include "cpu/crc32.h"

#include <pthread.h>

#define CRC32_POLY_REFLECTED 0xedb88320u  /* 0x04C11DB7 bit-reversed */
#define CRC32C_POLY_REFLECTED 0x82f63b78u /* 0x1EDC6F41 bit-reversed */

static uint32_t crc_table[2][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_build(void)
{
    const uint32_t polys[2] = {CRC32_POLY_REFLECTED, CRC32C_POLY_REFLECTED};
    for (unsigned t = 0; t < 2; t++)
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (polys[t] & (0u - (c & 1)));
            crc_table[t][i] = c;
        }
}

void crc32_init(void)
{
    pthread_once(&crc_once, crc_build);
}

uint32_t crc32_update(bool castagnoli, uint32_t acc, uint64_t val, unsigned bytes)
{
    const uint32_t *table = crc_table[castagnoli];
    for (unsigned i = 0; i < bytes; i++, val >>= 8)
        acc = table[(acc ^ val) & 0xff] ^ (acc >> 8);
    return acc;
}
