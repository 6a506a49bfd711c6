/*
 * The comparison: exception kind, X0-X30, SP, PC (the preferred return
 * address when an exception was taken), NZCV and every byte of RAM that
 * changed. Two kinds of difference are not failures, and both are counted
 * and reported apart from the matches:
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
           a->nzcv == b->nzcv;
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
 * STR) that faults on a later one: Unicorn has written the accesses before
 * it, armvirt nothing. The architecture does not order or undo the parts of
 * such a store when one aborts (Arm ARM B2.2, single-copy atomicity), so
 * both are right; registers and the exception must still agree. */
static bool known_partial_store(const struct diff_case *c, const struct diff_result *ours,
                                const struct diff_result *ref)
{
    (void)c;
    return ours->exc == ref->exc && (ours->exc == DIFF_EXC_BUS || ours->exc == DIFF_EXC_DABT) &&
           ours->nmem == 0 && ref->nmem > 0 && ref->nmem <= 16 && state_equal(&ours->st, &ref->st);
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
};

enum diff_verdict diff_compare(const struct diff_case *c, const struct diff_result *ours,
                               const struct diff_result *ref, const char **why)
{
    if (why)
        *why = NULL;
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

static void print_reg_name(FILE *f, unsigned i)
{
    if (i < 31)
        fprintf(f, "x%-2u", i);
    else if (i == 31)
        fprintf(f, "sp ");
    else if (i == 32)
        fprintf(f, "pc ");
    else
        fprintf(f, "nzcv");
}

static uint64_t state_reg(const struct diff_state *s, unsigned i)
{
    if (i < 31)
        return s->x[i];
    if (i == 31)
        return s->sp;
    if (i == 32)
        return s->pc;
    return s->nzcv;
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
    fprintf(f, "  sp =%016" PRIx64 "\n      nzcv=%x  memory patch at %#" PRIx64 ":",
            c->init.sp, c->init.nzcv >> 28, (uint64_t)DIFF_RAM_BASE + c->patch_off);
    for (unsigned i = 0; i < DIFF_PATCH_SIZE; i++)
        fprintf(f, "%s%02x", i % 32 ? "" : "\n        ", c->patch[i]);
    fprintf(f, "\n    exception: armvirt %s (%#x, return %#" PRIx64 "), unicorn %s (%#x, return %#" PRIx64 ")\n",
            diff_exc_name(ours->exc), ours->exc_detail, ours->exc_pc, diff_exc_name(ref->exc),
            ref->exc_detail, ref->exc_pc);
    for (unsigned i = 0; i < 34; i++) {
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
