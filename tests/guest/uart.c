/* Writes a line to the PL011 data register, waiting while UARTFR.TXFF says
 * the transmit FIFO is full, then exits 0. */
#include "guest.h"

int main(void)
{
    uart_puts("uart: hello from the PL011\n");
    return 0;
}
