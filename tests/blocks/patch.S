/* Decoded-block cache vs self-modifying code, without cache maintenance:
 * a function already decoded (and chained to) is patched by a plain store
 * and called again; then the body of a hot loop's callee is patched while
 * the loop runs. QEMU makes such stores visible at once, and so must we.
 * Expected: x10 = 1+1+7 = 9, x11 = 50*1 + 50*2 = 150, reported as the exit
 * status (9*1000 + 150) & 0xff = 190; run.sh also compares with QEMU. */
    .text
    .global _start
_start:
    ldr x1, =0x40100000      /* stack */
    mov sp, x1
    adr x5, func
    mov x10, #0
    /* call func 3 times unmodified (decoded + chained), accumulate */
    blr x5
    add x10, x10, x0
    blr x5
    add x10, x10, x0
    /* patch: func's first insn becomes mov x0, #7   (0xd28000e0) */
    ldr w6, =0xd28000e0
    str w6, [x5]
    blr x5
    add x10, x10, x0        /* expect 1+1+7 = 9 */
    /* patch within a loop: the loop body itself is rewritten while hot */
    mov x11, #0
    mov x12, #100
    adr x7, hot
1:  bl hot
    add x11, x11, x0
    sub x12, x12, #1
    cmp x12, #50
    b.ne 2f
    ldr w6, =0xd2800040      /* mov x0, #2 */
    str w6, [x7]
2:  cbnz x12, 1b            /* expect 50*1 + 50*2 = 150 */
    /* report: x10 and x11 via exit code: exit(x10*1000 + x11) */
    mov x2, #1000
    madd x0, x10, x2, x11
    b exit
func:
    mov x0, #1
    ret
hot:
    mov x0, #1
    ret
    .balign 4096
exit:
    /* SYS_EXIT_EXTENDED (0x20) {ADP_Stopped_ApplicationExit, code} */
    adr x1, blk
    str x0, [x1, #8]
    mov x0, #0x20
    hlt #0xf000
    b .
    .data
    .balign 16
blk: .quad 0x20026, 0

