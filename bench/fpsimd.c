/* FP/SIMD benchmark guests, one kernel per build (KERNEL_MATMUL or
 * KERNEL_SCAN): a single-precision matrix multiply that GCC vectorises
 * (FMLA on 4S lanes) and a NEON byte scan in the style of glibc's memchr
 * (CMEQ, UMAXV, SHRN). The work is fixed, so the emulators are compared by
 * run time for the same result; each prints a checksum both must agree on. */
#include <arm_neon.h>

#include "guest.h"

#define N 96
#define MATMUL_ROUNDS 400
#define SCAN_BYTES 65536
#define SCAN_ROUNDS 20000

#ifdef KERNEL_MATMUL
static float a[N][N], b[N][N], c[N][N];

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

#endif

#ifdef KERNEL_SCAN
static uint8_t text[SCAN_BYTES + 16] __attribute__((aligned(16)));

/* Offset of the first byte equal to ch in p[0..n), n a multiple of 16. */
static __attribute__((noinline)) size_t scan(const uint8_t *p, uint8_t ch, size_t n)
{
    uint8x16_t want = vdupq_n_u8(ch);
    for (size_t i = 0; i < n; i += 16) {
        uint8x16_t eq = vceqq_u8(vld1q_u8(p + i), want);
        if (vmaxvq_u8(eq)) {
            uint64_t mask = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(eq), 4)), 0);
            return i + (size_t)(__builtin_ctzll(mask) >> 2);
        }
    }
    return n;
}
#endif

int main(void)
{
    uint64_t sum = 0;
#ifdef KERNEL_MATMUL
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)((i * 7 + j * 3) % 17) * 0.25f;
            b[i][j] = (float)((i * 5 + j * 11) % 13) * 0.5f;
        }
    for (int r = 0; r < MATMUL_ROUNDS; r++) {
        a[r % N][r % N] += 1.0f;
        matmul();
        for (int i = 0; i < N; i++)
            sum = sum * 31 + (uint64_t)c[i][(i + r) % N];
    }
    guest_printf("bench: matmul %dx%d x%d checksum=0x%016lx\n", N, N, MATMUL_ROUNDS, sum);
#endif
#ifdef KERNEL_SCAN
    for (int i = 0; i < SCAN_BYTES; i++)
        text[i] = (uint8_t)('a' + (i * 7) % 26);
    for (int r = 0; r < SCAN_ROUNDS; r++) {
        size_t at = SCAN_BYTES - 16 - (size_t)(r % 1024);
        text[at] = 0;
        sum += scan(text, 0, SCAN_BYTES);
        text[at] = 'z';
    }
    guest_printf("bench: scan %d bytes x%d checksum=0x%016lx\n", SCAN_BYTES, SCAN_ROUNDS, sum);
#endif
    return 0;
}
