/*
 * Data processing -- register, the 1-, 2- and 3-source groups (Arm ARM
 * C4.1.5; C6.2 for each instruction); rows in a64_dp_reg.inc. Register 31
 * is XZR throughout. 32-bit results are zero-extended into the X register by
 * writing them as uint32_t.
 */
#include "cpu/alu.h"
#include "cpu/crc32.h"
#include "cpu/op.h"

/* ---- Data-processing (1 source) ---- */

static inline uint64_t rbit64(uint64_t v)
{
    v = __builtin_bswap64(v);
    v = (v >> 4 & 0x0f0f0f0f0f0f0f0full) | (v & 0x0f0f0f0f0f0f0f0full) << 4;
    v = (v >> 2 & 0x3333333333333333ull) | (v & 0x3333333333333333ull) << 2;
    return (v >> 1 & 0x5555555555555555ull) | (v & 0x5555555555555555ull) << 1;
}

enum exec_status exec_RBIT_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, rbit64((uint32_t)reg_read(cpu, op->rn)) >> 32);
    return EXEC_NEXT;
}

enum exec_status exec_RBIT_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, rbit64(reg_read(cpu, op->rn)));
    return EXEC_NEXT;
}

enum exec_status exec_REV16_w(struct cpu *cpu, const struct op *op)
{
    uint32_t v = (uint32_t)reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (v >> 8 & 0x00ff00ffu) | (v & 0x00ff00ffu) << 8);
    return EXEC_NEXT;
}

enum exec_status exec_REV16_x(struct cpu *cpu, const struct op *op)
{
    uint64_t v = reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (v >> 8 & 0x00ff00ff00ff00ffull) | (v & 0x00ff00ff00ff00ffull) << 8);
    return EXEC_NEXT;
}

enum exec_status exec_REV_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, __builtin_bswap32((uint32_t)reg_read(cpu, op->rn)));
    return EXEC_NEXT;
}

/* Byte-reversing all eight bytes also swaps the words: swap them back. */
enum exec_status exec_REV32_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, alu_ror64(__builtin_bswap64(reg_read(cpu, op->rn)), 32));
    return EXEC_NEXT;
}

enum exec_status exec_REV_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, __builtin_bswap64(reg_read(cpu, op->rn)));
    return EXEC_NEXT;
}

enum exec_status exec_CLZ_w(struct cpu *cpu, const struct op *op)
{
    uint32_t v = (uint32_t)reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, v ? (unsigned)__builtin_clz(v) : 32);
    return EXEC_NEXT;
}

enum exec_status exec_CLZ_x(struct cpu *cpu, const struct op *op)
{
    uint64_t v = reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, v ? (unsigned)__builtin_clzll(v) : 64);
    return EXEC_NEXT;
}

/* CountLeadingSignBits(x) = CLZ(x<N-1:1> EOR x<N-2:0>) over N-1 bits; the
 * "| 1" stands in for the missing bit so CLZ never sees zero. */
enum exec_status exec_CLS_w(struct cpu *cpu, const struct op *op)
{
    uint32_t v = (uint32_t)reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (unsigned)__builtin_clz((v ^ v << 1) | 1));
    return EXEC_NEXT;
}

enum exec_status exec_CLS_x(struct cpu *cpu, const struct op *op)
{
    uint64_t v = reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (unsigned)__builtin_clzll((v ^ v << 1) | 1));
    return EXEC_NEXT;
}

/* ---- Data-processing (2 source) ---- */

/* Division by zero gives 0 and INT_MIN / -1 gives INT_MIN, with no trap
 * (C6.2 UDIV/SDIV); both would fault or be undefined in host C. */
enum exec_status exec_UDIV_w(struct cpu *cpu, const struct op *op)
{
    uint32_t n = (uint32_t)reg_read(cpu, op->rn), m = (uint32_t)reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, m ? n / m : 0);
    return EXEC_NEXT;
}

enum exec_status exec_UDIV_x(struct cpu *cpu, const struct op *op)
{
    uint64_t n = reg_read(cpu, op->rn), m = reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, m ? n / m : 0);
    return EXEC_NEXT;
}

enum exec_status exec_SDIV_w(struct cpu *cpu, const struct op *op)
{
    int32_t n = (int32_t)reg_read(cpu, op->rn), m = (int32_t)reg_read(cpu, op->rm);
    int32_t r;
    if (m == 0)
        r = 0;
    else if (m == -1)
        r = (int32_t)(0u - (uint32_t)n);
    else
        r = n / m;
    reg_write(cpu, op->rd, (uint32_t)r);
    return EXEC_NEXT;
}

enum exec_status exec_SDIV_x(struct cpu *cpu, const struct op *op)
{
    int64_t n = (int64_t)reg_read(cpu, op->rn), m = (int64_t)reg_read(cpu, op->rm);
    int64_t r;
    if (m == 0)
        r = 0;
    else if (m == -1)
        r = (int64_t)(0ull - (uint64_t)n);
    else
        r = n / m;
    reg_write(cpu, op->rd, (uint64_t)r);
    return EXEC_NEXT;
}

/* Variable shifts take the amount modulo the register size. */
enum exec_status exec_LSLV_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint32_t)reg_read(cpu, op->rn) << (reg_read(cpu, op->rm) & 31));
    return EXEC_NEXT;
}

enum exec_status exec_LSRV_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint32_t)reg_read(cpu, op->rn) >> (reg_read(cpu, op->rm) & 31));
    return EXEC_NEXT;
}

enum exec_status exec_ASRV_w(struct cpu *cpu, const struct op *op)
{
    int32_t v = (int32_t)reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (uint32_t)(v >> (reg_read(cpu, op->rm) & 31)));
    return EXEC_NEXT;
}

enum exec_status exec_RORV_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd,
              alu_ror32((uint32_t)reg_read(cpu, op->rn), (unsigned)reg_read(cpu, op->rm) & 31));
    return EXEC_NEXT;
}

enum exec_status exec_LSLV_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->rn) << (reg_read(cpu, op->rm) & 63));
    return EXEC_NEXT;
}

enum exec_status exec_LSRV_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->rn) >> (reg_read(cpu, op->rm) & 63));
    return EXEC_NEXT;
}

enum exec_status exec_ASRV_x(struct cpu *cpu, const struct op *op)
{
    int64_t v = (int64_t)reg_read(cpu, op->rn);
    reg_write(cpu, op->rd, (uint64_t)(v >> (reg_read(cpu, op->rm) & 63)));
    return EXEC_NEXT;
}

enum exec_status exec_RORV_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd,
              alu_ror64(reg_read(cpu, op->rn), (unsigned)reg_read(cpu, op->rm) & 63));
    return EXEC_NEXT;
}

/* CRC32 and CRC32C (C6.2 CRC32B etc.); see crc32.h. */
bool prep_crc32(struct op *op)
{
    crc32_init();
    return true;
}

#define DEFINE_CRC(NAME, CASTAGNOLI, BYTES)                                             \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)                  \
    {                                                                                   \
        reg_write(cpu, op->rd, crc32_update(CASTAGNOLI, (uint32_t)reg_read(cpu, op->rn), \
                                            reg_read(cpu, op->rm), BYTES));             \
        return EXEC_NEXT;                                                               \
    }

DEFINE_CRC(CRC32B, false, 1)
DEFINE_CRC(CRC32H, false, 2)
DEFINE_CRC(CRC32W, false, 4)
DEFINE_CRC(CRC32X, false, 8)
DEFINE_CRC(CRC32CB, true, 1)
DEFINE_CRC(CRC32CH, true, 2)
DEFINE_CRC(CRC32CW, true, 4)
DEFINE_CRC(CRC32CX, true, 8)

/* ---- Data-processing (3 source) ---- */

enum exec_status exec_MADD_w(struct cpu *cpu, const struct op *op)
{
    uint32_t r = (uint32_t)(reg_read(cpu, op->ra) + reg_read(cpu, op->rn) * reg_read(cpu, op->rm));
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_MSUB_w(struct cpu *cpu, const struct op *op)
{
    uint32_t r = (uint32_t)(reg_read(cpu, op->ra) - reg_read(cpu, op->rn) * reg_read(cpu, op->rm));
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_MUL_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint32_t)(reg_read(cpu, op->rn) * reg_read(cpu, op->rm)));
    return EXEC_NEXT;
}

enum exec_status exec_MADD_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) + reg_read(cpu, op->rn) * reg_read(cpu, op->rm));
    return EXEC_NEXT;
}

enum exec_status exec_MSUB_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) - reg_read(cpu, op->rn) * reg_read(cpu, op->rm));
    return EXEC_NEXT;
}

enum exec_status exec_MUL_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->rn) * reg_read(cpu, op->rm));
    return EXEC_NEXT;
}

static inline uint64_t smull(const struct cpu *cpu, const struct op *op)
{
    return (uint64_t)((int64_t)(int32_t)reg_read(cpu, op->rn) *
                      (int64_t)(int32_t)reg_read(cpu, op->rm));
}

static inline uint64_t umull(const struct cpu *cpu, const struct op *op)
{
    return (uint64_t)(uint32_t)reg_read(cpu, op->rn) * (uint32_t)reg_read(cpu, op->rm);
}

enum exec_status exec_SMADDL(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) + smull(cpu, op));
    return EXEC_NEXT;
}

enum exec_status exec_SMSUBL(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) - smull(cpu, op));
    return EXEC_NEXT;
}

enum exec_status exec_UMADDL(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) + umull(cpu, op));
    return EXEC_NEXT;
}

enum exec_status exec_UMSUBL(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, reg_read(cpu, op->ra) - umull(cpu, op));
    return EXEC_NEXT;
}

enum exec_status exec_SMULH(struct cpu *cpu, const struct op *op)
{
    __int128 p = (__int128)(int64_t)reg_read(cpu, op->rn) * (int64_t)reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, (uint64_t)(p >> 64));
    return EXEC_NEXT;
}

enum exec_status exec_UMULH(struct cpu *cpu, const struct op *op)
{
    unsigned __int128 p = (unsigned __int128)reg_read(cpu, op->rn) * reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, (uint64_t)(p >> 64));
    return EXEC_NEXT;
}
