/* The integer benchmark kernel: a loop whose every iteration executes
 * exactly INSNS_PER_ITER instructions, whichever way its data-dependent
 * branch goes (both arms are two instructions long). Mixes arithmetic,
 * a multiply, a conditional select, loads and stores (single and pair,
 * register offset), a data-dependent branch and a call/return.
 *
 * uint64_t intloop_run(uint64_t iterations, uint64_t *buf)
 *   buf: 64 doublewords for the indexed accesses; the pair is the two
 *   doublewords just below buf (buf[-2], buf[-1]).
 *   Returns a checksum of the work done.
 * Instructions executed: INSNS_FIXED + iterations * INSNS_PER_ITER
 * (iterations >= 1). The counts are in intloop.h; keep them in step. */

    .text
    .global intloop_run
intloop_run:
    stp     x29, x30, [sp, #-16]!       // fixed 1
    mov     x2, #0                      // fixed 2: checksum
    mov     x3, #0                      // fixed 3: index 0..63
    movz    x6, #0x7c15                 // fixed 4: odd multiplier
    movk    x6, #0x7f4a, lsl #16        // fixed 5
loop:
    ldr     x4, [x1, x3, lsl #3]        // 1
    add     x2, x2, x4                  // 2
    eor     x4, x4, x2, ror #13         // 3
    madd    x2, x4, x6, x2              // 4
    str     x4, [x1, x3, lsl #3]        // 5
    add     x3, x3, #1                  // 6
    and     x3, x3, #63                 // 7
    cmp     x4, x2                      // 8
    csel    x5, x4, x2, hi              // 9
    tbz     x2, #3, 1f                  // 10
    add     x2, x2, x5, lsr #7          // 11 (bit 3 set)
    b       2f                          // 12
1:  sub     x2, x2, x5, lsr #9          // 11 (bit 3 clear)
    nop                                 // 12
2:  bl      leaf                        // 13, leaf 14-16
    ldp     x7, x8, [x1, #-16]          // 17
    add     x7, x7, x2                  // 18
    stp     x8, x7, [x1, #-16]          // 19
    subs    x0, x0, #1                  // 20
    b.ne    loop                        // 21
    add     x0, x2, x7                  // fixed 6
    ldp     x29, x30, [sp], #16         // fixed 7
    ret                                 // fixed 8

leaf:
    add     x2, x2, x3, lsl #2          // 14
    eor     x2, x2, x2, lsr #17         // 15
    ret                                 // 16
