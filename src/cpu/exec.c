/*
 * Decoded blocks and the run loop.
 *
 * A block is the run of decoded ops that executes from a guest virtual PC
 * until an unconditional branch, a system or exception-generating
 * instruction, the end of the page or BLOCK_MAX_OPS (block_decode: it goes
 * on past conditional branches, which may leave it mid-way, and through
 * forward B/BL on the same page). Blocks are found by virtual PC and checked
 * against the current translation by their host address, so a changed
 * mapping never runs stale code. Every block is also listed under its
 * physical page, which holds all of it; a store to that page (seen by the
 * memory layer, because code pages never get a TLB write tag) invalidates
 * the page's blocks.
 *
 * Ops run by threaded dispatch (cpu_run): the commonest integer forms are
 * inline in the run loop, everything else is a call to its executor. The
 * instruction count is kept per block, not per op: an op that leaves the
 * block knows its position in it.
 *
 * Chaining: a block that ends in a branch (or simply runs into the next
 * instruction) remembers the blocks that ran after it, so the common case
 * of going from one block to the next is a compare of the new PC against two
 * cached successors, not a hash lookup. A cached successor is used only
 *  - while the block cache has not been flushed since it was linked (the
 *    arena is reused after a flush, so older pointers dangle),
 *  - while it is valid (not thrown away by a write to its page), and
 *  - under the same translation: within one virtual page this holds because
 *    nothing in a chainable block can change the translation (system
 *    instructions and exceptions end blocks and are never chained from);
 *    across pages the TLB is consulted, as a lookup would.
 * Interrupts, stop requests and the budget are still checked before every
 * block, chained or not. A block that loops on itself (`b .`) is a chained
 * block like any other, so a stop request is seen after one pass.
 *
 * Debugging and tracing add nothing to this path: a block that starts at a
 * debugger breakpoint, or any block decoded while -d exec or cpu is on, gets
 * a leading op that stops or logs (debug_op_break, trace_op_entry), and
 * blocks end before breakpoint addresses (gdb/debug.h). The decision is made
 * once per decode; blocks are flushed when breakpoints change.
 *
 * The cache that holds blocks is block.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/a64_ldst.h"
#include "cpu/access.h"
#include "cpu/alu.h"
#include "cpu/block.h"
#include "cpu/fast_kind.h"
#include "cpu/fp_access.h"
#include "cpu/op.h"
#include "gdb/debug.h"
#include "mem/physmem.h"
#include "trace/trace.h"


/* The inline form for a decoded op, or FAST_CALL. Only 64-bit forms, and
 * the data-processing ones only when no operand is register 31 (XZR or SP,
 * which the executors handle), so the inline code indexes cpu->x directly;
 * a compare (flag-setting form writing XZR) has a form of its own. The
 * shifted-register forms include the plain register rows (LSL #0: their
 * op->a and op->b are zero). May fill op->c/op->d, which those rows leave
 * unused. */
static uint8_t op_fast_kind(struct op *op)
{
    exec_fn f = op->exec;
    bool d31 = op->rd == 31, n31 = op->rn == 31, m31 = op->rm == 31;
    bool dn = !d31 && !n31, dnm = dn && !m31;
#define FAST_IF(fn, ok, kind)    \
    if (f == exec_##fn && (ok)) \
        return kind;
    FAST_IF(ADD_imm_x, dn, FAST_ADD_IMM)
    FAST_IF(SUB_imm_x, dn, FAST_SUB_IMM)
    FAST_IF(SUBS_imm_x, dn, FAST_SUBS_IMM)
    FAST_IF(SUBS_imm_x, d31 && !n31, FAST_CMP_IMM)
    FAST_IF(ADD_shift_x, dnm, FAST_ADD_LSL + op->a)
    FAST_IF(ADD_reg_x, dnm, FAST_ADD_LSL + op->a)
    FAST_IF(SUB_shift_x, dnm, FAST_SUB_LSL + op->a)
    FAST_IF(SUB_reg_x, dnm, FAST_SUB_LSL + op->a)
    FAST_IF(SUBS_shift_x, dnm, FAST_SUBS_LSL + op->a)
    FAST_IF(SUBS_reg_x, dnm, FAST_SUBS_LSL + op->a)
    FAST_IF(SUBS_shift_x, d31 && !n31 && !m31, FAST_CMP_LSL + op->a)
    FAST_IF(ADDS_shift_x, dnm, FAST_ADDS_LSL + op->a)
    FAST_IF(ADDS_reg_x, dnm, FAST_ADDS_LSL + op->a)
    FAST_IF(ADD_ext_x, dnm, FAST_ADD_EXT)    /* Rn and Rd would be SP */
    FAST_IF(ADC_x, dnm, FAST_ADC)
    FAST_IF(ADD_reg_w, dnm, FAST_ADD_W)
    FAST_IF(SUB_reg_w, true, FAST_SUB_W)   /* and NEG: reg_read */
    FAST_IF(SUBS_reg_w, !n31 && !m31, FAST_SUBS_W)   /* and CMP: rd 31 is WZR */
    FAST_IF(SUBS_shift_w, !n31 && !m31 && op->a == 0 /* LSL */, FAST_SUBS_W)
    FAST_IF(MOV_reg_w, !d31 && !m31, FAST_MOV_W)
    FAST_IF(CCMP_reg_x, true, FAST_CCMP_X)        /* operands by reg_read: XZR is fine */
    FAST_IF(CCMP_imm_w, true, FAST_CCMP_IMM_W)
    FAST_IF(CCMP_imm_x, true, FAST_CCMP_IMM_X)
    FAST_IF(ADD_imm_x, true, FAST_ADD_IMM_SP)     /* the rest: Rn or Rd is SP */
    FAST_IF(SUB_imm_x, true, FAST_SUB_IMM_SP)
    FAST_IF(AND_imm_w, dn, FAST_AND_IMM_W)
    FAST_IF(EOR_reg_w, dnm, FAST_EOR_W)
    FAST_IF(EOR_shift_w, dnm && op->a == 0 /* LSL */, FAST_EOR_W)
    FAST_IF(LSLV_x, dnm, FAST_LSLV)
    FAST_IF(LSRV_x, dnm, FAST_LSRV)
    FAST_IF(ANDS_imm_x, true, FAST_ANDS_IMM_X)   /* and TST: reg_read, reg_write */
    FAST_IF(ANDS_imm_w, true, FAST_ANDS_IMM_W)
    FAST_IF(EXTR_w, true, FAST_EXTR_W)
    FAST_IF(CSINC_w, true, FAST_CSINC_W)
    FAST_IF(CSINV_w, true, FAST_CSINV_W)
    /* Writeback forms only with Rt != Rn, whose order the executors define. */
    FAST_IF(LDRH_imm, !d31, FAST_LDRH_IMM)
    FAST_IF(LDRB_pre, !d31 && op->rd != op->rn, FAST_LDRB_PRE)
    FAST_IF(LDRB_post, !d31 && op->rd != op->rn, FAST_LDRB_POST)
    FAST_IF(STRB_post, op->rd != op->rn, FAST_STRB_POST)
    FAST_IF(STR_x_post, op->rd != op->rn, FAST_STR_POST)
    /* Q registers: Rt and Rt2 name V registers, so 31 is V31. */
    FAST_IF(LDR_q_imm, true, FAST_LDR_Q_IMM)
    FAST_IF(LDR_q_reg, true, FAST_LDR_Q_REG)
    FAST_IF(STR_q_imm, true, FAST_STR_Q_IMM)
    FAST_IF(LDP_q_off, op->rd != op->ra, FAST_LDP_Q)
    FAST_IF(STP_q_off, true, FAST_STP_Q)
    FAST_IF(LDTR_x, !d31, FAST_LDTR)   /* copy_from_user, and STTR clear_user */
    FAST_IF(STTR_x, true, FAST_STTR)
    FAST_IF(SUBS_reg_x, d31 && !n31 && !m31, FAST_CMP_LSL + op->a)
    FAST_IF(AND_shift_x, dnm, FAST_AND_LSL + op->a)
    FAST_IF(AND_reg_x, dnm, FAST_AND_LSL + op->a)
    FAST_IF(ORR_shift_x, dnm, FAST_ORR_LSL + op->a)
    FAST_IF(ORR_reg_x, dnm, FAST_ORR_LSL + op->a)
    FAST_IF(EOR_shift_x, dnm, FAST_EOR_LSL + op->a)
    FAST_IF(EOR_reg_x, dnm, FAST_EOR_LSL + op->a)
    FAST_IF(MOV_reg_x, !d31 && !m31, FAST_MOV_REG)
    FAST_IF(AND_imm_x, dn, FAST_AND_IMM)
    FAST_IF(ORR_imm_x, dn, FAST_ORR_IMM)
    FAST_IF(EOR_imm_x, dn, FAST_EOR_IMM)
    /* Every row whose executor is reg_write(rd, op->imm). */
    FAST_IF(MOVZ_x, !d31, FAST_SET_IMM)
    FAST_IF(MOVN_x, !d31, FAST_SET_IMM)
    FAST_IF(MOVZ_w, !d31, FAST_SET_IMM)
    FAST_IF(MOVN_w, !d31, FAST_SET_IMM)
    FAST_IF(ADR, !d31, FAST_SET_IMM)
    FAST_IF(ADRP, !d31, FAST_SET_IMM)
    FAST_IF(MOVK_x, !d31, FAST_MOVK)
    FAST_IF(ADD_imm_w, dn, FAST_ADD_IMM_W)
    FAST_IF(SUB_imm_w, dn, FAST_SUB_IMM_W)
    FAST_IF(CSEL_x, dnm, FAST_CSEL)
    FAST_IF(CSINC_x, !d31, FAST_CSINC)   /* CSET and CINC read XZR: reg_read */
    FAST_IF(MADD_x, dnm && op->ra != 31, FAST_MADD)
    FAST_IF(MADD_x, dnm && op->ra == 31, FAST_MUL)
    FAST_IF(MUL_x, dnm, FAST_MUL)
    FAST_IF(UBFM_x, !d31, FAST_UBFM)     /* LSL, LSR, UBFX by immediate */
    FAST_IF(SBFM_x, !d31, FAST_SBFM)     /* ASR, SXTW, SBFX by immediate */
    FAST_IF(ADDS_imm_w, true, FAST_ADDS_IMM_W)
    FAST_IF(SUBS_imm_w, true, FAST_SUBS_IMM_W)   /* and CMP (32-bit) */
    /* Loads and stores: the base may be SP; a loaded register is not XZR. */
    FAST_IF(LDR_x_imm, !d31, FAST_LDR_IMM)
    FAST_IF(STR_x_imm, true, FAST_STR_IMM)
    FAST_IF(LDP_x_off, !d31 && op->ra != 31, FAST_LDP)
    FAST_IF(STP_x_off, true, FAST_STP)
    FAST_IF(LDR_w_imm, !d31, FAST_LDR_W_IMM)
    FAST_IF(STR_w_imm, true, FAST_STR_W_IMM)
    FAST_IF(LDRB_imm, !d31, FAST_LDRB_IMM)
    FAST_IF(STRB_imm, true, FAST_STRB_IMM)
    FAST_IF(STRH_imm, true, FAST_STRH_IMM)
    FAST_IF(LDRSW_imm, !d31, FAST_LDRSW_IMM)
    /* The unscaled forms: the same accesses at Rn + a signed offset. */
    FAST_IF(LDUR_x, !d31, FAST_LDR_IMM)
    FAST_IF(LDUR_w, !d31, FAST_LDR_W_IMM)
    FAST_IF(LDURH, !d31, FAST_LDRH_IMM)
    FAST_IF(LDURB, !d31, FAST_LDRB_IMM)
    FAST_IF(LDURSW, !d31, FAST_LDRSW_IMM)
    FAST_IF(STUR_x, true, FAST_STR_IMM)
    FAST_IF(STUR_w, true, FAST_STR_W_IMM)
    FAST_IF(STURH, true, FAST_STRH_IMM)
    FAST_IF(STURB, true, FAST_STRB_IMM)
    FAST_IF(STP_x_pre, true, FAST_STP_PRE)
    FAST_IF(LDP_x_post, !d31 && op->ra != 31, FAST_LDP_POST)
    /* Register offset: only the plain 64-bit index (LSL #0 or #3). */
    FAST_IF(LDR_x_reg, !d31 && !m31 && op->a == 0 /* LDST_RM_X */, FAST_LDR_REG)
    FAST_IF(STR_x_reg, !m31 && op->a == 0, FAST_STR_REG)
    FAST_IF(LDRB_reg, !d31, FAST_LDRB_REG)   /* any index extend */
    FAST_IF(LDRH_reg, !d31, FAST_LDRH_REG)   /* any index extend */
    FAST_IF(LDR_w_reg, !d31, FAST_LDR_W_REG)   /* any index extend */
    FAST_IF(B, true, FAST_B)
    FAST_IF(BL, true, FAST_BL)
    FAST_IF(CBZ_x, true, FAST_CBZ)
    FAST_IF(CBNZ_x, true, FAST_CBNZ)
    FAST_IF(TBZ, true, FAST_TBZ)
    FAST_IF(TBNZ, true, FAST_TBNZ)
    FAST_IF(RET, true, FAST_RET)
    FAST_IF(CBZ_w, true, FAST_CBZ_W)
    FAST_IF(CBNZ_w, true, FAST_CBNZ_W)
    FAST_IF(BR, true, FAST_BR)
    FAST_IF(BLR, true, FAST_BLR)
    FAST_IF(HINT, true, FAST_NOP)
    FAST_IF(PRFM_imm, true, FAST_NOP)   /* prefetches do nothing here */
    FAST_IF(PRFM_reg, true, FAST_NOP)
    FAST_IF(PRFUM, true, FAST_NOP)
    FAST_IF(PRFM_lit, true, FAST_NOP)
#undef FAST_IF
    if (f == exec_B_cond)
        return (uint8_t)(FAST_B_COND + op->a);
    return FAST_CALL;
}

/* Branches that only write the PC (and X30): nothing they do changes the
 * translation or the exception level, so their jumps may be chained. */
static bool op_is_branch(const struct op *op)
{
    exec_fn f = op->exec;
    return f == exec_B || f == exec_BL || f == exec_B_cond || f == exec_CBZ_w ||
           f == exec_CBNZ_w || f == exec_CBZ_x || f == exec_CBNZ_x || f == exec_TBZ ||
           f == exec_TBNZ || f == exec_BR || f == exec_BLR || f == exec_RET;
}

/* The run loop's code address for each enum fast_kind, published by
 * cpu_run() before it decodes anything (GNU C labels as values are local to
 * their function). */
static const void *const *run_labels;

/* The ops a block gets before its first instruction when the debugger or
 * a trace asks (see the opening comment); returns how many. */
static unsigned block_prologue(struct cpu *cpu, struct op *ops, uint64_t pc)
{
    unsigned n = 0;
    if (debug_bp_count && !cpu->single_step && debug_bp_at(pc)) {
        memset(&ops[n], 0, sizeof(ops[n]));
        ops[n].exec = debug_op_break;
        ops[n].pc = pc;
        n++;
    }
    if ((log_mask & (LOG_EXEC | LOG_CPU)) && log_in_filter(pc, 4)) {
        memset(&ops[n], 0, sizeof(ops[n]));
        ops[n].exec = trace_op_entry;
        ops[n].pc = pc;
        n++;
    }
    return n;
}

/* Room for the prologue ops (op->index still fits in 8 bits). */
#define BLOCK_PROLOGUE_MAX 2

static struct block *block_decode(struct cpu *cpu, uint64_t pc, const uint8_t *host, uint64_t pa)
{
    unsigned max = cpu->single_step ? 1 : BLOCK_MAX_OPS;
    const void *const *labels = __atomic_load_n(&run_labels, __ATOMIC_RELAXED);
    /* One more op for the FAST_END sentinel. */
    struct block *b = block_alloc(cpu->blocks, max + BLOCK_PROLOGUE_MAX + 1);
    unsigned first = 0;
    bool breakpoints = false;
    if (unlikely(debug_bp_count | (log_mask & (LOG_EXEC | LOG_CPU)))) {
        first = block_prologue(cpu, b->ops, pc);
        max += first;
        breakpoints = debug_bp_count && !cpu->single_step;
    }

    /* Decoding follows the instructions as they run: straight on, past
     * conditional branches (a taken one leaves the block mid-way), and on at
     * the target of a forward B or BL on the same page. Everything stays on
     * the block's first page, so its page list entry covers it and one TLB
     * check covers its fetch. Forward only, so a block never loops. */
    const uint8_t *page_host = host - (pc & ~PAGE_MASK);
    uint64_t cur = pc;
    unsigned n = first;
    while (n < max) {
        /* A breakpoint address always starts a block. */
        if (unlikely(breakpoints) && n > first && debug_bp_at(cur))
            break;
        uint32_t insn;
        memcpy(&insn, page_host + (cur & ~PAGE_MASK), 4);
        struct op *op = &b->ops[n++];
        decode_a64(insn, cur, op);
        op->fast = op_fast_kind(op);
        if ((op->exec == exec_B || op->exec == exec_BL) && n < max) {
            uint64_t target = (uint64_t)op->imm;
            if (target > cur && ((target ^ cur) & PAGE_MASK) == 0 &&
                !(unlikely(breakpoints) && debug_bp_at(target))) {
                op->fast = op->exec == exec_B ? FAST_NOP : FAST_BL_ON;
                cur = target;
                continue;
            }
        }
        if (op_ends_block(op))
            break;
        cur += 4;
        if ((cur & ~PAGE_MASK) == 0)
            break;
    }
    memset(&b->ops[n], 0, sizeof(b->ops[n]));
    b->ops[n].fast = FAST_END;
    b->ops[n].pc = b->ops[n - 1].pc + 4;
    for (unsigned i = 0; i <= n; i++) {
        b->ops[i].run = labels[b->ops[i].fast];
        b->ops[i].index = (uint8_t)i;
    }
    b->pc = pc;
    b->pa = pa;
    b->host = host;
    b->valid = true;
    b->n_ops = n;
    memset(b->link, 0, sizeof(b->link));
    memset(b->link_far, 0, sizeof(b->link_far));
    b->link_victim = 0;
    b->chain = op_is_branch(&b->ops[n - 1])      ? CHAIN_BRANCH
               : op_ends_block(&b->ops[n - 1]) ? CHAIN_NONE
                                               : CHAIN_NEXT;
    /* Code is generated when the block has run cpu->jit_hot times (most
     * run a few times only), and never with a debugger's or a trace's ops
     * in front: those stay exact. */
    b->jit = NULL;
    b->runs = 0;
    b->may_jit = first == 0 && cpu->jit_policy != JIT_OFF;
    block_commit(cpu, b);
    if (log_enabled(LOG_IN_ASM) && log_in_filter(pc, (uint64_t)(n - first) * 4))
        trace_in_asm(b->ops + first, n - first);
    return b;
}

/* Generates code for a block that has become hot (jit.h); true if it
 * has code now. */
static __attribute__((noinline)) bool block_compile(struct cpu *cpu, struct block *b)
{
    if (b->may_jit)
        b->jit = jit_compile(block_cache_jit(cpu->blocks), b, (enum jit_policy)cpu->jit_policy);
    return b->jit != NULL;
}

/* The block for cpu->pc under the current translation, decoding it if needed.
 * NULL if fetching faulted (the exception has been taken). */
static struct block *block_lookup(struct cpu *cpu)
{
    uint64_t pc = cpu->pc;
    if (unlikely(pc & 3)) {
        cpu_take_exception(cpu, pc, (uint32_t)EC_PC_ALIGN << 26 | 1u << 25, pc, true);
        return NULL;
    }
    const uint8_t *host;
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], pc);
    uint64_t pa = 0;
    bool have_pa = false;
    if (likely(e->tag_exec == (pc & TLB_PAGE_MASK))) {
        host = (const uint8_t *)(uintptr_t)(pc + e->addend);
    } else {
        if (!tlb_fetch(cpu, pc, &host, &pa)) {
            cpu_data_abort(cpu, pc);
            return NULL;
        }
        have_pa = true;
    }
    struct block *found = block_find(cpu->blocks, pc, host, cpu->single_step);
    if (found)
        return found;
    if (!have_pa && !tlb_fetch(cpu, pc, &host, &pa)) {
        cpu_data_abort(cpu, pc);
        return NULL;
    }
    return block_decode(cpu, pc, host, pa);
}

/* The checks made before every block; false if cpu_run() must return `*why`.
 * *chained is cleared when an interrupt moved the PC. */
static bool run_checks(struct cpu *cpu, uint64_t limit, enum cpu_stop *why, bool *chained)
{
    if (cpu->exit_requested) {
        *why = CPU_STOP_HALT;
        return false;
    }
    if (cpu->stop_request) {
        __atomic_store_n(&cpu->stop_request, false, __ATOMIC_RELAXED);
        *why = CPU_STOP_REQUEST;
        return false;
    }
    if (cpu_irq_lines(cpu) && !debug_stepping(cpu) && cpu_check_interrupts(cpu))
        *chained = false;
    if (cpu->insns >= limit) {
        *why = CPU_STOP_BUDGET;
        return false;
    }
    return true;
}

/* The target of RET, BR and BLR: as their executors do, the tag byte is
 * dropped when TBI applies (D8.8 "Address tagging"; TCR_EL1.TBI1 for bit 55
 * set, else TBI0). */
static inline uint64_t ret_target(const struct cpu *cpu, uint64_t va)
{
    uint64_t tbi = bit(va, 55) ? 1ull << 38 : 1ull << 37;
    return (cpu->sys.tcr_el1 & tbi) ? (uint64_t)sext64(va, 56) : va;
}

/* The 64-bit index of LDR/STR (register), LSL #0 or #size. */
static inline uint64_t regoff_x(const struct cpu *cpu, const struct op *op)
{
    return reg_read_sp(cpu, op->rn) + (cpu->x[op->rm] << op->b);
}

/* Threaded dispatch inside a block: every inline form ends with its own
 * jump to the next op's form, which host branch predictors follow far
 * better than one shared switch (GNU C labels as values). */
#define CASE(kind) L_##kind
/* The four shift types of one shifted-register form; STMT uses m. */
#define SHIFTED_CASES(NAME, STMT)                                 \
    CASE(FAST_##NAME##_LSL) : {                                   \
        uint64_t m = X(rm) << op->b;                              \
        STMT;                                                     \
        NEXT();                                                   \
    }                                                             \
    CASE(FAST_##NAME##_LSR) : {                                   \
        uint64_t m = X(rm) >> op->b;                              \
        STMT;                                                     \
        NEXT();                                                   \
    }                                                             \
    CASE(FAST_##NAME##_ASR) : {                                   \
        uint64_t m = (uint64_t)((int64_t)X(rm) >> op->b);         \
        STMT;                                                     \
        NEXT();                                                   \
    }                                                             \
    CASE(FAST_##NAME##_ROR) : {                                   \
        uint64_t m = alu_ror64(X(rm), op->b);                     \
        STMT;                                                     \
        NEXT();                                                   \
    }
#define X(field) cpu->x[op->field]
#define SET_NZCV(value) cpu_set_nzcv(cpu, (value))
#define DISPATCH() goto *op->run
/* Run block b from its start: its generated code first, if it has any,
 * then the run loop from the op that code returns (jit.h). */
#define ENTER_BLOCK()                                                       \
    do {                                                                    \
        if (!b->jit && (++b->runs != cpu->jit_hot || !block_compile(cpu, b))) { \
            op = b->ops;                                                    \
        } else {                                                            \
            op = b->jit(cpu);                                               \
            if ((uintptr_t)op & 3) {                                        \
                uintptr_t tag_ = (uintptr_t)op & 3;                         \
                op = (const struct op *)((uintptr_t)op - tag_);             \
                if (tag_ == 2)                                              \
                    goto jumped;                                            \
                st = (enum exec_status)cpu->jit_status;                     \
                goto leave;                                                 \
            }                                                               \
        }                                                                   \
        DISPATCH();                                                         \
    } while (0)
#define NEXT()      \
    do {            \
        op++;       \
        DISPATCH(); \
    } while (0)

/* GCC would merge the identical dispatch jumps that end the inline forms
 * back into one, undoing the threading (measured: about 10% slower), and
 * would pack a comparison's two operand stores (cpu_set_nzcv_sub) into one
 * vector store, which the branch reading one of them right after cannot
 * take its value from without a stall (measured: 20% slower). */
#if defined(__GNUC__) && !defined(__clang__)
#define RUN_LOOP_ATTR __attribute__((optimize("no-crossjumping", "no-tree-slp-vectorize")))
#else
#define RUN_LOOP_ATTR
#endif

RUN_LOOP_ATTR enum cpu_stop cpu_run(struct cpu *cpu, uint64_t budget)
{
    struct block_cache *bc = cpu->blocks;
    uint64_t limit = cpu->insns + budget;
    cpu->mem->on_code_write = block_cache_code_written;
    cpu->mem->code_write_opaque = cpu;

    /* The block that just ran when its exit may be chained, else NULL.
     * Single-stepping never chains. A chainable block holds no system
     * instruction, so nothing it ran can have flushed the cache under us
     * (see block_cache_flush); the lookup below may, and is checked. */
    struct block *prev = NULL, *b;
    bool may_chain = !cpu->single_step;
    const struct op *op;
    enum exec_status st;
    struct tlb_entry *tlb;
    cpu->jit_insn_limit = may_chain ? limit : 0;

    static const void *const fast_labels[] = {
        [FAST_CALL] = &&L_FAST_CALL,
        [FAST_END] = &&L_FAST_END,
        [FAST_NOP] = &&L_FAST_NOP,
        [FAST_BL_ON] = &&L_FAST_BL_ON,
        [FAST_ADD_IMM] = &&L_FAST_ADD_IMM,
        [FAST_SUB_IMM] = &&L_FAST_SUB_IMM,
        [FAST_SUBS_IMM] = &&L_FAST_SUBS_IMM,
        [FAST_CMP_IMM] = &&L_FAST_CMP_IMM,
        [FAST_ADD_LSL] = &&L_FAST_ADD_LSL,
        [FAST_ADD_LSR] = &&L_FAST_ADD_LSR,
        [FAST_ADD_ASR] = &&L_FAST_ADD_ASR,
        [FAST_ADD_ROR] = &&L_FAST_ADD_ROR,
        [FAST_SUB_LSL] = &&L_FAST_SUB_LSL,
        [FAST_SUB_LSR] = &&L_FAST_SUB_LSR,
        [FAST_SUB_ASR] = &&L_FAST_SUB_ASR,
        [FAST_SUB_ROR] = &&L_FAST_SUB_ROR,
        [FAST_SUBS_LSL] = &&L_FAST_SUBS_LSL,
        [FAST_SUBS_LSR] = &&L_FAST_SUBS_LSR,
        [FAST_SUBS_ASR] = &&L_FAST_SUBS_ASR,
        [FAST_SUBS_ROR] = &&L_FAST_SUBS_ROR,
        [FAST_CMP_LSL] = &&L_FAST_CMP_LSL,
        [FAST_CMP_LSR] = &&L_FAST_CMP_LSR,
        [FAST_CMP_ASR] = &&L_FAST_CMP_ASR,
        [FAST_CMP_ROR] = &&L_FAST_CMP_ROR,
        [FAST_AND_LSL] = &&L_FAST_AND_LSL,
        [FAST_AND_LSR] = &&L_FAST_AND_LSR,
        [FAST_AND_ASR] = &&L_FAST_AND_ASR,
        [FAST_AND_ROR] = &&L_FAST_AND_ROR,
        [FAST_ORR_LSL] = &&L_FAST_ORR_LSL,
        [FAST_ORR_LSR] = &&L_FAST_ORR_LSR,
        [FAST_ORR_ASR] = &&L_FAST_ORR_ASR,
        [FAST_ORR_ROR] = &&L_FAST_ORR_ROR,
        [FAST_EOR_LSL] = &&L_FAST_EOR_LSL,
        [FAST_EOR_LSR] = &&L_FAST_EOR_LSR,
        [FAST_EOR_ASR] = &&L_FAST_EOR_ASR,
        [FAST_EOR_ROR] = &&L_FAST_EOR_ROR,
        [FAST_MOV_REG] = &&L_FAST_MOV_REG,
        [FAST_AND_IMM] = &&L_FAST_AND_IMM,
        [FAST_ORR_IMM] = &&L_FAST_ORR_IMM,
        [FAST_EOR_IMM] = &&L_FAST_EOR_IMM,
        [FAST_SET_IMM] = &&L_FAST_SET_IMM,
        [FAST_MOVK] = &&L_FAST_MOVK,
        [FAST_ADD_IMM_W] = &&L_FAST_ADD_IMM_W,
        [FAST_SUB_IMM_W] = &&L_FAST_SUB_IMM_W,
        [FAST_CSEL] = &&L_FAST_CSEL,
        [FAST_CSINC] = &&L_FAST_CSINC,
        [FAST_UBFM] = &&L_FAST_UBFM,
        [FAST_SBFM] = &&L_FAST_SBFM,
        [FAST_ADDS_IMM_W] = &&L_FAST_ADDS_IMM_W,
        [FAST_SUBS_IMM_W] = &&L_FAST_SUBS_IMM_W,
        [FAST_MADD] = &&L_FAST_MADD,
        [FAST_MUL] = &&L_FAST_MUL,
        [FAST_LDR_IMM] = &&L_FAST_LDR_IMM,
        [FAST_STR_IMM] = &&L_FAST_STR_IMM,
        [FAST_LDR_REG] = &&L_FAST_LDR_REG,
        [FAST_STR_REG] = &&L_FAST_STR_REG,
        [FAST_LDP] = &&L_FAST_LDP,
        [FAST_STP] = &&L_FAST_STP,
        [FAST_LDR_W_IMM] = &&L_FAST_LDR_W_IMM,
        [FAST_STR_W_IMM] = &&L_FAST_STR_W_IMM,
        [FAST_LDRB_IMM] = &&L_FAST_LDRB_IMM,
        [FAST_STRB_IMM] = &&L_FAST_STRB_IMM,
        [FAST_STP_PRE] = &&L_FAST_STP_PRE,
        [FAST_LDP_POST] = &&L_FAST_LDP_POST,
        [FAST_B] = &&L_FAST_B,
        [FAST_BL] = &&L_FAST_BL,
        [FAST_B_COND + 0] = &&L_FAST_B_COND_0, [FAST_B_COND + 1] = &&L_FAST_B_COND_1,
        [FAST_B_COND + 2] = &&L_FAST_B_COND_2, [FAST_B_COND + 3] = &&L_FAST_B_COND_3,
        [FAST_B_COND + 4] = &&L_FAST_B_COND_4, [FAST_B_COND + 5] = &&L_FAST_B_COND_5,
        [FAST_B_COND + 6] = &&L_FAST_B_COND_6, [FAST_B_COND + 7] = &&L_FAST_B_COND_7,
        [FAST_B_COND + 8] = &&L_FAST_B_COND_8, [FAST_B_COND + 9] = &&L_FAST_B_COND_9,
        [FAST_B_COND + 10] = &&L_FAST_B_COND_10, [FAST_B_COND + 11] = &&L_FAST_B_COND_11,
        [FAST_B_COND + 12] = &&L_FAST_B_COND_12, [FAST_B_COND + 13] = &&L_FAST_B_COND_13,
        [FAST_B_COND + 14] = &&L_FAST_B_COND_14, [FAST_B_COND + 15] = &&L_FAST_B_COND_15,
        [FAST_CBZ] = &&L_FAST_CBZ,
        [FAST_CBNZ] = &&L_FAST_CBNZ,
        [FAST_TBZ] = &&L_FAST_TBZ,
        [FAST_TBNZ] = &&L_FAST_TBNZ,
        [FAST_RET] = &&L_FAST_RET,
        [FAST_CBZ_W] = &&L_FAST_CBZ_W,
        [FAST_CBNZ_W] = &&L_FAST_CBNZ_W,
        [FAST_BR] = &&L_FAST_BR,
        [FAST_BLR] = &&L_FAST_BLR,
        [FAST_ADDS_LSL] = &&L_FAST_ADDS_LSL,
        [FAST_ADDS_LSR] = &&L_FAST_ADDS_LSR,
        [FAST_ADDS_ASR] = &&L_FAST_ADDS_ASR,
        [FAST_ADDS_ROR] = &&L_FAST_ADDS_ROR,
        [FAST_ADD_EXT] = &&L_FAST_ADD_EXT,
        [FAST_ADC] = &&L_FAST_ADC,
        [FAST_ADD_W] = &&L_FAST_ADD_W,
        [FAST_SUB_W] = &&L_FAST_SUB_W,
        [FAST_SUBS_W] = &&L_FAST_SUBS_W,
        [FAST_MOV_W] = &&L_FAST_MOV_W,
        [FAST_LDRB_REG] = &&L_FAST_LDRB_REG,
        [FAST_LDRH_REG] = &&L_FAST_LDRH_REG,
        [FAST_LDR_W_REG] = &&L_FAST_LDR_W_REG,
        [FAST_CCMP_X] = &&L_FAST_CCMP_X,
        [FAST_CCMP_IMM_W] = &&L_FAST_CCMP_IMM_W,
        [FAST_CCMP_IMM_X] = &&L_FAST_CCMP_IMM_X,
        [FAST_ADD_IMM_SP] = &&L_FAST_ADD_IMM_SP,
        [FAST_SUB_IMM_SP] = &&L_FAST_SUB_IMM_SP,
        [FAST_AND_IMM_W] = &&L_FAST_AND_IMM_W,
        [FAST_EOR_W] = &&L_FAST_EOR_W,
        [FAST_LSLV] = &&L_FAST_LSLV,
        [FAST_LSRV] = &&L_FAST_LSRV,
        [FAST_ANDS_IMM_X] = &&L_FAST_ANDS_IMM_X,
        [FAST_ANDS_IMM_W] = &&L_FAST_ANDS_IMM_W,
        [FAST_EXTR_W] = &&L_FAST_EXTR_W,
        [FAST_CSINC_W] = &&L_FAST_CSINC_W,
        [FAST_CSINV_W] = &&L_FAST_CSINV_W,
        [FAST_LDRH_IMM] = &&L_FAST_LDRH_IMM,
        [FAST_LDRB_PRE] = &&L_FAST_LDRB_PRE,
        [FAST_LDRB_POST] = &&L_FAST_LDRB_POST,
        [FAST_STRB_POST] = &&L_FAST_STRB_POST,
        [FAST_STR_POST] = &&L_FAST_STR_POST,
        [FAST_LDTR] = &&L_FAST_LDTR,
        [FAST_STTR] = &&L_FAST_STTR,
        [FAST_STRH_IMM] = &&L_FAST_STRH_IMM,
        [FAST_LDRSW_IMM] = &&L_FAST_LDRSW_IMM,
        [FAST_LDR_Q_IMM] = &&L_FAST_LDR_Q_IMM,
        [FAST_LDR_Q_REG] = &&L_FAST_LDR_Q_REG,
        [FAST_STR_Q_IMM] = &&L_FAST_STR_Q_IMM,
        [FAST_LDP_Q] = &&L_FAST_LDP_Q,
        [FAST_STP_Q] = &&L_FAST_STP_Q,
    };
    /* Every core stores the same value. */
    __atomic_store_n(&run_labels, fast_labels, __ATOMIC_RELAXED);

    for (;;) {
        /* The slow way from one block to the next: full checks, then the
         * cached successor or a lookup. */
        bool chained = prev != NULL;
        if (unlikely(cpu_attention(cpu) || cpu->insns >= limit)) {
            enum cpu_stop why;
            if (!run_checks(cpu, limit, &why, &chained))
                return why;
        }
        b = chained ? block_follow(cpu, prev, cpu->pc) : NULL;
        if (!b) {
            uint64_t gen = block_cache_generation(bc);
            b = block_lookup(cpu);
            if (!b) {
                prev = NULL;
                continue;
            }
            if (chained && gen == block_cache_generation(bc))
                block_link(prev, b);
        }
        /* The data TLB of the current regime: the regime only changes
         * with the exception level, which ends a block unchained. */
        tlb = cpu->tlb[cpu->mmu_idx];
        ENTER_BLOCK();
        {
            {
            CASE(FAST_CALL):
            call:
                st = op->exec(cpu, op);
                if (unlikely(st != EXEC_NEXT))
                    goto leave;
                NEXT();
            CASE(FAST_END):
                goto fell_through;
            CASE(FAST_NOP):
                NEXT();
            CASE(FAST_BL_ON):
                cpu->x[30] = op->pc + 4;
                NEXT();
            CASE(FAST_ADD_IMM):
                X(rd) = X(rn) + (uint64_t)op->imm;
                NEXT();
            CASE(FAST_SUB_IMM):
                X(rd) = X(rn) - (uint64_t)op->imm;
                NEXT();
            CASE(FAST_SUBS_IMM): {
                uint64_t n = X(rn);
                cpu_set_nzcv_sub(cpu, n, (uint64_t)op->imm);
                X(rd) = n - (uint64_t)op->imm;
                NEXT();
            }
            CASE(FAST_CMP_IMM):
                cpu_set_nzcv_sub(cpu, X(rn), (uint64_t)op->imm);
                NEXT();
            SHIFTED_CASES(ADD, X(rd) = X(rn) + m)
            SHIFTED_CASES(SUB, X(rd) = X(rn) - m)
            SHIFTED_CASES(SUBS, uint64_t n = X(rn); cpu_set_nzcv_sub(cpu, n, m); X(rd) = n - m)
            SHIFTED_CASES(CMP, cpu_set_nzcv_sub(cpu, X(rn), m))
            SHIFTED_CASES(ADDS, X(rd) = alu_adds64(cpu, X(rn), m, 0))
            CASE(FAST_ADD_EXT): /* exec_ADD_ext_x: a, c, b = drop, signed, shift */
                X(rd) = X(rn) + alu_extend(X(rm), op->a, op->c, op->b);
                NEXT();
            CASE(FAST_ADC):
                X(rd) = X(rn) + X(rm) + alu_carry(cpu);
                NEXT();
            CASE(FAST_ADD_W):
                X(rd) = (uint32_t)(X(rn) + X(rm));
                NEXT();
            CASE(FAST_SUB_W):
                reg_write(cpu, op->rd, (uint32_t)(reg_read(cpu, op->rn) - reg_read(cpu, op->rm)));
                NEXT();
            CASE(FAST_SUBS_W): { /* exec_SUBS_reg_w, _shift_w with LSL #b */
                uint32_t n = (uint32_t)X(rn), m = (uint32_t)X(rm) << op->b;
                cpu_set_nzcv_sub32(cpu, n, m);
                reg_write(cpu, op->rd, (uint32_t)(n - m));
                NEXT();
            }
            CASE(FAST_MOV_W):
                X(rd) = (uint32_t)X(rm);
                NEXT();
            /* exec_CCMP_*: op->imm = condition table, a = NZCV if it fails,
             * b = imm5 */
            CASE(FAST_CCMP_X):
                if ((op->imm >> (cpu_nzcv(cpu) >> 28)) & 1)
                    cpu_set_nzcv_sub(cpu, reg_read(cpu, op->rn), reg_read(cpu, op->rm));
                else
                    SET_NZCV((uint32_t)op->a << 28);
                NEXT();
            CASE(FAST_CCMP_IMM_W):
                if ((op->imm >> (cpu_nzcv(cpu) >> 28)) & 1)
                    cpu_set_nzcv_sub32(cpu, (uint32_t)reg_read(cpu, op->rn), op->b);
                else
                    SET_NZCV((uint32_t)op->a << 28);
                NEXT();
            CASE(FAST_CCMP_IMM_X):
                if ((op->imm >> (cpu_nzcv(cpu) >> 28)) & 1)
                    cpu_set_nzcv_sub(cpu, reg_read(cpu, op->rn), op->b);
                else
                    SET_NZCV((uint32_t)op->a << 28);
                NEXT();
            CASE(FAST_ADD_IMM_SP):
                reg_write_sp(cpu, op->rd, reg_read_sp(cpu, op->rn) + (uint64_t)op->imm);
                NEXT();
            CASE(FAST_SUB_IMM_SP):
                reg_write_sp(cpu, op->rd, reg_read_sp(cpu, op->rn) - (uint64_t)op->imm);
                NEXT();
            CASE(FAST_AND_IMM_W): /* op->imm is the 32-bit mask */
                X(rd) = X(rn) & (uint64_t)op->imm;
                NEXT();
            CASE(FAST_EOR_W):
                X(rd) = (uint32_t)(X(rn) ^ ((uint32_t)X(rm) << op->b));
                NEXT();
            CASE(FAST_LSLV):
                X(rd) = X(rn) << (X(rm) & 63);
                NEXT();
            CASE(FAST_LSRV):
                X(rd) = X(rn) >> (X(rm) & 63);
                NEXT();
            CASE(FAST_ANDS_IMM_X): {
                uint64_t r = reg_read(cpu, op->rn) & (uint64_t)op->imm;
                alu_logic_flags64(cpu, r);
                reg_write(cpu, op->rd, r);
                NEXT();
            }
            CASE(FAST_ANDS_IMM_W): {
                uint32_t r = (uint32_t)(reg_read(cpu, op->rn) & (uint64_t)op->imm);
                alu_logic_flags32(cpu, r);
                reg_write(cpu, op->rd, r);
                NEXT();
            }
            CASE(FAST_EXTR_W): { /* exec_EXTR_w: a = lsb */
                uint64_t pair = (uint64_t)(uint32_t)reg_read(cpu, op->rn) << 32 |
                                (uint32_t)reg_read(cpu, op->rm);
                reg_write(cpu, op->rd, (uint32_t)(pair >> op->a));
                NEXT();
            }
            CASE(FAST_CSINC_W):
                reg_write(cpu, op->rd, (op->imm >> (cpu_nzcv(cpu) >> 28)) & 1
                                           ? (uint32_t)reg_read(cpu, op->rn)
                                           : (uint32_t)(reg_read(cpu, op->rm) + 1));
                NEXT();
            CASE(FAST_CSINV_W):
                reg_write(cpu, op->rd, (op->imm >> (cpu_nzcv(cpu) >> 28)) & 1
                                           ? (uint32_t)reg_read(cpu, op->rn)
                                           : (uint32_t)~reg_read(cpu, op->rm));
                NEXT();
            SHIFTED_CASES(AND, X(rd) = X(rn) & m)
            SHIFTED_CASES(ORR, X(rd) = X(rn) | m)
            SHIFTED_CASES(EOR, X(rd) = X(rn) ^ m)
            CASE(FAST_MOV_REG):
                X(rd) = X(rm);
                NEXT();
            CASE(FAST_AND_IMM):
                X(rd) = X(rn) & (uint64_t)op->imm;
                NEXT();
            CASE(FAST_ORR_IMM):
                X(rd) = X(rn) | (uint64_t)op->imm;
                NEXT();
            CASE(FAST_EOR_IMM):
                X(rd) = X(rn) ^ (uint64_t)op->imm;
                NEXT();
            CASE(FAST_SET_IMM):
                X(rd) = (uint64_t)op->imm;
                NEXT();
            CASE(FAST_MOVK):
                X(rd) = (X(rd) & ~(0xffffull << op->a)) | (uint64_t)op->imm;
                NEXT();
            CASE(FAST_ADD_IMM_W):
                X(rd) = (uint32_t)(X(rn) + (uint64_t)op->imm);
                NEXT();
            CASE(FAST_SUB_IMM_W):
                X(rd) = (uint32_t)(X(rn) - (uint64_t)op->imm);
                NEXT();
            CASE(FAST_CSEL): /* op->imm: the condition's truth table over NZCV */
                X(rd) = (op->imm >> (cpu_nzcv(cpu) >> 28)) & 1 ? X(rn) : X(rm);
                NEXT();
            CASE(FAST_CSINC):
                X(rd) = (op->imm >> (cpu_nzcv(cpu) >> 28)) & 1 ? reg_read(cpu, op->rn)
                                                            : reg_read(cpu, op->rm) + 1;
                NEXT();
            CASE(FAST_UBFM): /* exec_UBFM_x: a = rotation, imm = mask */
                X(rd) = alu_ror64(reg_read(cpu, op->rn), op->a) & (uint64_t)op->imm;
                NEXT();
            CASE(FAST_SBFM): { /* exec_SBFM_x */
                uint64_t bot = alu_ror64(reg_read(cpu, op->rn), op->a) & (uint64_t)op->imm;
                X(rd) = (uint64_t)((int64_t)(bot << op->b) >> op->b);
                NEXT();
            }
            CASE(FAST_ADDS_IMM_W): /* exec_ADDS_imm_w; rd may be WZR (CMN) */
                reg_write(cpu, op->rd,
                          alu_adds32(cpu, (uint32_t)reg_read_sp(cpu, op->rn), (uint32_t)op->imm, 0));
                NEXT();
            CASE(FAST_SUBS_IMM_W): { /* exec_SUBS_imm_w; rd may be WZR (CMP) */
                uint32_t n = (uint32_t)reg_read_sp(cpu, op->rn), m = (uint32_t)op->imm;
                cpu_set_nzcv_sub32(cpu, n, m);
                reg_write(cpu, op->rd, (uint32_t)(n - m));
                NEXT();
            }
            CASE(FAST_MADD):
                X(rd) = X(ra) + X(rn) * X(rm);
                NEXT();
            CASE(FAST_MUL):
                X(rd) = X(rn) * X(rm);
                NEXT();
            /* Loads and stores: a TLB hit inline (its one compare also
             * checks alignment), anything else through the executor. */
#define TLB_LOAD(set, va, size)                                                  \
    do {                                                                         \
        struct tlb_entry *e_ = tlb_entry_for(set, va);                           \
        if (unlikely(e_->tag_read != TLB_CMP(va, size)))                         \
            goto call;                                                           \
        X(rd) = host_load((const void *)(uintptr_t)((va) + e_->addend), size);   \
    } while (0)
#define TLB_STORE(set, va, size)                                                 \
    do {                                                                         \
        struct tlb_entry *e_ = tlb_entry_for(set, va);                           \
        if (unlikely(e_->tag_write != TLB_CMP(va, size)))                        \
            goto call;                                                           \
        host_store((void *)(uintptr_t)((va) + e_->addend), size, reg_read(cpu, op->rd)); \
    } while (0)
#define LOAD_CASE(KIND, ADDR, SIZE)                                              \
    CASE(KIND) : {                                                               \
        uint64_t va = (ADDR);                                                    \
        TLB_LOAD(tlb, va, SIZE);                                                 \
        NEXT();                                                                  \
    }
#define STORE_CASE(KIND, ADDR, SIZE)                                             \
    CASE(KIND) : {                                                               \
        uint64_t va = (ADDR);                                                    \
        TLB_STORE(tlb, va, SIZE);                                                \
        NEXT();                                                                  \
    }
#define IMM_ADDR (reg_read_sp(cpu, op->rn) + (uint64_t)op->imm)
            LOAD_CASE(FAST_LDR_IMM, IMM_ADDR, 8)
            LOAD_CASE(FAST_LDR_W_IMM, IMM_ADDR, 4)
            LOAD_CASE(FAST_LDRH_IMM, IMM_ADDR, 2)
            LOAD_CASE(FAST_LDRB_IMM, IMM_ADDR, 1)
            STORE_CASE(FAST_STR_IMM, IMM_ADDR, 8)
            STORE_CASE(FAST_STR_W_IMM, IMM_ADDR, 4)
            STORE_CASE(FAST_STRB_IMM, IMM_ADDR, 1)
            STORE_CASE(FAST_STRH_IMM, IMM_ADDR, 2)
            CASE(FAST_LDRSW_IMM): {
                uint64_t va = IMM_ADDR;
                TLB_LOAD(tlb, va, 4);
                X(rd) = (uint64_t)(int64_t)(int32_t)X(rd);
                NEXT();
            }
            LOAD_CASE(FAST_LDR_REG, regoff_x(cpu, op), 8)
            STORE_CASE(FAST_STR_REG, regoff_x(cpu, op), 8)
            LOAD_CASE(FAST_LDR_W_REG, ldst_regoff_addr(cpu, op), 4)   /* any index extend */
            LOAD_CASE(FAST_LDRH_REG, ldst_regoff_addr(cpu, op), 2)
            LOAD_CASE(FAST_LDRB_REG, ldst_regoff_addr(cpu, op), 1)
            CASE(FAST_LDRB_PRE):
            CASE(FAST_LDRB_POST): {
                uint64_t base = reg_read_sp(cpu, op->rn), wb = base + (uint64_t)op->imm;
                uint64_t va = op->fast == FAST_LDRB_PRE ? wb : base;
                TLB_LOAD(tlb, va, 1);
                reg_write_sp(cpu, op->rn, wb);
                NEXT();
            }
            CASE(FAST_STRB_POST): {
                uint64_t va = reg_read_sp(cpu, op->rn);
                TLB_STORE(tlb, va, 1);
                reg_write_sp(cpu, op->rn, va + (uint64_t)op->imm);
                NEXT();
            }
            CASE(FAST_STR_POST): {
                uint64_t va = reg_read_sp(cpu, op->rn);
                TLB_STORE(tlb, va, 8);
                reg_write_sp(cpu, op->rn, va + (uint64_t)op->imm);
                NEXT();
            }
            /* Unprivileged: EL0's view, which at EL0 is the current one
             * (cpu_load_unpriv, cpu_store_unpriv). */
            CASE(FAST_LDTR): {
                uint64_t va = IMM_ADDR;
                TLB_LOAD(cpu->tlb[MMU_IDX_EL0], va, 8);
                NEXT();
            }
            CASE(FAST_STTR): {
                uint64_t va = IMM_ADDR;
                TLB_STORE(cpu->tlb[MMU_IDX_EL0], va, 8);
                NEXT();
            }
            /* SIMD&FP registers, as exec_LDR_q_imm and the others: only
             * with FP enabled (else the executor takes the trap). A Q
             * access is two 8-byte halves, so an 8-byte-aligned one that
             * stays in its page is a hit. */
/* p: the host address of `bytes` at va, or to the executor. */
#define Q_HOST(p, tag, va, bytes)                                                \
    struct tlb_entry *e_ = tlb_entry_for(tlb, va);                               \
    if (unlikely(!cpu_fp_enabled(cpu) || e_->tag != TLB_CMP(va, 8) ||            \
                 ((va) & ~TLB_PAGE_MASK) > (1u << TLB_PAGE_BITS) - (bytes)))     \
        goto call;                                                               \
    uint8_t *p = (uint8_t *)(uintptr_t)((va) + e_->addend)
            CASE(FAST_LDR_Q_IMM):
            CASE(FAST_LDR_Q_REG): {
                uint64_t va = op->fast == FAST_LDR_Q_IMM ? IMM_ADDR : ldst_regoff_addr(cpu, op);
                Q_HOST(p, tag_read, va, 16);
                memcpy(cpu->v[op->rd], p, 16);
                NEXT();
            }
            CASE(FAST_STR_Q_IMM): {
                uint64_t va = IMM_ADDR;
                Q_HOST(p, tag_write, va, 16);
                memcpy(p, cpu->v[op->rd], 16);
                NEXT();
            }
            CASE(FAST_LDP_Q): {
                uint64_t va = IMM_ADDR;
                Q_HOST(p, tag_read, va, 32);
                memcpy(cpu->v[op->rd], p, 16);
                memcpy(cpu->v[op->ra], p + 16, 16);
                NEXT();
            }
            CASE(FAST_STP_Q): {
                uint64_t va = IMM_ADDR;
                Q_HOST(p, tag_write, va, 32);
                memcpy(p, cpu->v[op->rd], 16);
                memcpy(p + 16, cpu->v[op->ra], 16);
                NEXT();
            }
#undef Q_HOST
#undef IMM_ADDR
#undef TLB_STORE
#undef TLB_LOAD
#undef STORE_CASE
#undef LOAD_CASE
            CASE(FAST_STP_PRE): {
                /* As exec_STP_x_pre: both stores, then the base written back. */
                uint64_t va = reg_read_sp(cpu, op->rn) + (uint64_t)op->imm;
                struct tlb_entry *e = tlb_entry_for(tlb, va);
                if (unlikely(e->tag_write != TLB_CMP(va, 8) || (va & ~TLB_PAGE_MASK) > 0xff0))
                    goto call;
                uint8_t *p = (uint8_t *)(uintptr_t)(va + e->addend);
                uint64_t w0 = reg_read(cpu, op->rd), w1 = reg_read(cpu, op->ra);
                host_store(p, 8, w0);
                host_store(p + 8, 8, w1);
                reg_write_sp(cpu, op->rn, va);
                NEXT();
            }
            CASE(FAST_LDP_POST): {
                /* As exec_LDP_x_post: Rt2, Rt, then the base written back. */
                uint64_t va = reg_read_sp(cpu, op->rn);
                struct tlb_entry *e = tlb_entry_for(tlb, va);
                if (unlikely(e->tag_read != TLB_CMP(va, 8) || (va & ~TLB_PAGE_MASK) > 0xff0))
                    goto call;
                const uint8_t *p = (const uint8_t *)(uintptr_t)(va + e->addend);
                uint64_t w0 = host_load(p, 8), w1 = host_load(p + 8, 8);
                X(ra) = w1;
                X(rd) = w0;
                reg_write_sp(cpu, op->rn, va + (uint64_t)op->imm);
                NEXT();
            }
            CASE(FAST_LDP): {
                /* Both words from one TLB hit, or the executor's careful path. */
                uint64_t va = reg_read_sp(cpu, op->rn) + (uint64_t)op->imm;
                struct tlb_entry *e = tlb_entry_for(tlb, va);
                if (unlikely(e->tag_read != TLB_CMP(va, 8) || (va & ~TLB_PAGE_MASK) > 0xff0))
                    goto call;
                const uint8_t *p = (const uint8_t *)(uintptr_t)(va + e->addend);
                uint64_t w0 = host_load(p, 8), w1 = host_load(p + 8, 8);
                X(ra) = w1;
                X(rd) = w0;
                NEXT();
            }
            CASE(FAST_STP): {
                uint64_t va = reg_read_sp(cpu, op->rn) + (uint64_t)op->imm;
                struct tlb_entry *e = tlb_entry_for(tlb, va);
                if (unlikely(e->tag_write != TLB_CMP(va, 8) || (va & ~TLB_PAGE_MASK) > 0xff0))
                    goto call;
                uint8_t *p = (uint8_t *)(uintptr_t)(va + e->addend);
                uint64_t w0 = reg_read(cpu, op->rd), w1 = reg_read(cpu, op->ra);
                host_store(p, 8, w0);
                host_store(p + 8, 8, w1);
                NEXT();
            }
            CASE(FAST_B):
                cpu->pc = (uint64_t)op->imm;
                goto jumped;
            CASE(FAST_BL):
                cpu->x[30] = op->pc + 4;
                cpu->pc = (uint64_t)op->imm;
                goto jumped;
#define B_COND_CASE(cond)                                \
    CASE(FAST_B_COND_##cond) :                           \
        if (cpu_cond_holds(cpu, cond)) {                 \
            if ((uint64_t)op->imm == b->pc)              \
                goto loop;                               \
            cpu->pc = (uint64_t)op->imm;                 \
            goto jumped;                                 \
        }                                                \
        NEXT();
            B_COND_CASE(0) B_COND_CASE(1) B_COND_CASE(2) B_COND_CASE(3)
            B_COND_CASE(4) B_COND_CASE(5) B_COND_CASE(6) B_COND_CASE(7)
            B_COND_CASE(8) B_COND_CASE(9) B_COND_CASE(10) B_COND_CASE(11)
            B_COND_CASE(12) B_COND_CASE(13) B_COND_CASE(14) B_COND_CASE(15)
#undef B_COND_CASE
            CASE(FAST_CBZ):
                if (reg_read(cpu, op->rd) == 0) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            CASE(FAST_CBNZ):
                if (reg_read(cpu, op->rd) != 0) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            CASE(FAST_TBZ):
                if (!bit(reg_read(cpu, op->rd), op->a)) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            CASE(FAST_TBNZ):
                if (bit(reg_read(cpu, op->rd), op->a)) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            CASE(FAST_RET):
            CASE(FAST_BR):
                cpu->pc = ret_target(cpu, reg_read(cpu, op->rn));
                goto jumped;
            CASE(FAST_BLR): {
                uint64_t target = reg_read(cpu, op->rn);
                cpu->x[30] = op->pc + 4;
                cpu->pc = ret_target(cpu, target);
                goto jumped;
            }
            CASE(FAST_CBZ_W):
                if ((uint32_t)reg_read(cpu, op->rd) == 0) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            CASE(FAST_CBNZ_W):
                if ((uint32_t)reg_read(cpu, op->rd) != 0) {
                    cpu->pc = (uint64_t)op->imm;
                    goto jumped;
                }
                NEXT();
            }
        }

    fell_through:
        /* op is the sentinel: every op ran. */
        cpu->insns += b->n_ops;
        cpu->pc = op->pc;
        if (b->chain == CHAIN_NONE) {
            prev = NULL;
            continue;
        }
        goto chain;

    loop:
        /* A conditional branch back to the start of its own block: the
         * commonest loop goes round again with the fewest checks (those
         * of the chained path below), and the PC is only written when it
         * leaves. */
        cpu->insns += op->index + 1u;
        if (likely(may_chain && !cpu_attention(cpu) && cpu->insns < limit && b->valid)) {
            ENTER_BLOCK();
        }
        cpu->pc = b->pc;
        goto chain;

    jumped:
        /* An inline branch: the block's last op, or a conditional branch
         * taken mid-way. */
        cpu->insns += op->index + 1u;

    chain:
        /* The fast way to the next block: nothing to look at and a cached
         * successor that may run; anything else goes round the loop. */
        prev = may_chain ? b : NULL;
        if (unlikely(!prev || cpu_attention(cpu) || cpu->insns >= limit))
            continue;
        /* A loop that is one block goes round without looking anything up
         * (unless its own stores threw it away). */
        if (cpu->pc == b->pc && likely(b->valid)) {
            ENTER_BLOCK();
        }
        b = block_follow(cpu, prev, cpu->pc);
        if (unlikely(!b))
            continue;
        ENTER_BLOCK();

    leave: {
        uint64_t done = (uint64_t)(op - b->ops);
        prev = NULL;
        switch (st) {
        case EXEC_JUMP:
            cpu->insns += done + 1;
            /* Only the block's own closing branch: a jump from anywhere else
             * is an exception being taken. */
            if (b->chain == CHAIN_BRANCH && done + 1 == b->n_ops && may_chain)
                prev = b;
            break;
        case EXEC_FAULT:
            cpu->insns += done;
            if (unlikely(cpu->fault.fsc == FSC_DEBUG_WATCH)) {
                /* A debugger watchpoint: stop before the instruction. */
                cpu->pc = op->pc;
                return CPU_STOP_REQUEST;
            }
            cpu_data_abort(cpu, op->pc);
            if (unlikely(debug_stepping(cpu)))
                return CPU_STOP_BUDGET;
            break;
        case EXEC_UNDEF:
            cpu->insns += done;
            cpu_undefined(cpu, op->pc);
            if (unlikely(debug_stepping(cpu)))
                return CPU_STOP_BUDGET;
            break;
        case EXEC_EXIT:
            cpu->insns += done + 1;
            if (cpu->exit_requested)
                return CPU_STOP_HALT;
            if (cpu->halted)
                return CPU_STOP_WFI;
            return CPU_STOP_REQUEST;
        case EXEC_NEXT:
            break;
        }
    }
    }
}

#undef CASE
#undef SHIFTED_CASES
#undef X
#undef SET_NZCV
#undef DISPATCH
#undef ENTER_BLOCK
#undef NEXT

void cpu_flush_blocks(struct cpu *cpu)
{
    block_cache_flush(cpu->blocks);
}
