/* The integer benchmark guest: fills a buffer, runs intloop_run(), prints
 * the instruction count of the timed kernel and its checksum, exits 0.
 * Everything outside intloop_run() (buffer set-up, printing) is a few
 * thousand instructions, under 0.001% of the total, and is left out. */
#include "guest.h"
#include "intloop.h"

#ifndef ITERATIONS
#define ITERATIONS 180000000ull
#endif

static uint64_t buf[66] __attribute__((aligned(64)));

int main(void)
{
    for (int i = 0; i < 66; i++)
        buf[i] = (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull;
    uint64_t sum = intloop_run(ITERATIONS, buf + 2);
    guest_printf("bench: instructions=%lu checksum=0x%016lx\n",
                 (uint64_t)ITERATIONS * INSNS_PER_ITER + INSNS_FIXED, sum);
    return 0;
}
