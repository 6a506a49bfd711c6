/* Shared helpers for the bare-metal guest programs: semihosting (Arm
 * "Semihosting for AArch32 and AArch64", HLT #0xF000), the PL011 at the
 * virt board's UART address, a tiny printf, self-checks and the exception
 * hook that start.S calls. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>

/* Semihosting operation numbers. */
#define SYS_WRITEC          0x03
#define SYS_WRITE0          0x04
#define SYS_EXIT            0x18
#define SYS_EXIT_EXTENDED   0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* The virt board's PL011 (QEMU hw/arm/virt.c memmap VIRT_UART). */
#define UART_BASE   0x09000000UL
#define UARTDR      0x000
#define UARTFR      0x018
#define UARTFR_TXFF (1u << 5)

uint64_t semihost_call(uint64_t op, uint64_t arg);
void guest_puts(const char *s);
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_exit(int status) __attribute__((noreturn));
void guest_exit_extended(int status) __attribute__((noreturn));

void uart_putc(char c);
void uart_puts(const char *s);

/* Self-checks: each compares one value with the value the architecture
 * gives, prints the failing ones, and guest_done() turns the tally into the
 * exit status (0 = every check passed). */
void check_eq(int line, const char *what, uint64_t got, uint64_t want);
#define CHECK(what, got, want) check_eq(__LINE__, (what), (uint64_t)(got), (uint64_t)(want))
int guest_done(const char *test);

/* What start.S saves on every exception. */
struct exc_frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
};

/* Set by a test that expects exceptions; otherwise any exception is reported
 * and ends the program with status 98. */
extern void (*guest_exc_hook)(struct exc_frame *f, int vector);

/* Read or write a system register by name; a write is followed by an ISB so
 * that it takes effect before the next instruction. */
#define SYSREG_RD(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define SYSREG_WR(name, v) __asm__ volatile("msr " #name ", %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

/* NZCV as MRS NZCV gives it: N = bit 31, Z = 30, C = 29, V = 28. */
#define FLAG_N (1u << 31)
#define FLAG_Z (1u << 30)
#define FLAG_C (1u << 29)
#define FLAG_V (1u << 28)

static inline uint64_t read_nzcv(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, nzcv" : "=r"(v));
    return v;
}

static inline void write_nzcv(uint64_t v)
{
    __asm__ volatile("msr nzcv, %0" : : "r"(v) : "cc");
}

/* Keeps the compiler from folding a value known at compile time, so the
 * instruction under test really runs. */
static inline uint64_t opaque(uint64_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

/* Run one instruction on two register operands and return the result. The
 * instruction text names the result %0 and the operands %1 and %2 (use %w0
 * etc. for 32-bit forms). */
#define OP2(insn, a, b) ({                                              \
    uint64_t r_;                                                        \
    __asm__ volatile(insn : "=&r"(r_)                                   \
                     : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "cc");  \
    r_; })

/* The same with three operands (%1, %2, %3), e.g. madd. */
#define OP3(insn, a, b, c) ({                                           \
    uint64_t r_;                                                        \
    __asm__ volatile(insn : "=&r"(r_)                                   \
                     : "r"((uint64_t)(a)), "r"((uint64_t)(b)),          \
                       "r"((uint64_t)(c)) : "cc");                      \
    r_; })

/* Set NZCV to nzcv_in, run the instruction (result %0, operands %2 and %3),
 * store the NZCV it leaves in *flags_out and return the result. */
#define OP2F(insn, a, b, nzcv_in, flags_out) ({                         \
    uint64_t r_, f_;                                                    \
    __asm__ volatile("msr nzcv, %4\n\t" insn "\n\tmrs %1, nzcv"      \
                     : "=&r"(r_), "=&r"(f_)                             \
                     : "r"((uint64_t)(a)), "r"((uint64_t)(b)),          \
                       "r"((uint64_t)(nzcv_in)) : "cc");                \
    *(flags_out) = f_;                                                  \
    r_; })

#endif
