/* Exits with status 3 through SYS_EXIT_EXTENDED (0x20), which takes the same
 * {reason, subcode} block as SYS_EXIT. If the call returns, the emulator did
 * not implement it: say so and exit with 4. */
#include "guest.h"

int main(void)
{
    guest_exit_extended(3);
}
