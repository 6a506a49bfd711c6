/* Bitfield moves (SBFM/BFM/UBFM and their aliases SBFX, UBFX, SBFIZ, UBFIZ,
 * BFI, BFXIL, SXT*, UXT*) and EXTR/ROR (immediate), Arm ARM C6.2. Source
 * value X = 0x0123456789abcdef: byte 0 = 0xef, byte 1 = 0xcd, byte 2 = 0xab. */
#include "guest.h"

#define X 0x0123456789abcdef

int main(void)
{
    CHECK("ubfx #8,#16", OP2("ubfx %0, %1, #8, #16", X, 0), 0xabcd);
    CHECK("sbfx #12,#8", OP2("sbfx %0, %1, #12, #8", X, 0), 0xffffffffffffffbc);
    CHECK("sbfx #0,#4 positive", OP2("sbfx %0, %1, #0, #4", 0x7, 0), 7);
    CHECK("ubfiz #4,#8", OP2("ubfiz %0, %1, #4, #8", X, 0), 0xef0);
    CHECK("sbfiz #60,#4", OP2("sbfiz %0, %1, #60, #4", X, 0), 0xf000000000000000);
    CHECK("sbfiz #8,#8", OP2("sbfiz %0, %1, #8, #8", 0x80, 0), 0xffffffffffff8000);
    CHECK("bfi #16,#8", OP2("mov %0, %2\n\tbfi %0, %1, #16, #8", X, ~0ull), 0xffffffffffefffff);
    CHECK("bfxil #8,#8", OP2("mov %0, %2\n\tbfxil %0, %1, #8, #8", X, 0x1111111111111111),
          0x11111111111111cd);
    CHECK("bfi #0,#64 (copy)", OP2("mov %0, %2\n\tbfi %0, %1, #0, #64", X, 0), X);
    CHECK("bfi w #28,#8 zero-extends", OP2("mov %0, %2\n\tbfi %w0, %w1, #28, #4", 0xa, ~0ull),
          0xafffffff);
    CHECK("ubfx w #28,#4", OP2("ubfx %w0, %w1, #28, #4", 0x89abcdef, 0), 8);
    CHECK("sbfx w #28,#4", OP2("sbfx %w0, %w1, #28, #4", 0x89abcdef, 0), 0xfffffff8);
    CHECK("sxtb x", OP2("sxtb %0, %w1", 0x80, 0), 0xffffffffffffff80);
    CHECK("sxth x", OP2("sxth %0, %w1", 0x8000, 0), 0xffffffffffff8000);
    CHECK("sxtw", OP2("sxtw %0, %w1", 0x80000000, 0), 0xffffffff80000000);
    CHECK("sxtw positive", OP2("sxtw %0, %w1", 0xffffffff7fffffff, 0), 0x7fffffff);
    CHECK("sxtb w", OP2("sxtb %w0, %w1", 0x80, 0), 0xffffff80);
    CHECK("uxtb", OP2("uxtb %w0, %w1", 0x1ff, 0), 0xff);
    CHECK("uxth", OP2("uxth %w0, %w1", 0x1ffff, 0), 0xffff);
    CHECK("extr #16", OP2("extr %0, %1, %2, #16", X, 0xfedcba9876543210), 0xcdeffedcba987654);
    CHECK("extr #0", OP2("extr %0, %1, %2, #0", X, 0xfedcba9876543210), 0xfedcba9876543210);
    CHECK("extr w #8", OP2("extr %w0, %w1, %w2, #8", 0x89abcdef, 0x76543210), 0xef765432);
    CHECK("ror #8", OP2("ror %0, %1, #8", X, 0), 0xef0123456789abcd);
    CHECK("ror w #4", OP2("ror %w0, %w1, #4", 0x12345678, 0), 0x81234567);
    return guest_done("bitfield");
}
