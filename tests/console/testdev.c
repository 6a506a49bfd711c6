/* QEMU's testdev chardev from a bare-metal guest: with -serial
 * chardev:t -chardev testdev,id=t, whatever goes out of the UART is the
 * test device's input. Text that is not a command is ignored; "3q" asks
 * the emulator to exit with status (3 << 1) | 1 = 7. If it did not, the
 * program exits through semihosting with 42 so the test sees the miss. */
#include "guest.h"

int main(void)
{
    uart_puts("hello testdev x\n");
    uart_puts(" 3 q");
    uart_puts("should not be reached\n");
    guest_exit(42);
}
