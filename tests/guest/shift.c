/* Shifts: the variable forms LSLV/LSRV/ASRV/RORV take the amount modulo the
 * register width (Arm ARM C6.2 ShiftReg), and the immediate aliases of
 * UBFM/SBFM/EXTR. */
#include "guest.h"

int main(void)
{
    CHECK("lsl x by 65 = by 1", OP2("lsl %0, %1, %2", 1, 65), 2);
    CHECK("lsl x by 64 = by 0", OP2("lsl %0, %1, %2", 0x1234, 64), 0x1234);
    CHECK("lsl x by 0", OP2("lsl %0, %1, %2", 0x1234, 0), 0x1234);
    CHECK("lsr x by 63", OP2("lsr %0, %1, %2", 0x8000000000000000, 63), 1);
    CHECK("asr x by 4", OP2("asr %0, %1, %2", 0x8000000000000000, 4), 0xf800000000000000);
    CHECK("asr x by 63", OP2("asr %0, %1, %2", 0x8000000000000000, 63), 0xffffffffffffffff);
    CHECK("asr x positive", OP2("asr %0, %1, %2", 0x4000000000000000, 62), 1);
    CHECK("ror x by 1", OP2("ror %0, %1, %2", 1, 1), 0x8000000000000000);
    CHECK("ror x by 68", OP2("ror %0, %1, %2", 0x0123456789abcdef, 68), 0xf0123456789abcde);
    CHECK("lsl w by 33 = by 1", OP2("lsl %w0, %w1, %w2", 1, 33), 2);
    CHECK("lsl w drops bit 31", OP2("lsl %w0, %w1, %w2", 0x80000001, 1), 2);
    CHECK("lsr w by 31", OP2("lsr %w0, %w1, %w2", 0x80000000, 31), 1);
    CHECK("lsr w ignores upper bits", OP2("lsr %w0, %w1, %w2", 0xffffffff80000000, 31), 1);
    CHECK("asr w by 4", OP2("asr %w0, %w1, %w2", 0x80000000, 4), 0xf8000000);
    CHECK("ror w by 1", OP2("ror %w0, %w1, %w2", 1, 1), 0x80000000);
    CHECK("ror w by 36", OP2("ror %w0, %w1, %w2", 0x12345678, 36), 0x81234567);
    CHECK("lsl #63", OP2("lsl %0, %1, #63", 3, 0), 0x8000000000000000);
    CHECK("lsr #1", OP2("lsr %0, %1, #1", 0x8000000000000000, 0), 0x4000000000000000);
    CHECK("asr #63", OP2("asr %0, %1, #63", 0x8000000000000000, 0), 0xffffffffffffffff);
    CHECK("ror #32", OP2("ror %0, %1, #32", 0x0123456789abcdef, 0), 0x89abcdef01234567);
    CHECK("lsl w #31", OP2("lsl %w0, %w1, #31", 3, 0), 0x80000000);
    CHECK("asr w #31", OP2("asr %w0, %w1, #31", 0x80000000, 0), 0xffffffff);
    CHECK("lsr w #0", OP2("lsr %w0, %w1, #0", 0xffffffff12345678, 0), 0x12345678);
    return guest_done("shift");
}
