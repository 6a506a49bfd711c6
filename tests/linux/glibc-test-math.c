/* glibc-test: libm on special values under each rounding mode. There is no
 * reference here: the results (bit patterns), the FPSR flags each call
 * raised and errno are hashed per function, and the hashes must match what
 * the same binary prints under QEMU. "-v [NAME]" prints every call (of
 * NAME). */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "glibc-test.h"


static const uint64_t special_bits[] = {
    0x0000000000000000, 0x8000000000000000, /* +-0 */
    0x0000000000000001, 0x8000000000000001, /* +-smallest denormal */
    0x000fffffffffffff, 0x0008000000000000, /* largest denormal, a middle one */
    0x0010000000000000, 0x8010000000000000, /* +-smallest normal */
    0x7ff0000000000000, 0xfff0000000000000, /* +-inf */
    0x7ff8000000000000, 0xfff8000000000000, /* +-default quiet NaN */
    0x7ff8000000000123, 0x7ff0000000000001, /* quiet NaN with payload, signalling NaN */
    0xfff4000000000456, 0x7fefffffffffffff, /* -signalling NaN, DBL_MAX */
    0xffefffffffffffff, 0x3fefffffffffffff, /* -DBL_MAX, 1 - 2^-53 */
    0x3ff0000000000001,                     /* 1 + 2^-52 */
};

static const double special_vals[] = {
    1.0,           -1.0,        0.5,          -0.5,         1.5,           2.5,
    -2.5,          3.5,         2.0,          3.0,          10.0,          -10.0,
    0.1,           100.5,       -100.5,       M_PI,         M_PI_2,        -M_PI_4,
    0x1p52 - 0.5,  0x1p52,      0x1p52 + 1,   0x1p53 + 2,   0x1p63,        -0x1p63,
    0x1p64,        0x1.8p31,    -0x1p31,      709.78,       710.0,         -708.4,
    -745.13,       -746.0,      1e22,         1e300,        0x1p1023,      1e-310,
    0x1p-600,      -0x1p-1030,  6.5e4,        1.0e-5,       7.0,           -7.25,
};

#define NSPECIAL (sizeof(special_bits) / sizeof(special_bits[0]))
#define NVALS (NSPECIAL + sizeof(special_vals) / sizeof(special_vals[0]))
static double vals[NVALS];

static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static const char *const mode_names[] = {"rn", "ru", "rd", "rz"};

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static void before(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    errno = 0;
}

/* Hashes a result with the flags raised and errno, and prints it under -v. */
static void after(struct gt_stats *st, int mode, const char *call, uint64_t result)
{
    int flags = fetestexcept(FE_ALL_EXCEPT), err = errno;
    gt_hash(st, result ^ ((uint64_t)flags << 32) ^ ((uint64_t)err << 48));
    if (gt_verbose && (!gt_verbose_name || strcmp(gt_verbose_name, st->name) == 0))
        printf("  %s %s = %#llx fl=%#x errno=%d\n", mode_names[mode], call,
               (unsigned long long)result, flags, err);
}

struct unary {
    const char *name;
    double (*volatile f)(double);
};

static struct unary unaries[] = {
    {"sin", sin},     {"cos", cos},     {"tan", tan},       {"asin", asin},   {"acos", acos},
    {"atan", atan},   {"sinh", sinh},   {"cosh", cosh},     {"tanh", tanh},   {"asinh", asinh},
    {"acosh", acosh}, {"atanh", atanh}, {"exp", exp},       {"exp2", exp2},   {"exp10", exp10},
    {"expm1", expm1}, {"log", log},     {"log2", log2},     {"log10", log10}, {"log1p", log1p},
    {"sqrt", sqrt},   {"cbrt", cbrt},   {"floor", floor},   {"ceil", ceil},   {"trunc", trunc},
    {"round", round}, {"rint", rint},   {"nearbyint", nearbyint}, {"fabs", fabs},
    {"erf", erf},     {"erfc", erfc},   {"tgamma", tgamma}, {"lgamma", lgamma}, {"logb", logb},
    {"j0", j0},       {"y1", y1},
};

struct binary {
    const char *name;
    double (*volatile f)(double, double);
};

static struct binary binaries[] = {
    {"pow", pow},   {"atan2", atan2},         {"hypot", hypot}, {"fmod", fmod},
    {"remainder", remainder}, {"fmax", fmax}, {"fmin", fmin},   {"fdim", fdim},
    {"copysign", copysign},   {"nextafter", nextafter},
};

struct unaryf {
    const char *name;
    float (*volatile f)(float);
};

static struct unaryf unaryfs[] = {
    {"sinf", sinf}, {"cosf", cosf},   {"tanf", tanf},     {"expf", expf},   {"exp2f", exp2f},
    {"logf", logf}, {"log2f", log2f}, {"sqrtf", sqrtf},   {"cbrtf", cbrtf}, {"rintf", rintf},
    {"erff", erff}, {"atanf", atanf}, {"tgammaf", tgammaf},
};

static double (*volatile p_fma)(double, double, double) = fma;
static float (*volatile p_powf)(float, float) = powf;
static long (*volatile p_lrint)(double) = lrint;
static long (*volatile p_lround)(double) = lround;
static int (*volatile p_ilogb)(double) = ilogb;
static double (*volatile p_frexp)(double, int *) = frexp;
static double (*volatile p_modf)(double, double *) = modf;
static double (*volatile p_ldexp)(double, int) = ldexp;
static double (*volatile p_remquo)(double, double, int *) = remquo;
static void (*volatile p_sincos)(double, double *, double *) = sincos;

static void test_unary(void)
{
    char call[96];
    for (size_t f = 0; f < sizeof(unaries) / sizeof(unaries[0]); f++) {
        struct gt_stats st;
        gt_begin(&st, unaries[f].name);
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            for (size_t i = 0; i < NVALS; i++) {
                before();
                double r = unaries[f].f(vals[i]);
                if (gt_verbose)
                    snprintf(call, sizeof(call), "%s(%a)", unaries[f].name, vals[i]);
                after(&st, m, call, bits(r));
            }
        }
        fesetround(FE_TONEAREST);
        gt_end(&st);
    }
}

static void test_binary(void)
{
    char call[128];
    for (size_t f = 0; f < sizeof(binaries) / sizeof(binaries[0]); f++) {
        struct gt_stats st;
        gt_begin(&st, binaries[f].name);
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            for (size_t i = 0; i < NVALS; i++)
                for (size_t j = 0; j < NVALS; j++) {
                    before();
                    double r = binaries[f].f(vals[i], vals[j]);
                    if (gt_verbose)
                        snprintf(call, sizeof(call), "%s(%a, %a)", binaries[f].name, vals[i],
                                 vals[j]);
                    after(&st, m, call, bits(r));
                }
        }
        fesetround(FE_TONEAREST);
        gt_end(&st);
    }
}

static void test_float(void)
{
    static const uint32_t fspecial[] = {0x00000001, 0x80000001, 0x007fffff, 0x00800000,
                                        0x7f7fffff, 0xff7fffff, 0x7fc00000, 0x7f800001,
                                        0x7f800000, 0xff800000, 0x3f7fffff, 0x3f800001,
                                        0x42b17218, 0x42b17219, 0xc2cff1b5, 0x4b000001};
    enum { NF = NVALS + sizeof(fspecial) / sizeof(fspecial[0]) };
    float fv[NF];
    char call[128];
    for (size_t i = 0; i < NVALS; i++)
        fv[i] = (float)vals[i];
    for (size_t i = NVALS; i < NF; i++)
        memcpy(&fv[i], &fspecial[i - NVALS], sizeof(float));
    for (size_t f = 0; f < sizeof(unaryfs) / sizeof(unaryfs[0]); f++) {
        struct gt_stats st;
        gt_begin(&st, unaryfs[f].name);
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            for (size_t i = 0; i < NF; i++) {
                before();
                float r = unaryfs[f].f(fv[i]);
                if (gt_verbose)
                    snprintf(call, sizeof(call), "%s(%a)", unaryfs[f].name, (double)fv[i]);
                after(&st, m, call, fbits(r));
            }
        }
        fesetround(FE_TONEAREST);
        gt_end(&st);
    }
    struct gt_stats st;
    gt_begin(&st, "powf");
    for (size_t i = 0; i < NF; i++)
        for (size_t j = 0; j < NF; j++) {
            before();
            float r = p_powf(fv[i], fv[j]);
            if (gt_verbose)
                snprintf(call, sizeof(call), "powf(%a, %a)", (double)fv[i], (double)fv[j]);
            after(&st, 0, call, fbits(r));
        }
    gt_end(&st);
}

/* fma on triples of special values, and on products whose exact value lies
 * just beside a rounding boundary. */
static void test_fma(void)
{
    static const double exact[][3] = {
        {0x1.0000000000001p0, 0x1.fffffffffffffp-1, -1.0},
        {0x1.0000000000001p0, 0x1.0000000000001p0, -0x1.0000000000002p0},
        {0x1p-1022, 0x1p-52, -0x1p-1074},
        {0x1p-537, 0x1p-537, 0.0},
        {0x1.fffffffffffffp1023, 2.0, -0x1.fffffffffffffp1023},
        {0x1p-1074, 0.5, 0.0},
        {0x1p-1074, -0.5, -0.0},
        {3.0, 0x1.5555555555555p-2, -1.0},
        {0x1.8p0, 0x1p-1074, 0x1p-1073},
        {-0.0, 0.0, -0.0},
        {INFINITY, 0.0, 1.0},
        {INFINITY, -1.0, INFINITY},
    };
    struct gt_stats st;
    char call[160];
    gt_begin(&st, "fma");
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (size_t i = 0; i < NVALS; i += 3)
            for (size_t j = 1; j < NVALS; j += 3)
                for (size_t k = 2; k < NVALS; k += 4) {
                    before();
                    double r = p_fma(vals[i], vals[j], vals[k]);
                    if (gt_verbose)
                        snprintf(call, sizeof(call), "fma(%a, %a, %a)", vals[i], vals[j], vals[k]);
                    after(&st, m, call, bits(r));
                }
        for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
            before();
            double r = p_fma(exact[i][0], exact[i][1], exact[i][2]);
            if (gt_verbose)
                snprintf(call, sizeof(call), "fma(%a, %a, %a)", exact[i][0], exact[i][1],
                         exact[i][2]);
            after(&st, m, call, bits(r));
        }
    }
    fesetround(FE_TONEAREST);
    gt_end(&st);
}

/* The functions with integer results or a second output. */
static void test_parts(void)
{
    static const int exps[] = {-2100, -1075, -1074, -1022, -1, 0, 1, 52, 1023, 1024, 2100};
    struct gt_stats st;
    char call[160];
    gt_begin(&st, "lrint/lround/ilogb/frexp/modf/ldexp/remquo/sincos");
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (size_t i = 0; i < NVALS; i++) {
            double x = vals[i], y, c;
            int e = 0;
            before();
            snprintf(call, sizeof(call), "lrint(%a)", x);
            after(&st, m, call, (uint64_t)p_lrint(x));
            before();
            snprintf(call, sizeof(call), "lround(%a)", x);
            after(&st, m, call, (uint64_t)p_lround(x));
            before();
            snprintf(call, sizeof(call), "ilogb(%a)", x);
            after(&st, m, call, (uint64_t)(int64_t)p_ilogb(x));
            before();
            y = p_frexp(x, &e);
            snprintf(call, sizeof(call), "frexp(%a) exp %d", x, e);
            after(&st, m, call, bits(y) ^ (uint64_t)(int64_t)e);
            before();
            y = p_modf(x, &c);
            snprintf(call, sizeof(call), "modf(%a) int %a", x, c);
            after(&st, m, call, bits(y) ^ (bits(c) >> 1));
            for (size_t k = 0; k < sizeof(exps) / sizeof(exps[0]); k++) {
                before();
                y = p_ldexp(x, exps[k]);
                snprintf(call, sizeof(call), "ldexp(%a, %d)", x, exps[k]);
                after(&st, m, call, bits(y));
            }
            before();
            y = p_remquo(x, vals[(i * 7 + 3) % NVALS], &e);
            snprintf(call, sizeof(call), "remquo(%a, %a) quo %d", x, vals[(i * 7 + 3) % NVALS], e);
            after(&st, m, call, bits(y) ^ (uint64_t)(int64_t)e);
            before();
            p_sincos(x, &y, &c);
            snprintf(call, sizeof(call), "sincos(%a) cos %a", x, c);
            after(&st, m, call, bits(y) ^ (bits(c) >> 1));
        }
    }
    fesetround(FE_TONEAREST);
    gt_end(&st);
}

void gt_test_math(void)
{
    for (size_t i = 0; i < NSPECIAL; i++)
        memcpy(&vals[i], &special_bits[i], sizeof(double));
    for (size_t i = NSPECIAL; i < NVALS; i++)
        vals[i] = special_vals[i - NSPECIAL];
    test_unary();
    test_binary();
    test_float();
    test_fma();
    test_parts();
}
