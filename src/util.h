/* Small helpers shared by every layer: bit fields, sign extension, branch hints. */
#ifndef ARMVIRT_UTIL_H
#define ARMVIRT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Bits [lo + len - 1 : lo] of v. */
static inline uint32_t bits32(uint32_t v, unsigned lo, unsigned len)
{
    return (v >> lo) & (len >= 32 ? 0xffffffffu : ((1u << len) - 1));
}

static inline uint64_t bits64(uint64_t v, unsigned lo, unsigned len)
{
    return (v >> lo) & (len >= 64 ? ~0ull : ((1ull << len) - 1));
}

static inline bool bit(uint64_t v, unsigned n)
{
    return (v >> n) & 1;
}

/* Sign-extend the low `len` bits of v. */
static inline int64_t sext64(uint64_t v, unsigned len)
{
    return (int64_t)(v << (64 - len)) >> (64 - len);
}

/* The value of hexadecimal digit c (either case), or -1 if it is not one. */
static inline int hex_digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* All-ones in the low n bits (n may be 64). */
static inline uint64_t ones64(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

#endif
