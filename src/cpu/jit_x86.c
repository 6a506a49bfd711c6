/*
 * The x86-64 translator (see jit.h for what generated code promises).
 *
 * One pass over the block's ops, each translated by its run-loop kind
 * (fast_kind.h) into a few host instructions; the first op with none ends
 * the code (or, under JIT_ALL, is a call of its executor). A guest register
 * gets a host register the first time an op uses it. The entry, written
 * after the ops when the set is known, loads them all from the struct cpu,
 * and the exit path stores the ones ops write (an executor call does both,
 * through two small routines). rdi holds the struct cpu, rsi the current
 * regime's TLB set, rax/rcx/rdx are scratch. Flags are stored in the lazy
 * form the run loop keeps (flags_x, flags_y, flags_sub) by every
 * comparison, so any exit leaves them right; a conditional branch right
 * after the comparison tests the host flags of the same subtraction.
 *
 * Encodings: Intel SDM vol. 2 (REX, ModRM, SIB; condition codes 0-15).
 */
#define _GNU_SOURCE /* memfd_create */
#include "cpu/jit.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/a64_ldst.h"
#include "cpu/block.h"
#include "cpu/cpu.h"
#include "cpu/fast_kind.h"
#include "cpu/op.h"
#include "cpu/tlb.h"

#define JIT_ARENA_SIZE (64u << 20)
/* More than the code of the longest block can take (BLOCK_MAX_OPS ops of
 * at most ~100 bytes, an exit for each and the entry). */
#define JIT_BLOCK_ROOM (64u << 10)

/* The code is written through one mapping and run from another of the
 * same memory, so no page is ever writable and executable at once. The
 * code is position-independent within the arena (rel32 jumps to itself,
 * absolute addresses only outside it), so both views hold the same bytes. */
struct jit_arena {
    uint8_t *base;           /* the writable view */
    uint8_t *exec;           /* the executable view */
    size_t used;
};

#if defined(__x86_64__)

struct jit_arena *jit_arena_new(void)
{
    struct jit_arena *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    int fd = memfd_create("armvirt-jit", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, JIT_ARENA_SIZE) != 0) {
        if (fd >= 0)
            close(fd);
        free(a);
        return NULL;
    }
    void *w = mmap(NULL, JIT_ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *x = mmap(NULL, JIT_ARENA_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (w == MAP_FAILED || x == MAP_FAILED) {
        if (w != MAP_FAILED)
            munmap(w, JIT_ARENA_SIZE);
        if (x != MAP_FAILED)
            munmap(x, JIT_ARENA_SIZE);
        free(a);
        return NULL;
    }
    a->base = w;
    a->exec = x;
    return a;
}

void jit_arena_free(struct jit_arena *a)
{
    if (a) {
        munmap(a->base, JIT_ARENA_SIZE);
        munmap(a->exec, JIT_ARENA_SIZE);
        free(a);
    }
}

void jit_arena_reset(struct jit_arena *a)
{
    a->used = 0;
}

bool jit_arena_full(const struct jit_arena *a)
{
    return a->used + JIT_BLOCK_ROOM > JIT_ARENA_SIZE;
}

/* ---- x86-64 encoding ---- */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define CPU_REG RDI   /* where the caller passes it */
#define TLB_REG RSI

/* Host registers for guest registers: the ones the caller does not expect
 * kept first, so a block with few saves nothing. */
static const uint8_t pool[] = {R8, R9, R10, R11, RBX, RBP, R12, R13, R14, R15};
#define POOL_N (sizeof(pool) / sizeof(pool[0]))
static bool callee_saved(unsigned r)
{
    return r == RBX || r == RBP || r >= R12;
}

/* Condition codes (the low nibble of Jcc/CMOVcc). */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP,
       CC_L, CC_GE, CC_LE, CC_G };
/* The host condition that tests an A64 condition after a subtraction of
 * the same operands (C is "no borrow", the inverse of the host's CF). */
static const uint8_t cc_of_cond[14] = {CC_E, CC_NE, CC_AE, CC_B, CC_S, CC_NS, CC_O,
                                       CC_NO, CC_A, CC_BE, CC_GE, CC_L, CC_G, CC_LE};

/* Group-1 ALU operations: register forms' opcodes and the /ext of 0x81. */
enum alu { ALU_ADD, ALU_OR, ALU_AND = 4, ALU_SUB, ALU_XOR, ALU_CMP };
static const uint8_t alu_rr_opc[8] = {0x01, 0x09, 0, 0, 0x21, 0x29, 0x31, 0x39};
/* /ext of the shift group 0xC1/0xD3. */
enum shift { SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

#define MAX_FIX (BLOCK_MAX_OPS * 8)

/* How a jump leaves: to the run loop at an op, after storing the guest
 * registers; with an executor's status in eax (nothing to store: the
 * executor left them in the struct); after a branch op that is taken, with
 * the PC set to its target (or already set: FIX_BRANCHED); or to one of the
 * register routines. */
enum fix_kind { FIX_EXIT, FIX_JUMPED, FIX_BRANCHED, FIX_STATUS, FIX_LOAD_ALL, FIX_STORE_WRITTEN };

/* What an op's translation changes, restored if the op cannot be
 * translated after all. */
struct jit_state {
    uint8_t *p;
    int8_t host_of[32];      /* guest register (31: SP) -> host register, -1 */
    unsigned n_used;         /* pool registers handed out */
    uint32_t written;        /* guest registers (31: SP) written */
    bool uses_tlb;           /* an access in the current regime: TLB_REG set up */
    bool flags_known;        /* NZCV is the lazy flags_x - flags_y an op stored */
    bool host_flags;         /* ... and the host flags are still of that subtraction */
    bool host_carry;         /* the host's CF is PSTATE.C (after ADDS, ADCS) */
    bool loops;              /* a branch goes round inside the code */
    unsigned n_fix;
};

struct jit_ctx {
    struct jit_state s;
    uint8_t *end;
    bool fail;               /* the op cannot be translated */
    bool out_of_regs;        /* ... because every host register is taken */
    const struct block *b;
    /* Jumps to an exit: where their rel32 is, and the op the exit returns. */
    struct {
        uint8_t *at;
        uint8_t kind;        /* enum fix_kind */
        uint8_t op;
    } fix[MAX_FIX];
    uint8_t *stub[FIX_STATUS + 1][256];   /* exit stubs by kind and op->index */
};

static void emit1(struct jit_ctx *c, uint8_t v)
{
    if (c->s.p < c->end)
        *c->s.p++ = v;
    else
        c->fail = true;
}

static void emit4(struct jit_ctx *c, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit1(c, (uint8_t)(v >> (8 * i)));
}

static void emit8(struct jit_ctx *c, uint64_t v)
{
    emit4(c, (uint32_t)v);
    emit4(c, (uint32_t)(v >> 32));
}

static void rex(struct jit_ctx *c, bool w, unsigned reg, unsigned index, unsigned base, bool force)
{
    uint8_t r = (uint8_t)(0x40 | w << 3 | (reg >> 3) << 2 | (index >> 3) << 1 | (base >> 3));
    if (r != 0x40 || force)
        emit1(c, r);
}

static void opcode(struct jit_ctx *c, unsigned opc)
{
    if (opc > 0xff)
        emit1(c, (uint8_t)(opc >> 8));
    emit1(c, (uint8_t)opc);
}

/* opc reg, rm (both registers). */
static void op_rr(struct jit_ctx *c, bool w, unsigned opc, unsigned reg, unsigned rm)
{
    rex(c, w, reg, 0, rm, false);
    opcode(c, opc);
    emit1(c, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* opc reg, [base + disp32]. */
static void op_mem(struct jit_ctx *c, bool w, unsigned opc, unsigned reg, unsigned base, int32_t disp)
{
    rex(c, w, reg, 0, base, false);
    opcode(c, opc);
    emit1(c, (uint8_t)(0x80 | (reg & 7) << 3 | ((base & 7) == 4 ? 4 : (base & 7))));
    if ((base & 7) == 4)
        emit1(c, 0x24);   /* SIB: no index, base rsp/r12 */
    emit4(c, (uint32_t)disp);
}

/* opc reg, [base + index << scale + disp32]; force_rex for byte registers. */
static void op_mem_idx(struct jit_ctx *c, bool w, unsigned opc, unsigned reg, unsigned base,
                       unsigned index, unsigned scale, int32_t disp, bool force_rex)
{
    rex(c, w, reg, index, base, force_rex);
    opcode(c, opc);
    emit1(c, (uint8_t)(0x80 | (reg & 7) << 3 | 4));
    emit1(c, (uint8_t)(scale << 6 | (index & 7) << 3 | (base & 7)));
    emit4(c, (uint32_t)disp);
}

static void push_pop(struct jit_ctx *c, unsigned reg, bool push)
{
    rex(c, false, 0, 0, reg, false);
    emit1(c, (uint8_t)((push ? 0x50 : 0x58) + (reg & 7)));
}

static void mov_rr(struct jit_ctx *c, bool w, unsigned dst, unsigned src)
{
    if (dst != src || !w)
        op_rr(c, w, 0x89, src, dst);
}

static void load(struct jit_ctx *c, unsigned dst, unsigned base, int32_t disp)
{
    op_mem(c, true, 0x8b, dst, base, disp);
}

static void store(struct jit_ctx *c, unsigned src, unsigned base, int32_t disp)
{
    op_mem(c, true, 0x89, src, base, disp);
}

/* dst = v, leaving the host flags alone. */
static void mov_ri(struct jit_ctx *c, unsigned dst, uint64_t v)
{
    if (v <= 0xffffffffu) {
        rex(c, false, 0, 0, dst, false);
        emit1(c, (uint8_t)(0xb8 + (dst & 7)));
        emit4(c, (uint32_t)v);
    } else if ((int64_t)v == (int32_t)v) {
        op_rr(c, true, 0xc7, 0, dst);
        emit4(c, (uint32_t)v);
    } else {
        rex(c, true, 0, 0, dst, false);
        emit1(c, (uint8_t)(0xb8 + (dst & 7)));
        emit8(c, v);
    }
}

static void alu_rr(struct jit_ctx *c, bool w, enum alu op, unsigned dst, unsigned src)
{
    op_rr(c, w, alu_rr_opc[op], src, dst);
}

static bool fits32(int64_t v)
{
    return v == (int32_t)v;
}

/* dst op= imm; an immediate that does not fit goes through rdx. */
static void alu_ri(struct jit_ctx *c, bool w, enum alu op, unsigned dst, int64_t imm)
{
    if (!w)
        imm = (int32_t)(uint32_t)imm;
    if (fits32(imm)) {
        op_rr(c, w, 0x81, op, dst);
        emit4(c, (uint32_t)imm);
    } else if (dst == RDX) {
        c->fail = true;   /* no second scratch: no caller needs one */
    } else {
        mov_ri(c, RDX, (uint64_t)imm);
        alu_rr(c, w, op, dst, RDX);
    }
}

static void shift_ri(struct jit_ctx *c, bool w, enum shift sh, unsigned dst, unsigned n)
{
    if (n == 0)
        return;
    op_rr(c, w, 0xc1, sh, dst);
    emit1(c, (uint8_t)n);
}

static void test_rr(struct jit_ctx *c, bool w, unsigned a, unsigned b)
{
    op_rr(c, w, 0x85, b, a);
}

/* A rel32 jump whose target is patched later; returns where the rel32 is. */
static uint8_t *jcc(struct jit_ctx *c, unsigned cc)
{
    emit1(c, 0x0f);
    emit1(c, (uint8_t)(0x80 | cc));
    uint8_t *at = c->s.p;
    emit4(c, 0);
    return at;
}

static uint8_t *jmp(struct jit_ctx *c)
{
    emit1(c, 0xe9);
    uint8_t *at = c->s.p;
    emit4(c, 0);
    return at;
}

static void patch(struct jit_ctx *c, uint8_t *at, const uint8_t *target)
{
    if (c->fail || !at || at + 4 > c->end)
        return;
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

static void add_fix(struct jit_ctx *c, uint8_t *at, enum fix_kind kind, unsigned index)
{
    if (c->s.n_fix == MAX_FIX) {
        c->fail = true;
        return;
    }
    c->fix[c->s.n_fix].at = at;
    c->fix[c->s.n_fix].kind = (uint8_t)kind;
    c->fix[c->s.n_fix].op = (uint8_t)index;
    c->s.n_fix++;
}

/* Leave for the run loop at op `index` if cc holds (CC_ALWAYS: always). */
#define CC_ALWAYS 16
static void exit_if(struct jit_ctx *c, unsigned cc, unsigned index)
{
    add_fix(c, cc == CC_ALWAYS ? jmp(c) : jcc(c, cc), FIX_EXIT, index);
}

/* call rel32 to one of the register routines. */
static void call_routine(struct jit_ctx *c, enum fix_kind kind)
{
    emit1(c, 0xe8);
    uint8_t *at = c->s.p;
    emit4(c, 0);
    add_fix(c, at, kind, 0);
}

/* ---- guest registers ---- */

static int32_t slot_offset(unsigned slot)
{
    return slot == 31 ? (int32_t)offsetof(struct cpu, sp)
                      : (int32_t)(offsetof(struct cpu, x) + 8 * slot);
}

/* The host register of guest slot (register 0-30, or 31 = SP). */
static unsigned slot_reg(struct jit_ctx *c, unsigned slot)
{
    if (c->s.host_of[slot] >= 0)
        return (unsigned)c->s.host_of[slot];
    if (c->s.n_used == POOL_N) {
        c->fail = c->out_of_regs = true;
        return RAX;
    }
    unsigned h = pool[c->s.n_used++];
    c->s.host_of[slot] = (int8_t)h;
    return h;
}

/* Xn as an operand where 31 is SP (reg_read_sp). */
static unsigned rd_sp(struct jit_ctx *c, unsigned r)
{
    return slot_reg(c, r);
}

/* Xn where the kind guarantees n != 31. */
#define rd_x rd_sp

/* Xn where 31 reads as zero (reg_read): zero goes in `scratch`. */
static unsigned rd_zr(struct jit_ctx *c, unsigned r, unsigned scratch)
{
    if (r != 31)
        return slot_reg(c, r);
    mov_ri(c, scratch, 0);
    return scratch;
}

/* The register to write Xd (31: SP) to. */
static unsigned wr_sp(struct jit_ctx *c, unsigned r)
{
    c->s.written |= 1u << r;
    return slot_reg(c, r);
}

#define wr_x wr_sp

/* ---- flags ---- */

#define CPU_OFF(field) ((int32_t)offsetof(struct cpu, field))
static_assert(sizeof(((struct cpu *)0)->tlb[0]) == 1u << 15, "a TLB set is 2^15 bytes");

/* NZCV := flags of x - y, lazily: the operands, as cpu_set_nzcv_sub. */
static void store_flags_sub(struct jit_ctx *c, unsigned x, unsigned y)
{
    store(c, x, CPU_REG, CPU_OFF(flags_x));
    store(c, y, CPU_REG, CPU_OFF(flags_y));
    /* mov byte [cpu + flags_sub], 1 */
    op_mem(c, false, 0xc6, 0, CPU_REG, CPU_OFF(flags_sub));
    emit1(c, 1);
    c->s.flags_known = true;
}

/* The host flags of flags_x - flags_y, when a comparison of this block
 * set NZCV; leaves rax..rdx except rcx alone. */
static void host_flags_of_sub(struct jit_ctx *c, bool live)
{
    if (live)
        return;
    load(c, RCX, CPU_REG, CPU_OFF(flags_x));
    op_mem(c, true, 0x3b, RCX, CPU_REG, CPU_OFF(flags_y));   /* cmp rcx, [flags_y] */
}

/* NZCV of a logical operation's result in rax (alu_logic_flags64/32):
 * N and Z from it, C and V clear, stored in the eager form. */
static void logic_flags(struct jit_ctx *c, bool w)
{
    mov_rr(c, true, RCX, RAX);
    shift_ri(c, w, SH_SHR, RCX, w ? 63 : 31);
    shift_ri(c, false, SH_SHL, RCX, 31);              /* N */
    test_rr(c, w, RAX, RAX);
    op_rr(c, false, 0x0f94, 0, RDX);                  /* sete dl (no REX: dl) */
    op_rr(c, false, 0x0fb6, RDX, RDX);                /* movzx edx, dl */
    shift_ri(c, false, SH_SHL, RDX, 30);              /* Z */
    alu_rr(c, false, ALU_OR, RCX, RDX);
    op_mem(c, false, 0x89, RCX, CPU_REG, CPU_OFF(flags_nzcv));
    op_mem(c, false, 0xc6, 0, CPU_REG, CPU_OFF(flags_sub));   /* mov byte [flags_sub], 0 */
    emit1(c, 0);
    c->s.flags_known = false;
}

/* NZCV of an addition the host just did (ADDS, ADCS: alu_adds64/32),
 * result in rax: stored in the eager form, and the host's CF left as C
 * for an ADC or ADCS right after. */
static void add_flags(struct jit_ctx *c, bool w)
{
    op_rr(c, false, 0x0f92, 0, RCX);                  /* setc cl */
    op_rr(c, false, 0x0f90, 0, RDX);                  /* seto dl */
    op_rr(c, false, 0x0fb6, RCX, RCX);                /* movzx ecx, cl */
    shift_ri(c, false, SH_SHL, RCX, 29);              /* C */
    op_rr(c, false, 0x0fb6, RDX, RDX);
    shift_ri(c, false, SH_SHL, RDX, 28);              /* V */
    alu_rr(c, false, ALU_OR, RCX, RDX);
    mov_rr(c, true, RDX, RAX);
    shift_ri(c, w, SH_SHR, RDX, w ? 63 : 31);
    shift_ri(c, false, SH_SHL, RDX, 31);              /* N */
    alu_rr(c, false, ALU_OR, RCX, RDX);
    test_rr(c, w, RAX, RAX);
    op_rr(c, false, 0x0f94, 0, RDX);                  /* sete dl */
    op_rr(c, false, 0x0fb6, RDX, RDX);
    shift_ri(c, false, SH_SHL, RDX, 30);              /* Z */
    alu_rr(c, false, ALU_OR, RCX, RDX);
    op_mem(c, false, 0x89, RCX, CPU_REG, CPU_OFF(flags_nzcv));
    op_mem(c, false, 0xc6, 0, CPU_REG, CPU_OFF(flags_sub));   /* mov byte [flags_sub], 0 */
    emit1(c, 0);
    op_rr(c, false, 0x0fba, 4, RCX);                  /* bt ecx, 29: CF = C */
    emit1(c, 29);
    c->s.flags_known = false;
    c->s.host_carry = true;
}

/* ---- memory ---- */

/* The TLB hit test for an access of `size` at the address in rcx (tlb.h);
 * a miss leaves at op `index`. Afterwards rax is the entry's addend. */
static void tlb_hit(struct jit_ctx *c, bool el0, unsigned size, bool write, unsigned index)
{
    mov_rr(c, true, RAX, RCX);
    shift_ri(c, true, SH_SHR, RAX, TLB_PAGE_BITS);
    alu_ri(c, false, ALU_AND, RAX, TLB_ENTRIES - 1);
    shift_ri(c, true, SH_SHL, RAX, 5);   /* sizeof(struct tlb_entry) */
    if (el0) {
        op_mem_idx(c, true, 0x8d, RAX, CPU_REG, RAX, 0,
                   CPU_OFF(tlb[MMU_IDX_EL0]), false);
    } else {
        c->s.uses_tlb = true;
        alu_rr(c, true, ALU_ADD, RAX, TLB_REG);
    }
    mov_rr(c, true, RDX, RCX);
    alu_ri(c, true, ALU_AND, RDX, (int64_t)(TLB_PAGE_MASK | (size - 1)));
    op_mem(c, true, 0x3b, RDX, RAX,
           write ? (int32_t)offsetof(struct tlb_entry, tag_write)
                 : (int32_t)offsetof(struct tlb_entry, tag_read));
    exit_if(c, CC_NE, index);
    load(c, RAX, RAX, (int32_t)offsetof(struct tlb_entry, addend));
}

/* dst = the `size` bytes at [rax + rcx + disp], zero-extended. */
static void load_host(struct jit_ctx *c, unsigned dst, unsigned size, int32_t disp)
{
    static const unsigned opc[9] = {[1] = 0x0fb6, [2] = 0x0fb7, [4] = 0x8b, [8] = 0x8b};
    op_mem_idx(c, size == 8, opc[size], dst, RAX, RCX, 0, disp, false);
}

static void store_host(struct jit_ctx *c, unsigned src, unsigned size, int32_t disp)
{
    if (size == 2)
        emit1(c, 0x66);
    op_mem_idx(c, size == 8, size == 1 ? 0x88 : 0x89, src, RAX, RCX, 0, disp, size == 1);
}

/* rcx = Xn|SP + imm. */
static void addr_imm(struct jit_ctx *c, const struct op *op)
{
    if (!fits32(op->imm)) {
        c->fail = true;
        return;
    }
    op_mem(c, true, 0x8d, RCX, rd_sp(c, op->rn), (int32_t)op->imm);   /* lea */
}

/* rcx = Xn|SP + (the index, extended as op->a says) << op->b
 * (ldst_regoff_addr). */
static void addr_ext(struct jit_ctx *c, const struct op *op)
{
    unsigned m = rd_zr(c, op->rm, RAX);
    if (op->a == LDST_RM_UXTW)
        mov_rr(c, false, RAX, m);                     /* mov eax, Wm */
    else if (op->a == LDST_RM_SXTW)
        op_rr(c, true, 0x63, RAX, m);                 /* movsxd rax, Wm */
    else
        mov_rr(c, true, RAX, m);
    op_mem_idx(c, true, 0x8d, RCX, rd_sp(c, op->rn), RAX, op->b, 0, false);
}

/* rcx = Xn|SP + (Xm << op->b), b 0 or 3 (regoff_x). */
static void addr_reg(struct jit_ctx *c, const struct op *op)
{
    unsigned base = rd_sp(c, op->rn), index = rd_x(c, op->rm);
    op_mem_idx(c, true, 0x8d, RCX, base, index, op->b, 0, false);
}

static void load_op(struct jit_ctx *c, const struct op *op, unsigned size, bool el0, unsigned i)
{
    tlb_hit(c, el0, size, false, i);
    load_host(c, wr_x(c, op->rd), size, 0);
}

static void store_op(struct jit_ctx *c, const struct op *op, unsigned size, bool el0, unsigned i)
{
    tlb_hit(c, el0, size, true, i);
    store_host(c, rd_zr(c, op->rd, RDX), size, 0);
}

/* Pairs: both words from one TLB hit, in the page (as the run loop). */
static void pair_hit(struct jit_ctx *c, bool write, unsigned i)
{
    op_rr(c, false, 0x89, RCX, RDX);            /* mov edx, ecx */
    alu_ri(c, false, ALU_AND, RDX, 0xfff);
    alu_ri(c, false, ALU_CMP, RDX, 0xff0);
    exit_if(c, CC_A, i);
    tlb_hit(c, false, 8, write, i);
}

/* Xn|SP += imm after a post-indexed access whose address is in rcx. */
static void writeback(struct jit_ctx *c, const struct op *op)
{
    if (!fits32(op->imm)) {
        c->fail = true;
        return;
    }
    op_mem(c, true, 0x8d, wr_sp(c, op->rn), RCX, (int32_t)op->imm);   /* lea */
}

/* ---- branches ---- */

/* Leave for the run loop with the PC at the address in rax, as RET, BR
 * and BLR do (ret_target in exec.c): the tag byte is dropped when
 * TCR_EL1.TBI1 (bit 55 set) or TBI0 says so. */
static void branch_to_rax(struct jit_ctx *c, unsigned i)
{
    mov_rr(c, true, RDX, RAX);
    shift_ri(c, true, SH_SHR, RDX, 55);
    alu_ri(c, false, ALU_AND, RDX, 1);
    alu_ri(c, false, ALU_ADD, RDX, 37);               /* TBI0 is bit 37, TBI1 bit 38 */
    load(c, RCX, CPU_REG, CPU_OFF(sys.tcr_el1));
    op_rr(c, true, 0x0fa3, RDX, RCX);                 /* bt rcx, rdx */
    uint8_t *keep = jcc(c, CC_AE);
    shift_ri(c, true, SH_SHL, RAX, 8);                /* sign-extend bit 55 */
    shift_ri(c, true, SH_SAR, RAX, 8);
    patch(c, keep, c->s.p);
    store(c, RAX, CPU_REG, CPU_OFF(pc));
    add_fix(c, jmp(c), FIX_BRANCHED, i);
}

/* Where a taken branch goes: round the block again, from inside, when it
 * targets the block's start and nothing stops it (the run loop's `loop:`
 * checks); else to the run loop with the PC at the target. When a check
 * stops the loop, the run loop runs the branch again and sees why. */
static void taken(struct jit_ctx *c, const struct op *op, unsigned i, uint8_t *head)
{
    if ((uint64_t)op->imm == c->b->pc) {
        c->s.loops = true;
        op_mem(c, false, 0x8b, RAX, CPU_REG, CPU_OFF(attention));
        test_rr(c, false, RAX, RAX);
        exit_if(c, CC_NE, i);
        load(c, RAX, CPU_REG, CPU_OFF(insns));
        alu_ri(c, true, ALU_ADD, RAX, (int64_t)i + 1);
        op_mem(c, true, 0x3b, RAX, CPU_REG, CPU_OFF(jit_insn_limit));
        exit_if(c, CC_AE, i);
        mov_ri(c, RDX, (uint64_t)(uintptr_t)&c->b->valid);
        op_mem(c, false, 0x80, 7, RDX, 0);        /* cmp byte [rdx], 0 */
        emit1(c, 0);
        exit_if(c, CC_E, i);
        store(c, RAX, CPU_REG, CPU_OFF(insns));
        patch(c, jmp(c), head);
    } else {
        add_fix(c, jmp(c), FIX_JUMPED, i);
    }
}

/* A conditional branch on host condition cc (already set up). */
static void branch_on(struct jit_ctx *c, const struct op *op, unsigned i, uint8_t *head, unsigned cc)
{
    uint8_t *skip = jcc(c, cc ^ 1);
    taken(c, op, i, head);
    patch(c, skip, c->s.p);
}

/* Code that jumps to the returned sites when A64 condition `cond` (0-13)
 * holds on the current NZCV, in either lazy form (as cpu_cond_holds), and
 * falls through when it does not. Uses rax, rcx and rdx. */
struct cond_sites {
    uint8_t *at[2];
    unsigned n;
};

static struct cond_sites cond_test(struct jit_ctx *c, unsigned cond, bool live)
{
    struct cond_sites t = {{0}, 0};
    if (c->s.flags_known) {
        host_flags_of_sub(c, live);
        t.at[t.n++] = jcc(c, cc_of_cond[cond]);
        return t;
    }
    op_mem(c, false, 0x80, 7, CPU_REG, CPU_OFF(flags_sub));   /* cmp byte [flags_sub], 0 */
    emit1(c, 0);
    uint8_t *to_nzcv = jcc(c, CC_E);
    host_flags_of_sub(c, false);
    t.at[t.n++] = jcc(c, cc_of_cond[cond]);
    uint8_t *fails = jmp(c);
    patch(c, to_nzcv, c->s.p);
    uint32_t table = 0;
    for (unsigned nzcv = 0; nzcv < 16; nzcv++)
        table |= (uint32_t)cond_holds(nzcv << 28, cond) << nzcv;
    op_mem(c, false, 0x8b, RAX, CPU_REG, CPU_OFF(flags_nzcv));
    shift_ri(c, false, SH_SHR, RAX, 28);
    mov_ri(c, RDX, table);
    op_rr(c, false, 0x0fa3, RAX, RDX);                          /* bt edx, eax */
    t.at[t.n++] = jcc(c, CC_B);
    patch(c, fails, c->s.p);
    return t;
}

static void patch_sites(struct jit_ctx *c, const struct cond_sites *t)
{
    for (unsigned k = 0; k < t->n; k++)
        patch(c, t->at[k], c->s.p);
}

static void b_cond(struct jit_ctx *c, const struct op *op, unsigned i, uint8_t *head, bool live)
{
    unsigned cond = op->a;
    if (cond >= 14) {
        c->fail = true;
        return;
    }
    if (c->s.flags_known) {
        host_flags_of_sub(c, live);
        branch_on(c, op, i, head, cc_of_cond[cond]);
        return;
    }
    struct cond_sites holds = cond_test(c, cond, live);
    uint8_t *fails = jmp(c);
    patch_sites(c, &holds);
    taken(c, op, i, head);
    patch(c, fails, c->s.p);
}

/* CCMP (exec_CCMP_*: imm = the condition's table, a = NZCV when it fails,
 * b = imm5): the comparison's operands lazily if the condition holds,
 * else NZCV from the instruction. */
static void ccmp(struct jit_ctx *c, const struct op *op, bool w, bool imm, bool live)
{
    unsigned cond = bits32(op->insn, 12, 4);
    if (cond >= 14) {
        c->fail = true;
        return;
    }
    struct cond_sites holds = cond_test(c, cond, live);
    op_mem(c, false, 0xc7, 0, CPU_REG, CPU_OFF(flags_nzcv));   /* mov dword */
    emit4(c, (uint32_t)op->a << 28);
    op_mem(c, false, 0xc6, 0, CPU_REG, CPU_OFF(flags_sub));    /* mov byte */
    emit1(c, 0);
    uint8_t *done = jmp(c);
    patch_sites(c, &holds);
    mov_rr(c, w, RAX, rd_zr(c, op->rn, RAX));
    if (imm)
        mov_ri(c, RDX, op->b);
    else
        mov_rr(c, w, RDX, rd_zr(c, op->rm, RDX));
    if (!w) {   /* a 32-bit comparison is kept shifted (cpu_set_nzcv_sub32) */
        shift_ri(c, true, SH_SHL, RAX, 32);
        shift_ri(c, true, SH_SHL, RDX, 32);
    }
    store_flags_sub(c, RAX, RDX);
    patch(c, done, c->s.p);
    /* Which form NZCV is in depends on the condition. */
    c->s.flags_known = false;
}

/* CSEL/CSINC (X) and CSINC/CSINV (W) on flags of any form: Rd = Rn if
 * the condition holds, else Rm, Rm + 1 or ~Rm (reg_read and reg_write:
 * 31 is the zero register). Each path writes Rd itself. */
enum csel_else { CSEL_MOV, CSEL_INC, CSEL_INV };

static void csel_any_flags(struct jit_ctx *c, const struct op *op, unsigned cond, bool w,
                           enum csel_else other)
{
    struct cond_sites holds = cond_test(c, cond, false);
    mov_rr(c, w, RAX, rd_zr(c, op->rm, RAX));
    if (other == CSEL_INC)
        alu_ri(c, w, ALU_ADD, RAX, 1);
    else if (other == CSEL_INV)
        op_rr(c, w, 0xf7, 2, RAX);                    /* not */
    if (op->rd != 31)
        mov_rr(c, w, wr_x(c, op->rd), RAX);
    uint8_t *done = jmp(c);
    patch_sites(c, &holds);
    if (op->rd != 31)
        mov_rr(c, w, wr_x(c, op->rd), rd_zr(c, op->rn, RAX));
    patch(c, done, c->s.p);
}

/* ---- executors ---- */

/* The op by its executor, as the run loop's FAST_CALL: the guest registers
 * go to the struct before and come back after; a status other than
 * EXEC_NEXT leaves with it. */
static void call_exec(struct jit_ctx *c, const struct op *op, unsigned i)
{
    call_routine(c, FIX_STORE_WRITTEN);
    push_pop(c, CPU_REG, true);      /* the two keep the stack 16-aligned */
    push_pop(c, TLB_REG, true);
    mov_ri(c, RSI, (uint64_t)(uintptr_t)op);
    mov_ri(c, RAX, (uint64_t)(uintptr_t)op->exec);
    op_rr(c, false, 0xff, 2, RAX);   /* call rax */
    push_pop(c, TLB_REG, false);
    push_pop(c, CPU_REG, false);
    test_rr(c, false, RAX, RAX);     /* EXEC_NEXT is 0 */
    add_fix(c, jcc(c, CC_NE), FIX_STATUS, i);
    call_routine(c, FIX_LOAD_ALL);
    /* The executor may have set NZCV any way, and the host's flags. */
    c->s.flags_known = c->s.host_flags = c->s.host_carry = false;
}

/* ---- one op ---- */

/* m = Xm shifted as the kind says (LSL, LSR, ASR, ROR by op->b), in rax. */
static void shifted_m(struct jit_ctx *c, const struct op *op, unsigned type)
{
    static const enum shift sh[4] = {SH_SHL, SH_SHR, SH_SAR, SH_ROR};
    mov_rr(c, true, RAX, rd_x(c, op->rm));
    shift_ri(c, true, sh[type], RAX, op->b);
}

/* Xd = Xn op rax. */
static void alu_to_d(struct jit_ctx *c, const struct op *op, enum alu alu)
{
    unsigned n = rd_x(c, op->rn);
    unsigned d = wr_x(c, op->rd);
    if (d != n)
        mov_rr(c, true, d, n);
    alu_rr(c, true, alu, d, RAX);
}

/* Ops the run loop calls executors for (FAST_CALL) that are common in
 * kernel code and simple to translate, by their executor. */
static void translate_call_kind(struct jit_ctx *c, const struct op *op, unsigned i, bool carry)
{
    if (op->exec == exec_ADDS_imm_x) {   /* and CMN: rn may be SP, rd 31 is XZR */
        mov_rr(c, true, RAX, rd_sp(c, op->rn));
        alu_ri(c, true, ALU_ADD, RAX, op->imm);
        add_flags(c, true);
        if (op->rd != 31)
            mov_rr(c, true, wr_x(c, op->rd), RAX);
    } else if ((op->exec == exec_ADC_x || op->exec == exec_ADCS_x) && carry) {
        /* The carry of the ADDS or ADCS just before: still the host's CF
         * (the moves below keep it). */
        unsigned n = rd_zr(c, op->rn, RAX);
        mov_rr(c, true, RAX, n);
        op_rr(c, true, 0x11, rd_zr(c, op->rm, RDX), RAX);   /* adc rax, Xm */
        if (op->exec == exec_ADCS_x)
            add_flags(c, true);
        if (op->rd != 31)
            mov_rr(c, true, wr_x(c, op->rd), RAX);
    } else if (op->exec == exec_MOV_bitmask_x) {   /* reg_write_sp: 31 is SP */
        mov_ri(c, wr_sp(c, op->rd), (uint64_t)op->imm);
    } else if (op->exec == exec_CCMP_reg_w) {
        ccmp(c, op, false, false, false);
    } else if (op->exec == exec_DMB || op->exec == exec_DSB) {
        emit1(c, 0x0f), emit1(c, 0xae), emit1(c, 0xf0);   /* mfence, as their fence */
    } else if (op->exec == exec_UBFM_w || op->exec == exec_SBFM_w) {
        /* exec_UBFM_w, exec_SBFM_w: a = rotation, imm = mask, b = sign shift */
        mov_rr(c, false, RAX, rd_zr(c, op->rn, RAX));
        shift_ri(c, false, SH_ROR, RAX, op->a);
        alu_ri(c, false, ALU_AND, RAX, op->imm);
        if (op->exec == exec_SBFM_w) {
            shift_ri(c, false, SH_SHL, RAX, op->b);
            shift_ri(c, false, SH_SAR, RAX, op->b);
        }
        if (op->rd != 31)
            mov_rr(c, false, wr_x(c, op->rd), RAX);
    } else if (op->exec == exec_MRS && op->rd != 31 &&
               ((op->insn & ~0x1fu) == 0xd5384100u || (op->insn & ~0x1fu) == 0xd538d080u)) {
        /* MRS SP_EL0 and TPIDR_EL1 (Linux's `current` and per-CPU base):
         * at EL1, and for SP_EL0 while it is not the live stack pointer;
         * anything else is left to the executor's checks. */
        bool sp_el0 = (op->insn & ~0x1fu) == 0xd5384100u;
        op_mem(c, false, 0x80, 7, CPU_REG, CPU_OFF(el));       /* cmp byte [el], 0 */
        emit1(c, 0);
        exit_if(c, CC_E, i);
        if (sp_el0) {
            op_mem(c, false, 0x80, 7, CPU_REG, CPU_OFF(spsel));
            emit1(c, 0);
            exit_if(c, CC_E, i);
        }
        load(c, wr_x(c, op->rd), CPU_REG, sp_el0 ? CPU_OFF(sp_el[0]) : CPU_OFF(sys.tpidr_el1));
    } else {
        c->fail = true;
    }
}

static void translate(struct jit_ctx *c, const struct op *op, unsigned i, uint8_t *head)
{
    bool live = c->s.host_flags, carry = c->s.host_carry;
    c->s.host_flags = c->s.host_carry = false;
    unsigned k = op->fast;
    switch (k) {
    case FAST_NOP:
        c->s.host_flags = live;
        return;
    case FAST_BL_ON:
        mov_ri(c, wr_x(c, 30), op->pc + 4);
        c->s.host_flags = live;
        return;
    case FAST_ADD_IMM:
    case FAST_SUB_IMM:
    case FAST_ADD_IMM_SP:
    case FAST_SUB_IMM_SP: {
        bool add = k == FAST_ADD_IMM || k == FAST_ADD_IMM_SP;
        unsigned n = rd_sp(c, op->rn), d = wr_sp(c, op->rd);
        mov_rr(c, true, d, n);
        alu_ri(c, true, add ? ALU_ADD : ALU_SUB, d, op->imm);
        return;
    }
    case FAST_SUBS_IMM:
    case FAST_CMP_IMM: {
        unsigned n = rd_x(c, op->rn);
        mov_ri(c, RAX, (uint64_t)op->imm);
        store_flags_sub(c, n, RAX);
        if (k == FAST_CMP_IMM) {
            alu_rr(c, true, ALU_CMP, n, RAX);
        } else {
            unsigned d = wr_x(c, op->rd);
            mov_rr(c, true, d, n);
            alu_rr(c, true, ALU_SUB, d, RAX);
        }
        c->s.host_flags = true;
        return;
    }
    case FAST_SUBS_IMM_W: {   /* rn may be SP, rd 31 is WZR (CMP) */
        unsigned n = rd_sp(c, op->rn);
        mov_rr(c, true, RAX, n);
        shift_ri(c, true, SH_SHL, RAX, 32);
        mov_ri(c, RDX, (uint64_t)(uint32_t)op->imm << 32);
        store_flags_sub(c, RAX, RDX);
        if (op->rd == 31) {
            alu_ri(c, false, ALU_CMP, n, op->imm);
        } else {
            unsigned d = wr_x(c, op->rd);
            mov_rr(c, false, d, n);
            alu_ri(c, false, ALU_SUB, d, op->imm);
        }
        c->s.host_flags = true;
        return;
    }
    case FAST_SUBS_W: {   /* rd 31 is WZR (CMP) */
        unsigned n = rd_x(c, op->rn);
        op_rr(c, false, 0x89, rd_x(c, op->rm), RAX);   /* mov eax, Wm */
        shift_ri(c, false, SH_SHL, RAX, op->b);
        mov_rr(c, true, RCX, n);
        shift_ri(c, true, SH_SHL, RCX, 32);
        mov_rr(c, true, RDX, RAX);
        shift_ri(c, true, SH_SHL, RDX, 32);
        store_flags_sub(c, RCX, RDX);
        if (op->rd == 31) {
            alu_rr(c, false, ALU_CMP, n, RAX);
        } else {
            unsigned d = wr_x(c, op->rd);
            mov_rr(c, false, RCX, n);
            alu_rr(c, false, ALU_SUB, RCX, RAX);   /* sets the flags, mov keeps them */
            mov_rr(c, false, d, RCX);
        }
        c->s.host_flags = true;
        return;
    }
    case FAST_ADD_LSL ... FAST_SUB_ROR:
    case FAST_AND_LSL ... FAST_EOR_ROR: {
        /* The shifted-register kinds come in fours, one per shift type,
         * ADD SUB SUBS CMP AND ORR EOR (fast_kind.h). */
        static_assert(FAST_AND_LSL - FAST_ADD_LSL == 16 && FAST_EOR_ROR - FAST_ADD_LSL == 27,
                      "shifted-register kinds in the order alu_of lists");
        static const enum alu alu_of[] = {ALU_ADD, ALU_SUB, 0, 0, ALU_AND, ALU_OR, ALU_XOR};
        shifted_m(c, op, (k - FAST_ADD_LSL) % 4);
        alu_to_d(c, op, alu_of[(k - FAST_ADD_LSL) / 4]);
        return;
    }
    case FAST_SUBS_LSL ... FAST_SUBS_ROR: {
        shifted_m(c, op, k - FAST_SUBS_LSL);
        unsigned n = rd_x(c, op->rn);
        store_flags_sub(c, n, RAX);
        unsigned d = wr_x(c, op->rd);
        if (d != n)
            mov_rr(c, true, d, n);
        alu_rr(c, true, ALU_SUB, d, RAX);
        c->s.host_flags = true;
        return;
    }
    case FAST_CMP_LSL ... FAST_CMP_ROR: {
        shifted_m(c, op, k - FAST_CMP_LSL);
        unsigned n = rd_x(c, op->rn);
        store_flags_sub(c, n, RAX);
        alu_rr(c, true, ALU_CMP, n, RAX);
        c->s.host_flags = true;
        return;
    }
    case FAST_MOV_REG:
        mov_rr(c, true, wr_x(c, op->rd), rd_x(c, op->rm));
        c->s.host_flags = live;
        return;
    case FAST_MOV_W:
        mov_rr(c, false, wr_x(c, op->rd), rd_x(c, op->rm));
        c->s.host_flags = live;
        return;
    case FAST_SET_IMM:
        mov_ri(c, wr_x(c, op->rd), (uint64_t)op->imm);
        c->s.host_flags = live;
        return;
    case FAST_MOVK: {
        unsigned d = wr_x(c, op->rd);
        mov_ri(c, RAX, ~(0xffffull << op->a));
        alu_rr(c, true, ALU_AND, d, RAX);
        mov_ri(c, RAX, (uint64_t)op->imm);
        alu_rr(c, true, ALU_OR, d, RAX);
        return;
    }
    case FAST_AND_IMM:
    case FAST_ORR_IMM:
    case FAST_EOR_IMM: {
        enum alu alu = k == FAST_AND_IMM ? ALU_AND : k == FAST_ORR_IMM ? ALU_OR : ALU_XOR;
        unsigned n = rd_x(c, op->rn), d = wr_x(c, op->rd);
        mov_rr(c, true, d, n);
        alu_ri(c, true, alu, d, op->imm);
        return;
    }
    case FAST_AND_IMM_W:   /* op->imm is the 32-bit mask */
    case FAST_ADD_IMM_W:
    case FAST_SUB_IMM_W: {
        enum alu alu = k == FAST_AND_IMM_W ? ALU_AND : k == FAST_ADD_IMM_W ? ALU_ADD : ALU_SUB;
        unsigned n = rd_x(c, op->rn), d = wr_x(c, op->rd);
        mov_rr(c, false, d, n);
        alu_ri(c, false, alu, d, op->imm);
        return;
    }
    case FAST_ADD_W:
        op_rr(c, false, 0x89, rd_x(c, op->rn), RAX);
        alu_rr(c, false, ALU_ADD, RAX, rd_x(c, op->rm));
        mov_rr(c, false, wr_x(c, op->rd), RAX);
        return;
    case FAST_SUB_W: {   /* reg_read and reg_write: 31 is WZR */
        unsigned n = rd_zr(c, op->rn, RAX);
        mov_rr(c, false, RAX, n);
        alu_rr(c, false, ALU_SUB, RAX, rd_zr(c, op->rm, RDX));
        if (op->rd != 31)
            mov_rr(c, false, wr_x(c, op->rd), RAX);
        return;
    }
    case FAST_EOR_W:
        op_rr(c, false, 0x89, rd_x(c, op->rm), RAX);
        shift_ri(c, false, SH_SHL, RAX, op->b);
        alu_rr(c, false, ALU_XOR, RAX, rd_x(c, op->rn));
        mov_rr(c, false, wr_x(c, op->rd), RAX);
        return;
    case FAST_LSLV:
    case FAST_LSRV:
        mov_rr(c, true, RCX, rd_x(c, op->rm));
        mov_rr(c, true, RAX, rd_x(c, op->rn));
        op_rr(c, true, 0xd3, k == FAST_LSLV ? SH_SHL : SH_SHR, RAX);   /* by cl, mod 64 */
        mov_rr(c, true, wr_x(c, op->rd), RAX);
        return;
    case FAST_MADD:
    case FAST_MUL:
        mov_rr(c, true, RAX, rd_x(c, op->rn));
        op_rr(c, true, 0x0faf, RAX, rd_x(c, op->rm));   /* imul rax, Xm */
        if (k == FAST_MADD)
            alu_rr(c, true, ALU_ADD, RAX, rd_x(c, op->ra));
        mov_rr(c, true, wr_x(c, op->rd), RAX);
        return;
    case FAST_UBFM:
    case FAST_SBFM:
        mov_rr(c, true, RAX, rd_zr(c, op->rn, RAX));
        shift_ri(c, true, SH_ROR, RAX, op->a);
        alu_ri(c, true, ALU_AND, RAX, op->imm);
        if (k == FAST_SBFM) {
            shift_ri(c, true, SH_SHL, RAX, op->b);
            shift_ri(c, true, SH_SAR, RAX, op->b);
        }
        mov_rr(c, true, wr_x(c, op->rd), RAX);
        return;
    case FAST_CSEL:
    case FAST_CSINC: {
        unsigned cond = bits32(op->insn, 12, 4);
        if (cond >= 14) {
            c->fail = true;
            return;
        }
        if (!c->s.flags_known) {
            csel_any_flags(c, op, cond, true, k == FAST_CSINC ? CSEL_INC : CSEL_MOV);
            return;
        }
        /* rax = the value if the condition fails, rdx if it holds. */
        if (k == FAST_CSINC && op->rm == 31)
            mov_ri(c, RAX, 1);
        else if (k == FAST_CSINC)
            op_mem(c, true, 0x8d, RAX, rd_x(c, op->rm), 1);   /* lea rax, [Xm + 1] */
        else
            mov_rr(c, true, RAX, rd_x(c, op->rm));
        unsigned n = rd_zr(c, op->rn, RDX);
        host_flags_of_sub(c, live);
        op_rr(c, true, 0x0f40 | cc_of_cond[cond], RAX, n);   /* cmovcc rax, n */
        mov_rr(c, true, wr_x(c, op->rd), RAX);
        c->s.host_flags = live;
        return;
    }
    case FAST_CSINC_W:
    case FAST_CSINV_W: {
        unsigned cond = bits32(op->insn, 12, 4);
        if (cond >= 14) {
            c->fail = true;
            return;
        }
        csel_any_flags(c, op, cond, false, k == FAST_CSINC_W ? CSEL_INC : CSEL_INV);
        return;
    }
    case FAST_LDRB_REG:  addr_ext(c, op); load_op(c, op, 1, false, i); return;
    case FAST_LDRH_REG:  addr_ext(c, op); load_op(c, op, 2, false, i); return;
    case FAST_LDR_W_REG: addr_ext(c, op); load_op(c, op, 4, false, i); return;
    case FAST_LDR_IMM:   addr_imm(c, op); load_op(c, op, 8, false, i); return;
    case FAST_LDR_W_IMM: addr_imm(c, op); load_op(c, op, 4, false, i); return;
    case FAST_LDRH_IMM:  addr_imm(c, op); load_op(c, op, 2, false, i); return;
    case FAST_LDRB_IMM:  addr_imm(c, op); load_op(c, op, 1, false, i); return;
    case FAST_LDR_REG:   addr_reg(c, op); load_op(c, op, 8, false, i); return;
    case FAST_LDTR:      addr_imm(c, op); load_op(c, op, 8, true, i); return;
    case FAST_STR_IMM:   addr_imm(c, op); store_op(c, op, 8, false, i); return;
    case FAST_STR_W_IMM: addr_imm(c, op); store_op(c, op, 4, false, i); return;
    case FAST_STRB_IMM:  addr_imm(c, op); store_op(c, op, 1, false, i); return;
    case FAST_STRH_IMM:  addr_imm(c, op); store_op(c, op, 2, false, i); return;
    case FAST_LDRSW_IMM: /* movsxd Xt, dword [rax + rcx] */
        addr_imm(c, op);
        tlb_hit(c, false, 4, false, i);
        op_mem_idx(c, true, 0x63, wr_x(c, op->rd), RAX, RCX, 0, 0, false);
        return;
    case FAST_STR_REG:   addr_reg(c, op); store_op(c, op, 8, false, i); return;
    case FAST_STTR:      addr_imm(c, op); store_op(c, op, 8, true, i); return;
    case FAST_LDP:       /* Rt2 then Rt, as the run loop */
        addr_imm(c, op);
        pair_hit(c, false, i);
        load_host(c, wr_x(c, op->ra), 8, 8);
        load_host(c, wr_x(c, op->rd), 8, 0);
        return;
    case FAST_STP:
        addr_imm(c, op);
        pair_hit(c, true, i);
        store_host(c, rd_zr(c, op->rd, RDX), 8, 0);
        store_host(c, rd_zr(c, op->ra, RDX), 8, 8);
        return;
    /* Writeback forms: the access, then the base (Rt != Rn for the
     * single-register ones, as the run loop's kinds require). */
    case FAST_STP_PRE: {
        addr_imm(c, op);
        pair_hit(c, true, i);
        store_host(c, rd_zr(c, op->rd, RDX), 8, 0);
        store_host(c, rd_zr(c, op->ra, RDX), 8, 8);
        mov_rr(c, true, wr_sp(c, op->rn), RCX);
        return;
    }
    case FAST_LDP_POST: {
        mov_rr(c, true, RCX, rd_sp(c, op->rn));
        pair_hit(c, false, i);
        load_host(c, wr_x(c, op->ra), 8, 8);
        load_host(c, wr_x(c, op->rd), 8, 0);
        writeback(c, op);
        return;
    }
    case FAST_STR_POST:
    case FAST_STRB_POST:
        mov_rr(c, true, RCX, rd_sp(c, op->rn));
        store_op(c, op, k == FAST_STR_POST ? 8 : 1, false, i);
        writeback(c, op);
        return;
    case FAST_LDRB_POST:
        mov_rr(c, true, RCX, rd_sp(c, op->rn));
        load_op(c, op, 1, false, i);
        writeback(c, op);
        return;
    case FAST_LDRB_PRE:
        addr_imm(c, op);
        load_op(c, op, 1, false, i);
        mov_rr(c, true, wr_sp(c, op->rn), RCX);
        return;
    case FAST_ANDS_IMM_X:
    case FAST_ANDS_IMM_W: {   /* and TST: reg_read, reg_write */
        bool w = k == FAST_ANDS_IMM_X;
        mov_rr(c, w, RAX, rd_zr(c, op->rn, RAX));
        alu_ri(c, w, ALU_AND, RAX, op->imm);
        if (op->rd != 31)
            mov_rr(c, true, wr_x(c, op->rd), RAX);
        logic_flags(c, w);
        return;
    }
    case FAST_RET:
    case FAST_BR:
    case FAST_BLR:
        mov_rr(c, true, RAX, rd_zr(c, op->rn, RAX));
        if (k == FAST_BLR)
            mov_ri(c, wr_x(c, 30), op->pc + 4);
        branch_to_rax(c, i);
        return;
    case FAST_B_COND ... FAST_B_COND_LAST:
        b_cond(c, op, i, head, live);
        return;
    case FAST_CBZ:
    case FAST_CBNZ:
    case FAST_CBZ_W:
    case FAST_CBNZ_W: {
        bool w = k == FAST_CBZ || k == FAST_CBNZ;
        unsigned t = rd_zr(c, op->rd, RAX);
        test_rr(c, w, t, t);
        branch_on(c, op, i, head, k == FAST_CBZ || k == FAST_CBZ_W ? CC_E : CC_NE);
        return;
    }
    case FAST_TBZ:
    case FAST_TBNZ: {
        unsigned t = rd_zr(c, op->rd, RAX);
        op_rr(c, true, 0x0fba, 4, t);   /* bt t, imm8: CF = the bit */
        emit1(c, op->a);
        branch_on(c, op, i, head, k == FAST_TBZ ? CC_AE : CC_B);
        return;
    }
    case FAST_BL:
        mov_ri(c, wr_x(c, 30), op->pc + 4);
        /* fall through */
    case FAST_B:
        taken(c, op, i, head);
        return;
    case FAST_ADDS_LSL ... FAST_ADDS_ROR:
        shifted_m(c, op, k - FAST_ADDS_LSL);
        mov_rr(c, true, RCX, RAX);
        mov_rr(c, true, RAX, rd_x(c, op->rn));
        alu_rr(c, true, ALU_ADD, RAX, RCX);
        add_flags(c, true);
        mov_rr(c, true, wr_x(c, op->rd), RAX);
        return;
    case FAST_ADDS_IMM_W:   /* and CMN (32-bit): rn may be SP, rd 31 is WZR */
        mov_rr(c, false, RAX, rd_sp(c, op->rn));
        alu_ri(c, false, ALU_ADD, RAX, op->imm);
        add_flags(c, false);
        if (op->rd != 31)
            mov_rr(c, false, wr_x(c, op->rd), RAX);
        return;
    case FAST_ADC:
        translate_call_kind(c, op, i, carry);   /* the same as exec_ADC_x's */
        return;
    case FAST_CCMP_X:
        ccmp(c, op, true, false, live);
        return;
    case FAST_CCMP_IMM_X:
        ccmp(c, op, true, true, live);
        return;
    case FAST_CCMP_IMM_W:
        ccmp(c, op, false, true, live);
        return;
    default:
        translate_call_kind(c, op, i, carry);
        return;
    }
}

/* Every guest register the code uses, from the struct. */
static void load_regs(struct jit_ctx *c)
{
    for (unsigned slot = 0; slot < 32; slot++)
        if (c->s.host_of[slot] >= 0)
            load(c, (unsigned)c->s.host_of[slot], CPU_REG, slot_offset(slot));
}

/* Every guest register an op writes, to the struct. */
static void store_regs(struct jit_ctx *c)
{
    for (unsigned slot = 0; slot < 32; slot++)
        if (c->s.written & (1u << slot))
            store(c, (unsigned)c->s.host_of[slot], CPU_REG, slot_offset(slot));
}

jit_fn jit_compile(struct jit_arena *a, const struct block *b, enum jit_policy policy)
{
    if (!a || jit_arena_full(a))
        return NULL;
    static __thread struct jit_ctx ctx;
    struct jit_ctx *c = &ctx;
    memset(&c->s, 0, sizeof(c->s));
    memset(c->s.host_of, -1, sizeof(c->s.host_of));
    c->s.p = a->base + a->used;
    c->end = a->base + a->used + JIT_BLOCK_ROOM;
    c->fail = c->out_of_regs = false;
    c->b = b;

    /* The ops, each inline or by its executor. */
    uint8_t *head = c->s.p;
    unsigned n = 0, inline_ops = 0;
    for (; n < b->n_ops; n++) {
        struct jit_state before = c->s;
        translate(c, &b->ops[n], n, head);
        if (!c->fail) {
            inline_ops++;
            continue;
        }
        c->s = before;
        c->fail = false;
        /* No register for it, or calls are not wanted: the run loop
         * does the rest of the block. */
        if (c->out_of_regs || policy != JIT_ALL)
            break;
        call_exec(c, &b->ops[n], n);
        if (c->fail)
            return NULL;
    }
    if (inline_ops == 0 || (policy == JIT_BLOCKS && inline_ops < 2 && !c->s.loops))
        return NULL;
    exit_if(c, CC_ALWAYS, n);   /* on to the sentinel */

    /* What the entry saves: the callee-saved registers guest registers
     * got, and room to keep calls 16-aligned. */
    uint8_t saved[POOL_N];
    unsigned n_saved = 0;
    for (unsigned u = 0; u < c->s.n_used; u++)
        if (callee_saved(pool[u]))
            saved[n_saved++] = pool[u];
    bool pad = n_saved % 2 == 0;   /* the return address makes it odd */

    /* The register routines. */
    uint8_t *load_all = c->s.p;
    load_regs(c);
    emit1(c, 0xc3);
    uint8_t *store_written = c->s.p;
    store_regs(c);
    emit1(c, 0xc3);

    /* The exits. Common: store, restore, return rax. */
    uint8_t *common = c->s.p;
    store_regs(c);
    uint8_t *epilogue = c->s.p;
    if (pad)
        op_rr(c, true, 0x83, ALU_ADD, RSP), emit1(c, 8);   /* add rsp, 8 */
    for (unsigned s = n_saved; s-- > 0;)
        push_pop(c, saved[s], false);
    emit1(c, 0xc3);
    /* One stub per exit kind and op some jump leaves at: rax = that op,
     * tagged as jit.h says. */
    memset(c->stub, 0, sizeof(c->stub));
    for (unsigned f = 0; f < c->s.n_fix; f++) {
        unsigned kind = c->fix[f].kind, at = c->fix[f].op;
        const struct op *op = &b->ops[at];
        if (kind == FIX_LOAD_ALL || kind == FIX_STORE_WRITTEN) {
            patch(c, c->fix[f].at, kind == FIX_LOAD_ALL ? load_all : store_written);
            continue;
        }
        if (!c->stub[kind][at]) {
            c->stub[kind][at] = c->s.p;
            switch (kind) {
            case FIX_EXIT:
                mov_ri(c, RAX, (uint64_t)(uintptr_t)op);
                break;
            case FIX_JUMPED:   /* a taken branch: its target is the PC */
                mov_ri(c, RAX, (uint64_t)op->imm);
                store(c, RAX, CPU_REG, CPU_OFF(pc));
                /* fall through */
            case FIX_BRANCHED:
                mov_ri(c, RAX, (uint64_t)(uintptr_t)op | 2);
                break;
            case FIX_STATUS:   /* the executor's status; the registers are in the struct */
                op_mem(c, false, 0x89, RAX, CPU_REG, CPU_OFF(jit_status));
                mov_ri(c, RAX, (uint64_t)(uintptr_t)op | 1);
                break;
            }
            patch(c, jmp(c), kind == FIX_STATUS ? epilogue : common);
        }
        patch(c, c->fix[f].at, c->stub[kind][at]);
    }

    /* The entry. */
    uint8_t *entry = c->s.p;
    for (unsigned s = 0; s < n_saved; s++)
        push_pop(c, saved[s], true);
    if (pad)
        op_rr(c, true, 0x83, ALU_SUB, RSP), emit1(c, 8);   /* sub rsp, 8 */
    if (c->s.uses_tlb) {
        op_mem(c, false, 0x8b, RAX, CPU_REG, CPU_OFF(mmu_idx));
        shift_ri(c, true, SH_SHL, RAX, 15);   /* sizeof cpu->tlb[0] */
        op_mem_idx(c, true, 0x8d, TLB_REG, CPU_REG, RAX, 0, CPU_OFF(tlb), false);
    }
    load_regs(c);
    patch(c, jmp(c), head);
    if (c->fail)
        return NULL;
    a->used = (size_t)(c->s.p - a->base + 15) & ~(size_t)15;
    return (jit_fn)(void *)(a->exec + (entry - a->base));
}

#else /* no translator for this host */

struct jit_arena *jit_arena_new(void)
{
    return NULL;
}

void jit_arena_free(struct jit_arena *a)
{
    (void)a;
}

void jit_arena_reset(struct jit_arena *a)
{
    (void)a;
}

bool jit_arena_full(const struct jit_arena *a)
{
    (void)a;
    return false;
}

jit_fn jit_compile(struct jit_arena *a, const struct block *b, enum jit_policy policy)
{
    (void)a, (void)b, (void)policy;
    return NULL;
}

#endif
