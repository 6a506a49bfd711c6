/*
 * The `virt` board, as QEMU 7.2 builds it: the machine configuration that the
 * command line fills in, and the machine that is built from it.
 */
#ifndef ARMVIRT_VIRT_H
#define ARMVIRT_VIRT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "mem/physmem.h"

#define VIRT_RAM_BASE 0x40000000ull
/* QEMU's LEGACY_RAMLIMIT: RAM must end below 256 GiB. */
#define VIRT_RAM_MAX (255ull << 30)
#define VIRT_RAM_DEFAULT (512ull << 20)

/* Private peripheral interrupts of each core (QEMU's hw/arm/virt.h; the
 * GIC interrupt ID is 16 + PPI). The secure and hypervisor timers do not
 * exist without EL3 and EL2, but the device tree names them as QEMU does. */
#define VIRT_PPI_TIMER_NS_EL2 10
#define VIRT_PPI_TIMER_VIRT 11
#define VIRT_PPI_TIMER_S_EL1 13
#define VIRT_PPI_TIMER_NS_EL1 14
/* SPIs the GICv2m MSI frame owns, from its row's SPI on (NUM_GICV2M_SPIS). */
#define VIRT_GICV2M_SPIS 64

/* A disk image: -drive if=none,id=ID,file=F,format=raw[,readonly=on][,serial=S]. */
struct virt_drive {
    const char *id, *file, *serial;
    bool readonly;
};

/* A virtio device on the virtio-mmio transports: -device virtio-*-device. */
enum virt_virtio_kind { VIRT_VIRTIO_BLK, VIRT_VIRTIO_RNG, VIRT_VIRTIO_SERIAL, VIRT_VIRTIO_NET };
struct virt_virtio {
    enum virt_virtio_kind kind;
    const struct virt_drive *drive;   /* virtio-blk */
    const char *serial;               /* virtio-blk: overrides the drive's */
    const struct virt_netdev *netdev; /* virtio-net: its -netdev, or NULL */
    uint8_t mac[6];                   /* virtio-net */
};

#define VIRT_MAX_DRIVES 32
#define VIRT_VIRTIO_SLOTS 32   /* QEMU's NUM_VIRTIO_TRANSPORTS */

/* -netdev user|tap,id=ID,...: the whole spec, opened by its NIC. */
struct virt_netdev {
    const char *id, *spec;
};
#define VIRT_MAX_NETDEVS 32

/* -chardev BACKEND,id=ID,...: opened before the devices, found by id. */
struct virt_chardev {
    const char *id, *opts;
};
#define VIRT_MAX_CHARDEVS 32

/* A port on a virtio-serial-device (-device virtconsole|virtserialport):
 * `dev` indexes cfg.virtio, nr < 0 lets the device choose. */
struct virt_serial_port {
    unsigned dev;
    int nr;
    bool console;
    const char *chardev, *name;
};
#define VIRT_MAX_SERIAL_PORTS 64
#define VIRT_MAX_FAULTS 64

/* What the user asked for (QEMU's option spelling, see main.c). */
struct virt_config {
    uint64_t ram_size;
    const char *kernel, *initrd, *append, *dtb;
    const char *dumpdtb;        /* -machine dumpdtb=FILE: write the DTB and exit */
    const char *serial;         /* chardev spec for UART0, or NULL for none */
    bool semihosting;
    bool no_jit;                /* -accel tcg,jit=off: interpret every block */
    bool no_reboot;
    bool dtb_randomness;        /* /chosen rng-seed and kaslr-seed */
    /* -qtest SPEC: no CPU runs; a test drives the machine over QEMU's
     * qtest protocol (src/qtest), and virtual time moves only on request. */
    const char *qtest, *qtest_log;
    struct virt_drive drives[VIRT_MAX_DRIVES];
    unsigned n_drives;
    /* In command-line order; QEMU puts the first in the highest slot. */
    struct virt_virtio virtio[VIRT_VIRTIO_SLOTS];
    unsigned n_virtio;
    struct virt_netdev netdevs[VIRT_MAX_NETDEVS];
    unsigned n_netdevs;
    bool virtio_modern;    /* -global virtio-mmio.force-legacy=false */
    const char *faults[VIRT_MAX_FAULTS];   /* -fault RULE, checked (src/fault) */
    unsigned n_faults;
    struct virt_chardev chardevs[VIRT_MAX_CHARDEVS];
    unsigned n_chardevs;
    struct virt_serial_port serial_ports[VIRT_MAX_SERIAL_PORTS];
    unsigned n_serial_ports;
};

struct pl011;
struct pl031;
struct pl061;
struct qtest;
struct virtio_mmio;
struct virtio_blk;
struct virtio_rng;
struct virtio_net;
struct net_backend;
struct virtio_console;
struct block_backend;
struct gdbstub;
struct vclock;
struct chardev;
struct gic;
struct gicv2m;
struct fault_set;
struct cpu_timer;
struct virt;
struct dev_ops;

/* One row of the board's map: a device's window, its interrupt (SPI number,
 * -1 for none), its index among QEMU's /machine/unattached/device[N] objects
 * (the names qtest uses; -1 for none) and the function that creates, maps
 * and wires it (NULL: a region of QEMU's map not modelled yet). */
struct virt_region {
    const char *name;
    uint64_t base, size;
    int spi;
    int qom;
    bool (*create)(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
};

/* A device the board created, in creation order (the device tree's order). */
struct virt_device {
    const struct virt_region *region;
    const struct dev_ops *ops;
    void *dev;
};

#define VIRT_MAX_DEVICES 64

struct virt {
    struct virt_config cfg;
    struct physmem mem;
    struct cpu cpu;
    uint8_t *ram;
    struct chardev *serial;
    struct pl011 *uart;
    struct pl031 *rtc;
    struct pl061 *gpio;
    /* The virtio-mmio slots: a transport each, with its device (if any). */
    struct virt_region virtio_rows[VIRT_VIRTIO_SLOTS];
    struct virtio_mmio *virtio_mmio[VIRT_VIRTIO_SLOTS];
    struct virtio_blk *virtio_blk[VIRT_VIRTIO_SLOTS];
    struct virtio_rng *virtio_rng[VIRT_VIRTIO_SLOTS];
    struct virtio_net *virtio_net[VIRT_VIRTIO_SLOTS];
    struct net_backend *net_backends[VIRT_VIRTIO_SLOTS];   /* each NIC's, opened */
    struct virtio_console *virtio_console[VIRT_VIRTIO_SLOTS];
    struct chardev *chardevs[VIRT_MAX_CHARDEVS];   /* cfg.chardevs, opened */
    struct block_backend *disks[VIRT_VIRTIO_SLOTS];
    struct vclock *clock;       /* virtual time for device timers */
    struct qtest *qtest;
    struct fault_set *faults;   /* fault injection rules and points (src/fault) */
    struct gdbstub *gdb;        /* set by main.c after virt_create, or NULL */
    /* qtest's irq_intercept: the GIC's inputs (in), or one device's output
     * (out), go to the test instead of the GIC. */
    bool intercept_gic_in;
    const struct virt_region *intercept_out;
    struct gic *gic;
    struct gicv2m *v2m;
    struct cpu_timer *timer;    /* the core's generic timer thread */
    /* A core in WFI sleeps on `wake` until an interrupt line rises (or
     * virt_kick); wake_lock orders the check against the raise. */
    pthread_mutex_t wake_lock;
    pthread_cond_t wake;
    const struct virt_region *uart_region;   /* the console, for /chosen */
    const struct virt_region *gpio_region;   /* the power key's controller */
    struct virt_device devs[VIRT_MAX_DEVICES];
    unsigned n_devs;
    struct boot_info *boot;     /* loaded images, re-installed on reset */
    void *fdt;                  /* the device tree given to the guest */
    bool reset_requested;       /* PSCI SYSTEM_RESET */
    bool cpu_off;               /* PSCI CPU_OFF: the only core is off */
};

/* Builds the machine: RAM, devices, loaded images, device tree. On a user
 * error prints one line to stderr and returns false. */
bool virt_create(struct virt *vm, const struct virt_config *cfg);
/* Writes the generated device tree to cfg->dumpdtb; false (after one line
 * on stderr) if it cannot. */
bool virt_dump_dtb(struct virt *vm);
/* Runs the machine until it powers off or the guest exits; returns the
 * emulator's exit status. */
int virt_run(struct virt *vm);
void virt_destroy(struct virt *vm);

/* Makes the core leave cpu_run() at the next block boundary, waking it
 * from WFI (cpu_request_stop does not wake a sleeping core). Any thread. */
void virt_kick(struct virt *vm);

/* Puts the CPU and devices in their reset state and re-installs the boot
 * images (PSCI SYSTEM_RESET). */
void virt_reset(struct virt *vm);

#endif
