/*
 * Advanced SIMD groups (Arm ARM C4.1.6 for data processing, C4.1.4 for the
 * structure loads and stores). Each generator fixes the opcode bits of one
 * encoding class and draws the rest, within the opcodes that are integer
 * operations: the floating-point rows of the same classes (three-same
 * opcodes 11xxx, FP two-register misc and by-element opcodes, FMOV vector
 * immediate, SCVTF/FCVTZS by immediate) are not generated. Reserved size/Q
 * combinations and unallocated opcodes next to the integer ones come up
 * as they fall, so both sides must agree they are UNDEFINED.
 *
 * Vector registers are filled lane by lane with values at the edges of
 * integer arithmetic for every lane size (0, ±1, the signed and unsigned
 * extremes), so saturation (FPSR.QC), rounding and sign extension are hit
 * often; FPSR starts with QC set now and then, so a sticky QC is tested.
 */
#include "gen_util.h"

/* 64 bits made of lanes of 2^lg bytes, each an edge value or random. */
static uint64_t simd_lanes(struct diff_rng *rng, unsigned lg)
{
    static const uint64_t edges[] = {0, 1, 2, ~0ull, ~1ull, 0x7fffffffffffffffull,
                                     0x8000000000000000ull, 0x8000000000000001ull, 0x7f, 0x80};
    unsigned bits = 8u << lg;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1, v = 0;
    for (unsigned pos = 0; pos < 64; pos += bits) {
        uint64_t lane;
        unsigned r = RND(8);
        if (r < 3) {
            lane = edges[RND(ARRAY_LEN(edges))];
            if (lane >> 60 == 7 || lane >> 60 == 8) /* signed extremes at the lane's width */
                lane >>= 64 - bits;
        } else if (r < 4) {
            lane = (uint64_t)RND(8) - 4;
        } else {
            lane = diff_rng_next(rng);
        }
        v |= (lane & mask) << pos;
    }
    return v;
}

static void simd_fill(struct diff_rng *rng, struct diff_case *c)
{
    for (unsigned i = 0; i < 32; i++)
        for (unsigned h = 0; h < 2; h++)
            c->init.v[i][h] = PCT(15) ? diff_rng_next(rng) : simd_lanes(rng, RND(4));
    c->init.fpcr = gen_fpcr(rng);
    c->init.fpsr = PCT(20) ? DIFF_FPSR_QC : 0;
    if (PCT(10))
        c->init.fpsr |= (uint32_t)diff_rng_next(rng) & DIFF_FPSR_FLAGS;
}

static unsigned vreg(struct diff_rng *rng)
{
    return RND(32);
}

/* One of `n` opcodes, or (pct_any % of the time) any value of `bits` bits. */
static uint32_t pick_op(struct diff_rng *rng, const uint8_t *ops, unsigned n, unsigned bits,
                        unsigned pct_any)
{
    return PCT(pct_any) ? BITS(bits) & ((1u << bits) - 1) : ops[RND(n)];
}

/* Three registers, Q, U, size, an opcode field at `shift`. Scalar forms
 * (01 U 11110 ...) pass a base with bit 30 set, which stays set. */
static uint32_t simd_word3(struct diff_rng *rng, uint32_t base, uint32_t opcode, unsigned shift)
{
    uint32_t q = BITS(1), u = BITS(1), size = BITS(2);
    unsigned rm = vreg(rng), rn = vreg(rng), rd = vreg(rng);
    return base | q << 30 | u << 29 | size << 22 | rm << 16 | opcode << shift | rn << 5 | rd;
}

/* The same without Rm: two-register misc and across-lanes classes, whose
 * bits 21:17 are fixed by `base`. */
static uint32_t simd_word2(struct diff_rng *rng, uint32_t base, uint32_t opcode)
{
    uint32_t q = BITS(1), u = BITS(1), size = BITS(2);
    unsigned rn = vreg(rng), rd = vreg(rng);
    return base | q << 30 | u << 29 | size << 22 | opcode << 12 | rn << 5 | rd;
}

/* Most of the time, give word w a size (bits 23:22) the instruction
 * allows (bit n of `sizes` for size n) and, for a vector form with size
 * 11, Q = 1; otherwise leave the random size and Q, which the reserved
 * combinations then test. */
static uint32_t simd_size(struct diff_rng *rng, uint32_t w, unsigned sizes, bool vector)
{
    if (sizes && PCT(95)) {
        unsigned sz;
        do
            sz = BITS(2);
        while (!(sizes >> sz & 1));
        w = (w & ~(3u << 22)) | sz << 22;
    }
    if (vector && (w >> 22 & 3) == 3 && PCT(95))
        w |= 1u << 30;
    return w;
}

#define U_OF(w) ((w) >> 29 & 1)

GEN_FN(gen_simd_3same)
{
    /* 0 Q U 01110 size 1 Rm opcode 1 Rn Rd, integer opcodes 00000-10111
     * with the sizes each takes (B/H/S only; H/S for SQDMULH; PMUL bytes). */
    static const uint8_t sizes[24] = {7, 15, 7, 15, 7, 15, 15, 15, 15, 15, 15, 15,
                                      7, 7, 7, 7, 15, 15, 7, 7, 7, 7, 6, 15};
    uint32_t op = RND(24);
    uint32_t w = simd_word3(rng, 0x0e200400, op, 11);
    c->insn[0] = simd_size(rng, w, op == 19 && U_OF(w) ? 1 : sizes[op], true);
    simd_fill(rng, c);
}

GEN_FN(gen_simd_3same_s)
{
    /* 01 U 11110 size 1 Rm opcode 1 Rn Rd: SQADD, SQSUB, CMGT/CMHI,
     * CMGE/CMHS, SSHL/USHL, SQSHL, SRSHL, SQRSHL, ADD/SUB, CMTST/CMEQ,
     * SQDMULH/SQRDMULH; the other integer opcodes are unallocated here. */
    static const uint8_t ops[] = {1, 5, 6, 7, 8, 9, 10, 11, 16, 17, 22};
    static const uint8_t sizes[] = {15, 15, 8, 8, 8, 15, 8, 15, 8, 8, 6};
    unsigned k = RND(ARRAY_LEN(ops));
    uint32_t op = PCT(5) ? RND(24) : ops[k];
    uint32_t w = simd_word3(rng, 0x5e200400, op, 11);
    c->insn[0] = simd_size(rng, w, op == ops[k] ? sizes[k] : 0, false);
    simd_fill(rng, c);
}

GEN_FN(gen_simd_3diff)
{
    /* 0 Q U 01110 size 1 Rm opcode 00 Rn Rd, opcodes 0000-1110 (B/H/S
     * sources; H/S for SQDM*; PMULL bytes, its 64-bit form now and then);
     * and the scalar SQDMLAL, SQDMLSL, SQDMULL (01 U 11110 ..., 1001/1011/1101). */
    if (PCT(15)) {
        static const uint8_t ops[] = {9, 11, 13};
        uint32_t op = pick_op(rng, ops, 3, 4, 5);
        uint32_t w = simd_word3(rng, 0x5e200000, op, 12);
        c->insn[0] = simd_size(rng, w, 6, false);
    } else {
        uint32_t op = RND(15);
        unsigned sizes = op == 9 || op == 11 || op == 13 ? 6 : op == 14 ? (PCT(95) ? 1 : 8) : 7;
        uint32_t w = simd_word3(rng, 0x0e200000, op, 12);
        c->insn[0] = simd_size(rng, w, sizes, false);
    }
    simd_fill(rng, c);
}

GEN_FN(gen_simd_2misc)
{
    /* 0 Q U 01110 size 10000 opcode 10 Rn Rd: REV*, [SU]ADDLP, [SU]QADD,
     * CLS/CLZ, CNT/NOT/RBIT, [SU]ADALP, SQABS/SQNEG, compares with zero,
     * ABS/NEG, XTN/SQXTUN, SHLL, SQXTN/UQXTN. */
    static const uint8_t ops[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18, 19, 20};
    static const uint8_t sizes[] = {7, 1, 7, 15, 7, 1, 7, 15, 15, 15, 15, 15, 7, 7, 7};
    unsigned k = RND(ARRAY_LEN(ops));
    uint32_t w = simd_word2(rng, 0x0e200800, ops[k]);
    unsigned sz = sizes[k];
    if (ops[k] == 0 && U_OF(w))
        sz = 3;                     /* REV32: bytes, halves */
    else if (ops[k] == 5 && U_OF(w))
        sz = 3;                     /* NOT (00), RBIT (01) */
    c->insn[0] = simd_size(rng, w, sz, true);
    simd_fill(rng, c);
}

GEN_FN(gen_simd_2misc_s)
{
    /* 01 U 11110 size 10000 opcode 10 Rn Rd: [SU]QADD, SQABS/SQNEG,
     * compares with zero, ABS/NEG (doublewords), SQXTUN, SQXTN/UQXTN. */
    static const uint8_t ops[] = {3, 7, 8, 9, 10, 11, 18, 20};
    static const uint8_t sizes[] = {15, 15, 8, 8, 8, 8, 7, 7};
    unsigned k = RND(ARRAY_LEN(ops));
    uint32_t w = simd_word2(rng, 0x5e200800, ops[k]);
    c->insn[0] = simd_size(rng, w, sizes[k], false);
    simd_fill(rng, c);
}

GEN_FN(gen_simd_across)
{
    /* 0 Q U 01110 size 11000 opcode 10 Rn Rd: [SU]ADDLV, [SU]MAXV, [SU]MINV,
     * ADDV, on B/H lanes and on S lanes with Q = 1; and ADDP (scalar
     * pairwise, 01 0 11110 11 11000 11011 10). */
    static const uint8_t ops[] = {3, 10, 26, 27};
    if (PCT(10)) {
        uint32_t size = PCT(90) ? 3u : BITS(2);
        unsigned rn = vreg(rng), rd = vreg(rng);
        c->insn[0] = 0x5e31b800 | size << 22 | rn << 5 | rd;
    } else {
        uint32_t op = ops[RND(4)];
        uint32_t w = simd_size(rng, simd_word2(rng, 0x0e300800, op), 7, false);
        if ((w >> 22 & 3) == 2 && PCT(95))
            w |= 1u << 30;
        c->insn[0] = w;
    }
    simd_fill(rng, c);
}

GEN_FN(gen_simd_elem)
{
    /* 0 Q U 01111 size L M Rm opcode H 0 Rn Rd, integer opcodes: MLA (U 1,
     * 0000), [SU]MLAL (0010), SQDMLAL (0011), MLS (U 1, 0100), [SU]MLSL
     * (0110), SQDMLSL (0111), MUL (U 0, 1000), [SU]MULL (1010), SQDMULL
     * (1011), SQDMULH (1100), SQRDMULH (1101); and the scalar forms of the
     * SQDM* ones (01 U 11111 ...). U is mostly the one each wants. */
    static const uint8_t ops[] = {0, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13};
    static const uint8_t u_of[] = {1, 2, 0, 1, 2, 0, 0, 2, 0, 0, 0}; /* 2: either */
    static const uint8_t sops[] = {3, 7, 11, 12, 13};
    bool scalar = PCT(20);
    unsigned k = RND(ARRAY_LEN(ops));
    uint32_t op = scalar ? sops[RND(5)] : ops[k];
    uint32_t u = scalar ? 0 : u_of[k] == 2 ? BITS(1) : u_of[k];
    if (PCT(3))
        u ^= 1;
    uint32_t size = PCT(90) ? 1 + BITS(1) : BITS(2) == 0 ? 0 : 3;
    uint32_t q = BITS(1), l = BITS(1), m = BITS(1), h = BITS(1);
    unsigned rm = vreg(rng) & 15, rn = vreg(rng), rd = vreg(rng);
    uint32_t w = (scalar ? 0x5f000000u : 0x0f000000u | q << 30) | u << 29 | size << 22 | l << 21 |
                 m << 20 | rm << 16 | op << 12 | h << 11 | rn << 5 | rd;
    c->insn[0] = w;
    simd_fill(rng, c);
}

/* immh for a lane size of 2^lg bytes: 0001 bytes, 001x halves, 01xx
 * words, 1xxx doubles. */
static uint32_t immh_of(struct diff_rng *rng, unsigned lg)
{
    return 1u << lg | (BITS(3) & ((1u << lg) - 1));
}

GEN_FN(gen_simd_shift)
{
    /* 0 Q U 011110 immh immb opcode 1 Rn Rd (vector) and 01 U 111110 immh
     * immb opcode 1 Rn Rd (scalar), integer opcodes. Lane sizes mostly as
     * allocated: narrowing and long shifts not on doublewords, vector
     * doublewords with Q = 1, scalar non-saturating shifts on doublewords
     * only, scalar narrowing ones (U = 1 for the unsigned-result forms). */
    static const uint8_t ops[] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 19, 20};
    bool scalar = PCT(30);
    uint32_t op = ops[RND(scalar ? 12 : 13)], q = BITS(1), u = BITS(1);
    unsigned lg = RND(4);
    if (PCT(95)) {
        if (op >= 16)
            lg = RND(3);
        else if (scalar && op <= 10)
            lg = 3;
        if (!scalar && lg == 3)
            q = 1;
        if (op == 8 || op == 12 || (scalar && (op == 16 || op == 17)))
            u = 1;
    }
    uint32_t immh = immh_of(rng, lg), immb = BITS(3);
    unsigned rn = vreg(rng), rd = vreg(rng);
    c->insn[0] = (scalar ? 0x5f000400u : 0x0f000400u | q << 30) | u << 29 | immh << 19 |
                 immb << 16 | op << 11 | rn << 5 | rd;
    simd_fill(rng, c);
}

GEN_FN(gen_simd_modimm)
{
    /* 0 Q op 0111100000 abc cmode o2 1 defgh Rd; cmode 1111 (FMOV) and
     * o2 = 1 (FEAT_FP16) are not generated, except o2 now and then. */
    uint32_t cmode = RND(15), o2 = PCT(2);
    uint32_t q = BITS(1), op = BITS(1), abc = BITS(3), defgh = BITS(5);
    unsigned rd = vreg(rng);
    c->insn[0] = 0x0f000400 | q << 30 | op << 29 | abc << 16 | cmode << 12 | o2 << 11 |
                 defgh << 5 | rd;
    simd_fill(rng, c);
}

GEN_FN(gen_simd_perm)
{
    /* 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd: UZP1, TRN1, ZIP1 (001-011),
     * UZP2, TRN2, ZIP2 (101-111); 000 and 100 are unallocated. */
    uint32_t op = PCT(5) ? 4 * BITS(1) : 1 + RND(3) + 4 * BITS(1);
    uint32_t q = BITS(1), size = BITS(2);
    unsigned rm = vreg(rng), rn = vreg(rng), rd = vreg(rng);
    uint32_t w = 0x0e000800 | q << 30 | size << 22 | rm << 16 | op << 12 | rn << 5 | rd;
    c->insn[0] = simd_size(rng, w, 15, true);
    simd_fill(rng, c);
}

GEN_FN(gen_simd_ext)
{
    /* 0 Q 101110 op2 0 Rm 0 imm4 0 Rn Rd; Q = 0 with imm4<3> = 1 is
     * reserved, op2 != 00 unallocated. */
    uint32_t op2 = PCT(3) ? BITS(2) : 0;
    uint32_t q = BITS(1), imm4 = q || PCT(10) ? BITS(4) : BITS(3);
    unsigned rm = vreg(rng), rn = vreg(rng), rd = vreg(rng);
    c->insn[0] = 0x2e000000 | q << 30 | op2 << 22 | rm << 16 | imm4 << 11 | rn << 5 | rd;
    simd_fill(rng, c);
}

GEN_FN(gen_simd_tbl)
{
    /* 0 Q 001110 op2 0 Rm 0 len op 00 Rn Rd: TBL/TBX with 1-4 table
     * registers (wrapping from V31 to V0). Index bytes mostly in or just
     * past the table. */
    uint32_t len = BITS(2), op2 = PCT(3) ? BITS(2) : 0;
    unsigned rm = vreg(rng);
    uint32_t q = BITS(1), op = BITS(1);
    unsigned rn = vreg(rng), rd = vreg(rng);
    c->insn[0] = 0x0e000000 | q << 30 | op2 << 22 | rm << 16 | len << 13 | op << 12 | rn << 5 | rd;
    simd_fill(rng, c);
    if (PCT(80))
        for (unsigned h = 0; h < 2; h++) {
            uint64_t v = 0;
            for (unsigned b = 0; b < 64; b += 8)
                v |= (uint64_t)(PCT(5) ? BITS(8) : RND(16 * (len + 1) + 8)) << b;
            c->init.v[rm][h] = v;
        }
}

GEN_FN(gen_simd_copy)
{
    /* 0 Q op 01110000 imm5 0 imm4 1 Rn Rd: DUP (element) imm4 0000, DUP
     * (general) 0001, SMOV 0101, UMOV 0111, INS (general) 0011 (Q = 1),
     * INS (element) op 1 (Q = 1, imm4 the source index); and DUP (element,
     * scalar), 01 0 11110000 imm5 0 0000 1. imm5 = x0000 is reserved. */
    static const uint8_t imm4s[] = {0, 1, 5, 7, 3};
    uint32_t imm5 = BITS(5);
    if (!(imm5 & 15) && !PCT(10))
        imm5 |= 1u << RND(4);
    uint32_t q = BITS(1), op = 0, imm4 = PCT(3) ? BITS(4) : imm4s[RND(5)];
    if (PCT(20)) {
        op = 1;
        q = PCT(95) ? 1 : 0;
        imm4 = BITS(4);
    } else if (imm4 == 3 && PCT(95)) {
        q = 1;
    }
    bool scalar = PCT(10);
    unsigned rn = vreg(rng), rd = vreg(rng);
    if (scalar)
        c->insn[0] = 0x5e000400 | imm5 << 16 | rn << 5 | rd;
    else
        c->insn[0] = 0x0e000400 | q << 30 | op << 29 | imm5 << 16 | imm4 << 11 | rn << 5 | rd;
    simd_fill(rng, c);
}

/* The crypto extension (AES, SHA1, SHA256; C4.1.6 "Cryptographic AES",
 * "three-register SHA", "two-register SHA"): not advertised by armvirt's
 * ID_AA64ISAR0_EL1, so every word must be UNDEFINED there (compare.c
 * lists Unicorn, whose cortex-a57 has them, as a known difference). */
GEN_FN(gen_simd_crypto)
{
    unsigned rd = vreg(rng), rn = vreg(rng);
    switch (RND(3)) {
    case 0: c->insn[0] = 0x4e280800 | (4 + RND(4)) << 12 | rn << 5 | rd; break; /* AESE..AESIMC */
    case 1: {
        unsigned rm = vreg(rng);
        c->insn[0] = 0x5e000000 | rm << 16 | RND(7) << 12 | rn << 5 | rd;
        break;
    }
    default: c->insn[0] = 0x5e280800 | RND(3) << 12 | rn << 5 | rd; break;
    }
    simd_fill(rng, c);
}

/* ---- structure loads and stores --------------------------------------- */

/* Post-index with Rm (or #imm with Rm = 31), or no writeback. */
static void simd_ldst_addr(struct diff_rng *rng, struct diff_case *c, uint32_t *w, unsigned align,
                           unsigned bytes)
{
    unsigned rn = gen_rand_reg(rng);
    *w |= rn << 5;
    if (BITS(1)) {
        unsigned rm = PCT(50) ? 31 : gen_rand_reg(rng);
        *w |= 1u << 23 | rm << 16;
        if (rm != 31 && rm != rn && PCT(50))
            c->init.x[rm] = (uint64_t)RND(512) - 256;
    }
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, align, bytes));
}

GEN_FN(gen_simd_ldst_multi)
{
    /* 0 Q 0011000 L 000000 opcode size Rn Rt (post-index: bit 23, Rm):
     * opcode 0000 LD4/ST4, 0010 LD1/ST1 x4, 0100 LD3/ST3, 0110 x3, 0111 x1,
     * 1000 LD2/ST2, 1010 x2. */
    static const uint8_t ops[] = {0, 2, 4, 6, 7, 8, 10};
    static const uint8_t nregs[] = {4, 4, 3, 3, 1, 2, 2};
    unsigned k = RND(7);
    uint32_t op = PCT(3) ? BITS(4) : ops[k], q = BITS(1), size = BITS(2);
    uint32_t l = BITS(1);
    unsigned rt = vreg(rng);
    uint32_t w = 0x0c000000 | q << 30 | l << 22 | op << 12 | size << 10 | rt;
    simd_ldst_addr(rng, c, &w, 1u << size, nregs[k] * (q ? 16 : 8));
    c->insn[0] = w;
    simd_fill(rng, c);
}

GEN_FN(gen_simd_ldst_single)
{
    /* 0 Q 0011010 L R 00000 opcode S size Rn Rt (post-index: bit 23, Rm).
     * selem = opcode<0>:R + 1; opcode<2:1> 00 byte, 01 half (size<0> = 0),
     * 10 word (size 00) or double (size 01, S = 0), 11 replicate (L = 1,
     * S = 0, size the element). The lane is Q:S:size bits. */
    uint32_t scale = RND(4), sel = BITS(2), q = BITS(1), s = BITS(1), size = BITS(2), l = BITS(1);
    unsigned esize;
    if (scale == 0) {
        esize = 1;
    } else if (scale == 1) {
        size &= 2;
        esize = 2;
    } else if (scale == 2) {
        size = BITS(1);
        if (size)
            s = 0;
        esize = size ? 8 : 4;
    } else {
        l = 1;
        s = 0;
        esize = 1u << size;
    }
    if (PCT(3)) {   /* the reserved combinations */
        size = BITS(2);
        s = BITS(1);
        l = BITS(1);
    }
    uint32_t opcode = scale << 1 | (sel >> 1);
    uint32_t w = 0x0d000000 | q << 30 | l << 22 | (sel & 1) << 21 | opcode << 13 | s << 12 |
                 size << 10 | vreg(rng);
    simd_ldst_addr(rng, c, &w, esize, esize * (sel + 1));
    c->insn[0] = w;
    simd_fill(rng, c);
}
