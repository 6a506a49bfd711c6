/* Random test cases by instruction group (gen.c). */
#ifndef ARMVIRT_DIFF_GEN_H
#define ARMVIRT_DIFF_GEN_H

#include "diff.h"

/* Families of groups, selectable with difftest -f (a mask of these). */
enum diff_family {
    DIFF_FAM_INT = 1,    /* the integer instruction set */
    DIFF_FAM_FP = 2,     /* scalar floating point, SIMD&FP register loads/stores */
    DIFF_FAM_SIMD = 4,   /* Advanced SIMD, integer */
    DIFF_FAM_SIMDFP = 8, /* Advanced SIMD, floating point */
};

struct diff_group {
    const char *name;
    unsigned family;     /* enum diff_family */
    /* Fill the words of c and adjust c->init so the case exercises the
     * group (memory operands aimed at the RAM window, mostly). The common
     * random state is already in c->init. */
    void (*gen)(struct diff_rng *rng, struct diff_case *c);
};

extern const struct diff_group diff_groups[];
extern const unsigned diff_group_count;

/* Case `id` of the run `seed`, from group `group`: a pure function of its
 * arguments, so one case can be regenerated alone. */
void diff_gen_case(uint64_t seed, uint64_t id, unsigned group, struct diff_case *c);

#endif
