/*
 * Arm PrimeCell UART (PL011), r1p5: ARM DDI 0183G, "PrimeCell UART (PL011)
 * Technical Reference Manual", chapter 3 (programmers model).
 *
 * Modelled, with QEMU 7.2's behaviour where the two differ:
 *  - one 4 KiB MMIO region; one output, the combined UARTINTR;
 *  - UARTDR writes go straight to the chardev: transmission is instantaneous,
 *    so the TX FIFO is always empty (UARTFR.TXFE = 1, TXFF = BUSY = 0) and
 *    every write sets TXRIS, which only UARTICR clears (QEMU 7.2);
 *  - a 16-entry receive FIFO (UARTLCR_H.FEN), one entry deep without FEN,
 *    each entry holding the byte and its error bits (UARTDR[11:8]);
 *  - RXRIS is set when the first byte enters the FIFO and cleared when a read
 *    empties it, whatever UARTIFLS says: QEMU 7.2 does this because Linux
 *    reads the FIFO only from the interrupt and QEMU models no receive
 *    timeout (RTRIS is never set), so a trigger level above one would leave
 *    the last bytes of a short burst stranded;
 *  - a break from the backend enters the FIFO as UARTDR.BE, reported in
 *    UARTRSR after the read, as QEMU does (BERIS is not set, as in QEMU).
 *  - receive errors injected by fault rules (src/fault), per TRM 3.3.1-3.3.2
 *    and 3.4: a framing or parity error enters the FIFO with its byte
 *    (UARTDR.FE / PE) and sets FERIS / PERIS; a break enters in place of
 *    the byte as a 0 with UARTDR.BE and sets BERIS; an overrun loses the
 *    byte, sets UARTRSR.OE (at once, not on the next UARTDR read) and
 *    OERIS, and the next byte to enter the FIFO carries UARTDR.OE. The
 *    error interrupts stay raised until UARTICR clears them; UARTRSR.OE
 *    until a write to UARTECR.
 *
 * Left out, as in QEMU 7.2: the enable bits (UARTEN/TXE/RXE are stored but
 * ignored), loopback (LBE), modem status lines and their interrupts, IrDA,
 * DMA (UARTDMACR is stored only), overrun from the backend (it never sends
 * more than there is room for; fault rules make overruns), and masking registers to their TRM widths: QEMU 7.2
 * reads back whatever 32-bit value was written, and so do we.
 */
#include "dev/pl011.h"

#include <inttypes.h>
#include <libfdt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/chardev.h"
#include "dev/primecell.h"
#include "fault/fault.h"
#include "trace/log.h"
#include "util.h"

/* Register offsets (TRM table 3-1). */
#define UARTDR 0x000
#define UARTRSR 0x004 /* UARTECR when written */
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0 /* ...UARTPERIPHID3 0xfec, UARTPCELLID0..3 0xff0..0xffc */

/* UARTDR: receive error bits above the data byte; UARTRSR holds them
 * shifted down by 8. */
#define DR_FE (1u << 8)
#define DR_PE (1u << 9)
#define DR_BE (1u << 10)
#define DR_OE (1u << 11)

/* UARTFR */
#define FR_CTS (1u << 0)
#define FR_DSR (1u << 1)
#define FR_DCD (1u << 2)
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define FR_RI (1u << 8)

/* UARTLCR_H */
#define LCR_H_BRK (1u << 0)
#define LCR_H_PEN (1u << 1)
#define LCR_H_EPS (1u << 2)
#define LCR_H_STP2 (1u << 3)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN_SHIFT 5 /* 2 bits */
#define LCR_H_SPS (1u << 7)

/* UARTCR */
#define CR_UARTEN (1u << 0)
#define CR_SIREN (1u << 1)
#define CR_SIRLP (1u << 2)
#define CR_LBE (1u << 7)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define CR_DTR (1u << 10)
#define CR_RTS (1u << 11)
#define CR_OUT1 (1u << 12)
#define CR_OUT2 (1u << 13)
#define CR_RTSEN (1u << 14)
#define CR_CTSEN (1u << 15)

/* UARTIFLS */
#define IFLS_TXIFLSEL_SHIFT 0 /* 3 bits */
#define IFLS_RXIFLSEL_SHIFT 3 /* 3 bits */

/* UARTIMSC / UARTRIS / UARTMIS / UARTICR share one layout. */
#define INT_RIM (1u << 0)
#define INT_CTSM (1u << 1)
#define INT_DCDM (1u << 2)
#define INT_DSRM (1u << 3)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_FE (1u << 7)
#define INT_PE (1u << 8)
#define INT_BE (1u << 9)
#define INT_OE (1u << 10)

/* UARTDMACR */
#define DMACR_RXDMAE (1u << 0)
#define DMACR_TXDMAE (1u << 1)
#define DMACR_DMAONERR (1u << 2)

/* Reset values (TRM table 3-1). */
#define CR_RESET (CR_RXE | CR_TXE)
#define IFLS_RESET 0x12 /* both FIFO levels at 1/2 */

#define PL011_FIFO_DEPTH 16

/* UARTPeriphID0..3 (part 0x011, designer 0x41 'A', revision 1, as QEMU 7.2
 * reports it; later silicon revisions raise PeriphID2[7:4]) then
 * UARTPCellID0..3, one byte per word (TRM 3.3.14-3.3.15). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl011 {
    /* Guards everything below: the backend thread delivers input while a
     * vCPU thread accesses registers. Lock order: uart, then the irq sink;
     * the chardev is never called with the lock held. */
    pthread_mutex_t lock;
    struct chardev *chr;
    struct irq_line irq;

    /* Receive FIFO: a ring of 16 indexed modulo 16 even without FEN, so a
     * read of an empty FIFO returns the same stale entry as QEMU 7.2. */
    uint16_t rx_fifo[PL011_FIFO_DEPTH];
    unsigned rx_pos, rx_count;

    uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    bool oe_pending;              /* an overrun lost a byte: mark the next one */
    struct fault_point *fault;    /* receive-error rules (NULL: none) */
};

/* Logging goes through the -d categories (trace/log.h): guest_errors,
 * unimp, and trace:pl011* for every register access. */
#define LOG_TRACE LOG_DEV_TRACE

__attribute__((format(printf, 2, 3))) static void pl011_log(unsigned what, const char *fmt, ...)
{
    if (!log_enabled(what))
        return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_printf("pl011: %s\n", msg);
}

static const char *pl011_regname(uint64_t offset)
{
    static const char *const names[] = {
        [UARTDR / 4] = "UARTDR",     [UARTRSR / 4] = "UARTRSR",     [UARTFR / 4] = "UARTFR",
        [UARTILPR / 4] = "UARTILPR", [UARTIBRD / 4] = "UARTIBRD",   [UARTFBRD / 4] = "UARTFBRD",
        [UARTLCR_H / 4] = "UARTLCR_H", [UARTCR / 4] = "UARTCR",     [UARTIFLS / 4] = "UARTIFLS",
        [UARTIMSC / 4] = "UARTIMSC", [UARTRIS / 4] = "UARTRIS",     [UARTMIS / 4] = "UARTMIS",
        [UARTICR / 4] = "UARTICR",   [UARTDMACR / 4] = "UARTDMACR",
    };
    uint64_t idx = offset >> 2;
    if (idx < ARRAY_SIZE(names) && names[idx])
        return names[idx];
    if (offset >= UARTPERIPHID0 && offset < 0x1000)
        return offset < 0xff0 ? "UARTPeriphID" : "UARTPCellID";
    return "(unknown)";
}

static unsigned pl011_fifo_depth(const struct pl011 *uart)
{
    return (uart->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Recomputes the interrupt output from RIS & IMSC; called after every
 * change of either, with the lock held. The level is driven every time, as
 * QEMU does, so a sink connected late (a qtest interceptor) still learns it
 * at the next update; sinks ignore repeats. */
static void pl011_update(struct pl011 *uart)
{
    irq_set(&uart->irq, (uart->ris & uart->imsc) != 0);
}

/* UARTFR is derived from the FIFO state rather than stored, so it cannot
 * disagree with it (QEMU 7.2 leaves stale RXFF/RXFE behind when a
 * UARTLCR_H write empties the FIFO; later QEMU fixed that). */
static uint32_t pl011_flags(const struct pl011 *uart)
{
    uint32_t fr = FR_TXFE;
    if (uart->rx_count == 0)
        fr |= FR_RXFE;
    if (uart->rx_count >= pl011_fifo_depth(uart))
        fr |= FR_RXFF;
    return fr;
}

static void pl011_fifo_push(struct pl011 *uart, uint16_t entry)
{
    if (uart->rx_count >= pl011_fifo_depth(uart)) {
        /* can_receive() said there was room, so this is our bug or a
         * racing UARTLCR_H write; a real UART would overrun: drop it. */
        pl011_log(LOG_GUEST_ERROR, "receive FIFO full, byte dropped");
        return;
    }
    unsigned slot = (uart->rx_pos + uart->rx_count) % PL011_FIFO_DEPTH;
    uart->rx_fifo[slot] = entry;
    uart->rx_count++;
    if (uart->rx_count == 1) {
        uart->ris |= INT_RX;
        pl011_update(uart);
    }
}

static uint32_t pl011_read_dr(struct pl011 *uart)
{
    uint32_t entry = uart->rx_fifo[uart->rx_pos];
    if (uart->rx_count > 0) {
        uart->rx_count--;
        uart->rx_pos = (uart->rx_pos + 1) % PL011_FIFO_DEPTH;
    }
    if (uart->rx_count == 0)
        uart->ris &= ~INT_RX;
    /* FE, PE and BE describe the byte just read; OE was set when the
     * overrun happened and stays until UARTECR is written. */
    uart->rsr = (entry >> 8) | (uart->rsr & (DR_OE >> 8));
    pl011_update(uart);
    return entry;
}

static uint64_t pl011_read(void *dev, uint64_t offset, unsigned size)
{
    struct pl011 *uart = dev;
    uint32_t val = 0;
    bool popped = false;

    pthread_mutex_lock(&uart->lock);
    /* QEMU 7.2 decodes only offset[11:2], so a byte or halfword access
     * anywhere in a register's word reads the register; we do the same. */
    switch (offset & ~3ull) {
    case UARTDR:
        val = pl011_read_dr(uart);
        popped = true;
        break;
    case UARTRSR:
        val = uart->rsr;
        break;
    case UARTFR:
        val = pl011_flags(uart);
        break;
    case UARTILPR:
        val = uart->ilpr;
        break;
    case UARTIBRD:
        val = uart->ibrd;
        break;
    case UARTFBRD:
        val = uart->fbrd;
        break;
    case UARTLCR_H:
        val = uart->lcr_h;
        break;
    case UARTCR:
        val = uart->cr;
        break;
    case UARTIFLS:
        val = uart->ifls;
        break;
    case UARTIMSC:
        val = uart->imsc;
        break;
    case UARTRIS:
        val = uart->ris;
        break;
    case UARTMIS:
        val = uart->ris & uart->imsc;
        break;
    case UARTDMACR:
        val = uart->dmacr;
        break;
    default:
        uint64_t id;
        if (primecell_id_read(pl011_id, offset, &id))
            val = (uint32_t)id;
        else
            pl011_log(LOG_GUEST_ERROR, "read of unimplemented offset 0x%" PRIx64, offset);
        break;
    }
    pthread_mutex_unlock(&uart->lock);

    if (popped && uart->chr)
        chardev_accept_input(uart->chr);
    if (size < 4)
        val &= (1u << (8 * size)) - 1;
    pl011_log(LOG_TRACE, "read %s (0x%03" PRIx64 ") -> 0x%" PRIx32, pl011_regname(offset),
              offset, val);
    return val;
}

static void pl011_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct pl011 *uart = dev;
    uint32_t val = size < 4 ? (uint32_t)(value & ((1u << (8 * size)) - 1)) : (uint32_t)value;
    bool send = false;
    bool room = false;

    pl011_log(LOG_TRACE, "write %s (0x%03" PRIx64 ") <- 0x%" PRIx32, pl011_regname(offset),
              offset, val);
    pthread_mutex_lock(&uart->lock);
    switch (offset & ~3ull) {
    case UARTDR:
        send = true;
        uart->ris |= INT_TX;
        pl011_update(uart);
        break;
    case UARTRSR: /* UARTECR: any write clears the error bits */
        uart->rsr = 0;
        break;
    case UARTILPR:
        uart->ilpr = val;
        break;
    case UARTIBRD:
        uart->ibrd = val;
        break;
    case UARTFBRD:
        uart->fbrd = val;
        break;
    case UARTLCR_H:
        /* Switching between FIFO and character mode empties the receive
         * FIFO (QEMU 7.2); RXRIS stays until the next read or UARTICR. */
        if ((uart->lcr_h ^ val) & LCR_H_FEN) {
            uart->rx_count = 0;
            uart->rx_pos = 0;
            room = true;
        }
        uart->lcr_h = val;
        break;
    case UARTCR:
        uart->cr = val;
        break;
    case UARTIFLS:
        uart->ifls = val;
        break;
    case UARTIMSC:
        uart->imsc = val;
        pl011_update(uart);
        break;
    case UARTICR:
        uart->ris &= ~val;
        pl011_update(uart);
        break;
    case UARTDMACR:
        uart->dmacr = val;
        if (val & (DMACR_RXDMAE | DMACR_TXDMAE))
            pl011_log(LOG_UNIMP, "DMA is not implemented (UARTDMACR 0x%" PRIx32 ")", val);
        break;
    default:
        pl011_log(LOG_GUEST_ERROR, "write of 0x%" PRIx32 " to %s offset 0x%" PRIx64, val,
                  offset >= UARTPERIPHID0 ? "read-only" : "unimplemented", offset);
        break;
    }
    pthread_mutex_unlock(&uart->lock);

    /* Outside the lock: a slow terminal must not hold up the input side. */
    if (send && uart->chr) {
        uint8_t ch = (uint8_t)val;
        chardev_write(uart->chr, &ch, 1);
    }
    if (room && uart->chr)
        chardev_accept_input(uart->chr);
}

static void pl011_reset(void *dev)
{
    struct pl011 *uart = dev;

    pthread_mutex_lock(&uart->lock);
    memset(uart->rx_fifo, 0, sizeof(uart->rx_fifo));
    uart->rx_pos = uart->rx_count = 0;
    uart->oe_pending = false;
    uart->rsr = uart->ilpr = uart->ibrd = uart->fbrd = uart->lcr_h = 0;
    uart->cr = CR_RESET;
    uart->ifls = IFLS_RESET;
    uart->imsc = uart->ris = uart->dmacr = 0;
    pl011_update(uart);
    pthread_mutex_unlock(&uart->lock);
    if (uart->chr)
        chardev_accept_input(uart->chr);
}

/* The node QEMU 7.2's virt board writes (create_uart() in hw/arm/virt.c);
 * properties in its creation order, which libfdt lists reversed. Linux's
 * AMBA bus reads the PrimeCell ID through apb_pclk, so both clocks must be
 * present or the UART is never probed. */
static int pl011_fdt_node(void *dev, const struct fdt_ctx *ctx)
{
    static const char *const clocks[] = {"uartclk", "apb_pclk"};
    int node = primecell_fdt_node(ctx, "pl011", "arm,pl011", clocks, 2);
    return node < 0 ? node : 0;
}

const struct dev_ops pl011_ops = {
    .name = "pl011",
    /* QEMU 7.2 hands the PL011 1-, 2- and 4-byte accesses as they come
     * (so `readb` of an ID register works) and splits 8-byte ones. Never
     * let the memory layer widen a narrow write into a read-modify-write:
     * that would pop UARTDR. */
    .access_min = 1,
    .access_max = 4,
    .read = pl011_read,
    .write = pl011_write,
    .reset = pl011_reset,
    .fdt_node = pl011_fdt_node,
};

/* Backend side, on the chardev's input thread. */

static size_t pl011_can_receive(void *opaque)
{
    struct pl011 *uart = opaque;
    pthread_mutex_lock(&uart->lock);
    unsigned depth = pl011_fifo_depth(uart);
    size_t room = uart->rx_count < depth ? depth - uart->rx_count : 0;
    pthread_mutex_unlock(&uart->lock);
    return room;
}

/* One byte off the line, after the fault rules had their say. Lock held. */
static void pl011_receive_byte(struct pl011 *uart, uint8_t byte)
{
    uint16_t entry = byte;
    uint32_t ris = 0;
    switch (fault_uart_rx(uart->fault)) {
    case FAULT_UART_NONE:
        break;
    case FAULT_UART_FRAMING:
        entry |= DR_FE;
        ris = INT_FE;
        break;
    case FAULT_UART_PARITY:
        entry |= DR_PE;
        ris = INT_PE;
        break;
    case FAULT_UART_BREAK:
        entry = DR_BE;
        ris = INT_BE;
        break;
    case FAULT_UART_OVERRUN:
        uart->rsr |= DR_OE >> 8;
        uart->ris |= INT_OE;
        uart->oe_pending = true;
        pl011_update(uart);
        return;
    }
    if (uart->oe_pending) {
        entry |= DR_OE;
        uart->oe_pending = false;
    }
    uart->ris |= ris;
    pl011_fifo_push(uart, entry);
    pl011_update(uart);
}

static void pl011_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct pl011 *uart = opaque;
    pthread_mutex_lock(&uart->lock);
    for (size_t i = 0; i < len; i++)
        pl011_receive_byte(uart, buf[i]);
    pthread_mutex_unlock(&uart->lock);
}

static void pl011_receive_break(void *opaque)
{
    struct pl011 *uart = opaque;
    pthread_mutex_lock(&uart->lock);
    pl011_fifo_push(uart, DR_BE);
    pthread_mutex_unlock(&uart->lock);
}

struct pl011 *pl011_create(struct chardev *chr, struct irq_line irq)
{
    struct pl011 *uart = calloc(1, sizeof(*uart));
    if (!uart)
        return NULL;
    pthread_mutex_init(&uart->lock, NULL);
    uart->chr = chr;
    uart->irq = irq;
    pl011_reset(uart);
    if (chr) {
        const struct chardev_receiver rx = {
            .can_receive = pl011_can_receive,
            .receive = pl011_receive,
            .receive_break = pl011_receive_break,
            .opaque = uart,
        };
        chardev_set_receiver(chr, &rx);
    }
    return uart;
}

void pl011_set_fault(struct pl011 *uart, struct fault_point *fault)
{
    pthread_mutex_lock(&uart->lock);
    uart->fault = fault;
    pthread_mutex_unlock(&uart->lock);
}

void pl011_destroy(struct pl011 *uart)
{
    if (!uart)
        return;
    if (uart->chr)
        chardev_set_receiver(uart->chr, NULL);
    pthread_mutex_destroy(&uart->lock);
    free(uart);
}
