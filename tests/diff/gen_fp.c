/*
 * Scalar floating-point groups and SIMD&FP register loads/stores (Arm ARM
 * C4.1.6 "Data Processing -- Scalar Floating-Point and Advanced SIMD", the
 * scalar FP rows with bit 30 = 0 and bit 28 = 1; C4.1.4 with V = 1). Each
 * case gets V0-V31 filled with values of the instruction's precision
 * (gen_fpval.c), the second and third operands related to the first much of
 * the time, and a random FPCR (RMode, FZ, DN, AHP) and FPSR.
 *
 * ftype 00 is single, 01 double; 11 (half, FEAT_FP16) and 10 are UNDEFINED
 * on ARMv8.0 except in FCVT and the FMOV to/from Vn.D[1] rows, and come up
 * now and then so both sides must agree on that.
 */
#include "gen_util.h"

/* A precision for an arithmetic form: mostly single or double, rarely an
 * unallocated ftype. Returns the ftype field; *f the format to fill V with. */
static uint32_t pick_ftype(struct diff_rng *rng, enum gen_fmt *f)
{
    if (PCT(3)) {
        *f = PCT(50) ? GEN_H : GEN_S;
        return 2 + BITS(1);
    }
    uint32_t t = BITS(1);
    *f = t ? GEN_D : GEN_S;
    return t;
}

static unsigned vreg(struct diff_rng *rng)
{
    return RND(32);
}

/* Fill V with format-f values; make V[rm] a partner of V[rn] (and V[ra]
 * an addend near -(Vn * Vm) when ra < 32). */
static void fp_operands(struct diff_rng *rng, struct diff_case *c, enum gen_fmt f, unsigned rn,
                        unsigned rm, unsigned ra)
{
    gen_fill_v(rng, c, f);
    if (rm != rn && PCT(60))
        c->init.v[rm][0] = gen_fp_partner(rng, f, c->init.v[rn][0]);
    if (ra < 32 && ra != rn && ra != rm && PCT(50))
        c->init.v[ra][0] = gen_fp_fma_addend(rng, f, c->init.v[rn][0], c->init.v[rm][0]);
}

/* Two-source: opcode 0000 FMUL, 0001 FDIV, 0010 FADD, 0011 FSUB, 1000 FNMUL. */
static void fp_2src(struct diff_rng *rng, struct diff_case *c, uint32_t opcode)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    unsigned rd = vreg(rng), rn = vreg(rng), rm = vreg(rng);
    c->insn[0] = 0x1e200800 | t << 22 | rm << 16 | opcode << 12 | rn << 5 | rd;
    fp_operands(rng, c, f, rn, rm, 32);
}

GEN_FN(gen_fp_arith)
{
    static const uint32_t ops[] = {0, 1, 2, 3, 8};
    fp_2src(rng, c, ops[RND(5)]);
}

GEN_FN(gen_fp_minmax)
{
    /* FMAX, FMIN, FMAXNM, FMINNM; opcodes 1001-1111 are unallocated. */
    uint32_t op = PCT(3) ? 9 + RND(7) : 4 + RND(4);
    fp_2src(rng, c, op);
}

GEN_FN(gen_fp_fma)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    unsigned rd = vreg(rng), rn = vreg(rng), rm = vreg(rng), ra = vreg(rng);
    uint32_t o1 = BITS(1), o0 = BITS(1);
    c->insn[0] = 0x1f000000 | t << 22 | o1 << 21 | rm << 16 | o0 << 15 | ra << 10 | rn << 5 | rd;
    fp_operands(rng, c, f, rn, rm, ra);
}

/* One-source: M 0 S 11110 ftype 1 opcode(6) 10000 Rn Rd. */
static void fp_1src(struct diff_rng *rng, struct diff_case *c, uint32_t t, uint32_t opcode,
                    enum gen_fmt f)
{
    unsigned rd = vreg(rng), rn = vreg(rng);
    c->insn[0] = 0x1e204000 | t << 22 | opcode << 15 | rn << 5 | rd;
    gen_fill_v(rng, c, f);
}

GEN_FN(gen_fp_unary)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    fp_1src(rng, c, t, RND(4), f);   /* FMOV, FABS, FNEG, FSQRT */
}

GEN_FN(gen_fp_frint)
{
    /* 001000 N, P, M, Z, A, (001101 unallocated), X, I */
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t op = 8 + RND(8);
    if (op == 13 && !PCT(20))
        op = 14;
    fp_1src(rng, c, t, op, f);
}

GEN_FN(gen_fp_cvt_prec)
{
    /* FCVT: source ftype 00 S, 01 D, 11 H; destination opc 00 S, 01 D, 11 H.
     * Same precision and opc 10 (BFCVT, FEAT_BF16) are unallocated. */
    static const uint32_t types[] = {0, 1, 3};
    static const enum gen_fmt fmts[] = {GEN_S, GEN_D, GEN_H};
    unsigned s = RND(3), d = RND(3);
    if (d == s && !PCT(5))
        d = (s + 1 + RND(2)) % 3;
    uint32_t opc = PCT(2) ? 2 : types[d];
    fp_1src(rng, c, types[s], 4 | opc, fmts[s]);
}

GEN_FN(gen_fp_cmp)
{
    /* FCMP, FCMP #0, FCMPE, FCMPE #0 (opcode2 00000, 01000, 10000, 11000);
     * op (bits 15:14) != 00 and opcode2<2:0> != 000 are unallocated. The
     * #0.0 forms take Rm as should-be-zero: mostly 0. */
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t opc2 = BITS(2) << 3;
    unsigned rn = vreg(rng), rm = (opc2 & 8) && PCT(90) ? 0 : vreg(rng);
    uint32_t op = PCT(3) ? BITS(2) : 0;
    if (PCT(3))
        opc2 |= BITS(3);
    c->insn[0] = 0x1e202000 | t << 22 | rm << 16 | op << 14 | rn << 5 | opc2;
    fp_operands(rng, c, f, rn, rm, 32);
    if (PCT(10))
        c->init.v[rm][0] = c->init.v[rn][0];
}

GEN_FN(gen_fp_ccmp)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    unsigned rn = vreg(rng), rm = vreg(rng);
    uint32_t cond = BITS(4), op = BITS(1), nzcv = BITS(4);
    c->insn[0] = 0x1e200400 | t << 22 | rm << 16 | cond << 12 | rn << 5 | op << 4 | nzcv;
    fp_operands(rng, c, f, rn, rm, 32);
}

GEN_FN(gen_fp_csel)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    unsigned rd = vreg(rng), rn = vreg(rng), rm = vreg(rng);
    uint32_t cond = BITS(4);
    c->insn[0] = 0x1e200c00 | t << 22 | rm << 16 | cond << 12 | rn << 5 | rd;
    gen_fill_v(rng, c, f);
}

GEN_FN(gen_fp_fmov_imm)
{
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t imm5 = PCT(3) ? BITS(5) : 0, imm8 = BITS(8);
    unsigned rd = vreg(rng);
    c->insn[0] = 0x1e201000 | t << 22 | imm8 << 13 | imm5 << 5 | rd;
    gen_fill_v(rng, c, f);
}

/* Integer conversions: sf 0 0 11110 ftype 1 rmode opcode 000000 Rn Rd. */
static uint32_t fp_int_word(struct diff_rng *rng, uint32_t t, uint32_t rmode, uint32_t opcode)
{
    uint32_t sf = BITS(1), rn = BITS(5), rd = BITS(5);
    return sf << 31 | 0x1e200000 | t << 22 | rmode << 19 | opcode << 16 | rn << 5 | rd;
}

GEN_FN(gen_fp_to_int)
{
    /* FCVT{N,P,M,Z}{S,U}: rmode 00-11, opcode 00u; FCVTA{S,U}: rmode 00,
     * opcode 10u. Rd is a general register (31 = ZR). */
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t u = BITS(1);
    if (PCT(20)) {
        c->insn[0] = fp_int_word(rng, t, 0, 4 | u);
    } else {
        uint32_t rmode = BITS(2);
        c->insn[0] = fp_int_word(rng, t, rmode, u);
    }
    gen_fill_v(rng, c, f);
}

GEN_FN(gen_fp_from_int)
{
    /* SCVTF, UCVTF: rmode 00, opcode 01u; Rn is a general register. */
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t u = BITS(1);
    c->insn[0] = fp_int_word(rng, t, 0, 2 | u);
    gen_fill_v(rng, c, f);
    for (unsigned i = 0; i < 31; i++)
        c->init.x[i] = gen_int_for_fp(rng);
}

GEN_FN(gen_fp_fixed)
{
    /* sf 0 0 11110 ftype 0 rmode opcode scale Rn Rd: SCVTF 00/010, UCVTF
     * 00/011, FCVTZS 11/000, FCVTZU 11/001; fbits = 64 - scale, and a
     * 32-bit form with scale < 32 is unallocated. */
    static const uint32_t forms[] = {0x02, 0x03, 0x18, 0x19};
    enum gen_fmt f;
    uint32_t t = pick_ftype(rng, &f);
    uint32_t sf = BITS(1);
    uint32_t scale = sf || PCT(3) ? BITS(6) : 32 + BITS(5);
    if (PCT(20))
        scale = PCT(50) ? 63 : sf ? 0 : 32;   /* fbits 1 and the largest */
    uint32_t form = PCT(2) ? BITS(5) : forms[RND(4)];
    unsigned rn = BITS(5), rd = BITS(5);
    c->insn[0] = sf << 31 | 0x1e000000 | t << 22 | form << 16 | scale << 10 | rn << 5 | rd;
    gen_fill_v(rng, c, f);
    for (unsigned i = 0; i < 31; i++)
        c->init.x[i] = gen_int_for_fp(rng);
    /* FCVTZS/FCVTZU: Vn * 2^fbits near the limits of the destination. */
    if ((form & 0x18) && PCT(50)) {
        int limit = (sf ? 63 : 31) + (int)BITS(1);
        c->init.v[rn][0] = gen_fp_near_pow2(rng, f, limit - (64 - (int)scale));
    }
}

GEN_FN(gen_fp_fmov_gen)
{
    /* FMOV Wd<->Sn (sf 0, ftype 00), Xd<->Dn (sf 1, ftype 01), Xd<->Vn.D[1]
     * (sf 1, ftype 10, rmode 01); opcode 110 to general, 111 from general.
     * The other sf/ftype/rmode combinations are unallocated (ftype 11 is
     * FEAT_FP16). */
    static const uint32_t forms[][3] = {{0, 0, 0}, {1, 1, 0}, {1, 2, 1}};
    uint32_t sf, t, rmode;
    if (PCT(8)) {
        sf = BITS(1);
        t = BITS(2);
        rmode = BITS(2);
    } else {
        unsigned k = RND(3);
        sf = forms[k][0];
        t = forms[k][1];
        rmode = forms[k][2];
    }
    uint32_t dir = BITS(1), rn = BITS(5), rd = BITS(5);
    c->insn[0] = sf << 31 | 0x1e200000 | t << 22 | rmode << 19 | (6 | dir) << 16 | rn << 5 | rd;
    gen_fill_v(rng, c, t == 1 ? GEN_D : GEN_S);
}

/* Random words from the scalar FP space: bit 30 = 0, bits 28:25 = 1111. */
GEN_FN(gen_fp_random)
{
    uint32_t w = ((uint32_t)diff_rng_next(rng) & ~0x5e000000u) | 0x1e000000u;
    c->insn[0] = w;
    uint32_t t = (w >> 22) & 3;
    gen_fill_v(rng, c, t == 1 ? GEN_D : t == 3 ? GEN_H : GEN_S);
    if (PCT(50))
        for (unsigned i = 0; i < 31; i++)
            c->init.x[i] = gen_int_for_fp(rng);
}

/* ---- loads and stores of SIMD&FP registers ---------------------------- */

/* size:opc of a single-register SIMD&FP access: B, H, S, D (size 00-11,
 * opc 0L) or Q (size 00, opc 1L); opc 1x with size != 00 is unallocated.
 * Returns log2 of the access size. */
static unsigned pick_fp_size(struct diff_rng *rng, uint32_t *size, uint32_t *opc)
{
    uint32_t l = BITS(1);
    if (PCT(3)) {
        *size = 1 + RND(3);
        *opc = 2 | l;
        return 4;
    }
    unsigned k = RND(5);
    *size = k == 4 ? 0 : k;
    *opc = (k == 4 ? 2 : 0) | l;
    return k;
}

static void fp_ldst_fill(struct diff_rng *rng, struct diff_case *c)
{
    for (unsigned i = 0; i < 32; i++) {
        c->init.v[i][0] = diff_rng_next(rng);
        c->init.v[i][1] = diff_rng_next(rng);
    }
}

GEN_FN(gen_fp_ldst_uimm)
{
    uint32_t size, opc;
    unsigned lg = pick_fp_size(rng, &size, &opc);
    unsigned rn = gen_rand_reg(rng), rt = vreg(rng);
    uint32_t imm12 = PCT(50) ? RND(64) : BITS(12);
    c->insn[0] = size << 30 | 0x3d000000 | opc << 22 | imm12 << 10 | rn << 5 | rt;
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << lg, 1u << lg) - ((uint64_t)imm12 << lg));
    fp_ldst_fill(rng, c);
}

GEN_FN(gen_fp_ldst_simm9)
{
    /* idx 00 unscaled (LDUR/STUR), 01 post, 11 pre; 10 (unprivileged) is
     * unallocated for SIMD&FP. */
    uint32_t size, opc;
    unsigned lg = pick_fp_size(rng, &size, &opc);
    uint32_t idx = PCT(3) ? 2 : (uint32_t[]){0, 1, 3}[RND(3)];
    unsigned rn = gen_rand_reg(rng), rt = vreg(rng);
    uint32_t imm9 = BITS(9);
    c->insn[0] = size << 30 | 0x3c000000 | opc << 22 | imm9 << 12 | idx << 10 | rn << 5 | rt;
    uint64_t off = idx == 1 ? 0 : gen_sext(imm9, 9);
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << lg, 1u << lg) - off);
    fp_ldst_fill(rng, c);
}

GEN_FN(gen_fp_ldst_regoff)
{
    static const uint32_t options[] = {2, 3, 6, 7, 0, 1, 4, 5};
    uint32_t size, opc;
    unsigned lg = pick_fp_size(rng, &size, &opc);
    uint32_t option = options[PCT(3) ? 4 + RND(4) : RND(4)], s = BITS(1);
    unsigned rn = gen_rand_reg(rng), rm = gen_rand_reg(rng), rt = vreg(rng);
    c->insn[0] = size << 30 | 0x3c200800 | opc << 22 | rm << 16 | option << 13 | s << 12 |
                 rn << 5 | rt;
    if (rm != 31 && rm != rn)
        c->init.x[rm] = PCT(50) ? (uint64_t)RND(512) - 256 : c->init.x[rm];
    uint64_t m = gen_get_reg(c, rm);
    if (option == 2)
        m = (uint32_t)m;
    else if (option == 6)
        m = gen_sext(m, 32);
    if (rm != rn || rn == 31)
        gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << lg, 1u << lg) - (m << (s ? lg : 0)));
    fp_ldst_fill(rng, c);
}

GEN_FN(gen_fp_ldst_pair)
{
    /* opc 00 S, 01 D, 10 Q (11 unallocated); idx 00 no-allocate, 01 post,
     * 10 offset, 11 pre. A load pair with Rt == Rt2 is CONSTRAINED
     * UNPREDICTABLE: not generated. */
    uint32_t opc = PCT(3) ? 3 : RND(3), idx = BITS(2), l = BITS(1);
    unsigned rn = gen_rand_reg(rng), rt = vreg(rng), rt2 = vreg(rng);
    if (l && rt == rt2)
        rt2 = (rt + 1 + RND(31)) & 31;
    uint32_t imm7 = PCT(50) ? (uint32_t)(RND(16) - 8) & 0x7f : BITS(7);
    c->insn[0] = opc << 30 | 0x2c000000 | idx << 23 | l << 22 | imm7 << 15 | rt2 << 10 |
                 rn << 5 | rt;
    unsigned scale = 4u << (opc > 2 ? 2 : opc);
    uint64_t off = idx == 1 ? 0 : gen_sext(imm7, 7) * scale;
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, scale, 2 * scale) - off);
    fp_ldst_fill(rng, c);
}

GEN_FN(gen_fp_ldst_literal)
{
    /* LDR St, Dt, Qt (literal): opc 00, 01, 10; 11 is unallocated. */
    uint32_t opc = PCT(3) ? 3 : RND(3);
    uint32_t imm19 = gen_literal_imm19(rng, c, 16);
    unsigned rt = vreg(rng);
    c->insn[0] = opc << 30 | 0x1c000000 | imm19 << 5 | rt;
    fp_ldst_fill(rng, c);
}

/* MSR/MRS of FPCR and FPSR (op0 3, op1 3, CRn 4, CRm 4, op2 0/1): a write
 * of a random value, a read, or a write then a read back. */
GEN_FN(gen_fp_sysreg)
{
    uint32_t op2 = BITS(1);
    unsigned rt = gen_rand_reg(rng), rt2 = gen_rand_reg(rng);
    uint32_t msr = 0xd51b4400 | op2 << 5 | rt, mrs = 0xd53b4400 | op2 << 5 | rt2;
    gen_fill_v(rng, c, GEN_S);
    if (rt != 31 && PCT(70))
        c->init.x[rt] = PCT(50) ? diff_rng_next(rng) : diff_rng_next(rng) & 0x0fc0009fu;
    switch (RND(3)) {
    case 0: c->insn[0] = msr; break;
    case 1: c->insn[0] = mrs; break;
    default:
        c->insn[1] = msr;
        c->insn[2] = mrs;
        c->ninsn = 3;
        break;
    }
}

/* Any of the above, or an Advanced SIMD instruction, with CPACR_EL1.FPEN =
 * 00, 01 or 10: at EL1, 01 lets it run, the others trap (EC 0x07). */
GEN_FN(gen_fp_trap)
{
    static void (*const gens[])(struct diff_rng *, struct diff_case *) = {
        gen_fp_arith, gen_fp_fma, gen_fp_unary, gen_fp_cmp, gen_fp_to_int, gen_fp_from_int,
        gen_fp_fmov_gen, gen_fp_ldst_uimm, gen_fp_ldst_pair, gen_fp_ldst_literal, gen_fp_random,
        gen_simd_3same, gen_simd_copy, gen_simd_ldst_multi, gen_simd_ldst_single, gen_fp_sysreg,
    };
    gens[RND(ARRAY_LEN(gens))](rng, c);
    c->fpen = RND(3);
}
