/*
 * Character backends (see chardev.h): stdio, file, pipe, null and testdev,
 * with QEMU's "mon:" Ctrl-A escapes; the input thread and output path all
 * backends share. Sockets are in chardev_socket.c, -chardev option strings
 * in chardev_options.c.
 *
 * Output is written with write(2) straight from the caller's thread, never
 * through stdio buffers, so guest output interleaves correctly with anything
 * else the emulator writes to the same descriptor (semihosting).
 *
 * Input has one reader thread per chardev with an input side, started when
 * a device connects. It blocks in poll() on the input descriptor and on a
 * self-pipe used to stop it; it ends at EOF or on a read error (stdin is
 * /dev/null or closed under CI), so there is never a busy loop. Bytes are
 * handed over only as fast as the device's can_receive() allows; when the
 * device is full the thread sleeps until chardev_accept_input() kicks it,
 * and meanwhile stops reading, which pushes back on the writer.
 *
 * Locking: the chardev's lock guards only the kick/stop flags and is never
 * held while a device callback runs, so a device may call
 * chardev_accept_input() from any thread, holding its own lock or not.
 * Writers take out_lock, which also guards a socket's connection: the
 * reader thread swaps the connected client under it.
 *
 * Sockets: a server listens from the moment it is opened and serves one
 * client at a time; its reader thread accepts a client, reads it until it
 * hangs up, then accepts the next. Output while no client is connected is
 * dropped, as QEMU drops it. wait=on accepts the first client before the
 * open returns, so start-up blocks as QEMU's does.
 */
#include "backend/chardev_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* stdin is one resource: QEMU refuses a second stdio chardev, and the saved
 * terminal settings belong to whichever opened it. */
static pthread_mutex_t chardev_stdio_lock = PTHREAD_MUTEX_INITIALIZER;
static bool chardev_stdio_in_use;
static struct termios chardev_saved_termios;
static volatile sig_atomic_t chardev_termios_saved;

void chardev_restore_terminals(void)
{
    /* Async-signal-safe: also called from the fatal-signal handler. */
    if (chardev_termios_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &chardev_saved_termios);
        chardev_termios_saved = 0;
    }
}

static void chardev_fatal_signal(int sig)
{
    chardev_restore_terminals();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A signal that kills the process would leave the terminal raw, without
 * echo; restore it first. Only where nobody installed a handler: a handler
 * from main.c takes precedence (and exits through atexit). */
static void chardev_guard_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
            !(old.sa_flags & SA_SIGINFO)) {
            struct sigaction sa = {.sa_handler = chardev_fatal_signal};
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

/* Raw mode as QEMU's stdio backend sets it: no echo, no line editing, no
 * CR/LF translation on input, but output post-processing kept (the guest's
 * "\n" still starts a new line). `allow_signals` keeps Ctrl-C and Ctrl-\ as
 * signals; with "mon:stdio" they go to the guest instead. */
static void chardev_set_raw(bool allow_signals)
{
    static bool atexit_done;
    struct termios tty;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty) < 0)
        return;
    chardev_saved_termios = tty;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals)
        tty.c_lflag &= ~ISIG;
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    if (!atexit_done) {
        atexit(chardev_restore_terminals);
        chardev_guard_signals();
        atexit_done = true;
    }
    chardev_termios_saved = 1;
    tcsetattr(STDIN_FILENO, TCSANOW, &tty);
}

static void chardev_write_fd(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                poll(&pfd, 1, -1);
                continue;
            }
            return; /* like a UART with nothing on the line */
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Parses what the guest wrote as QEMU's testdev does: optional spaces, a
 * decimal number, optional spaces, then 'q' exits with (n << 1) | 1; any
 * other character ends a packet and is dropped; an unfinished packet waits
 * for more bytes. Returns the bytes used, 0 if the packet is unfinished. */
static size_t chardev_testdev_packet(const uint8_t *buf, size_t len)
{
    size_t i = 0;
    unsigned arg = 0;
    while (i < len && isspace(buf[i]))
        i++;
    while (i < len && isdigit(buf[i]))
        arg = arg * 10 + (unsigned)(buf[i++] - '0');
    while (i < len && isspace(buf[i]))
        i++;
    if (i == len)
        return 0;
    if (buf[i] == 'q')
        exit((int)((arg << 1) | 1));   /* as QEMU: at once, from the writer's thread */
    return i + 1;
}

/* out_lock held. */
static void chardev_testdev_write(struct chardev *chr, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        size_t n = TESTDEV_BUF - chr->testdev_used;
        if (n > len)
            n = len;
        memcpy(chr->testdev_buf + chr->testdev_used, buf, n);
        chr->testdev_used += (unsigned)n;
        buf += n;
        len -= n;
        size_t used;
        while (chr->testdev_used &&
               (used = chardev_testdev_packet(chr->testdev_buf, chr->testdev_used))) {
            memmove(chr->testdev_buf, chr->testdev_buf + used, chr->testdev_used - used);
            chr->testdev_used -= (unsigned)used;
        }
        /* NOTE: QEMU loops forever when 32 bytes of spaces and digits fill
         * its buffer; we drop the oldest byte instead. */
        if (chr->testdev_used == TESTDEV_BUF) {
            memmove(chr->testdev_buf, chr->testdev_buf + 1, TESTDEV_BUF - 1);
            chr->testdev_used--;
        }
    }
}

void chardev_write(struct chardev *chr, const void *buf, size_t len)
{
    if (!chr)
        return;
    pthread_mutex_lock(&chr->out_lock);
    if (chr->testdev)
        chardev_testdev_write(chr, buf, len);
    else if (chr->is_socket && chr->out_fd >= 0)
        chardev_socket_send(chr->out_fd, buf, len);
    else if (chr->out_fd >= 0)
        chardev_write_fd(chr->out_fd, buf, len);
    pthread_mutex_unlock(&chr->out_lock);
}

/* Input delivery, on the reader thread. */

/* Waits until the device has room; false if the reader must stop. */
static bool chardev_wait_room(struct chardev *chr, size_t *room)
{
    for (;;) {
        pthread_mutex_lock(&chr->lock);
        bool stop = chr->stopping;
        chr->kicked = false;
        pthread_mutex_unlock(&chr->lock);
        if (stop)
            return false;
        /* A kick that lands between this call and the wait below sets
         * `kicked`, so the wait cannot miss it. */
        *room = chr->rx.can_receive(chr->rx.opaque);
        if (*room > 0)
            return true;
        pthread_mutex_lock(&chr->lock);
        while (!chr->kicked && !chr->stopping)
            pthread_cond_wait(&chr->cond, &chr->lock);
        pthread_mutex_unlock(&chr->lock);
    }
}

static bool chardev_deliver(struct chardev *chr, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        size_t room;
        if (!chardev_wait_room(chr, &room))
            return false;
        size_t n = room < len ? room : len;
        chr->rx.receive(chr->rx.opaque, buf, n);
        buf += n;
        len -= n;
    }
    return true;
}

static bool chardev_deliver_break(struct chardev *chr)
{
    size_t room;
    if (!chr->rx.receive_break)
        return true;
    if (!chardev_wait_room(chr, &room))
        return false;
    chr->rx.receive_break(chr->rx.opaque);
    return true;
}

static void chardev_print_help(struct chardev *chr)
{
    /* "\n\r": the terminal is raw on input but still maps NL to CR-NL on
     * output, so this is what QEMU prints too. */
    static const char help[] = "\n\r"
                               "C-a h    print this help\n\r"
                               "C-a x    exit emulator\n\r"
                               "C-a b    send break (magic sysrq)\n\r"
                               "C-a C-a  sends C-a\n\r";
    chardev_write(chr, help, sizeof(help) - 1);
}

static void chardev_quit(struct chardev *chr)
{
    static const char msg[] = "QEMU: Terminated\n\r";
    chardev_write(chr, msg, sizeof(msg) - 1);
    /* QEMU 7.2 exits at once with status 0; the atexit handler restores
     * the terminal. */
    exit(0);
}

/* Feeds bytes read from the input through the Ctrl-A escape handling
 * ("mon:") to the device. False if the reader must stop. */
bool chardev_input(struct chardev *chr, const uint8_t *buf, size_t len)
{
    size_t start = 0; /* first byte of the plain run not yet delivered */

    if (!chr->mux)
        return chardev_deliver(chr, buf, len);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (!chr->escape) {
            if (c == CTRL_A) {
                if (!chardev_deliver(chr, buf + start, i - start))
                    return false;
                chr->escape = true;
                start = i + 1;
            }
            continue;
        }
        chr->escape = false;
        start = i + 1;
        bool ok = true;
        switch (c) {
        case CTRL_A:
            ok = chardev_deliver(chr, &c, 1);
            break;
        case 'x':
            chardev_quit(chr);
            break;
        case 'b':
            ok = chardev_deliver_break(chr);
            break;
        case 'h':
        case '?':
            chardev_print_help(chr);
            break;
        default: /* unknown commands are swallowed, as in QEMU */
            break;
        }
        if (!ok)
            return false;
    }
    return chardev_deliver(chr, buf + start, len - start);
}

bool chardev_wait_input(struct chardev *chr, int fd)
{
    for (;;) {
        struct pollfd fds[2] = {
            {.fd = fd, .events = POLLIN},
            {.fd = chr->wake[0], .events = POLLIN},
        };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        return !fds[1].revents;
    }
}

static void *chardev_reader(void *arg)
{
    struct chardev *chr = arg;
    uint8_t buf[256];

    while (chardev_wait_input(chr, chr->in_fd)) {
        ssize_t n = read(chr->in_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            break; /* EOF or a dead descriptor: no more input, ever */
        if (!chardev_input(chr, buf, (size_t)n))
            break;
    }
    return NULL;
}

bool chardev_connected(struct chardev *chr)
{
    if (!chr)
        return false;
    pthread_mutex_lock(&chr->out_lock);
    bool c = chr->in_fd >= 0 || chr->out_fd >= 0 || chr->testdev;
    pthread_mutex_unlock(&chr->out_lock);
    return c;
}

static void chardev_stop_reader(struct chardev *chr)
{
    if (!chr->reader_running)
        return;
    pthread_mutex_lock(&chr->lock);
    chr->stopping = true;
    pthread_cond_broadcast(&chr->cond);
    pthread_mutex_unlock(&chr->lock);
    chardev_write_fd(chr->wake[1], "x", 1);
    pthread_join(chr->reader, NULL);
    close(chr->wake[0]);
    close(chr->wake[1]);
    chr->reader_running = false;
    chr->stopping = false;
}

void chardev_set_receiver(struct chardev *chr, const struct chardev_receiver *rx)
{
    if (!chr)
        return;
    chardev_stop_reader(chr);
    memset(&chr->rx, 0, sizeof(chr->rx));
    if (!rx || (chr->in_fd < 0 && !chr->is_socket))
        return;
    chr->rx = *rx;
    if (pipe(chr->wake) < 0)
        return; /* no input then, as with a closed stdin */
    if (pthread_create(&chr->reader, NULL, chr->is_socket ? chardev_socket_reader : chardev_reader,
                       chr) != 0) {
        close(chr->wake[0]);
        close(chr->wake[1]);
        return;
    }
    chr->reader_running = true;
}

void chardev_accept_input(struct chardev *chr)
{
    if (!chr)
        return;
    pthread_mutex_lock(&chr->lock);
    chr->kicked = true;
    pthread_cond_signal(&chr->cond);
    pthread_mutex_unlock(&chr->lock);
}

/* Opening. */

bool chardev_fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, arg, strerror(errno));
    return false;
}

bool chardev_open_stdio(struct chardev *chr, char *err, size_t errlen)
{
    pthread_mutex_lock(&chardev_stdio_lock);
    bool busy = chardev_stdio_in_use;
    chardev_stdio_in_use = true;
    pthread_mutex_unlock(&chardev_stdio_lock);
    if (busy) {
        if (err && errlen)
            snprintf(err, errlen, "cannot use stdio by multiple character devices");
        return false;
    }
    chr->is_stdio = true;
    chr->in_fd = STDIN_FILENO;
    chr->out_fd = STDOUT_FILENO;
    chardev_set_raw(!chr->mux && !chr->no_signals);
    return true;
}

/* QEMU's pipe backend: PATH.in and PATH.out if both exist, else PATH for
 * both directions. O_RDWR so opening a FIFO does not wait for a peer. */
bool chardev_open_pipe(struct chardev *chr, const char *path, char *err, size_t errlen)
{
    size_t len = strlen(path);
    char *name = malloc(len + 5);
    if (!name)
        return chardev_fail(err, errlen, "pipe '%s': %s", path);
    memcpy(name, path, len);
    memcpy(name + len, ".in", 4);
    chr->in_fd = open(name, O_RDWR | O_CLOEXEC);
    memcpy(name + len, ".out", 5);
    chr->out_fd = open(name, O_RDWR | O_CLOEXEC);
    free(name);
    if (chr->in_fd < 0 || chr->out_fd < 0) {
        if (chr->in_fd >= 0)
            close(chr->in_fd);
        if (chr->out_fd >= 0)
            close(chr->out_fd);
        chr->in_fd = chr->out_fd = open(path, O_RDWR | O_CLOEXEC);
        if (chr->in_fd < 0)
            return chardev_fail(err, errlen, "could not open pipe '%s': %s", path);
        chr->close_in = true;
        return true;
    }
    chr->close_in = chr->close_out = true;
    return true;
}

void chardev_init(struct chardev *chr)
{
    chr->in_fd = chr->out_fd = chr->listen_fd = -1;
    pthread_mutex_init(&chr->lock, NULL);
    pthread_mutex_init(&chr->out_lock, NULL);
    pthread_cond_init(&chr->cond, NULL);
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    struct chardev *chr = calloc(1, sizeof(*chr));
    bool ok = true;

    if (!chr) {
        chardev_fail(err, errlen, "chardev '%s': %s", spec);
        return NULL;
    }
    chardev_init(chr);
    if (strncmp(spec, "mon:", 4) == 0) {
        chr->mux = true;
        spec += 4;
    }

    if (strcmp(spec, "stdio") == 0) {
        ok = chardev_open_stdio(chr, err, errlen);
    } else if (strcmp(spec, "null") == 0) {
        /* nothing in, nothing out */
    } else if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
        chr->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        chr->close_out = true;
        if (chr->out_fd < 0)
            ok = chardev_fail(err, errlen, "could not open '%s': %s", spec + 5);
    } else if (strncmp(spec, "pipe:", 5) == 0 && spec[5]) {
        ok = chardev_open_pipe(chr, spec + 5, err, errlen);
    } else {
        if (err && errlen)
            snprintf(err, errlen,
                     "unknown character device '%s' (expected stdio, mon:stdio, file:PATH, "
                     "pipe:PATH or null)",
                     spec);
        ok = false;
    }
    if (!ok) {
        chardev_close(chr);
        return NULL;
    }
    return chr;
}

void chardev_close(struct chardev *chr)
{
    if (!chr)
        return;
    chardev_stop_reader(chr);
    if ((chr->close_in || chr->is_socket) && chr->in_fd >= 0)
        close(chr->in_fd);
    if (chr->close_out && chr->out_fd >= 0)
        close(chr->out_fd);
    if (chr->listen_fd >= 0)
        close(chr->listen_fd);
    if (chr->unlink_path) {
        unlink(chr->unlink_path);
        free(chr->unlink_path);
    }
    if (chr->is_stdio) {
        chardev_restore_terminals();
        pthread_mutex_lock(&chardev_stdio_lock);
        chardev_stdio_in_use = false;
        pthread_mutex_unlock(&chardev_stdio_lock);
    }
    pthread_cond_destroy(&chr->cond);
    pthread_mutex_destroy(&chr->out_lock);
    pthread_mutex_destroy(&chr->lock);
    free(chr);
}
