/* UART input and output through the PL011 (ARM DDI 0183): reads bytes by
 * polling UARTFR.RXFE and writes each back in brackets, until a '.' arrives.
 * run.sh pipes the input in and compares what comes out with QEMU's. The
 * FIFO is left off: turning it on empties it (QEMU 7.2), and input may
 * already be waiting when the program starts. */
#include "guest.h"

#define UARTFR_RXFE (1u << 4)

static volatile uint32_t *reg(unsigned off)
{
    return (volatile uint32_t *)(UART_BASE + off);
}

int main(void)
{
    uart_puts("ready\n");
    for (unsigned n = 0; n < 256; n++) {
        while (*reg(UARTFR) & UARTFR_RXFE)
            ;
        uint32_t dr = *reg(UARTDR);
        char c = (char)(dr & 0xff);
        uart_putc('[');
        uart_putc(c == '\n' ? '$' : c);
        uart_putc(']');
        if (dr & 0xf00)
            uart_puts("(error)");
        if (c == '.')
            break;
    }
    uart_puts("\ndone\n");
    return 0;
}
