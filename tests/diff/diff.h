/*
 * Differential CPU testing: armvirt's core against Unicorn (QEMU's CPU
 * semantics as a library). Shared by the driver (difftest, linked with
 * libarmvirt) and the oracle (diff-oracle, linked with libunicorn only: the
 * two libraries export functions of the same names, e.g. cpu_reset and
 * mmu_translate, so they never share one process).
 *
 * A case is one to three instruction words run from a fixed initial state:
 * CLREX (so every case starts with the exclusive monitor open and depends on
 * nothing before it), an optional set-up instruction (LDXR before STXR) and
 * the instruction under test. Both sides run it at EL1h with the MMU off and
 * report a struct diff_result; the driver compares the two.
 *
 * Everything both sides must agree on -- the memory layout, the state and
 * result records, the memory image -- lives here and in diff_mem.c. The
 * state compared is the integer state plus V0-V31, FPCR and FPSR; SIMD&FP
 * access is enabled on both sides (CPACR_EL1.FPEN = 11) unless a case asks
 * for the trap (diff_case.fpen).
 */
#ifndef ARMVIRT_DIFF_H
#define ARMVIRT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest physical layout (= virtual, MMU off). One RAM window that both
 * sides map; code is written into its middle page so PC-relative and
 * literal accesses reach data on either side. Everything else is unmapped. */
#define DIFF_RAM_BASE 0x40000000ull
#define DIFF_RAM_SIZE 0x8000ull         /* 32 KiB, compared whole after each case */
#define DIFF_CODE_BASE 0x40004000ull     /* one page of code inside the RAM */
#define DIFF_CODE_SIZE 0x1000ull
/* armvirt only: its exception vectors (NOPs), far from anything a test
 * reaches, so a taken exception is seen as ESR_EL1/ELR_EL1 and nothing else. */
#define DIFF_VBAR 0x00000e0000000000ull

/* SCTLR_EL1 for both sides: the Cortex-A57 reset value with SA (bit 3)
 * cleared. Neither QEMU 5.0 (Unicorn 2.0) nor armvirt checks SP alignment
 * yet; with SA = 0 the architecture agrees with both, so a misaligned SP is
 * a fair test input. A (bit 1) stays 0: plain accesses are not
 * alignment-checked, exclusive and ordered ones are (Arm ARM B2.5.2). */
#define DIFF_SCTLR 0x00c50830ull

#define DIFF_MAX_INSNS 3
#define DIFF_PATCH_SIZE 64
#define DIFF_MAX_MEMDIFF 64

/* The architectural state compared after a case. */
struct diff_state {
    uint64_t x[31];
    uint64_t sp;
    uint64_t pc;
    uint32_t nzcv;      /* bits 31..28 */
    uint32_t fpcr;      /* cases start with only AHP, DN, FZ, RMode set (bits 26..22) */
    uint32_t fpsr;      /* cumulative flags IOC..IXC, IDC and QC */
    uint32_t pad;
    uint64_t v[32][2];  /* V0-V31, [0] = bits 63..0 */
};

/* FPCR and FPSR fields (Arm ARM C5.2.7, C5.2.8). */
#define DIFF_FPCR_AHP (1u << 26)
#define DIFF_FPCR_DN (1u << 25)
#define DIFF_FPCR_FZ (1u << 24)
#define DIFF_FPCR_RMODE_SHIFT 22
#define DIFF_FPSR_QC (1u << 27)
#define DIFF_FPSR_FLAGS 0x9fu   /* IDC, IXC, UFC, OFC, DZC, IOC */

/* How a case ended. Each side maps its own way of reporting onto these;
 * anything it cannot name is DIFF_EXC_OTHER. */
enum diff_exc {
    DIFF_EXC_NONE,
    DIFF_EXC_UNDEF,     /* also the SIMD&FP access trap, which QEMU reports as UDEF */
    DIFF_EXC_SVC,
    DIFF_EXC_HVC,
    DIFF_EXC_SMC,
    DIFF_EXC_BRK,
    DIFF_EXC_DABT,      /* alignment, address size: an architectural data abort */
    DIFF_EXC_BUS,       /* access to unmapped physical memory (external abort) */
    DIFF_EXC_PC_ALIGN,
    DIFF_EXC_SP_ALIGN,
    DIFF_EXC_OTHER,
    DIFF_EXC_COUNT
};

struct diff_case {
    uint64_t id;                 /* case number within the run (for reproduction) */
    uint64_t code_addr;          /* address of insn[0]; 4-aligned, all words in one page */
    uint32_t insn[DIFF_MAX_INSNS];
    uint32_t ninsn;
    uint32_t group;
    uint32_t patch_off;          /* DIFF_PATCH_SIZE random bytes written at RAM + patch_off */
    uint32_t fpen;               /* CPACR_EL1.FPEN for the case: 3 unless testing the trap */
    uint8_t patch[DIFF_PATCH_SIZE];
    struct diff_state init;      /* pc is ignored: the case starts at code_addr */
};

struct diff_memdiff {
    uint32_t off;                /* from DIFF_RAM_BASE */
    uint8_t val;
};

struct diff_result {
    struct diff_state st;
    uint32_t exc;                /* enum diff_exc */
    uint32_t exc_detail;         /* Unicorn's intno / uc_err, armvirt's ESR (for messages) */
    uint64_t exc_pc;             /* preferred return address of the exception */
    uint32_t nmem;               /* bytes of RAM that differ from the initial image */
    uint32_t mem_hash;           /* FNV-1a over all (offset, value) pairs */
    struct diff_memdiff mem[DIFF_MAX_MEMDIFF];   /* the first DIFF_MAX_MEMDIFF of them */
};

/* The oracle protocol on its stdin/stdout: the driver writes a uint32 count
 * and that many struct diff_case, the oracle reads them all, runs them and
 * writes as many struct diff_result in order. A count of 0 ends it. Both
 * programs come from one build, so the records are sent as raw bytes. */
#define DIFF_BATCH 2048

/* The initial RAM image, the same on both sides: random bytes from the run
 * seed, with the code page filled with a harmless instruction pattern. */
void diff_mem_init_image(uint8_t *img, uint64_t seed);
/* Apply a case's patch and code to RAM (both start from img). */
void diff_mem_apply(uint8_t *ram, const struct diff_case *c);
/* Record in r how RAM differs from img+patch+code, then restore it to img. */
void diff_mem_collect(uint8_t *ram, const uint8_t *img, const struct diff_case *c,
                      struct diff_result *r);

/* A small fast PRNG (xoshiro256**), seeded through splitmix64. */
struct diff_rng {
    uint64_t s[4];
};
void diff_rng_seed(struct diff_rng *rng, uint64_t seed);
uint64_t diff_rng_next(struct diff_rng *rng);
static inline uint32_t diff_rng_below(struct diff_rng *rng, uint32_t n)
{
    return (uint32_t)(((diff_rng_next(rng) >> 32) * n) >> 32);
}

#endif
