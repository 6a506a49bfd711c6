/*
 * Load/store exclusive and load-acquire/store-release (Arm ARM C4.1.4;
 * B2.9 for the exclusive monitors; C6.2 LDXR, STXR, LDXP, STXP, LDAR, STLR
 * and their acquire/release variants).
 *
 * The local monitor is cpu->excl_*: LDXR records the address, size and the
 * value loaded. STXR succeeds (status 0) only if the monitor holds exactly
 * that address and size and memory still holds the recorded value, checked
 * and replaced with one host compare-and-swap where the TLB gives a RAM
 * pointer. This is QEMU's scheme: another core's store of a different value
 * breaks the reservation as the architecture requires, without tracking
 * every store. Any STXR that gets past the alignment check clears the
 * monitor, pass or fail; one that faults leaves it as it was (QEMU does the
 * same). A size mismatch fails, where QEMU would compare values.
 *
 * Exclusive and ordered accesses fault when misaligned (B2.5.2), even when
 * the monitor check would fail. NOTE: QEMU (and Unicorn) let a misaligned
 * STXR that misses the monitor return status 1 without a fault, and the
 * Unicorn of Debian (QEMU 5.0) does not check LDAR/STLR alignment.
 *
 * Pairs: LDXP/STXP of W registers are one 8-byte access (single-copy atomic
 * as a doubleword, aligned to 8); of X registers two 8-byte accesses aligned
 * to 16. With Rt == Rt2 the register holds the second word (QEMU's order).
 * TODO: the X-register STXP is not one host atomic, so it is exact only while
 * one core runs (a 16-byte host CAS needs libatomic).
 *
 * Ordering: acquire/release map to host fences, free on x86.
 * TODO: with cores in threads, STLR followed by LDAR must not be reordered
 * (RCsc), which needs a full fence on x86.
 *
 * TODO: the SP alignment check (SCTLR_EL1.SA/SA0) for Rn == 31.
 */
#include "cpu/a64_ldst.h"

static bool excl_load(struct cpu *cpu, uint64_t va, unsigned lg, uint64_t *v)
{
    switch (lg) {
    case 0: return cpu_load(cpu, va, 1, v);
    case 1: return cpu_load(cpu, va, 2, v);
    case 2: return cpu_load(cpu, va, 4, v);
    default: return cpu_load(cpu, va, 8, v);
    }
}

static bool excl_store(struct cpu *cpu, uint64_t va, unsigned lg, uint64_t v)
{
    switch (lg) {
    case 0: return cpu_store(cpu, va, 1, v);
    case 1: return cpu_store(cpu, va, 2, v);
    case 2: return cpu_store(cpu, va, 4, v);
    default: return cpu_store(cpu, va, 8, v);
    }
}

static void monitor_set(struct cpu *cpu, uint64_t va, unsigned bytes, uint64_t lo, uint64_t hi)
{
    cpu->excl_valid = true;
    cpu->excl_addr = va;
    cpu->excl_size = (uint8_t)bytes;
    cpu->excl_val[0] = lo;
    cpu->excl_val[1] = hi;
}

static bool monitor_holds(const struct cpu *cpu, uint64_t va, unsigned bytes)
{
    return cpu->excl_valid && cpu->excl_addr == va && cpu->excl_size == bytes;
}

#define HOST_CAS(type, p, expect, desired)                                                      \
    ({                                                                                          \
        type e_ = (type)(expect);                                                               \
        __atomic_compare_exchange_n((type *)(p), &e_, (type)(desired), false, __ATOMIC_SEQ_CST, \
                                    __ATOMIC_SEQ_CST);                                          \
    })

/* Compare memory at the aligned va with `expect`, store `desired` if equal.
 * False on a fault; *ok says whether the store happened. */
static bool excl_cmpxchg(struct cpu *cpu, uint64_t va, unsigned lg, uint64_t expect,
                         uint64_t desired, bool *ok)
{
    unsigned bytes = 1u << lg;
    struct tlb_entry *e = tlb_entry_for(cpu->tlb[cpu->mmu_idx], va);
    if (likely(e->tag_write == TLB_CMP(va, bytes))) {
        void *p = (void *)(uintptr_t)(va + e->addend);
        switch (lg) {
        case 0: *ok = HOST_CAS(uint8_t, p, expect, desired); break;
        case 1: *ok = HOST_CAS(uint16_t, p, expect, desired); break;
        case 2: *ok = HOST_CAS(uint32_t, p, expect, desired); break;
        default: *ok = HOST_CAS(uint64_t, p, expect, desired); break;
        }
        return true;
    }
    /* MMIO, code pages, TLB misses: not atomic against other cores. */
    uint64_t cur;
    if (!excl_load(cpu, va, lg, &cur)) {
        cpu->fault.write = true;
        return false;
    }
    *ok = cur == (expect & ones64(bytes * 8));
    return !*ok || excl_store(cpu, va, lg, desired);
}

/* ---- single register ---- */

static enum exec_status load_excl(struct cpu *cpu, const struct op *op, bool acquire)
{
    unsigned lg = op->a, bytes = 1u << lg;
    uint64_t va = reg_read_sp(cpu, op->rn), v;
    if (!ldst_check_aligned(cpu, va, bytes, false) || !excl_load(cpu, va, lg, &v))
        return EXEC_FAULT;
    monitor_set(cpu, va, bytes, v, 0);
    reg_write(cpu, op->rd, v);
    if (acquire)
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return EXEC_NEXT;
}

/* Status to Ws (op->rm); Rt's value is read before Ws is written, so
 * Rs == Rt stores the old Rt (QEMU's choice for this CONSTRAINED
 * UNPREDICTABLE case). */
static enum exec_status store_excl(struct cpu *cpu, const struct op *op, bool release)
{
    unsigned lg = op->a, bytes = 1u << lg;
    uint64_t va = reg_read_sp(cpu, op->rn);
    if (!ldst_check_aligned(cpu, va, bytes, true))
        return EXEC_FAULT;
    if (release)
        __atomic_thread_fence(__ATOMIC_RELEASE);
    bool ok = false;
    if (monitor_holds(cpu, va, bytes) &&
        !excl_cmpxchg(cpu, va, lg, cpu->excl_val[0], reg_read(cpu, op->rd), &ok))
        return EXEC_FAULT;
    cpu->excl_valid = false;
    reg_write(cpu, op->rm, !ok);
    return EXEC_NEXT;
}

enum exec_status exec_LDXR(struct cpu *cpu, const struct op *op)
{
    return load_excl(cpu, op, false);
}

enum exec_status exec_LDAXR(struct cpu *cpu, const struct op *op)
{
    return load_excl(cpu, op, true);
}

enum exec_status exec_STXR(struct cpu *cpu, const struct op *op)
{
    return store_excl(cpu, op, false);
}

enum exec_status exec_STLXR(struct cpu *cpu, const struct op *op)
{
    return store_excl(cpu, op, true);
}

/* ---- pairs (op->a: 2 for W, 3 for X) ---- */

static enum exec_status load_excl_pair(struct cpu *cpu, const struct op *op, bool acquire)
{
    uint64_t va = reg_read_sp(cpu, op->rn), w[2];
    if (op->a == 2) {
        if (!ldst_check_aligned(cpu, va, 8, false) || !cpu_load(cpu, va, 8, &w[0]))
            return EXEC_FAULT;
        monitor_set(cpu, va, 8, w[0], 0);
        w[1] = w[0] >> 32;
        w[0] = (uint32_t)w[0];
    } else {
        if (!ldst_check_aligned(cpu, va, 16, false) || !ldst_load_words(cpu, va, 8, w, 2))
            return EXEC_FAULT;
        monitor_set(cpu, va, 16, w[0], w[1]);
    }
    reg_write(cpu, op->rd, w[0]);
    reg_write(cpu, op->ra, w[1]);
    if (acquire)
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return EXEC_NEXT;
}

static enum exec_status store_excl_pair(struct cpu *cpu, const struct op *op, bool release)
{
    uint64_t va = reg_read_sp(cpu, op->rn);
    uint64_t t = reg_read(cpu, op->rd), t2 = reg_read(cpu, op->ra);
    unsigned bytes = op->a == 2 ? 8 : 16;
    if (!ldst_check_aligned(cpu, va, bytes, true))
        return EXEC_FAULT;
    if (release)
        __atomic_thread_fence(__ATOMIC_RELEASE);
    bool ok = false;
    if (monitor_holds(cpu, va, bytes)) {
        if (bytes == 8) {
            if (!excl_cmpxchg(cpu, va, 3, cpu->excl_val[0], (uint32_t)t | t2 << 32, &ok))
                return EXEC_FAULT;
        } else {
            uint64_t cur[2], w[2] = {t, t2};
            if (!ldst_load_words(cpu, va, 8, cur, 2)) {
                cpu->fault.write = true;
                return EXEC_FAULT;
            }
            ok = cur[0] == cpu->excl_val[0] && cur[1] == cpu->excl_val[1];
            if (ok && !ldst_store_words(cpu, va, 8, w, 2))
                return EXEC_FAULT;
        }
    }
    cpu->excl_valid = false;
    reg_write(cpu, op->rm, !ok);
    return EXEC_NEXT;
}

enum exec_status exec_LDXP(struct cpu *cpu, const struct op *op)
{
    return load_excl_pair(cpu, op, false);
}

enum exec_status exec_LDAXP(struct cpu *cpu, const struct op *op)
{
    return load_excl_pair(cpu, op, true);
}

enum exec_status exec_STXP(struct cpu *cpu, const struct op *op)
{
    return store_excl_pair(cpu, op, false);
}

enum exec_status exec_STLXP(struct cpu *cpu, const struct op *op)
{
    return store_excl_pair(cpu, op, true);
}

/* ---- load-acquire, store-release ---- */

enum exec_status exec_LDAR(struct cpu *cpu, const struct op *op)
{
    unsigned lg = op->a;
    uint64_t va = reg_read_sp(cpu, op->rn), v;
    if (!ldst_check_aligned(cpu, va, 1u << lg, false) || !excl_load(cpu, va, lg, &v))
        return EXEC_FAULT;
    reg_write(cpu, op->rd, v);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return EXEC_NEXT;
}

enum exec_status exec_STLR(struct cpu *cpu, const struct op *op)
{
    unsigned lg = op->a;
    uint64_t va = reg_read_sp(cpu, op->rn);
    if (!ldst_check_aligned(cpu, va, 1u << lg, true))
        return EXEC_FAULT;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return excl_store(cpu, va, lg, reg_read(cpu, op->rd)) ? EXEC_NEXT : EXEC_FAULT;
}
