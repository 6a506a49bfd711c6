/*
 * Data processing -- immediate (Arm ARM C4.1.2; C6.2 for each instruction).
 * Everything the encoding fixes is worked out once in the prep functions:
 * ADR/ADRP results, shifted add/sub immediates, decoded bit masks, move-wide
 * constants. Executors are then one or two host operations.
 */
#include "cpu/alu.h"
#include "cpu/bitmask.h"
#include "cpu/op.h"

static bool insn_sf(const struct op *op)
{
    return bit(op->insn, 31);
}

/* ---- PC-rel. addressing ---- */

static int64_t adr_offset(uint32_t insn)
{
    return sext64(bits32(insn, 5, 19) << 2 | bits32(insn, 29, 2), 21);
}

bool prep_adr(struct op *op)
{
    op->imm = (int64_t)(op->pc + (uint64_t)adr_offset(op->insn));
    return true;
}

bool prep_adrp(struct op *op)
{
    op->imm = (int64_t)((op->pc & ~0xfffull) + ((uint64_t)adr_offset(op->insn) << 12));
    return true;
}

enum exec_status exec_ADR(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ADRP(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

/* ---- Add/subtract (immediate) ---- */

bool prep_addsub_imm(struct op *op)
{
    op->imm = (int64_t)((uint64_t)bits32(op->insn, 10, 12) << (bit(op->insn, 22) ? 12 : 0));
    return true;
}

/* Rn is SP-capable in all four; Rd is SP for ADD/SUB and XZR for ADDS/SUBS. */
enum exec_status exec_ADD_imm_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint32_t)(reg_read_sp(cpu, op->rn) + (uint64_t)op->imm));
    return EXEC_NEXT;
}

enum exec_status exec_SUB_imm_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint32_t)(reg_read_sp(cpu, op->rn) - (uint64_t)op->imm));
    return EXEC_NEXT;
}

enum exec_status exec_ADDS_imm_w(struct cpu *cpu, const struct op *op)
{
    uint32_t r = alu_adds32(cpu, (uint32_t)reg_read_sp(cpu, op->rn), (uint32_t)op->imm, 0);
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_SUBS_imm_w(struct cpu *cpu, const struct op *op)
{
    uint32_t r = alu_adds32(cpu, (uint32_t)reg_read_sp(cpu, op->rn), ~(uint32_t)op->imm, 1);
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_ADD_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read_sp(cpu, op->rn) + (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_SUB_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read_sp(cpu, op->rn) - (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ADDS_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, alu_adds64(cpu, reg_read_sp(cpu, op->rn), (uint64_t)op->imm, 0));
    return EXEC_NEXT;
}

enum exec_status exec_SUBS_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, alu_adds64(cpu, reg_read_sp(cpu, op->rn), ~(uint64_t)op->imm, 1));
    return EXEC_NEXT;
}

/* ---- Logical (immediate) ---- */

/* op->imm = the decoded mask, zero above the operation size. */
bool prep_logic_imm(struct op *op)
{
    uint64_t wmask, tmask;
    if (!bitmask_decode(bit(op->insn, 22), bits32(op->insn, 10, 6), bits32(op->insn, 16, 6), true,
                        insn_sf(op) ? 64 : 32, &wmask, &tmask))
        return false;
    op->imm = (int64_t)wmask;
    return true;
}

/* The mask has no bits above 31 in the _w forms, so AND needs no truncation. */
enum exec_status exec_AND_imm_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read(cpu, op->rn) & (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ORR_imm_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint32_t)reg_read(cpu, op->rn) | (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_EOR_imm_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint32_t)reg_read(cpu, op->rn) ^ (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ANDS_imm_w(struct cpu *cpu, const struct op *op)
{
    uint32_t r = (uint32_t)(reg_read(cpu, op->rn) & (uint64_t)op->imm);
    alu_logic_flags32(cpu, r);
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_AND_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read(cpu, op->rn) & (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ORR_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read(cpu, op->rn) | (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_EOR_imm_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, reg_read(cpu, op->rn) ^ (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_ANDS_imm_x(struct cpu *cpu, const struct op *op)
{
    uint64_t r = reg_read(cpu, op->rn) & (uint64_t)op->imm;
    alu_logic_flags64(cpu, r);
    reg_write(cpu, op->rd, r);
    return EXEC_NEXT;
}

enum exec_status exec_MOV_bitmask_w(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOV_bitmask_x(struct cpu *cpu, const struct op *op)
{
    reg_write_sp(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

/* ---- Move wide (immediate) ---- */

/* op->imm = the final value for MOVN/MOVZ, imm16 in place for MOVK;
 * op->a = the bit position (hw * 16). */
bool prep_movewide(struct op *op)
{
    unsigned pos = bits32(op->insn, 21, 2) * 16;
    uint64_t v = (uint64_t)bits32(op->insn, 5, 16) << pos;
    bool movn = bits32(op->insn, 29, 2) == 0;
    if (movn)
        v = insn_sf(op) ? ~v : (uint32_t)~v;
    op->imm = (int64_t)v;
    op->a = (uint8_t)pos;
    return true;
}

enum exec_status exec_MOVN_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOVZ_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOVK_w(struct cpu *cpu, const struct op *op)
{
    uint32_t old = (uint32_t)reg_read(cpu, op->rd);
    reg_write(cpu, op->rd, (old & ~(0xffffu << op->a)) | (uint32_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOVN_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOVZ_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, (uint64_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_MOVK_x(struct cpu *cpu, const struct op *op)
{
    uint64_t old = reg_read(cpu, op->rd);
    reg_write(cpu, op->rd, (old & ~(0xffffull << op->a)) | (uint64_t)op->imm);
    return EXEC_NEXT;
}

/* ---- Bitfield ---- */

/*
 * With esize = datasize (the rows admit nothing else), the pseudocode's
 * (dst AND NOT(tmask)) OR (bot AND tmask) collapses to one mask
 * m = wmask AND tmask: UBFM is ROR(src, R) AND m, BFM merges ROR(src, R)
 * into dst under m, and SBFM is UBFM sign-extended from the top bit of
 * tmask, which always holds src<S>.
 * op->imm = m, op->a = R, op->b = datasize - (d + 1), the sign-extension shift.
 */
bool prep_bitfield(struct op *op)
{
    unsigned datasize = insn_sf(op) ? 64 : 32;
    uint64_t wmask, tmask;
    if (!bitmask_decode(bit(op->insn, 22), bits32(op->insn, 10, 6), bits32(op->insn, 16, 6), false,
                        datasize, &wmask, &tmask))
        return false;
    op->imm = (int64_t)(wmask & tmask);
    op->a = (uint8_t)bits32(op->insn, 16, 6);
    op->b = (uint8_t)(datasize - (unsigned)__builtin_popcountll(tmask));
    return true;
}

enum exec_status exec_SBFM_w(struct cpu *cpu, const struct op *op)
{
    uint32_t bot = alu_ror32((uint32_t)reg_read(cpu, op->rn), op->a) & (uint32_t)op->imm;
    reg_write(cpu, op->rd, (uint32_t)((int32_t)(bot << op->b) >> op->b));
    return EXEC_NEXT;
}

enum exec_status exec_BFM_w(struct cpu *cpu, const struct op *op)
{
    uint32_t m = (uint32_t)op->imm;
    uint32_t src = alu_ror32((uint32_t)reg_read(cpu, op->rn), op->a);
    reg_write(cpu, op->rd, ((uint32_t)reg_read(cpu, op->rd) & ~m) | (src & m));
    return EXEC_NEXT;
}

enum exec_status exec_UBFM_w(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, alu_ror32((uint32_t)reg_read(cpu, op->rn), op->a) & (uint32_t)op->imm);
    return EXEC_NEXT;
}

enum exec_status exec_SBFM_x(struct cpu *cpu, const struct op *op)
{
    uint64_t bot = alu_ror64(reg_read(cpu, op->rn), op->a) & (uint64_t)op->imm;
    reg_write(cpu, op->rd, (uint64_t)((int64_t)(bot << op->b) >> op->b));
    return EXEC_NEXT;
}

enum exec_status exec_BFM_x(struct cpu *cpu, const struct op *op)
{
    uint64_t m = (uint64_t)op->imm;
    uint64_t src = alu_ror64(reg_read(cpu, op->rn), op->a);
    reg_write(cpu, op->rd, (reg_read(cpu, op->rd) & ~m) | (src & m));
    return EXEC_NEXT;
}

enum exec_status exec_UBFM_x(struct cpu *cpu, const struct op *op)
{
    reg_write(cpu, op->rd, alu_ror64(reg_read(cpu, op->rn), op->a) & (uint64_t)op->imm);
    return EXEC_NEXT;
}

/* ---- Extract ---- */

/* op->a = lsb. */
bool prep_extr(struct op *op)
{
    op->a = (uint8_t)bits32(op->insn, 10, 6);
    return true;
}

enum exec_status exec_EXTR_w(struct cpu *cpu, const struct op *op)
{
    uint64_t pair = (uint64_t)(uint32_t)reg_read(cpu, op->rn) << 32 | (uint32_t)reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, (uint32_t)(pair >> op->a));
    return EXEC_NEXT;
}

enum exec_status exec_EXTR_x(struct cpu *cpu, const struct op *op)
{
    unsigned __int128 pair = (unsigned __int128)reg_read(cpu, op->rn) << 64 | reg_read(cpu, op->rm);
    reg_write(cpu, op->rd, (uint64_t)(pair >> op->a));
    return EXEC_NEXT;
}
