/* Loops that are one block each, run long enough for armvirt to generate
 * code for them (cpu/jit.h) part-way through: counted loops under each
 * condition, flags from before the loop and from an executor (ADDS), the
 * compare-and-branch forms, loads and stores that cross pages (a TLB miss
 * leaves the code and comes back), stores into the loop's own code page
 * (the block is thrown away while it runs), more registers than the host
 * has, the arithmetic forms, and the system register reads Linux makes all
 * the time. Every expected value is a closed form. */
#include "guest.h"

#define N 5000

/* A counted loop: from `start`, step `step` while the comparison with
 * `limit` holds; returns the number of passes. */
#define COUNT_LOOP(name, cmp_insn, cond)                                        \
    static uint64_t name(int64_t start, int64_t step, int64_t limit)          \
    {                                                                           \
        uint64_t passes = 0;                                                    \
        __asm__ volatile("1: add %0, %0, #1\n\t"                                \
                         "add %1, %1, %2\n\t"                                   \
                         cmp_insn " %1, %3\n\t"                                 \
                         "b." #cond " 1b"                                       \
                         : "+r"(passes), "+r"(start)                            \
                         : "r"(step), "r"(limit)                                \
                         : "cc");                                               \
        return passes;                                                          \
    }
COUNT_LOOP(loop_lt, "cmp", lt)
COUNT_LOOP(loop_le, "cmp", le)
COUNT_LOOP(loop_gt, "cmp", gt)
COUNT_LOOP(loop_ge, "cmp", ge)
COUNT_LOOP(loop_lo, "cmp", lo)
COUNT_LOOP(loop_ls, "cmp", ls)
COUNT_LOOP(loop_hi, "cmp", hi)
COUNT_LOOP(loop_hs, "cmp", hs)
COUNT_LOOP(loop_ne, "cmp", ne)
COUNT_LOOP(loop_mi, "cmp", mi)   /* start - limit negative */
COUNT_LOOP(loop_pl, "cmp", pl)

static void check_conditions(void)
{
    /* Signed, across zero. */
    CHECK("b.lt", loop_lt(-3000, 1, 2000), 5000);
    CHECK("b.le", loop_le(-3000, 1, 2000), 5001);
    CHECK("b.gt", loop_gt(2000, -1, -3000), 5000);
    CHECK("b.ge", loop_ge(2000, -1, -3000), 5001);
    /* Unsigned, across the sign bit. */
    CHECK("b.lo", loop_lo(0x7fffffffffffe000, 1, (int64_t)0x8000000000000388ull), 9096);
    CHECK("b.ls", loop_ls(0x7fffffffffffe000, 1, (int64_t)0x8000000000000388ull), 9097);
    CHECK("b.hi", loop_hi((int64_t)0x8000000000000388ull, -1, 0x7fffffffffffe000), 9096);
    CHECK("b.hs", loop_hs((int64_t)0x8000000000000388ull, -1, 0x7fffffffffffe000), 9097);
    CHECK("b.ne", loop_ne(0, 3, 3 * N), N);
    CHECK("b.mi", loop_mi(-N, 1, 0), N);
    CHECK("b.pl", loop_pl(N, -1, 0), N + 1);
}

/* 32-bit comparisons: the flags are those of the low words. */
static uint64_t loop_w_lt(uint64_t x, uint64_t limit)
{
    uint64_t passes = 0;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "add %1, %1, #1\n\t"
                     "cmp %w1, %w2\n\t"
                     "b.lt 1b"
                     : "+r"(passes), "+r"(x)
                     : "r"(limit)
                     : "cc");
    return passes;
}

/* B.VS/B.VC after ADDS, which sets the flags by its executor: count the
 * additions of step until the signed sum overflows. */
static uint64_t adds_until_overflow(int64_t x, int64_t step)
{
    uint64_t passes = 0;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "adds %1, %1, %2\n\t"
                     "b.vc 1b"
                     : "+r"(passes), "+r"(x)
                     : "r"(step)
                     : "cc");
    return passes;
}

/* The condition of a loop's branch set before the loop starts (by MSR). */
static uint64_t loop_flags_from_before(uint64_t nzcv)
{
    uint64_t passes = 0, left = N;
    __asm__ volatile("msr nzcv, %2\n"
                     "1: add %0, %0, #1\n\t"
                     "sub %1, %1, #1\n\t"
                     "cbz %1, 2f\n\t"
                     "b.eq 1b\n"
                     "2:"
                     : "+r"(passes), "+r"(left)
                     : "r"(nzcv)
                     : "cc");
    return passes;
}

static void check_flags(void)
{
    CHECK("cmp w, b.lt", loop_w_lt(0xffffffff00000000ull - 1000, 2000), 3000);
    CHECK("cmp w, b.lt, high bits ignored", loop_w_lt(0x1234567800000000ull | 0xfffffc18u, 1000), 2000);
    CHECK("adds, b.vc", adds_until_overflow(0x7fffffffffff0000, 0x100), 256);
    CHECK("adds, b.vc (negative)", adds_until_overflow(-0x7fffffffffff0000, -0x100), 257);
    CHECK("b.eq on flags from before, Z set", loop_flags_from_before(FLAG_Z), N);
    CHECK("b.eq on flags from before, Z clear", loop_flags_from_before(FLAG_N), 1);
}

static void check_compare_branch(void)
{
    uint64_t x = N, passes = 0;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "sub %1, %1, #1\n\t"
                     "cbnz %1, 1b" : "+r"(passes), "+r"(x));
    CHECK("cbnz", passes, N);
    x = 0xffffffff00000000ull + N;
    passes = 0;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "sub %1, %1, #1\n\t"
                     "cbnz %w1, 1b" : "+r"(passes), "+r"(x));
    CHECK("cbnz w", passes, N);
    CHECK("cbnz w leaves", x, 0xffffffff00000000ull);
    x = 1;
    passes = 0;
    /* Shift left until bit 40 is set: 40 passes, 1000 times over. */
    for (int r = 0; r < 1000; r++) {
        x = 1;
        __asm__ volatile("1: add %0, %0, #1\n\t"
                         "lsl %1, %1, #1\n\t"
                         "tbz %1, #40, 1b" : "+r"(passes), "+r"(x));
    }
    CHECK("tbz", passes, 40000);
    x = ~0ull;
    passes = 0;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "lsr %1, %1, #1\n\t"
                     "tbnz %1, #3, 1b" : "+r"(passes), "+r"(x));
    CHECK("tbnz", passes, 61);
}

/* Memory: 8 pages, so stores and loads cross pages while the code runs. */
static uint64_t area[8 * 512] __attribute__((aligned(4096)));

static void check_memory(void)
{
    for (unsigned i = 0; i < 8 * 512; i++)
        area[i] = i + 1;
    /* Linux's clear_user: store zero, step, count down. */
    uint64_t *p = area + 3, bytes = (8 * 512 - 6) * 8;
    __asm__ volatile("1: str xzr, [%0]\n\t"
                     "add %0, %0, #8\n\t"
                     "subs %1, %1, #8\n\t"
                     "b.hi 1b" : "+r"(p), "+r"(bytes) : : "cc", "memory");
    uint64_t nonzero = 0;
    for (unsigned i = 3; i < 8 * 512 - 3; i++)
        nonzero += area[i] != 0;
    CHECK("clear loop: cleared", nonzero, 0);
    CHECK("clear loop: left alone", area[2] + area[8 * 512 - 3], 3 + 8 * 512 - 2);
    CHECK("clear loop: pointer", (uint64_t)p, (uint64_t)(area + 8 * 512 - 3));

    /* Read-modify-write with a register index, then pairs. */
    for (unsigned i = 0; i < 8 * 512; i++)
        area[i] = i;
    uint64_t i = 0, n = 8 * 512, add = 5;
    __asm__ volatile("1: ldr x9, [%1, %0, lsl #3]\n\t"
                     "add x9, x9, %3\n\t"
                     "str x9, [%1, %0, lsl #3]\n\t"
                     "add %0, %0, #1\n\t"
                     "cmp %0, %2\n\t"
                     "b.ne 1b" : "+r"(i) : "r"(area), "r"(n), "r"(add) : "x9", "cc", "memory");
    uint64_t sum = 0, q = (uint64_t)area, left = 8 * 512 / 2;
    __asm__ volatile("1: ldp x9, x10, [%1]\n\t"
                     "add %0, %0, x9\n\t"
                     "add %0, %0, x10\n\t"
                     "stp x10, x9, [%1]\n\t"
                     "add %1, %1, #16\n\t"
                     "subs %2, %2, #1\n\t"
                     "b.ne 1b" : "+r"(sum), "+r"(q), "+r"(left) : : "x9", "x10", "cc", "memory");
    CHECK("ldr/str register index, ldp", sum, (uint64_t)4096 * 4095 / 2 + 5 * 4096);
    CHECK("stp swapped", area[0] * 10000 + area[1], 6 * 10000 + 5);
    /* Bytes and words. */
    uint8_t *bytes_p = (uint8_t *)area;
    uint64_t bsum = 0, k = 0;
    for (unsigned j = 0; j < 8 * 4096; j++)
        bytes_p[j] = (uint8_t)j;
    __asm__ volatile("1: ldrb w9, [%1]\n\t"
                     "add %0, %0, x9\n\t"
                     "strb w9, [%1, #1]\n\t"
                     "add %1, %1, #2\n\t"
                     "add %2, %2, #1\n\t"
                     "cmp %2, #4000\n\t"
                     "b.lo 1b" : "+r"(bsum), "+r"(bytes_p), "+r"(k) : : "x9", "cc", "memory");
    /* Bytes 0, 2, 4, ..., 7998 hold 2m mod 256: 31 rounds of 0, 2, ..., 254
     * (16256 each), then 0, 2, ..., 62. */
    CHECK("ldrb sum", bsum, 31 * 16256 + 992);
    CHECK("strb copied", ((uint8_t *)area)[2 * 3999 + 1], (uint8_t)(2 * 3999));
}

/* Stores into the page that holds the loop's own code (a word right after
 * it): each throws the block away while it runs. */
static void check_code_page_stores(void)
{
    uint64_t passes = 0, x = N, last;
    __asm__ volatile("adr x9, 3f\n\t"
                     "b 1f\n\t"
                     ".balign 128\n"
                     "1: str %1, [x9]\n\t"
                     "add %0, %0, #1\n\t"
                     "subs %1, %1, #1\n\t"
                     "b.ne 1b\n\t"
                     "b 4f\n\t"
                     ".balign 8\n"
                     "3: .quad 0\n"
                     "4: ldr %2, [x9]"
                     : "+r"(passes), "+r"(x), "=r"(last) : : "x9", "cc", "memory");
    CHECK("stores to the code page: passes", passes, N);
    CHECK("stores to the code page: last value", last, 1);
}

/* More guest registers than the host has for them. */
static void check_many_registers(void)
{
    uint64_t r[12] = {0};
    uint64_t n = N;
    __asm__ volatile("1: add %0, %0, #1\n\t"
                     "add %1, %1, #2\n\t"
                     "add %2, %2, #3\n\t"
                     "add %3, %3, #4\n\t"
                     "add %4, %4, #5\n\t"
                     "add %5, %5, #6\n\t"
                     "add %6, %6, #7\n\t"
                     "add %7, %7, #8\n\t"
                     "add %8, %8, #9\n\t"
                     "add %9, %9, #10\n\t"
                     "add %10, %10, #11\n\t"
                     "add %11, %11, #12\n\t"
                     "subs %12, %12, #1\n\t"
                     "b.ne 1b"
                     : "+r"(r[0]), "+r"(r[1]), "+r"(r[2]), "+r"(r[3]), "+r"(r[4]), "+r"(r[5]),
                       "+r"(r[6]), "+r"(r[7]), "+r"(r[8]), "+r"(r[9]), "+r"(r[10]), "+r"(r[11]),
                       "+r"(n)
                     : : "cc");
    for (unsigned i = 0; i < 12; i++)
        CHECK("many registers", r[i], (uint64_t)N * (i + 1));
}

/* The arithmetic forms inside a loop: a linear congruential generator
 * (MUL, MADD), bit fields (UBFX, SBFX), MOVK, shifts by register, logic
 * immediates and conditional selects after a compare. */
static void check_arithmetic(void)
{
    uint64_t x = 1, acc = 0, sel = 0, n = 3000, mul = 6364136223846793005ull, inc = 1442695040888963407ull;
    __asm__ volatile("1: madd %0, %0, %4, %5\n\t"
                     "ubfx x9, %0, #33, #7\n\t"
                     "eor %1, %1, x9\n\t"
                     "sbfx x10, %0, #60, #4\n\t"
                     "add %1, %1, x10\n\t"
                     "lsl x11, %1, x9\n\t"
                     "lsr x11, x11, x9\n\t"
                     "and x11, x11, #0xff00ff00ff00ff00\n\t"
                     "orr %1, %1, x11\n\t"
                     "movk %1, #0x1234, lsl #16\n\t"
                     "cmp x9, #64\n\t"
                     "csinc %2, %2, %2, lo\n\t"
                     "csel x12, %0, %1, hs\n\t"
                     "add %2, %2, x12, lsr #63\n\t"
                     "subs %3, %3, #1\n\t"
                     "b.ne 1b"
                     : "+r"(x), "+r"(acc), "+r"(sel), "+r"(n)
                     : "r"(mul), "r"(inc)
                     : "x9", "x10", "x11", "x12", "cc");
    /* The same steps in C, which the compiler writes with other instructions. */
    uint64_t cx = 1, cacc = 0, csel_ = 0;
    for (int i = 0; i < 3000; i++) {
        cx = cx * mul + inc;
        uint64_t f = (cx >> 33) & 0x7f;
        cacc ^= f;
        cacc += (uint64_t)((int64_t)cx >> 60);
        uint64_t t = (cacc << (f & 63)) >> (f & 63);
        cacc |= t & 0xff00ff00ff00ff00ull;
        cacc = (cacc & ~0xffff0000ull) | 0x12340000ull;
        if (f >= 64)
            csel_++;
        uint64_t pick = f >= 64 ? cx : cacc;
        csel_ += pick >> 63;
    }
    CHECK("lcg", x, cx);
    CHECK("bit fields, logic, movk", acc, cacc);
    CHECK("csinc, csel", sel, csel_);
}

/* What Linux reads on every system call, in a loop: MRS SP_EL0 (its
 * `current`) and TPIDR_EL1 (the per-CPU base), with barriers and 32-bit
 * shifts between. */
static void check_system_reads(void)
{
    uint64_t old_sp_el0 = SYSREG_RD(sp_el0), old_tpidr = SYSREG_RD(tpidr_el1);
    SYSREG_WR(sp_el0, 0x1234567890abcdefull);
    SYSREG_WR(tpidr_el1, 0xfedcba0987654321ull);
    uint64_t sum = 0, n = N, t = 0;
    __asm__ volatile("1: mrs x9, sp_el0\n\t"
                     "mrs x10, tpidr_el1\n\t"
                     "dmb ish\n\t"
                     "lsr w11, w9, #4\n\t"
                     "asr w12, w10, #8\n\t"
                     "add %0, %0, x11\n\t"
                     "add %0, %0, x12\n\t"
                     "eor %1, %1, x9\n\t"
                     "dsb sy\n\t"
                     "subs %2, %2, #1\n\t"
                     "b.ne 1b"
                     : "+r"(sum), "+r"(t), "+r"(n) : : "x9", "x10", "x11", "x12", "cc", "memory");
    SYSREG_WR(sp_el0, old_sp_el0);
    SYSREG_WR(tpidr_el1, old_tpidr);
    /* lsr w: 0x90abcdef >> 4; asr w: 0x87654321 >> 8, sign bits in, zero-extended. */
    CHECK("mrs, lsr/asr w: sum", sum, (uint64_t)N * (0x090abcdeull + 0xff876543ull));
    CHECK("mrs sp_el0: xor of an even count", t, 0);
}

int main(void)
{
    check_conditions();
    check_flags();
    check_compare_branch();
    check_memory();
    check_code_page_stores();
    check_many_registers();
    check_arithmetic();
    check_system_reads();
    return guest_done("loops");
}
