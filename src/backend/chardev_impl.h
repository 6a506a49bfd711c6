/*
 * Inside the character backends (chardev.c: the chardev itself, stdio,
 * file, pipe, null, testdev; chardev_socket.c: unix and TCP sockets;
 * chardev_options.c: -chardev option strings). Devices use chardev.h.
 */
#ifndef ARMVIRT_CHARDEV_IMPL_H
#define ARMVIRT_CHARDEV_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/chardev.h"

#define CTRL_A 0x01 /* QEMU's default mux escape character */
#define TESTDEV_BUF 32 /* QEMU's testdev keeps at most 32 unparsed bytes */

struct chardev {
    int in_fd, out_fd;          /* -1: no input / output dropped */
    bool close_in, close_out;   /* ours to close (not stdin/stdout) */
    bool is_stdio;
    bool mux;                   /* "mon:": Ctrl-A escapes on input */
    bool no_signals;            /* stdio,signal=off: Ctrl-C goes to the guest */
    bool escape;                /* reader thread only: last byte was Ctrl-A */
    int listen_fd;              /* socket server: -1 otherwise */
    bool is_socket;             /* in_fd == out_fd is the connection, or -1 */
    char *unlink_path;          /* unix socket server: removed at close */
    bool testdev;               /* output parsed for "<n>q" */
    uint8_t testdev_buf[TESTDEV_BUF];
    unsigned testdev_used;
    pthread_mutex_t out_lock;   /* serialises writers; guards a socket's fds */

    struct chardev_receiver rx;
    pthread_t reader;
    bool reader_running;
    int wake[2];                /* self-pipe that gets the reader out of poll() */
    pthread_mutex_t lock;       /* guards kicked and stopping */
    pthread_cond_t cond;
    bool kicked;                /* the device may have room again */
    bool stopping;              /* the reader must return */
};

/* A -chardev option string, split (chardev_options.c). */
struct chardev_opts {
    const char *backend, *id, *path, *host, *port;
    int server, wait, append, mux, signal;   /* -1: not given */
};

/* chardev.c */
void chardev_init(struct chardev *chr);
/* Formats fmt with arg and strerror(errno) into err; returns false. */
bool chardev_fail(char *err, size_t errlen, const char *fmt, const char *arg);
bool chardev_open_stdio(struct chardev *chr, char *err, size_t errlen);
bool chardev_open_pipe(struct chardev *chr, const char *path, char *err, size_t errlen);
/* Hands input bytes to the device (with "mon:" escapes); false: stop. */
bool chardev_input(struct chardev *chr, const uint8_t *buf, size_t len);
/* Waits until fd has input (a negative fd: never) or the chardev is being
 * closed; false for the latter, or if poll() failed. */
bool chardev_wait_input(struct chardev *chr, int fd);

/* chardev_socket.c */
bool chardev_open_socket(struct chardev *chr, const struct chardev_opts *o, char *err,
                         size_t errlen);
void *chardev_socket_reader(void *arg);
void chardev_socket_send(int fd, const uint8_t *p, size_t len);

#endif
