/* Logical instructions: shifted-register forms (incl. ROR and the inverting
 * BIC/ORN/EON), ANDS/BICS flags, and bitmask immediates (Arm ARM C6.2
 * AND/ORR/EOR/ANDS immediate; element sizes 2..64 with rotation). Flags from
 * ANDS: N and Z from the result, C and V cleared. */
#include "guest.h"

#define A 0xff00ff00ff00ff00
#define B 0x0ff00ff00ff00ff0

static void check_register(void)
{
    uint64_t f;

    CHECK("and", OP2("and %0, %1, %2", A, B), 0x0f000f000f000f00);
    CHECK("orr", OP2("orr %0, %1, %2", A, B), 0xfff0fff0fff0fff0);
    CHECK("eor", OP2("eor %0, %1, %2", A, B), 0xf0f0f0f0f0f0f0f0);
    CHECK("bic", OP2("bic %0, %1, %2", A, B), 0xf000f000f000f000);
    CHECK("orn", OP2("orn %0, %1, %2", A, B), 0xff0fff0fff0fff0f);
    CHECK("eon", OP2("eon %0, %1, %2", A, B), 0x0f0f0f0f0f0f0f0f);
    CHECK("mvn", OP2("mvn %0, %1", A, 0), 0x00ff00ff00ff00ff);
    CHECK("and w zero-extends", OP2("and %w0, %w1, %w2", A, ~0ull), 0xff00ff00);
    CHECK("orr ror 4", OP2("orr %0, xzr, %1, ror #4", 1, 0), 0x1000000000000000);
    CHECK("orr w ror 4", OP2("orr %w0, wzr, %w1, ror #4", 1, 0), 0x10000000);
    CHECK("eor lsl 8", OP2("eor %0, %1, %2, lsl #8", 0xff, 0xff), 0xffff);
    CHECK("and lsr 60", OP2("and %0, %1, %2, lsr #60", 0xf, 0xa000000000000000), 0xa);
    CHECK("orr asr 4", OP2("orr %0, xzr, %1, asr #4", 0x8000000000000000, 0), 0xf800000000000000);
    CHECK("bic w asr 31", OP2("bic %w0, %w1, %w2, asr #31", 0xffffffff, 0x80000000), 0);
    CHECK("mov (orr) reg", OP2("mov %0, %1", 0x123456789, 0), 0x123456789);

    CHECK("ands negative", OP2F("ands %0, %2, %3", 0x8000000000000000, ~0ull, 0, &f), 0x8000000000000000);
    CHECK("ands negative flags", f, FLAG_N);
    CHECK("ands zero flags", (OP2F("ands %0, %2, %3", 0xf0, 0x0f, 0, &f), f), FLAG_Z);
    CHECK("ands clears C and V", (OP2F("ands %0, %2, %3", 1, 1, FLAG_C | FLAG_V, &f), f), 0);
    CHECK("tst w bit 31 flags", (OP2F("tst %w2, %w3", 0x80000000, 0x80000000, 0, &f), f), FLAG_N);
    CHECK("bics equal flags", (OP2F("bics %0, %2, %3", 0x55, 0x55, FLAG_V, &f), f), FLAG_Z);
}

static void check_immediate(void)
{
    uint64_t f, sp, got;

    CHECK("and #0xff", OP2("and %0, %1, #0xff", 0x1234, 0), 0x34);
    CHECK("orr #0x5555...", OP2("orr %0, xzr, #0x5555555555555555", 0, 0), 0x5555555555555555);
    CHECK("eor #0xffff0000ffff0000", OP2("eor %0, %1, #0xffff0000ffff0000", 0x123456789abcdef0, 0),
          0xedcb56786543def0);
    CHECK("and w #0x3c", OP2("and %w0, %w1, #0x3c", 0xffffffffffffffff, 0), 0x3c);
    CHECK("orr #0x8000000000000001", OP2("orr %0, xzr, #0x8000000000000001", 0, 0), 0x8000000000000001);
    CHECK("orr #0xfffffffffffffffe", OP2("orr %0, xzr, #0xfffffffffffffffe", 0, 0), 0xfffffffffffffffe);
    CHECK("eor w #0xaaaaaaaa", OP2("eor %w0, %w1, #0xaaaaaaaa", 0xffffffff, 0), 0x55555555);
    CHECK("and #0x00ff00ff00ff00ff", OP2("and %0, %1, #0x00ff00ff00ff00ff", A, 0), 0);
    CHECK("orr #0x0f0f0f0f0f0f0f0f", OP2("orr %0, %1, #0x0f0f0f0f0f0f0f0f", A, 0), 0xff0fff0fff0fff0f);
    CHECK("orr #0x0000ffff00000000", OP2("orr %0, xzr, #0x0000ffff00000000", 0, 0), 0x0000ffff00000000);
    CHECK("orr w #0x80000001", OP2("orr %w0, wzr, #0x80000001", 0, 0), 0x80000001);
    CHECK("and #0x3ffffffffffff80", OP2("and %0, %1, #0x3ffffffffffff80", ~0ull, 0), 0x3ffffffffffff80);
    CHECK("ands #top bit", OP2F("ands %0, %2, #0x8000000000000000", ~0ull, 0, 0, &f), 0x8000000000000000);
    CHECK("ands #top bit flags", f, FLAG_N);
    CHECK("tst #1 of 2 flags", (OP2F("tst %2, #1", 2, 0, FLAG_C, &f), f), FLAG_Z);

    /* AND (immediate) may write SP: round (sp + 0x1f) down to 16 bytes. */
    __asm__ volatile("mov %0, sp\n\t"
                     "add x9, %0, #0x1f\n\t"
                     "and sp, x9, #0xfffffffffffffff0\n\t"
                     "mov %1, sp\n\t"
                     "mov sp, %0"
                     : "=&r"(sp), "=&r"(got) : : "x9");
    CHECK("and sp, x, #imm", got - sp, 0x10);
}

int main(void)
{
    check_register();
    check_immediate();
    return guest_done("logic");
}
