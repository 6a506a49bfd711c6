/* The smallest guest: SYS_EXIT {ADP_Stopped_ApplicationExit, 0} at once.
 * bench/run.sh runs it to measure each emulator's start-up and exit time. */
    .section .text.start, "ax"
    .global _start
_start:
    adr     x1, block
    mov     x0, #0x18
    hlt     #0xf000
1:  b       1b
    .balign 8
block:
    .quad   0x20026, 0
