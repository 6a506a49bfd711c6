/* Exclusive and ordered accesses (Arm ARM B2.9, C6.2): an LDXR/STXR
 * increment loop, STXR failing (status 1, memory untouched) when CLREX has
 * cleared the monitor or no LDXR opened it, byte/halfword/word/pair forms,
 * acquire/release forms (LDAXR/STLXR, LDAR/STLR) and the barriers. */
#include "guest.h"

static uint64_t cell[2] __attribute__((aligned(16)));
static uint32_t word __attribute__((aligned(8)));

/* One atomic increment: retry until STXR reports 0 (success). Returns the
 * number of attempts. */
static uint64_t atomic_inc(uint64_t *p)
{
    uint64_t tries = 0, tmp, status;
    __asm__ volatile("1: add %2, %2, #1\n\t"
                     "ldxr %0, [%3]\n\t"
                     "add %0, %0, #1\n\t"
                     "stxr %w1, %0, [%3]\n\t"
                     "cbnz %w1, 1b"
                     : "=&r"(tmp), "=&r"(status), "+r"(tries) : "r"(p) : "memory");
    return tries;
}

static void check_loop(void)
{
    cell[0] = 0;
    uint64_t tries = 0;
    for (int i = 0; i < 5; i++)
        tries += atomic_inc(&cell[0]);
    CHECK("ldxr/stxr loop result", cell[0], 5);
    /* A single core with nothing in between: the first attempt succeeds. */
    CHECK("ldxr/stxr loop attempts", tries, 5);
}

static void check_failures(void)
{
    uint64_t status, v;

    cell[0] = 100;
    __asm__ volatile("ldxr %0, [%2]\n\t"
                     "clrex\n\t"
                     "stxr %w1, %3, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(&cell[0]), "r"(200ull) : "memory");
    CHECK("ldxr value", v, 100);
    CHECK("stxr after clrex fails", status, 1);
    CHECK("stxr after clrex leaves memory", cell[0], 100);

    /* The last successful STXR closed the monitor: another STXR fails. */
    __asm__ volatile("ldxr %0, [%2]\n\t"
                     "stxr %w1, %3, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(&cell[0]), "r"(300ull) : "memory");
    CHECK("stxr after ldxr succeeds", status, 0);
    CHECK("stxr after ldxr stores", cell[0], 300);
    __asm__ volatile("stxr %w0, %2, [%1]"
                     : "=&r"(status) : "r"(&cell[0]), "r"(400ull) : "memory");
    CHECK("second stxr fails", status, 1);
    CHECK("second stxr leaves memory", cell[0], 300);
}

static void check_sizes(void)
{
    uint64_t status, v, w;
    uint8_t *b = (uint8_t *)cell;

    cell[0] = 0x8877665544332211;
    cell[1] = 0;
    __asm__ volatile("ldxrb %w0, [%2]\n\t"
                     "stxrb %w1, %w3, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(b + 1), "r"(0x1aaull) : "memory");
    CHECK("ldxrb", v, 0x22);
    CHECK("stxrb status", status, 0);
    CHECK("stxrb memory", cell[0], 0x887766554433aa11);
    __asm__ volatile("ldxrh %w0, [%2]\n\t"
                     "stxrh %w1, %w3, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(b + 6), "r"(0xbeefull) : "memory");
    CHECK("ldxrh", v, 0x8877);
    CHECK("stxrh memory", cell[0], 0xbeef66554433aa11);
    __asm__ volatile("ldxr %w0, [%2]\n\t"
                     "stxr %w1, %w3, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(b + 4), "r"(0xffffffff12345678ull) : "memory");
    CHECK("ldxr w", v, 0xbeef6655);
    CHECK("stxr w memory", cell[0], 0x123456784433aa11);
    __asm__ volatile("ldxp %0, %1, [%3]\n\t"
                     "stxp %w2, %4, %5, [%3]"
                     : "=&r"(v), "=&r"(w), "=&r"(status)
                     : "r"(cell), "r"(0x1111ull), "r"(0x2222ull) : "memory");
    CHECK("ldxp first", v, 0x123456784433aa11);
    CHECK("ldxp second", w, 0);
    CHECK("stxp status", status, 0);
    CHECK("stxp memory", cell[0] + (cell[1] << 16), 0x22221111);
    __asm__ volatile("ldxp %w0, %w1, [%3]\n\t"
                     "stxp %w2, %w4, %w5, [%3]"
                     : "=&r"(v), "=&r"(w), "=&r"(status)
                     : "r"(cell), "r"(0xaull), "r"(0xbull) : "memory");
    CHECK("ldxp w", (w << 32) | v, 0x1111);
    CHECK("stxp w memory", cell[0], 0x0000000b0000000a);
}

static void check_ordered(void)
{
    uint64_t status, v;

    word = 7;
    __asm__ volatile("ldaxr %w0, [%2]\n\t"
                     "add %w0, %w0, #1\n\t"
                     "stlxr %w1, %w0, [%2]"
                     : "=&r"(v), "=&r"(status) : "r"(&word) : "memory");
    CHECK("ldaxr/stlxr status", status, 0);
    CHECK("ldaxr/stlxr memory", word, 8);
    __asm__ volatile("stlr %1, [%2]\n\t"
                     "dmb ish\n\t"
                     "dsb sy\n\t"
                     "isb\n\t"
                     "ldar %0, [%2]"
                     : "=&r"(v) : "r"(0x0102030405060708ull), "r"(&cell[1]) : "memory");
    CHECK("stlr/ldar", v, 0x0102030405060708);
    __asm__ volatile("stlrb %w1, [%2]\n\t"
                     "ldarh %w0, [%2]"
                     : "=&r"(v) : "r"(0xffull), "r"(&cell[1]) : "memory");
    CHECK("stlrb/ldarh", v, 0x07ff);
    __asm__ volatile("ldaxp %0, %1, [%2]\n\t"
                     "clrex"
                     : "=&r"(v), "=&r"(status) : "r"(cell) : "memory");
    CHECK("ldaxp second", status, 0x01020304050607ff);
}

int main(void)
{
    check_loop();
    check_failures();
    check_sizes();
    check_ordered();
    return guest_done("exclusive");
}
