/* Self-modifying code: a small function in the data section is rewritten
 * and run again after the cache maintenance the Arm ARM asks for (B2.4.4:
 * DC CVAU, DSB, IC IVAU, DSB, ISB). An emulator that caches decoded code
 * must notice the store. Encodings (Arm ARM C6.2): MOVZ X0, #imm16 =
 * 0xd2800000 | imm16 << 5; ADD X0, X0, #imm12 = 0x91000000 | imm12 << 10;
 * RET = 0xd65f03c0. */
#include "guest.h"

#define MOVZ_X0(imm) (0xd2800000u | ((uint32_t)(imm) << 5))
#define ADD_X0(imm) (0x91000000u | ((uint32_t)(imm) << 10))
#define RET 0xd65f03c0u

static uint32_t code[4] __attribute__((aligned(64)));

static void sync_code(void)
{
    __asm__ volatile("dc cvau, %0\n\t"
                     "dsb ish\n\t"
                     "ic ivau, %0\n\t"
                     "dsb ish\n\t"
                     "isb" : : "r"(code) : "memory");
}

static uint64_t call_code(void)
{
    uint64_t (*volatile fn)(void) = (uint64_t (*)(void))(uintptr_t)code;
    return fn();
}

int main(void)
{
    code[0] = MOVZ_X0(11);
    code[1] = RET;
    sync_code();
    CHECK("first version", call_code(), 11);
    CHECK("first version again", call_code(), 11);

    code[0] = MOVZ_X0(22);
    sync_code();
    CHECK("rewritten immediate", call_code(), 22);

    code[1] = ADD_X0(5);
    code[2] = RET;
    sync_code();
    CHECK("longer body", call_code(), 27);

    for (uint32_t i = 0; i < 100; i++) {
        code[0] = MOVZ_X0(i);
        sync_code();
        if (call_code() != i + 5) {
            CHECK("rewrite in a loop", call_code(), i + 5);
            break;
        }
    }
    return guest_done("smc");
}
