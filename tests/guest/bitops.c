/* Data-processing (1 source): REV, REV16, REV32, RBIT, CLZ, CLS (Arm ARM
 * C6.2). RBIT of 0x0123456789abcdef: reverse the byte order (ef cd ab 89 67
 * 45 23 01) and the bits of each byte (ef->f7, cd->b3, ab->d5, 89->91,
 * 67->e6, 45->a2, 23->c4, 01->80). CLS counts the bits below the top one
 * that equal it. */
#include "guest.h"

#define X 0x0123456789abcdef

int main(void)
{
    CHECK("rev x", OP2("rev %0, %1", X, 0), 0xefcdab8967452301);
    CHECK("rev w", OP2("rev %w0, %w1", X, 0), 0xefcdab89);
    CHECK("rev16 x", OP2("rev16 %0, %1", X, 0), 0x23016745ab89efcd);
    CHECK("rev16 w", OP2("rev16 %w0, %w1", 0x01234567, 0), 0x23016745);
    CHECK("rev32", OP2("rev32 %0, %1", X, 0), 0x67452301efcdab89);
    CHECK("rbit x 1", OP2("rbit %0, %1", 1, 0), 0x8000000000000000);
    CHECK("rbit x", OP2("rbit %0, %1", X, 0), 0xf7b3d591e6a2c480);
    CHECK("rbit w 1", OP2("rbit %w0, %w1", 0xffffffff00000001, 0), 0x80000000);
    CHECK("rbit w", OP2("rbit %w0, %w1", 0x01234567, 0), 0xe6a2c480);
    CHECK("clz x 0", OP2("clz %0, %1", 0, 0), 64);
    CHECK("clz x 1", OP2("clz %0, %1", 1, 0), 63);
    CHECK("clz x top", OP2("clz %0, %1", 0x8000000000000000, 0), 0);
    CHECK("clz x 0x00ff..", OP2("clz %0, %1", 0x00ffffffffffffff, 0), 8);
    CHECK("clz w 0", OP2("clz %w0, %w1", 0xffffffff00000000, 0), 32);
    CHECK("clz w 0x10000", OP2("clz %w0, %w1", 0x00010000, 0), 15);
    CHECK("cls x 0", OP2("cls %0, %1", 0, 0), 63);
    CHECK("cls x -1", OP2("cls %0, %1", ~0ull, 0), 63);
    CHECK("cls x 1", OP2("cls %0, %1", 1, 0), 62);
    CHECK("cls x 0x4000..", OP2("cls %0, %1", 0x4000000000000000, 0), 0);
    CHECK("cls x 0xc000..", OP2("cls %0, %1", 0xc000000000000000, 0), 1);
    CHECK("cls x 0x8000..", OP2("cls %0, %1", 0x8000000000000000, 0), 0);
    CHECK("cls w 0", OP2("cls %w0, %w1", 0, 0), 31);
    CHECK("cls w 0xffff0000", OP2("cls %w0, %w1", 0xffff0000, 0), 15);
    CHECK("cls w 0x8000", OP2("cls %w0, %w1", 0x00008000, 0), 15);
    return guest_done("bitops");
}
