/* glibc-test: the NUL-terminated string routines (strlen, strnlen, strchr,
 * strchrnul, strrchr, strcmp, strncmp, strcpy, stpcpy, strcasecmp,
 * strncasecmp) against byte loops, over all alignments, lengths 0..300, and
 * strings whose NUL is the last byte before an inaccessible page. Runs after
 * the memory tests, which leave gt_pool without the bytes 0x00, 0x61, 0x80
 * and 0xff, so the strings built from it hold no NUL and no searched byte. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "glibc-test.h"

static size_t (*volatile p_strlen)(const char *) = strlen;
static size_t (*volatile p_strnlen)(const char *, size_t) = strnlen;
static char *(*volatile p_strchr)(const char *, int) = strchr;
static char *(*volatile p_strchrnul)(const char *, int) = strchrnul;
static char *(*volatile p_strrchr)(const char *, int) = strrchr;
static int (*volatile p_strcmp)(const char *, const char *) = strcmp;
static int (*volatile p_strncmp)(const char *, const char *, size_t) = strncmp;
static char *(*volatile p_strcpy)(char *, const char *) = strcpy;
static char *(*volatile p_stpcpy)(char *, const char *) = stpcpy;
static int (*volatile p_strcasecmp)(const char *, const char *) = strcasecmp;
static int (*volatile p_strncasecmp)(const char *, const char *, size_t) = strncasecmp;

#define BG 0xee
#define END_A ((char *)gt_buf_a + GT_BUF_SIZE)
#define END_B ((char *)gt_buf_b + GT_BUF_SIZE)

static unsigned al(const void *p)
{
    return (unsigned)((uintptr_t)p % 64);
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Byte-loop strncmp (fold = compare case-insensitively); returns a sign. */
static int ref_cmp(const char *a, const char *b, size_t n, int fold)
{
    for (size_t i = 0; i < n; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (fold) {
            x = lower(x);
            y = lower(y);
        }
        if (x != y)
            return x < y ? -1 : 1;
        if (x == 0)
            break;
    }
    return 0;
}

/* The string at s: len pool bytes and a NUL. Which pool bytes depends on
 * the position in the page and the length, never on the address itself:
 * mmap's addresses are randomised. */
static void make_str(char *s, size_t len)
{
    gt_copy((unsigned char *)s, gt_pool + ((uintptr_t)s & 4095) * 13 + len % 1000, len);
    s[len] = 0;
}

static void strlen_case(struct gt_stats *st, struct gt_stats *nst, char *s, size_t len)
{
    make_str(s, len);
    size_t r = p_strlen(s);
    gt_hash(st, r);
    if (r != len)
        gt_fail(st, "s%%64=%u len=%zu: got %zu", al(s), len, r);
    size_t ns[] = {0, len ? len - 1 : 0, len, len + 1, SIZE_MAX};
    for (int i = 0; i < 5; i++) {
        size_t want = ns[i] < len ? ns[i] : len;
        r = p_strnlen(s, ns[i]);
        gt_hash(nst, r);
        if (r != want)
            gt_fail(nst, "s%%64=%u len=%zu n=%zu: got %zu", al(s), len, ns[i], r);
    }
}

static void test_strlen(void)
{
    struct gt_stats st, nst;
    gt_begin(&st, "strlen");
    gt_begin(&nst, "strnlen");
    for (unsigned sa = 0; sa < 64; sa++)
        for (size_t len = 0; len <= 300; len++)
            strlen_case(&st, &nst, (char *)gt_buf_a + 4096 + sa, len);
    strlen_case(&st, &nst, (char *)gt_buf_a + 4096 + 5, 70000);
    /* Straddling a page boundary (mapped on both sides) at every offset. */
    for (unsigned k = 1; k <= 64; k++)
        for (size_t len = 0; len <= 128; len += 8)
            strlen_case(&st, &nst, (char *)gt_buf_a + 8192 - k, len);
    for (size_t len = 0; len <= 300; len++) {
        strlen_case(&st, &nst, END_A - len - 1, len);
        strlen_case(&st, &nst, (char *)gt_buf_a, len); /* just after a guard page */
        /* No NUL before the guard page: strnlen must stop at n. */
        char *s = END_B - len;
        gt_copy((unsigned char *)s, gt_pool + 4096, len);
        size_t r = p_strnlen(s, len);
        gt_hash(&nst, r);
        if (r != len)
            gt_fail(&nst, "unterminated at page end, n=%zu: got %zu", len, r);
    }
    gt_end(&st);
    gt_end(&nst);
}

/* c at pos (and at pos / 3, earlier) if pos < len, and after the NUL. */
static void strchr_case(struct gt_stats *st, struct gt_stats *nst, struct gt_stats *rst, char *s,
                        size_t len, int c, size_t pos, int after)
{
    make_str(s, len);
    if (after)
        s[len + 1] = (char)c;
    size_t first = len, last = len;
    if (pos < len && c != 0) {
        s[pos / 3] = s[pos] = (char)c;
        first = pos / 3;
        last = pos;
    }
    if (c == 0)
        first = last = len;
    char *r = p_strchr(s, c);
    gt_hash(st, r ? (uint64_t)(r - s) : ~0ull);
    if (r != (first < len || c == 0 ? s + first : NULL))
        gt_fail(st, "s%%64=%u len=%zu c=%#x at %zu: got %td", al(s), len, c, pos, r ? r - s : -1);
    r = p_strchrnul(s, c);
    gt_hash(nst, (uint64_t)(r - s));
    if (r != s + first)
        gt_fail(nst, "s%%64=%u len=%zu c=%#x at %zu: got %td", al(s), len, c, pos, r - s);
    r = p_strrchr(s, c);
    gt_hash(rst, r ? (uint64_t)(r - s) : ~0ull);
    if (r != (last < len || c == 0 ? s + last : NULL))
        gt_fail(rst, "s%%64=%u len=%zu c=%#x at %zu: got %td", al(s), len, c, pos, r ? r - s : -1);
}

static void test_strchr(void)
{
    static const int cs[] = {0x61, 0x80, 0xff, 0x00};
    struct gt_stats st, nst, rst;
    gt_begin(&st, "strchr");
    gt_begin(&nst, "strchrnul");
    gt_begin(&rst, "strrchr");
    for (unsigned sa = 0; sa < 64; sa++)
        for (size_t len = 0; len <= 300; len++) {
            int c = cs[(sa + len) & 3];
            char *s = (char *)gt_buf_a + 4096 + sa;
            strchr_case(&st, &nst, &rst, s, len, c, len, 1);
            if (len) {
                strchr_case(&st, &nst, &rst, s, len, c, len - 1, 1);
                strchr_case(&st, &nst, &rst, s, len, c, (len * 5 + sa) % len, 1);
            }
        }
    for (size_t len = 0; len <= 300; len++) {
        char *s = END_A - len - 1;
        strchr_case(&st, &nst, &rst, s, len, cs[len & 3], len, 0);
        if (len) {
            strchr_case(&st, &nst, &rst, s, len, cs[len & 3], len - 1, 0);
            strchr_case(&st, &nst, &rst, (char *)gt_buf_a, len, cs[len & 3], len - 1, 1);
        }
    }
    gt_end(&st);
    gt_end(&nst);
    gt_end(&rst);
}

/* strcmp and strncmp of a (len bytes) with b, a copy of it in which byte
 * pos (if below len) becomes v, or (v < 0) has its top bit flipped. */
static void strcmp_case(struct gt_stats *st, struct gt_stats *nst, char *a, char *b, size_t len,
                        size_t pos, int v)
{
    make_str(a, len);
    gt_copy((unsigned char *)b, (unsigned char *)a, len + 1);
    if (pos < len)
        b[pos] = (char)(v < 0 ? (unsigned char)a[pos] ^ 0x80 : v);
    int r = p_strcmp(a, b), want = ref_cmp(a, b, SIZE_MAX, 0);
    gt_hash(st, (uint64_t)(int64_t)r);
    if (sign(r) != want)
        gt_fail(st, "a%%64=%u b%%64=%u len=%zu pos=%zu (%#x vs %#x): %d", al(a), al(b), len, pos,
                (unsigned char)a[pos < len ? pos : 0], (unsigned char)b[pos < len ? pos : 0], r);
    size_t ns[] = {pos, pos + 1, len + 1, SIZE_MAX};
    for (int i = 0; i < 4; i++) {
        r = p_strncmp(a, b, ns[i]);
        want = ref_cmp(a, b, ns[i], 0);
        gt_hash(nst, (uint64_t)(int64_t)r);
        if (sign(r) != want)
            gt_fail(nst, "a%%64=%u b%%64=%u len=%zu pos=%zu n=%zu: %d", al(a), al(b), len, pos,
                    ns[i], r);
    }
}

static void test_strcmp(void)
{
    struct gt_stats st, nst;
    gt_begin(&st, "strcmp");
    gt_begin(&nst, "strncmp");
    char *a = (char *)gt_buf_a + 4096, *b = (char *)gt_buf_b + 4096;
    for (unsigned sa = 0; sa < 64; sa++)
        for (unsigned sb = 0; sb < 64; sb++)
            for (size_t k = 1; k < gt_nlens; k += 3) {
                size_t len = gt_lens[k];
                strcmp_case(&st, &nst, a + sa, b + sb, len, len, 0);
                strcmp_case(&st, &nst, a + sa, b + sb, len, len - 1, -1);
                strcmp_case(&st, &nst, a + sa, b + sb, len, (sa * 3 + sb) % len, (sa & 1) ? 0 : 1);
            }
    for (unsigned k = 1; k <= 64; k++)
        for (size_t len = 16; len <= 160; len += 48) {
            strcmp_case(&st, &nst, a + 4096 - k, b + 4096 - (k * 5 % 64) - 1, len, len, 0);
            strcmp_case(&st, &nst, a + 4096 - k, b + 4096 - (k * 5 % 64) - 1, len, k + len / 2 - 32,
                        -1);
        }
    for (size_t len = 0; len <= 300; len++) {
        /* Both strings end at a guard page, at unrelated alignments. */
        strcmp_case(&st, &nst, END_A - len - 1, END_B - len - 1, len, len, 0);
        if (len)
            strcmp_case(&st, &nst, END_A - len - 1, END_B - len - 1, len, len - 1, 0xff);
        strcmp_case(&st, &nst, a + len % 64, END_B - len - 1, len, len, 0);
        strcmp_case(&st, &nst, END_A - len - 1, b + len % 61, len, len / 2, 0x7f);
        strcmp_case(&st, &nst, (char *)gt_buf_a, (char *)gt_buf_b + len % 64, len, len, 0);
    }
    gt_end(&st);
    gt_end(&nst);
}

static void strcpy_case(struct gt_stats *st, struct gt_stats *pst, char *d, char *s, size_t len,
                        int tail)
{
    make_str(s, len);
    for (int which = 0; which < 2; which++) {
        struct gt_stats *x = which ? pst : st;
        char *r = which ? p_stpcpy(d, s) : p_strcpy(d, s);
        char *want = which ? d + len : d;
        gt_hash(x, (uint64_t)(r - d));
        if (r != want)
            gt_fail(x, "d%%64=%u s%%64=%u len=%zu returned d%+td", al(d), al(s), len, r - d);
        size_t i = 0;
        while (i <= len && d[i] == s[i])
            i++;
        if (i <= len)
            gt_fail(x, "d%%64=%u s%%64=%u len=%zu: byte %zu is %#x, want %#x", al(d), al(s), len, i,
                    (unsigned char)d[i], (unsigned char)s[i]);
        for (int g = 1; g <= 16; g++)
            if ((unsigned char)d[-g] != BG || (tail && (unsigned char)d[len + g] != BG)) {
                gt_fail(x, "d%%64=%u s%%64=%u len=%zu wrote outside the destination", al(d), al(s),
                        len);
                break;
            }
        gt_fill((unsigned char *)d, len + 1, BG);
    }
}

static void test_strcpy(void)
{
    struct gt_stats st, pst;
    gt_begin(&st, "strcpy");
    gt_begin(&pst, "stpcpy");
    char *s = (char *)gt_buf_a + 4096, *d = (char *)gt_buf_b + 4096;
    gt_fill(gt_buf_b, GT_BUF_SIZE, BG);
    for (unsigned sa = 0; sa < 64; sa++)
        for (unsigned da = 0; da < 64; da++)
            for (size_t k = 0; k < gt_nlens; k += 2)
                strcpy_case(&st, &pst, d + da, s + sa, gt_lens[k], 1);
    for (size_t len = 0; len <= 300; len++) {
        strcpy_case(&st, &pst, d + len % 64, END_A - len - 1, len, 1);
        strcpy_case(&st, &pst, END_B - len - 1, s + len % 63, len, 0);
    }
    strcpy_case(&st, &pst, d + 7, s + 60, 70000, 1);
    gt_end(&st);
    gt_end(&pst);
}

/* a: len letters of random case; b: the same letters, case flipped at
 * random, with byte pos (if below len) replaced by v. */
static void strcase_case(struct gt_stats *st, struct gt_stats *nst, char *a, char *b, size_t len,
                         size_t pos, int v)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t r = gt_rand();
        int c = "abcdefghijklmnopqrstuvwxyz@[`{"[r % 30];
        a[i] = (char)((r >> 8) & 1 && c >= 'a' && c <= 'z' ? c - 32 : c);
        b[i] = (char)((r >> 9) & 1 && c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    a[len] = b[len] = 0;
    if (pos < len)
        b[pos] = (char)v;
    int r = p_strcasecmp(a, b), want = ref_cmp(a, b, SIZE_MAX, 1);
    gt_hash(st, (uint64_t)(int64_t)r);
    if (sign(r) != want)
        gt_fail(st, "a%%64=%u b%%64=%u len=%zu pos=%zu: %d", al(a), al(b), len, pos, r);
    size_t n = pos < len ? pos + (len & 1) : len;
    r = p_strncasecmp(a, b, n);
    want = ref_cmp(a, b, n, 1);
    gt_hash(nst, (uint64_t)(int64_t)r);
    if (sign(r) != want)
        gt_fail(nst, "a%%64=%u b%%64=%u len=%zu pos=%zu n=%zu: %d", al(a), al(b), len, pos, n, r);
}

static void test_strcasecmp(void)
{
    static const int vs[] = {'A', 'z', '@', '[', 0x80, 0xff, 0};
    struct gt_stats st, nst;
    gt_begin(&st, "strcasecmp");
    gt_begin(&nst, "strncasecmp");
    char *a = (char *)gt_buf_a + 4096, *b = (char *)gt_buf_b + 4096;
    for (unsigned sa = 0; sa < 64; sa += 3)
        for (unsigned sb = 0; sb < 64; sb += 5)
            for (size_t k = 0; k < gt_nlens; k += 2) {
                size_t len = gt_lens[k];
                strcase_case(&st, &nst, a + sa, b + sb, len, len, 0);
                if (len)
                    strcase_case(&st, &nst, a + sa, b + sb, len, (sa + len) % len,
                                 vs[(sa + sb + len) % 7]);
            }
    for (size_t len = 0; len <= 300; len += 7)
        strcase_case(&st, &nst, END_A - len - 1, END_B - len - 1, len, len ? len - 1 : 0, 'Q');
    gt_end(&st);
    gt_end(&nst);
}

void gt_test_str(void)
{
    gt_copy(gt_buf_a, gt_pool, GT_BUF_SIZE);
    gt_copy(gt_buf_b, gt_pool, GT_BUF_SIZE);
    test_strlen();
    test_strchr();
    test_strcmp();
    test_strcpy();
    test_strcasecmp();
}
