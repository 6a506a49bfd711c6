/*
 * fpu.c against vectors whose expected results and FPSR flags were produced
 * by running each instruction in Unicorn 2.0.1 (QEMU TCG, cortex-a57) with
 * FPSR = 0 beforehand; each row says what it checks. A few instruction-level
 * tests at the end run decoded ops (FMOV to the top half, FCCMP, the access
 * trap) whose expected values follow directly from the Arm ARM.
 */
#include <stdlib.h>

#include "cpu/fp_access.h"
#include "cpu/fpu.h"
#include "test.h"

enum vkind { V_ADD, V_SUB, V_MUL, V_DIV, V_MADD, V_SQRT, V_MAX, V_MIN, V_MAXNM, V_MINNM, V_CMP,
             V_CMPE, V_CVT, V_RINT, V_TOINT, V_FROMINT };

/* FPCR values */
#define RN 0u
#define RP (1u << 22)
#define RM (2u << 22)
#define RZ (3u << 22)
#define FZ FPCR_FZ
#define DN FPCR_DN
#define AHP FPCR_AHP

/* param: V_CVT: to << 2 | from (enum fpu_fmt). V_RINT: 0-4 = FRINTN/P/M/Z/A,
 * 5 = FRINTX, 6 = FRINTI. V_TOINT/V_FROMINT: rounding (0-4) | unsigned << 4 |
 * (64-bit integer) << 5 | fbits << 8. V_MADD: a * b + c. V_CMP: NZCV result. */
struct fpu_vec {
    enum vkind kind;
    enum fpu_fmt fmt;
    unsigned param;
    uint32_t fpcr;
    uint64_t a, b, c, result;
    uint32_t flags;
};

static const struct fpu_vec vectors[] = {
    {V_ADD, FPU_S, 0x0, RN, 0x3f800000, 0x33800000, 0x0, 0x3f800000, 0x10}, /* 1 + 2^-24: tie, to even */
    {V_ADD, FPU_S, 0x0, RN, 0x3f800001, 0x33800000, 0x0, 0x3f800002, 0x10}, /* tie, rounds up to even */
    {V_ADD, FPU_S, 0x0, RP, 0x3f800000, 0x33000000, 0x0, 0x3f800001, 0x10}, /* RP rounds up */
    {V_ADD, FPU_S, 0x0, RM, 0xbf800000, 0xb3000000, 0x0, 0xbf800001, 0x10}, /* RM rounds away for negatives */
    {V_ADD, FPU_S, 0x0, RZ, 0x7f7fffff, 0x7f7fffff, 0x0, 0x7f7fffff, 0x14}, /* overflow in RZ gives max normal */
    {V_ADD, FPU_S, 0x0, RN, 0x7f7fffff, 0x7f7fffff, 0x0, 0x7f800000, 0x14}, /* overflow in RN gives inf */
    {V_ADD, FPU_S, 0x0, RN, 0x3f800000, 0xbf800000, 0x0, 0x0, 0x0}, /* x - x = +0 in RN */
    {V_ADD, FPU_S, 0x0, RM, 0x3f800000, 0xbf800000, 0x0, 0x80000000, 0x0}, /* x - x = -0 in RM */
    {V_ADD, FPU_S, 0x0, RN, 0x80000000, 0x80000000, 0x0, 0x80000000, 0x0}, /* -0 + -0 = -0 */
    {V_ADD, FPU_S, 0x0, RN, 0x7f800000, 0xff800000, 0x0, 0x7fc00000, 0x1}, /* inf - inf: invalid, default NaN */
    {V_ADD, FPU_S, 0x0, RN, 0x7fc00001, 0x7f800002, 0x0, 0x7fc00002, 0x1}, /* sNaN beats qNaN, quieted */
    {V_ADD, FPU_S, 0x0, RN, 0xffc00001, 0x7fc00002, 0x0, 0xffc00001, 0x0}, /* first qNaN wins */
    {V_ADD, FPU_S, 0x0, RN|DN, 0x7f800002, 0x3f800000, 0x0, 0x7fc00000, 0x1}, /* DN: default NaN */
    {V_ADD, FPU_S, 0x0, RN, 0x1, 0x1, 0x0, 0x2, 0x0}, /* denormal sum, exact: no UFC */
    {V_ADD, FPU_S, 0x0, RN|FZ, 0x1, 0x3f800000, 0x0, 0x3f800000, 0x80}, /* FZ: denormal input flushed, IDC */
    {V_ADD, FPU_S, 0x0, RN|FZ, 0x80000001, 0x80000000, 0x0, 0x80000000, 0x80}, /* FZ: -denormal + -0 = -0 */
    {V_ADD, FPU_S, 0x0, RN|FZ, 0x800001, 0x80800000, 0x0, 0x0, 0x8}, /* FZ: tiny result flushed, UFC only */
    {V_ADD, FPU_D, 0x0, RN, 0x3ff0000000000000, 0x3ca0000000000000, 0x0, 0x3ff0000000000000, 0x10}, /* double tie to even */
    {V_ADD, FPU_D, 0x0, RN, 0x10000000000000, 0x8000000000000001, 0x0, 0xfffffffffffff, 0x0}, /* normal - denormal becomes denormal: exact */
    {V_SUB, FPU_S, 0x0, RN, 0x7fc00000, 0x7f800001, 0x0, 0x7fc00001, 0x1}, /* FSUB keeps NaN sign */
    {V_SUB, FPU_D, 0x0, RN, 0x4000000000000000, 0x3ff0000000000001, 0x0, 0x3feffffffffffffe, 0x0}, /* cancellation */
    {V_MUL, FPU_S, 0x0, RN, 0x7f800000, 0x0, 0x0, 0x7fc00000, 0x1}, /* inf * 0: invalid */
    {V_MUL, FPU_S, 0x0, RN, 0x800000, 0x3f000000, 0x0, 0x400000, 0x0}, /* min normal / 2: exact denormal, no UFC */
    {V_MUL, FPU_S, 0x0, RN, 0x800001, 0x3f000000, 0x0, 0x400000, 0x18}, /* tiny and inexact: UFC+IXC */
    {V_MUL, FPU_S, 0x0, RN, 0xffffff, 0x3f000000, 0x0, 0x800000, 0x18}, /* tiny before rounding, rounds to min normal: UFC */
    {V_MUL, FPU_S, 0x0, RN|FZ, 0xffffff, 0x3f000000, 0x0, 0x0, 0x8}, /* FZ: tiny before rounding flushed though it would round to normal */
    {V_MUL, FPU_S, 0x0, RZ, 0xffffff, 0x3f000000, 0x0, 0x7fffff, 0x18}, /* RZ stays denormal */
    {V_MUL, FPU_D, 0x0, RN, 0x1, 0x3fe0000000000000, 0x0, 0x0, 0x18}, /* half the smallest denormal: tie to zero */
    {V_MUL, FPU_D, 0x0, RN, 0x3, 0x3fe0000000000000, 0x0, 0x2, 0x18}, /* 1.5 ulp: tie to even 2 */
    {V_MUL, FPU_D, 0x0, RP, 0x1, 0x3c90000000000000, 0x0, 0x1, 0x18}, /* RP: far below smallest denormal rounds up */
    {V_MUL, FPU_D, 0x0, RN, 0x7fe0000000000000, 0x4000000000000000, 0x0, 0x7ff0000000000000, 0x14}, /* overflow */
    {V_MUL, FPU_D, 0x0, RM, 0x7fe0000000000000, 0x4000000000000000, 0x0, 0x7fefffffffffffff, 0x14}, /* overflow in RM, positive: max normal */
    {V_DIV, FPU_S, 0x0, RN, 0x3f800000, 0x0, 0x0, 0x7f800000, 0x2}, /* 1/0: DZC */
    {V_DIV, FPU_S, 0x0, RN, 0x7f800000, 0x0, 0x0, 0x7f800000, 0x0}, /* inf/0: no DZC */
    {V_DIV, FPU_S, 0x0, RN, 0x0, 0x0, 0x0, 0x7fc00000, 0x1}, /* 0/0: invalid */
    {V_DIV, FPU_S, 0x0, RN, 0x3f800000, 0x40400000, 0x0, 0x3eaaaaab, 0x10}, /* 1/3 */
    {V_DIV, FPU_D, 0x0, RN, 0x3ff0000000000000, 0x4008000000000000, 0x0, 0x3fd5555555555555, 0x10}, /* 1/3 double */
    {V_DIV, FPU_D, 0x0, RN, 0x1, 0x4000000000000000, 0x0, 0x0, 0x18}, /* denormal/2: tie to even 0 */
    {V_DIV, FPU_S, 0x0, RN|FZ, 0x3f800000, 0x1, 0x0, 0x7f800000, 0x82}, /* FZ: divisor flushed, 1/0 */
    {V_MADD, FPU_S, 0x0, RN, 0x3f800001, 0x3f800001, 0xbf800002, 0x28800000, 0x0}, /* fused: exact residual 2^-46 */
    {V_MADD, FPU_D, 0x0, RN, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, 0x3970000000000000, 0x0}, /* fused double residual */
    {V_MADD, FPU_S, 0x0, RN, 0x7f800000, 0x0, 0x7fc00000, 0x7fc00000, 0x1}, /* inf*0 + qNaN: invalid, default NaN */
    {V_MADD, FPU_S, 0x0, RN, 0x7f800000, 0x0, 0x7f800001, 0x7fc00001, 0x1}, /* inf*0 + sNaN: quieted sNaN */
    {V_MADD, FPU_S, 0x0, RN, 0x7fc00001, 0x7f800002, 0x7fc00003, 0x7fc00002, 0x1}, /* NaN priority: sNaN op1 after qNaN addend */
    {V_MADD, FPU_S, 0x0, RN, 0x7fc00001, 0x7fc00002, 0x7fc00003, 0x7fc00003, 0x0}, /* qNaN addend first */
    {V_MADD, FPU_S, 0x0, RN, 0x7f800000, 0x3f800000, 0xff800000, 0x7fc00000, 0x1}, /* inf + -inf: invalid */
    {V_MADD, FPU_S, 0x0, RN, 0x0, 0x3f800000, 0x80000000, 0x0, 0x0}, /* +0 + -0 in RN */
    {V_MADD, FPU_S, 0x0, RM, 0x0, 0x3f800000, 0x80000000, 0x80000000, 0x0}, /* +0 + -0 in RM */
    {V_MADD, FPU_S, 0x0, RN, 0x80000000, 0x3f800000, 0x80000000, 0x80000000, 0x0}, /* -0 + -0 */
    {V_MADD, FPU_D, 0x0, RN, 0x10000000000000, 0x3fe0000000000000, 0x8000000000000001, 0x7ffffffffffff, 0x0}, /* denormal result */
    {V_SQRT, FPU_S, 0x0, RN, 0x40000000, 0x0, 0x0, 0x3fb504f3, 0x10}, /* sqrt 2 */
    {V_SQRT, FPU_D, 0x0, RN, 0x4000000000000000, 0x0, 0x0, 0x3ff6a09e667f3bcd, 0x10}, /* sqrt 2 double */
    {V_SQRT, FPU_S, 0x0, RN, 0x80000000, 0x0, 0x0, 0x80000000, 0x0}, /* sqrt -0 = -0 */
    {V_SQRT, FPU_S, 0x0, RN, 0xbf800000, 0x0, 0x0, 0x7fc00000, 0x1}, /* sqrt -1: invalid */
    {V_SQRT, FPU_S, 0x0, RN, 0xff800000, 0x0, 0x0, 0x7fc00000, 0x1}, /* sqrt -inf: invalid */
    {V_SQRT, FPU_S, 0x0, RN, 0x1, 0x0, 0x0, 0x1a3504f3, 0x10}, /* sqrt of smallest denormal */
    {V_SQRT, FPU_D, 0x0, RN, 0x2, 0x0, 0x0, 0x1e66a09e667f3bcd, 0x10}, /* sqrt of denormal double */
    {V_SQRT, FPU_D, 0x0, RP, 0x3ff0000000000001, 0x0, 0x0, 0x3ff0000000000001, 0x10}, /* RP */
    {V_SQRT, FPU_S, 0x0, RN|FZ, 0x807fffff, 0x0, 0x0, 0x80000000, 0x80}, /* FZ: -denormal flushed to -0 */
    {V_MAX, FPU_S, 0x0, RN, 0x0, 0x80000000, 0x0, 0x0, 0x0}, /* max(+0,-0) = +0 */
    {V_MAX, FPU_S, 0x0, RN, 0x80000000, 0x0, 0x0, 0x0, 0x0}, /* max(-0,+0) = +0 */
    {V_MIN, FPU_S, 0x0, RN, 0x0, 0x80000000, 0x0, 0x80000000, 0x0}, /* min(+0,-0) = -0 */
    {V_MAX, FPU_S, 0x0, RN, 0x7fc00000, 0x3f800000, 0x0, 0x7fc00000, 0x0}, /* max with qNaN: NaN */
    {V_MAXNM, FPU_S, 0x0, RN, 0x7fc00000, 0x3f800000, 0x0, 0x3f800000, 0x0}, /* maxnm with one qNaN: the number */
    {V_MINNM, FPU_S, 0x0, RN, 0x3f800000, 0xffc00000, 0x0, 0x3f800000, 0x0}, /* minnm with one qNaN: the number */
    {V_MAXNM, FPU_S, 0x0, RN, 0x7fc00000, 0x7f800001, 0x0, 0x7fc00001, 0x1}, /* maxnm with sNaN: quieted sNaN, IOC */
    {V_MAXNM, FPU_D, 0x0, RN, 0x7ff8000000000001, 0x7ff8000000000002, 0x0, 0x7ff8000000000001, 0x0}, /* two qNaN: first */
    {V_MIN, FPU_D, 0x0, RN|FZ, 0x8000000000000001, 0x1, 0x0, 0x8000000000000000, 0x80}, /* FZ: both flushed, min(-0,+0) = -0 */
    {V_MAX, FPU_D, 0x0, RN, 0x1, 0x8000000000000001, 0x0, 0x1, 0x0}, /* denormals kept without FZ */
    {V_MINNM, FPU_S, 0x0, RN|FZ, 0x7fc00000, 0x5, 0x0, 0x0, 0x80}, /* minnm qNaN, flushed denormal: +0, IDC */
    {V_CMP, FPU_S, 0x0, RN, 0x3f800000, 0x40000000, 0x0, 0x80000000, 0x0}, /* less: N */
    {V_CMP, FPU_S, 0x0, RN, 0x40000000, 0x3f800000, 0x0, 0x20000000, 0x0}, /* greater: C */
    {V_CMP, FPU_S, 0x0, RN, 0x0, 0x80000000, 0x0, 0x60000000, 0x0}, /* equal zeros: ZC */
    {V_CMP, FPU_S, 0x0, RN, 0x7fc00000, 0x3f800000, 0x0, 0x30000000, 0x0}, /* unordered quiet: CV, no IOC */
    {V_CMPE, FPU_S, 0x0, RN, 0x7fc00000, 0x3f800000, 0x0, 0x30000000, 0x1}, /* FCMPE unordered quiet: IOC */
    {V_CMP, FPU_D, 0x0, RN, 0x7ff0000000000001, 0x0, 0x0, 0x30000000, 0x1}, /* sNaN: IOC */
    {V_CMP, FPU_D, 0x0, RN|FZ, 0x1, 0x8000000000000000, 0x0, 0x60000000, 0x80}, /* FZ: denormal == -0, IDC */
    {V_CMP, FPU_D, 0x0, RN, 0xfff0000000000000, 0x8010000000000000, 0x0, 0x80000000, 0x0}, /* -inf < -min normal */
    {V_CVT, FPU_S, 0x9, RN, 0x7f800001, 0x0, 0x0, 0x7ff8000020000000, 0x1}, /* sNaN single to double: quieted, payload shifted */
    {V_CVT, FPU_D, 0x6, RN, 0x7ff0000020000001, 0x0, 0x0, 0x7fc00001, 0x1}, /* sNaN double to single: payload top bits */
    {V_CVT, FPU_D, 0x6, RN, 0x36a0000000000000, 0x0, 0x0, 0x1, 0x0}, /* double 2^-149 to single denormal */
    {V_CVT, FPU_D, 0x6, RN, 0x3690000000000000, 0x0, 0x0, 0x0, 0x18}, /* 2^-150: tie to zero, UFC IXC */
    {V_CVT, FPU_D, 0x6, RN|FZ, 0x3800000000000000, 0x0, 0x0, 0x0, 0x8}, /* FZ: single-denormal result flushed */
    {V_CVT, FPU_D, 0x6, RN|FZ, 0x1, 0x0, 0x0, 0x0, 0x80}, /* FZ: double denormal input flushed */
    {V_CVT, FPU_D, 0x6, RZ, 0x47efffffffffffff, 0x0, 0x0, 0x7f7fffff, 0x10}, /* overflow RZ: max normal */
    {V_CVT, FPU_S, 0x9, RN|FZ, 0x1, 0x0, 0x0, 0x0, 0x80}, /* FZ on single input */
    {V_CVT, FPU_S, 0x1, RN, 0x477ff000, 0x0, 0x0, 0x7c00, 0x14}, /* 65520 to half: overflow to inf */
    {V_CVT, FPU_S, 0x1, RN|AHP, 0x477ff000, 0x0, 0x0, 0x7c00, 0x10}, /* AHP: 65520 representable */
    {V_CVT, FPU_S, 0x1, RN|AHP, 0x47fff000, 0x0, 0x0, 0x7fff, 0x1}, /* AHP: 131040 rounds to 131072, overflow: IOC */
    {V_CVT, FPU_S, 0x1, RN|AHP, 0x7f800000, 0x0, 0x0, 0x7fff, 0x1}, /* AHP: inf gives max, IOC */
    {V_CVT, FPU_S, 0x1, RN|AHP, 0x7fc00000, 0x0, 0x0, 0x0, 0x1}, /* AHP: NaN gives zero, IOC */
    {V_CVT, FPU_S, 0x1, RN, 0x7fc02000, 0x0, 0x0, 0x7e01, 0x0}, /* NaN payload to half */
    {V_CVT, FPU_S, 0x1, RN|DN, 0x7fc02000, 0x0, 0x0, 0x7e00, 0x0}, /* DN NaN to half */
    {V_CVT, FPU_S, 0x1, RN, 0x33800000, 0x0, 0x0, 0x1, 0x0}, /* 2^-24: smallest half denormal */
    {V_CVT, FPU_S, 0x1, RN|FZ, 0x33800000, 0x0, 0x0, 0x1, 0x0}, /* FZ does not flush half outputs */
    {V_CVT, FPU_D, 0x2, RN, 0x3e60000000000000, 0x0, 0x0, 0x0, 0x18}, /* 2^-25: tie to zero */
    {V_CVT, FPU_H, 0x4, RN, 0x7c01, 0x0, 0x0, 0x7fc02000, 0x1}, /* half sNaN to single */
    {V_CVT, FPU_H, 0x4, RN|AHP, 0x7c01, 0x0, 0x0, 0x47802000, 0x0}, /* AHP half input 0x7c01 is a number */
    {V_CVT, FPU_H, 0x8, RN|FZ, 0x1, 0x0, 0x0, 0x3e70000000000000, 0x0}, /* FZ does not flush half inputs */
    {V_CVT, FPU_H, 0x8, RN|AHP, 0xffff, 0x0, 0x0, 0xc0fffc0000000000, 0x0}, /* AHP -131008 */
    {V_RINT, FPU_S, 0x0, RN, 0x3fc00000, 0x0, 0x0, 0x40000000, 0x0}, /* FRINTN 1.5 = 2 */
    {V_RINT, FPU_S, 0x0, RN, 0x40200000, 0x0, 0x0, 0x40000000, 0x0}, /* FRINTN 2.5 = 2 */
    {V_RINT, FPU_S, 0x4, RN, 0x40200000, 0x0, 0x0, 0x40400000, 0x0}, /* FRINTA 2.5 = 3 */
    {V_RINT, FPU_S, 0x4, RN, 0xc0200000, 0x0, 0x0, 0xc0400000, 0x0}, /* FRINTA -2.5 = -3 */
    {V_RINT, FPU_S, 0x1, RN, 0xbf000000, 0x0, 0x0, 0x80000000, 0x0}, /* FRINTP -0.5 = -0 */
    {V_RINT, FPU_S, 0x2, RN, 0x3f000000, 0x0, 0x0, 0x0, 0x0}, /* FRINTM 0.5 = 0 */
    {V_RINT, FPU_S, 0x2, RN, 0x1, 0x0, 0x0, 0x0, 0x0}, /* FRINTM denormal = 0 */
    {V_RINT, FPU_S, 0x1, RN, 0x1, 0x0, 0x0, 0x3f800000, 0x0}, /* FRINTP denormal = 1 */
    {V_RINT, FPU_S, 0x5, RN, 0x3f000001, 0x0, 0x0, 0x3f800000, 0x10}, /* FRINTX: IXC */
    {V_RINT, FPU_S, 0x5, RM, 0x3f000001, 0x0, 0x0, 0x0, 0x10}, /* FRINTX in RM */
    {V_RINT, FPU_D, 0x6, RP, 0x3ff0000000000001, 0x0, 0x0, 0x4000000000000000, 0x0}, /* FRINTI in RP, no IXC */
    {V_RINT, FPU_D, 0x3, RN, 0xc33fffffffffffff, 0x0, 0x0, 0xc33fffffffffffff, 0x0}, /* FRINTZ large */
    {V_RINT, FPU_D, 0x0, RN, 0x7ff0000000000001, 0x0, 0x0, 0x7ff8000000000001, 0x1}, /* sNaN: quieted, IOC */
    {V_RINT, FPU_S, 0x5, RN|FZ, 0x1, 0x0, 0x0, 0x0, 0x80}, /* FZ: flushed, IDC, no IXC */
    {V_TOINT, FPU_S, 0x3, RN, 0x4f000000, 0x0, 0x0, 0x7fffffff, 0x1}, /* 2^31 to W: saturates, IOC */
    {V_TOINT, FPU_S, 0x3, RN, 0xcf000000, 0x0, 0x0, 0x80000000, 0x0}, /* -2^31 to W: exact */
    {V_TOINT, FPU_D, 0x3, RN, 0xc1e0000000200000, 0x0, 0x0, 0x80000000, 0x1}, /* -2^31-1 to W: IOC */
    {V_TOINT, FPU_D, 0x3, RN, 0xc1e00000001fffff, 0x0, 0x0, 0x80000000, 0x10}, /* -2^31-0.99.. RZ: fits, IXC */
    {V_TOINT, FPU_D, 0x13, RN, 0xbfe0000000000000, 0x0, 0x0, 0x0, 0x10}, /* FCVTZU -0.5: 0, IXC */
    {V_TOINT, FPU_D, 0x12, RN, 0xbfe0000000000000, 0x0, 0x0, 0x0, 0x1}, /* FCVTMU -0.5: -1 saturates to 0, IOC */
    {V_TOINT, FPU_D, 0x20, RN, 0x43e0000000000000, 0x0, 0x0, 0x7fffffffffffffff, 0x1}, /* 2^63 to X: IOC */
    {V_TOINT, FPU_D, 0x30, RN, 0x43efffffffffffff, 0x0, 0x0, 0xfffffffffffff800, 0x0}, /* FCVTNU largest below 2^64 */
    {V_TOINT, FPU_D, 0x24, RN, 0xc004000000000000, 0x0, 0x0, 0xfffffffffffffffd, 0x10}, /* FCVTAS -2.5 = -3 */
    {V_TOINT, FPU_D, 0x20, RN, 0xc004000000000000, 0x0, 0x0, 0xfffffffffffffffe, 0x10}, /* FCVTNS -2.5 = -2 */
    {V_TOINT, FPU_D, 0x21, RN, 0xc004000000000000, 0x0, 0x0, 0xfffffffffffffffe, 0x10}, /* FCVTPS -2.5 = -2 */
    {V_TOINT, FPU_D, 0x22, RN, 0xc004000000000000, 0x0, 0x0, 0xfffffffffffffffd, 0x10}, /* FCVTMS -2.5 = -3 */
    {V_TOINT, FPU_S, 0x20, RN, 0x7fc00000, 0x0, 0x0, 0x0, 0x1}, /* NaN: 0, IOC */
    {V_TOINT, FPU_S, 0x10, RN, 0x7f800000, 0x0, 0x0, 0xffffffff, 0x1}, /* +inf unsigned W: max */
    {V_TOINT, FPU_S, 0x3, RN|FZ, 0x1, 0x0, 0x0, 0x0, 0x80}, /* FZ: denormal, IDC only */
    {V_TOINT, FPU_S, 0x3, RN, 0x1, 0x0, 0x0, 0x0, 0x10}, /* denormal: IXC */
    {V_TOINT, FPU_S, 0x1003, RN, 0x3fc00000, 0x0, 0x0, 0x18000, 0x0}, /* FCVTZS #16: 1.5 * 2^16 */
    {V_TOINT, FPU_D, 0x4033, RN, 0x3fefffffffffffff, 0x0, 0x0, 0xfffffffffffff800, 0x0}, /* FCVTZU #64 */
    {V_TOINT, FPU_D, 0x2003, RN, 0x3fe0000000000000, 0x0, 0x0, 0x7fffffff, 0x1}, /* FCVTZS W #32: 0.5 overflows */
    {V_FROMINT, FPU_S, 0x20, RN, 0x7fffffffffffffff, 0x0, 0x0, 0x5f000000, 0x10}, /* SCVTF X max to single */
    {V_FROMINT, FPU_D, 0x20, RN, 0x8000000000000000, 0x0, 0x0, 0xc3e0000000000000, 0x0}, /* SCVTF X min */
    {V_FROMINT, FPU_D, 0x30, RN, 0xffffffffffffffff, 0x0, 0x0, 0x43f0000000000000, 0x10}, /* UCVTF X max: rounds to 2^64 */
    {V_FROMINT, FPU_D, 0x30, RZ, 0xffffffffffffffff, 0x0, 0x0, 0x43efffffffffffff, 0x10}, /* UCVTF X max RZ */
    {V_FROMINT, FPU_S, 0x0, RN, 0x80000001, 0x0, 0x0, 0xcf000000, 0x10}, /* SCVTF W: upper bits ignored, sign */
    {V_FROMINT, FPU_S, 0x0, RN, 0xffffffff01000001, 0x0, 0x0, 0x4b800000, 0x10}, /* SCVTF W tie */
    {V_FROMINT, FPU_S, 0x2010, RN, 0x1, 0x0, 0x0, 0x2f800000, 0x0}, /* UCVTF W #32 */
    {V_FROMINT, FPU_D, 0x4020, RM, 0x8000000000000001, 0x0, 0x0, 0xbfe0000000000000, 0x10}, /* SCVTF X #64 RM */
    {V_FROMINT, FPU_S, 0x20, RN, 0x0, 0x0, 0x0, 0x0, 0x0}, /* 0 gives +0 */
};

static uint64_t vec_run(const struct fpu_vec *v, uint32_t *fl)
{
    enum fpu_fmt f = v->fmt;
    unsigned p = v->param;
    switch (v->kind) {
    case V_ADD: return fpu_add(f, v->a, v->b, v->fpcr, fl);
    case V_SUB: return fpu_sub(f, v->a, v->b, v->fpcr, fl);
    case V_MUL: return fpu_mul(f, v->a, v->b, v->fpcr, fl);
    case V_DIV: return fpu_div(f, v->a, v->b, v->fpcr, fl);
    case V_MADD: return fpu_muladd(f, v->c, v->a, v->b, v->fpcr, fl);
    case V_SQRT: return fpu_sqrt(f, v->a, v->fpcr, fl);
    case V_MAX: return fpu_max(f, v->a, v->b, v->fpcr, fl);
    case V_MIN: return fpu_min(f, v->a, v->b, v->fpcr, fl);
    case V_MAXNM: return fpu_maxnum(f, v->a, v->b, v->fpcr, fl);
    case V_MINNM: return fpu_minnum(f, v->a, v->b, v->fpcr, fl);
    case V_CMP: return fpu_compare(f, v->a, v->b, false, v->fpcr, fl);
    case V_CMPE: return fpu_compare(f, v->a, v->b, true, v->fpcr, fl);
    case V_CVT: return fpu_convert((enum fpu_fmt)(p >> 2), (enum fpu_fmt)(p & 3), v->a, v->fpcr, fl);
    case V_RINT:
        if (p >= 5)
            return fpu_round_int(f, v->a, fpu_rmode(v->fpcr), p == 5, v->fpcr, fl);
        return fpu_round_int(f, v->a, (enum fpu_rounding)p, false, v->fpcr, fl);
    case V_TOINT:
        return fpu_to_fixed(f, v->a, p >> 8, p >> 4 & 1, p >> 5 & 1 ? 64 : 32,
                            (enum fpu_rounding)(p & 15), v->fpcr, fl);
    case V_FROMINT:
        return fpu_from_fixed(f, v->a, p >> 8, p >> 4 & 1, p >> 5 & 1 ? 64 : 32, v->fpcr, fl);
    }
    return 0;
}

TEST(fpu, unicorn_vectors)
{
    for (unsigned i = 0; i < ARRAY_SIZE(vectors); i++) {
        uint32_t fl = 0;
        uint64_t r = vec_run(&vectors[i], &fl);
        if (r != vectors[i].result || fl != vectors[i].flags) {
            printf("# vector %u: result 0x%" PRIx64 " flags 0x%x\n", i, r, fl);
            ASSERT_EQ(r, vectors[i].result);
            ASSERT_EQ(fl, vectors[i].flags);
        }
    }
}

/* Flags are cumulative: an operation ORs into FPSR and never clears. */
TEST(fpu, flags_accumulate)
{
    uint32_t fl = FPSR_IDC | FPSR_DZC;
    ASSERT_EQ(fpu_add(FPU_S, 0x3f800000, 0x3f800000, 0, &fl), 0x40000000);
    ASSERT_EQ(fl, FPSR_IDC | FPSR_DZC);
}

/* VFPExpandImm (Arm ARM J1.3): imm8 0x70 is 1.0, 0x00 is 2.0, 0xff is -1.9375. */
TEST(fpu, expand_imm)
{
    ASSERT_EQ(fpu_expand_imm(FPU_S, 0x70), 0x3f800000);
    ASSERT_EQ(fpu_expand_imm(FPU_D, 0x70), 0x3ff0000000000000ull);
    ASSERT_EQ(fpu_expand_imm(FPU_S, 0x00), 0x40000000);
    ASSERT_EQ(fpu_expand_imm(FPU_D, 0xff), 0xbfff000000000000ull);
    ASSERT_EQ(fpu_expand_imm(FPU_S, 0x7f), 0x3ff80000);
}

/* ---- instruction level ---- */

static struct cpu *fp_cpu(void)
{
    struct cpu *cpu = calloc(1, sizeof(*cpu));
    cpu->el = 1;
    cpu->sys.cpacr_el1 = 3u << 20;
    return cpu;
}

static enum exec_status run1(struct cpu *cpu, uint32_t insn)
{
    struct op op;
    decode_a64(insn, 0x1000, &op);
    return op.exec(cpu, &op);
}

/* FMOV V1.D[1], X2 writes the top half only; FMOV X3, V1.D[1] reads it. */
TEST(fp_insn, fmov_top_half)
{
    struct cpu *cpu = fp_cpu();
    cpu->v[1][0] = 0x1111;
    cpu->x[2] = 0x2222;
    ASSERT_EQ(run1(cpu, 0x9eaf0041), EXEC_NEXT);
    ASSERT_EQ(cpu->v[1][0], 0x1111);
    ASSERT_EQ(cpu->v[1][1], 0x2222);
    ASSERT_EQ(run1(cpu, 0x9eae0023), EXEC_NEXT);
    ASSERT_EQ(cpu->x[3], 0x2222);
    free(cpu);
}

/* A scalar result zeroes the rest of the register: FADD S0, S1, S2. */
TEST(fp_insn, scalar_write_zeroes_upper)
{
    struct cpu *cpu = fp_cpu();
    cpu->v[0][0] = cpu->v[0][1] = ~0ull;
    cpu->v[1][0] = 0xdead00003f800000ull;
    cpu->v[2][0] = 0x3f800000;
    ASSERT_EQ(run1(cpu, 0x1e222820), EXEC_NEXT);
    ASSERT_EQ(cpu->v[0][0], 0x40000000);
    ASSERT_EQ(cpu->v[0][1], 0);
    free(cpu);
}

/* FCCMP S1, S2, #0b0101, NE: condition false gives the immediate flags. */
TEST(fp_insn, fccmp)
{
    struct cpu *cpu = fp_cpu();
    cpu_set_nzcv(cpu, PSTATE_Z);
    cpu->v[1][0] = 0x3f800000;
    cpu->v[2][0] = 0x40000000;
    ASSERT_EQ(run1(cpu, 0x1e221425), EXEC_NEXT);
    ASSERT_EQ(cpu_nzcv(cpu), 0x5u << 28);
    cpu_set_nzcv(cpu, 0);   /* NE holds: 1.0 < 2.0 gives N */
    ASSERT_EQ(run1(cpu, 0x1e221425), EXEC_NEXT);
    ASSERT_EQ(cpu_nzcv(cpu), PSTATE_N);
    free(cpu);
}

/* Half precision arithmetic is FEAT_FP16, absent in ARMv8.0: FADD H0, H1, H2 is UNDEF. */
TEST(fp_insn, half_arith_undef)
{
    struct cpu *cpu = fp_cpu();
    ASSERT_EQ(run1(cpu, 0x1ee22820), EXEC_UNDEF);
    free(cpu);
}

TEST(fp_insn, fpen)
{
    struct cpu *cpu = fp_cpu();
    ASSERT_TRUE(cpu_fp_enabled(cpu));
    cpu->sys.cpacr_el1 = 1u << 20;   /* EL0 traps, EL1 does not */
    ASSERT_TRUE(cpu_fp_enabled(cpu));
    cpu->el = 0;
    ASSERT_FALSE(cpu_fp_enabled(cpu));
    cpu->el = 1;
    cpu->sys.cpacr_el1 = 2u << 20;
    ASSERT_FALSE(cpu_fp_enabled(cpu));
    free(cpu);
}

/* CPACR_EL1.FPEN = 00: FADD at EL1 traps to EL1 with EC 0x07, IL, CV = 1,
 * COND = 0xE (D17.2.37), leaving the registers alone. */
TEST(fp_insn, access_trap)
{
    struct cpu *cpu = fp_cpu();
    cpu->sys.cpacr_el1 = 0;
    cpu->sys.vbar_el1 = 0x8000;
    cpu->spsel = 1;
    cpu->v[0][0] = 0x55;
    ASSERT_EQ(run1(cpu, 0x1e222820), EXEC_JUMP);
    ASSERT_EQ(cpu->sys.esr_el1, 0x1fe00000u);
    ASSERT_EQ(cpu->sys.elr_el1, 0x1000);
    ASSERT_EQ(cpu->pc, 0x8200);
    ASSERT_EQ(cpu->v[0][0], 0x55);
    free(cpu);
}
