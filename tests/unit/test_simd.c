/*
 * Advanced SIMD (integer) on a bare core: the CPACR_EL1.FPEN access trap,
 * which the differential tester cannot check (Unicorn never traps on FPEN),
 * and a few results worked out by hand from the Arm ARM pseudocode (C7.2)
 * for the corners that matter most: saturation and FPSR.QC, the zeroed
 * upper half of 64-bit forms, the "2" forms, and structure interleaving.
 * Instruction words are from aarch64-linux-gnu-as.
 */
#include <string.h>

#include "cpu/block.h"
#include "cpu/cpu.h"
#include "mem/physmem.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define CODE 0x40001000ull
#define DATA 0x40002000ull
#define VBAR 0x40004000ull
#define FPSR_QC (1u << 27)
#define ESR_UNTOUCHED 0xdead0000beef0000ull

struct rig {
    struct physmem pm;
    struct cpu cpu;
    uint8_t *ram;
};

static struct rig *rig_new(void)
{
    static struct rig r;
    static bool built;
    if (built) {
        cpu_destroy(&r.cpu);
        physmem_destroy(&r.pm);
    }
    built = true;
    memset(&r, 0, sizeof(r));
    physmem_init(&r.pm);
    r.ram = physmem_add_ram(&r.pm, "ram", RAM_BASE, 0x8000);
    cpu_init(&r.cpu, &r.pm, 0);
    r.cpu.single_step = true;
    r.cpu.sys.vbar_el1 = VBAR;
    r.cpu.sys.cpacr_el1 = 3u << 20;
    r.cpu.el = 1;
    r.cpu.spsel = 1;
    r.cpu.daif = SPSR_D | SPSR_A | SPSR_I | SPSR_F;
    return &r;
}

/* Run one instruction word at CODE. */
static void rig_run(struct rig *r, uint32_t insn)
{
    memcpy(r->ram + (CODE - RAM_BASE), &insn, 4);
    block_cache_invalidate_page(r->cpu.blocks, CODE & PAGE_MASK);
    r->cpu.pc = CODE;
    r->cpu.sys.esr_el1 = ESR_UNTOUCHED;
    cpu_run(&r->cpu, 1);
}

static void set_v(struct rig *r, unsigned n, uint64_t hi, uint64_t lo)
{
    r->cpu.v[n][0] = lo;
    r->cpu.v[n][1] = hi;
}

/* ---- CPACR_EL1.FPEN (D17.2.30): EC 0x07 to EL1, nothing changed ---- */

TEST(simd_trap, fpen_00_traps_el1)
{
    struct rig *r = rig_new();
    r->cpu.sys.cpacr_el1 = 0;
    set_v(r, 0, 1, 2);
    rig_run(r, 0x4e228420); /* add v0.16b, v1.16b, v2.16b */
    ASSERT_EQ(r->cpu.sys.esr_el1 >> 26, 0x07);
    ASSERT_EQ(r->cpu.sys.elr_el1, CODE);
    ASSERT_EQ(r->cpu.v[0][0], 2);
    ASSERT_EQ(r->cpu.v[0][1], 1);
}

TEST(simd_trap, fpen_01_allows_el1)
{
    struct rig *r = rig_new();
    r->cpu.sys.cpacr_el1 = 1u << 20;
    set_v(r, 1, 0, 0x0102);
    set_v(r, 2, 0, 0x0304);
    rig_run(r, 0x4e228420);
    ASSERT_EQ(r->cpu.sys.esr_el1, ESR_UNTOUCHED);
    ASSERT_EQ(r->cpu.v[0][0], 0x0406);
}

TEST(simd_trap, fpen_01_traps_el0)
{
    struct rig *r = rig_new();
    r->cpu.sys.cpacr_el1 = 1u << 20;
    r->cpu.el = 0;
    r->cpu.spsel = 0;
    rig_run(r, 0x0e1f3c20); /* umov w0, v1.b[15] */
    ASSERT_EQ(r->cpu.sys.esr_el1 >> 26, 0x07);
    ASSERT_EQ(r->cpu.el, 1);
}

/* A structure load that traps neither reads memory nor writes back. */
TEST(simd_trap, ld4_post_no_writeback)
{
    struct rig *r = rig_new();
    r->cpu.sys.cpacr_el1 = 2u << 20;
    r->cpu.x[1] = DATA;
    rig_run(r, 0x4cdf0820); /* ld4 {v0.4s-v3.4s}, [x1], #64 */
    ASSERT_EQ(r->cpu.sys.esr_el1 >> 26, 0x07);
    ASSERT_EQ(r->cpu.x[1], DATA);
}

/* ---- results from the pseudocode ---- */

TEST(simd, sqadd_saturates_and_sets_qc)
{
    struct rig *r = rig_new();
    set_v(r, 1, 0, 0x807f);
    set_v(r, 2, 0, 0xff01);
    rig_run(r, 0x4e220c20); /* sqadd v0.16b: 0x7f + 1 -> 0x7f, -128 + -1 -> -128 */
    ASSERT_EQ(r->cpu.v[0][0], 0x807f);
    ASSERT_EQ(r->cpu.v[0][1], 0);
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, FPSR_QC);
}

TEST(simd, qc_sticks_and_is_not_set_without_saturation)
{
    struct rig *r = rig_new();
    set_v(r, 1, 0, 0x0001);
    set_v(r, 2, 0, 0x0001);
    rig_run(r, 0x6e622c20); /* uqsub v0.8h: 1 - 1 = 0, no saturation */
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, 0);
    set_v(r, 1, 0, 0x0000);
    rig_run(r, 0x6e622c20); /* 0 - 1 saturates to 0 */
    ASSERT_EQ(r->cpu.v[0][0], 0);
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, FPSR_QC);
    set_v(r, 1, 0, 0x0005);
    rig_run(r, 0x6e622c20); /* QC is cumulative: stays set */
    ASSERT_EQ(r->cpu.v[0][0], 4);
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, FPSR_QC);
}

TEST(simd, sqdmulh_min_times_min)
{
    struct rig *r = rig_new();
    set_v(r, 0, 0xffff, 0xffff);
    set_v(r, 1, 0, 0x4000800000008000ull);
    set_v(r, 2, 0, 0x4000800000028000ull);
    rig_run(r, 0x0e62b420); /* sqdmulh v0.4h */
    /* lanes: min * min -> 0x7fff (QC); 0 * 2 -> 0; min * min; 0x4000 * 0x4000 -> 0x2000 */
    ASSERT_EQ(r->cpu.v[0][0], 0x20007fff00007fffull);
    ASSERT_EQ(r->cpu.v[0][1], 0);
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, FPSR_QC);
}

TEST(simd, add_8b_zeroes_upper_half)
{
    struct rig *r = rig_new();
    set_v(r, 0, ~0ull, ~0ull);
    set_v(r, 1, 5, 0xff);
    set_v(r, 2, 6, 0x01);
    rig_run(r, 0x0e228420); /* add v0.8b: byte 0 wraps to 0 */
    ASSERT_EQ(r->cpu.v[0][0], 0);
    ASSERT_EQ(r->cpu.v[0][1], 0);
}

TEST(simd, addv_umov_smov)
{
    struct rig *r = rig_new();
    set_v(r, 1, 0xff00000000000000ull, 0x0000000000800203ull);
    rig_run(r, 0x4e31b820); /* addv b0, v1.16b: 3 + 2 + 0x80 + 0xff = 0x184 -> 0x84 */
    ASSERT_EQ(r->cpu.v[0][0], 0x84);
    ASSERT_EQ(r->cpu.v[0][1], 0);
    rig_run(r, 0x0e1f3c20); /* umov w0, v1.b[15] */
    ASSERT_EQ(r->cpu.x[0], 0xff);
    set_v(r, 1, 0, 0x8001000000000000ull);
    rig_run(r, 0x4e0e2c20); /* smov x0, v1.h[3] */
    ASSERT_EQ(r->cpu.x[0], 0xffffffffffff8001ull);
}

TEST(simd, tbl_out_of_range_is_zero)
{
    struct rig *r = rig_new();
    set_v(r, 1, 0x1f1e1d1c1b1a1918ull, 0x1716151413121110ull);
    set_v(r, 2, 0, 0xff10800f00010203ull);
    rig_run(r, 0x0e020020); /* tbl v0.8b, {v1.16b}, v2.8b */
    ASSERT_EQ(r->cpu.v[0][0], 0x0000001f10111213ull);
    ASSERT_EQ(r->cpu.v[0][1], 0);
}

TEST(simd, xtn2_keeps_lower_half)
{
    struct rig *r = rig_new();
    set_v(r, 0, 0x1111, 0x2222);
    set_v(r, 1, 0x0708050603040102ull, 0x0f0e0d0c0b0a0908ull);
    rig_run(r, 0x4e212820); /* xtn2 v0.16b, v1.8h */
    ASSERT_EQ(r->cpu.v[0][0], 0x2222);
    ASSERT_EQ(r->cpu.v[0][1], 0x080604020e0c0a08ull);
}

TEST(simd, sqshrun_scalar)
{
    struct rig *r = rig_new();
    set_v(r, 1, 9, 0x8000);
    rig_run(r, 0x7f0f8420); /* sqshrun b0, h1, #1: -32768 >> 1 < 0 -> 0, QC */
    ASSERT_EQ(r->cpu.v[0][0], 0);
    ASSERT_EQ(r->cpu.v[0][1], 0);
    ASSERT_EQ(r->cpu.fpsr & FPSR_QC, FPSR_QC);
}

TEST(simd, ld4_deinterleaves_and_writes_back)
{
    struct rig *r = rig_new();
    for (uint32_t i = 0; i < 16; i++)
        memcpy(r->ram + (DATA - RAM_BASE) + 4 * i, &i, 4);
    r->cpu.x[1] = DATA;
    rig_run(r, 0x4cdf0820); /* ld4 {v0.4s-v3.4s}, [x1], #64 */
    ASSERT_EQ(r->cpu.sys.esr_el1, ESR_UNTOUCHED);
    ASSERT_EQ(r->cpu.v[0][0], 0x0000000400000000ull);
    ASSERT_EQ(r->cpu.v[0][1], 0x0000000c00000008ull);
    ASSERT_EQ(r->cpu.v[3][1], 0x0000000f0000000bull);
    ASSERT_EQ(r->cpu.x[1], DATA + 64);
}

TEST(simd, ld1r_and_st2)
{
    struct rig *r = rig_new();
    uint16_t h = 0xbeef;
    memcpy(r->ram + (DATA - RAM_BASE), &h, 2);
    r->cpu.x[1] = DATA;
    rig_run(r, 0x4d40c420); /* ld1r {v0.8h}, [x1] */
    ASSERT_EQ(r->cpu.v[0][0], 0xbeefbeefbeefbeefull);
    ASSERT_EQ(r->cpu.v[0][1], 0xbeefbeefbeefbeefull);
    set_v(r, 0, 0xa1, 0xa0);
    set_v(r, 1, 0xb1, 0xb0);
    rig_run(r, 0x4c008c20); /* st2 {v0.2d, v1.2d}, [x1]: a0 b0 a1 b1 */
    uint64_t m[4];
    memcpy(m, r->ram + (DATA - RAM_BASE), sizeof(m));
    ASSERT_EQ(m[0], 0xa0);
    ASSERT_EQ(m[1], 0xb0);
    ASSERT_EQ(m[2], 0xa1);
    ASSERT_EQ(m[3], 0xb1);
}
