/* glibc-test: memcpy, memmove, memset, memcmp, memchr and memrchr against byte
 * loops, over all alignments, lengths 0..300, large lengths, and buffers that
 * end at an inaccessible page. */
#define _GNU_SOURCE
#include <string.h>

#include "glibc-test.h"

/* Called through volatile pointers so that the compiler neither inlines nor
 * folds them: the code under test is always glibc's. */
static void *(*volatile p_memcpy)(void *, const void *, size_t) = memcpy;
static void *(*volatile p_memmove)(void *, const void *, size_t) = memmove;
static void *(*volatile p_memset)(void *, int, size_t) = memset;
static int (*volatile p_memcmp)(const void *, const void *, size_t) = memcmp;
static void *(*volatile p_memchr)(const void *, int, size_t) = memchr;
static void *(*volatile p_memrchr)(const void *, int, size_t) = memrchr;

#define BG 0xee    /* background of destination buffers */
#define GUARD 16   /* bytes checked on each side of a destination */

static const size_t big_lens[] = {1000, 4095, 4096, 4097, 16389, 65539, 1u << 20};
static const unsigned aligns[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 48, 63};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the first byte where d and s differ in [0, n), or n. */
static size_t first_diff(const unsigned char *d, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && d[i] == s[i])
        i++;
    return i;
}

/* Index of the first byte of [p, p + n) that is not c, or n. */
static size_t first_not(const unsigned char *p, size_t n, int c)
{
    size_t i = 0;
    while (i < n && p[i] == (unsigned char)c)
        i++;
    return i;
}

/* Reports a byte outside [d, d + len) that a routine changed. `tail` is
 * false when d + len is the end of the buffer (the guard page follows). */
static void check_guards(struct gt_stats *st, const unsigned char *d, size_t len, int tail,
                         const char *what)
{
    size_t i = first_not(d - GUARD, GUARD, BG);
    if (i < GUARD)
        gt_fail(st, "%s: len=%zu wrote byte %td before the destination", what, len,
                (ptrdiff_t)i - GUARD);
    if (tail && (i = first_not(d + len, GUARD, BG)) < GUARD)
        gt_fail(st, "%s: len=%zu wrote byte %zu after the destination", what, len, i);
}

static void memcpy_case(struct gt_stats *st, unsigned char *d, const unsigned char *s,
                        size_t len, int tail)
{
    unsigned char *r = p_memcpy(d, s, len);
    gt_hash(st, (uint64_t)(r - d) ^ len);
    if (r != d)
        gt_fail(st, "dst%%64=%u src%%64=%u len=%zu returned dst%+td", (unsigned)((uintptr_t)d % 64),
                (unsigned)((uintptr_t)s % 64), len, r - d);
    size_t i = first_diff(d, s, len);
    if (i < len)
        gt_fail(st, "dst%%64=%u src%%64=%u len=%zu: byte %zu is %#x, want %#x",
                (unsigned)((uintptr_t)d % 64), (unsigned)((uintptr_t)s % 64), len, i, d[i], s[i]);
    check_guards(st, d, len, tail, "memcpy");
    gt_fill(d, len, BG);
}

static void test_memcpy(void)
{
    struct gt_stats st;
    unsigned char *dst = gt_buf_a + 4096, *src = gt_pool + 4096;
    /* Half the lengths and alignments for the other CPUs' versions. */
    size_t step = gt_tag ? 2 : 1;
    gt_begin(&st, "memcpy");
    gt_fill(gt_buf_a, GT_BUF_SIZE, BG);
    for (unsigned sa = 0; sa < 64; sa++)
        for (unsigned da = 0; da < 64; da++)
            for (size_t k = 0; k < gt_nlens; k += step)
                memcpy_case(&st, dst + da, src + sa, gt_lens[k], 1);
    for (size_t i = 0; i < N(aligns); i += step)
        for (size_t j = 0; j < N(aligns); j += step)
            for (size_t len = 0; len <= 300; len++)
                memcpy_case(&st, dst + aligns[i], src + aligns[j], len, 1);
    for (size_t k = 0; k < N(big_lens); k++)
        for (unsigned a = 0; a < 64; a += 21)
            for (unsigned b = 0; b < 64; b += 13)
                memcpy_case(&st, dst + a, src + b, big_lens[k], 1);
    /* Both straddling a page boundary (mapped on both sides) at every offset:
     * the emulator must split the unaligned vector accesses correctly. */
    for (unsigned k = 1; k <= 64; k++)
        for (size_t len = 16; len <= 160; len += 48)
            memcpy_case(&st, dst + 4096 - k, src + 4096 - (k * 7 % 64) - 1, len, 1);
    /* Source, then destination, ending at the last byte before a guard page. */
    for (size_t len = 0; len <= 300; len++) {
        memcpy_case(&st, dst + len % 64, gt_pool + GT_BUF_SIZE - len, len, 1);
        memcpy_case(&st, gt_buf_a + GT_BUF_SIZE - len, src + len % 61, len, 0);
    }
    gt_end(&st);
}

/* memmove with src and dst overlapping at distance `off`: the whole span
 * around both is filled from the pool, so the expected bytes are the pool's
 * except in the destination, which holds the old source. */
static void memmove_case(struct gt_stats *st, size_t src_at, long off, size_t len)
{
    size_t dst_at = src_at + off;
    size_t lo = (src_at < dst_at ? src_at : dst_at) - GUARD;
    size_t hi = (src_at > dst_at ? src_at : dst_at) + len + GUARD;
    unsigned char *buf = gt_buf_a;
    gt_copy(buf + lo, gt_pool + lo, hi - lo);
    unsigned char *r = p_memmove(buf + dst_at, buf + src_at, len);
    gt_hash(st, (uint64_t)(r - buf) ^ (len << 32));
    if (r != buf + dst_at)
        gt_fail(st, "src%%64=%zu off=%ld len=%zu returned dst%+td", src_at % 64, off, len,
                r - (buf + dst_at));
    for (size_t x = lo; x < hi; x++) {
        unsigned char want = x >= dst_at && x < dst_at + len ? gt_pool[src_at + (x - dst_at)]
                                                              : gt_pool[x];
        if (buf[x] != want) {
            gt_fail(st, "src%%64=%zu off=%ld len=%zu: byte dst%+td is %#x, want %#x", src_at % 64,
                    off, len, (ptrdiff_t)(x - dst_at), buf[x], want);
            break;
        }
    }
}

static void test_memmove(void)
{
    static const long offs[] = {-129, -65, -64, -63, -33, -32, -31, -17, -16, -15, -9, -8, -7,
                                -4,   -1,  0,   1,   4,   7,   8,   9,   15,  16,  17,  31,
                                32,   33,  63,  64,  65,  129};
    struct gt_stats st;
    gt_begin(&st, "memmove");
    for (unsigned sa = 0; sa < 64; sa++)
        for (size_t i = 0; i < N(offs); i++)
            for (size_t k = 0; k < gt_nlens; k += 2)
                memmove_case(&st, 8192 + sa, offs[i], gt_lens[k]);
    for (size_t i = 0; i < N(offs); i++)
        for (size_t len = 0; len <= 300; len++)
            memmove_case(&st, 8192 + len % 64, offs[i], len);
    for (size_t k = 0; k < N(big_lens) - 1; k++) {
        memmove_case(&st, 8192 + 5, 3, big_lens[k]);
        memmove_case(&st, 8192 + 64, -1, big_lens[k]);
        memmove_case(&st, 8192 + 7, 4096 + 9, big_lens[k]);
        memmove_case(&st, 8192 + 4096, -4096 - 33, big_lens[k]);
    }
    gt_end(&st);
}

static void memset_case(struct gt_stats *st, unsigned char *d, int c, size_t len, int tail)
{
    unsigned char *r = p_memset(d, c, len);
    gt_hash(st, (uint64_t)(r - d) ^ len);
    if (r != d)
        gt_fail(st, "dst%%64=%u c=%#x len=%zu returned dst%+td", (unsigned)((uintptr_t)d % 64), c,
                len, r - d);
    size_t i = first_not(d, len, c);
    if (i < len)
        gt_fail(st, "dst%%64=%u c=%#x len=%zu: byte %zu is %#x", (unsigned)((uintptr_t)d % 64), c,
                len, i, d[i]);
    check_guards(st, d, len, tail, "memset");
    gt_fill(d, len, BG);
}

static void test_memset(void)
{
    struct gt_stats st;
    unsigned char *dst = gt_buf_a + 4096;
    gt_begin(&st, "memset");
    gt_fill(gt_buf_a, GT_BUF_SIZE, BG);
    /* Zero is separate: glibc clears long runs with DC ZVA. */
    for (int c = 0; c <= 0xa5; c += 0xa5) {
        for (unsigned da = 0; da < 64; da++)
            for (size_t len = 0; len <= 300; len++)
                memset_case(&st, dst + da, c, len, 1);
        for (size_t k = 0; k < N(big_lens); k++)
            for (unsigned da = 0; da < 64; da += 9)
                memset_case(&st, dst + da, c, big_lens[k], 1);
        for (size_t len = 0; len <= 300; len++)
            memset_case(&st, gt_buf_a + GT_BUF_SIZE - len, c, len, 0);
        memset_case(&st, gt_buf_a + GT_BUF_SIZE - 65536 - 17, c, 65536 + 17, 0);
    }
    gt_end(&st);
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* memcmp of a (len bytes) with b, a copy of it except that byte `pos` (if
 * below len) differs; the byte after the copy always differs, to catch a
 * routine that reads on. */
static void memcmp_case(struct gt_stats *st, const unsigned char *a, unsigned char *b, size_t len,
                        size_t pos, int delta)
{
    gt_copy(b, a, len);
    b[len] = (unsigned char)(a[len] ^ 1);
    int want = 0;
    if (pos < len) {
        b[pos] = (unsigned char)(a[pos] + delta);
        want = sign(a[pos] - b[pos]);
    }
    int r = p_memcmp(a, b, len);
    gt_hash(st, (uint64_t)(int64_t)r);
    if (sign(r) != want)
        gt_fail(st, "a%%64=%u b%%64=%u len=%zu diff at %zu (%#x vs %#x): %d", (unsigned)((uintptr_t)a % 64),
                (unsigned)((uintptr_t)b % 64), len, pos, a[pos < len ? pos : 0],
                b[pos < len ? pos : 0], r);
}

static void test_memcmp(void)
{
    struct gt_stats st;
    const unsigned char *a = gt_pool + 4096;
    unsigned char *b = gt_buf_b + 4096;
    gt_begin(&st, "memcmp");
    for (unsigned sa = 0; sa < 64; sa++)
        for (unsigned sb = 0; sb < 64; sb++)
            for (size_t k = 0; k < gt_nlens; k += 3) {
                size_t len = gt_lens[k];
                memcmp_case(&st, a + sa, b + sb, len, len, 0);
                if (len) {
                    /* 0x80 makes the bytes differ in sign if compared signed. */
                    memcmp_case(&st, a + sa, b + sb, len, len - 1, 0x80);
                    memcmp_case(&st, a + sa, b + sb, len, (sa * 5 + sb * 3) % len,
                                (sa + sb) & 1 ? 1 : -1);
                }
            }
    for (size_t len = 0; len <= 300; len++)
        for (size_t pos = 0; pos <= len; pos += 1 + pos / 8)
            memcmp_case(&st, a + len % 64, b + len % 7, len, pos, pos & 1 ? 0x80 : -3);
    for (size_t k = 0; k < N(big_lens); k++) {
        size_t len = big_lens[k];
        memcmp_case(&st, a + 3, b + 1, len, len, 0);
        memcmp_case(&st, a, b + 9, len, len - 1, 1);
        memcmp_case(&st, a + 1, b, len, len / 2 + 1, 0x80);
    }
    /* Both straddling a page boundary at every offset. */
    for (unsigned k = 1; k <= 64; k++)
        for (size_t len = 16; len <= 160; len += 48) {
            memcmp_case(&st, a + 4096 - k, b + 4096 - (k * 5 % 64) - 1, len, len, 0);
            memcmp_case(&st, a + 4096 - k, b + 4096 - (k * 5 % 64) - 1, len, k + len / 2 - 32, 1);
        }
    /* Both operands ending at a guard page. */
    for (size_t len = 0; len <= 300; len++) {
        const unsigned char *pa = gt_pool + GT_BUF_SIZE - len;
        unsigned char *pb = gt_buf_b + GT_BUF_SIZE - len;
        gt_copy(pb, pa, len);
        int r = p_memcmp(pa, pb, len), want = 0;
        if (len) {
            pb[len - 1] ^= 0x80;
            r = r * 3 + p_memcmp(pa, pb, len);
            want = sign(pa[len - 1] - pb[len - 1]);
        }
        gt_hash(&st, (uint64_t)(int64_t)r);
        if (sign(r) != want)
            gt_fail(&st, "at page end, len=%zu: %d", len, r);
    }
    gt_end(&st);
}

/* memchr/memrchr: c appears at pos and pos / 2 (if pos is below len) and
 * just outside the range on the sides `outside` names (1 after, 2 before:
 * not where a guard page is); the other bytes are never c. */
static void memchr_case(struct gt_stats *st, struct gt_stats *rst, unsigned char *s, size_t len,
                        int c, size_t pos, int outside)
{
    unsigned char save_lo = outside & 2 ? s[-1] : 0, save_hi = outside & 1 ? s[len] : 0;
    if (outside & 2)
        s[-1] = (unsigned char)c;
    if (outside & 1)
        s[len] = (unsigned char)c;
    if (pos < len)
        s[pos / 2] = s[pos] = (unsigned char)c;
    const unsigned char *want = pos < len ? s + pos / 2 : NULL;
    const unsigned char *r = p_memchr(s, c, len);
    gt_hash(st, r ? (uint64_t)(r - s) : ~0ull);
    if (r != want)
        gt_fail(st, "s%%64=%u len=%zu c=%#x at %zu: got %td", (unsigned)((uintptr_t)s % 64), len, c,
                pos, r ? r - s : -1);
    want = pos < len ? s + pos : NULL;
    r = p_memrchr(s, c, len);
    gt_hash(rst, r ? (uint64_t)(r - s) : ~0ull);
    if (r != want)
        gt_fail(rst, "s%%64=%u len=%zu c=%#x at %zu: got %td", (unsigned)((uintptr_t)s % 64), len,
                c, pos, r ? r - s : -1);
    if (pos < len) {
        s[pos] = gt_pool[s + pos - gt_buf_a];
        s[pos / 2] = gt_pool[s + pos / 2 - gt_buf_a];
    }
    if (outside & 2)
        s[-1] = save_lo;
    if (outside & 1)
        s[len] = save_hi;
}

static void test_memchr(void)
{
    static const int cs[] = {0x00, 0x61, 0x80, 0xff};
    struct gt_stats st, rst;
    gt_begin(&st, "memchr");
    gt_begin(&rst, "memrchr");
    /* The pool's bytes with the searched-for values replaced. */
    for (size_t i = 0; i < GT_BUF_SIZE; i++) {
        unsigned char v = gt_pool[i];
        gt_buf_a[i] = v == 0 || v == 0x61 || v == 0x80 || v == 0xff ? 0x41 : v;
    }
    gt_copy(gt_pool, gt_buf_a, GT_BUF_SIZE);
    unsigned char *base = gt_buf_a + 4096;
    for (unsigned sa = 0; sa < 64; sa++)
        for (size_t len = 0; len <= 300; len++) {
            int c = cs[(sa + len) & 3];
            memchr_case(&st, &rst, base + sa, len, c, len, 3);
            if (len) {
                memchr_case(&st, &rst, base + sa, len, c, 0, 3);
                memchr_case(&st, &rst, base + sa, len, c, len - 1, 3);
                memchr_case(&st, &rst, base + sa, len, c, (len * 7 + sa) % len, 3);
            }
        }
    for (size_t k = 0; k < N(big_lens); k++) {
        size_t len = big_lens[k];
        memchr_case(&st, &rst, base + 1, len, 0xff, len, 3);
        memchr_case(&st, &rst, base + 3, len, 0x00, len - 1, 3);
        memchr_case(&st, &rst, base + 16, len, 0x80, len / 2, 3);
    }
    for (size_t len = 0; len <= 300; len++) {
        unsigned char *s = gt_buf_a + GT_BUF_SIZE - len;
        memchr_case(&st, &rst, s, len, cs[len & 3], len, 2);
        if (len)
            memchr_case(&st, &rst, s, len, cs[len & 3], len - 1, 2);
        /* Starting at the first byte after a guard page. */
        memchr_case(&st, &rst, gt_buf_a, len, cs[len & 3], len, 1);
        if (len)
            memchr_case(&st, &rst, gt_buf_a, len, cs[len & 3], 0, 1);
    }
    gt_end(&st);
    gt_end(&rst);
}

/* The versions glibc 2.36 picks for the CPU named by the tunable
 * glibc.cpu.name (sysdeps/aarch64/multiarch/memcpy.c, memset.c): memcpy and
 * memmove differ for ares (Neoverse N1), falkor and thunderx2t99, memset
 * for falkor and kunpeng. */
void gt_test_copy(void)
{
    if (strcmp(gt_tag, "kunpeng") != 0) {
        test_memcpy();
        test_memmove();
    }
    if (strcmp(gt_tag, "falkor") == 0 || strcmp(gt_tag, "kunpeng") == 0)
        test_memset();
}

void gt_test_mem(void)
{
    test_memcpy();
    test_memmove();
    test_memset();
    test_memcmp();
    test_memchr();
}
