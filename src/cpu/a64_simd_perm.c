/*
 * Advanced SIMD data movement (Arm ARM C4.1.6; rows in a64_simd.inc):
 * permute (ZIP/UZP/TRN), EXT, table lookup (TBL/TBX), and copy (DUP, INS,
 * UMOV, SMOV, scalar DUP).
 */
#include <string.h>

#include "cpu/simd.h"

/* ---- permute ---- */

enum perm_kind { PERM_UZP, PERM_TRN, PERM_ZIP };

static inline __attribute__((always_inline)) enum exec_status
simd_permute(struct cpu *cpu, const struct op *op, enum perm_kind kind, unsigned part)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], r[2] = {0, 0};
    unsigned bits = op->a, c = op->c, half = c / 2;
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    for (unsigned i = 0; i < c; i++) {
        uint64_t e;
        switch (kind) {
        case PERM_UZP: {
            /* Even (or odd) elements of Rm:Rn concatenated, Rn first. */
            unsigned src = 2 * i + part;
            e = src < c ? simd_get(n, src, bits) : simd_get(m, src - c, bits);
            break;
        }
        case PERM_TRN: {
            unsigned pair = i / 2;
            e = (i & 1) ? simd_get(m, 2 * pair + part, bits) : simd_get(n, 2 * pair + part, bits);
            break;
        }
        default: {
            unsigned src = part * half + i / 2;
            e = (i & 1) ? simd_get(m, src, bits) : simd_get(n, src, bits);
            break;
        }
        }
        simd_set(r, i, bits, e);
    }
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

#define PERM(NAME, KIND, PART)                                             \
    enum exec_status exec_##NAME(struct cpu *cpu, const struct op *op)     \
    {                                                                      \
        return simd_permute(cpu, op, KIND, PART);                          \
    }
PERM(UZP1, PERM_UZP, 0)
PERM(UZP2, PERM_UZP, 1)
PERM(TRN1, PERM_TRN, 0)
PERM(TRN2, PERM_TRN, 1)
PERM(ZIP1, PERM_ZIP, 0)
PERM(ZIP2, PERM_ZIP, 1)

/* ---- EXT ---- */

/* Q = 0 with imm4<3> = 1 is reserved. op->d = first byte, op->c = bytes. */
bool prep_simd_ext(struct op *op)
{
    bool q = op->insn >> 30 & 1;
    unsigned imm4 = op->insn >> 11 & 15;
    if (!q && imm4 >= 8)
        return false;
    op->d = (uint8_t)imm4;
    op->c = q ? 16 : 8;
    return true;
}

enum exec_status exec_EXT(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t n[2], m[2], r[2] = {0, 0};
    simd_read(cpu, op->rn, n);
    simd_read(cpu, op->rm, m);
    for (unsigned i = 0; i < op->c; i++) {
        unsigned src = i + op->d;
        uint64_t e = src < op->c ? simd_get(n, src, 8) : simd_get(m, src - op->c, 8);
        simd_set(r, i, 8, e);
    }
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

/* ---- TBL/TBX: bytes of a table of 1-4 consecutive registers (wrapping at
 * V31); an out-of-range index gives 0 (TBL) or keeps Rd's byte (TBX). ---- */

static enum exec_status simd_table(struct cpu *cpu, const struct op *op, bool tbx)
{
    FP_CHECK(cpu, op);
    unsigned len = (op->insn >> 13 & 3) + 1, bytes = (op->insn >> 30 & 1) ? 16 : 8;
    uint8_t table[64];
    union simd_vec idx = simd_vread(cpu, op->rm), d = simd_vread(cpu, op->rd), r = {.d = {0, 0}};
    for (unsigned i = 0; i < len; i++)
        memcpy(table + 16 * i, cpu->v[(op->rn + i) % 32], 16);
    for (unsigned i = 0; i < bytes; i++) {
        unsigned x = idx.b[i];
        r.b[i] = x < 16 * len ? table[x] : tbx ? d.b[i] : 0;
    }
    simd_vwrite(cpu, op->rd, &r);
    return EXEC_NEXT;
}

enum exec_status exec_TBL(struct cpu *cpu, const struct op *op)
{
    return simd_table(cpu, op, false);
}

enum exec_status exec_TBX(struct cpu *cpu, const struct op *op)
{
    return simd_table(cpu, op, true);
}

/* ---- copy ---- */

/* imm5's lowest set bit gives the element size, the bits above it the
 * index (op->a = bits, op->d = index, op->c = elements for DUP, op->imm =
 * source index of INS (element)). Which Q/size pairs exist depends on the
 * instruction (C7.2 DUP, SMOV, UMOV). */
bool prep_simd_copy(struct op *op)
{
    unsigned imm5 = op->insn >> 16 & 31, imm4 = op->insn >> 11 & 15;
    bool q = op->insn >> 30 & 1, scalar = op->insn >> 28 & 1, ins_elem = op->insn >> 29 & 1;
    if (!(imm5 & 15))
        return false;
    unsigned size = (unsigned)__builtin_ctz(imm5);
    op->a = (uint8_t)(8u << size);
    op->b = q;
    op->d = (uint8_t)(imm5 >> (size + 1));
    op->c = (uint8_t)((q ? 128u : 64u) >> (3 + size));
    if (scalar)
        return true;
    if (ins_elem) {
        op->imm = imm4 >> size;
        return true;
    }
    switch (imm4) {
    case 0: case 1: return !(size == 3 && !q);          /* DUP */
    case 5: return q ? size < 3 : size < 2;             /* SMOV */
    case 7: return q ? size == 3 : size < 3;            /* UMOV */
    default: return true;                                /* INS (general) */
    }
}

/* Replicate the element e over op->c lanes of op->a bits. */
static enum exec_status simd_dup(struct cpu *cpu, const struct op *op, uint64_t e)
{
    uint64_t p = e;
    for (unsigned w = op->a; w < 64; w *= 2)
        p |= p << w;
    uint64_t r[2] = {p, op->b ? p : 0};
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_DUP_elem(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    return simd_dup(cpu, op, simd_get(cpu->v[op->rn], op->d, op->a));
}

enum exec_status exec_DUP_gen(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    return simd_dup(cpu, op, reg_read(cpu, op->rn) & simd_mask(op->a));
}

/* DUP (scalar, element), alias MOV: one element, the rest zeroed. */
enum exec_status exec_DUP_elem_s(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t r[2] = {simd_get(cpu->v[op->rn], op->d, op->a), 0};
    simd_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_INS_gen(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    simd_set(cpu->v[op->rd], op->d, op->a, reg_read(cpu, op->rn));
    return EXEC_NEXT;
}

enum exec_status exec_INS_elem(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t e = simd_get(cpu->v[op->rn], (unsigned)op->imm, op->a);
    simd_set(cpu->v[op->rd], op->d, op->a, e);
    return EXEC_NEXT;
}

enum exec_status exec_UMOV(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    reg_write(cpu, op->rd, simd_get(cpu->v[op->rn], op->d, op->a));
    return EXEC_NEXT;
}

/* SMOV: sign-extended to 64 bits (Q = 1) or to 32 with the top half zero. */
enum exec_status exec_SMOV(struct cpu *cpu, const struct op *op)
{
    FP_CHECK(cpu, op);
    uint64_t v = (uint64_t)simd_sx(simd_get(cpu->v[op->rn], op->d, op->a), op->a);
    reg_write(cpu, op->rd, op->b ? v : (uint32_t)v);
    return EXEC_NEXT;
}
