/* Scalar floating point as compiled C uses it: double and single arithmetic,
 * fused multiply-add, square root, conversions to and from integers and
 * half precision, rounding functions, min/max and compares, on random
 * operands that include denormals and huge values, under each FPCR
 * rounding mode with flush-to-zero off and on. Each mode prints a checksum
 * of every result and the accumulated FPSR; run.sh requires QEMU's output. */
#include "guest.h"

static uint64_t seed = 12345;
static uint64_t hash;

static uint64_t next(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed;
}

/* A random double: mostly ordinary magnitudes, some denormal, some huge. */
static double random_double(void)
{
    uint64_t r = next();
    int kind = (int)(r >> 60);
    int64_t num = (int64_t)(r >> 11);
    uint64_t den = 1ull << (kind * 4);
    __asm__("" : "+r"(num), "+r"(den));
    double v = (double)num / (double)den;
    if (kind == 3)
        v = 1e-310 * (double)(r & 0xffff);
    if (kind == 5)
        v = 1e300 * (double)(r & 0xff);
    return (r & 8) ? -v : v;
}

static uint64_t bits64(double d)
{
    uint64_t b;
    __builtin_memcpy(&b, &d, 8);
    return b;
}

static uint32_t bits32(float f)
{
    uint32_t b;
    __builtin_memcpy(&b, &f, 4);
    return b;
}

static void mix(uint64_t v)
{
    hash = (hash ^ v) * 0x100000001b3ull;
    hash ^= hash >> 29;
}

static uint64_t read_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static void write_fpcr(uint64_t v)
{
    __asm__ volatile("msr fpcr, %0" : : "r"(v));
}

static void one_round(void)
{
    volatile double a = random_double(), b = random_double(), c = random_double();
    volatile float fa = (float)a, fb = (float)b;
    mix(bits64(a + b));
    mix(bits64(a * b));
    mix(bits64(a / b));
    mix(bits64(__builtin_fma(a, b, c)));
    mix(bits64(__builtin_sqrt(a < 0 ? -a : a)));
    mix(bits32(fa * fb + fa));
    mix(bits32(fa / fb));
    mix((uint64_t)(int64_t)a);
    mix((uint64_t)(int32_t)fa);
    mix((uint64_t)a);
    int64_t q = (int64_t)next();
    __asm__("" : "+r"(q));
    mix(bits64((double)q));
    mix(bits64(__builtin_floor(a)));
    mix(bits64(__builtin_round(b)));
    mix(bits64(__builtin_rint(a)));
    mix(bits64(__builtin_trunc(b)));
    mix(bits64(__builtin_fmin(a, b)));
    mix(bits64(__builtin_fmax(a, b)));
    mix(a < b);
    mix(a == b);
    mix(bits32((float)a));
    mix(bits64((double)fa));
    __fp16 half = (__fp16)fa;
    mix(bits32((float)half));
}

int main(void)
{
    for (int mode = 0; mode < 8; mode++) {
        /* FPCR.RMode (bits 23:22) = mode & 3, FPCR.FZ (bit 24) = mode >> 2. */
        write_fpcr((uint64_t)(mode & 3) << 22 | (uint64_t)(mode >> 2) << 24);
        for (int i = 0; i < 20000; i++)
            one_round();
        mix(read_fpsr());
        guest_printf("fpmath mode %d: %lx fpsr %lx\n", mode, hash, read_fpsr());
    }
    return 0;
}
