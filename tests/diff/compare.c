/*
 * The comparison: exception kind, X0-X30, SP, PC (the preferred return
 * address when an exception was taken), NZCV, V0-V31, FPCR, FPSR and every
 * byte of RAM that changed. Two kinds of difference are not failures, and
 * both are counted and reported apart from the matches:
 *
 *  - the word under test is CONSTRAINED UNPREDICTABLE (Arm ARM K1.2), e.g. a
 *    load with writeback to its own base register: any of the permitted
 *    behaviours is right, so the two need not agree;
 *  - the difference is one listed in known_diffs[] below: a place where
 *    Unicorn (QEMU 5.0) and armvirt each do something defensible, or where
 *    Unicorn is known to be wrong. Each entry names its rule, says why, and
 *    matches only that exact difference.
 */
#include "compare.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <string.h>

#define RT(w) ((w)&31u)
#define RN(w) (((w) >> 5) & 31u)
#define RT2(w) (((w) >> 10) & 31u)
#define RS(w) (((w) >> 16) & 31u)
#define ESR_FSC(esr) ((esr)&0x3fu)
/* ESR_ELx.DFSC values (Arm ARM D17.2.37). */
#define FSC_ADDR_SIZE_L0 0x00u
#define FSC_ALIGNMENT 0x21u

static const char *const exc_names[DIFF_EXC_COUNT] = {
    "none", "undef", "svc", "hvc", "smc", "brk", "data-abort", "bus-error",
    "pc-align", "sp-align", "other",
};

const char *diff_exc_name(unsigned exc)
{
    return exc < DIFF_EXC_COUNT ? exc_names[exc] : "?";
}

static uint32_t test_word(const struct diff_case *c)
{
    return c->insn[c->ninsn - 1];
}

static bool is_excl(uint32_t w)   /* load/store exclusive, LDAR/STLR, LDLAR/STLLR */
{
    return (w & 0x3f000000u) == 0x08000000u;
}

static bool is_excl_store(uint32_t w)   /* STXR, STLXR, STXP, STLXP */
{
    return (w & 0x3fc00000u) == 0x08000000u;
}

static bool is_ordered(uint32_t w)      /* LDAR, STLR (o2 = 1, o1 = 0, o0 = 1) */
{
    return (w & 0x3fa08000u) == 0x08808000u;
}

/* Arm ARM K1.2 cases our generators and the random groups can produce. */
static bool constrained_unpredictable(uint32_t w)
{
    /* Single register, pre/post-indexed: Rt == Rn (C6.2 LDR (immediate),
     * "writeback with Rt == Rn", and the same for stores). */
    if ((w & 0x3f200400u) == 0x38000400u && RT(w) == RN(w) && RN(w) != 31)
        return true;
    /* Pairs with writeback: Rt or Rt2 == Rn. */
    if ((w & 0x3c800000u) == 0x28800000u && RN(w) != 31 && (RT(w) == RN(w) || RT2(w) == RN(w)))
        return true;
    /* Load pair: Rt == Rt2. */
    if ((w & 0x3c400000u) == 0x28400000u && RT(w) == RT2(w))
        return true;
    if (is_excl(w)) {
        bool pair = (w >> 21) & 1, load = (w >> 22) & 1, excl = !((w >> 23) & 1);
        /* Should-be-one fields (Rs of loads, Rt2 of single forms): CONSTRAINED
         * UNPREDICTABLE when not all ones. */
        if ((load || !excl) && RS(w) != 31)
            return true;
        if (!pair && RT2(w) != 31)
            return true;
        if (excl && load && pair && RT(w) == RT2(w))
            return true;
        if (excl && !load &&
            (RS(w) == RT(w) || (pair && RS(w) == RT2(w)) || (RS(w) == RN(w) && RN(w) != 31)))
            return true;
    }
    return false;
}

/* ---- the known differences ------------------------------------------- */

static bool state_equal(const struct diff_state *a, const struct diff_state *b)
{
    return memcmp(a->x, b->x, sizeof(a->x)) == 0 && a->sp == b->sp && a->pc == b->pc &&
           a->nzcv == b->nzcv && a->fpcr == b->fpcr && a->fpsr == b->fpsr &&
           memcmp(a->v, b->v, sizeof(a->v)) == 0;
}

static bool mem_equal(const struct diff_result *a, const struct diff_result *b)
{
    return a->nmem == b->nmem && a->mem_hash == b->mem_hash;
}

/* SMC at EL1. armvirt models the virt board as QEMU runs it by default, with
 * no EL3, where SMC is UNDEFINED (Arm ARM C6.2 SMC); Unicorn's cortex-a57
 * has EL3 and reports the SMC exception. */
static bool known_smc_no_el3(const struct diff_case *c, const struct diff_result *ours,
                             const struct diff_result *ref)
{
    struct diff_state st = ours->st;
    st.pc += 4; /* SMC's preferred return address is the next instruction */
    return (test_word(c) & 0xffe0001fu) == 0xd4000003u && ours->exc == DIFF_EXC_UNDEF &&
           ref->exc == DIFF_EXC_SMC && ours->exc_pc == c->code_addr + 4 * (c->ninsn - 1) &&
           state_equal(&st, &ref->st) && mem_equal(ours, ref);
}

/* A store made of several single-copy atomic accesses (STP, a misaligned
 * STR, ST1-ST4 of several elements) that faults on a later one. The
 * architecture does not order or undo the parts of such a store when one
 * aborts (Arm ARM B2.2, single-copy atomicity), and an element that is not
 * aligned to its size is itself several accesses. Unicorn writes every
 * access before the fault, down to the bytes of the element that crosses
 * into unmapped memory; armvirt writes whole elements before the fault, or
 * for the general-purpose and SIMD&FP register stores nothing. Each byte
 * armvirt wrote, Unicorn must have written with the same value; registers
 * and the exception must still agree. */
static bool mem_subset(const struct diff_result *a, const struct diff_result *b)
{
    uint32_t j = 0;
    if (a->nmem > DIFF_MAX_MEMDIFF || b->nmem > DIFF_MAX_MEMDIFF)
        return false;
    for (uint32_t i = 0; i < a->nmem; i++) {
        while (j < b->nmem && b->mem[j].off < a->mem[i].off)
            j++;
        if (j == b->nmem || b->mem[j].off != a->mem[i].off || b->mem[j].val != a->mem[i].val)
            return false;
    }
    return true;
}

static bool known_partial_store(const struct diff_case *c, const struct diff_result *ours,
                                const struct diff_result *ref)
{
    (void)c;
    return ours->exc == ref->exc && (ours->exc == DIFF_EXC_BUS || ours->exc == DIFF_EXC_DABT) &&
           ours->nmem < ref->nmem && ref->nmem < 64 && mem_subset(ours, ref) &&
           state_equal(&ours->st, &ref->st);
}

/* A misaligned exclusive or ordered access must fault whatever SCTLR_EL1.A
 * says (Arm ARM B2.5.2). QEMU 5.0 checks the alignment of a store-exclusive
 * only once the monitor matches (a misaligned STXR whose reservation is gone
 * just returns status 1), and Unicorn 2.0 does not check LDAR/STLR. armvirt
 * faults; Unicorn must then have made no access at all, or for a store-
 * exclusive only written its status register with 1. */
static bool known_misaligned_excl(const struct diff_case *c, const struct diff_result *ours,
                                  const struct diff_result *ref)
{
    /* The faulting word: the one under test or the LDXR set up before it. */
    uint64_t i = (ours->exc_pc - c->code_addr) / 4;
    if (ours->exc != DIFF_EXC_DABT || ESR_FSC(ours->exc_detail) != FSC_ALIGNMENT ||
        ours->exc_pc < c->code_addr || i >= c->ninsn)
        return false;
    uint32_t w = c->insn[i];
    if (!is_excl(w))
        return false;
    /* An alignment fault has priority over an external abort on the same
     * access (Arm ARM, prioritisation of synchronous aborts): where Unicorn
     * missed the alignment check it went on to the unmapped address. */
    if (ref->exc == DIFF_EXC_BUS) /* the part before the page boundary may be written */
        return ours->nmem == 0 && ref->nmem <= 16 && state_equal(&ours->st, &ref->st);
    if (ref->exc != DIFF_EXC_NONE)
        return false;
    /* Unicorn made the access (LDAR/STLR: it has no alignment check). */
    struct diff_state expect = ours->st;
    expect.pc = ref->st.pc;
    if (is_ordered(w)) {
        bool load = (w >> 22) & 1;
        if (load && RT(w) != 31)
            expect.x[RT(w)] = ref->st.x[RT(w)];
        return ours->nmem == 0 && ref->nmem <= 8 && state_equal(&expect, &ref->st);
    }
    if (!is_excl_store(w) || ref->nmem != 0)
        return false;
    if (RS(w) != 31)
        expect.x[RS(w)] = 1;
    return state_equal(&expect, &ref->st);
}

/* LDXR of one size, then a store-exclusive of another size to the same
 * address: whether the store succeeds is CONSTRAINED UNPREDICTABLE (Arm ARM
 * B2.9, exclusive access instructions). armvirt fails it (status 1, nothing
 * written). QEMU 5.0 compares memory at the store's size with the loaded
 * value truncated to it, so it usually writes, but reports status 0 only if
 * the loaded value fits the store's size: often a write with status 1,
 * which is QEMU's error, not a permitted behaviour. */
static bool known_excl_size_mismatch(const struct diff_case *c, const struct diff_result *ours,
                                     const struct diff_result *ref)
{
    uint32_t w = test_word(c), setup = c->insn[1];
    if (c->ninsn != 3 || !is_excl_store(w) || ours->exc != DIFF_EXC_NONE || ref->exc != DIFF_EXC_NONE)
        return false;
    /* Same size: bits 31:30 and the pair bit 21 agree. */
    if (((w ^ setup) & 0xc0200000u) == 0 || ours->nmem != 0 || ref->nmem > 16)
        return false;
    if (RS(w) == 31) /* status to WZR */
        return state_equal(&ref->st, &ours->st);
    struct diff_state st = ref->st;
    st.x[RS(w)] = ours->st.x[RS(w)];
    return ours->st.x[RS(w)] == 1 && state_equal(&st, &ours->st);
}

/* With the MMU off, an address above the implemented physical address size
 * (44 bits on Cortex-A57) is an address size fault, level 0 (Arm ARM
 * pseudocode for stage 1 disabled, AArch64.TranslateAddressS1Off). QEMU 5.0
 * does not check it and reports the access as unmapped; armvirt takes the
 * fault. Nothing may have changed. */
static bool known_addr_size_mmu_off(const struct diff_case *c, const struct diff_result *ours,
                                    const struct diff_result *ref)
{
    (void)c;
    return ours->exc == DIFF_EXC_DABT && ESR_FSC(ours->exc_detail) == FSC_ADDR_SIZE_L0 &&
           ref->exc == DIFF_EXC_BUS && ours->nmem == 0 && ref->nmem == 0 &&
           state_equal(&ours->st, &ref->st);
}

/* CPACR_EL1.FPEN = 00 or 10 disables SIMD&FP at EL1, so any instruction
 * that touches V registers, FPCR or FPSR traps with EC 0x07, "access to
 * SIMD or floating-point functionality" (Arm ARM D17.2.30 CPACR_EL1 and
 * the ESR_ELx exception classes). Unicorn 2.0, as driven here (CPACR_EL1
 * written through uc_reg_write, as UC_ARM64_REG_CPACR_EL1 or as a system
 * register), never takes this trap: it runs the instruction as if FPEN
 * were 11. armvirt must have trapped with nothing changed; Unicorn's
 * result says nothing. */
static bool known_fp_trap_unicorn(const struct diff_case *c, const struct diff_result *ours,
                                  const struct diff_result *ref)
{
    (void)ref;
    /* The trap comes on the first SIMD&FP word after CLREX (the set-up word
     * when there is one), before anything changed. */
    struct diff_state st = c->init;
    st.pc = c->code_addr + 4;
    return (c->fpen == 0 || c->fpen == 2) && ours->exc == DIFF_EXC_UNDEF &&
           (ours->exc_detail >> 26) == 0x07 && ours->exc_pc == st.pc && ours->nmem == 0 &&
           state_equal(&ours->st, &st);
}

/* A SIMD&FP load of several registers (LDP/LDNP of S, D or Q registers)
 * that takes a data abort part-way: QEMU 5.0 writes each register as its
 * access completes, so the ones before the fault are loaded; armvirt
 * leaves all of them as they were. A load that takes a synchronous Data
 * Abort leaves the registers it was loading UNKNOWN (Arm ARM, exception
 * entry on a synchronous Data Abort), so both are right; armvirt's must be
 * unchanged, and everything else, and the exception, must agree. */
static bool is_fp_load_multi(uint32_t w)
{
    return (w & 0x3e400000u) == 0x2c400000u;   /* LDP/LDNP, V = 1 */
}

static uint32_t loaded_v_regs(uint32_t w)
{
    return 1u << RT(w) | 1u << RT2(w);
}

static bool known_fp_load_partial(const struct diff_case *c, const struct diff_result *ours,
                                  const struct diff_result *ref)
{
    uint32_t w = test_word(c);
    if (!is_fp_load_multi(w) || ours->exc != ref->exc ||
        (ours->exc != DIFF_EXC_BUS && ours->exc != DIFF_EXC_DABT) || !mem_equal(ours, ref))
        return false;
    uint32_t regs = loaded_v_regs(w);
    struct diff_state st = ref->st;
    for (unsigned i = 0; i < 32; i++)
        if (regs >> i & 1) {
            if (memcmp(ours->st.v[i], c->init.v[i], 16) != 0)
                return false;
            memcpy(st.v[i], ours->st.v[i], 16);
        }
    return state_equal(&st, &ours->st);
}

/* The crypto extension: AES, SHA1, SHA256 and 64-bit PMULL/PMULL2
 * (FEAT_AES with PMULL, FEAT_SHA1, FEAT_SHA256). QEMU's cortex-a57
 * advertises them in ID_AA64ISAR0_EL1 and runs them; armvirt advertises
 * only CRC32 there, so they are UNDEFINED (issue 3 allows either, as long
 * as the ID registers say which). armvirt must have taken the UNDEF on the
 * word with nothing changed. */
static bool is_crypto(uint32_t w)
{
    return (w & 0xbfe0fc00u) == 0x0ee0e000u ||   /* PMULL{2} .1Q */
           (w & 0xffffcc00u) == 0x4e284800u ||   /* AESE, AESD, AESMC, AESIMC */
           (w & 0xffe08c00u) == 0x5e000000u ||   /* SHA1C..SHA256SU1 (three registers) */
           (w & 0xffffcc00u) == 0x5e280800u;     /* SHA1H, SHA1SU1, SHA256SU0 */
}

static bool known_crypto_not_advertised(const struct diff_case *c, const struct diff_result *ours,
                                        const struct diff_result *ref)
{
    struct diff_state st = c->init;
    st.pc = c->code_addr + 4 * (c->ninsn - 1);
    return is_crypto(test_word(c)) && ref->exc == DIFF_EXC_NONE && ours->exc == DIFF_EXC_UNDEF &&
           (ours->exc_detail >> 26) == 0 && ours->exc_pc == st.pc && ours->nmem == 0 &&
           state_equal(&ours->st, &st);
}

struct known_diff {
    const char *name;
    bool (*match)(const struct diff_case *c, const struct diff_result *ours,
                  const struct diff_result *ref);
};

static const struct known_diff known_diffs[] = {
    {"smc-without-el3", known_smc_no_el3},
    {"partial-store-on-fault", known_partial_store},
    {"misaligned-exclusive-unicorn", known_misaligned_excl},
    {"address-size-mmu-off", known_addr_size_mmu_off},
    {"exclusive-size-mismatch", known_excl_size_mismatch},
    {"fp-trap-unicorn", known_fp_trap_unicorn},
    {"fp-load-partial-on-abort", known_fp_load_partial},
    {"crypto-not-advertised", known_crypto_not_advertised},
};

enum diff_verdict diff_compare(const struct diff_case *c, const struct diff_result *ours,
                               const struct diff_result *ref, const char **why)
{
    if (why)
        *why = NULL;
    /* With SIMD&FP disabled, agreeing with Unicorn proves nothing (it never
     * traps): every word the FPEN groups generate touches SIMD&FP state, so
     * armvirt must take the access trap, or UNDEF where Unicorn does too. */
    if ((c->fpen == 0 || c->fpen == 2) && ours->exc != DIFF_EXC_UNDEF)
        return DIFF_MISMATCH;
    bool same = ours->exc == ref->exc && state_equal(&ours->st, &ref->st) &&
                (ours->exc == DIFF_EXC_NONE || ours->exc_pc == ref->exc_pc) && mem_equal(ours, ref);
    if (same)
        return DIFF_MATCH;
    if (constrained_unpredictable(test_word(c))) {
        if (why)
            *why = "constrained-unpredictable";
        return DIFF_UNPREDICTABLE;
    }
    for (size_t i = 0; i < sizeof(known_diffs) / sizeof(known_diffs[0]); i++)
        if (known_diffs[i].match(c, ours, ref)) {
            if (why)
                *why = known_diffs[i].name;
            return DIFF_KNOWN;
        }
    return DIFF_MISMATCH;
}

/* ---- reporting ------------------------------------------------------- */

static void disasm(uint32_t w, uint64_t pc, char *buf, size_t len)
{
    static csh cs;
    static int state; /* 0 untried, 1 open, -1 unavailable */
    snprintf(buf, len, "?");
    if (state == 0)
        state = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK ? 1 : -1;
    if (state < 0)
        return;
    cs_insn *insn;
    size_t n = cs_disasm(cs, (const uint8_t *)&w, 4, pc, 1, &insn);
    if (n == 1) {
        snprintf(buf, len, "%.31s %.120s", insn->mnemonic, insn->op_str);
        cs_free(insn, n);
    } else {
        snprintf(buf, len, "(undefined)");
    }
}

/* The scalar registers of a report: X0-X30, SP, PC, NZCV, FPCR, FPSR. */
#define REPORT_REGS 36

static void print_reg_name(FILE *f, unsigned i)
{
    static const char *const names[] = {"sp ", "pc ", "nzcv", "fpcr", "fpsr"};
    if (i < 31)
        fprintf(f, "x%-2u", i);
    else
        fprintf(f, "%s", names[i - 31]);
}

static uint64_t state_reg(const struct diff_state *s, unsigned i)
{
    if (i < 31)
        return s->x[i];
    switch (i) {
    case 31: return s->sp;
    case 32: return s->pc;
    case 33: return s->nzcv;
    case 34: return s->fpcr;
    default: return s->fpsr;
    }
}

static void print_v(FILE *f, const uint64_t v[2])
{
    fprintf(f, "%016" PRIx64 ":%016" PRIx64, v[1], v[0]);
}

/* The V registers a word may name, as a mask: Rd/Rt and Rn with the three
 * after each (LD2-LD4 and TBL register lists), Ra/Rt2 and Rm. */
static uint32_t v_regs_of(uint32_t w)
{
    uint32_t m = 1u << ((w >> 10) & 31) | 1u << ((w >> 16) & 31);
    for (unsigned k = 0; k < 4; k++)
        m |= 1u << ((w + k) & 31) | 1u << (((w >> 5) + k) & 31);
    return m;
}

static void print_mem(FILE *f, const char *who, const struct diff_result *r)
{
    fprintf(f, "    %s wrote %u byte(s):", who, r->nmem);
    for (uint32_t i = 0; i < r->nmem && i < DIFF_MAX_MEMDIFF; i++)
        fprintf(f, "%s%#" PRIx64 "=%02x", i % 8 ? " " : "\n      ",
                (uint64_t)DIFF_RAM_BASE + r->mem[i].off, r->mem[i].val);
    fprintf(f, "\n");
}

void diff_report(FILE *f, const struct diff_case *c, const struct diff_result *ours,
                 const struct diff_result *ref)
{
    char text[160];
    for (uint32_t i = 0; i < c->ninsn; i++) {
        uint64_t pc = c->code_addr + 4 * i;
        disasm(c->insn[i], pc, text, sizeof(text));
        fprintf(f, "    %#" PRIx64 ": %08x  %s%s\n", pc, c->insn[i], text,
                i == c->ninsn - 1 ? "   <- under test" : "");
    }
    fprintf(f, "    initial state:\n");
    for (unsigned i = 0; i < 31; i++)
        fprintf(f, "%sx%-2u=%016" PRIx64 "%s", i % 4 ? "  " : "      ", i, c->init.x[i],
                i % 4 == 3 ? "\n" : "");
    fprintf(f, "  sp =%016" PRIx64 "\n      nzcv=%x  fpcr=%08x  fpsr=%08x  fpen=%u\n",
            c->init.sp, c->init.nzcv >> 28, c->init.fpcr, c->init.fpsr, c->fpen);
    uint32_t named = v_regs_of(test_word(c));
    unsigned k = 0;
    for (unsigned i = 0; i < 32; i++) {
        if (!(named >> i & 1))
            continue;
        fprintf(f, "%sv%-2u=", k % 2 ? "  " : "      ", i);
        print_v(f, c->init.v[i]);
        fprintf(f, "%s", k++ % 2 ? "\n" : "");
    }
    fprintf(f, "%s      memory patch at %#" PRIx64 ":", k % 2 ? "\n" : "",
            (uint64_t)DIFF_RAM_BASE + c->patch_off);
    for (unsigned i = 0; i < DIFF_PATCH_SIZE; i++)
        fprintf(f, "%s%02x", i % 32 ? "" : "\n        ", c->patch[i]);
    fprintf(f, "\n    exception: armvirt %s (%#x, return %#" PRIx64 "), unicorn %s (%#x, return %#" PRIx64 ")\n",
            diff_exc_name(ours->exc), ours->exc_detail, ours->exc_pc, diff_exc_name(ref->exc),
            ref->exc_detail, ref->exc_pc);
    for (unsigned i = 0; i < 32; i++) {
        if (memcmp(ours->st.v[i], ref->st.v[i], 16) == 0)
            continue;
        fprintf(f, "    v%-2u armvirt ", i);
        print_v(f, ours->st.v[i]);
        fprintf(f, "  unicorn ");
        print_v(f, ref->st.v[i]);
        fprintf(f, "\n          (was ");
        print_v(f, c->init.v[i]);
        fprintf(f, ")\n");
    }
    for (unsigned i = 0; i < REPORT_REGS; i++) {
        uint64_t a = state_reg(&ours->st, i), b = state_reg(&ref->st, i);
        if (a == b)
            continue;
        fprintf(f, "    ");
        print_reg_name(f, i);
        fprintf(f, " armvirt %016" PRIx64 "  unicorn %016" PRIx64 "  (was %016" PRIx64 ")\n", a,
                b, i == 32 ? c->code_addr + 4 * (c->ninsn - 1) : state_reg(&c->init, i));
    }
    if (!mem_equal(ours, ref)) {
        print_mem(f, "armvirt", ours);
        print_mem(f, "unicorn", ref);
    }
}
