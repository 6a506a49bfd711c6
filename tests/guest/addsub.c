/* Add/subtract: immediate, shifted register and extended register forms, the
 * flag-setting forms (NZCV read back with MRS), carry forms, and SP as an
 * operand. Expected values are worked by hand from the Arm ARM pseudocode
 * AddWithCarry() (C6.2, ADD/ADDS/SUB/SUBS/ADC/SBC). NZCV constants: N = bit
 * 31, Z = 30, C = 29, V = 28. */
#include "guest.h"

#define N FLAG_N
#define Z FLAG_Z
#define C FLAG_C
#define V FLAG_V

static void check_plain(void)
{
    CHECK("add 1+2", OP2("add %0, %1, %2", 1, 2), 3);
    CHECK("add imm 0xfff", OP2("add %0, %1, #0xfff", 1, 0), 0x1000);
    CHECK("add imm lsl 12", OP2("add %0, %1, #1, lsl #12", 5, 0), 0x1005);
    CHECK("sub imm lsl 12", OP2("sub %0, %1, #2, lsl #12", 0x3000, 0), 0x1000);
    CHECK("sub 0-1 wraps", OP2("sub %0, %1, %2", 0, 1), 0xffffffffffffffff);
    CHECK("sub w 0-1 zero-extends", OP2("sub %w0, %w1, %w2", 0, 1), 0xffffffff);
    CHECK("add w ignores upper bits", OP2("add %w0, %w1, %w2", 0x1ffffffff, 2), 1);
    /* Shifted register. */
    CHECK("add lsl 4", OP2("add %0, %1, %2, lsl #4", 1, 2), 33);
    CHECK("sub lsr 1", OP2("sub %0, %1, %2, lsr #1", 100, 0x80), 36);
    CHECK("add asr 63", OP2("add %0, %1, %2, asr #63", 100, 0x8000000000000000), 99);
    CHECK("add w asr 31", OP2("add %w0, %w1, %w2, asr #31", 100, 0x80000000), 99);
    CHECK("neg", OP2("neg %0, %1", 5, 0), 0xfffffffffffffffb);
    /* Extended register: the operand is extended, then shifted by 0..4. */
    CHECK("add sxtw", OP2("add %0, %1, %w2, sxtw", 100, 0xfffffffe), 98);
    CHECK("add uxtw", OP2("add %0, %1, %w2, uxtw", 100, 0xfffffffe), 0x100000062);
    CHECK("add sxtb #2", OP2("add %0, %1, %w2, sxtb #2", 100, 0x80), 0xfffffffffffffe64);
    CHECK("add uxth", OP2("add %0, %1, %w2, uxth", 100, 0x12345678), 0x56dc);
    CHECK("sub sxth #1", OP2("sub %0, %1, %w2, sxth #1", 0, 0xffff), 2);
    CHECK("add uxtx #3", OP2("add %0, %1, %2, uxtx #3", 1, 2), 17);
    CHECK("add w uxtb", OP2("add %w0, %w1, %w2, uxtb", 0xffffffff, 0x101), 0);
}

static void check_flags(void)
{
    uint64_t f;

    CHECK("adds max+1", OP2F("adds %0, %2, %3", 0x7fffffffffffffff, 1, 0, &f), 0x8000000000000000);
    CHECK("adds max+1 flags", f, N | V);
    CHECK("adds -1+1", OP2F("adds %0, %2, %3", 0xffffffffffffffff, 1, 0, &f), 0);
    CHECK("adds -1+1 flags", f, Z | C);
    CHECK("adds 1+1 flags clear", (OP2F("adds %0, %2, %3", 1, 1, N | Z | C | V, &f), f), 0);
    CHECK("adds min+min", OP2F("adds %0, %2, %3", 0x8000000000000000, 0x8000000000000000, 0, &f), 0);
    CHECK("adds min+min flags", f, Z | C | V);
    CHECK("adds w max+1", OP2F("adds %w0, %w2, %w3", 0x7fffffff, 1, 0, &f), 0x80000000);
    CHECK("adds w max+1 flags", f, N | V);
    CHECK("adds w -1+1", OP2F("adds %w0, %w2, %w3", 0x1ffffffff, 1, 0, &f), 0);
    CHECK("adds w -1+1 flags", f, Z | C);
    CHECK("subs 5-3", OP2F("subs %0, %2, %3", 5, 3, 0, &f), 2);
    CHECK("subs 5-3 flags", f, C);
    CHECK("subs 3-5", OP2F("subs %0, %2, %3", 3, 5, 0, &f), 0xfffffffffffffffe);
    CHECK("subs 3-5 flags", f, N);
    CHECK("subs 5-5 flags", (OP2F("subs %0, %2, %3", 5, 5, 0, &f), f), Z | C);
    CHECK("subs min-1", OP2F("subs %0, %2, %3", 0x8000000000000000, 1, 0, &f), 0x7fffffffffffffff);
    CHECK("subs min-1 flags", f, C | V);
    CHECK("subs 0-min", OP2F("subs %0, %2, %3", 0, 0x8000000000000000, 0, &f), 0x8000000000000000);
    CHECK("subs 0-min flags", f, N | V);
    CHECK("subs w 0x80000000-1 flags", (OP2F("subs %w0, %w2, %w3", 0x80000000, 1, 0, &f), f), C | V);
    CHECK("subs imm", OP2F("subs %0, %2, #7", 7, 0, 0, &f), 0);
    CHECK("subs imm flags", f, Z | C);
    CHECK("cmp 3,5 flags", (OP2F("cmp %2, %3", 3, 5, 0, &f), f), N);
    CHECK("cmn -3,3 flags", (OP2F("cmn %2, %3", -3, 3, 0, &f), f), Z | C);
    CHECK("cmp imm 0 of 0 flags", (OP2F("cmp %2, #0", 0, 0, 0, &f), f), Z | C);
    CHECK("negs 1", OP2F("negs %0, %2", 1, 0, 0, &f), 0xffffffffffffffff);
    CHECK("negs 1 flags", f, N);
    CHECK("negs 0 flags", (OP2F("negs %0, %2", 0, 0, 0, &f), f), Z | C);
    CHECK("adds ext sxtb flags", (OP2F("adds %0, %2, %w3, sxtb", 1, 0xff, 0, &f), f), Z | C);
}

static void check_carry(void)
{
    uint64_t f;

    CHECK("adc C=1", OP2F("adc %0, %2, %3", 1, 2, C, &f), 4);
    CHECK("adc C=0", OP2F("adc %0, %2, %3", 1, 2, 0, &f), 3);
    CHECK("adcs -1+0+C", OP2F("adcs %0, %2, %3", 0xffffffffffffffff, 0, C, &f), 0);
    CHECK("adcs -1+0+C flags", f, Z | C);
    CHECK("adcs w max+0+C flags", (OP2F("adcs %w0, %w2, %w3", 0x7fffffff, 0, C, &f), f), N | V);
    CHECK("sbc C=0", OP2F("sbc %0, %2, %3", 5, 3, 0, &f), 1);
    CHECK("sbc C=1", OP2F("sbc %0, %2, %3", 5, 3, C, &f), 2);
    CHECK("sbcs 0-0-borrow", OP2F("sbcs %0, %2, %3", 0, 0, 0, &f), 0xffffffffffffffff);
    CHECK("sbcs 0-0-borrow flags", f, N);
    CHECK("sbcs w 5-5 C=1 flags", (OP2F("sbcs %w0, %w2, %w3", 5, 5, C, &f), f), Z | C);
    CHECK("ngc C=0", OP2F("ngc %0, %2", 5, 0, 0, &f), 0xfffffffffffffffa);
    CHECK("adc keeps flags", (OP2F("adc %0, %2, %3", 1, 2, N | C, &f), f), N | C);
}

static void check_sp(void)
{
    uint64_t sp, got, got_w;

    /* SP is register 31 for add/sub immediate and extended; the stack is
     * 16-byte aligned so the round trip leaves it as it was. */
    __asm__ volatile("mov %0, sp\n\t"
                     "sub sp, sp, #32\n\t"
                     "mov %1, sp\n\t"
                     "add sp, sp, #32\n\t"
                     "add %2, sp, %3, uxtx #2"
                     : "=&r"(sp), "=&r"(got), "=&r"(got_w) : "r"((uint64_t)4));
    CHECK("sub sp, sp, #32", sp - got, 32);
    CHECK("add x, sp, x, uxtx #2", got_w - sp, 16);
    __asm__ volatile("mov %0, sp" : "=r"(got));
    CHECK("sp restored", got, sp);
}

int main(void)
{
    check_plain();
    check_flags();
    check_carry();
    check_sp();
    return guest_done("addsub");
}
