/*
 * Advanced SIMD floating-point groups (Arm ARM C4.1.6): the FP rows of the
 * three-same, two-register misc, across-lanes, scalar pairwise, by-element
 * and shift-by-immediate classes, and FMOV (vector, immediate): the
 * "simdfp" family, with a group of random words from the whole SIMD&FP
 * data-processing space. Lanes hold the same special-value mix as the
 * scalar FP groups (gen_fpval.c), Vm's lanes related to Vn's.
 */
#include "gen_util.h"

enum lane_kind { LANES_ANY, LANES_ORDINARY, LANES_INT };

/* Lanes of format f (half, single or double) in every V register: the
 * special-value mix, ordinary values only, or integers for SCVTF/UCVTF. */
static void fill_lanes(struct diff_rng *rng, struct diff_case *c, enum gen_fmt f,
                       enum lane_kind kind)
{
    unsigned bits = f == GEN_D ? 64 : f == GEN_S ? 32 : 16;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    for (unsigned i = 0; i < 32; i++)
        for (unsigned h = 0; h < 2; h++) {
            uint64_t v = 0;
            for (unsigned pos = 0; pos < 64; pos += bits) {
                uint64_t lane = kind == LANES_INT        ? gen_int_for_fp(rng)
                                : kind == LANES_ORDINARY ? gen_fp_ordinary(rng, f)
                                                         : gen_fp_value(rng, f);
                v |= (lane & mask) << pos;
            }
            c->init.v[i][h] = v;
        }
}

/* sz = 0: single lanes, 1: double lanes; Vm's lanes partners of Vn's.
 * A third of the cases hold only ordinary values, mostly in
 * round-to-nearest: the whole-vector host paths run for those. */
static void fill_fp_lanes(struct diff_rng *rng, struct diff_case *c, unsigned sz, unsigned rn,
                          unsigned rm)
{
    enum gen_fmt f = sz ? GEN_D : GEN_S;
    gen_fill_v(rng, c, f);   /* FPCR and FPSR */
    bool ordinary = PCT(33);
    fill_lanes(rng, c, f, ordinary ? LANES_ORDINARY : LANES_ANY);
    if (ordinary && PCT(75))
        c->init.fpcr &= ~(3u << DIFF_FPCR_RMODE_SHIFT);
    if (rm == rn || !PCT(60))
        return;
    for (unsigned h = 0; h < 2; h++) {
        uint64_t n = c->init.v[rn][h];
        if (sz) {
            c->init.v[rm][h] = gen_fp_partner(rng, f, n);
        } else {
            uint64_t lo = gen_fp_partner(rng, f, n & 0xffffffffu);
            uint64_t hi = gen_fp_partner(rng, f, n >> 32);
            c->init.v[rm][h] = (hi & 0xffffffffu) << 32 | (lo & 0xffffffffu);
        }
    }
}

static unsigned vreg(struct diff_rng *rng)
{
    return RND(32);
}

/* Q = 1 with double lanes most of the time (Q = 0, sz = 1 is reserved). */
static uint32_t pick_q(struct diff_rng *rng, unsigned sz)
{
    return sz && PCT(95) ? 1 : BITS(1);
}

/* Allocated (U, a, opcode) rows, as U << 6 | a << 5 | opcode (for three
 * same, opcode is the low three bits of 11xxx). */
#define UAO(u, a, o) ((u) << 6 | (a) << 5 | (o))

static uint32_t pick_uao(struct diff_rng *rng, const uint8_t *rows, unsigned n, uint32_t *u,
                         uint32_t *a, uint32_t opbits)
{
    uint32_t r;
    if (PCT(90)) {
        r = rows[RND(n)];
    } else {
        uint32_t ru = BITS(1), ra = BITS(1), ro = BITS(opbits);
        r = UAO(ru, ra, ro);
    }
    *u = r >> 6 & 1;
    *a = r >> 5 & 1;
    return r & 31;
}

GEN_FN(gen_simdfp_3same)
{
    /* Vector: 0 Q U 01110 a sz 1 Rm 11 opc 1 Rn Rd; scalar: 01 U 11110 a sz
     * 1 Rm 11 opc 1 Rn Rd. Mostly allocated rows: FMAXNM, FMLA, FADD,
     * FMULX, FCMEQ, FMAX, FRECPS, FMINNM, FMLS, FSUB, FMIN, FRSQRTS, the
     * pairwise forms, FMUL, FCMGE/FCMGT, FACGE/FACGT, FABD, FDIV (vector);
     * FMULX, FCMxx, FACxx, FABD, FRECPS, FRSQRTS (scalar). */
    static const uint8_t vec[] = {
        UAO(0, 0, 0), UAO(0, 0, 1), UAO(0, 0, 2), UAO(0, 0, 3), UAO(0, 0, 4), UAO(0, 0, 6),
        UAO(0, 0, 7), UAO(0, 1, 0), UAO(0, 1, 1), UAO(0, 1, 2), UAO(0, 1, 6), UAO(0, 1, 7),
        UAO(1, 0, 0), UAO(1, 0, 2), UAO(1, 0, 3), UAO(1, 0, 4), UAO(1, 0, 5), UAO(1, 0, 6),
        UAO(1, 0, 7), UAO(1, 1, 0), UAO(1, 1, 2), UAO(1, 1, 4), UAO(1, 1, 5), UAO(1, 1, 6),
    };
    static const uint8_t scal[] = {
        UAO(0, 0, 3), UAO(0, 0, 4), UAO(0, 0, 7), UAO(0, 1, 7), UAO(1, 0, 4), UAO(1, 0, 5),
        UAO(1, 1, 2), UAO(1, 1, 4), UAO(1, 1, 5),
    };
    unsigned sz = BITS(1), rn = vreg(rng), rm = vreg(rng);
    bool scalar = PCT(25);
    uint32_t u, a;
    uint32_t opc = scalar ? pick_uao(rng, scal, ARRAY_LEN(scal), &u, &a, 3)
                          : pick_uao(rng, vec, ARRAY_LEN(vec), &u, &a, 3);
    uint32_t q = pick_q(rng, sz);
    unsigned rd = vreg(rng);
    c->insn[0] = (scalar ? 0x5e20c400u : 0x0e20c400u | q << 30) | u << 29 | a << 23 | sz << 22 |
                 rm << 16 | opc << 11 | rn << 5 | rd;
    fill_fp_lanes(rng, c, sz, rn, rm);
}

GEN_FN(gen_simdfp_2misc)
{
    /* 0 Q U 01110 a sz 10000 opcode 10 Rn Rd and the scalar 01 U 11110 ...:
     * compares with zero, FABS/FNEG, FCVTN/FCVTXN, FCVTL, FRINT*, FCVT*S/U,
     * SCVTF/UCVTF, FRECPE/FRSQRTE, URECPE/URSQRTE, FSQRT, FRECPX. */
    static const uint8_t vec[] = {
        UAO(0, 1, 12), UAO(1, 1, 12), UAO(0, 1, 13), UAO(1, 1, 13), UAO(0, 1, 14), UAO(0, 1, 15),
        UAO(1, 1, 15), UAO(0, 0, 22), UAO(1, 0, 22), UAO(0, 0, 23), UAO(0, 0, 24), UAO(0, 0, 25),
        UAO(0, 1, 24), UAO(0, 1, 25), UAO(1, 0, 24), UAO(1, 0, 25), UAO(1, 1, 25), UAO(0, 0, 26),
        UAO(0, 1, 26), UAO(1, 0, 26), UAO(1, 1, 26), UAO(0, 0, 27), UAO(0, 1, 27), UAO(1, 0, 27),
        UAO(1, 1, 27), UAO(0, 0, 28), UAO(0, 1, 28), UAO(1, 0, 28), UAO(1, 1, 28), UAO(0, 0, 29),
        UAO(0, 1, 29), UAO(1, 0, 29), UAO(1, 1, 29), UAO(1, 1, 31),
    };
    static const uint8_t scal[] = {
        UAO(0, 1, 12), UAO(1, 1, 12), UAO(0, 1, 13), UAO(1, 1, 13), UAO(0, 1, 14), UAO(1, 0, 22),
        UAO(0, 0, 26), UAO(0, 1, 26), UAO(1, 0, 26), UAO(1, 1, 26), UAO(0, 0, 27), UAO(0, 1, 27),
        UAO(1, 0, 27), UAO(1, 1, 27), UAO(0, 0, 28), UAO(1, 0, 28), UAO(0, 0, 29), UAO(0, 1, 29),
        UAO(1, 0, 29), UAO(1, 1, 29), UAO(0, 1, 31),
    };
    unsigned sz = BITS(1), rn = vreg(rng);
    bool scalar = PCT(30);
    uint32_t u, a;
    uint32_t op = scalar ? pick_uao(rng, scal, ARRAY_LEN(scal), &u, &a, 5)
                         : pick_uao(rng, vec, ARRAY_LEN(vec), &u, &a, 5);
    if (op == 22 && u && PCT(90))
        sz = 1;                           /* FCVTXN: from doubles only */
    else if (op == 28 && a && PCT(90))
        sz = 0;                           /* URECPE, URSQRTE: words only */
    uint32_t q = op == 22 || op == 23 ? BITS(1) : pick_q(rng, sz);
    unsigned rd = vreg(rng);
    c->insn[0] = (scalar ? 0x5e200800u : 0x0e200800u | q << 30) | u << 29 | a << 23 | sz << 22 |
                 op << 12 | rn << 5 | rd;
    fill_fp_lanes(rng, c, sz, rn, rn);
    if (op == 23)                         /* FCVTL: from half or single lanes */
        fill_lanes(rng, c, sz ? GEN_S : GEN_H, LANES_ANY);
    else if (op == 29 && !a)              /* SCVTF, UCVTF */
        fill_lanes(rng, c, sz ? GEN_D : GEN_S, LANES_INT);
}

GEN_FN(gen_simdfp_across)
{
    /* FMAXNMV, FMINNMV, FMAXV, FMINV: 0 Q 1 01110 a sz 11000 opcode 10,
     * single lanes with Q = 1 only (ARMv8.0); and the scalar pairwise FP
     * forms 01 1 11110 a sz 11000 opcode 10 (FMAXNMP, FADDP, FMAXP,
     * FMINNMP, FMINP). */
    static const uint8_t ops[] = {12, 13, 15};
    unsigned sz = BITS(1), rn = vreg(rng);
    uint32_t op = ops[RND(3)];
    bool pairwise = PCT(50);
    uint32_t a = BITS(1), q = PCT(95) ? 1u : BITS(1), vsz = PCT(95) ? 0u : BITS(1);
    unsigned rd = vreg(rng);
    if (pairwise)
        c->insn[0] = 0x7e300800u | a << 23 | sz << 22 | op << 12 | rn << 5 | rd;
    else
        c->insn[0] = 0x2e300800u | q << 30 | a << 23 | vsz << 22 | (op == 13 ? 12u : op) << 12 |
                     rn << 5 | rd;
    fill_fp_lanes(rng, c, (c->insn[0] >> 22) & 1, rn, rn);
}

GEN_FN(gen_simdfp_elem)
{
    /* FMLA (U 0, 0001), FMLS (0101), FMUL (1001), FMULX (U 1, 1001) by
     * element: 0 Q U 01111 1 sz L M Rm opcode H 0 Rn Rd, and the scalar
     * 01 U 11111 ...; double lanes take index H with L = 0. */
    static const uint8_t ops[] = {1, 5, 9, 9};
    unsigned k = RND(4), sz = BITS(1), rn = vreg(rng), rm = RND(32);
    bool scalar = PCT(30);
    uint32_t l = sz && PCT(95) ? 0 : BITS(1);
    uint32_t q = pick_q(rng, sz), u = k == 3 ? 1u : PCT(3), h = BITS(1);
    unsigned rd = vreg(rng);
    uint32_t w = (scalar ? 0x5f800000u : 0x0f800000u | q << 30) | u << 29 | sz << 22 | l << 21 |
                 rm << 16 | (uint32_t)ops[k] << 12 | h << 11 | rn << 5 | rd;
    c->insn[0] = w;
    fill_fp_lanes(rng, c, sz, rn, rm);
}

GEN_FN(gen_simdfp_shift)
{
    /* SCVTF/UCVTF (11100) and FCVTZS/FCVTZU (11111) by immediate:
     * 0 Q U 011110 immh immb opcode 1 Rn Rd, and the scalar 01 U 111110 ...;
     * immh 01xx single lanes, 1xxx double lanes. */
    unsigned sz = BITS(1), rn = vreg(rng);
    bool scalar = PCT(30);
    uint32_t immh = sz ? 8 | BITS(3) : 4 | BITS(2);
    if (PCT(3))
        immh = BITS(4);
    uint32_t op = BITS(1) ? 28 : 31;
    uint32_t q = pick_q(rng, sz), u = BITS(1), immb = BITS(3);
    unsigned rd = vreg(rng);
    c->insn[0] = (scalar ? 0x5f000400u : 0x0f000400u | q << 30) | u << 29 | immh << 19 |
                 immb << 16 | op << 11 | rn << 5 | rd;
    fill_fp_lanes(rng, c, sz, rn, rn);
    if (op == 28)                         /* SCVTF, UCVTF: from fixed point */
        fill_lanes(rng, c, sz ? GEN_D : GEN_S, LANES_INT);
}

GEN_FN(gen_simdfp_fmov_imm)
{
    /* FMOV (vector, immediate): 0 Q op 0111100000 abc 1111 0 1 defgh Rd;
     * op 1 (double) needs Q = 1. */
    uint32_t op = BITS(1), q = op && PCT(95) ? 1 : BITS(1);
    uint32_t abc = BITS(3), defgh = BITS(5);
    unsigned rd = vreg(rng);
    c->insn[0] = 0x0f00f400 | q << 30 | op << 29 | abc << 16 | defgh << 5 | rd;
    fill_fp_lanes(rng, c, op, 0, 0);
}

/* Random words from the whole SIMD&FP data-processing space (bit 31 = 0,
 * bits 27:25 = 111): vector and scalar Advanced SIMD, scalar FP, crypto. */
GEN_FN(gen_simd_random)
{
    c->insn[0] = ((uint32_t)diff_rng_next(rng) & ~0x8e000000u) | 0x0e000000u;
    if (PCT(50)) {
        unsigned sz = BITS(1);
        fill_fp_lanes(rng, c, sz, 0, 0);
    }
    else
        fill_lanes(rng, c, GEN_H, LANES_INT);
}
