/*
 * PL011 UART and character backends, driven through pl011_ops as the
 * memory layer would. Expected values come from the PL011 TRM (ARM DDI
 * 0183G, table 3-1) and from Debian 12's QEMU 7.2 answering the same
 * accesses over qtest (`qemu-system-aarch64 -M virt -S -display none
 * -qtest stdio -serial pipe:P`, input written into P.in); each check says
 * which.
 *
 * Input is tested end to end: the UART gets a "pipe:" chardev on two FIFOs,
 * the test writes the FIFO the chardev reads and polls UARTFR for arrival.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/chardev.h"
#include "dev/pl011.h"
#include "mem/physmem.h"
#include "test.h"

#define UARTDR 0x000
#define UARTRSR 0x004
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

#define FR_RXFE 0x10
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define INT_RX 0x10
#define INT_TX 0x20
#define LCR_H_FEN 0x10

/* The interrupt line's far end: remembers the level and counts edges. */
struct irq_probe {
    int level;
    unsigned changes;
};

static void probe_set(void *sink, unsigned n, int level)
{
    struct irq_probe *p = sink;
    if (p->level != level)
        p->changes++;
    p->level = level;
}

static struct irq_probe probe;

static struct irq_line probe_line(void)
{
    probe = (struct irq_probe){0};
    return (struct irq_line){.set = probe_set, .sink = &probe, .n = 1};
}

static uint64_t rd(struct pl011 *uart, uint64_t off)
{
    return pl011_ops.read(uart, off, 4);
}

static void wr(struct pl011 *uart, uint64_t off, uint64_t val)
{
    pl011_ops.write(uart, off, 4, val);
}

/* Polls until (UARTFR & mask) == want; the reader thread delivers input
 * asynchronously. False after two seconds. */
static bool wait_fr(struct pl011 *uart, uint32_t mask, uint32_t want)
{
    for (int i = 0; i < 2000; i++) {
        if ((rd(uart, UARTFR) & mask) == want)
            return true;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return false;
}

/* A pair of FIFOs P.in/P.out in a fresh directory, for "pipe:P". */
struct pipe_pair {
    char dir[64], base[96];
    int to_uart, from_uart; /* our ends: write P.in, read P.out */
};

static bool pipes_make(struct pipe_pair *pp)
{
    char path[128];
    snprintf(pp->dir, sizeof(pp->dir), "/tmp/armvirt-pl011-XXXXXX");
    if (!mkdtemp(pp->dir))
        return false;
    snprintf(pp->base, sizeof(pp->base), "%s/p", pp->dir);
    snprintf(path, sizeof(path), "%s.in", pp->base);
    if (mkfifo(path, 0600) < 0)
        return false;
    snprintf(path, sizeof(path), "%s.out", pp->base);
    return mkfifo(path, 0600) == 0;
}

/* Our ends, opened after the chardev (which holds both FIFOs open read-write,
 * so neither open blocks). */
static bool pipes_connect(struct pipe_pair *pp)
{
    char path[128];
    snprintf(path, sizeof(path), "%s.in", pp->base);
    pp->to_uart = open(path, O_WRONLY | O_NONBLOCK);
    snprintf(path, sizeof(path), "%s.out", pp->base);
    pp->from_uart = open(path, O_RDONLY | O_NONBLOCK);
    return pp->to_uart >= 0 && pp->from_uart >= 0;
}

static void pipes_remove(struct pipe_pair *pp)
{
    char path[128];
    close(pp->to_uart);
    close(pp->from_uart);
    snprintf(path, sizeof(path), "%s.in", pp->base);
    unlink(path);
    snprintf(path, sizeof(path), "%s.out", pp->base);
    unlink(path);
    rmdir(pp->dir);
}

static void send_bytes(struct pipe_pair *pp, const char *s, size_t n)
{
    if (write(pp->to_uart, s, n) != (ssize_t)n)
        abort();
}

/* Reads what the UART sent, waiting up to a second for `want` bytes. */
static size_t recv_bytes(struct pipe_pair *pp, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd pfd = {.fd = pp->from_uart, .events = POLLIN};
        if (poll(&pfd, 1, 1000) <= 0)
            break;
        ssize_t n = read(pp->from_uart, buf + got, want - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* A UART on "pipe:" (or "mon:pipe:" with mux) with its FIFOs connected. */
static struct pl011 *uart_on_pipe(struct pipe_pair *pp, bool mux, struct chardev **chr)
{
    char spec[128], err[128];
    if (!pipes_make(pp))
        return NULL;
    snprintf(spec, sizeof(spec), "%spipe:%s", mux ? "mon:" : "", pp->base);
    *chr = chardev_open(spec, err, sizeof(err));
    if (!*chr)
        return NULL;
    if (!pipes_connect(pp))
        return NULL;
    return pl011_create(*chr, probe_line());
}

static void uart_close(struct pl011 *uart, struct chardev *chr, struct pipe_pair *pp)
{
    pl011_destroy(uart);
    chardev_close(chr);
    pipes_remove(pp);
}

/* QEMU 7.2 readl of every register after reset; TRM table 3-1 agrees
 * (UARTFR 0b-10010xxx with the modem inputs low, UARTCR 0x300, UARTIFLS
 * 0x12). */
TEST(pl011, reset_values)
{
    struct pl011 *uart = pl011_create(NULL, probe_line());
    ASSERT_EQ(rd(uart, UARTRSR), 0);
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    ASSERT_EQ(rd(uart, UARTILPR), 0);
    ASSERT_EQ(rd(uart, UARTIBRD), 0);
    ASSERT_EQ(rd(uart, UARTFBRD), 0);
    ASSERT_EQ(rd(uart, UARTLCR_H), 0);
    ASSERT_EQ(rd(uart, UARTCR), 0x300);
    ASSERT_EQ(rd(uart, UARTIFLS), 0x12);
    ASSERT_EQ(rd(uart, UARTIMSC), 0);
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    ASSERT_EQ(rd(uart, UARTMIS), 0);
    ASSERT_EQ(rd(uart, UARTDMACR), 0);
    ASSERT_EQ(probe.level, 0);
    pl011_destroy(uart);
}

/* TRM 3.3.14-15; QEMU 7.2: `readl 0x09000ff0` = 0x0d, `readl 0x09000ffc` =
 * 0xb1, `readb 0x09000fe1` = 0x11 (only offset[11:2] is decoded), `readw
 * 0x09000fe2` = 0x11, and unimplemented offsets read 0. */
TEST(pl011, id_registers)
{
    static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    struct pl011 *uart = pl011_create(NULL, probe_line());
    for (unsigned i = 0; i < 8; i++)
        ASSERT_EQ(rd(uart, 0xfe0 + 4 * i), id[i]);
    ASSERT_EQ(pl011_ops.read(uart, 0xfe1, 1), 0x11);
    ASSERT_EQ(pl011_ops.read(uart, 0xfe4, 1), 0x10);
    ASSERT_EQ(pl011_ops.read(uart, 0xfe2, 2), 0x11);
    ASSERT_EQ(rd(uart, 0x008), 0);
    ASSERT_EQ(rd(uart, 0x04c), 0);
    ASSERT_EQ(rd(uart, 0xf00), 0);
    wr(uart, 0xfe0, 0xff); /* read-only: ignored */
    ASSERT_EQ(rd(uart, 0xfe0), 0x11);
    /* The memory layer splits 8-byte accesses at access_max: QEMU answers
     * `readq 0x09000fe0` with 0x0000001000000011. */
    ASSERT_EQ(pl011_ops.access_min, 1);
    ASSERT_EQ(pl011_ops.access_max, 4);
    pl011_destroy(uart);
}

/* Through the memory layer at the virt board's address, as qtest sees it:
 * QEMU 7.2 answers `readq 0x09000fe0` with 0x0000001000000011, `readb
 * 0x09000fe1` with 0x11, `readw 0x09000018` with 0x90, and `writeb
 * 0x09000000` sends one byte without reading UARTDR. */
TEST(pl011, through_physmem)
{
    struct physmem pm;
    uint64_t v = 0;
    struct pl011 *uart = pl011_create(NULL, probe_line());
    physmem_init(&pm);
    physmem_add_mmio(&pm, "pl011", 0x09000000, 0x1000, &pl011_ops, uart);
    ASSERT_EQ(physmem_read(&pm, 0x09000fe0, 8, &v), MEM_OK);
    ASSERT_EQ(v, 0x0000001000000011ull);
    ASSERT_EQ(physmem_read(&pm, 0x09000ff8, 8, &v), MEM_OK);
    ASSERT_EQ(v, 0x000000b100000005ull);
    ASSERT_EQ(physmem_read(&pm, 0x09000fe1, 1, &v), MEM_OK);
    ASSERT_EQ(v, 0x11);
    ASSERT_EQ(physmem_read(&pm, 0x09000018, 2, &v), MEM_OK);
    ASSERT_EQ(v, 0x90);
    ASSERT_EQ(physmem_write(&pm, 0x09000038, 1, INT_TX), MEM_OK);
    ASSERT_EQ(physmem_write(&pm, 0x09000000, 1, 'A'), MEM_OK);
    ASSERT_EQ(probe.level, 1);
    physmem_destroy(&pm);
    pl011_destroy(uart);
}

/* QEMU 7.2: after `writel OFF 0xffffffff` every read/write register reads
 * back 0xffffffff (no masking to TRM widths), UARTFR stays 0x90 and a write
 * of UARTRSR/UARTECR clears it. */
TEST(pl011, register_readback)
{
    static const uint64_t regs[] = {UARTILPR, UARTIBRD, UARTFBRD,  UARTLCR_H,
                                    UARTCR,   UARTIFLS, UARTIMSC, UARTDMACR};
    struct pl011 *uart = pl011_create(NULL, probe_line());
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        wr(uart, regs[i], 0xffffffff);
        ASSERT_EQ(rd(uart, regs[i]), 0xffffffff);
    }
    wr(uart, UARTFR, 0);
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    wr(uart, UARTRSR, 0xffffffff);
    ASSERT_EQ(rd(uart, UARTRSR), 0);
    pl011_ops.reset(uart);
    ASSERT_EQ(rd(uart, UARTCR), 0x300);
    ASSERT_EQ(rd(uart, UARTIMSC), 0);
    ASSERT_EQ(probe.level, 0);
    pl011_destroy(uart);
}

/* The VIRT-FACTS §2.3 transcript: IMSC.TXIM then a write of UARTDR raises
 * the line, UARTICR lowers it; QEMU 7.2 also reads RIS = MIS = 0x20 after
 * the write. Bytes, including `writeb`, reach the backend in order. */
TEST(pl011, transmit_and_tx_interrupt)
{
    char path[] = "/tmp/armvirt-pl011-tx-XXXXXX", spec[64], err[128], buf[8] = {0};
    int fd = mkstemp(path);
    ASSERT_TRUE(fd >= 0);
    snprintf(spec, sizeof(spec), "file:%s", path);
    struct chardev *chr = chardev_open(spec, err, sizeof(err));
    ASSERT_TRUE(chr != NULL);
    struct pl011 *uart = pl011_create(chr, probe_line());

    wr(uart, UARTIMSC, INT_TX);
    ASSERT_EQ(probe.level, 0);
    wr(uart, UARTDR, 0x41);
    ASSERT_EQ(probe.level, 1);
    ASSERT_EQ(rd(uart, UARTRIS), INT_TX);
    ASSERT_EQ(rd(uart, UARTMIS), INT_TX);
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    wr(uart, UARTICR, INT_TX);
    ASSERT_EQ(probe.level, 0);
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    pl011_ops.write(uart, UARTDR, 1, 0x42);
    ASSERT_EQ(probe.level, 1);
    wr(uart, UARTIMSC, 0);
    ASSERT_EQ(probe.level, 0);
    ASSERT_EQ(rd(uart, UARTRIS), INT_TX);
    ASSERT_EQ(rd(uart, UARTMIS), 0);
    wr(uart, UARTDR, 0x143); /* only the data byte is sent */

    pl011_destroy(uart);
    chardev_close(chr);
    ASSERT_EQ(read(fd, buf, sizeof(buf)), 3);
    close(fd);
    unlink(path);
    ASSERT_EQ(memcmp(buf, "ABC", 3), 0);
}

/* QEMU 7.2 with -serial pipe: and FIFOs off, one byte in: UARTFR 0xc0
 * (TXFE|RXFF), RIS 0x10 and the line up with IMSC 0x50; reading UARTDR
 * returns the byte and gives FR 0x90, RIS 0, line down. */
TEST(pl011, receive_character_mode)
{
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, false, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTIMSC, 0x50);
    send_bytes(&pp, "x", 1);
    ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
    ASSERT_EQ(rd(uart, UARTFR), FR_TXFE | FR_RXFF);
    ASSERT_EQ(rd(uart, UARTRIS), INT_RX);
    ASSERT_EQ(probe.level, 1);
    ASSERT_EQ(rd(uart, UARTDR), 'x');
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    ASSERT_EQ(probe.level, 0);

    /* More than fits: the backend holds the rest and hands it over one
     * byte at a time as the guest reads. */
    send_bytes(&pp, "hello", 5);
    for (const char *p = "hello"; *p; p++) {
        ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
        ASSERT_EQ(rd(uart, UARTDR), (uint8_t)*p);
    }
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    uart_close(uart, chr, &pp);
}

/* QEMU 7.2 with UARTLCR_H.FEN and 20 bytes sent: 16 fit (FR 0xc0), the
 * first read leaves FR 0x80, and all 20 arrive in order. */
TEST(pl011, receive_fifo_mode)
{
    static const char msg[] = "0123456789abcdefghij";
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, false, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTLCR_H, 0x70);
    wr(uart, UARTIMSC, 0x50);
    send_bytes(&pp, msg, 20);
    ASSERT_TRUE(wait_fr(uart, FR_RXFF, FR_RXFF));
    ASSERT_EQ(rd(uart, UARTFR), FR_TXFE | FR_RXFF);
    ASSERT_EQ(probe.level, 1);
    ASSERT_EQ(rd(uart, UARTDR), '0');
    for (unsigned i = 1; i < 20; i++) {
        ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
        ASSERT_EQ(rd(uart, UARTDR), (uint8_t)msg[i]);
    }
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    ASSERT_EQ(probe.level, 0);
    uart_close(uart, chr, &pp);
}

/* QEMU 7.2: clearing FEN with bytes in the FIFO empties it; RXRIS stays
 * until the next read of UARTDR, which returns the stale first entry and
 * clears it. (QEMU 7.2 also leaves UARTFR stale at that point; we report
 * the empty FIFO, as QEMU 8 and the TRM do.) */
TEST(pl011, fen_change_empties_fifo)
{
    static const char msg[] = "ABCDEFGHIJKLMNOP";
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, false, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTLCR_H, LCR_H_FEN);
    wr(uart, UARTIMSC, INT_RX);
    send_bytes(&pp, msg, 16);
    ASSERT_TRUE(wait_fr(uart, FR_RXFF, FR_RXFF));
    wr(uart, UARTLCR_H, 0x60);
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    ASSERT_EQ(rd(uart, UARTRIS), INT_RX);
    ASSERT_EQ(probe.level, 1);
    ASSERT_EQ(rd(uart, UARTDR), 'A');
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    ASSERT_EQ(probe.level, 0);
    ASSERT_EQ(rd(uart, UARTDR), 'A');
    uart_close(uart, chr, &pp);
}

/* ICR is write-1-to-clear, bit by bit (TRM 3.3.13): clearing RXIC with the
 * byte still unread keeps the FIFO, and the next byte does not set RXRIS
 * again until the FIFO has been emptied (QEMU 7.2 trigger = first byte). */
TEST(pl011, icr_clears_only_written_bits)
{
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, false, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTIMSC, INT_RX | INT_TX);
    wr(uart, UARTDR, '!');
    send_bytes(&pp, "q", 1);
    ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
    ASSERT_EQ(rd(uart, UARTRIS), INT_RX | INT_TX);
    wr(uart, UARTICR, INT_TX);
    ASSERT_EQ(rd(uart, UARTRIS), INT_RX);
    ASSERT_EQ(probe.level, 1);
    wr(uart, UARTICR, INT_RX);
    ASSERT_EQ(rd(uart, UARTRIS), 0);
    ASSERT_EQ(probe.level, 0);
    ASSERT_EQ(rd(uart, UARTFR), FR_TXFE | FR_RXFF);
    ASSERT_EQ(rd(uart, UARTDR), 'q');
    char out;
    ASSERT_EQ(recv_bytes(&pp, &out, 1), 1);
    ASSERT_EQ(out, '!');
    uart_close(uart, chr, &pp);
}

/* "mon:" escapes (QEMU's mux): Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A b a
 * break, which reads as UARTDR.BE (bit 10) and then shows in UARTRSR bit 2
 * until UARTECR is written (TRM 3.3.1-3.3.2); Ctrl-A h prints help on the
 * output; other bytes pass. */
TEST(chardev, mon_escapes)
{
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, true, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTLCR_H, LCR_H_FEN);
    send_bytes(&pp, "a\001\001\001bz\001h", 8);
    char help[16];
    ASSERT_EQ(recv_bytes(&pp, help, sizeof(help)), sizeof(help));
    ASSERT_TRUE(memcmp(help, "\n\rC-a h", 7) == 0);
    ASSERT_EQ(rd(uart, UARTDR), 'a');
    ASSERT_EQ(rd(uart, UARTRSR), 0);
    ASSERT_EQ(rd(uart, UARTDR), 0x01);
    ASSERT_EQ(rd(uart, UARTDR), 0x400);
    ASSERT_EQ(rd(uart, UARTRSR), 0x4);
    wr(uart, UARTRSR, 0);
    ASSERT_EQ(rd(uart, UARTRSR), 0);
    ASSERT_EQ(rd(uart, UARTDR), 'z');
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    uart_close(uart, chr, &pp);
}

/* Without "mon:" Ctrl-A is an ordinary byte. */
TEST(chardev, plain_passes_ctrl_a)
{
    struct pipe_pair pp;
    struct chardev *chr = NULL;
    struct pl011 *uart = uart_on_pipe(&pp, false, &chr);
    ASSERT_TRUE(uart != NULL);

    wr(uart, UARTLCR_H, LCR_H_FEN);
    send_bytes(&pp, "\001x", 2);
    ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
    ASSERT_EQ(rd(uart, UARTDR), 0x01);
    ASSERT_TRUE(wait_fr(uart, FR_RXFE, 0));
    ASSERT_EQ(rd(uart, UARTDR), 'x');
    uart_close(uart, chr, &pp);
}

TEST(chardev, open_errors)
{
    char err[160] = "";
    ASSERT_TRUE(chardev_open("bogus", err, sizeof(err)) == NULL);
    ASSERT_TRUE(strstr(err, "'bogus'") != NULL);
    ASSERT_TRUE(chardev_open("file:", err, sizeof(err)) == NULL);
    err[0] = 0;
    ASSERT_TRUE(chardev_open("file:/nonexistent-dir/x", err, sizeof(err)) == NULL);
    ASSERT_TRUE(strstr(err, "could not open '/nonexistent-dir/x'") != NULL);
    ASSERT_TRUE(chardev_open("pipe:/nonexistent-dir/x", err, sizeof(err)) == NULL);
    struct chardev *null = chardev_open("null", err, sizeof(err));
    ASSERT_TRUE(null != NULL);
    chardev_write(null, "dropped", 7);
    chardev_close(null);
}

/* With stdin at EOF (CI runs with </dev/null) the reader thread just ends;
 * the UART stays usable and closing does not hang. stdio can be opened
 * once at a time, as in QEMU. */
TEST(chardev, stdio_at_eof)
{
    char err[160] = "";
    int saved = dup(STDIN_FILENO), devnull = open("/dev/null", O_RDONLY);
    ASSERT_TRUE(saved >= 0 && devnull >= 0);
    dup2(devnull, STDIN_FILENO);
    close(devnull);

    struct chardev *chr = chardev_open("mon:stdio", err, sizeof(err));
    ASSERT_TRUE(chr != NULL);
    ASSERT_TRUE(chardev_open("stdio", err, sizeof(err)) == NULL);
    ASSERT_TRUE(strstr(err, "multiple") != NULL);
    struct pl011 *uart = pl011_create(chr, probe_line());
    nanosleep(&(struct timespec){0, 20000000}, NULL);
    ASSERT_EQ(rd(uart, UARTFR), 0x90);
    pl011_destroy(uart);
    chardev_close(chr);

    dup2(saved, STDIN_FILENO);
    close(saved);
}

static int fdt_irq_gic(const struct fdt_ctx *ctx, int node, unsigned spi, unsigned flags)
{
    fdt32_t cells[3] = {cpu_to_fdt32(0), cpu_to_fdt32(spi), cpu_to_fdt32(flags)};
    return fdt_setprop(ctx->fdt, node, "interrupts", cells, sizeof(cells));
}

static bool prop_is(const void *fdt, int node, const char *name, const void *want, int len)
{
    int got;
    const void *v = fdt_getprop(fdt, node, name, &got);
    return v && got == len && memcmp(v, want, (size_t)len) == 0;
}

/* `dtc -I dtb` of QEMU 7.2's `-M virt,dumpdtb=`: node pl011@9000000 with
 * clock-names = "uartclk\0apb_pclk"; clocks = <0x8000 0x8000>; interrupts =
 * <0 1 4>; reg = <0 0x9000000 0 0x1000>; compatible = "arm,pl011\0arm,
 * primecell"; in that order. */
TEST(pl011, fdt_node)
{
    static uint8_t fdt[4096];
    static const uint8_t reg[16] = {0, 0, 0, 0, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0};
    static const uint8_t clocks[8] = {0, 0, 0x80, 0, 0, 0, 0x80, 0};
    static const uint8_t irq[12] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4};
    static const char *const order[] = {"clock-names", "clocks", "interrupts", "reg",
                                        "compatible"};
    ASSERT_EQ(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    struct fdt_ctx ctx = {.fdt = fdt, .base = 0x09000000, .size = 0x1000, .spi = 1,
                          .clk_phandle = 0x8000, .fdt_irq = fdt_irq_gic};
    ASSERT_EQ(pl011_ops.fdt_node(NULL, &ctx), 0);

    int node = fdt_path_offset(fdt, "/pl011@9000000");
    ASSERT_TRUE(node >= 0);
    ASSERT_TRUE(prop_is(fdt, node, "compatible", "arm,pl011\0arm,primecell", 24));
    ASSERT_TRUE(prop_is(fdt, node, "reg", reg, 16));
    ASSERT_TRUE(prop_is(fdt, node, "interrupts", irq, 12));
    ASSERT_TRUE(prop_is(fdt, node, "clocks", clocks, 8));
    ASSERT_TRUE(prop_is(fdt, node, "clock-names", "uartclk\0apb_pclk", 17));
    unsigned i = 0;
    int prop;
    fdt_for_each_property_offset(prop, fdt, node)
    {
        const char *name;
        fdt_getprop_by_offset(fdt, prop, &name, NULL);
        ASSERT_TRUE(i < 5 && strcmp(name, order[i]) == 0);
        i++;
    }
    ASSERT_EQ(i, 5);
}
