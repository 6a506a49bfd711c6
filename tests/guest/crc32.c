/* CRC32B/H/W/X and CRC32CB/H/W/X (Arm ARM C6.2; cortex-a57 has the CRC32
 * extension). The standard check values of the ASCII string "123456789"
 * with initial value and final XOR 0xffffffff: CRC-32 (reflected polynomial
 * 0xedb88320) = 0xcbf43926, CRC-32C (0x82f63b78) = 0xe3069283. The string is
 * fed in every chunk width, each must give the same result. */
#include "guest.h"

__asm__(".arch_extension crc");

static const char check_string[] __attribute__((aligned(8))) = "123456789";



static uint32_t crc_bytes(int castagnoli)
{
    uint64_t crc = 0xffffffff;
    for (int i = 0; i < 9; i++) {
        uint64_t b = (uint8_t)check_string[i];
        crc = castagnoli ? OP2("crc32cb %w0, %w1, %w2", crc, b)
                         : OP2("crc32b %w0, %w1, %w2", crc, b);
    }
    return (uint32_t)crc ^ 0xffffffff;
}

static uint32_t crc_halves(int castagnoli)
{
    const uint16_t *h = (const uint16_t *)check_string;
    uint64_t crc = 0xffffffff;
    for (int i = 0; i < 4; i++)
        crc = castagnoli ? OP2("crc32ch %w0, %w1, %w2", crc, h[i])
                         : OP2("crc32h %w0, %w1, %w2", crc, h[i]);
    crc = castagnoli ? OP2("crc32cb %w0, %w1, %w2", crc, (uint8_t)check_string[8])
                     : OP2("crc32b %w0, %w1, %w2", crc, (uint8_t)check_string[8]);
    return (uint32_t)crc ^ 0xffffffff;
}

static uint32_t crc_words(int castagnoli)
{
    const uint32_t *w = (const uint32_t *)check_string;
    uint64_t crc = 0xffffffff;
    for (int i = 0; i < 2; i++)
        crc = castagnoli ? OP2("crc32cw %w0, %w1, %w2", crc, w[i])
                         : OP2("crc32w %w0, %w1, %w2", crc, w[i]);
    crc = castagnoli ? OP2("crc32cb %w0, %w1, %w2", crc, (uint8_t)check_string[8])
                     : OP2("crc32b %w0, %w1, %w2", crc, (uint8_t)check_string[8]);
    return (uint32_t)crc ^ 0xffffffff;
}

static uint32_t crc_double(int castagnoli)
{
    uint64_t d = *(const uint64_t *)check_string;
    uint64_t crc = castagnoli ? OP2("crc32cx %w0, %w1, %2", 0xffffffff, d)
                              : OP2("crc32x %w0, %w1, %2", 0xffffffff, d);
    crc = castagnoli ? OP2("crc32cb %w0, %w1, %w2", crc, (uint8_t)check_string[8])
                     : OP2("crc32b %w0, %w1, %w2", crc, (uint8_t)check_string[8]);
    return (uint32_t)crc ^ 0xffffffff;
}

int main(void)
{
    CHECK("crc32b x9", crc_bytes(0), 0xcbf43926);
    CHECK("crc32h x4 + b", crc_halves(0), 0xcbf43926);
    CHECK("crc32w x2 + b", crc_words(0), 0xcbf43926);
    CHECK("crc32x + b", crc_double(0), 0xcbf43926);
    CHECK("crc32cb x9", crc_bytes(1), 0xe3069283);
    CHECK("crc32ch x4 + b", crc_halves(1), 0xe3069283);
    CHECK("crc32cw x2 + b", crc_words(1), 0xe3069283);
    CHECK("crc32cx + b", crc_double(1), 0xe3069283);
    /* Only the low byte / halfword / word of the data register is used, and
     * the upper half of the accumulator is ignored. */
    CHECK("crc32b ignores upper data bits",
          OP2("crc32b %w0, %w1, %w2", 0xffffffff, 0xffffff31),
          OP2("crc32b %w0, %w1, %w2", 0xffffffff, 0x31));
    CHECK("crc32h ignores upper data bits",
          OP2("crc32h %w0, %w1, %w2", 0x12345678, 0xabcd3231),
          OP2("crc32h %w0, %w1, %w2", 0x12345678, 0x3231));
    CHECK("crc32w zero-extends",
          OP2("crc32w %w0, %w1, %w2", 0xffffffff00000000, 0) >> 32, 0);
    return guest_done("crc32");
}
