/*
 * Character backends: where a UART's (or, later, a virtio console's) bytes go
 * and come from. A device is handed a chardev and never knows whether it is
 * the terminal, a file or nothing.
 *
 * Specs, as QEMU spells them for -serial: "stdio", "file:PATH" (output
 * only), "pipe:PATH" (PATH.in/PATH.out, or PATH both ways), "null", and
 * "mon:" before any of them. A terminal on stdin is put in raw mode. The
 * "mon:" prefix (-nographic uses "mon:stdio") adds QEMU's Ctrl-A escapes on
 * input: Ctrl-A x quits, Ctrl-A b sends a break, Ctrl-A h prints help,
 * Ctrl-A Ctrl-A sends one Ctrl-A; and with it Ctrl-C goes to the guest
 * rather than stopping the emulator, as in QEMU. There is no monitor.
 *
 * -chardev BACKEND,id=ID[,key=value...] as QEMU spells it opens the same
 * backends with QEMU's property names, and two more: "socket" (a unix
 * path=, or host=/port= for TCP; server=on listens and serves one client at
 * a time, wait=on blocks the open until the first client connects;
 * otherwise it connects as a client) and "testdev" (QEMU's test-suite
 * control: the guest writes "<decimal>q" and the process exits with status
 * (decimal << 1) | 1).
 *
 * Input is read by a backend thread and delivered through the receive
 * callback, which the device must make thread-safe (it runs off the vCPU
 * thread). The device says how many bytes it can take now (can_receive);
 * the backend holds the rest until chardev_accept_input() is called.
 */
#ifndef ARMVIRT_CHARDEV_H
#define ARMVIRT_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;

struct chardev_receiver {
    /* Bytes the device can take now (0 = none; the backend waits for
     * chardev_accept_input()). */
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    /* A break condition on the line (optional; delivered in order with the
     * bytes, and only when can_receive() is nonzero). */
    void (*receive_break)(void *opaque);
    /* A socket's client connected (true) or hung up (false). Optional; runs
     * on the reader thread, like receive. */
    void (*event)(void *opaque, bool connected);
    void *opaque;
};

/* Opens the backend named by spec. On failure returns NULL and writes a
 * one-line reason (no trailing newline) into err. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_close(struct chardev *chr);
/* Opens a -chardev option string ("socket,id=c0,path=P,server=on,..."):
 * the backend, its properties (an unknown one is an error) and a required
 * id= (the caller keeps the id table). NULL and a one-line err on failure. */
struct chardev *chardev_open_options(const char *opts, char *err, size_t errlen);

/* Is the other end there? QEMU's "backend open": false for null and for a
 * socket without a client, true for the others. */
bool chardev_connected(struct chardev *chr);

/* Output: writes all of buf (blocking); errors are ignored like a UART
 * with a disconnected line. */
void chardev_write(struct chardev *chr, const void *buf, size_t len);

/* Connect the device's input side and start delivering input. NULL
 * disconnects it: when this returns, no callback is running or will run, so
 * the device may be freed. Close the chardev only after its device is gone. */
void chardev_set_receiver(struct chardev *chr, const struct chardev_receiver *rx);
/* The device has room again (e.g. the guest read its FIFO). */
void chardev_accept_input(struct chardev *chr);

/* Restores the terminal if a stdio backend changed it (called at exit). */
void chardev_restore_terminals(void);

#endif
