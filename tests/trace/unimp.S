/* -d unimp: reads an IMPLEMENTATION DEFINED system register armvirt does not
 * model (S3_0_C15_C0_0; UNDEFINED here and on QEMU), then exits through the
 * exception vector with semihosting. tests/trace/run.sh compares the
 * "unsupported AArch64 system register" line with QEMU's. */
    .text
    .global _start
_start:
    adr x1, vec
    msr vbar_el1, x1
    isb
    mrs x0, s3_0_c15_c0_0
    b exit
    .balign 2048
vec:
    .rept 16
    b exit
    .balign 128
    .endr
exit:
    adr x1, blk
    mov x0, #0x18
    hlt #0xf000
    .data
blk: .quad 0x20026, 0
