/*
 * virtio-console (virtio 1.2 spec 5.3), as QEMU 7.2's virtio-serial-device:
 * up to 31 ports, each on a chardev, with the multiport control protocol.
 * `-device virtconsole` ports are consoles (Linux's hvcN); the others
 * (`-device virtserialport`) are Linux's /dev/vportNpM.
 */
#ifndef ARMVIRT_VIRTIO_CONSOLE_H
#define ARMVIRT_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "dev/virtio.h"

#define VIRTIO_ID_CONSOLE 3
/* QEMU's max_ports default: config max_nr_ports, and 2 * (31 + 1) queues. */
#define VIRTIO_CONSOLE_MAX_PORTS 31

struct physmem;
struct chardev;
struct virtio_console;

struct virtio_console *virtio_console_create(struct physmem *mem);
/* Adds a port before the machine starts. nr < 0 picks one as QEMU does
 * (a console takes port 0 if it is free; other ports start at 1). The
 * chardev stays the caller's; it may be NULL (output dropped, no input).
 * Returns false with a one-line reason in err (port taken, out of range,
 * port 0 for a non-console). */
bool virtio_console_add_port(struct virtio_console *con, int nr, bool console, const char *name,
                             struct chardev *chr, char *err, size_t errlen);
struct virtio_device *virtio_console_device(struct virtio_console *con);
/* Disconnects the chardevs (no callback runs after) and frees the device. */
void virtio_console_destroy(struct virtio_console *con);

#endif
