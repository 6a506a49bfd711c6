/*
 * crc32_update() against the published check values of the two
 * polynomials: CRC-32 (ISO-HDLC) of "123456789" is 0xCBF43926 and CRC-32C
 * (Castagnoli/iSCSI) is 0xE3069283, both with initial value and final XOR
 * 0xFFFFFFFF — which the A64 instructions leave to software.
 */
#include "cpu/crc32.h"
#include "test.h"

static const char check[] = "123456789";

/* The whole string fed `width` bytes at a time, as CRC32B/H/W/X would. */
static uint32_t crc_of_check(bool castagnoli, unsigned width)
{
    uint32_t acc = ~0u;
    unsigned len = sizeof(check) - 1, i = 0;
    for (; i + width <= len; i += width) {
        uint64_t v = 0;
        for (unsigned k = 0; k < width; k++)
            v |= (uint64_t)(uint8_t)check[i + k] << (8 * k);
        acc = crc32_update(castagnoli, acc, v, width);
    }
    for (; i < len; i++)
        acc = crc32_update(castagnoli, acc, (uint8_t)check[i], 1);
    return ~acc;
}

TEST(crc32, check_value)
{
    crc32_init();
    for (unsigned width = 1; width <= 8; width *= 2)
        ASSERT_EQ(crc_of_check(false, width), 0xcbf43926u);
}

TEST(crc32c, check_value)
{
    crc32_init();
    for (unsigned width = 1; width <= 8; width *= 2)
        ASSERT_EQ(crc_of_check(true, width), 0xe3069283u);
}

/* Bytes above the operand size are ignored. */
TEST(crc32, ignores_upper_bytes)
{
    crc32_init();
    ASSERT_EQ(crc32_update(false, 0x12345678u, 0xffffffffffffff41ull, 1),
              crc32_update(false, 0x12345678u, 0x41, 1));
}
