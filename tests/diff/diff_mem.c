/* The RAM image both sides start every case from, and the PRNG (diff.h). */
#include <string.h>

#include "diff.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void diff_rng_seed(struct diff_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Not instrumented under SANITIZE=1: plain unsigned arithmetic, called a
 * hundred times a case, and a tenth of the driver's time when checked. */
__attribute__((no_sanitize("undefined"))) uint64_t diff_rng_next(struct diff_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void diff_mem_init_image(uint8_t *img, uint64_t seed)
{
    struct diff_rng rng;
    diff_rng_seed(&rng, seed ^ 0x6d656d6f7279ull);
    for (uint64_t i = 0; i < DIFF_RAM_SIZE; i += 8) {
        uint64_t v = diff_rng_next(&rng);
        memcpy(img + i, &v, 8);
    }
}

void diff_mem_apply(uint8_t *ram, const struct diff_case *c)
{
    memcpy(ram + c->patch_off, c->patch, DIFF_PATCH_SIZE);
    memcpy(ram + (c->code_addr - DIFF_RAM_BASE), c->insn, 4 * c->ninsn);
}

#define SCAN_BLOCK 256u

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Under AddressSanitizer memcmp is intercepted and checks the shadow of
 * every range it is given, which made this scan a quarter of the oracle's
 * time in `make check SANITIZE=1`; a plain word loop, not instrumented,
 * does there. The buffers are ours and whole, so there is nothing for it
 * to find. Elsewhere the C library's memcmp is the faster. */
#if defined(__SANITIZE_ADDRESS__)
__attribute__((no_sanitize("address", "undefined"))) static bool block_same(const uint8_t *a,
                                                                             const uint8_t *b)
{
    uint64_t acc = 0;
    for (unsigned i = 0; i < SCAN_BLOCK; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        acc |= x ^ y;
    }
    return acc == 0;
}
#else
static bool block_same(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, SCAN_BLOCK) == 0;
}
#endif

/* The block at blk as the case starts, into buf. */
static void expected_block(const uint8_t *img, const struct diff_case *c, uint32_t blk,
                           uint8_t *buf)
{
    memcpy(buf, img + blk, SCAN_BLOCK);
    uint32_t code = (uint32_t)(c->code_addr - DIFF_RAM_BASE);
    const uint8_t *src[2] = {c->patch, (const uint8_t *)c->insn};
    uint32_t at[2] = {c->patch_off, code}, len[2] = {DIFF_PATCH_SIZE, 4 * c->ninsn};
    for (int k = 0; k < 2; k++) /* code over patch: the order of diff_mem_apply */
        for (uint32_t i = 0; i < len[k]; i++)
            if (at[k] + i >= blk && at[k] + i < blk + SCAN_BLOCK)
                buf[at[k] + i - blk] = src[k][i];
}

void diff_mem_collect(uint8_t *ram, const uint8_t *img, const struct diff_case *c,
                      struct diff_result *r)
{
    uint32_t code = (uint32_t)(c->code_addr - DIFF_RAM_BASE);
    uint32_t hash = 2166136261u;
    uint8_t expect[SCAN_BLOCK];
    r->nmem = 0;
    for (uint32_t blk = 0; blk < DIFF_RAM_SIZE; blk += SCAN_BLOCK) {
        bool touched = overlaps(blk, SCAN_BLOCK, code, 4 * c->ninsn) ||
                       overlaps(blk, SCAN_BLOCK, c->patch_off, DIFF_PATCH_SIZE);
        if (!touched) {
            if (block_same(ram + blk, img + blk))
                continue;
            memcpy(expect, img + blk, SCAN_BLOCK);
        } else {
            expected_block(img, c, blk, expect);
            if (block_same(ram + blk, expect)) {
                memcpy(ram + blk, img + blk, SCAN_BLOCK);
                continue;
            }
        }
        for (uint32_t off = blk; off < blk + SCAN_BLOCK; off++) {
            uint8_t v = ram[off];
            if (v != expect[off - blk]) {
                if (r->nmem < DIFF_MAX_MEMDIFF)
                    r->mem[r->nmem] = (struct diff_memdiff){off, v};
                r->nmem++;
                uint8_t rec[5] = {(uint8_t)off, (uint8_t)(off >> 8), (uint8_t)(off >> 16),
                                  (uint8_t)(off >> 24), v};
                for (int i = 0; i < 5; i++)
                    hash = (hash ^ rec[i]) * 16777619u;
            }
            ram[off] = img[off];
        }
    }
    r->mem_hash = hash;
}
