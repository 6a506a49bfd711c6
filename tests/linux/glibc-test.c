/* glibc-test: a static aarch64 program linked with Debian's glibc, run in the
 * Linux guest by the boot test (tests/linux/init-check). glibc's aarch64
 * string and memory routines are hand-written Advanced SIMD code with
 * alignment tricks, and its math routines lean on FMA, FRINT*, conversions
 * and the FPSR flags, so together they reach a lot of the FP/SIMD and
 * memory-access emulation through real code.
 *
 * Each string and memory function runs over every source and destination
 * alignment 0..63, lengths 0..300 and a few large ones, matches at the first
 * and last byte, and strings that end at the last byte before an inaccessible
 * page. Every result is checked against a plain byte-loop reference, and
 * hashed. Math functions run on special values (signed zeros, infinities,
 * NaNs, denormals, huge arguments, rounding boundaries) under each rounding
 * mode; their results, FPSR flags and errno are hashed. printf and strtod
 * of awkward doubles print literal lines.
 *
 * Output: one line "<function> cases=N bad=N sum=H" per function, the first
 * few wrong cases of each as "BAD ..." lines, the literal formatting lines,
 * and "glibc-test: N bad". tests/linux/run.sh requires it byte-identical to
 * the output under qemu-system-aarch64. "-v" prints every math result,
 * "-v NAME" those of the function NAME (its name in the output).
 *
 * glibc picks memcpy, memmove and memset by the CPU (MIDR): a Cortex-A57
 * gets the integer-register versions. "-m NAME", run with the environment
 * GLIBC_TUNABLES=glibc.cpu.name=NAME (ares, falkor, thunderx2t99, kunpeng),
 * runs only those three, with the Advanced SIMD versions glibc has for
 * that CPU, and tags the lines "memcpy[NAME]". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "glibc-test.h"

unsigned char *gt_buf_a, *gt_buf_b, *gt_pool;
int gt_verbose;
const char *gt_verbose_name;
const char *gt_tag;
static unsigned long total_bad;

const size_t gt_lens[] = {0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   11,  12,  15,
                          16,  17,  23,  24,  25,  31,  32,  33,  47,  48,  49,  63,  64,
                          65,  79,  80,  95,  96,  97,  111, 112, 127, 128, 129, 143, 144,
                          191, 192, 193, 255, 256, 257, 300};
const size_t gt_nlens = sizeof(gt_lens) / sizeof(gt_lens[0]);

void gt_begin(struct gt_stats *st, const char *name)
{
    st->name = name;
    st->cases = st->bad = 0;
    st->sum = 0xcbf29ce484222325ull;
}

/* FNV-1a over the eight bytes of v. */
void gt_hash(struct gt_stats *st, uint64_t v)
{
    st->cases++;
    for (int i = 0; i < 8; i++) {
        st->sum ^= (v >> (8 * i)) & 0xff;
        st->sum *= 0x100000001b3ull;
    }
}

void gt_fail(struct gt_stats *st, const char *fmt, ...)
{
    if (st->bad++ < 3) {
        va_list ap;
        va_start(ap, fmt);
        printf("BAD %s: ", st->name);
        vprintf(fmt, ap);
        putchar('\n');
        va_end(ap);
    }
}

void gt_end(struct gt_stats *st)
{
    printf("%s%s%s%s cases=%lu bad=%lu sum=%016llx\n", st->name, gt_tag ? "[" : "",
           gt_tag ? gt_tag : "", gt_tag ? "]" : "", st->cases, st->bad,
           (unsigned long long)st->sum);
    total_bad += st->bad;
    fflush(stdout);
}

uint64_t gt_rand(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

void gt_fill(unsigned char *p, size_t n, int c)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)c;
}

void gt_copy(unsigned char *d, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* GT_BUF_SIZE usable bytes with a PROT_NONE page on each side. */
static unsigned char *guarded_alloc(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (GT_BUF_SIZE + page - 1) / page * page;
    unsigned char *p = mmap(NULL, size + 2 * page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mprotect(p, page, PROT_NONE) ||
        mprotect(p + page + size, page, PROT_NONE)) {
        perror("glibc-test: mmap");
        exit(2);
    }
    /* Place the usable bytes so that they end at the trailing guard page. */
    return p + page + size - GT_BUF_SIZE;
}

int main(int argc, char **argv)
{
    gt_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (gt_verbose && argc > 2)
        gt_verbose_name = argv[2];
    if (argc > 2 && strcmp(argv[1], "-m") == 0)
        gt_tag = argv[2];
    gt_buf_a = guarded_alloc();
    gt_buf_b = guarded_alloc();
    gt_pool = guarded_alloc();
    for (size_t i = 0; i < GT_BUF_SIZE; i++)
        gt_pool[i] = (unsigned char)(gt_rand() >> 56);

    if (gt_tag) {
        gt_test_copy();
        printf("glibc-test[%s]: %lu bad\n", gt_tag, total_bad);
        return total_bad != 0;
    }
    gt_test_mem();
    gt_test_str();
    gt_test_strstr();
    gt_test_math();
    gt_test_format();
    printf("glibc-test: %lu bad\n", total_bad);
    return total_bad != 0;
}
