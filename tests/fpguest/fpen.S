/* Entry for the FP/SIMD guests: CPACR_EL1 resets to 0, which traps every
 * SIMD&FP instruction, and compiled C may use FP registers anywhere; so
 * FPEN = 0b11 is set before the common start-up code runs. */
    .section .text.start, "ax"
    .global fp_entry
fp_entry:
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    b       _start
