/* Comparing armvirt's result with Unicorn's, and the documented exceptions
 * to "they must agree" (compare.c). */
#ifndef ARMVIRT_DIFF_COMPARE_H
#define ARMVIRT_DIFF_COMPARE_H

#include <stdio.h>

#include "diff.h"

enum diff_verdict {
    DIFF_MATCH,
    DIFF_UNPREDICTABLE,   /* differ, but the word is CONSTRAINED UNPREDICTABLE */
    DIFF_KNOWN,           /* differ exactly as an entry of the known-differences table says */
    DIFF_MISMATCH,
};

/* `why` (may be NULL) receives the rule that excused a difference. */
enum diff_verdict diff_compare(const struct diff_case *c, const struct diff_result *ours,
                               const struct diff_result *ref, const char **why);

/* Print a case and how the two results differ, for a failure report. */
void diff_report(FILE *f, const struct diff_case *c, const struct diff_result *ours,
                 const struct diff_result *ref);

const char *diff_exc_name(unsigned exc);

#endif
