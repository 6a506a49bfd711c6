/* Advanced SIMD as compiled C uses it: NEON intrinsics across the integer
 * groups (saturating, widening, narrowing, by element, permutes, table
 * lookups, structure loads and stores), a memchr-style byte scan, and loops
 * GCC vectorises at -O3. Each round prints a checksum; run.sh requires
 * QEMU's output. */
#include <arm_neon.h>

#include "guest.h"
#include <stdint.h>
#include <stddef.h>

static uint8_t buf[4096 + 64] __attribute__((aligned(16)));
static int16_t h16[1024];
static int32_t w32[1024];
static uint64_t state;

static uint64_t rnd(void)
{
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull + (h >> 29); }
static uint64_t mixq(uint64_t h, uint8x16_t v)
{
    return mix(mix(h, vgetq_lane_u64(vreinterpretq_u64_u8(v), 0)),
               vgetq_lane_u64(vreinterpretq_u64_u8(v), 1));
}

/* strlen/memchr the NEON way */
static __attribute__((noinline)) size_t scan(const uint8_t *p, uint8_t c, size_t n)
{
    uint8x16_t vc = vdupq_n_u8(c);
    for (size_t i = 0; i + 16 <= n; i += 16) {
        uint8x16_t x = vld1q_u8(p + i);
        uint8x16_t eq = vceqq_u8(x, vc);
        if (vmaxvq_u8(eq)) {
            uint64_t m = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(eq), 4)), 0);
            return i + (__builtin_ctzll(m) >> 2);
        }
    }
    return n;
}

/* auto-vectorized integer loops */
static __attribute__((noinline)) uint64_t autovec(int n)
{
    uint64_t h = 0;
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += h16[i] * h16[n - 1 - i];
    h = mix(h, (uint32_t)s);
    for (int i = 0; i < n; i++)
        w32[i] = (w32[i] >> 3) + (h16[i] << 2) - (int32_t)buf[i];
    for (int i = 0; i < n; i++)
        h = mix(h, (uint32_t)w32[i]);
    uint8_t mx = 0, mn = 255;
    for (int i = 0; i < 4096; i++) {
        mx = buf[i] > mx ? buf[i] : mx;
        mn = buf[i] < mn ? buf[i] : mn;
    }
    return mix(h, mx << 8 | mn);
}

static __attribute__((noinline)) uint64_t intrinsics(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 64; i++) {
        const uint8_t *p = buf + 16 * i + (i & 7);
        uint8x16_t a = vld1q_u8(p), b = vld1q_u8(p + 17);
        int16x8_t sa = vreinterpretq_s16_u8(a), sb = vreinterpretq_s16_u8(b);
        int32x4_t wa = vreinterpretq_s32_u8(a), wb = vreinterpretq_s32_u8(b);
        h = mixq(h, vqaddq_u8(a, b));
        h = mixq(h, vreinterpretq_u8_s16(vqsubq_s16(sa, sb)));
        h = mixq(h, vreinterpretq_u8_s16(vqdmulhq_s16(sa, sb)));
        h = mixq(h, vreinterpretq_u8_s16(vqrdmulhq_lane_s16(sa, vget_low_s16(sb), 3)));
        h = mixq(h, vreinterpretq_u8_s32(vqdmull_s16(vget_low_s16(sa), vget_high_s16(sb))));
        h = mixq(h, vreinterpretq_u8_s32(vmlal_high_s16(wa, sa, sb)));
        h = mixq(h, vreinterpretq_u8_u16(vmull_u8(vget_low_u8(a), vget_high_u8(b))));
        h = mixq(h, vreinterpretq_u8_p16(vmull_p8(vreinterpret_p8_u8(vget_low_u8(a)), vreinterpret_p8_u8(vget_low_u8(b)))));
        h = mixq(h, vabdq_u8(a, b));
        h = mixq(h, vabaq_u8(a, a, b));
        h = mixq(h, vcntq_u8(a));
        h = mixq(h, vreinterpretq_u8_s16(vclsq_s16(sa)));
        h = mixq(h, vreinterpretq_u8_u32(vclzq_u32(vreinterpretq_u32_u8(b))));
        h = mixq(h, vrev64q_u8(a));
        h = mixq(h, vrbitq_u8(b));
        h = mixq(h, vextq_u8(a, b, 5));
        h = mixq(h, vbslq_u8(a, b, vmvnq_u8(a)));
        h = mixq(h, vqtbl1q_u8(a, vandq_u8(b, vdupq_n_u8(0x1f))));
        h = mixq(h, vqtbx2q_u8(b, (uint8x16x2_t){{a, b}}, vandq_u8(a, vdupq_n_u8(0x3f))));
        h = mixq(h, vzip1q_u8(a, b));
        h = mixq(h, vuzp2q_u8(a, b));
        h = mixq(h, vtrn1q_u8(a, b));
        h = mixq(h, vreinterpretq_u8_s16(vrshrq_n_s16(sa, 3)));
        h = mixq(h, vreinterpretq_u8_s16(vsraq_n_s16(sa, sb, 9)));
        h = mixq(h, vreinterpretq_u8_s16(vqshlq_s16(sa, vandq_s16(sb, vdupq_n_s16(15)))));
        h = mixq(h, vreinterpretq_u8_u16(vqshluq_n_s16(sa, 4)));
        h = mixq(h, vcombine_u8(vqrshrn_n_u16(vreinterpretq_u16_u8(a), 3), vqmovun_s16(sb)));
        h = mixq(h, vsliq_n_u8(a, b, 3));
        h = mixq(h, vsriq_n_u8(a, b, 3));
        h = mixq(h, vreinterpretq_u8_u16(vpaddlq_u8(a)));
        h = mixq(h, vreinterpretq_u8_u32(vpadalq_u16(vreinterpretq_u32_u8(a), vreinterpretq_u16_u8(b))));
        h = mix(h, vaddvq_u8(a));
        h = mix(h, vaddlvq_u16(vreinterpretq_u16_u8(b)));
        h = mix(h, (uint32_t)vminvq_s32(wb));
        h = mix(h, vgetq_lane_u8(a, 7));
        h = mix(h, (uint64_t)vgetq_lane_s16(sb, 5));
        h = mixq(h, vreinterpretq_u8_s16(vmulq_laneq_s16(sa, sb, 6)));
        h = mixq(h, vreinterpretq_u8_s16(vmovl_high_s8(vreinterpretq_s8_u8(a))));
        h = mixq(h, vreinterpretq_u8_u16(vshll_n_u8(vget_low_u8(b), 8)));
        h = mixq(h, vreinterpretq_u8_s64(vqabsq_s64(vreinterpretq_s64_u8(a))));
        h = mixq(h, vreinterpretq_u8_s8(vqnegq_s8(vreinterpretq_s8_u8(b))));
        h = mixq(h, vreinterpretq_u8_u64(vcgtq_s64(vreinterpretq_s64_u8(a), vreinterpretq_s64_u8(b))));
        h = mixq(h, vreinterpretq_u8_s8(vuqaddq_s8(vreinterpretq_s8_u8(a), b)));
        h = mix(h, (uint64_t)vqaddd_s64((int64_t)h, (int64_t)vgetq_lane_u64(vreinterpretq_u64_u8(a), 1)));
        uint8x16x3_t t3 = vld3q_u8(buf + 48 * (i & 15));
        h = mixq(h, veorq_u8(t3.val[0], vaddq_u8(t3.val[1], t3.val[2])));
        uint16x8x4_t t4 = vld4q_u16((const uint16_t *)(buf + 64 * (i & 31)));
        h = mixq(h, vreinterpretq_u8_u16(vhaddq_u16(t4.val[0], t4.val[3])));
        uint32x4_t r = vld1q_dup_u32((const uint32_t *)(buf + 4 * i));
        h = mixq(h, vreinterpretq_u8_u32(r));
        uint8x16x2_t t2 = vld2q_lane_u8(buf + i, (uint8x16x2_t){{a, b}}, 9);
        h = mixq(h, vorrq_u8(t2.val[0], t2.val[1]));
        vst4q_u8(buf + 2048 + (i & 15) * 64, (uint8x16x4_t){{a, b, t3.val[0], t2.val[1]}});
        vst1q_lane_u16((uint16_t *)(buf + 3072 + 2 * i), vreinterpretq_u16_u8(b), 3);
    }
    return h;
}

static uint64_t simd_round(int round)
{
    state = 0x9e3779b97f4a7c15ull + (uint64_t)round * 7919;
    for (int i = 0; i < 4096 + 64; i++)
        buf[i] = (uint8_t)(rnd() >> ((round % 7) * 8));
    for (int i = 0; i < 1024; i++) {
        h16[i] = (int16_t)rnd();
        w32[i] = (int32_t)rnd();
    }
    uint64_t h = intrinsics();
    h = mix(h, scan(buf, (uint8_t)(round * 37), 4096));
    h = mix(h, autovec(512 + round));
    return h;
}

int main(void)
{
    uint64_t all = 0;
    for (int r = 0; r < 40; r++) {
        uint64_t h = simd_round(r);
        guest_printf("simd round %d: %lx\n", r, h);
        all = all * 31 + h;
    }
    guest_printf("simd total %lx\n", all);
    return 0;
}
