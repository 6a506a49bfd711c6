/* DecodeBitMasks(), Arm ARM J1.1.3; see bitmask.h. */
#include "cpu/bitmask.h"

#include "util.h"

static uint64_t ror_elem(uint64_t v, unsigned r, unsigned esize)
{
    if (r == 0)
        return v;
    return ((v >> r) | (v << (esize - r))) & ones64(esize);
}

/* Copies of the low `esize` bits of v across 64 bits. */
static uint64_t replicate(uint64_t v, unsigned esize)
{
    for (unsigned w = esize; w < 64; w *= 2)
        v |= v << w;
    return v;
}

bool bitmask_decode(unsigned n, unsigned imms, unsigned immr, bool immediate, unsigned datasize,
                    uint64_t *wmask, uint64_t *tmask)
{
    unsigned combined = (n & 1) << 6 | (~imms & 0x3f);
    if (combined < 2) /* HighestSetBit(immN:NOT(imms)) < 1 */
        return false;
    unsigned len = 31 - (unsigned)__builtin_clz(combined);
    unsigned esize = 1u << len;
    if (esize > datasize)
        return false;
    unsigned levels = esize - 1;
    if (immediate && (imms & levels) == levels)
        return false;
    unsigned s = imms & levels, r = immr & levels;
    unsigned d = (s - r) & levels;
    uint64_t welem = ones64(s + 1);
    uint64_t telem = ones64(d + 1);
    *wmask = replicate(ror_elem(welem, r, esize), esize) & ones64(datasize);
    *tmask = replicate(telem, esize) & ones64(datasize);
    return true;
}
