/*
 * Socket character backends (see chardev.h): a unix path or a TCP host and
 * port, as a server that serves one client at a time or as a client that
 * connects once at start-up. The connection is in_fd == out_fd (-1 while
 * there is none), swapped under out_lock by the reader thread.
 */
#define _GNU_SOURCE /* accept4 */
#include "backend/chardev_impl.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A socket write that neither raises SIGPIPE nor keeps writing to a peer
 * that has gone. */
void chardev_socket_send(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

/* A socket's client came or went (reader thread): the device hears of it
 * after the swap, so a write it makes in answer reaches the new client. */
static void chardev_socket_set_conn(struct chardev *chr, int fd)
{
    pthread_mutex_lock(&chr->out_lock);
    if (chr->in_fd >= 0)
        close(chr->in_fd);
    chr->in_fd = chr->out_fd = fd;
    pthread_mutex_unlock(&chr->out_lock);
    if (chr->rx.event)
        chr->rx.event(chr->rx.opaque, fd >= 0);
}

/* Serves a socket: accepts a client when there is none (server), reads it
 * until it hangs up. A client-mode socket whose server hung up stays
 * disconnected, as QEMU's does without reconnect=. */
void *chardev_socket_reader(void *arg)
{
    struct chardev *chr = arg;
    uint8_t buf[256];

    for (;;) {
        int conn = chr->in_fd;   /* only this thread changes it now */
        int fd = conn >= 0 ? conn : chr->listen_fd;
        if (!chardev_wait_input(chr, fd))
            break;
        if (conn < 0) {
            if (fd < 0)
                continue;   /* nothing to serve: only the wake pipe ends the wait */
            int c = accept4(chr->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0)
                chardev_socket_set_conn(chr, c);
            continue;
        }
        ssize_t n = read(conn, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0) {
            chardev_socket_set_conn(chr, -1);
            continue;
        }
        if (!chardev_input(chr, buf, (size_t)n))
            break;
    }
    return NULL;
}

/* Listening socket for a unix path: a stale socket file from an earlier
 * run is replaced, as QEMU replaces it. */
static int chardev_unix_socket(struct chardev *chr, const char *path, bool server, char *err,
                               size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "-chardev socket: path '%s' is too long for a unix socket", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        chardev_fail(err, errlen, "-chardev socket '%s': %s", path);
        return -1;
    }
    if (server) {
        unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
            chardev_fail(err, errlen, "-chardev socket: cannot listen on '%s': %s", path);
            close(fd);
            return -1;
        }
        chr->unlink_path = strdup(path);
    } else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        chardev_fail(err, errlen, "-chardev socket: cannot connect to '%s': %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int chardev_tcp_socket(const char *host, const char *port, bool server, char *err,
                              size_t errlen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = server ? AI_PASSIVE : 0};
    struct addrinfo *res;
    const char *h = host && *host ? host : NULL;
    int rc = getaddrinfo(h, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "-chardev socket: address '%s:%s': %s", h ? h : "", port,
                 gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        if (server)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (server ? bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0
                   : connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "-chardev socket: cannot %s %s:%s: %s",
                 server ? "listen on" : "connect to", h ? h : "", port, strerror(saved));
    return fd;
}

bool chardev_open_socket(struct chardev *chr, const struct chardev_opts *o, char *err,
                                size_t errlen)
{
    bool server = o->server == 1;
    if (!o->path == !o->port || (o->path && o->host)) {
        snprintf(err, errlen, "-chardev socket: needs path=PATH or host=HOST,port=PORT");
        return false;
    }
    if (!server && o->wait >= 0) {
        snprintf(err, errlen, "-chardev socket: wait=%s needs server=on",
                 o->wait ? "on" : "off");
        return false;
    }
    int fd = o->path ? chardev_unix_socket(chr, o->path, server, err, errlen)
                     : chardev_tcp_socket(o->host, o->port, server, err, errlen);
    if (fd < 0)
        return false;
    chr->is_socket = true;
    if (!server) {
        chr->in_fd = chr->out_fd = fd;
        return true;
    }
    chr->listen_fd = fd;
    if (o->wait != 0) {
        /* QEMU's announcement, then start-up waits for the first client. */
        if (o->path)
            fprintf(stderr, "armvirt: waiting for connection on: disconnected:unix:%s,server=on\n",
                    o->path);
        else
            fprintf(stderr, "armvirt: waiting for connection on: disconnected:tcp:%s:%s,server=on\n",
                    o->host ? o->host : "", o->port);
        int c;
        while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
            ;
        if (c < 0)
            return chardev_fail(err, errlen, "-chardev socket: accept on '%s': %s",
                                o->path ? o->path : o->port);
        chr->in_fd = chr->out_fd = c;
    }
    return true;
}
