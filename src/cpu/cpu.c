/* Creating and resetting a core: the Cortex-A57 model's identity and reset state. */
#include "cpu/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/sysreg.h"

/* Cortex-A57 r1p0, as QEMU's cortex-a57 model reports it. */
#define A57_MIDR 0x411fd070ull
/* ID_AA64MMFR0_EL1.PARange = 0b0100: 44-bit physical addresses. */
#define A57_PA_BITS 44
/* SCTLR_EL1 reset value of QEMU's cortex-a57 (RES1 bits set, MMU and caches off). */
#define A57_SCTLR_RESET 0x00c50838ull

void cpu_init(struct cpu *cpu, struct physmem *mem, unsigned index)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mem = mem;
    cpu->index = index;
    cpu->blocks = block_cache_new();
    if (!cpu->blocks)
        abort(); /* out of host memory at start-up */
    cpu->midr = A57_MIDR;
    cpu->mpidr = 0x80000000ull | index; /* bit 31 RES1; Aff0 = core number */
    cpu->pa_bits = A57_PA_BITS;
    cpu->jit_policy = JIT_BLOCKS;
    cpu->jit_hot = 64;
    cpu_reset(cpu);
}

/* Warm reset: AArch64 EL1h, all exceptions masked, MMU off (the state QEMU's
 * virt board starts a guest in when it has no EL2/EL3). The board then sets
 * PC and argument registers for what it loaded. */
void cpu_reset(struct cpu *cpu)
{
    memset(cpu->x, 0, sizeof(cpu->x));
    memset(cpu->v, 0, sizeof(cpu->v));
    memset(&cpu->sys, 0, sizeof(cpu->sys));
    memset(cpu->sp_el, 0, sizeof(cpu->sp_el));
    cpu->sp = 0;
    cpu->pc = 0;
    cpu_set_nzcv(cpu, 0);
    cpu->daif = SPSR_D | SPSR_A | SPSR_I | SPSR_F;
    cpu->el = 1;
    cpu->spsel = 1;
    cpu->mmu_idx = MMU_IDX_EL1;
    cpu->pstate_ss = cpu->pstate_il = cpu->pstate_pan = false;
    cpu->fpcr = cpu->fpsr = 0;
    cpu->sys.sctlr_el1 = A57_SCTLR_RESET;
    sysreg_reset(cpu);
    cpu->excl_valid = false;
    cpu->halted = false;
    cpu->irq_lines = 0;
    cpu->exit_requested = false;
    tlb_flush(cpu);
    block_cache_flush(cpu->blocks);
}

void cpu_destroy(struct cpu *cpu)
{
    block_cache_free(cpu->blocks);
    cpu->blocks = NULL;
}

void cpu_request_stop(struct cpu *cpu)
{
    __atomic_store_n(&cpu->stop_request, true, __ATOMIC_RELAXED);
}
