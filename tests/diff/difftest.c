/*
 * difftest: differential CPU test of armvirt's core against Unicorn.
 *
 *   difftest [-n CASES] [-s SEED] [-f FAMILIES] [-g GROUP] [-c CASE] [-j] [-v] [-o ORACLE]
 *
 * Generates CASES cases (default 200000) spread evenly over the groups of
 * gen.c (or only GROUP, or only the groups of FAMILIES: a comma-separated
 * list of int, fp, simd, simdfp), sends them in batches to the Unicorn oracle
 * (diff-oracle, a separate program: see diff.h for why) while running the
 * same batch on armvirt's core, and compares the results (compare.c).
 * Prints one line per group, "PASS diff/<group>: ..." or "FAIL diff/<group>:
 * ...", with each failing case shown in full (at most a few per group) and a
 * command line that reruns just that case. -j runs armvirt's side through
 * generated code (cpu/jit.h), each case as one block. Exits 0 unless it could not run.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "core.h"
#include "gen.h"

#define MAX_SHOWN_PER_GROUP 3

struct group_stats {
    uint64_t cases, faulting, wrote, unpredictable, known, mismatches;
    uint64_t exc[DIFF_EXC_COUNT];
    uint64_t first_bad;
    bool any_bad;
};

struct oracle_proc {
    pid_t pid;
    FILE *to, *from;
};

static void usage(void)
{
    fprintf(stderr, "usage: difftest [-n CASES] [-s SEED] [-f int,fp,simd,simdfp] [-g GROUP] [-c CASE] [-j] [-v] "
                    "[-o ORACLE]\n");
    exit(2);
}

static int oracle_start(struct oracle_proc *op, const char *path, uint64_t seed)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -errno;
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        char arg[32];
        snprintf(arg, sizeof(arg), "%" PRIu64, seed);
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(path, path, arg, (char *)NULL);
        fprintf(stderr, "difftest: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    op->pid = pid;
    op->to = fdopen(in[1], "w");
    op->from = fdopen(out[0], "r");
    return op->to && op->from ? 0 : -ENOMEM;
}

static int oracle_stop(struct oracle_proc *op)
{
    uint32_t zero = 0;
    fwrite(&zero, sizeof(zero), 1, op->to);
    fclose(op->to);
    fclose(op->from);
    int status;
    if (waitpid(op->pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The oracle program next to this one, unless -o says otherwise. */
static char *default_oracle(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    size_t dir = slash ? (size_t)(slash - argv0 + 1) : 0;
    char *p = malloc(dir + sizeof("diff-oracle"));
    if (!p)
        exit(2);
    memcpy(p, argv0, dir);
    strcpy(p + dir, "diff-oracle");
    return p;
}

static unsigned parse_families(const char *arg)
{
    static const struct {
        const char *name;
        unsigned mask;
    } fams[] = {{"int", DIFF_FAM_INT},
                {"fp", DIFF_FAM_FP},
                {"simd", DIFF_FAM_SIMD},
                {"simdfp", DIFF_FAM_SIMDFP}};
    unsigned mask = 0;
    while (*arg) {
        size_t len = strcspn(arg, ",");
        unsigned i;
        for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++)
            if (strlen(fams[i].name) == len && strncmp(arg, fams[i].name, len) == 0)
                break;
        if (i == sizeof(fams) / sizeof(fams[0])) {
            fprintf(stderr, "difftest: -f takes int, fp, simd, simdfp (comma-separated)\n");
            exit(2);
        }
        mask |= fams[i].mask;
        arg += len + (arg[len] == ',');
    }
    return mask;
}

static int find_group(const char *name)
{
    for (unsigned g = 0; g < diff_group_count; g++)
        if (strcmp(diff_groups[g].name, name) == 0)
            return (int)g;
    return -1;
}

/* Where the cases of a run come from: case ids 0..n-1 (or the one case
 * `only`), id to group through sel[id % nsel]. */
struct batch_source {
    uint64_t seed, n, only;
    const unsigned *sel;
    unsigned nsel;
    uint64_t next;
};

static uint32_t batch_generate(struct batch_source *src, struct diff_case *cases)
{
    uint64_t left = src->n - src->next;
    uint32_t count = (uint32_t)(left < DIFF_BATCH ? left : DIFF_BATCH);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t id = src->only != UINT64_MAX ? src->only : src->next + i;
        diff_gen_case(src->seed, id, src->sel[id % src->nsel], &cases[i]);
    }
    src->next += count;
    return count;
}

static int batch_send(struct oracle_proc *op, const struct diff_case *cases, uint32_t count)
{
    if (fwrite(&count, sizeof(count), 1, op->to) != 1 ||
        fwrite(cases, sizeof(cases[0]), count, op->to) != count || fflush(op->to)) {
        fprintf(stderr, "difftest: the oracle stopped reading\n");
        return -1;
    }
    return 0;
}

/* FP/SIMD cases by FPCR.{DN, FZ, RMode} (bits 25:22), to show every
 * setting was run. */
static uint64_t fpcr_settings[16];

/* Compare one case, count it, and print it if it failed (or -v). */
/* " -j" in rerun lines when cases run through generated code. */
static const char *rerun_jit = "";

static void tally(const struct diff_case *c, const struct diff_result *ours,
                  const struct diff_result *ref, struct group_stats *stats, unsigned *shown,
                  bool verbose, const char *argv0, uint64_t seed)
{
    struct group_stats *s = &stats[c->group];
    const char *why;
    enum diff_verdict v = diff_compare(c, ours, ref, &why);
    s->cases++;
    s->exc[ref->exc]++;
    if (diff_groups[c->group].family != DIFF_FAM_INT)
        fpcr_settings[c->init.fpcr >> 22 & 15]++;
    if (ref->exc != DIFF_EXC_NONE || ours->exc != DIFF_EXC_NONE)
        s->faulting++;
    if (ref->nmem)
        s->wrote++;
    switch (v) {
    case DIFF_MATCH: break;
    case DIFF_UNPREDICTABLE: s->unpredictable++; break;
    case DIFF_KNOWN: s->known++; break;
    case DIFF_MISMATCH:
        if (!s->any_bad)
            s->first_bad = c->id;
        s->any_bad = true;
        s->mismatches++;
        break;
    }
    if (v != DIFF_MISMATCH && !verbose)
        return;
    const char *gname = diff_groups[c->group].name;
    if (v == DIFF_MISMATCH && shown[c->group]++ >= MAX_SHOWN_PER_GROUP && !verbose)
        return;
    printf("%s diff/%s case %" PRIu64 "%s%s\n", v == DIFF_MISMATCH ? "mismatch" : "case", gname,
           c->id, why ? ": " : "", why ? why : "");
    diff_report(stdout, c, ours, ref);
    printf("    rerun: %s%s -s %" PRIu64 " -g %s -c %" PRIu64 "\n", argv0, rerun_jit, seed, gname,
           c->id);
}

int main(int argc, char **argv)
{
    uint64_t n = 200000, seed = (uint64_t)time(NULL), only_case = 0;
    bool have_case = false, verbose = false, jit = false;
    int only_group = -1;
    unsigned families = DIFF_FAM_INT | DIFF_FAM_FP | DIFF_FAM_SIMD | DIFF_FAM_SIMDFP;
    const char *family_arg = NULL;
    char *oracle_path = NULL, *oracle_alloc = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "n:s:f:g:c:jvo:")) != -1) {
        switch (opt) {
        case 'n': n = strtoull(optarg, NULL, 0); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'f': families = parse_families(optarg); family_arg = optarg; break;
        case 'g':
            only_group = find_group(optarg);
            if (only_group < 0) {
                fprintf(stderr, "difftest: no group '%s'; groups:", optarg);
                for (unsigned g = 0; g < diff_group_count; g++)
                    fprintf(stderr, " %s", diff_groups[g].name);
                fprintf(stderr, "\n");
                return 2;
            }
            break;
        case 'c': only_case = strtoull(optarg, NULL, 0); have_case = true; break;
        case 'j': jit = true; rerun_jit = " -j"; break;
        case 'v': verbose = true; break;
        case 'o': oracle_path = optarg; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (!oracle_path)
        oracle_path = oracle_alloc = default_oracle(argv[0]);
    if (have_case) {
        n = 1;
        verbose = true;
    }
    /* The groups cases are spread over, in table order: case id goes to
     * sel[id % nsel], so a case is found again from its id and the -f or
     * -g it ran under. */
    static unsigned sel[256];
    unsigned nsel = 0;
    for (unsigned g = 0; g < diff_group_count && nsel < 256; g++)
        if (only_group >= 0 ? (int)g == only_group : (diff_groups[g].family & families) != 0)
            sel[nsel++] = g;
    if (!nsel) {
        fprintf(stderr, "difftest: no groups selected\n");
        return 2;
    }
    printf("difftest: seed %" PRIu64 ", %" PRIu64 " cases, %s\n", seed, n,
           only_group >= 0 ? diff_groups[only_group].name : family_arg ? family_arg : "all groups");

    /* A dead oracle must show as an error, not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    struct oracle_proc op = {0};
    if (oracle_start(&op, oracle_path, seed)) {
        fprintf(stderr, "difftest: cannot start the oracle %s\n", oracle_path);
        return 2;
    }
    struct diff_core *dc = diff_core_new(seed, jit);
    if (!dc) {
        fprintf(stderr, "difftest: out of memory\n");
        return 2;
    }

    /* Two batches in flight: while the oracle runs batch k, this side runs
     * it on armvirt and generates batch k+1, which goes to the oracle as
     * soon as its results for k are in; batch k is compared after that, so
     * the oracle never waits for the comparison. */
    static struct diff_case cases[2][DIFF_BATCH];
    static struct diff_result ours[DIFF_BATCH], ref[DIFF_BATCH];
    static struct group_stats stats[256];
    static unsigned shown[256];
    struct batch_source src = {seed, n, have_case ? only_case : UINT64_MAX, sel, nsel, 0};
    unsigned cur = 0;
    uint32_t count = batch_generate(&src, cases[cur]);
    if (batch_send(&op, cases[cur], count))
        return 2;
    while (count) {
        for (uint32_t i = 0; i < count; i++)
            diff_core_run(dc, &cases[cur][i], &ours[i]);
        uint32_t next_count = batch_generate(&src, cases[cur ^ 1]);
        if (fread(ref, sizeof(ref[0]), count, op.from) != count) {
            fprintf(stderr, "difftest: the oracle died\n");
            return 2;
        }
        if (next_count && batch_send(&op, cases[cur ^ 1], next_count))
            return 2;
        for (uint32_t i = 0; i < count; i++)
            tally(&cases[cur][i], &ours[i], &ref[i], stats, shown, verbose, argv[0], seed);
        cur ^= 1;
        count = next_count;
    }
    int orc = oracle_stop(&op);
    diff_core_free(dc);
    free(oracle_alloc);
    if (orc) {
        fprintf(stderr, "difftest: the oracle exited with status %d\n", orc);
        return 2;
    }

    uint64_t total = 0, bad = 0, ran = 0;
    for (unsigned g = 0; g < diff_group_count; g++) {
        const struct group_stats *s = &stats[g];
        if (!s->cases)
            continue;
        total += s->cases;
        bad += s->mismatches;
        ran += s->cases - s->faulting;
        char excs[256] = "";
        size_t len = 0;
        for (unsigned e = 1; e < DIFF_EXC_COUNT; e++)
            if (s->exc[e])
                len += (size_t)snprintf(excs + len, sizeof(excs) - len, " %s %" PRIu64,
                                        diff_exc_name(e), s->exc[e]);
        if (s->mismatches)
            printf("FAIL diff/%s: %" PRIu64 " of %" PRIu64 " cases differ (seed %" PRIu64
                   ", first case %" PRIu64 ")\n",
                   diff_groups[g].name, s->mismatches, s->cases, seed, s->first_bad);
        else
            printf("PASS diff/%s: %" PRIu64 " cases, %" PRIu64 " faulting [%s ], %" PRIu64
                   " wrote memory, %" PRIu64 " unpredictable, %" PRIu64 " known differences\n",
                   diff_groups[g].name, s->cases, s->faulting, excs, s->wrote, s->unpredictable,
                   s->known);
    }
    uint64_t fp_min = UINT64_MAX, fp_max = 0;
    for (unsigned i = 0; i < 16; i++) {
        fp_min = fpcr_settings[i] < fp_min ? fpcr_settings[i] : fp_min;
        fp_max = fpcr_settings[i] > fp_max ? fpcr_settings[i] : fp_max;
    }
    if (fp_max)
        printf("difftest: FP/SIMD cases per FPCR RMode/FZ/DN setting (16): %" PRIu64
               "-%" PRIu64 "\n",
               fp_min, fp_max);
    printf("difftest: %" PRIu64 " cases (%" PRIu64 " ran without an exception), %" PRIu64
           " mismatches, seed %" PRIu64 "\n",
           total, ran, bad, seed);
    return 0;
}
