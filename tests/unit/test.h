/*
 * A tiny unit-test harness. A test file includes this once, defines tests
 * with TEST(group, name) { ... ASSERT_EQ(actual, expected); ... } and is
 * built into its own program, whose main() (below) runs every test and
 * prints one line each as tests/run.sh expects: "PASS group.name" or
 * "FAIL group.name: why" (a test stops at its first failed assertion).
 * It exits 0 so failures are counted, not fatal.
 */
#ifndef ARMVIRT_TEST_H
#define ARMVIRT_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TEST_MAX 512

struct test_case {
    const char *name;
    void (*fn)(void);
};

static struct test_case test_cases[TEST_MAX];
static unsigned test_count;
static bool test_failed;
static const char *test_current;

static inline void test_add(const char *name, void (*fn)(void))
{
    if (test_count < TEST_MAX)
        test_cases[test_count++] = (struct test_case){name, fn};
}

/* Registers itself before main() runs, so a test cannot be forgotten. */
#define TEST(group, name)                                                      \
    static void test_##group##_##name(void);                                   \
    __attribute__((constructor)) static void test_reg_##group##_##name(void)   \
    {                                                                          \
        test_add(#group "." #name, test_##group##_##name);                     \
    }                                                                          \
    static void test_##group##_##name(void)

static inline void test_fail_eq(const char *file, int line, const char *expr, uint64_t actual,
                                uint64_t expected)
{
    printf("FAIL %s: %s:%d: %s is 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", test_current, file,
           line, expr, actual, expected);
    test_failed = true;
}

#define ASSERT_EQ(actual, expected)                                             \
    do {                                                                        \
        uint64_t actual_ = (uint64_t)(actual), expected_ = (uint64_t)(expected); \
        if (actual_ != expected_) {                                             \
            test_fail_eq(__FILE__, __LINE__, #actual, actual_, expected_);      \
            return;                                                             \
        }                                                                       \
    } while (0)

#define ASSERT_TRUE(cond) ASSERT_EQ(!!(cond), 1)
#define ASSERT_FALSE(cond) ASSERT_EQ(!!(cond), 0)

int main(void)
{
    for (unsigned i = 0; i < test_count; i++) {
        test_failed = false;
        test_current = test_cases[i].name;
        test_cases[i].fn();
        if (!test_failed)
            printf("PASS %s\n", test_current);
    }
    return 0;
}

#endif
