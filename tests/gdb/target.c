/* The debugger test's guest: a few functions with fixed values for gdb to
 * break in, step through, read and change. Built at -O0 so every variable
 * lives in memory where gdb expects it. It exits with `result` (semihosting),
 * so a write of the debugger shows in the exit status; `spin` gives an
 * interrupt (Ctrl-C) something to stop. */
#include "guest.h"

volatile uint64_t counter;
volatile uint64_t watched;
volatile uint64_t result;
volatile uint64_t spin;     /* set by the debugger: loop until it is cleared */

__attribute__((noinline)) uint64_t add_twice(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    s += b;
    return s;
}

__attribute__((noinline)) void bump(void)
{
    counter = counter + 1;
    watched = 0x1234;
    counter = counter + 1;
}

int main(void)
{
    counter = 40;
    result = add_twice(1, 2);
    bump();
    while (spin)
        counter = counter + 1;
    guest_puts("target done\n");
    return (int)(result & 0xff);
}
