/* Multiply and divide (Arm ARM C6.2): MADD/MSUB, the widening SMADDL/
 * UMADDL/SMSUBL/UMSUBL, SMULH/UMULH, and SDIV/UDIV, which round toward zero,
 * give 0 on division by zero, and give INT_MIN for INT_MIN / -1. */
#include "guest.h"

static void check_multiply(void)
{
    /* (2^32 + 1)^2 = 2^64 + 2^33 + 1: low half 0x200000001. */
    CHECK("mul wraps", OP2("mul %0, %1, %2", 0x100000001, 0x100000001), 0x200000001);
    CHECK("madd", OP3("madd %0, %1, %2, %3", 3, 4, 5), 17);
    CHECK("msub", OP3("msub %0, %1, %2, %3", 3, 4, 5), 0xfffffffffffffff9);
    CHECK("mneg", OP2("mneg %0, %1, %2", 3, 4), 0xfffffffffffffff4);
    CHECK("mul w 2^16*2^16", OP2("mul %w0, %w1, %w2", 0x10000, 0x10000), 0);
    CHECK("mul w -1*-1", OP2("mul %w0, %w1, %w2", 0xffffffff, 0xffffffff), 1);
    CHECK("madd w zero-extends", OP3("madd %w0, %w1, %w2, %w3", 0xffffffff, 1, 0), 0xffffffff);
    CHECK("smull", OP2("smull %0, %w1, %w2", 0xfffffffe, 3), 0xfffffffffffffffa);
    CHECK("umull", OP2("umull %0, %w1, %w2", 0xfffffffe, 3), 0x2fffffffa);
    CHECK("smaddl", OP3("smaddl %0, %w1, %w2, %3", 0xffffffff, 0xffffffff, 10), 11);
    CHECK("umaddl", OP3("umaddl %0, %w1, %w2, %3", 0xffffffff, 0xffffffff, 0),
          0xfffffffe00000001);
    CHECK("smsubl", OP3("smsubl %0, %w1, %w2, %3", 0xfffffffe, 3, 0), 6);
    CHECK("umsubl", OP3("umsubl %0, %w1, %w2, %3", 0xfffffffe, 3, 0x300000000), 6);
    CHECK("smull ignores upper bits", OP2("smull %0, %w1, %w2", 0x1234567800000002, 0xffffffff00000003), 6);
    /* -2^63 * 2 = -2^64: high half all ones. */
    CHECK("smulh min*2", OP2("smulh %0, %1, %2", 0x8000000000000000, 2), 0xffffffffffffffff);
    CHECK("umulh 2^63*2", OP2("umulh %0, %1, %2", 0x8000000000000000, 2), 1);
    /* (2^64-1)^2 = 2^128 - 2^65 + 1: high half 2^64 - 2. */
    CHECK("umulh max*max", OP2("umulh %0, %1, %2", ~0ull, ~0ull), 0xfffffffffffffffe);
    CHECK("smulh -1*-1", OP2("smulh %0, %1, %2", ~0ull, ~0ull), 0);
    /* (2^63-1)^2 = 2^126 - 2^64 + 1: high half 2^62 - 1. */
    CHECK("smulh max*max", OP2("smulh %0, %1, %2", 0x7fffffffffffffff, 0x7fffffffffffffff),
          0x3fffffffffffffff);
}

static void check_divide(void)
{
    CHECK("udiv 100/7", OP2("udiv %0, %1, %2", 100, 7), 14);
    CHECK("udiv by 0", OP2("udiv %0, %1, %2", 100, 0), 0);
    CHECK("udiv max/1", OP2("udiv %0, %1, %2", ~0ull, 1), ~0ull);
    CHECK("udiv big", OP2("udiv %0, %1, %2", 0xfffffffffffffffe, 0x8000000000000000), 1);
    CHECK("sdiv -100/7", OP2("sdiv %0, %1, %2", -100ll, 7), 0xfffffffffffffff2);
    CHECK("sdiv 100/-7", OP2("sdiv %0, %1, %2", 100, -7ll), 0xfffffffffffffff2);
    CHECK("sdiv -100/-7", OP2("sdiv %0, %1, %2", -100ll, -7ll), 14);
    CHECK("sdiv min/-1", OP2("sdiv %0, %1, %2", 0x8000000000000000, -1ll), 0x8000000000000000);
    CHECK("sdiv by 0", OP2("sdiv %0, %1, %2", -5ll, 0), 0);
    CHECK("sdiv w min/-1", OP2("sdiv %w0, %w1, %w2", 0x80000000, 0xffffffff), 0x80000000);
    CHECK("sdiv w -7/2", OP2("sdiv %w0, %w1, %w2", 0xfffffff9, 2), 0xfffffffd);
    CHECK("udiv w max/2", OP2("udiv %w0, %w1, %w2", 0xffffffff, 2), 0x7fffffff);
    CHECK("udiv w ignores upper bits", OP2("udiv %w0, %w1, %w2", 0xdeadbeef00000064, 0x100000007), 14);
    CHECK("udiv w by 0", OP2("udiv %w0, %w1, %w2", 5, 0x100000000), 0);
}

int main(void)
{
    check_multiply();
    check_divide();
    return guest_done("muldiv");
}
