/*
 * The A64 decoder: builds mask/value pairs from the pattern strings of the
 * encoding table at start-up, orders rows so the most specific wins, and
 * buckets them by the major opcode bits so a decode scans only a few rows.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/op.h"

struct a64_row {
    const char *name;
    const char *pattern;
    exec_fn exec;
    prep_fn prep;
    uint32_t mask, value;
    unsigned fixed;   /* number of fixed bits: the row's specificity */
};

#define PREP(name)
#define A64(name, pattern, prep) {#name, pattern, exec_##name, prep, 0, 0, 0},
static struct a64_row a64_rows[] = {
#include "cpu/a64.inc"
};
#undef A64
#undef PREP

/* Buckets are indexed by instruction bits [31:21]; a row goes in every bucket
 * its fixed bits there allow. */
#define BUCKET_SHIFT 21
#define BUCKET_COUNT (1u << (32 - BUCKET_SHIFT))

static const struct a64_row **bucket_rows[BUCKET_COUNT];
static unsigned bucket_len[BUCKET_COUNT];
static pthread_once_t decode_once = PTHREAD_ONCE_INIT;

static int row_cmp(const void *a, const void *b)
{
    const struct a64_row *x = *(const struct a64_row *const *)a;
    const struct a64_row *y = *(const struct a64_row *const *)b;
    if (x->fixed != y->fixed)
        return x->fixed > y->fixed ? -1 : 1;
    return x < y ? -1 : x > y; /* equal specificity: table order */
}

static void decode_build(void)
{
    size_t n = ARRAY_SIZE(a64_rows);
    for (size_t i = 0; i < n; i++) {
        struct a64_row *r = &a64_rows[i];
        /* Our bug if a pattern is not 32 characters: caught by the unit test too. */
        if (strlen(r->pattern) != 32)
            abort();
        for (int b = 0; b < 32; b++) {
            char c = r->pattern[31 - b];
            if (c == '0' || c == '1') {
                r->mask |= 1u << b;
                r->value |= (uint32_t)(c == '1') << b;
                r->fixed++;
            }
        }
    }
    const struct a64_row **sorted = malloc(n * sizeof(*sorted));
    if (!sorted)
        abort();
    for (size_t i = 0; i < n; i++)
        sorted[i] = &a64_rows[i];
    qsort(sorted, n, sizeof(*sorted), row_cmp);

    for (uint32_t bkt = 0; bkt < BUCKET_COUNT; bkt++) {
        uint32_t word = bkt << BUCKET_SHIFT;
        uint32_t bmask = ~0u << BUCKET_SHIFT;
        unsigned count = 0;
        for (size_t i = 0; i < n; i++)
            if (((sorted[i]->mask & bmask) & (word ^ sorted[i]->value)) == 0)
                count++;
        bucket_rows[bkt] = count ? malloc(count * sizeof(*sorted)) : NULL;
        if (count && !bucket_rows[bkt])
            abort();
        count = 0;
        for (size_t i = 0; i < n; i++)
            if (((sorted[i]->mask & bmask) & (word ^ sorted[i]->value)) == 0)
                bucket_rows[bkt][count++] = sorted[i];
        bucket_len[bkt] = count;
    }
    free(sorted);
}

/* The op for an unallocated word. */
static enum exec_status exec_UNALLOCATED(struct cpu *cpu, const struct op *op)
{
    (void)cpu;
    (void)op;
    return EXEC_UNDEF;
}

static const struct a64_row *decode_row(uint32_t insn)
{
    uint32_t bkt = insn >> BUCKET_SHIFT;
    for (unsigned i = 0; i < bucket_len[bkt]; i++) {
        const struct a64_row *r = bucket_rows[bkt][i];
        if ((insn & r->mask) == r->value)
            return r;
    }
    return NULL;
}

void decode_a64(uint32_t insn, uint64_t pc, struct op *op)
{
    pthread_once(&decode_once, decode_build);
    memset(op, 0, sizeof(*op));
    op->insn = insn;
    op->pc = pc;
    op->rd = insn & 31;
    op->rn = (insn >> 5) & 31;
    op->rm = (insn >> 16) & 31;
    op->ra = (insn >> 10) & 31;
    const struct a64_row *r = decode_row(insn);
    op->exec = exec_UNALLOCATED;
    if (r && (!r->prep || r->prep(op)))
        op->exec = r->exec;
}

const char *op_name(const struct op *op)
{
    if (op->exec == exec_UNALLOCATED)
        return "UNALLOCATED";
    const struct a64_row *r = decode_row(op->insn);
    return r ? r->name : "UNALLOCATED";
}

/*
 * Which ops end a block: anything that writes the PC (branches, exception
 * generating), and system instructions, which may change state that decoding
 * or the TLB depend on (translation, EL, DAIF). A block never straddles these.
 * Decided by the encoding's major class: C4.1, op0 = x101 is "Branches,
 * exception generating and system". Hints other than WFE/WFI, DMB, DSB and
 * CLREX are in that class but change none of that state and never leave the
 * block (their executors return EXEC_NEXT), so they do not end it: a NOP in
 * a loop body then costs no block switch. Nor do conditional branches: the
 * run loop ends a block wherever an op returns EXEC_JUMP.
 */
bool op_ends_block(const struct op *op)
{
    if (op->exec == exec_UNALLOCATED)
        return true;
    if (op->exec == exec_HINT || op->exec == exec_DMB || op->exec == exec_DSB ||
        op->exec == exec_CLREX)
        return false;
    /* Reading a system register changes nothing a block depends on (the
     * translation, the exception level, interrupt masks), and none of
     * them reads the PC or the instruction count, which are only up to
     * date at block boundaries; Linux reads SP_EL0 for `current` all the
     * time. */
    if (op->exec == exec_MRS)
        return false;
    /* Conditional branches either jump (EXEC_JUMP ends the block there) or
     * fall through to the next op, so a block may go on past them. */
    if (op->exec == exec_B_cond || op->exec == exec_CBZ_w || op->exec == exec_CBNZ_w ||
        op->exec == exec_CBZ_x || op->exec == exec_CBNZ_x || op->exec == exec_TBZ ||
        op->exec == exec_TBNZ)
        return false;
    return ((op->insn >> 26) & 7) == 5;
}
