/* Running differential test cases on armvirt's core (core.c). */
#ifndef ARMVIRT_DIFF_CORE_H
#define ARMVIRT_DIFF_CORE_H

#include <stdbool.h>

#include "diff.h"

struct diff_core;

/* A core and RAM holding the run's initial image; NULL if out of memory.
 * jit: run cases through generated code (jit.h) rather than the run loop. */
struct diff_core *diff_core_new(uint64_t seed, bool jit);
void diff_core_free(struct diff_core *dc);
void diff_core_run(struct diff_core *dc, const struct diff_case *c, struct diff_result *r);

#endif
