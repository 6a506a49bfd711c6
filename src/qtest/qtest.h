/*
 * The qtest side door: QEMU's qtest text protocol (system/qtest.c in QEMU;
 * facts in VIRT-FACTS.md section 2), so a device test gets the same replies
 * from armvirt as from `qemu-system-aarch64 -M virt -qtest stdio`. The
 * machine is built but no CPU runs; the test reads and writes physical
 * memory, watches interrupt lines and moves the virtual clock.
 *
 * Transports, as QEMU spells them: "stdio", "unix:PATH" and
 * "tcp:HOST:PORT" (armvirt connects to a listening test, as QEMU does).
 */
#ifndef ARMVIRT_QTEST_H
#define ARMVIRT_QTEST_H

#include <stdbool.h>
#include <stddef.h>

struct physmem;
struct vclock;
struct qtest;

/* What the board lets a test do with its interrupt lines. Paths are QOM
 * paths such as "/machine/unattached/device[1]". Each returns NULL on
 * success or the text QEMU puts after "FAIL " (e.g. "Unknown device"). */
struct qtest_board_ops {
    /* Report changes of the device's input lines (in) or output lines
     * (!in) to the test from now on, through qtest_irq(). */
    const char *(*intercept)(void *board, const char *path, bool in);
    /* Drive input line n of the device (named gpio list `name`, or NULL for
     * the unnamed one) to level. */
    const char *(*set_irq_in)(void *board, const char *path, const char *name, int n,
                              int level);
};

/* Connects the transport; NULL with a one-line reason in err on failure.
 * log_path (may be NULL) gets QEMU's -qtest-log transcript. */
struct qtest *qtest_open(const char *spec, const char *log_path, struct physmem *mem,
                         struct vclock *clock, const struct qtest_board_ops *ops, void *board,
                         char *err, size_t errlen);
/* Serves requests until the test closes the connection. */
void qtest_serve(struct qtest *q);
void qtest_close(struct qtest *q);

/* An intercepted line changed (any thread): sends "IRQ raise N" or "IRQ
 * lower N" if the level differs from the last one sent. */
void qtest_irq(struct qtest *q, unsigned n, int level);

/* The machine's fault rules, for the fault_add/remove/list/stat commands
 * (src/fault); without it they answer FAIL. */
struct fault_set;
void qtest_set_faults(struct qtest *q, struct fault_set *faults);

/* A server on file descriptors already open (tests use a socket pair). */
struct qtest *qtest_new(int in_fd, int out_fd, struct physmem *mem, struct vclock *clock,
                        const struct qtest_board_ops *ops, void *board);
/* Handles one request line (without its newline), writing the replies. */
void qtest_handle_line(struct qtest *q, char *line);

#endif
