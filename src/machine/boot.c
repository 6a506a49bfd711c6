/*
 * Kernel, initrd and DTB loading for the virt board (see boot.h for the
 * placement rules, which follow QEMU 7.2 so guests find things where they
 * would there).
 */
#include "machine/boot.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu/cpu.h"
#include "mem/physmem.h"

#define MiB (1ull << 20)
/* QEMU's KERNEL64_LOAD_ADDR: where raw images and old Images go. */
#define RAW_LOAD_OFFSET 0x80000ull
/* booting.rst: the DTB must not cross a 2 MiB boundary; QEMU aligns to it. */
#define DTB_ALIGN (2 * MiB)
#define INITRD_ALIGN 4096ull
#define QEMU_BOOT_STUB_SIZE 4096ull

/* The arm64 Image header (Documentation/arm64/booting.rst, "Call the kernel
 * image"): all fields little-endian. */
struct arm64_image_header {
    uint32_t code0, code1;
    uint64_t text_offset;
    uint64_t image_size;
    uint64_t flags;
    uint64_t res2, res3, res4;
    uint32_t magic;
    uint32_t res5;
};
#define ARM64_IMAGE_MAGIC 0x644d5241u   /* "ARM\x64" */
#define ARM64_IMAGE_FLAG_BE 1u

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

uint8_t *boot_read_file(const char *path, const char *what, uint64_t max, uint64_t *len,
                        char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "cannot open %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fail(err, errlen, "%s '%s' is not a regular file", what, path);
        fclose(f);
        return NULL;
    }
    if (st.st_size == 0) {
        fail(err, errlen, "%s '%s' is empty", what, path);
        fclose(f);
        return NULL;
    }
    if ((uint64_t)st.st_size > max) {
        fail(err, errlen, "%s '%s' (%llu bytes) does not fit in RAM (%llu bytes available)", what,
             path, (unsigned long long)st.st_size, (unsigned long long)max);
        fclose(f);
        return NULL;
    }
    uint8_t *buf = malloc((size_t)st.st_size);
    if (!buf) {
        fail(err, errlen, "out of memory reading %s '%s'", what, path);
        fclose(f);
        return NULL;
    }
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    if (got != (size_t)st.st_size) {
        fail(err, errlen, "cannot read %s '%s'", what, path);
        free(buf);
        return NULL;
    }
    *len = got;
    return buf;
}

static bool in_ram(const struct boot_info *bi, uint64_t pa, uint64_t len)
{
    return pa >= bi->ram_base && len <= bi->ram_size && pa - bi->ram_base <= bi->ram_size - len;
}

static bool add_blob(struct boot_info *bi, uint64_t pa, uint8_t *data, uint64_t len,
                     uint64_t zero_len, char *err, size_t errlen)
{
    if (bi->n_blobs == BOOT_MAX_BLOBS)
        return fail(err, errlen, "too many pieces to load (at most %d)", BOOT_MAX_BLOBS);
    bi->blobs[bi->n_blobs++] = (struct boot_blob){pa, len, zero_len, data};
    return true;
}

/* ELF64 AArch64 executable: copies each PT_LOAD segment. */
static bool load_elf(struct boot_info *bi, const char *path, const uint8_t *file, uint64_t size,
                     char *err, size_t errlen)
{
    Elf64_Ehdr eh;
    if (size < sizeof(eh))
        return fail(err, errlen, "kernel '%s' is a truncated ELF file (no complete header)", path);
    memcpy(&eh, file, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "kernel '%s' is not a little-endian ELF64 file", path);
    if (eh.e_machine != EM_AARCH64)
        return fail(err, errlen, "kernel '%s' is an ELF file for machine %u, not AArch64", path,
                    eh.e_machine);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return fail(err, errlen, "kernel '%s' is not an executable ELF file", path);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > size ||
        (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > size - eh.e_phoff)
        return fail(err, errlen, "kernel '%s' is a truncated ELF file (program headers)", path);

    uint64_t low = UINT64_MAX, high = 0;
    unsigned loads = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(err, errlen, "kernel '%s': ELF segment %u has file size above memory size",
                        path, i);
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            return fail(err, errlen, "kernel '%s' is a truncated ELF file (segment %u)", path, i);
        if (!in_ram(bi, ph.p_paddr, ph.p_memsz))
            return fail(err, errlen,
                        "kernel '%s': ELF segment %u at 0x%llx-0x%llx does not fit in RAM "
                        "(0x%llx-0x%llx)",
                        path, i, (unsigned long long)ph.p_paddr,
                        (unsigned long long)(ph.p_paddr + ph.p_memsz - 1),
                        (unsigned long long)bi->ram_base,
                        (unsigned long long)(bi->ram_base + bi->ram_size - 1));
        uint8_t *copy = NULL;
        if (ph.p_filesz) {
            copy = malloc(ph.p_filesz);
            if (!copy)
                return fail(err, errlen, "out of memory loading '%s'", path);
            memcpy(copy, file + ph.p_offset, ph.p_filesz);
        }
        if (!add_blob(bi, ph.p_paddr, copy, ph.p_filesz, ph.p_memsz - ph.p_filesz, err, errlen)) {
            free(copy);
            return false;
        }
        low = ph.p_paddr < low ? ph.p_paddr : low;
        high = ph.p_paddr + ph.p_memsz > high ? ph.p_paddr + ph.p_memsz : high;
        loads++;
    }
    if (!loads)
        return fail(err, errlen, "kernel '%s': ELF file has no loadable segments", path);
    bi->entry = eh.e_entry;
    bi->is_linux = false;
    bi->image_low = low;
    bi->image_high = high;
    return true;
}

/* A Linux arm64 Image, or (no magic) a raw image loaded like one. */
static bool load_image(struct boot_info *bi, const char *path, uint8_t *file, uint64_t size,
                       char *err, size_t errlen)
{
    uint64_t offset = RAW_LOAD_OFFSET, span = size;
    struct arm64_image_header h;
    if (size >= sizeof(h)) {
        memcpy(&h, file, sizeof(h));
        if (h.magic == ARM64_IMAGE_MAGIC) {
            if (h.flags & ARM64_IMAGE_FLAG_BE)
                return fail(err, errlen, "kernel '%s' is a big-endian Image; only little-endian "
                            "kernels are supported", path);
            /* booting.rst: image_size 0 means a pre-3.17 kernel whose
             * text_offset is 0x80000. */
            if (h.image_size) {
                offset = h.text_offset;
                if (h.image_size > span)
                    span = h.image_size;
            }
            /* QEMU keeps the first 4 KiB of RAM for its boot stub and moves
             * an Image asking for less to the next 2 MiB boundary, which
             * the protocol allows (only the offset from 2 MiB is fixed). */
            if (offset < QEMU_BOOT_STUB_SIZE)
                offset += 2 * MiB;
        }
    }
    if (offset >= bi->ram_size || span > bi->ram_size - offset)
        return fail(err, errlen,
                    "kernel '%s' (%llu bytes at offset 0x%llx) does not fit in RAM (%llu MiB)",
                    path, (unsigned long long)span, (unsigned long long)offset,
                    (unsigned long long)(bi->ram_size / MiB));
    uint64_t pa = bi->ram_base + offset;
    if (!add_blob(bi, pa, file, size, span - size, err, errlen))
        return false;
    bi->entry = pa;
    bi->is_linux = true;
    bi->image_low = pa;
    bi->image_high = pa + span;
    return true;
}

bool boot_load_kernel(struct boot_info *bi, const char *path, char *err, size_t errlen)
{
    uint64_t size;
    uint8_t *file = boot_read_file(path, "kernel", bi->ram_size + (64 * MiB), &size, err, errlen);
    if (!file)
        return false;
    if (size >= SELFMAG && memcmp(file, ELFMAG, SELFMAG) == 0) {
        bool ok = load_elf(bi, path, file, size, err, errlen);
        free(file);
        return ok;
    }
    if (!load_image(bi, path, file, size, err, errlen)) {
        free(file);
        return false;
    }
    return true;   /* the blob owns file */
}

/* Where QEMU puts the initrd: half of RAM, at most 128 MiB in, and never
 * below the end of the kernel image. */
static uint64_t initrd_base(const struct boot_info *bi)
{
    uint64_t half = bi->ram_size / 2 < 128 * MiB ? bi->ram_size / 2 : 128 * MiB;
    uint64_t start = bi->ram_base + half;
    if (bi->image_high > start)
        start = bi->image_high;
    return (start + INITRD_ALIGN - 1) & ~(INITRD_ALIGN - 1);
}

bool boot_load_initrd(struct boot_info *bi, const char *path, char *err, size_t errlen)
{
    uint64_t start = initrd_base(bi);
    uint64_t room = start < bi->ram_base + bi->ram_size ? bi->ram_base + bi->ram_size - start : 0;
    uint64_t size;
    uint8_t *file = boot_read_file(path, "initrd", UINT64_MAX, &size, err, errlen);
    if (!file)
        return false;
    if (size > room) {
        free(file);
        return fail(err, errlen, "initrd '%s' (%llu bytes) does not fit in RAM after the kernel "
                    "(%llu bytes free at 0x%llx)", path, (unsigned long long)size,
                    (unsigned long long)room, (unsigned long long)start);
    }
    if (!add_blob(bi, start, file, size, 0, err, errlen)) {
        free(file);
        return false;
    }
    bi->initrd_start = start;
    bi->initrd_size = size;
    return true;
}

bool boot_place_dtb(struct boot_info *bi, const void *fdt, size_t size, char *err, size_t errlen)
{
    uint64_t start, limit = bi->ram_base + bi->ram_size;
    if (bi->is_linux) {
        uint64_t after = bi->initrd_size ? bi->initrd_start + bi->initrd_size : initrd_base(bi);
        start = (after + DTB_ALIGN - 1) & ~(DTB_ALIGN - 1);
    } else {
        /* A bare-metal image finds the DTB at the start of RAM, if it
         * leaves room there; one that covers the start gets none. */
        if (bi->image_low <= bi->ram_base && bi->image_high > bi->ram_base)
            return true;
        start = bi->ram_base;
        if (bi->image_low > bi->ram_base)
            limit = bi->image_low;
    }
    if (start >= limit || size > limit - start)
        return fail(err, errlen, "not enough RAM for the device tree after the kernel and initrd "
                    "(%zu bytes needed)", size);
    uint8_t *copy = malloc(size);
    if (!copy)
        return fail(err, errlen, "out of memory");
    memcpy(copy, fdt, size);
    if (!add_blob(bi, start, copy, size, 0, err, errlen)) {
        free(copy);
        return false;
    }
    bi->dtb_loaded = true;
    bi->dtb_start = start;
    return true;
}

void boot_install(const struct boot_info *bi, struct physmem *mem, struct cpu *cpu)
{
    for (unsigned i = 0; i < bi->n_blobs; i++) {
        const struct boot_blob *b = &bi->blobs[i];
        /* Placement was checked against RAM when the blob was made. */
        uint8_t *dst = physmem_ram_ptr(mem, b->pa, b->len + b->zero_len);
        if (b->len)
            memcpy(dst, b->data, b->len);
        memset(dst + b->len, 0, b->zero_len);
    }
    cpu->pc = bi->entry;
    if (bi->is_linux) {
        /* booting.rst: x0 = DTB physical address, x1-x3 = 0. */
        cpu->x[0] = bi->dtb_loaded ? bi->dtb_start : 0;
        cpu->x[1] = cpu->x[2] = cpu->x[3] = 0;
    }
}

void boot_free(struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->n_blobs; i++)
        free(bi->blobs[i].data);
    bi->n_blobs = 0;
}
