/* Loads and stores (Arm ARM C6.2, C3.3): every addressing form — unsigned
 * scaled offset, unscaled (LDUR/STUR), pre- and post-index with writeback,
 * register offset with LSL/UXTW/SXTW/SXTX, PC-relative literal — in every
 * size, sign extension to W and X, pairs (LDP/STP/LDPSW, writeback), and
 * little-endian byte order. Memory is RAM with the MMU off, so every access
 * here is naturally aligned. */
#include "guest.h"

static uint64_t mem[8] __attribute__((aligned(64)));

/* mem[] is filled with bytes 0x00, 0x11 ... so the byte at offset k is
 * pattern_byte(k) and each doubleword is a known constant. */
static void fill(void)
{
    mem[0] = 0x8877665544332211; /* bytes 11 22 33 44 55 66 77 88 */
    mem[1] = 0xf0e0d0c0b0a09080; /* bytes 80 90 a0 b0 c0 d0 e0 f0 */
    mem[2] = 0x0123456789abcdef;
    mem[3] = 0xfedcba9876543210;
    for (int i = 4; i < 8; i++)
        mem[i] = 0;
}

#define LOAD(insn, base) ({                                             \
    uint64_t r_;                                                        \
    __asm__ volatile(insn : "=&r"(r_) : "r"(base) : "memory");          \
    r_; })

#define LOAD_IDX(insn, base, idx) ({                                    \
    uint64_t r_;                                                        \
    __asm__ volatile(insn : "=&r"(r_) : "r"(base), "r"((uint64_t)(idx)) \
                     : "memory");                                       \
    r_; })

static void check_load_sizes(void)
{
    uint8_t *b = (uint8_t *)mem;
    fill();
    CHECK("ldrb", LOAD("ldrb %w0, [%1]", b), 0x11);
    CHECK("ldrb #9", LOAD("ldrb %w0, [%1, #9]", b), 0x90);
    CHECK("ldrh #8", LOAD("ldrh %w0, [%1, #8]", b), 0x9080);
    CHECK("ldr w #4", LOAD("ldr %w0, [%1, #4]", b), 0x88776655);
    CHECK("ldr x #8", LOAD("ldr %0, [%1, #8]", b), 0xf0e0d0c0b0a09080);
    CHECK("ldrsb w", LOAD("ldrsb %w0, [%1, #8]", b), 0xffffff80);
    CHECK("ldrsb x", LOAD("ldrsb %0, [%1, #8]", b), 0xffffffffffffff80);
    CHECK("ldrsb x positive", LOAD("ldrsb %0, [%1, #6]", b), 0x77);
    CHECK("ldrsh w", LOAD("ldrsh %w0, [%1, #14]", b), 0xfffff0e0);
    CHECK("ldrsh x", LOAD("ldrsh %0, [%1, #14]", b), 0xfffffffffffff0e0);
    CHECK("ldrsw", LOAD("ldrsw %0, [%1, #12]", b), 0xfffffffff0e0d0c0);
    CHECK("ldrsw negative", LOAD("ldrsw %0, [%1, #4]", b), 0xffffffff88776655);
    CHECK("ldrsw positive", LOAD("ldrsw %0, [%1, #24]", b), 0x76543210);
    CHECK("ldr x scaled #4095*8", LOAD("ldr %0, [%1, #32760]", (uint64_t)b - 32760), 0x8877665544332211);
    CHECK("ldur #-1", LOAD("ldurb %w0, [%1, #-1]", b + 8), 0x88);
    CHECK("ldur x #-8", LOAD("ldur %0, [%1, #-8]", b + 16), 0xf0e0d0c0b0a09080);
    CHECK("ldursh x #-256", LOAD("ldursh %0, [%1, #-256]", (uint64_t)b + 256 + 14), 0xfffffffffffff0e0);
    CHECK("ldursw #255", LOAD("ldursw %0, [%1, #255]", (uint64_t)b + 12 - 255), 0xfffffffff0e0d0c0);
    CHECK("ldr w zero-extends", LOAD("mov %0, #-1\n\tldr %w0, [%1, #8]", b), 0xb0a09080);
}

static void check_register_offset(void)
{
    uint8_t *b = (uint8_t *)mem;
    fill();
    CHECK("ldr [x, x]", LOAD_IDX("ldr %0, [%1, %2]", b, 16), 0x0123456789abcdef);
    CHECK("ldr [x, x, lsl #3]", LOAD_IDX("ldr %0, [%1, %2, lsl #3]", b, 3), 0xfedcba9876543210);
    CHECK("ldr w [x, x, lsl #2]", LOAD_IDX("ldr %w0, [%1, %2, lsl #2]", b, 3), 0xf0e0d0c0);
    CHECK("ldrh [x, x, lsl #1]", LOAD_IDX("ldrh %w0, [%1, %2, lsl #1]", b, 5), 0xb0a0);
    CHECK("ldrb [x, x, lsl #0]", LOAD_IDX("ldrb %w0, [%1, %2, lsl #0]", b, 2), 0x33);
    CHECK("ldr [x, w, uxtw #3]", LOAD_IDX("ldr %0, [%1, %w2, uxtw #3]", b, 0xffffffff00000002),
          0x0123456789abcdef);
    CHECK("ldr [x, w, sxtw #3] negative", LOAD_IDX("ldr %0, [%1, %w2, sxtw #3]", b + 24, 0xffffffff),
          0x0123456789abcdef);
    CHECK("ldr [x, w, sxtw]", LOAD_IDX("ldr %0, [%1, %w2, sxtw]", b + 24, 0xfffffff0),
          0xf0e0d0c0b0a09080);
    CHECK("ldr [x, x, sxtx #3]", LOAD_IDX("ldr %0, [%1, %2, sxtx #3]", b + 24, -3ll),
          0x8877665544332211);
    CHECK("ldrsb [x, x]", LOAD_IDX("ldrsb %0, [%1, %2]", b, 15), 0xfffffffffffffff0);
}

static void check_literal(void)
{
    uint64_t x, w, sw;
    __asm__ volatile("ldr %0, 1f\n\t"
                     "ldr %w1, 2f\n\t"
                     "ldrsw %2, 2f\n\t"
                     "prfm pldl1keep, 1f\n\t"
                     "b 3f\n\t"
                     ".balign 8\n"
                     "1: .quad 0x1122334455667788\n"
                     "2: .word 0x80000001\n"
                     "3:"
                     : "=&r"(x), "=&r"(w), "=&r"(sw));
    CHECK("ldr literal x", x, 0x1122334455667788);
    CHECK("ldr literal w", w, 0x80000001);
    CHECK("ldrsw literal", sw, 0xffffffff80000001);
}

static void check_writeback(void)
{
    uint8_t *b = (uint8_t *)mem;
    uint64_t base, v;
    fill();

    base = (uint64_t)b;
    __asm__ volatile("ldr %0, [%1, #8]!" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldr pre-index value", v, 0xf0e0d0c0b0a09080);
    CHECK("ldr pre-index base", base - (uint64_t)b, 8);
    __asm__ volatile("ldr %0, [%1], #16" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldr post-index value", v, 0xf0e0d0c0b0a09080);
    CHECK("ldr post-index base", base - (uint64_t)b, 24);
    __asm__ volatile("ldrb %w0, [%1, #-1]!" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldrb pre-index -1 value", v, 0x01);
    CHECK("ldrb pre-index -1 base", base - (uint64_t)b, 23);
    __asm__ volatile("ldrsb %0, [%1], #-7" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldrsb post-index value", v, 0x01);
    CHECK("ldrsb post-index base", base - (uint64_t)b, 16);
    __asm__ volatile("ldrsh %w0, [%1, #-2]!" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldrsh w pre-index value", v, 0xfffff0e0);
    CHECK("ldrsh w pre-index base", base - (uint64_t)b, 14);
    __asm__ volatile("ldrsw %0, [%1, #-2]!" : "=&r"(v), "+r"(base) : : "memory");
    CHECK("ldrsw pre-index value", v, 0xfffffffff0e0d0c0);
    CHECK("ldrsw pre-index base", base - (uint64_t)b, 12);

    base = (uint64_t)b + 32;
    __asm__ volatile("str %1, [%0, #8]!" : "+r"(base) : "r"(0x1111111111111111ull) : "memory");
    CHECK("str pre-index base", base - (uint64_t)b, 40);
    CHECK("str pre-index memory", mem[5], 0x1111111111111111);
    __asm__ volatile("str %w1, [%0], #-4" : "+r"(base) : "r"(0x22222222ull) : "memory");
    CHECK("str w post-index base", base - (uint64_t)b, 36);
    CHECK("str w post-index memory", mem[5], 0x1111111122222222);
    __asm__ volatile("strh %w1, [%0, #-2]!" : "+r"(base) : "r"(0xabcdull) : "memory");
    CHECK("strh pre-index base", base - (uint64_t)b, 34);
    CHECK("strh pre-index memory", mem[4], 0x00000000abcd0000);
    __asm__ volatile("strb %w1, [%0], #1" : "+r"(base) : "r"(0x1ffull) : "memory");
    CHECK("strb post-index base", base - (uint64_t)b, 35);
    CHECK("strb post-index memory", mem[4], 0x00000000abff0000);
}

static void check_stores(void)
{
    uint8_t *b = (uint8_t *)mem;
    fill();

    __asm__ volatile("str %1, [%0, #32]" : : "r"(b), "r"(0x0102030405060708ull) : "memory");
    CHECK("str x", mem[4], 0x0102030405060708);
    CHECK("little-endian byte 0", b[32], 0x08);
    CHECK("little-endian byte 7", b[39], 0x01);
    __asm__ volatile("strb %w1, [%0, #33]" : : "r"(b), "r"(0xaaull) : "memory");
    CHECK("strb", mem[4], 0x010203040506aa08);
    __asm__ volatile("strh %w1, [%0, #36]" : : "r"(b), "r"(0xbbccull) : "memory");
    CHECK("strh", mem[4], 0x0102bbcc0506aa08);
    __asm__ volatile("str %w1, [%0, #32]" : : "r"(b), "r"(0xffffffffddeeff00ull) : "memory");
    CHECK("str w", mem[4], 0x0102bbccddeeff00);
    __asm__ volatile("stur %1, [%0, #-1]" : : "r"(b + 41), "r"(0x5555555555555555ull) : "memory");
    CHECK("stur #-1", mem[5], 0x5555555555555555);
    __asm__ volatile("sturh %w1, [%0, #-256]" : : "r"((uint64_t)b + 40 + 256), "r"(0x6666ull) : "memory");
    CHECK("sturh #-256", mem[5], 0x5555555555556666);
    __asm__ volatile("str %1, [%0, %2, lsl #3]" : : "r"(b), "r"(0x7777ull), "r"(6ull) : "memory");
    CHECK("str [x, x, lsl #3]", mem[6], 0x7777);
    __asm__ volatile("strb %w1, [%0, %w2, sxtw]" : : "r"(b + 56), "r"(0x99ull), "r"(0xffffffffull)
                     : "memory");
    CHECK("strb [x, w, sxtw]", mem[6], 0x9900000000007777);
    __asm__ volatile("str xzr, [%0, #56]" : : "r"(b) : "memory");
    CHECK("str xzr", mem[7], 0);
    __asm__ volatile("prfm pstl1keep, [%0]\n\tprfm pldl2strm, [%0, #8]" : : "r"(b) : "memory");
}

static void check_pairs(void)
{
    uint8_t *b = (uint8_t *)mem;
    uint64_t x, y, base;
    fill();

    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=&r"(x), "=&r"(y) : "r"(b) : "memory");
    CHECK("ldp x first", x, 0x0123456789abcdef);
    CHECK("ldp x second", y, 0xfedcba9876543210);
    __asm__ volatile("ldp %w0, %w1, [%2, #8]" : "=&r"(x), "=&r"(y) : "r"(b) : "memory");
    CHECK("ldp w first", x, 0xb0a09080);
    CHECK("ldp w second", y, 0xf0e0d0c0);
    __asm__ volatile("ldpsw %0, %1, [%2]" : "=&r"(x), "=&r"(y) : "r"(b + 8) : "memory");
    CHECK("ldpsw first", x, 0xffffffffb0a09080);
    CHECK("ldpsw second", y, 0xfffffffff0e0d0c0);
    __asm__ volatile("ldpsw %0, %1, [%2, #-8]" : "=&r"(x), "=&r"(y) : "r"(b + 32) : "memory");
    CHECK("ldpsw positive", y, 0xfffffffffedcba98);
    CHECK("ldpsw first of mem[3]", x, 0x76543210);

    base = (uint64_t)b;
    __asm__ volatile("ldp %0, %1, [%2, #16]!" : "=&r"(x), "=&r"(y), "+r"(base) : : "memory");
    CHECK("ldp pre-index", x + y, 0x0123456789abcdef + 0xfedcba9876543210);
    CHECK("ldp pre-index base", base - (uint64_t)b, 16);
    __asm__ volatile("ldp %0, %1, [%2], #-16" : "=&r"(x), "=&r"(y), "+r"(base) : : "memory");
    CHECK("ldp post-index", x, 0x0123456789abcdef);
    CHECK("ldp post-index base", base - (uint64_t)b, 0);
    base = (uint64_t)b + 64;
    __asm__ volatile("stp %1, %2, [%0, #-16]!" : "+r"(base) : "r"(0xaaull), "r"(0xbbull) : "memory");
    CHECK("stp pre-index base", base - (uint64_t)b, 48);
    CHECK("stp pre-index first", mem[6], 0xaa);
    CHECK("stp pre-index second", mem[7], 0xbb);
    __asm__ volatile("stp %w1, %w2, [%0], #8" : "+r"(base) : "r"(0x11ull), "r"(0x22ull) : "memory");
    CHECK("stp w post-index base", base - (uint64_t)b, 56);
    CHECK("stp w post-index memory", mem[6], 0x0000002200000011);
    __asm__ volatile("stnp %1, %2, [%0, #32]" : : "r"(b), "r"(1ull), "r"(2ull) : "memory");
    __asm__ volatile("ldnp %0, %1, [%2, #32]" : "=&r"(x), "=&r"(y) : "r"(b) : "memory");
    CHECK("stnp/ldnp", x * 16 + y, 0x12);

    /* Push and pop through SP with writeback. */
    __asm__ volatile("mov x9, sp\n\t"
                     "stp %2, %3, [sp, #-16]!\n\t"
                     "ldp %0, %1, [sp], #16\n\t"
                     "mov x10, sp\n\t"
                     "sub x9, x9, x10\n\t"
                     "add %0, %0, x9"
                     : "=&r"(x), "=&r"(y) : "r"(0x1234ull), "r"(0x5678ull) : "x9", "x10", "memory");
    CHECK("push/pop first", x, 0x1234);
    CHECK("push/pop second", y, 0x5678);
}

int main(void)
{
    check_load_sizes();
    check_register_offset();
    check_literal();
    check_writeback();
    check_stores();
    check_pairs();
    return guest_done("ldst");
}
