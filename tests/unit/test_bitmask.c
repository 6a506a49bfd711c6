/*
 * bitmask_decode() against DecodeBitMasks() of the Arm ARM (J1.1.3), with the
 * expected values worked out by hand from the pseudocode: len is the highest
 * set bit of N:NOT(imms), esize = 2^len, S = imms and R = immr modulo esize,
 * wmask = Replicate(ROR(Ones(S+1), R)), tmask = Replicate(Ones(d+1)) with
 * d = (S - R) mod esize.
 */
#include "cpu/bitmask.h"
#include "test.h"

static uint64_t logic_imm(unsigned n, unsigned immr, unsigned imms, unsigned datasize, bool *ok)
{
    uint64_t wmask = 0, tmask = 0;
    *ok = bitmask_decode(n, imms, immr, true, datasize, &wmask, &tmask);
    return wmask;
}

#define ASSERT_LOGIC(n, immr, imms, datasize, expected)            \
    do {                                                            \
        bool ok_;                                                   \
        uint64_t v_ = logic_imm(n, immr, imms, datasize, &ok_);     \
        ASSERT_TRUE(ok_);                                           \
        ASSERT_EQ(v_, expected);                                    \
    } while (0)

#define ASSERT_RESERVED(n, immr, imms, datasize)                    \
    do {                                                            \
        bool ok_;                                                   \
        logic_imm(n, immr, imms, datasize, &ok_);                   \
        ASSERT_FALSE(ok_);                                          \
    } while (0)

TEST(bitmask, element_2)
{
    /* imms = 0b1111:S, esize 2: '01' and, rotated by one, '10' */
    ASSERT_LOGIC(0, 0, 0x3c, 64, 0x5555555555555555ull);
    ASSERT_LOGIC(0, 1, 0x3c, 64, 0xaaaaaaaaaaaaaaaaull);
    ASSERT_LOGIC(0, 0, 0x3c, 32, 0x55555555u);
}

TEST(bitmask, element_8)
{
    /* imms = 0b110:S, esize 8, S = 3: four ones per byte */
    ASSERT_LOGIC(0, 0, 0x33, 64, 0x0f0f0f0f0f0f0f0full);
    ASSERT_LOGIC(0, 4, 0x33, 64, 0xf0f0f0f0f0f0f0f0ull);
    ASSERT_LOGIC(0, 1, 0x30, 64, 0x8080808080808080ull);
}

TEST(bitmask, element_16)
{
    ASSERT_LOGIC(0, 0, 0x27, 64, 0x00ff00ff00ff00ffull);
    ASSERT_LOGIC(0, 8, 0x27, 64, 0xff00ff00ff00ff00ull);
    ASSERT_LOGIC(0, 0, 0x20, 64, 0x0001000100010001ull);
}

TEST(bitmask, element_32)
{
    ASSERT_LOGIC(0, 0, 0x07, 32, 0xffu);
    ASSERT_LOGIC(0, 0, 0x07, 64, 0x000000ff000000ffull);
    ASSERT_LOGIC(0, 0, 0x1e, 32, 0x7fffffffu);
    ASSERT_LOGIC(0, 1, 0x1e, 32, 0xbfffffffu);
}

TEST(bitmask, element_64)
{
    ASSERT_LOGIC(1, 0, 7, 64, 0xffull);
    ASSERT_LOGIC(1, 32, 31, 64, 0xffffffff00000000ull);
    ASSERT_LOGIC(1, 1, 0, 64, 0x8000000000000000ull);
    ASSERT_LOGIC(1, 0, 62, 64, 0x7fffffffffffffffull);
}

TEST(bitmask, reserved)
{
    ASSERT_RESERVED(1, 0, 0x3f, 64); /* all-ones element of 64 */
    ASSERT_RESERVED(0, 0, 0x3f, 64); /* N:NOT(imms) = 0: no element size */
    ASSERT_RESERVED(0, 0, 0x3e, 64); /* len = 0: element size 1 */
    ASSERT_RESERVED(0, 0, 0x3d, 64); /* all-ones element of 2 */
    ASSERT_RESERVED(0, 5, 0x3b, 64); /* all-ones element of 4 */
    ASSERT_RESERVED(0, 0, 0x1f, 32); /* all-ones element of 32 */
    ASSERT_RESERVED(1, 0, 0, 32);    /* 64-bit element in a 32-bit operation */
}

/* Bitfield decoding (immediate = FALSE) allows the all-ones S. */
TEST(bitmask, bitfield)
{
    uint64_t w, t;
    /* LSR X, #4 = UBFM immr=4 imms=63 */
    ASSERT_TRUE(bitmask_decode(1, 63, 4, false, 64, &w, &t));
    ASSERT_EQ(w, ~0ull);
    ASSERT_EQ(t, 0x0fffffffffffffffull);
    /* LSL X, #4 = UBFM immr=60 imms=59 */
    ASSERT_TRUE(bitmask_decode(1, 59, 60, false, 64, &w, &t));
    ASSERT_EQ(w, 0xfffffffffffffff0ull);
    ASSERT_EQ(t, ~0ull);
    /* UBFX X, #8, #8 = UBFM immr=8 imms=15 */
    ASSERT_TRUE(bitmask_decode(1, 15, 8, false, 64, &w, &t));
    ASSERT_EQ(w, 0xff000000000000ffull);
    ASSERT_EQ(t, 0xffull);
    /* LSL W, #1 = UBFM immr=31 imms=30 */
    ASSERT_TRUE(bitmask_decode(0, 30, 31, false, 32, &w, &t));
    ASSERT_EQ(w, 0xfffffffeu);
    ASSERT_EQ(t, 0xffffffffu);
    /* SXTW = SBFM immr=0 imms=31 */
    ASSERT_TRUE(bitmask_decode(1, 31, 0, false, 64, &w, &t));
    ASSERT_EQ(w, 0xffffffffull);
    ASSERT_EQ(t, 0xffffffffull);
}

/* An element of e bits has e * (e - 1) patterns (S < e - 1, any R), so
 * there are 2+12+56+240+992 = 1302 distinct 32-bit logical immediates and,
 * adding 64 * 63, 5334 distinct 64-bit ones. */
TEST(bitmask, census)
{
    static uint64_t seen[8192];
    unsigned count[2] = {0, 0};
    for (unsigned size = 0; size < 2; size++) {
        unsigned datasize = size ? 64 : 32;
        for (unsigned n = 0; n <= size; n++)
            for (unsigned immr = 0; immr < 64; immr++)
                for (unsigned imms = 0; imms < 64; imms++) {
                    uint64_t w, t;
                    if (!bitmask_decode(n, imms, immr, true, datasize, &w, &t))
                        continue;
                    bool dup = false;
                    for (unsigned i = 0; i < count[size] && !dup; i++)
                        dup = seen[i] == w;
                    if (!dup && count[size] < 8192)
                        seen[count[size]++] = w;
                }
    }
    ASSERT_EQ(count[0], 1302);
    ASSERT_EQ(count[1], 5334);
}
