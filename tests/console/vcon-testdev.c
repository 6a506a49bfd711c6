/* QEMU's testdev behind a virtconsole, the way kvm-unit-tests reports its
 * result on Arm (-device virtio-serial-device -device virtconsole,chardev=t
 * -chardev testdev,id=t): a minimal virtio-mmio driver (virtio 1.2 spec
 * 3.1.1, 4.2.2-4.2.4) for the device in slot 31, no MULTIPORT, so port 0's
 * transmitq is queue 1 (spec 5.3.2). It sends "3q"; the emulator should
 * exit with (3 << 1) | 1 = 7. Legacy or modern, whichever the transport's
 * Version register says. Anything unexpected exits 40+ via semihosting. */
#include "guest.h"

#define MMIO 0x0a003e00UL
#define NUM 8

static volatile uint32_t *reg(unsigned off)
{
    return (volatile uint32_t *)(MMIO + off);
}

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

/* Legacy layout: descriptors and the available ring in the first page,
 * the used ring at the next 4096-byte boundary. */
static uint8_t ring[2 * 4096] __attribute__((aligned(4096)));
static const char msg[] = "3q";

int main(void)
{
    if (*reg(0x000) != 0x74726976 || *reg(0x008) != 3)
        guest_exit(40);
    unsigned version = *reg(0x004);
    struct desc *d = (struct desc *)ring;
    volatile uint16_t *avail = (volatile uint16_t *)(ring + 16 * NUM);
    uint64_t used = (uint64_t)ring + 4096;

    *reg(0x070) = 0;
    *reg(0x070) = 1 | 2;                     /* ACKNOWLEDGE | DRIVER */
    if (version == 2) {
        *reg(0x024) = 1;
        *reg(0x020) = 1;                     /* VIRTIO_F_VERSION_1 */
        *reg(0x024) = 0;
        *reg(0x020) = 0;
        *reg(0x070) = 1 | 2 | 8;             /* FEATURES_OK */
        if (!(*reg(0x070) & 8))
            guest_exit(41);
    } else {
        *reg(0x024) = 0;
        *reg(0x020) = 0;
        *reg(0x028) = 4096;                  /* GuestPageSize */
    }
    *reg(0x030) = 1;                         /* port 0's transmitq */
    if (*reg(0x034) < NUM)
        guest_exit(42);
    *reg(0x038) = NUM;
    if (version == 2) {
        *reg(0x080) = (uint32_t)(uint64_t)d;
        *reg(0x084) = (uint32_t)((uint64_t)d >> 32);
        *reg(0x090) = (uint32_t)(uint64_t)avail;
        *reg(0x094) = (uint32_t)((uint64_t)avail >> 32);
        *reg(0x0a0) = (uint32_t)used;
        *reg(0x0a4) = (uint32_t)(used >> 32);
        *reg(0x044) = 1;                     /* QueueReady */
    } else {
        *reg(0x03c) = 4096;                  /* QueueAlign */
        *reg(0x040) = (uint32_t)((uint64_t)ring >> 12);
    }
    *reg(0x070) = *reg(0x070) | 4;           /* DRIVER_OK */

    d[0] = (struct desc){(uint64_t)msg, 2, 0, 0};
    avail[2] = 0;                            /* ring[0] = descriptor 0 */
    __asm__ volatile("dsb sy" ::: "memory");
    avail[1] = 1;                            /* idx */
    __asm__ volatile("dsb sy" ::: "memory");
    *reg(0x050) = 1;                         /* QueueNotify */
    for (volatile unsigned long i = 0; i < 100000000; i++)
        ;
    guest_exit(43);
}
