/* Exits with status 3 through SYS_EXIT with the block
 * {ADP_Stopped_ApplicationExit (0x20026), 3}: the AArch64 form of SYS_EXIT
 * takes a pointer to a reason and a subcode, and the subcode is the status. */
#include "guest.h"

int main(void)
{
    guest_exit(3);
}
