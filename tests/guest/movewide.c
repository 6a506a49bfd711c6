/* Move wide (MOVZ/MOVN/MOVK, Arm ARM C6.2) and PC-relative addressing
 * (ADR/ADRP). 32-bit forms zero the upper half of the register. */
#include "guest.h"

static const uint64_t target_word = 7;

static void check_move_wide(void)
{
    CHECK("movz lsl 48", OP2("movz %0, #0x1234, lsl #48", 0, 0), 0x1234000000000000);
    CHECK("movz w lsl 16", OP2("movz %w0, #0xffff, lsl #16", 0, 0), 0xffff0000);
    CHECK("movn 0", OP2("movn %0, #0", 0, 0), 0xffffffffffffffff);
    CHECK("movn lsl 16", OP2("movn %0, #0x1234, lsl #16", 0, 0), 0xffffffffedcbffff);
    CHECK("movn w", OP2("movn %w0, #0x1234", 0, 0), 0xffffedcb);
    CHECK("movk lsl 32", OP2("mov %0, %1\n\tmovk %0, #0xabcd, lsl #32", 0x1111222233334444, 0),
          0x1111abcd33334444);
    CHECK("movk lsl 0", OP2("mov %0, %1\n\tmovk %0, #0xbeef", 0xffffffffffffffff, 0),
          0xffffffffffffbeef);
    CHECK("movk w zero-extends", OP2("mov %0, %1\n\tmovk %w0, #0xabcd, lsl #16", 0xffffffffffffffff, 0),
          0xabcdffff);
    CHECK("movz/movk chain", OP2("movz %0, #0xcdef\n\t"
                                 "movk %0, #0x89ab, lsl #16\n\t"
                                 "movk %0, #0x4567, lsl #32\n\t"
                                 "movk %0, #0x0123, lsl #48", 0, 0), 0x0123456789abcdef);
    CHECK("mov #-2 (movn)", OP2("mov %0, #-2", 0, 0), 0xfffffffffffffffe);
    CHECK("mov w #-2 (movn)", OP2("mov %w0, #-2", 0, 0), 0xfffffffe);
}

static void check_pc_relative(void)
{
    uint64_t adr, here, page;

    /* ADR of a local label equals the address the assembler put in a
     * literal for the same label. */
    __asm__ volatile("adr %0, 1f\n\t"
                     "ldr %1, 2f\n\t"
                     "b 3f\n"
                     "1: nop\n\t"
                     ".balign 8\n"
                     "2: .quad 1b\n"
                     "3:"
                     : "=&r"(adr), "=&r"(here));
    CHECK("adr", adr, here);
    __asm__ volatile("1: adr %0, .\n\t"
                     "adr %1, 1b" : "=&r"(here), "=&r"(adr));
    CHECK("adr backwards", adr, here);
    __asm__ volatile("adrp %0, target_word" : "=r"(page));
    CHECK("adrp", page, (uint64_t)&target_word & ~0xfffull);
    __asm__ volatile("adrp %0, target_word\n\t"
                     "add %0, %0, #:lo12:target_word" : "=r"(adr));
    CHECK("adrp + lo12", adr, (uint64_t)&target_word);
}

int main(void)
{
    check_move_wide();
    check_pc_relative();
    return guest_done("movewide");
}
