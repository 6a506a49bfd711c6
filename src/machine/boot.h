/*
 * Loading what the user names on the command line into RAM, as QEMU 7.2's
 * hw/arm/boot.c does for the virt board:
 *
 *  - an ELF64 (AArch64) image: PT_LOAD segments at their physical addresses,
 *    entry at e_entry, no boot protocol; the DTB goes at the start of RAM if
 *    the image leaves room below itself.
 *  - a Linux arm64 Image (Documentation/arm64/booting.rst): at RAM base +
 *    text_offset, x0 = DTB address.
 *  - anything else: a raw image treated like a Linux kernel, at RAM base +
 *    0x80000 (QEMU's rule).
 *
 * The initrd goes at RAM base + min(RAM/2, 128 MiB) or just above the kernel,
 * the DTB at the next 2 MiB boundary after the initrd.
 *
 * Loaded images are kept as blobs so a machine reset can install them again.
 */
#ifndef ARMVIRT_BOOT_H
#define ARMVIRT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct physmem;

struct boot_blob {
    uint64_t pa;
    uint64_t len;        /* bytes to copy from data */
    uint64_t zero_len;   /* bytes to zero after them (ELF .bss) */
    uint8_t *data;
};

#define BOOT_MAX_BLOBS 34   /* up to 32 ELF segments, an initrd, a DTB */

struct boot_info {
    uint64_t ram_base, ram_size;
    struct boot_blob blobs[BOOT_MAX_BLOBS];
    unsigned n_blobs;
    uint64_t entry;
    bool is_linux;              /* boot protocol: x0 = DTB */
    uint64_t image_low, image_high;   /* where the kernel image lies */
    uint64_t initrd_start, initrd_size;
    bool dtb_loaded;            /* false when an ELF leaves no room for it */
    uint64_t dtb_start;
};

/* Each returns false after writing a one-line reason into err. */
bool boot_load_kernel(struct boot_info *bi, const char *path, char *err, size_t errlen);
bool boot_load_initrd(struct boot_info *bi, const char *path, char *err, size_t errlen);
/* Chooses the DTB's address for a tree of `size` bytes and keeps a copy. */
bool boot_place_dtb(struct boot_info *bi, const void *fdt, size_t size, char *err, size_t errlen);

/* Copies every blob into RAM and points the CPU at the entry (x0 = DTB for
 * Linux). The CPU must just have been reset. */
void boot_install(const struct boot_info *bi, struct physmem *mem, struct cpu *cpu);
void boot_free(struct boot_info *bi);

/* Reads a whole file (at most max bytes). NULL with a reason on failure;
 * an empty file is an error. */
uint8_t *boot_read_file(const char *path, const char *what, uint64_t max, uint64_t *len,
                        char *err, size_t errlen);

#endif
