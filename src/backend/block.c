/* Raw image files: positional I/O on one descriptor (see block.h). */
#define _GNU_SOURCE
#include "backend/block.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct block_backend {
    int fd;
    bool read_only;
    uint64_t size;
};

int block_open(const char *path, bool read_only, struct block_backend **out)
{
    int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    struct block_backend *bb = calloc(1, sizeof(*bb));
    if (!bb) {
        close(fd);
        return -ENOMEM;
    }
    bb->fd = fd;
    bb->read_only = read_only;
    bb->size = (uint64_t)end;
    *out = bb;
    return 0;
}

void block_close(struct block_backend *bb)
{
    if (!bb)
        return;
    close(bb->fd);
    free(bb);
}

uint64_t block_size(const struct block_backend *bb)
{
    return bb->size;
}

bool block_read_only(const struct block_backend *bb)
{
    return bb->read_only;
}

/* preadv/pwritev until the whole iovec is done: they may stop short, and
 * take at most IOV_MAX entries per call. */
static int block_rw(struct block_backend *bb, const struct iovec *iov, int iovcnt,
                    uint64_t offset, bool write)
{
    if (write && bb->read_only)
        return -EROFS;
    struct iovec *v = malloc((size_t)(iovcnt ? iovcnt : 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    memcpy(v, iov, (size_t)iovcnt * sizeof(*v));
    int i = 0, ret = 0;
    while (i < iovcnt) {
        if (v[i].iov_len == 0) {
            i++;
            continue;
        }
        int n = iovcnt - i < IOV_MAX ? iovcnt - i : IOV_MAX;
        ssize_t r = write ? pwritev(bb->fd, v + i, n, (off_t)offset)
                          : preadv(bb->fd, v + i, n, (off_t)offset);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            ret = -errno;
            break;
        }
        if (r == 0) {
            if (write) {
                ret = -EIO;
                break;
            }
            /* End of file: the rest of the last sector reads as zeros. */
            for (; i < iovcnt; i++)
                memset(v[i].iov_base, 0, v[i].iov_len);
            break;
        }
        offset += (uint64_t)r;
        while (r > 0 && i < iovcnt) {
            if ((size_t)r >= v[i].iov_len) {
                r -= (ssize_t)v[i].iov_len;
                i++;
            } else {
                v[i].iov_base = (uint8_t *)v[i].iov_base + r;
                v[i].iov_len -= (size_t)r;
                r = 0;
            }
        }
    }
    free(v);
    return ret;
}

int block_readv(struct block_backend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return block_rw(bb, iov, iovcnt, offset, false);
}

int block_writev(struct block_backend *bb, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    return block_rw(bb, iov, iovcnt, offset, true);
}

int block_flush(struct block_backend *bb)
{
    if (bb->read_only)
        return 0;
    return fdatasync(bb->fd) ? -errno : 0;
}

static bool block_unsupported(int err)
{
    return err == EOPNOTSUPP || err == ENOSYS || err == EINVAL;
}

int block_discard(struct block_backend *bb, uint64_t offset, uint64_t len)
{
    if (bb->read_only)
        return -EROFS;
    if (fallocate(bb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len) &&
        !block_unsupported(errno))
        return -errno;
    return 0;
}

int block_write_zeroes(struct block_backend *bb, uint64_t offset, uint64_t len)
{
    if (bb->read_only)
        return -EROFS;
    if (!fallocate(bb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len))
        return 0;
    if (!block_unsupported(errno))
        return -errno;
    static const uint8_t zeros[65536];
    while (len) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        ssize_t r = pwrite(bb->fd, zeros, n, (off_t)offset);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        offset += (uint64_t)r;
        len -= (uint64_t)r;
    }
    return 0;
}
