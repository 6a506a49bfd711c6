/* Conditional select (CSEL/CSINC/CSINV/CSNEG and aliases) and conditional
 * compare (CCMP/CCMN, register and immediate). Every condition is tried
 * under all 16 NZCV values. Each row of cond_masks has bit i set when the
 * condition holds for NZCV = i (N = 8, Z = 4, C = 2, V = 1), worked by hand
 * from the Arm ARM condition table (C1.2.4, ConditionHolds):
 *   EQ: Z           -> i in 4-7, 12-15              = 0xf0f0
 *   CS: C           -> i in 2,3,6,7,10,11,14,15     = 0xcccc
 *   MI: N           -> i in 8-15                    = 0xff00
 *   VS: V           -> odd i                        = 0xaaaa
 *   HI: C && !Z     -> 0xcccc & 0x0f0f              = 0x0c0c
 *   GE: N == V      -> i in 0,2,4,6,9,11,13,15      = 0xaa55
 *   GT: !Z && N==V  -> 0xaa55 & 0x0f0f              = 0x0a05
 *   AL, NV: always                                  = 0xffff
 * and each odd-numbered condition is the complement of the even one before
 * it, except NV. */
#include "guest.h"

static const uint16_t cond_masks[16] = {
    0xf0f0, 0x0f0f, /* eq ne */
    0xcccc, 0x3333, /* cs cc */
    0xff00, 0x00ff, /* mi pl */
    0xaaaa, 0x5555, /* vs vc */
    0x0c0c, 0xf3f3, /* hi ls */
    0xaa55, 0x55aa, /* ge lt */
    0x0a05, 0xf5fa, /* gt le */
    0xffff, 0xffff, /* al nv */
};

static const char *const cond_names[16] = {
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
    "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
};

/* One function per condition: CSEL picks 1 when the condition holds. */
#define CSEL_FN(cc)                                                     \
    static uint64_t csel_##cc(uint64_t nzcv)                            \
    {                                                                   \
        uint64_t r;                                                     \
        __asm__ volatile("msr nzcv, %1\n\t"                             \
                         "csel %0, %2, %3, " #cc                        \
                         : "=&r"(r) : "r"(nzcv), "r"(1ull), "r"(0ull) : "cc"); \
        return r;                                                       \
    }
CSEL_FN(eq) CSEL_FN(ne) CSEL_FN(cs) CSEL_FN(cc) CSEL_FN(mi) CSEL_FN(pl)
CSEL_FN(vs) CSEL_FN(vc) CSEL_FN(hi) CSEL_FN(ls) CSEL_FN(ge) CSEL_FN(lt)
CSEL_FN(gt) CSEL_FN(le) CSEL_FN(al) CSEL_FN(nv)

static uint64_t (*const csel_fns[16])(uint64_t) = {
    csel_eq, csel_ne, csel_cs, csel_cc, csel_mi, csel_pl, csel_vs, csel_vc,
    csel_hi, csel_ls, csel_ge, csel_lt, csel_gt, csel_le, csel_al, csel_nv,
};

static void check_conditions(void)
{
    char what[32] = "csel ?? under nzcv=?";
    for (int c = 0; c < 16; c++) {
        for (int i = 0; i < 16; i++) {
            what[5] = cond_names[c][0];
            what[6] = cond_names[c][1];
            what[19] = "0123456789abcdef"[i];
            CHECK(what, csel_fns[c]((uint64_t)i << 28), (cond_masks[c] >> i) & 1);
        }
    }
}

static void check_select(void)
{
    uint64_t f;

    CHECK("csel true", OP2F("csel %0, %2, %3, eq", 11, 22, FLAG_Z, &f), 11);
    CHECK("csel false", OP2F("csel %0, %2, %3, eq", 11, 22, 0, &f), 22);
    CHECK("csinc false", OP2F("csinc %0, %2, %3, eq", 11, 22, 0, &f), 23);
    CHECK("csinc true", OP2F("csinc %0, %2, %3, eq", 11, 22, FLAG_Z, &f), 11);
    CHECK("csinv false", OP2F("csinv %0, %2, %3, eq", 11, 22, 0, &f), ~22ull);
    CHECK("csneg false", OP2F("csneg %0, %2, %3, eq", 11, 22, 0, &f), -22ull);
    CHECK("csneg w false", OP2F("csneg %w0, %w2, %w3, eq", 11, 1, 0, &f), 0xffffffff);
    CHECK("csinc w wraps", OP2F("csinc %w0, %w2, %w3, ne", 0, 0xffffffff, FLAG_Z, &f), 0);
    CHECK("csel w zero-extends", OP2F("csel %w0, %w2, %w3, al", 0xffffffffffffffff, 0, 0, &f),
          0xffffffff);
    CHECK("cset lt", OP2F("cset %0, lt", 0, 0, FLAG_N, &f), 1);
    CHECK("csetm hi", OP2F("csetm %0, hi", 0, 0, FLAG_C, &f), 0xffffffffffffffff);
    CHECK("cinc ne", OP2F("cinc %0, %2, ne", 41, 0, 0, &f), 42);
    CHECK("cneg mi", OP2F("cneg %0, %2, mi", 5, 0, FLAG_N, &f), 0xfffffffffffffffb);
    CHECK("csel keeps flags", (OP2F("csel %0, %2, %3, vs", 1, 2, FLAG_V | FLAG_C, &f), f),
          FLAG_V | FLAG_C);
}

static void check_compare(void)
{
    uint64_t f;

    /* Condition holds: flags come from the comparison. */
    CHECK("ccmp eq taken", (OP2F("ccmp %2, %3, #0, eq", 5, 5, FLAG_Z, &f), f), FLAG_Z | FLAG_C);
    /* Condition fails: flags are the immediate nzcv (0b1010 = N, C). */
    CHECK("ccmp eq not taken", (OP2F("ccmp %2, %3, #10, eq", 5, 5, 0, &f), f), FLAG_N | FLAG_C);
    CHECK("ccmp imm", (OP2F("ccmp %2, #5, #0, eq", 3, 0, FLAG_Z, &f), f), FLAG_N);
    CHECK("ccmn imm al", (OP2F("ccmn %2, #3, #15, al", -3, 0, 0, &f), f), FLAG_Z | FLAG_C);
    CHECK("ccmn reg", (OP2F("ccmn %2, %3, #0, ne", 0x7fffffffffffffff, 1, 0, &f), f),
          FLAG_N | FLAG_V);
    CHECK("ccmp w overflow", (OP2F("ccmp %w2, %w3, #0, cs", 0x80000000, 1, FLAG_C, &f), f),
          FLAG_C | FLAG_V);
    CHECK("ccmp nv not taken is taken", (OP2F("ccmp %2, %3, #0, nv", 1, 2, 0, &f), f), FLAG_N);
    CHECK("ccmp gt chain", (OP2F("cmp %2, #3\n\tccmp %2, %3, #4, gt", 5, 7, 0, &f), f), FLAG_N);
    CHECK("ccmp gt chain fails", (OP2F("cmp %2, #9\n\tccmp %2, %3, #4, gt", 5, 7, 0, &f), f), FLAG_Z);
}

int main(void)
{
    check_conditions();
    check_select();
    check_compare();
    return guest_done("condsel");
}
