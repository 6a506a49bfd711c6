/* Decoded blocks vs a changed translation: with the MMU on, the same call
 * site calls code through a VA window (0x80000000) that two sets of tables
 * map to different physical pages; TTBR0 is switched (with TLBI VMALLE1)
 * between rounds, then the MMU is turned off and the code is called at its
 * physical address. A block cached for the old mapping must never run for
 * the new one. The sum of the results is the exit status (10 on QEMU);
 * run.sh compares with QEMU. */
    .text
    .global _start
_start:
    ldr x0, =0x40180000
    mov sp, x0
    /* tables */
    ldr x0, =0x40010000     /* L1 set 1 */
    ldr x1, =0x40011000     /* L2 identity (0x40000000..) */
    ldr x2, =0x40012000     /* L2 window set 1 */
    ldr x3, =0x40013000     /* L1 set 2 */
    ldr x4, =0x40014000     /* L2 window set 2 */
    /* zero 5 pages */
    mov x5, x0
    ldr x6, =0x40015000
1:  stp xzr, xzr, [x5], #16
    cmp x5, x6
    b.ne 1b
    /* identity 2MB blocks: normal memory attr1, AF, inner shareable */
    ldr x7, =0x705          /* AF | SH=3 | AttrIdx=1 | block */
    ldr x8, =0x40000000
    mov x9, #0
2:  orr x10, x8, x7
    str x10, [x1, x9, lsl #3]
    add x8, x8, #0x200000
    add x9, x9, #1
    cmp x9, #16
    b.ne 2b
    ldr x8, =0x40200000
    orr x10, x8, x7
    str x10, [x2]
    ldr x8, =0x40400000
    orr x10, x8, x7
    str x10, [x4]
    orr x10, x1, #3
    str x10, [x0, #8]
    str x10, [x3, #8]
    orr x10, x2, #3
    str x10, [x0, #16]
    orr x10, x4, #3
    str x10, [x3, #16]
    dsb sy
    ldr x10, =0xff00
    msr mair_el1, x10
    ldr x10, =0x2B5193519   /* T0SZ=25, IRGN0/ORGN0=1, SH0=3, TG0=4K, T1SZ=25, EPD1=1... IPS=2 */
    msr tcr_el1, x10
    msr ttbr0_el1, x0
    isb
    mrs x10, sctlr_el1
    orr x10, x10, #1
    msr sctlr_el1, x10
    isb
    mov x20, #0
    ldr x21, =0x80000000
    mov x22, #3
3:  bl docall
    add x20, x20, x0
    sub x22, x22, #1
    cbnz x22, 3b
    msr ttbr0_el1, x3
    tlbi vmalle1
    dsb sy
    isb
    mov x22, #3
4:  bl docall
    add x20, x20, x0
    sub x22, x22, #1
    cbnz x22, 4b
    mrs x10, sctlr_el1
    bic x10, x10, #1
    msr sctlr_el1, x10
    isb
    ldr x21, =0x40200000
    blr x21
    add x20, x20, x0
    /* exit(x20) */
    adr x1, blk
    str x20, [x1, #8]
    mov x0, #0x20
    hlt #0xf000
    b .
    .balign 4096
docall:
    stp x29, x30, [sp, #-16]!
    blr x21
    ldp x29, x30, [sp], #16
    ret
    .ltorg
    .balign 16
blk: .quad 0x20026, 0
    .org 0x200000
codeA:
    mov x0, #1
    b 5f
    nop
5:  ret
    .org 0x400000
codeB:
    mov x0, #2
    b 6f
    nop
6:  ret
