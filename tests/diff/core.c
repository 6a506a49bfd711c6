/*
 * Running a case on armvirt's core: one struct cpu on a bare physical
 * address space (no board), single-stepped for exactly the case's words.
 * With code generation on (diff_core_new's `jit`), the case's words run as
 * one block instead, through generated code: a breakpoint after the last
 * word ends the block there (as for a debugger), and the budget stops the
 * run when the block is done.
 *
 * armvirt takes exceptions architecturally: to VBAR_EL1 + 0x200 with ESR_EL1
 * and ELR_EL1 set. VBAR_EL1 points at a page of NOPs of its own, and ESR_EL1
 * starts each case holding a value no exception writes, so "an exception was
 * taken" is "ESR_EL1 changed", whatever the run loop does after it.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "cpu/block.h"
#include "cpu/cpu.h"
#include "gdb/debug.h"
#include "mem/physmem.h"

#define ESR_UNTOUCHED 0xdead0000beef0000ull
#define A64_NOP 0xd503201fu
#define ESR_EC(esr) ((uint32_t)((esr) >> 26) & 0x3f)
#define ESR_FSC(esr) ((uint32_t)(esr)&0x3f)

struct diff_core {
    struct physmem pm;
    struct cpu cpu;
    bool jit;
    uint8_t *ram;
    uint8_t img[DIFF_RAM_SIZE];
};

struct diff_core *diff_core_new(uint64_t seed, bool jit)
{
    struct diff_core *dc = calloc(1, sizeof(*dc));
    if (!dc)
        return NULL;
    physmem_init(&dc->pm);
    dc->ram = physmem_add_ram(&dc->pm, "ram", DIFF_RAM_BASE, DIFF_RAM_SIZE);
    uint8_t *vec = physmem_add_ram(&dc->pm, "vectors", DIFF_VBAR, PAGE_SIZE);
    if (!dc->ram || !vec)
        return NULL;
    for (unsigned i = 0; i < PAGE_SIZE; i += 4)
        memcpy(vec + i, &(uint32_t){A64_NOP}, 4);
    diff_mem_init_image(dc->img, seed);
    memcpy(dc->ram, dc->img, DIFF_RAM_SIZE);
    cpu_init(&dc->cpu, &dc->pm, 0);
    dc->jit = jit;
    dc->cpu.single_step = !jit;
    /* Every block that has a translation gets code, however short. */
    dc->cpu.jit_policy = jit ? JIT_ALL : JIT_OFF;
    dc->cpu.jit_hot = 1;
    dc->cpu.sys.vbar_el1 = DIFF_VBAR;
    dc->cpu.sys.sctlr_el1 = DIFF_SCTLR;
    return dc;
}

void diff_core_free(struct diff_core *dc)
{
    if (!dc)
        return;
    cpu_destroy(&dc->cpu);
    physmem_destroy(&dc->pm);
    free(dc);
}

static enum diff_exc exc_of_esr(uint64_t esr)
{
    switch (ESR_EC(esr)) {
    case EC_UNKNOWN:
    case EC_FP_ACCESS:
        return DIFF_EXC_UNDEF;
    case EC_SVC64: return DIFF_EXC_SVC;
    case EC_HVC64: return DIFF_EXC_HVC;
    case EC_SMC64: return DIFF_EXC_SMC;
    case EC_BRK64: return DIFF_EXC_BRK;
    case EC_PC_ALIGN: return DIFF_EXC_PC_ALIGN;
    case EC_SP_ALIGN: return DIFF_EXC_SP_ALIGN;
    case EC_DABT_SAME:
        return ESR_FSC(esr) == FSC_SYNC_EXTERNAL ? DIFF_EXC_BUS : DIFF_EXC_DABT;
    default: return DIFF_EXC_OTHER;
    }
}

void diff_core_run(struct diff_core *dc, const struct diff_case *c, struct diff_result *r)
{
    struct cpu *cpu = &dc->cpu;
    memset(r, 0, sizeof(*r));
    diff_mem_apply(dc->ram, c);
    /* The words were written behind the memory layer's back: drop whatever
     * was decoded from that page before. */
    block_cache_invalidate_page(cpu->blocks, c->code_addr & PAGE_MASK);

    memcpy(cpu->x, c->init.x, sizeof(c->init.x));
    cpu->sp = c->init.sp;
    cpu_set_nzcv(cpu, c->init.nzcv & 0xf0000000u);
    memcpy(cpu->v, c->init.v, sizeof(c->init.v));
    cpu->fpcr = c->init.fpcr;
    cpu->fpsr = c->init.fpsr;
    cpu->sys.cpacr_el1 = (uint64_t)(c->fpen & 3) << 20;
    cpu->pc = c->code_addr;
    cpu->el = 1;
    cpu->spsel = 1;
    cpu->daif = SPSR_D | SPSR_A | SPSR_I | SPSR_F;
    cpu->sys.esr_el1 = ESR_UNTOUCHED;

    /* Block decoding goes on at the target of a forward B or BL; a
     * breakpoint there keeps the block to the case's words. */
    uint64_t end = c->code_addr + 4 * c->ninsn, target = end;
    uint32_t last = c->insn[c->ninsn - 1];
    uint64_t last_pc = c->code_addr + 4 * (c->ninsn - 1);
    if ((last & 0x7c000000u) == 0x14000000u)
        target = last_pc + (uint64_t)((int64_t)((uint64_t)last << 38) >> 36);
    if (target <= last_pc)
        target = end;   /* followed forward only; a breakpoint here would stop it */
    if (dc->jit) {
        debug_bp_insert(end);
        if (target != end)
            debug_bp_insert(target);
    }
    cpu_run(cpu, c->ninsn);
    if (dc->jit) {
        debug_bp_remove(end);
        if (target != end)
            debug_bp_remove(target);
    }

    memcpy(r->st.x, cpu->x, sizeof(r->st.x));
    r->st.sp = cpu->sp;
    r->st.nzcv = cpu_nzcv(cpu);
    r->st.pc = cpu->pc;
    memcpy(r->st.v, cpu->v, sizeof(r->st.v));
    r->st.fpcr = cpu->fpcr;
    r->st.fpsr = cpu->fpsr;
    if (cpu->sys.esr_el1 != ESR_UNTOUCHED) {
        r->exc = exc_of_esr(cpu->sys.esr_el1);
        r->exc_detail = (uint32_t)cpu->sys.esr_el1;
        r->exc_pc = cpu->sys.elr_el1;
        r->st.pc = r->exc_pc;
        /* Exception entry switched to SP_EL1 from SP_EL1: nothing to undo. */
    }
    diff_mem_collect(dc->ram, dc->img, c, r);
}
