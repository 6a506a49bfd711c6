/* Runtime for the bare-metal guests: output, exit, checks, and the default
 * exception handler. See guest.h. */
#include <stdarg.h>
#include "guest.h"

void (*guest_exc_hook)(struct exc_frame *f, int vector);
static int checks_run, checks_failed;

uint64_t semihost_call(uint64_t op, uint64_t arg)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void guest_puts(const char *s)
{
    semihost_call(SYS_WRITE0, (uint64_t)s);
}

void guest_exit(int status)
{
    /* AArch64 SYS_EXIT takes a pointer to {reason, subcode}. */
    uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)status };
    semihost_call(SYS_EXIT, (uint64_t)block);
    for (;;)
        ;
}

void guest_exit_extended(int status)
{
    uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)status };
    semihost_call(SYS_EXIT_EXTENDED, (uint64_t)block);
    guest_puts("SYS_EXIT_EXTENDED returned\n");
    guest_exit(4);
}

void uart_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
    while (uart[UARTFR / 4] & UARTFR_TXFF)
        ;
    uart[UARTDR / 4] = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

/* The output buffer: a whole line goes out in one SYS_WRITE0. */
struct outbuf {
    char s[256];
    size_t n;
};

static void out_char(struct outbuf *o, char c)
{
    if (o->n + 1 >= sizeof(o->s)) {
        o->s[o->n] = 0;
        guest_puts(o->s);
        o->n = 0;
    }
    o->s[o->n++] = c;
}

static void out_num(struct outbuf *o, uint64_t v, unsigned base, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width-- > n)
        out_char(o, '0');
    while (n)
        out_char(o, tmp[--n]);
}

/* %s %c %d %u %x with optional 'l'/'ll' and a zero-padded width (%016lx). */
void guest_printf(const char *fmt, ...)
{
    struct outbuf o = { .n = 0 };
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        int width = 0, lng = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (*s)
                out_char(&o, *s++);
            break;
        }
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                out_char(&o, '-');
                v = -v;
            }
            out_num(&o, (uint64_t)v, 10, width);
            break;
        }
        case 'u':
            out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width);
            break;
        case 'x':
            out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width);
            break;
        case 0:
            fmt--;
            break;
        default:
            out_char(&o, *fmt);
        }
    }
    va_end(ap);
    o.s[o.n] = 0;
    if (o.n)
        guest_puts(o.s);
}

void check_eq(int line, const char *what, uint64_t got, uint64_t want)
{
    checks_run++;
    if (got == want)
        return;
    checks_failed++;
    guest_printf("check failed (line %d): %s: expected 0x%lx, got 0x%lx\n",
                 line, what, want, got);
}

int guest_done(const char *test)
{
    if (checks_failed) {
        guest_printf("%s: %d of %d checks failed\n", test, checks_failed, checks_run);
        return 1;
    }
    guest_printf("%s: %d checks passed\n", test, checks_run);
    return 0;
}

static const char *const vector_names[16] = {
    "sync/EL1t", "irq/EL1t", "fiq/EL1t", "serror/EL1t",
    "sync/EL1h", "irq/EL1h", "fiq/EL1h", "serror/EL1h",
    "sync/EL0-64", "irq/EL0-64", "fiq/EL0-64", "serror/EL0-64",
    "sync/EL0-32", "irq/EL0-32", "fiq/EL0-32", "serror/EL0-32",
};

void guest_exception(struct exc_frame *f, int vector)
{
    if (guest_exc_hook) {
        guest_exc_hook(f, vector);
        return;
    }
    guest_printf("unexpected exception %s: ESR_EL1=0x%lx ELR_EL1=0x%lx\n",
                 vector_names[vector & 15], f->esr, f->elr);
    guest_exit(98);
}

/* GCC may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}
