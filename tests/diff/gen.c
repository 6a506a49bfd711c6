/*
 * Random instruction words by group: the integer groups here, the FP and
 * SIMD ones in gen_fp.c, gen_simd.c and gen_simd_fp.c; the table of all
 * groups and the common case set-up at the end. Each generator fixes the
 * opcode bits of its encodings (Arm ARM C4.1, "A64 instruction set
 * encoding") and draws the fields at random, mostly inside the allocated
 * space and now and then outside it (both sides must then agree the word
 * is UNDEFINED). Memory instructions get their base register set so the
 * access lands in the RAM window most of the time, aligned or not, and
 * sometimes outside it.
 *
 * The three random_* groups draw whole words from the integer classes of the
 * encoding space (data processing, branches/exceptions, loads/stores with
 * V = 0) and keep the base-integer ones; the system-instruction space is
 * left out, and SIMD&FP has groups of its own.
 */
#include <string.h>

#include "gen_util.h"

/* ---- data processing ------------------------------------------------- */

static uint32_t sf_op_s(struct diff_rng *rng)
{
    return BITS(3) << 29;
}

static void gen_addsub_imm(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sfops = sf_op_s(rng), sh = BITS(1), imm12 = BITS(12);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x11000000 | sfops | sh << 22 | imm12 << 10 | rn << 5 | rd;
}

static void gen_addsub_shift(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t shift = PCT(3) ? 3 : RND(3);
    uint32_t imm6 = sf || PCT(3) ? BITS(6) : BITS(5);
    uint32_t ops = BITS(2);
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x0b000000 | sf << 31 | ops << 29 | shift << 22 | rm << 16 | imm6 << 10 |
                 rn << 5 | rd;
}

static void gen_addsub_ext(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t imm3 = PCT(3) ? 5 + RND(3) : RND(5);
    uint32_t sfops = sf_op_s(rng);
    unsigned rm = gen_rand_reg(rng);
    uint32_t option = BITS(3);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x0b200000 | sfops | rm << 16 | option << 13 | imm3 << 10 | rn << 5 | rd;
}

static void gen_addsub_carry(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sfops = sf_op_s(rng);
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x1a000000 | sfops | rm << 16 | rn << 5 | rd;
}

static void gen_logic_imm(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t n = sf || PCT(3) ? BITS(1) : 0;
    uint32_t opc = BITS(2), immr = BITS(6), imms = BITS(6);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x12000000 | sf << 31 | opc << 29 | n << 22 | immr << 16 | imms << 10 | rn << 5 |
                 rd;
}

static void gen_logic_shift(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t imm6 = sf || PCT(3) ? BITS(6) : BITS(5);
    uint32_t opc = BITS(2), shift = BITS(2), neg = BITS(1);
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x0a000000 | sf << 31 | opc << 29 | shift << 22 | neg << 21 | rm << 16 |
                 imm6 << 10 | rn << 5 | rd;
}

static void gen_movewide(struct diff_rng *rng, struct diff_case *c)
{
    static const uint32_t opcs[] = {0, 2, 3, 0, 2, 3, 1};
    uint32_t sf = BITS(1);
    uint32_t hw = sf || PCT(3) ? BITS(2) : BITS(1);
    uint32_t imm16 = PCT(20) ? (PCT(50) ? 0 : 0xffff) : BITS(16);
    uint32_t opc = opcs[RND(7)];
    unsigned rd = gen_rand_reg(rng);
    c->insn[0] = 0x12800000 | sf << 31 | opc << 29 | hw << 21 | imm16 << 5 | rd;
}

static void gen_pcrel(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t op = BITS(1), immlo = BITS(2), immhi = BITS(19);
    unsigned rd = gen_rand_reg(rng);
    c->insn[0] = 0x10000000 | op << 31 | immlo << 29 | immhi << 5 | rd;
}

static void gen_bitfield(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t opc = PCT(3) ? 3 : RND(3);
    uint32_t n = PCT(3) ? !sf : sf;
    uint32_t immr = sf || PCT(3) ? BITS(6) : BITS(5);
    uint32_t imms = sf || PCT(3) ? BITS(6) : BITS(5);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x13000000 | sf << 31 | opc << 29 | n << 22 | immr << 16 | imms << 10 | rn << 5 |
                 rd;
}

static void gen_extract(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t n = PCT(3) ? !sf : sf;
    uint32_t imms = sf || PCT(3) ? BITS(6) : BITS(5);
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x13800000 | sf << 31 | n << 22 | rm << 16 | imms << 10 | rn << 5 | rd;
}

static void gen_shift_var(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    unsigned rm = gen_rand_reg(rng);
    uint32_t op2 = BITS(2);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x1ac02000 | sf << 31 | rm << 16 | op2 << 10 | rn << 5 | rd;
}

static void gen_condcmp(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t o2 = PCT(3), o3 = PCT(3);
    uint32_t sf = BITS(1), op = BITS(1), rm_imm = BITS(5), cond = BITS(4), imm = BITS(1);
    unsigned rn = gen_rand_reg(rng);
    uint32_t nzcv = BITS(4);
    c->insn[0] = 0x3a400000 | sf << 31 | op << 30 | rm_imm << 16 | cond << 12 | imm << 11 |
                 o2 << 10 | rn << 5 | o3 << 4 | nzcv;
}

static void gen_condsel(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t op2 = PCT(3) ? 2 + BITS(1) : BITS(1);
    uint32_t s = PCT(3);
    uint32_t sf = BITS(1), op = BITS(1);
    unsigned rm = gen_rand_reg(rng);
    uint32_t cond = BITS(4);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x1a800000 | sf << 31 | op << 30 | s << 29 | rm << 16 | cond << 12 | op2 << 10 |
                 rn << 5 | rd;
}

static void gen_mul(struct diff_rng *rng, struct diff_case *c)
{
    /* op31 o0: MADD/MSUB (000), SMADDL/SMSUBL (001), SMULH (010, o0 0),
     * UMADDL/UMSUBL (101), UMULH (110, o0 0); anything else rarely. */
    static const uint32_t op31s[] = {0, 0, 1, 2, 5, 6};
    uint32_t op31 = PCT(3) ? BITS(3) : op31s[RND(6)];
    uint32_t sf = op31 ? !PCT(3) : BITS(1);
    uint32_t o0 = (op31 == 2 || op31 == 6) && !PCT(3) ? 0 : BITS(1);
    uint32_t ra = (op31 == 2 || op31 == 6) && PCT(70) ? 31 : gen_rand_reg(rng);
    uint32_t op54 = PCT(2) ? BITS(2) : 0;
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x1b000000 | sf << 31 | op54 << 29 | op31 << 21 | rm << 16 | o0 << 15 | ra << 10 |
                 rn << 5 | rd;
}

static void gen_div(struct diff_rng *rng, struct diff_case *c)
{
    unsigned rm = gen_rand_reg(rng), rn = gen_rand_reg(rng);
    uint32_t sf = BITS(1), o1 = BITS(1);
    unsigned rd = gen_rand_reg(rng);
    c->insn[0] = 0x1ac00800 | sf << 31 | rm << 16 | o1 << 10 | rn << 5 | rd;
    if (rn != 31 && PCT(10))
        c->init.x[rn] = PCT(50) ? 0x8000000000000000ull : 0xffffffff80000000ull;
    if (rm != 31 && PCT(20))
        c->init.x[rm] = PCT(50) ? 0 : ~0ull;
}

static void gen_bitrev(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    uint32_t opcode = PCT(3) ? BITS(6) : RND(6);
    uint32_t op2 = PCT(2) ? BITS(5) : 0;
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x5ac00000 | sf << 31 | op2 << 16 | opcode << 10 | rn << 5 | rd;
}

static void gen_crc32(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sz = BITS(2);
    uint32_t sf = PCT(3) ? BITS(1) : sz == 3;
    unsigned rm = gen_rand_reg(rng);
    uint32_t c_ = BITS(1);
    unsigned rn = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    c->insn[0] = 0x1ac04000 | sf << 31 | rm << 16 | c_ << 12 | sz << 10 | rn << 5 | rd;
}

/* ---- branches -------------------------------------------------------- */

/* A branch offset in instructions, of `bits` bits: often short. */
static uint32_t rand_branch_imm(struct diff_rng *rng, unsigned bits)
{
    if (PCT(50))
        return (uint32_t)(RND(64) - 32) & ((1u << bits) - 1);
    return BITS(bits);
}

static void gen_branch_imm(struct diff_rng *rng, struct diff_case *c)
{
    unsigned rt = gen_rand_reg(rng);
    switch (RND(5)) {
    case 0: { /* B, BL */
        uint32_t link = BITS(1);
        c->insn[0] = 0x14000000 | link << 31 | rand_branch_imm(rng, 26);
        break;
    }
    case 1: { /* B.cond (bit 4 set: BC.cond, FEAT_HBC, UNDEF here) */
        uint32_t imm19 = rand_branch_imm(rng, 19), bc = PCT(3) ? 0x10 : 0, cond = BITS(4);
        c->insn[0] = 0x54000000 | imm19 << 5 | bc | cond;
        break;
    }
    case 2:
    case 3: { /* CBZ, CBNZ */
        uint32_t sf = BITS(1), op = BITS(1), imm19 = rand_branch_imm(rng, 19);
        c->insn[0] = 0x34000000 | sf << 31 | op << 24 | imm19 << 5 | rt;
        if (rt != 31 && PCT(30))
            c->init.x[rt] = PCT(50) ? 0 : (uint64_t)BITS(1) << 32;
        break;
    }
    default: { /* TBZ, TBNZ */
        uint32_t b = BITS(6), op = BITS(1), imm14 = rand_branch_imm(rng, 14);
        c->insn[0] = 0x36000000 | (b >> 5) << 31 | op << 24 | (b & 31) << 19 | imm14 << 5 | rt;
        break;
    }
    }
}

static void gen_branch_reg(struct diff_rng *rng, struct diff_case *c)
{
    static const uint32_t opcs[] = {0x0, 0x1, 0x2}; /* BR, BLR, RET */
    uint32_t opc = opcs[RND(3)];
    unsigned rn = opc == 2 && PCT(50) ? 30 : gen_rand_reg(rng);
    c->insn[0] = 0xd61f0000 | opc << 21 | rn << 5;
    if (rn != 31) {
        unsigned r = RND(10);
        if (r < 6)
            c->init.x[rn] = DIFF_RAM_BASE + (RND(DIFF_RAM_SIZE) & ~3u);
        else if (r < 7)
            c->init.x[rn] = DIFF_RAM_BASE + RND(DIFF_RAM_SIZE);
    }
}

/* Exception generation (SVC, HVC, SMC, BRK, HLT) and the permanently
 * undefined UDF: both sides must agree on the exception and its return
 * address. With no EL2 HVC is UNDEFINED, and HLT is UNDEFINED without
 * halting debug or semihosting; SMC is in the known-differences table. */
static void gen_exception(struct diff_rng *rng, struct diff_case *c)
{
    static const uint32_t forms[] = {
        0xd4000001, /* SVC */
        0xd4000002, /* HVC */
        0xd4000003, /* SMC */
        0xd4200000, /* BRK */
        0xd4400000, /* HLT */
    };
    uint32_t imm16 = PCT(10) ? 0xf000 : BITS(16);
    if (PCT(10))
        c->insn[0] = imm16;   /* UDF #imm16 */
    else if (PCT(5)) { /* the whole space */
        uint32_t opc = BITS(3), ll = BITS(5);
        c->insn[0] = 0xd4000000 | opc << 21 | imm16 << 5 | ll;
    } else
        c->insn[0] = forms[RND(5)] | imm16 << 5;
}

/* ---- loads and stores ------------------------------------------------ */

/* Single register, unsigned scaled offset (C4.1.4 "Load/store register
 * (unsigned immediate)"): size opc pairs as allocated for V = 0, plus the
 * unallocated size 10 opc 11 and size 11 opc 11 now and then. */
static void pick_size_opc(struct diff_rng *rng, uint32_t *size, uint32_t *opc)
{
    *size = BITS(2);
    *opc = BITS(2);
    if (!PCT(3))
        while ((*size == 2 && *opc == 3) || (*size == 3 && *opc >= 2))
            *opc = BITS(2);
}

static void gen_ldst_uimm(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t size, opc;
    pick_size_opc(rng, &size, &opc);
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng);
    uint32_t imm12 = PCT(50) ? RND(64) : BITS(12);
    c->insn[0] = 0x39000000 | size << 30 | opc << 22 | imm12 << 10 | rn << 5 | rt;
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << size, 1u << size) - ((uint64_t)imm12 << size));
}

static void gen_ldst_simm9(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t size, opc;
    pick_size_opc(rng, &size, &opc);
    uint32_t idx = BITS(2); /* 00 unscaled, 01 post, 10 unprivileged, 11 pre */
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng);
    if ((idx & 1) && rt == rn && rn != 31 && !PCT(2))
        rt = gen_rand_reg_not(rng, 1u << rn);
    uint32_t imm9 = BITS(9);
    c->insn[0] = 0x38000000 | size << 30 | opc << 22 | imm9 << 12 | idx << 10 | rn << 5 | rt;
    uint64_t off = idx == 1 ? 0 : gen_sext(imm9, 9);
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << size, 1u << size) - off);
}

static void gen_ldst_reg(struct diff_rng *rng, struct diff_case *c)
{
    static const uint32_t options[] = {2, 3, 6, 7, 2, 3, 6, 7, 0, 1, 4, 5};
    uint32_t size, opc;
    pick_size_opc(rng, &size, &opc);
    uint32_t option = options[PCT(3) ? 8 + RND(4) : RND(8)];
    uint32_t s = BITS(1);
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng), rm = gen_rand_reg(rng);
    c->insn[0] = 0x38200800 | size << 30 | opc << 22 | rm << 16 | option << 13 | s << 12 |
                 rn << 5 | rt;
    if (rm != 31 && rm != rn)
        c->init.x[rm] = PCT(50) ? (uint64_t)RND(512) - 256 : c->init.x[rm];
    uint64_t m = gen_get_reg(c, rm);
    if (option == 2)
        m = (uint32_t)m;
    else if (option == 6)
        m = gen_sext(m, 32);
    uint64_t off = m << (s ? size : 0);
    if (rm != rn || rn == 31)
        gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << size, 1u << size) - off);
}

static void gen_ldst_pair(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t opc = PCT(3) ? 3 : RND(3);    /* W, LDPSW (or STGP: UNDEF), X */
    uint32_t idx = BITS(2);                /* 00 no-allocate, 01 post, 10 offset, 11 pre */
    uint32_t l = BITS(1);
    if (opc == 1 && !PCT(10)) { /* LDPSW; STGP and "LDNPSW" are UNDEF, now and then */
        l = 1;
        idx = 1 + RND(3);
    }
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng), rt2 = gen_rand_reg(rng);
    if (l && rt == rt2 && !PCT(2))
        rt2 = gen_rand_reg_not(rng, 1u << rt);
    if ((idx & 1) && rn != 31 && (rt == rn || rt2 == rn) && !PCT(2))
        rn = 31;
    uint32_t imm7 = PCT(50) ? (uint32_t)(RND(16) - 8) & 0x7f : BITS(7);
    c->insn[0] = 0x28000000 | opc << 30 | idx << 23 | l << 22 | imm7 << 15 | rt2 << 10 | rn << 5 | rt;
    unsigned scale = opc == 2 ? 8 : 4;
    uint64_t off = idx == 1 ? 0 : gen_sext(imm7, 7) * scale;
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, scale, 2 * scale) - off);
}

static void gen_ldst_literal(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t opc = BITS(2); /* LDR W, LDR X, LDRSW, PRFM */
    uint64_t pc = gen_test_pc(c);
    uint32_t imm19;
    if (PCT(90)) {
        uint64_t a = DIFF_RAM_BASE + (RND(DIFF_RAM_SIZE - 8) & ~3u);
        imm19 = (uint32_t)((a - pc) >> 2) & 0x7ffff;
        if (a >= DIFF_RAM_BASE + 16 && a < DIFF_RAM_BASE + DIFF_RAM_SIZE - DIFF_PATCH_SIZE)
            c->patch_off = (uint32_t)(a - DIFF_RAM_BASE - 16);
    } else {
        imm19 = BITS(19);
    }
    c->insn[0] = 0x18000000 | opc << 30 | imm19 << 5 | gen_rand_reg(rng);
}

/* Exclusives (C4.1.4 "Load/store exclusive"): LDXR, LDAXR, STXR, STLXR and
 * the pair forms. A store comes after an LDXR of the same size from the
 * same base register most of the time, so both the success and the failure
 * of the store are tested. */
static void gen_ldst_excl(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t pair = BITS(1), load = BITS(1), o0 = BITS(1);
    uint32_t size = pair ? 2 + BITS(1) : BITS(2);
    if (pair && PCT(3))
        size = BITS(1);                         /* STXP/LDXP with size 0x: UNDEF */
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng), rt2 = pair ? gen_rand_reg(rng) : 31;
    unsigned rs = load ? 31 : gen_rand_reg(rng);
    if (pair && load && rt == rt2 && !PCT(2))
        rt2 = gen_rand_reg_not(rng, 1u << rt);
    if (!load && !PCT(2)) {
        while (rs == rt || (pair && rs == rt2) || (rs == rn && rn != 31))
            rs = gen_rand_reg_not(rng, 0);
    }
    uint32_t word = size << 30 | 0x08000000 | load << 22 | pair << 21 | rs << 16 | o0 << 15 |
                    rt2 << 10 | rn << 5 | rt;
    unsigned bytes = (pair ? 2u : 1u) << size;
    uint64_t a = gen_rand_target(rng, c, bytes, bytes);
    gen_set_reg_sp(c, rn, a);
    if (load || PCT(20)) {
        c->insn[0] = word;
        return;
    }
    /* Set-up: LDXR/LDXP of the same size (mostly) from [Rn] into registers
     * the store does not read. */
    uint32_t avoid = 1u << rs | 1u << rt | 1u << rt2 | 1u << rn;
    unsigned lt = gen_rand_reg_not(rng, avoid), lt2 = pair ? gen_rand_reg_not(rng, avoid | 1u << lt) : 31;
    uint32_t lsize = PCT(90) ? size : BITS(2);
    uint32_t acquire = BITS(1);
    c->insn[1] = lsize << 30 | 0x08400000 | pair << 21 | 31u << 16 | acquire << 15 | lt2 << 10 |
                 rn << 5 | lt;
    c->insn[2] = word;
    c->ninsn = 3;
}

/* Load-acquire / store-release register (LDAR, STLR); o0 = 0 is LDLAR/STLLR
 * (FEAT_LOR), UNDEFINED on ARMv8.0. */
static void gen_ldst_ordered(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t size = BITS(2), load = BITS(1), o0 = PCT(3) ? 0 : 1;
    unsigned rn = gen_rand_reg(rng), rt = gen_rand_reg(rng);
    c->insn[0] = size << 30 | 0x08800000 | load << 22 | 31u << 16 | o0 << 15 | 31u << 10 |
                 rn << 5 | rt;
    gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 1u << size, 1u << size));
}

/* PRFM in all its forms: a hint that never faults, whatever the address. */
static void gen_prfm(struct diff_rng *rng, struct diff_case *c)
{
    unsigned rn = gen_rand_reg(rng), rt = BITS(5);
    switch (RND(4)) {
    case 0: c->insn[0] = 0xf9800000 | BITS(12) << 10 | rn << 5 | rt; break;
    case 1: c->insn[0] = 0xf8800000 | BITS(9) << 12 | rn << 5 | rt; break;
    case 2: {
        unsigned rm = gen_rand_reg(rng);
        uint32_t option = BITS(1) ? 6u : 3u, sh = BITS(1);
        c->insn[0] = 0xf8a00800 | rm << 16 | option << 13 | sh << 12 | rn << 5 | rt;
        break;
    }
    default: c->insn[0] = 0xd8000000 | BITS(19) << 5 | rt; break;
    }
    if (PCT(50))
        gen_set_reg_sp(c, rn, gen_rand_target(rng, c, 8, 8));
}

/* ---- random words from whole classes --------------------------------- */

static void gen_random_dp(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t w = (uint32_t)diff_rng_next(rng);
    if (BITS(1))
        w = (w & ~0x1c000000u) | 0x10000000u;   /* op0 100x: data processing, immediate */
    else
        w = (w & ~0x0e000000u) | 0x0a000000u;   /* op0 x101: data processing, register */
    c->insn[0] = w;
}

static void gen_random_branch(struct diff_rng *rng, struct diff_case *c)
{
    for (;;) {
        uint32_t w = ((uint32_t)diff_rng_next(rng) & ~0x1c000000u) | 0x14000000u; /* op0 101x */
        /* System instructions (hints, barriers, MSR, MRS, SYS) are not in
         * this test; ERET and DRPS would leave the two CPUs in states the
         * case does not reset. */
        if ((w & 0xffc00000u) == 0xd5000000u)
            continue;
        if ((w & 0xfe000000u) == 0xd6000000u && ((w >> 21) & 0xe) == 0x4)
            continue;
        c->insn[0] = w;
        if ((w & 0xfe000000u) == 0xd6000000u) {   /* register branch: aim it at RAM */
            unsigned rn = (w >> 5) & 31;
            if (rn != 31 && PCT(60))
                c->init.x[rn] = DIFF_RAM_BASE + (RND(DIFF_RAM_SIZE) & ~3u);
        }
        return;
    }
}

static void gen_random_ldst(struct diff_rng *rng, struct diff_case *c)
{
    /* op0 x1x0 with V (bit 26) = 0: general-purpose loads and stores. */
    uint32_t w = ((uint32_t)diff_rng_next(rng) & ~0x0e000000u) | 0x08000000u;
    c->insn[0] = w;
    /* Most registers point into RAM, so some accesses hit it. */
    for (int i = 0; i < 31; i++)
        if (PCT(70))
            c->init.x[i] = DIFF_RAM_BASE + 256 + RND(DIFF_RAM_SIZE - 512);
    c->init.sp = DIFF_RAM_BASE + 256 + (RND(DIFF_RAM_SIZE - 512) & ~15u);
}

/* ---- a flag-setting instruction and a flag reader ---------------------- */

/* A value for a comparison's second operand, related to the first so that
 * equal, adjacent, sign-boundary and 32-bit-boundary cases come up often. */
static uint64_t related_value(struct diff_rng *rng, uint64_t v)
{
    switch (RND(9)) {
    case 0: return v;
    case 1: return v + 1;
    case 2: return v - 1;
    case 3: return ~v;
    case 4: return 0;
    case 5: return 1ull << 63;
    case 6: return (1ull << 63) - 1;
    case 7: return v ^ 1ull << 31;
    default: return gen_rand_value(rng);
    }
}

/* insn[1] sets NZCV (SUBS/CMP, ADDS/CMN by immediate or shifted register,
 * ANDS, CCMP/CCMN), insn[2] reads it (B.cond, CSEL and the other
 * conditional selects, CCMP/CCMN, ADC/SBC, MRS NZCV): the flags left by
 * one run-loop form and read by the next. */
static void gen_flags_pair(struct diff_rng *rng, struct diff_case *c)
{
    uint32_t sf = BITS(1);
    unsigned rn = gen_rand_reg(rng), rm = gen_rand_reg(rng), rd = gen_rand_reg(rng);
    /* Register 31 (SP or XZR) keeps the case's own value. */
    uint64_t a = rn == 31 ? 0 : c->init.x[rn];
    if (rn != 31 && PCT(30))
        a = c->init.x[rn] = (uint32_t)gen_rand_value(rng);
    uint32_t set;
    switch (RND(6)) {
    case 0:
    case 1: { /* ADDS/SUBS (immediate), mostly SUBS/CMP */
        uint32_t sh = PCT(20), imm12 = BITS(12), op = !PCT(20);
        if (PCT(40))
            imm12 = (uint32_t)(sh ? a >> 12 : a) & 0xfff;
        if (rn != 31 && PCT(30))
            c->init.x[rn] = (uint64_t)imm12 << (sh ? 12 : 0);
        set = 0x31000000 | sf << 31 | op << 30 | sh << 22 | imm12 << 10 | rn << 5 | (PCT(50) ? 31 : rd);
        break;
    }
    case 2:
    case 3: { /* ADDS/SUBS (shifted register) */
        uint32_t shift = RND(3), imm6 = PCT(60) ? 0 : sf ? BITS(6) : BITS(5), op = !PCT(20);
        if (rm != rn && rm != 31)
            c->init.x[rm] = related_value(rng, a);
        set = 0x2b000000 | sf << 31 | op << 30 | shift << 22 | rm << 16 | imm6 << 10 | rn << 5 |
              (PCT(50) ? 31 : rd);
        break;
    }
    case 4: { /* ANDS (shifted register), TST */
        uint32_t shift = BITS(2), imm6 = sf ? BITS(6) : BITS(5);
        set = 0x6a000000 | sf << 31 | shift << 22 | rm << 16 | imm6 << 10 | rn << 5 | rd;
        break;
    }
    default: { /* CCMP/CCMN, register or immediate */
        uint32_t op = !PCT(20), imm = BITS(1), cond = BITS(4), nzcv = BITS(4), rm_imm = BITS(5);
        if (!imm && rm != rn && rm != 31)
            c->init.x[rm] = related_value(rng, a);
        set = 0x3a400000 | sf << 31 | op << 30 | (imm ? rm_imm : rm) << 16 | cond << 12 |
              imm << 11 | rn << 5 | nzcv;
        break;
    }
    }
    uint32_t use, cond = BITS(4), usf = BITS(1);
    unsigned un = gen_rand_reg(rng), um = gen_rand_reg(rng), ud = gen_rand_reg(rng);
    switch (RND(6)) {
    case 0:
    case 1: /* B.cond */
        use = 0x54000000 | rand_branch_imm(rng, 19) << 5 | cond;
        break;
    case 2: /* CSEL, CSINC, CSINV, CSNEG */
        use = 0x1a800000 | usf << 31 | BITS(1) << 30 | um << 16 | cond << 12 | BITS(1) << 10 |
              un << 5 | ud;
        break;
    case 3: /* CCMP/CCMN */
        use = 0x3a400000 | usf << 31 | BITS(1) << 30 | um << 16 | cond << 12 | BITS(1) << 11 |
              un << 5 | BITS(4);
        break;
    case 4: /* ADC, ADCS, SBC, SBCS */
        use = 0x1a000000 | usf << 31 | BITS(2) << 29 | um << 16 | un << 5 | ud;
        break;
    default: /* MRS Xt, NZCV */
        use = 0xd53b4200 | ud;
        break;
    }
    c->insn[1] = set;
    c->insn[2] = use;
    c->ninsn = 3;
}

const struct diff_group diff_groups[] = {
    {"addsub_imm", DIFF_FAM_INT, gen_addsub_imm},
    {"addsub_shift", DIFF_FAM_INT, gen_addsub_shift},
    {"addsub_ext", DIFF_FAM_INT, gen_addsub_ext},
    {"addsub_carry", DIFF_FAM_INT, gen_addsub_carry},
    {"logic_imm", DIFF_FAM_INT, gen_logic_imm},
    {"logic_shift", DIFF_FAM_INT, gen_logic_shift},
    {"movewide", DIFF_FAM_INT, gen_movewide},
    {"pcrel", DIFF_FAM_INT, gen_pcrel},
    {"bitfield", DIFF_FAM_INT, gen_bitfield},
    {"extract", DIFF_FAM_INT, gen_extract},
    {"shift_var", DIFF_FAM_INT, gen_shift_var},
    {"condcmp", DIFF_FAM_INT, gen_condcmp},
    {"condsel", DIFF_FAM_INT, gen_condsel},
    {"mul", DIFF_FAM_INT, gen_mul},
    {"div", DIFF_FAM_INT, gen_div},
    {"bitrev_clz", DIFF_FAM_INT, gen_bitrev},
    {"crc32", DIFF_FAM_INT, gen_crc32},
    {"branch_imm", DIFF_FAM_INT, gen_branch_imm},
    {"branch_reg", DIFF_FAM_INT, gen_branch_reg},
    {"exception", DIFF_FAM_INT, gen_exception},
    {"ldst_uimm", DIFF_FAM_INT, gen_ldst_uimm},
    {"ldst_simm9", DIFF_FAM_INT, gen_ldst_simm9},
    {"ldst_regoff", DIFF_FAM_INT, gen_ldst_reg},
    {"ldst_pair", DIFF_FAM_INT, gen_ldst_pair},
    {"ldst_literal", DIFF_FAM_INT, gen_ldst_literal},
    {"ldst_excl", DIFF_FAM_INT, gen_ldst_excl},
    {"ldst_ordered", DIFF_FAM_INT, gen_ldst_ordered},
    {"prfm", DIFF_FAM_INT, gen_prfm},
    {"random_dp", DIFF_FAM_INT, gen_random_dp},
    {"random_branch", DIFF_FAM_INT, gen_random_branch},
    {"random_ldst", DIFF_FAM_INT, gen_random_ldst},
    {"flags_pair", DIFF_FAM_INT, gen_flags_pair},
    {"fp_arith", DIFF_FAM_FP, gen_fp_arith},
    {"fp_minmax", DIFF_FAM_FP, gen_fp_minmax},
    {"fp_fma", DIFF_FAM_FP, gen_fp_fma},
    {"fp_unary", DIFF_FAM_FP, gen_fp_unary},
    {"fp_frint", DIFF_FAM_FP, gen_fp_frint},
    {"fp_cvt_prec", DIFF_FAM_FP, gen_fp_cvt_prec},
    {"fp_cmp", DIFF_FAM_FP, gen_fp_cmp},
    {"fp_ccmp", DIFF_FAM_FP, gen_fp_ccmp},
    {"fp_csel", DIFF_FAM_FP, gen_fp_csel},
    {"fp_fmov_imm", DIFF_FAM_FP, gen_fp_fmov_imm},
    {"fp_to_int", DIFF_FAM_FP, gen_fp_to_int},
    {"fp_from_int", DIFF_FAM_FP, gen_fp_from_int},
    {"fp_fixed", DIFF_FAM_FP, gen_fp_fixed},
    {"fp_fmov_gen", DIFF_FAM_FP, gen_fp_fmov_gen},
    {"fp_random", DIFF_FAM_FP, gen_fp_random},
    {"fp_ldst_uimm", DIFF_FAM_FP, gen_fp_ldst_uimm},
    {"fp_ldst_simm9", DIFF_FAM_FP, gen_fp_ldst_simm9},
    {"fp_ldst_regoff", DIFF_FAM_FP, gen_fp_ldst_regoff},
    {"fp_ldst_pair", DIFF_FAM_FP, gen_fp_ldst_pair},
    {"fp_ldst_literal", DIFF_FAM_FP, gen_fp_ldst_literal},
    {"fp_trap", DIFF_FAM_FP, gen_fp_trap},
    {"fp_sysreg", DIFF_FAM_FP, gen_fp_sysreg},
    {"simd_3same", DIFF_FAM_SIMD, gen_simd_3same},
    {"simd_3same_s", DIFF_FAM_SIMD, gen_simd_3same_s},
    {"simd_3diff", DIFF_FAM_SIMD, gen_simd_3diff},
    {"simd_2misc", DIFF_FAM_SIMD, gen_simd_2misc},
    {"simd_2misc_s", DIFF_FAM_SIMD, gen_simd_2misc_s},
    {"simd_across", DIFF_FAM_SIMD, gen_simd_across},
    {"simd_elem", DIFF_FAM_SIMD, gen_simd_elem},
    {"simd_shift", DIFF_FAM_SIMD, gen_simd_shift},
    {"simd_modimm", DIFF_FAM_SIMD, gen_simd_modimm},
    {"simd_perm", DIFF_FAM_SIMD, gen_simd_perm},
    {"simd_ext", DIFF_FAM_SIMD, gen_simd_ext},
    {"simd_tbl", DIFF_FAM_SIMD, gen_simd_tbl},
    {"simd_copy", DIFF_FAM_SIMD, gen_simd_copy},
    {"simd_crypto", DIFF_FAM_SIMD, gen_simd_crypto},
    {"simd_ldst_multi", DIFF_FAM_SIMD, gen_simd_ldst_multi},
    {"simd_ldst_single", DIFF_FAM_SIMD, gen_simd_ldst_single},
    {"simdfp_3same", DIFF_FAM_SIMDFP, gen_simdfp_3same},
    {"simdfp_2misc", DIFF_FAM_SIMDFP, gen_simdfp_2misc},
    {"simdfp_across", DIFF_FAM_SIMDFP, gen_simdfp_across},
    {"simdfp_elem", DIFF_FAM_SIMDFP, gen_simdfp_elem},
    {"simdfp_shift", DIFF_FAM_SIMDFP, gen_simdfp_shift},
    {"simdfp_fmov_imm", DIFF_FAM_SIMDFP, gen_simdfp_fmov_imm},
    {"simd_random", DIFF_FAM_SIMDFP, gen_simd_random},
};
const unsigned diff_group_count = sizeof(diff_groups) / sizeof(diff_groups[0]);

#define A64_CLREX 0xd503305fu

void diff_gen_case(uint64_t seed, uint64_t id, unsigned group, struct diff_case *c)
{
    struct diff_rng r, *rng = &r;
    diff_rng_seed(rng, seed * 0x9e3779b97f4a7c15ull ^ id);
    memset(c, 0, sizeof(*c));
    c->id = id;
    c->group = group;
    for (int i = 0; i < 31; i++)
        c->init.x[i] = gen_rand_value(rng);
    c->init.sp = PCT(80) ? DIFF_RAM_BASE + 256 + (RND(DIFF_RAM_SIZE - 512) & ~15u) : gen_rand_value(rng);
    c->init.nzcv = BITS(4) << 28;
    for (unsigned i = 0; i < DIFF_PATCH_SIZE; i += 8) {
        uint64_t v = diff_rng_next(rng);
        memcpy(c->patch + i, &v, 8);
    }
    c->patch_off = RND(DIFF_RAM_SIZE - DIFF_PATCH_SIZE);
    /* SIMD&FP state from a stream of its own, so drawing it does not change
     * the integer groups' cases; FP and SIMD generators set it again to
     * suit their instructions. */
    struct diff_rng vr;
    diff_rng_seed(&vr, (seed ^ 0x73696d64ull) * 0x9e3779b97f4a7c15ull ^ id);
    for (unsigned i = 0; i < 32; i++) {
        c->init.v[i][0] = diff_rng_next(&vr);
        c->init.v[i][1] = diff_rng_next(&vr);
    }
    c->init.fpcr = gen_fpcr(&vr);
    c->fpen = 3;
    /* Room for CLREX + up to two words, all in the code page. */
    c->code_addr = DIFF_CODE_BASE + 4 * RND(DIFF_CODE_SIZE / 4 - DIFF_MAX_INSNS);
    c->ninsn = 2;
    /* Generators write insn[0] for the word under test; the ones with a
     * set-up word write insn[1..2] and ninsn themselves. Shift into place
     * after CLREX. */
    diff_groups[group].gen(rng, c);
    if (c->ninsn == 2)
        c->insn[1] = c->insn[0];
    c->insn[0] = A64_CLREX;
}
