/* Start-up code for the bare-metal guests: set SP, clear .bss, install the
 * EL1 vector table, call main(), and exit through semihosting with main's
 * return value. Every exception is saved into a struct exc_frame (guest.h)
 * and handed to guest_exception() in C; the handler may change ELR_EL1 in
 * the frame before the ERET. */

    .section .text.start, "ax"
    .global _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  adr     x0, vectors
    msr     vbar_el1, x0
    isb
    bl      main
    bl      guest_exit
3:  b       3b

/* One vector entry: make room for the frame, save x0/x1, pass the vector
 * index (0..15, Arm ARM D1.10.2 order) to the common path. */
.macro vector index
    .balign 0x80
    sub     sp, sp, #272
    stp     x0, x1, [sp]
    mov     x0, #\index
    b       exc_common
.endm

    .text
    .balign 2048
vectors:
    vector 0
    vector 1
    vector 2
    vector 3
    vector 4
    vector 5
    vector 6
    vector 7
    vector 8
    vector 9
    vector 10
    vector 11
    vector 12
    vector 13
    vector 14
    vector 15

/* Frame: x0..x30 at 8*n, then ELR_EL1 at 248, SPSR_EL1 at 256, ESR_EL1 at 264. */
exc_common:
    mov     x1, x0
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, elr_el1
    stp     x30, x2, [sp, #240]
    mrs     x2, spsr_el1
    mrs     x3, esr_el1
    stp     x2, x3, [sp, #256]
    mov     x0, sp
    bl      guest_exception
    ldp     x2, x3, [sp, #256]
    msr     spsr_el1, x2
    ldp     x30, x2, [sp, #240]
    msr     elr_el1, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldp     x0, x1, [sp]
    add     sp, sp, #272
    eret
