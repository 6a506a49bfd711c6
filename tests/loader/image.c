/* Booted as a Linux arm64 Image with -append "loader-test-cmdline": checks
 * the boot protocol of booting.rst and the placement QEMU's virt board uses
 * (the DTB at the first 2 MiB boundary at or above RAM base +
 * min(RAM/2, 128 MiB), where an initrd would start). */
#include "guest.h"

extern uint64_t boot_regs[4];
extern char image_head[], __stack_top[];

#define FDT_MAGIC 0xd00dfeedu
#define RAM_BASE 0x40000000ull
#define RAM_SIZE (512ull << 20)   /* run.sh passes -m 512M */

static uint32_t be32(const volatile uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does the blob contain the NUL-terminated string s? */
static int blob_has(const volatile uint8_t *p, uint32_t len, const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    for (uint32_t i = 0; i + n + 1 <= len; i++) {
        uint32_t k = 0;
        while (k <= n && p[i + k] == (uint8_t)s[k])
            k++;
        if (k > n)
            return 1;
    }
    return 0;
}

int main(void)
{
    uint64_t dtb = boot_regs[0];
    uint64_t half = RAM_SIZE / 2 < (128ull << 20) ? RAM_SIZE / 2 : 128ull << 20;
    uint64_t want = (RAM_BASE + half + (2ull << 20) - 1) & ~((2ull << 20) - 1);

    CHECK("image loaded at RAM base + text_offset", (uint64_t)image_head, RAM_BASE + 0x80000);
    CHECK("x0 = DTB address", dtb, want);
    CHECK("x1 = 0", boot_regs[1], 0);
    CHECK("x2 = 0", boot_regs[2], 0);
    CHECK("x3 = 0", boot_regs[3], 0);
    CHECK("DTB above the image", dtb >= (uint64_t)__stack_top, 1);
    if (dtb != want)
        return guest_done("image");
    const volatile uint8_t *fdt = (const volatile uint8_t *)dtb;
    uint32_t total = be32(fdt + 4);
    CHECK("DTB magic", be32(fdt), FDT_MAGIC);
    CHECK("DTB no larger than 2 MiB", total <= (2u << 20), 1);
    CHECK("DTB has the command line", blob_has(fdt, total, "loader-test-cmdline"), 1);
    CHECK("DTB names the console", blob_has(fdt, total, "/pl011@9000000"), 1);
    CHECK("DTB has a psci node", blob_has(fdt, total, "arm,psci-0.2"), 1);
    return guest_done("image");
}
