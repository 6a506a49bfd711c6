/* The 64-byte header of a Linux arm64 Image (Documentation/arm64/
 * booting.rst), in front of the guest runtime's _start, so the test program
 * is booted the way a kernel is: loaded at RAM base + text_offset with
 * x0 = the DTB's address and x1..x3 = 0. The entry records x0..x3 for the C
 * side before _start reuses the registers. */
    .section .text.start, "ax"
    .global image_head
image_head:
    b       image_entry             /* code0 */
    .long   0                       /* code1 */
    .quad   0x80000                 /* text_offset (the link address is RAM base + this) */
    .quad   __stack_top - image_head  /* image_size: code, data, bss and stack */
    .quad   0xa                     /* flags: little-endian, 4K pages, placement anywhere */
    .quad   0, 0, 0                 /* res2..res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 */

image_entry:
    adrp    x9, boot_regs
    add     x9, x9, :lo12:boot_regs
    stp     x0, x1, [x9]
    stp     x2, x3, [x9, #16]
    b       _start

    .data
    .balign 8
    .global boot_regs
boot_regs:
    .quad   0, 0, 0, 0
