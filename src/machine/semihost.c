/*
 * Arm semihosting for A64 guests (HLT #0xF000): operation number in W0,
 * parameter (usually the address of a block of 64-bit fields) in X1, result
 * in X0. Follows the Arm specification "Semihosting for AArch32 and AArch64"
 * and QEMU 7.2's behaviour where the specification leaves a choice.
 *
 * Handles 0, 1 and 2 are the console's stdin, stdout and stderr; SYS_OPEN
 * gives new console handles for ":tt" and a read-only handle for the
 * ":semihosting-features" pseudo-file. Opening any other name fails: the
 * guest gets no access to host files. Every guest pointer and length is
 * checked; guest memory is read through the core's own translation.
 */
#include "machine/semihost.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/access.h"
#include "cpu/sysreg.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

/* QEMU 7.2 sends semihosting console output to stderr when no chardev is
 * given, leaving stdout to the UART; we do the same so scripts that separate
 * the two see the same streams. */
#define CONSOLE_FD STDERR_FILENO

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Limits on what one call may move, so a guest cannot make us loop long. */
#define MAX_STRING (1u << 20)
#define MAX_NAME 256u
#define CHUNK 4096u

enum handle_kind { H_FREE, H_STDIN, H_STDOUT, H_STDERR, H_FEATURES };

#define MAX_HANDLES 32

/* "SHFB" then one byte of extensions: EXIT_EXTENDED (bit 0), STDOUT_STDERR (bit 1). */
static const uint8_t features_file[5] = {'S', 'H', 'F', 'B', 0x03};

static struct {
    pthread_mutex_t lock;
    enum handle_kind handles[MAX_HANDLES];
    uint64_t features_pos[MAX_HANDLES];
    int last_errno;
    uint64_t ram_base, ram_size;
    char cmdline[4096];
    uint64_t start_ns;
    bool started;
} sh = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .handles = {H_STDIN, H_STDOUT, H_STDERR},
};

void semihost_configure(uint64_t ram_base, uint64_t ram_size, const char *cmdline)
{
    pthread_mutex_lock(&sh.lock);
    sh.ram_base = ram_base;
    sh.ram_size = ram_size;
    sh.cmdline[0] = 0;
    if (cmdline) {
        strncpy(sh.cmdline, cmdline, sizeof(sh.cmdline) - 1);
        sh.cmdline[sizeof(sh.cmdline) - 1] = 0;
    }
    sh.start_ns = sysreg_host_ns();
    sh.started = true;
    pthread_mutex_unlock(&sh.lock);
}

/* ---- guest memory, with the core's translation; a fault is just "false" ---- */

static bool guest_u64(struct cpu *cpu, uint64_t va, uint64_t *v)
{
    struct mem_fault saved = cpu->fault;
    bool ok = cpu_load(cpu, va, 8, v);
    cpu->fault = saved;
    return ok;
}

static bool guest_put_u64(struct cpu *cpu, uint64_t va, uint64_t v)
{
    struct mem_fault saved = cpu->fault;
    bool ok = cpu_store(cpu, va, 8, v);
    cpu->fault = saved;
    return ok;
}

static bool guest_read(struct cpu *cpu, uint64_t va, uint8_t *buf, uint64_t len)
{
    struct mem_fault saved = cpu->fault;
    bool ok = true;
    for (uint64_t i = 0; i < len && ok; i++) {
        uint64_t v;
        ok = cpu_load(cpu, va + i, 1, &v);
        buf[i] = (uint8_t)v;
    }
    cpu->fault = saved;
    return ok;
}

static bool guest_write(struct cpu *cpu, uint64_t va, const uint8_t *buf, uint64_t len)
{
    struct mem_fault saved = cpu->fault;
    bool ok = true;
    for (uint64_t i = 0; i < len && ok; i++)
        ok = cpu_store(cpu, va + i, 1, buf[i]);
    cpu->fault = saved;
    return ok;
}

/* Parameter block field n (64-bit fields on AArch64). */
static bool arg(struct cpu *cpu, unsigned n, uint64_t *v)
{
    return guest_u64(cpu, cpu->x[1] + 8ull * n, v);
}

/* ---- host side ---- */

static bool host_write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int64_t fail(int err)
{
    sh.last_errno = err;
    return -1;
}

static enum handle_kind handle_of(uint64_t h)
{
    return h < MAX_HANDLES ? sh.handles[h] : H_FREE;
}

static int host_fd_of(enum handle_kind k)
{
    return k == H_STDOUT || k == H_STDERR ? CONSOLE_FD : k == H_STDIN ? 0 : -1;
}

/* ---- the operations ---- */

static int64_t sys_open(struct cpu *cpu)
{
    uint64_t name_va, mode, len;
    char name[MAX_NAME + 1];
    if (!arg(cpu, 0, &name_va) || !arg(cpu, 1, &mode) || !arg(cpu, 2, &len))
        return fail(EFAULT);
    if (len > MAX_NAME)
        return fail(ENAMETOOLONG);
    if (!guest_read(cpu, name_va, (uint8_t *)name, len))
        return fail(EFAULT);
    name[len] = 0;
    enum handle_kind k;
    if (strcmp(name, ":tt") == 0)
        k = mode < 4 ? H_STDIN : mode < 8 ? H_STDOUT : H_STDERR; /* "r" modes, "w", "a" */
    else if (strcmp(name, ":semihosting-features") == 0 && mode <= 1)
        k = H_FEATURES;
    else
        return fail(ENOENT);
    for (unsigned h = 3; h < MAX_HANDLES; h++)
        if (sh.handles[h] == H_FREE) {
            sh.handles[h] = k;
            sh.features_pos[h] = 0;
            return h;
        }
    return fail(EMFILE);
}

static int64_t sys_close(struct cpu *cpu)
{
    uint64_t h;
    if (!arg(cpu, 0, &h))
        return fail(EFAULT);
    if (handle_of(h) == H_FREE)
        return fail(EBADF);
    sh.handles[h] = H_FREE;
    return 0;
}

/* Write a NUL-terminated guest string to the console, at most MAX_STRING bytes. */
static int64_t sys_write0(struct cpu *cpu)
{
    uint8_t buf[256];
    uint64_t va = cpu->x[1];
    for (uint64_t done = 0; done < MAX_STRING;) {
        size_t n = 0;
        while (n < sizeof(buf)) {
            if (!guest_read(cpu, va + done + n, &buf[n], 1))
                return fail(EFAULT);
            if (!buf[n])
                break;
            n++;
        }
        host_write_all(CONSOLE_FD, buf, n);
        if (n < sizeof(buf))
            break;
        done += n;
    }
    return 0;
}

/* SYS_WRITE returns the number of bytes not written. */
static int64_t sys_write(struct cpu *cpu)
{
    uint64_t h, va, len;
    uint8_t buf[CHUNK];
    if (!arg(cpu, 0, &h) || !arg(cpu, 1, &va) || !arg(cpu, 2, &len))
        return fail(EFAULT);
    enum handle_kind k = handle_of(h);
    if (k != H_STDOUT && k != H_STDERR)
        return fail(EBADF);
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < CHUNK ? len - done : CHUNK;
        if (!guest_read(cpu, va + done, buf, n) || !host_write_all(host_fd_of(k), buf, n)) {
            sh.last_errno = EFAULT;
            return (int64_t)(len - done);
        }
        done += n;
    }
    return 0;
}

/* SYS_READ returns the number of bytes not read. */
static int64_t sys_read(struct cpu *cpu)
{
    uint64_t h, va, len;
    uint8_t buf[CHUNK];
    if (!arg(cpu, 0, &h) || !arg(cpu, 1, &va) || !arg(cpu, 2, &len))
        return fail(EFAULT);
    enum handle_kind k = handle_of(h);
    uint64_t want = len < CHUNK ? len : CHUNK;
    size_t got;
    if (k == H_FEATURES) {
        uint64_t pos = sh.features_pos[h];
        uint64_t left = pos < sizeof(features_file) ? sizeof(features_file) - pos : 0;
        got = (size_t)(want < left ? want : left);
        if (got)
            memcpy(buf, features_file + pos, got);
        sh.features_pos[h] += got;
    } else if (k == H_STDIN) {
        ssize_t r;
        do
            r = read(0, buf, (size_t)want);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            return fail(errno);
        got = (size_t)r;
    } else {
        return fail(EBADF);
    }
    if (!guest_write(cpu, va, buf, got))
        return fail(EFAULT);
    return (int64_t)(len - got);
}

static int64_t sys_readc(void)
{
    uint8_t c;
    ssize_t r;
    do
        r = read(0, &c, 1);
    while (r < 0 && errno == EINTR);
    return r == 1 ? c : fail(r < 0 ? errno : EIO);
}

static int64_t sys_seek_or_flen(struct cpu *cpu, bool seek)
{
    uint64_t h, pos = 0;
    if (!arg(cpu, 0, &h) || (seek && !arg(cpu, 1, &pos)))
        return fail(EFAULT);
    enum handle_kind k = handle_of(h);
    if (k == H_FREE)
        return fail(EBADF);
    if (k != H_FEATURES)
        return fail(ESPIPE);
    if (!seek)
        return sizeof(features_file);
    sh.features_pos[h] = pos;
    return 0;
}

static int64_t sys_get_cmdline(struct cpu *cpu)
{
    uint64_t va, len;
    if (!arg(cpu, 0, &va) || !arg(cpu, 1, &len))
        return fail(EFAULT);
    size_t n = strlen(sh.cmdline);
    if (n + 1 > len)
        return fail(E2BIG);
    if (!guest_write(cpu, va, (const uint8_t *)sh.cmdline, n + 1) || !guest_put_u64(cpu, cpu->x[1] + 8, n))
        return fail(EFAULT);
    return 0;
}

/* X1 points at the address of a block {heap base, heap limit, stack base,
 * stack limit}; like QEMU, the heap is the upper half of RAM and the stack
 * grows down from the top. */
static int64_t sys_heapinfo(struct cpu *cpu)
{
    uint64_t block;
    uint64_t top = sh.ram_base + sh.ram_size;
    if (!guest_u64(cpu, cpu->x[1], &block))
        return fail(EFAULT);
    uint64_t info[4] = {sh.ram_base + sh.ram_size / 2, top, top, sh.ram_base};
    for (unsigned i = 0; i < 4; i++)
        if (!guest_put_u64(cpu, block + 8 * i, info[i]))
            return fail(EFAULT);
    return 0;
}

/* SYS_EXIT (A64 form) and SYS_EXIT_EXTENDED: X1 points at {reason, subcode};
 * only ADP_Stopped_ApplicationExit passes the subcode on, as in QEMU. */
static int64_t sys_exit(struct cpu *cpu)
{
    uint64_t reason, subcode;
    if (!arg(cpu, 0, &reason) || !arg(cpu, 1, &subcode))
        return fail(EFAULT);
    cpu->exit_status = reason == ADP_STOPPED_APPLICATION_EXIT ? (int)subcode : 1;
    cpu->exit_requested = true;
    return 0;
}

static uint64_t elapsed_ns(void)
{
    if (!sh.started) {
        sh.start_ns = sysreg_host_ns();
        sh.started = true;
    }
    return sysreg_host_ns() - sh.start_ns;
}

static int64_t semihost_dispatch(struct cpu *cpu, uint32_t op)
{
    uint64_t v;
    switch (op) {
    case SYS_OPEN: return sys_open(cpu);
    case SYS_CLOSE: return sys_close(cpu);
    case SYS_WRITEC: {
        uint8_t c;
        if (!guest_read(cpu, cpu->x[1], &c, 1))
            return fail(EFAULT);
        host_write_all(CONSOLE_FD, &c, 1);
        return (int64_t)cpu->x[0]; /* X0 is corrupted: leave it */
    }
    case SYS_WRITE0: {
        int64_t r = sys_write0(cpu);
        return r < 0 ? r : (int64_t)cpu->x[0];
    }
    case SYS_WRITE: return sys_write(cpu);
    case SYS_READ: return sys_read(cpu);
    case SYS_READC: return sys_readc();
    case SYS_ISERROR:
        if (!arg(cpu, 0, &v))
            return fail(EFAULT);
        return (int64_t)v < 0;
    case SYS_ISTTY:
        if (!arg(cpu, 0, &v))
            return fail(EFAULT);
        switch (handle_of(v)) {
        case H_FREE: return fail(EBADF);
        case H_FEATURES: return 0;
        default: return 1;
        }
    case SYS_SEEK: return sys_seek_or_flen(cpu, true);
    case SYS_FLEN: return sys_seek_or_flen(cpu, false);
    case SYS_CLOCK: return (int64_t)(elapsed_ns() / 10000000u); /* centiseconds */
    case SYS_TIME: return (int64_t)time(NULL);
    case SYS_ERRNO: return sh.last_errno;
    case SYS_GET_CMDLINE: return sys_get_cmdline(cpu);
    case SYS_HEAPINFO: return sys_heapinfo(cpu);
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: return sys_exit(cpu);
    case SYS_ELAPSED:
        if (!guest_put_u64(cpu, cpu->x[1], elapsed_ns()))
            return fail(EFAULT);
        return 0;
    case SYS_TICKFREQ: return 1000000000; /* ticks are nanoseconds */
    default: return fail(ENOSYS);
    }
}

bool semihost_call(struct cpu *cpu)
{
    pthread_mutex_lock(&sh.lock);
    int64_t r = semihost_dispatch(cpu, (uint32_t)cpu->x[0]);
    pthread_mutex_unlock(&sh.lock);
    cpu->x[0] = (uint64_t)r;
    return true;
}
