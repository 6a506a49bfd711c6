/* glibc-test: printf and strtod of awkward doubles, printed literally (the
 * conversions are long integer arithmetic on the double's bits, and honour
 * the rounding mode). */
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glibc-test.h"


static double (*volatile p_strtod)(const char *, char **) = strtod;
static float (*volatile p_strtof)(const char *, char **) = strtof;

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

void gt_test_format(void)
{
    static const char *const inputs[] = {
        "0x1p-1074", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "1e23", "8.98846567431158e307",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.8e308", "-0", "nan(123)",
        "-inf", "0.1", "123456789e-30", "1e-400", "0x1.fffffffffffff8p1023", "9007199254740993",
        "0.5000000000000000555111512312578270211815834045410156250000000001",
    };
    static const char *const finputs[] = {"1.4e-45", "3.4028235e38", "3.4028236e38", "0.1",
                                          "16777217", "1e-46"};
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    double vs[] = {0.0,     -0.0,    1.0 / 3,      0.1,        1e23,      0x1p-1074,
                   DBL_MAX, DBL_MIN, 1.2345678e17, 0.5,        2.5,       -1.5,
                   1e-320,  M_PI,    -M_E,         0x1.8p-1070, INFINITY, -INFINITY,
                   from_bits(0x7ff8000000000001), from_bits(0xfff8000000000000)};

    for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
        double v = vs[i];
        printf("printf %a|%.17g|%.10e|%g|%.0f", v, v, v, v, v);
        if (fabs(v) < 1e30)
            printf("|%.25f", v);
        putchar('\n');
    }
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char *end;
        errno = 0;
        double d = p_strtod(inputs[i], &end);
        printf("strtod %s = %a errno=%d used=%td\n", inputs[i], d, errno, end - inputs[i]);
    }
    for (size_t i = 0; i < sizeof(finputs) / sizeof(finputs[0]); i++) {
        char *end;
        errno = 0;
        float f = p_strtof(finputs[i], &end);
        printf("strtof %s = %a errno=%d\n", finputs[i], (double)f, errno);
    }
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        double d = p_strtod("0.1", NULL), e = p_strtod("-1e-400", NULL);
        printf("mode %d: strtod 0.1 = %a, -1e-400 = %a, printf %.3f %.0f %.2e %.1f\n", m, d, e,
               2.0005, 2.5, 1.005, -0.05);
    }
    fesetround(FE_TONEAREST);
    fflush(stdout);
}
