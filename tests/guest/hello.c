/* Semihosting SYS_WRITE0 prints "hello\n"; main returns 0, so start.S exits
 * with SYS_EXIT {ADP_Stopped_ApplicationExit, 0}. */
#include "guest.h"

int main(void)
{
    guest_puts("hello\n");
    return 0;
}
