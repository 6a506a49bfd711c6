/* glibc-test: substring and span searches (strstr, memmem, strcasestr,
 * strspn, strcspn, strpbrk) against naive loops. Haystacks come from a
 * two-letter alphabet so that partial matches abound; needles are short and
 * long (glibc switches algorithm above 256 bytes), found at the last possible
 * position, nearly found, or absent, and haystacks end at a guard page. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "glibc-test.h"

static char *(*volatile p_strstr)(const char *, const char *) = strstr;
static char *(*volatile p_strcasestr)(const char *, const char *) = strcasestr;
static void *(*volatile p_memmem)(const void *, size_t, const void *, size_t) = memmem;
static size_t (*volatile p_strspn)(const char *, const char *) = strspn;
static size_t (*volatile p_strcspn)(const char *, const char *) = strcspn;
static char *(*volatile p_strpbrk)(const char *, const char *) = strpbrk;

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Offset of the first match of n (m bytes) in h (hl bytes), or -1. */
static long ref_find(const char *h, size_t hl, const char *n, size_t m, int fold)
{
    for (size_t i = 0; i + m <= hl; i++) {
        size_t j = 0;
        while (j < m && (fold ? lower(h[i + j]) == lower(n[j]) : h[i + j] == n[j]))
            j++;
        if (j == m)
            return (long)i;
    }
    return -1;
}

static int in_set(const char *set, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == c)
            return 1;
    return 0;
}

static void rand_text(char *s, size_t len, const char *alphabet, unsigned k)
{
    for (size_t i = 0; i < len; i++)
        s[i] = alphabet[gt_rand() % k];
    s[len] = 0;
}

/* One search of needle n (m bytes) in haystack h (hl bytes), both
 * NUL-terminated, with all three functions. */
static void search_case(struct gt_stats *st, struct gt_stats *mst, struct gt_stats *cst,
                        const char *h, size_t hl, const char *n, size_t m)
{
    long want = ref_find(h, hl, n, m, 0);
    char *r = p_strstr(h, n);
    long got = r ? r - h : -1;
    gt_hash(st, (uint64_t)got);
    if (got != want)
        gt_fail(st, "hay %zu bytes, needle %zu bytes: got %ld, want %ld", hl, m, got, want);
    const char *mr = p_memmem(h, hl, n, m);
    got = mr ? mr - h : -1;
    gt_hash(mst, (uint64_t)got);
    if (got != want)
        gt_fail(mst, "hay %zu bytes, needle %zu bytes: got %ld, want %ld", hl, m, got, want);
    if (m <= 64) {
        want = ref_find(h, hl, n, m, 1);
        r = p_strcasestr(h, n);
        got = r ? r - h : -1;
        gt_hash(cst, (uint64_t)got);
        if (got != want)
            gt_fail(cst, "hay %zu bytes, needle %zu bytes: got %ld, want %ld", hl, m, got, want);
    }
}

static void test_search(void)
{
    static const size_t ms[] = {1,  2,  3,  4,  5,   7,   8,   9,   15,  16, 17,
                                31, 32, 33, 63, 64, 65, 255, 256, 257, 280};
    struct gt_stats st, mst, cst;
    gt_begin(&st, "strstr");
    gt_begin(&mst, "memmem");
    gt_begin(&cst, "strcasestr");
    char *h = (char *)gt_buf_a + 4096, *n = (char *)gt_buf_b + 4096;
    for (size_t hl = 0; hl <= 300; hl += 11)
        for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
            size_t m = ms[i];
            const char *alpha = hl & 1 ? "abAB" : "ab";
            rand_text(h + hl % 16, hl, alpha, hl & 1 ? 4 : 2);
            rand_text(n + m % 16, m, alpha, hl & 1 ? 4 : 2);
            search_case(&st, &mst, &cst, h + hl % 16, hl, n + m % 16, m);
            if (m <= hl) {
                /* Present at the end; then nearly, its last byte changed. */
                char *nn = n + (hl + m) % 16;
                gt_copy((unsigned char *)nn, (unsigned char *)h + hl % 16 + hl - m, m);
                nn[m] = 0;
                search_case(&st, &mst, &cst, h + hl % 16, hl, nn, m);
                nn[m - 1] = nn[m - 1] == 'a' ? 'b' : 'a';
                search_case(&st, &mst, &cst, h + hl % 16, hl, nn, m);
            }
        }
    /* Periodic haystack and needle: the worst case for naive shifting. */
    for (size_t m = 1; m <= 300; m += 29) {
        char *hh = (char *)gt_buf_a + GT_BUF_SIZE - 4001;
        for (size_t i = 0; i < 4000; i++)
            hh[i] = 'a';
        hh[4000] = 0;
        for (size_t i = 0; i < m; i++)
            n[i] = 'a';
        n[m] = 'b';
        n[m + 1] = 0;
        search_case(&st, &mst, &cst, hh, 4000, n, m + 1);
        hh[3999] = 'b';
        search_case(&st, &mst, &cst, hh, 4000, n, m + 1);
        n[m] = 0;
        search_case(&st, &mst, &cst, hh + 4000 - m, m, n, m);
    }
    gt_end(&st);
    gt_end(&mst);
    gt_end(&cst);
}

static void test_span(void)
{
    static const size_t set_lens[] = {1, 2, 3, 4, 8, 16, 33, 64};
    struct gt_stats st, cst, pst;
    gt_begin(&st, "strspn");
    gt_begin(&cst, "strcspn");
    gt_begin(&pst, "strpbrk");
    char set[80], *s = (char *)gt_buf_a + 8192;
    for (size_t k = 0; k < sizeof(set_lens) / sizeof(set_lens[0]); k++)
        for (size_t len = 0; len <= 300; len += 3) {
            size_t sl = set_lens[k];
            for (size_t i = 0; i < sl; i++)
                set[i] = (char)(1 + gt_rand() % 255);
            set[sl] = 0;
            char *str = len % 2 ? (char *)gt_buf_a + GT_BUF_SIZE - len - 1 : s + len % 64;
            /* Mostly bytes of the set, so spans run long. */
            for (size_t i = 0; i < len; i++)
                str[i] = gt_rand() % 8 ? set[gt_rand() % sl] : (char)(1 + gt_rand() % 255);
            str[len] = 0;
            size_t span = 0, cspan = 0;
            while (str[span] && in_set(set, sl, str[span]))
                span++;
            while (str[cspan] && !in_set(set, sl, str[cspan]))
                cspan++;
            size_t r = p_strspn(str, set);
            gt_hash(&st, r);
            if (r != span)
                gt_fail(&st, "len=%zu set of %zu: got %zu, want %zu", len, sl, r, span);
            r = p_strcspn(str, set);
            gt_hash(&cst, r);
            if (r != cspan)
                gt_fail(&cst, "len=%zu set of %zu: got %zu, want %zu", len, sl, r, cspan);
            char *pr = p_strpbrk(str, set);
            gt_hash(&pst, pr ? (uint64_t)(pr - str) : ~0ull);
            if (pr != (str[cspan] ? str + cspan : NULL))
                gt_fail(&pst, "len=%zu set of %zu: got %td, want %zu", len, sl, pr ? pr - str : -1,
                        cspan);
        }
    gt_end(&st);
    gt_end(&cst);
    gt_end(&pst);
}

void gt_test_strstr(void)
{
    test_search();
    test_span();
}
