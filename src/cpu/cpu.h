/*
 * The A64 CPU core: architectural state of one core and the interface the board
 * and the side doors use. Everything takes a `struct cpu *`; there is no global
 * "current CPU", so several cores can later run in several host threads.
 */
#ifndef ARMVIRT_CPU_H
#define ARMVIRT_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/tlb.h"

struct physmem;
struct block_cache;

/* PSTATE.NZCV in the layout of the NZCV system register (bits 31..28). */
#define PSTATE_N (1u << 31)
#define PSTATE_Z (1u << 30)
#define PSTATE_C (1u << 29)
#define PSTATE_V (1u << 28)

/* SPSR_ELx / PSTATE bits other than NZCV (Arm ARM C5.2.18, SPSR_EL1 AArch64). */
#define SPSR_M_MASK 0xfu   /* M[3:0]: EL in [3:2], SP select in [0] */
#define SPSR_M_AARCH32 (1u << 4)
#define SPSR_F (1u << 6)
#define SPSR_I (1u << 7)
#define SPSR_A (1u << 8)
#define SPSR_D (1u << 9)
#define SPSR_IL (1u << 20)
#define SPSR_SS (1u << 21)
#define SPSR_PAN (1u << 22)
#define SPSR_DAIF_SHIFT 6

/* Exception classes for ESR_ELx.EC (Arm ARM D17.2.37). */
enum esr_ec {
    EC_UNKNOWN = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_IABT_LOWER = 0x20,
    EC_IABT_SAME = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DABT_LOWER = 0x24,
    EC_DABT_SAME = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_FP_EXC64 = 0x2c,
    EC_SERROR = 0x2f,
    EC_BREAKPT_LOWER = 0x30,
    EC_BREAKPT_SAME = 0x31,
    EC_SOFTSTEP_LOWER = 0x32,
    EC_SOFTSTEP_SAME = 0x33,
    EC_WATCHPT_LOWER = 0x34,
    EC_WATCHPT_SAME = 0x35,
    EC_BRK64 = 0x3c,
};

/* Fault status codes for ESR_ELx.ISS.{I,D}FSC (Arm ARM D17.2.37). */
enum fault_status {
    FSC_ADDR_SIZE_L0 = 0x00,   /* + level */
    FSC_TRANSLATION_L0 = 0x04, /* + level */
    FSC_ACCESS_FLAG_L0 = 0x08, /* + level */
    FSC_PERMISSION_L0 = 0x0c,  /* + level */
    FSC_SYNC_EXTERNAL = 0x10,
    FSC_ALIGNMENT = 0x21,
};

/* Why a memory access failed; filled by the memory layer, turned into an
 * exception by the run loop, which knows the faulting instruction. */
struct mem_fault {
    uint64_t va;
    uint8_t fsc;   /* enum fault_status */
    bool write;
    bool fetch;
    bool s1ptw;
};

/* Why cpu_run() returned. */
enum cpu_stop {
    CPU_STOP_BUDGET,    /* instruction budget used up */
    CPU_STOP_REQUEST,   /* another thread asked (cpu_request_stop) */
    CPU_STOP_HALT,      /* the machine is shutting down (semihosting exit, PSCI off) */
    CPU_STOP_WFI,       /* waiting for an interrupt */
};

struct cpu {
    /* General-purpose state. x[31] is unused: register 31 means XZR or SP
     * depending on the instruction, see reg_read()/reg_read_sp(). */
    uint64_t x[32];
    uint64_t sp;        /* the live stack pointer selected by EL and PSTATE.SP */
    uint64_t pc;
    /* PSTATE.NZCV, read with cpu_nzcv() and written with cpu_set_nzcv*():
     * a comparison only records its operands (flags_sub), because most
     * flags are overwritten before anything reads them, and a conditional
     * branch can test the operands directly (cpu_cond_holds in op.h). */
    uint32_t flags_nzcv;    /* bits 31..28, when !flags_sub */
    bool flags_sub;         /* NZCV is that of flags_x - flags_y */
    uint64_t flags_x, flags_y;
    uint32_t daif;      /* PSTATE.{D,A,I,F} in SPSR bit positions (9..6) */
    uint8_t el;         /* PSTATE.EL */
    uint8_t spsel;      /* PSTATE.SP: 0 = SP_EL0, 1 = SP_ELx */
    bool pstate_ss, pstate_il, pstate_pan;

    /* FP/SIMD registers, little-endian lanes: v[n][0] is bits 63..0. */
    uint64_t v[32][2];
    uint32_t fpcr, fpsr;

    /* Banked stack pointers; sp_el[cur] is stale while `sp` is live. */
    uint64_t sp_el[4];

    /* EL1 system registers (EL0-accessible ones included). */
    struct {
        uint64_t sctlr_el1, actlr_el1, cpacr_el1;
        uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
        uint64_t vbar_el1, esr_el1, far_el1, elr_el1, spsr_el1, par_el1;
        uint64_t afsr0_el1, afsr1_el1, contextidr_el1;
        uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
        uint64_t mdscr_el1, oslsr_el1, mdccint_el1;
        uint64_t cntkctl_el1;
        uint64_t cntv_ctl_el0, cntv_cval_el0, cntp_ctl_el0, cntp_cval_el0;
        uint64_t cntvoff_el2;
        /* Kept by sysreg.c (reset values set by sysreg_reset()). */
        uint64_t csselr_el1, osdlr_el1, cntfrq_el0;
        uint64_t dbgbvr[16], dbgbcr[16], dbgwvr[16], dbgwcr[16];
        uint64_t pmcr_el0, pmcnten, pminten, pmovs, pmselr_el0, pmuserenr_el0, pmccfiltr_el0;
        uint64_t pmccntr_el0, pmccntr_ns;   /* cycle count at host time pmccntr_ns */
        uint64_t pmevcntr[31], pmevtyper[31];
    } sys;

    /* Identity, fixed at creation (see cpu.c). */
    uint64_t midr, mpidr;
    unsigned pa_bits;     /* physical address size, ID_AA64MMFR0_EL1.PARange */

    /* Exclusive monitor (LDXR/STXR). */
    bool excl_valid;
    uint64_t excl_addr;   /* virtual address of the reservation */
    uint64_t excl_val[2];
    uint8_t excl_size;    /* bytes covered */

    /* The last failed memory access; valid when an executor returns EXEC_FAULT. */
    struct mem_fault fault;

    /* Software TLB, one set per translation regime/privilege (see tlb.h). */
    unsigned mmu_idx;
    struct tlb_entry tlb[MMU_IDX_COUNT][TLB_ENTRIES];
    /* The span of VA bits 55:0 (base under mask) holding every entry
     * filled from a mapping larger than a TLB page (tlb_flush_page);
     * base TLB_INVALID when there is none. */
    uint64_t tlb_large_base, tlb_large_mask;
    /* Which entries came from non-global (nG) mappings, one bit each: the
     * ones a change of address space (ASID) throws away. */
    uint64_t tlb_nonglobal[MMU_IDX_COUNT][TLB_ENTRIES / 64];
    /* The address space the non-global entries belong to, and the one
     * kept aside with its entries (tlb_switch_space); tlb_kept indexes
     * tlb_spaces, the other one is scratch. */
    uint64_t tlb_space_ttbr0, tlb_space_ttbr1;
    struct tlb_kept_space tlb_spaces[2];
    unsigned tlb_kept;

    /* Where the core lives. */
    struct physmem *mem;
    struct block_cache *blocks;
    unsigned index;       /* core number */
    bool single_step;     /* decode one instruction per block (tests, debugger) */

    /* What the run loop looks at between blocks, in one word so that it
     * takes one load when nothing is pending (cpu_attention). Other
     * threads set the bytes with atomic operations. */
    union {
        uint32_t attention;
        struct {
            uint8_t irq_lines;       /* bit 0 IRQ, bit 1 FIQ, bit 2 SError */
            bool stop_request;
            /* Set by a semihosting SYS_EXIT or PSCI SYSTEM_OFF: the
             * emulator exits. */
            bool exit_requested;
        };
    };
    bool halted;                     /* WFI, or powered off */

    /* Statistics and budget. */
    uint64_t insns;                  /* instructions retired */
    /* Code generation (jit.h): a block gets generated code on its
     * jit_hot'th run if jit_policy (enum jit_policy) chooses it. Generated
     * loops go round while insns is below jit_insn_limit, which cpu_run
     * sets (0 while single-stepping). */
    uint8_t jit_policy;
    uint32_t jit_hot;
    uint64_t jit_insn_limit;
    uint32_t jit_status;   /* an executor's enum exec_status, see jit.h */

    /* Semihosting (HLT #0xF000) enabled by -semihosting. */
    bool semihosting;
    int exit_status;                 /* with exit_requested */

    /* Firmware that lives in the emulator, installed by the board. Each
     * returns true if it handled the call; otherwise the CPU behaves as the
     * architecture says with no firmware there. */
    const struct cpu_hooks *hooks;
    void *board;
};

/* The NZCV of x - y as SUBS sets it (AddWithCarry(x, NOT y, 1)): C is
 * "no borrow" (x >= y unsigned), V the signed overflow. A 32-bit
 * comparison gives the same flags as this one of its operands shifted
 * left by 32 (sign, zero, borrow and overflow all carry over). */
static inline uint32_t nzcv_sub64(uint64_t x, uint64_t y)
{
    int64_t r;
    bool v = __builtin_sub_overflow((int64_t)x, (int64_t)y, &r);
    return (uint32_t)((uint64_t)r >> 63) << 31 | (uint32_t)(x == y) << 30 |
           (uint32_t)(x >= y) << 29 | (uint32_t)v << 28;
}

/* PSTATE.NZCV in bits 31..28. */
static inline uint32_t cpu_nzcv(const struct cpu *cpu)
{
    return cpu->flags_sub ? nzcv_sub64(cpu->flags_x, cpu->flags_y) : cpu->flags_nzcv;
}

static inline void cpu_set_nzcv(struct cpu *cpu, uint32_t nzcv)
{
    cpu->flags_nzcv = nzcv;
    cpu->flags_sub = false;
}

/* NZCV becomes that of x - y. */
static inline void cpu_set_nzcv_sub(struct cpu *cpu, uint64_t x, uint64_t y)
{
    cpu->flags_x = x;
    cpu->flags_y = y;
    cpu->flags_sub = true;
}

/* The same for a 32-bit subtraction (see nzcv_sub64). */
static inline void cpu_set_nzcv_sub32(struct cpu *cpu, uint32_t x, uint32_t y)
{
    cpu_set_nzcv_sub(cpu, (uint64_t)x << 32, (uint64_t)y << 32);
}

struct cpu_hooks {
    /* HVC or SMC #imm from the guest (PSCI). */
    bool (*firmware_call)(struct cpu *cpu, bool smc, uint16_t imm);
    /* Semihosting call (HLT #0xF000 with -semihosting): op in W0, arg in X1. */
    bool (*semihosting)(struct cpu *cpu);
};

/* The pending interrupt lines, read once: other threads (the GIC's sources)
 * change them with atomic operations. */
static inline uint32_t cpu_irq_lines(const struct cpu *cpu)
{
    return __atomic_load_n(&cpu->irq_lines, __ATOMIC_RELAXED);
}

/* Nonzero if an interrupt line is up, a stop was requested or the machine
 * is exiting. */
static inline uint32_t cpu_attention(const struct cpu *cpu)
{
    return __atomic_load_n(&cpu->attention, __ATOMIC_RELAXED);
}

#define CPU_IRQ_LINE 1u
#define CPU_FIQ_LINE 2u
#define CPU_SERROR_LINE 4u

/* Create/reset. `mem` is the core's view of the physical address space. */
void cpu_init(struct cpu *cpu, struct physmem *mem, unsigned index);
void cpu_reset(struct cpu *cpu);
void cpu_destroy(struct cpu *cpu);

/* Run until `budget` instructions have retired (approximately: whole blocks run)
 * or something stops the core. */
enum cpu_stop cpu_run(struct cpu *cpu, uint64_t budget);

/* Register access helpers for register 31 as XZR or SP. */
static inline uint64_t reg_read(const struct cpu *cpu, unsigned n)
{
    return n == 31 ? 0 : cpu->x[n];
}
static inline uint64_t reg_read_sp(const struct cpu *cpu, unsigned n)
{
    return n == 31 ? cpu->sp : cpu->x[n];
}
static inline void reg_write(struct cpu *cpu, unsigned n, uint64_t v)
{
    if (n != 31)
        cpu->x[n] = v;
}
static inline void reg_write_sp(struct cpu *cpu, unsigned n, uint64_t v)
{
    if (n == 31)
        cpu->sp = v;
    else
        cpu->x[n] = v;
}

/* PSTATE as an SPSR value, and the reverse (used by exception entry/return). */
uint32_t cpu_get_pstate(const struct cpu *cpu);
void cpu_set_pstate(struct cpu *cpu, uint32_t spsr);
/* Switch EL/SPSel keeping the banked stack pointers consistent. */
void cpu_set_el_sp(struct cpu *cpu, unsigned el, unsigned spsel);

/* Take a synchronous exception to EL1 (for now: target EL is max(EL1, current)).
 * `pc` is the preferred return address; esr is the full syndrome. */
void cpu_take_exception(struct cpu *cpu, uint64_t pc, uint32_t esr, uint64_t far, bool far_valid);
/* Take an asynchronous exception (IRQ/FIQ/SError) if unmasked; returns true if taken. */
bool cpu_check_interrupts(struct cpu *cpu);
/* Raise Undefined Instruction for the instruction at pc. */
void cpu_undefined(struct cpu *cpu, uint64_t pc);
/* Take the abort described by cpu->fault for the instruction at pc
 * (instruction abort if fault.fetch, else data abort). */
void cpu_data_abort(struct cpu *cpu, uint64_t pc);

/* Ask the core to leave cpu_run() at the next block boundary (any thread). */
void cpu_request_stop(struct cpu *cpu);

/* Invalidate all decoded blocks (e.g. on reset). */
void cpu_flush_blocks(struct cpu *cpu);

#endif
