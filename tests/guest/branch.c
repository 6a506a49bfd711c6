/* Branches (Arm ARM C6.2): B, BL (X30 = address of the next instruction),
 * BR, BLR, RET (to X30 and to another register), B.cond under all 16 NZCV
 * values, CBZ/CBNZ (W forms look only at bits 31:0), TBZ/TBNZ (any bit
 * number 0..63). Each asm block leaves 1 in the result when the expected
 * path was taken. Condition masks: see condsel.c (bit i = holds for NZCV i). */
#include "guest.h"

static const uint16_t cond_masks[16] = {
    0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555,
    0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff,
};

/* B.cond taken -> 1, not taken -> 0. */
#define BCOND_FN(cc)                                                    \
    static uint64_t bcond_##cc(uint64_t nzcv)                           \
    {                                                                   \
        uint64_t r;                                                     \
        __asm__ volatile("msr nzcv, %1\n\t"                             \
                         "mov %0, #1\n\t"                               \
                         "b." #cc " 1f\n\t"                             \
                         "mov %0, #0\n"                                 \
                         "1:"                                           \
                         : "=&r"(r) : "r"(nzcv) : "cc");                \
        return r;                                                       \
    }
BCOND_FN(eq) BCOND_FN(ne) BCOND_FN(cs) BCOND_FN(cc) BCOND_FN(mi) BCOND_FN(pl)
BCOND_FN(vs) BCOND_FN(vc) BCOND_FN(hi) BCOND_FN(ls) BCOND_FN(ge) BCOND_FN(lt)
BCOND_FN(gt) BCOND_FN(le) BCOND_FN(al) BCOND_FN(nv)

static uint64_t (*const bcond_fns[16])(uint64_t) = {
    bcond_eq, bcond_ne, bcond_cs, bcond_cc, bcond_mi, bcond_pl, bcond_vs, bcond_vc,
    bcond_hi, bcond_ls, bcond_ge, bcond_lt, bcond_gt, bcond_le, bcond_al, bcond_nv,
};

static void check_bcond(void)
{
    char what[32] = "b.?? under nzcv=?";
    static const char names[] = "eqnecsccmiplvsvchilsgeltgtlealnv";
    for (int c = 0; c < 16; c++) {
        for (int i = 0; i < 16; i++) {
            what[2] = names[2 * c];
            what[3] = names[2 * c + 1];
            what[16] = "0123456789abcdef"[i];
            CHECK(what, bcond_fns[c]((uint64_t)i << 28), (cond_masks[c] >> i) & 1);
        }
    }
}

/* Taken-branch helpers: the result is 1 if the branch was taken. */
#define TAKEN(insn, v) ({                                               \
    uint64_t r_;                                                        \
    __asm__ volatile("mov %0, #1\n\t" insn ", 1f\n\t"                   \
                     "mov %0, #0\n1:"                                   \
                     : "=&r"(r_) : "r"((uint64_t)(v)));                 \
    r_; })

static void check_compare_and_test(void)
{
    CHECK("cbz x 0", TAKEN("cbz %1", 0), 1);
    CHECK("cbz x 2^32", TAKEN("cbz %1", 0x100000000), 0);
    CHECK("cbz w 2^32", TAKEN("cbz %w1", 0x100000000), 1);
    CHECK("cbnz x 2^32", TAKEN("cbnz %1", 0x100000000), 1);
    CHECK("cbnz w 2^32", TAKEN("cbnz %w1", 0x100000000), 0);
    CHECK("cbnz x 0", TAKEN("cbnz %1", 0), 0);
    CHECK("tbz #0 even", TAKEN("tbz %1, #0", 2), 1);
    CHECK("tbz #0 odd", TAKEN("tbz %1, #0", 3), 0);
    CHECK("tbnz #63 set", TAKEN("tbnz %1, #63", 0x8000000000000000), 1);
    CHECK("tbnz #63 clear", TAKEN("tbnz %1, #63", 0x7fffffffffffffff), 0);
    CHECK("tbz #32 clear", TAKEN("tbz %1, #32", 0xffffffff), 1);
    CHECK("tbnz w #31", TAKEN("tbnz %w1, #31", 0x80000000), 1);
    CHECK("tbz #40 set", TAKEN("tbz %1, #40", 0x10000000000), 0);
}

static void check_calls(void)
{
    uint64_t lr, want, r;

    /* BL writes the address of the instruction after it to X30. */
    __asm__ volatile("bl 1f\n"
                     "0: b 2f\n"
                     "1: mov %0, x30\n\t"
                     "adr %1, 0b\n\t"
                     "ret\n"
                     "2:"
                     : "=&r"(lr), "=&r"(want) : : "x30");
    CHECK("bl link", lr, want);

    /* BLR through a register, the callee returning with RET. */
    __asm__ volatile("adr x9, 1f\n\t"
                     "mov %0, #0\n\t"
                     "blr x9\n"
                     "0: b 2f\n"
                     "1: mov %0, x30\n\t"
                     "adr %1, 0b\n\t"
                     "ret\n"
                     "2:"
                     : "=&r"(lr), "=&r"(want) : : "x9", "x30");
    CHECK("blr link", lr, want);

    /* BR does not link: X30 keeps its value. */
    __asm__ volatile("mov x30, #77\n\t"
                     "adr x9, 1f\n\t"
                     "mov %0, #0\n\t"
                     "br x9\n\t"
                     "mov %0, #2\n"
                     "1: add %0, %0, x30"
                     : "=&r"(r) : : "x9", "x30");
    CHECK("br", r, 77);

    /* RET to a register other than X30. */
    __asm__ volatile("adr x10, 1f\n\t"
                     "mov %0, #5\n\t"
                     "ret x10\n\t"
                     "mov %0, #6\n"
                     "1:"
                     : "=&r"(r) : : "x10");
    CHECK("ret x10", r, 5);

    /* B forwards and backwards: a loop that runs its body 10 times. */
    __asm__ volatile("mov %0, #0\n\t"
                     "mov x9, #10\n\t"
                     "b 2f\n"
                     "1: add %0, %0, #3\n\t"
                     "sub x9, x9, #1\n"
                     "2: cbnz x9, 1b"
                     : "=&r"(r) : : "x9");
    CHECK("loop", r, 30);
}

/* Indirect calls from C: a table of functions called through BLR. */
static __attribute__((noinline)) uint64_t f_add(uint64_t a) { return a + 1; }
static __attribute__((noinline)) uint64_t f_mul(uint64_t a) { return a * 3; }
static __attribute__((noinline)) uint64_t f_neg(uint64_t a) { return -a; }

static __attribute__((noinline)) uint64_t recurse(uint64_t n)
{
    return n == 0 ? 0 : n + recurse(opaque(n - 1));
}

static void check_c_calls(void)
{
    uint64_t (*volatile table[3])(uint64_t) = { f_add, f_mul, f_neg };
    uint64_t v = 5;
    for (int i = 0; i < 3; i++)
        v = table[i](v);
    CHECK("function pointers", v, -(uint64_t)18);
    CHECK("recursion", recurse(100), 5050);
}

int main(void)
{
    check_bcond();
    check_compare_and_test();
    check_calls();
    check_c_calls();
    return guest_done("branch");
}
