/* Vector floating point as compiled C uses it: a float matrix multiply and
 * a double AXPY that GCC vectorises at -O3 (FMUL/FMLA/FADD on 4S and 2D
 * lanes, by-element forms), conversions between integer and float vectors,
 * and NEON FP intrinsics (estimates and their Newton steps, pairwise and
 * across-lanes min/max, rounding). Checksums of the exact bit patterns are
 * printed; run.sh requires QEMU's output. */
#include <arm_neon.h>

#include "guest.h"

#define N 32

static float a[N][N], b[N][N], c[N][N];
static double x[256], y[256];
static int32_t iv[256];
static uint64_t state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull + (h >> 29);
}

static uint32_t fbits(float f)
{
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    return u;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, 8);
    return u;
}

static __attribute__((noinline)) void matmul(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            c[i][j] = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++)
            for (int j = 0; j < N; j++)
                c[i][j] += a[i][k] * b[k][j];
}

static __attribute__((noinline)) void axpy(double s)
{
    for (int i = 0; i < 256; i++)
        y[i] = s * x[i] + y[i];
}

static __attribute__((noinline)) void convert(void)
{
    for (int i = 0; i < 256; i++)
        x[i] += (double)iv[i] * 0.5;
    for (int i = 0; i < 256; i++)
        iv[i] = (int32_t)(y[i] * 1e-3);
}

static __attribute__((noinline)) uint64_t intrinsics(uint64_t h)
{
    for (int i = 0; i + 4 <= N; i += 4) {
        float32x4_t p = vld1q_f32(&a[i][0]), q = vld1q_f32(&b[i][4]);
        float32x4_t r = vrecpeq_f32(p);
        r = vmulq_f32(r, vrecpsq_f32(p, r));
        float32x4_t s = vrsqrteq_f32(vabsq_f32(q));
        s = vmulq_f32(s, vrsqrtsq_f32(vmulq_f32(vabsq_f32(q), s), s));
        h = mix(h, fbits(vaddvq_f32(r)));
        h = mix(h, fbits(vmaxvq_f32(s)));
        h = mix(h, fbits(vminnmvq_f32(p)));
        float32x4_t m = vpmaxq_f32(p, q);
        h = mix(h, vgetq_lane_u64(vreinterpretq_u64_f32(m), 0));
        h = mix(h, vgetq_lane_u64(vreinterpretq_u64_f32(vrndnq_f32(vmulq_n_f32(q, 1000.5f))), 1));
        h = mix(h, vgetq_lane_u64(vreinterpretq_u64_s32(vcvtaq_s32_f32(vmulq_n_f32(p, 77.f))), 0));
        h = mix(h, vgetq_lane_u64(vreinterpretq_u64_u32(vcgeq_f32(p, q)), 1));
        float64x2_t d = vcvt_f64_f32(vget_low_f32(p));
        h = mix(h, vgetq_lane_u64(vreinterpretq_u64_f64(vfmaq_laneq_f64(d, d, d, 1)), 0));
        h = mix(h, vget_lane_u64(vreinterpret_u64_f32(vcvt_f32_f64(vsqrtq_f64(vabsq_f64(d)))), 0));
    }
    return h;
}

int main(void)
{
    uint64_t all = 0;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = (float)(int32_t)rnd() / 65536.0f;
                b[i][j] = (float)(int32_t)rnd() / 1048576.0f;
            }
        for (int i = 0; i < 256; i++) {
            x[i] = (double)(int64_t)rnd() / 1e6;
            y[i] = (double)(int64_t)rnd() / 1e9;
            iv[i] = (int32_t)rnd();
        }
        matmul();
        axpy(1.0 + round / 8.0);
        convert();
        uint64_t h = 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                h = mix(h, fbits(c[i][j]));
        for (int i = 0; i < 256; i++)
            h = mix(mix(h, dbits(y[i])), (uint32_t)iv[i]);
        h = intrinsics(h);
        guest_printf("vecmath round %d: %lx\n", round, h);
        all = all * 31 + h;
    }
    guest_printf("vecmath total %lx\n", all);
    return 0;
}
