/* The guest `make run` boots until Linux does: greets over the PL011, shows
 * a few facts the CPU reports about itself, and exits through semihosting. */
#include "guest.h"

static void uart_hex(uint64_t v)
{
    uart_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void uart_dec(uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_putc(tmp[--n]);
}

int main(void)
{
    uint64_t midr, el, mpidr;
    __asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
    __asm__ volatile("mrs %0, currentel" : "=r"(el));
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));

    uart_puts("Hello from a bare-metal guest on the virt board!\n");
    uart_puts("  MIDR_EL1  = ");
    uart_hex(midr);
    int a57 = (midr >> 24) == 0x41 && ((midr >> 4) & 0xfff) == 0xd07;
    uart_puts(a57 ? " (Arm Cortex-A57)\n" : "\n");
    uart_puts("  MPIDR_EL1 = ");
    uart_hex(mpidr);
    uart_puts("\n  running at EL");
    uart_dec((el >> 2) & 3);
    uart_puts("\n  primes below 1000: ");
    unsigned count = 0;
    for (unsigned n = 2; n < 1000; n++) {
        unsigned d = 2;
        while (d * d <= n && n % d)
            d++;
        count += d * d > n;
    }
    uart_dec(count);
    uart_puts("\nBye.\n");
    return 0;
}
