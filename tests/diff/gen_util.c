/* Operand and state helpers shared by the generators (gen_util.h). */
#include "gen_util.h"

uint64_t gen_rand_value(struct diff_rng *rng)
{
    static const uint64_t special[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        ~0ull, ~1ull, 0xffffffff80000000ull, 0x00000000ffff0000ull, 63, 64, 31, 32,
    };
    switch (RND(8)) {
    case 0: return special[RND(ARRAY_LEN(special))];
    case 1: return RND(64);
    case 2: return (uint64_t)-(int64_t)RND(64);
    case 3: return (uint32_t)diff_rng_next(rng);
    case 4: return DIFF_RAM_BASE + RND(DIFF_RAM_SIZE);
    default: return diff_rng_next(rng);
    }
}

unsigned gen_rand_reg(struct diff_rng *rng)
{
    return PCT(10) ? 31 : RND(31);
}

unsigned gen_rand_reg_not(struct diff_rng *rng, uint32_t avoid)
{
    for (;;) {
        unsigned r = RND(31);
        if (!(avoid & (1u << r)))
            return r;
    }
}

void gen_set_reg_sp(struct diff_case *c, unsigned n, uint64_t v)
{
    if (n == 31)
        c->init.sp = v;
    else
        c->init.x[n] = v;
}

uint64_t gen_get_reg(const struct diff_case *c, unsigned n)
{
    return n == 31 ? 0 : c->init.x[n];
}

uint64_t gen_test_pc(const struct diff_case *c)
{
    return c->code_addr + 4 * (c->ninsn - 1);
}

/* Mostly inside RAM and aligned to `align`; sometimes misaligned or across
 * a page boundary, sometimes straddling the end of RAM, sometimes nowhere. */
uint64_t gen_rand_target(struct diff_rng *rng, struct diff_case *c, unsigned align,
                         unsigned bytes)
{
    uint64_t a;
    unsigned r = RND(100);
    if (r < 3) {
        a = diff_rng_next(rng);
    } else if (r < 5) {
        a = DIFF_RAM_BASE + DIFF_RAM_SIZE - bytes + 1 + RND(bytes);  /* straddles the end */
    } else if (r < 6) {
        a = DIFF_RAM_BASE - 1 - RND(16);
    } else if (r < 11) {   /* across a 4 KiB page boundary inside RAM: the TLB's slow paths */
        a = DIFF_RAM_BASE + 4096 * (1 + RND(DIFF_RAM_SIZE / 4096 - 1)) - 1;
        a -= RND(bytes);
    } else {
        a = DIFF_RAM_BASE + 64 + RND(DIFF_RAM_SIZE - 192);
        if (r < 85)
            a &= ~(uint64_t)(align - 1);
    }
    if (a >= DIFF_RAM_BASE + 16 && a < DIFF_RAM_BASE + DIFF_RAM_SIZE - DIFF_PATCH_SIZE)
        c->patch_off = (uint32_t)(a - DIFF_RAM_BASE - 16);
    return a;
}

uint64_t gen_sext(uint64_t v, unsigned bits)
{
    return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

uint32_t gen_literal_imm19(struct diff_rng *rng, struct diff_case *c, unsigned bytes)
{
    if (PCT(10))
        return BITS(19);
    uint64_t a = DIFF_RAM_BASE + (RND(DIFF_RAM_SIZE - bytes) & ~3u);
    if (a >= DIFF_RAM_BASE + 16 && a < DIFF_RAM_BASE + DIFF_RAM_SIZE - DIFF_PATCH_SIZE)
        c->patch_off = (uint32_t)(a - DIFF_RAM_BASE - 16);
    return (uint32_t)((a - gen_test_pc(c)) >> 2) & 0x7ffff;
}
