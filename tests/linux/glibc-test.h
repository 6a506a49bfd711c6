/* Shared pieces of glibc-test, the static aarch64 glibc program the Linux boot
 * test runs in the guest (see glibc-test.c for what it prints and why). */
#ifndef GLIBC_TEST_H
#define GLIBC_TEST_H

#include <stddef.h>
#include <stdint.h>

/* One tested function: cases run, cases that disagreed with the reference,
 * and a hash of every result (so that a wrong result the reference cannot
 * see, such as memcmp's exact value, still shows when the output is compared
 * with QEMU's). */
struct gt_stats {
    const char *name;
    unsigned long cases, bad;
    uint64_t sum;
};

void gt_begin(struct gt_stats *st, const char *name);
void gt_hash(struct gt_stats *st, uint64_t v);
/* Counts a wrong case; the first few of each function are printed. */
void gt_fail(struct gt_stats *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gt_end(struct gt_stats *st);

/* Two buffers of GT_BUF_SIZE bytes, each between two inaccessible guard
 * pages, so a routine that reads one byte past a string ending at
 * gt_buf_x + GT_BUF_SIZE faults. gt_pool holds fixed pseudo-random bytes. */
#define GT_BUF_SIZE ((size_t)(1u << 20) + 65536)
extern unsigned char *gt_buf_a, *gt_buf_b, *gt_pool;
extern int gt_verbose;            /* "-v": print every math result */
extern const char *gt_verbose_name; /* "-v NAME": only those of NAME */
extern const char *gt_tag; /* "-m NAME": NAME, else NULL */

uint64_t gt_rand(void);
/* Byte loops the compiler must not turn into library calls (the flag
 * -fno-tree-loop-distribute-patterns keeps them loops). */
void gt_fill(unsigned char *p, size_t n, int c);
void gt_copy(unsigned char *d, const unsigned char *s, size_t n);

/* Lengths around every SIMD and unrolling step glibc's aarch64 routines use. */
extern const size_t gt_lens[];
extern const size_t gt_nlens;

void gt_test_mem(void);
void gt_test_copy(void); /* memcpy, memmove and memset only */
void gt_test_str(void);
void gt_test_strstr(void);
void gt_test_math(void);
void gt_test_format(void);

#endif
