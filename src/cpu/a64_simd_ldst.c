/*
 * Advanced SIMD structure loads and stores (Arm ARM C4.1.4; C7.2 LD1..LD4,
 * ST1..ST4, LD1R..LD4R; rows in a64_simd.inc): multiple structures, single
 * structure to or from one lane, and load-and-replicate, each with the
 * post-index forms (Rm = 31: by the number of bytes transferred, else by
 * Xm). Registers wrap from V31 to V0.
 *
 * CPACR_EL1.FPEN is checked before any access. Accesses go element by
 * element in the pseudocode's order, each element straight to its register
 * or memory, so an access that faults part way leaves the elements before
 * it done, as QEMU does (the architecture leaves the registers UNKNOWN and
 * does not undo stores). No writeback on a fault. LD1/ST1 whose whole
 * block one TLB hit covers, which cannot fault, are copied in one go.
 */
#include <string.h>

#include "cpu/a64_ldst.h"
#include "cpu/simd.h"

/* ---- decode-time helpers ---- */

/* Multiple structures: op->a = element bits, op->b = Q, op->c = registers
 * per structure-group repeat (rpt), op->d = structure elements (selem). */
bool prep_simd_ldst_multi(struct op *op)
{
    unsigned opcode = op->insn >> 12 & 15, size = op->insn >> 10 & 3;
    bool q = op->insn >> 30 & 1;
    unsigned rpt, selem;
    switch (opcode) {
    case 0: rpt = 1; selem = 4; break;    /* LD4/ST4 */
    case 2: rpt = 4; selem = 1; break;    /* LD1/ST1, four registers */
    case 4: rpt = 1; selem = 3; break;    /* LD3/ST3 */
    case 6: rpt = 3; selem = 1; break;    /* LD1/ST1, three registers */
    case 7: rpt = 1; selem = 1; break;    /* LD1/ST1, one register */
    case 8: rpt = 1; selem = 2; break;    /* LD2/ST2 */
    case 10: rpt = 2; selem = 1; break;   /* LD1/ST1, two registers */
    default: return false;
    }
    if (size == 3 && !q && selem != 1)
        return false;
    op->a = (uint8_t)(8u << size);
    op->b = q;
    op->c = (uint8_t)rpt;
    op->d = (uint8_t)selem;
    return true;
}

/* Single structure: op->a = element bits, op->b = Q, op->c = selem, op->d
 * = lane index, op->imm = 1 for the replicating loads (LDnR). */
bool prep_simd_ldst_single(struct op *op)
{
    unsigned opcode = op->insn >> 13 & 7, size = op->insn >> 10 & 3;
    unsigned s = op->insn >> 12 & 1, r = op->insn >> 21 & 1, l = op->insn >> 22 & 1;
    unsigned q = op->insn >> 30 & 1;
    unsigned scale = opcode >> 1, index = 0;
    bool replicate = false;
    switch (scale) {
    case 0:
        index = q << 3 | s << 2 | size;
        break;
    case 1:
        if (size & 1)
            return false;
        index = q << 2 | s << 1 | size >> 1;
        break;
    case 2:
        if (size & 2)
            return false;
        if (size == 0) {
            index = q << 1 | s;
        } else {
            if (s)
                return false;
            index = q;
            scale = 3;
        }
        break;
    default:
        if (!l || s)
            return false;
        scale = size;
        replicate = true;
        break;
    }
    op->a = (uint8_t)(8u << scale);
    op->b = (uint8_t)q;
    op->c = (uint8_t)(((opcode & 1) << 1 | r) + 1);
    op->d = (uint8_t)index;
    op->imm = replicate;
    return true;
}

/* ---- executors ---- */

static void simd_ldst_writeback(struct cpu *cpu, const struct op *op, uint64_t addr, uint64_t bytes)
{
    uint64_t step = op->rm == 31 ? bytes : reg_read(cpu, op->rm);
    reg_write_sp(cpu, op->rn, addr + step);
}

static enum exec_status simd_ldst_multi(struct cpu *cpu, const struct op *op, bool load, bool post)
{
    FP_CHECK(cpu, op);
    uint64_t addr = reg_read_sp(cpu, op->rn);
    unsigned bits = op->a, ebytes = bits / 8, datab = op->b ? 16 : 8, elements = datab / ebytes;
    unsigned rpt = op->c, selem = op->d, nregs = rpt * selem;

    /* When one TLB hit covers the whole block, nothing can fault: move it
     * straight between host memory and the registers. LD1/ST1 registers
     * are contiguous blocks; LD2-LD4/ST2-ST4 interleave elements. */
    uint8_t *p = ldst_host_span(cpu, addr, 1, nregs * datab, !load);
    if (likely(p) && selem == 1) {
        for (unsigned i = 0; i < nregs; i++) {
            uint64_t *v = cpu->v[(op->rd + i) % 32];
            if (load) {
                memcpy(v, p + i * datab, datab);
                if (datab == 8)
                    v[1] = 0;
            } else {
                memcpy(p + i * datab, v, datab);
            }
        }
    } else if (likely(p)) {
        union simd_vec regs[4] = {{.d = {0, 0}}};
        if (!load)
            for (unsigned s = 0; s < selem; s++)
                regs[s] = simd_vread(cpu, (op->rd + s) % 32);
#define INTERLEAVE(T, F, BITS)                                                  \
        for (unsigned e = 0; e < elements; e++)                                 \
            for (unsigned s = 0; s < selem; s++) {                              \
                uint8_t *q = p + (e * selem + s) * sizeof(T);                   \
                if (load)                                                       \
                    memcpy(&regs[s].F[e], q, sizeof(T));                        \
                else                                                            \
                    memcpy(q, &regs[s].F[e], sizeof(T));                        \
            }
        SIMD_BY_SIZE(bits, INTERLEAVE)
#undef INTERLEAVE
        if (load)
            for (unsigned s = 0; s < selem; s++)
                simd_vwrite(cpu, (op->rd + s) % 32, &regs[s]);
    } else {
        /* Element by element, in the pseudocode's order. LD1/ST1 elements of
         * one register are adjacent in memory and in the register, so like
         * QEMU we move them as doublewords: only a fault part way shows it. */
        if (selem == 1) {
            bits = 64;
            ebytes = 8;
            elements = datab / 8;
        }
        uint64_t va = addr;
        for (unsigned r = 0; r < rpt; r++) {
            for (unsigned e = 0; e < elements; e++) {
                for (unsigned s = 0; s < selem; s++, va += ebytes) {
                    uint64_t *v = cpu->v[(op->rd + r + s) % 32], x;
                    if (load) {
                        if (unlikely(!cpu_load(cpu, va, ebytes, &x)))
                            return EXEC_FAULT;
                        simd_set(v, e, bits, x);
                    } else if (unlikely(!cpu_store(cpu, va, ebytes, simd_get(v, e, bits)))) {
                        return EXEC_FAULT;
                    }
                }
            }
        }
        if (load && datab == 8)
            for (unsigned i = 0; i < nregs; i++)
                cpu->v[(op->rd + i) % 32][1] = 0;
    }
    if (post)
        simd_ldst_writeback(cpu, op, addr, (uint64_t)nregs * datab);
    return EXEC_NEXT;
}

static enum exec_status simd_ldst_single(struct cpu *cpu, const struct op *op, bool load, bool post)
{
    FP_CHECK(cpu, op);
    uint64_t addr = reg_read_sp(cpu, op->rn);
    unsigned bits = op->a, ebytes = bits / 8, selem = op->c;
    for (unsigned s = 0; s < selem; s++) {
        uint64_t va = addr + s * ebytes, *v = cpu->v[(op->rd + s) % 32], x;
        if (!load) {
            if (unlikely(!cpu_store(cpu, va, ebytes, simd_get(v, op->d, bits))))
                return EXEC_FAULT;
            continue;
        }
        if (unlikely(!cpu_load(cpu, va, ebytes, &x)))
            return EXEC_FAULT;
        if (op->imm) {
            /* LDnR: the element to every lane (64-bit forms zero the rest). */
            for (unsigned w = bits; w < 64; w *= 2)
                x |= x << w;
            v[0] = x;
            v[1] = op->b ? x : 0;
        } else {
            simd_set(v, op->d, bits, x);
        }
    }
    if (post)
        simd_ldst_writeback(cpu, op, addr, (uint64_t)selem * ebytes);
    return EXEC_NEXT;
}

enum exec_status exec_LD_multi(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_multi(cpu, op, true, false);
}

enum exec_status exec_ST_multi(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_multi(cpu, op, false, false);
}

enum exec_status exec_LD_multi_post(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_multi(cpu, op, true, true);
}

enum exec_status exec_ST_multi_post(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_multi(cpu, op, false, true);
}

enum exec_status exec_LD_single(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_single(cpu, op, true, false);
}

enum exec_status exec_ST_single(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_single(cpu, op, false, false);
}

enum exec_status exec_LD_single_post(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_single(cpu, op, true, true);
}

enum exec_status exec_ST_single_post(struct cpu *cpu, const struct op *op)
{
    return simd_ldst_single(cpu, op, false, true);
}
