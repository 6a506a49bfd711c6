/*
 * Block backend: a raw image file (or a host block device) opened
 * read-only or read-write. Device models see only this interface, so
 * virtio-blk does not know what stores its sectors.
 *
 * All calls are synchronous and thread-safe (positional I/O on one file
 * descriptor); a device calls them from its own worker thread. Every call
 * returns 0 or a negative errno.
 */
#ifndef ARMVIRT_BACKEND_BLOCK_H
#define ARMVIRT_BACKEND_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct block_backend;

/* Open `path`; *out is set on success. */
int block_open(const char *path, bool read_only, struct block_backend **out);
void block_close(struct block_backend *bb);

/* Size of the image in bytes, and whether writes are refused. */
uint64_t block_size(const struct block_backend *bb);
bool block_read_only(const struct block_backend *bb);

/* Read or write the bytes at `offset` into or from the iovec. Reads past the
 * end of the file return zeros (an image whose size is not a multiple of
 * 512 still reads as whole sectors, as QEMU rounds its capacity up). */
int block_readv(struct block_backend *bb, const struct iovec *iov, int iovcnt, uint64_t offset);
int block_writev(struct block_backend *bb, const struct iovec *iov, int iovcnt, uint64_t offset);

/* Make written data durable (fdatasync). */
int block_flush(struct block_backend *bb);

/* Forget [offset, offset+len): punch a hole where the file system can,
 * else do nothing (discard is a hint). */
int block_discard(struct block_backend *bb, uint64_t offset, uint64_t len);

/* Make [offset, offset+len) read as zeros: punch a hole where the file
 * system can, else write zeros. */
int block_write_zeroes(struct block_backend *bb, uint64_t offset, uint64_t len);

#endif
