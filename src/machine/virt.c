/*
 * The `virt` board: QEMU 7.2's memory map, the devices on it and how they
 * are wired. Every address, size and interrupt lives in virt_memmap[] below;
 * mapping, IRQ wiring and the device tree (fdt.c) all read it.
 *
 *   0x0000_0000 +--------------------------+
 *               | flash, 2 x 64 MiB        |  (not modelled yet)
 *   0x0800_0000 +--------------------------+
 *               | GICv2 distributor        |
 *   0x0801_0000 | GICv2 CPU interface      |
 *   0x0802_0000 | GICv2m MSI frame SPI 48+ |  (64 SPIs: 48..111)
 *   0x0900_0000 +--------------------------+
 *               | PL011 UART0       SPI 1  |
 *   0x0901_0000 | PL031 RTC         SPI 2  |
 *   0x0902_0000 | fw_cfg                   |  (not modelled yet)
 *   0x0903_0000 | PL061 GPIO        SPI 7  |  (line 3: the power key)
 *   0x0a00_0000 +--------------------------+
 *               | 32 virtio-mmio slots,    |  (blk, rng, net, console)
 *               | 0x200 apart, SPI 16..47  |
 *   0x0c00_0000 | platform bus             |  (not modelled yet)
 *   0x1000_0000 | PCIe MMIO, PIO, ECAM     |  (not modelled yet)
 *   0x4000_0000 +--------------------------+
 *               | RAM (-m, default 512M)   |
 *               +--------------------------+
 *
 * Unmapped addresses answer with an external abort, as on QEMU.
 */
#include "machine/virt.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/chardev.h"
#include "cpu/jit.h"
#include "cpu/timer.h"
#include "dev/gic.h"
#include "dev/gicv2m.h"
#include "dev/pl011.h"
#include "dev/pl031.h"
#include "dev/pl061.h"
#include "backend/block.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_console.h"
#include "dev/virtio_mmio.h"
#include "dev/virtio_rng.h"
#include "dev/virtio_net.h"
#include "backend/net.h"
#include "fault/fault.h"
#include "gdb/gdbstub.h"
#include "machine/boot.h"
#include "machine/fdt.h"
#include "machine/psci.h"
#include "machine/semihost.h"
#include "machine/vclock.h"
#include "qtest/qtest.h"

#define ERR_LEN 256

static bool create_gic(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_gic_cpu(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_gicv2m(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_uart(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_rtc(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_gpio(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);
static bool create_gpio_keys(struct virt *vm, const struct virt_region *r, char *err,
                             size_t errlen);
static bool create_virtio(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);

/* In QEMU 7.2's creation order, which fixes the device tree's node order
 * (the interrupt controller comes before everything that names it). The
 * GIC rows must stay in this order: the CPU interface and the MSI frame
 * attach to the distributor's GIC. The MSI frame's SPI is the first of the
 * VIRT_GICV2M_SPIS it owns. */
static const struct virt_region virt_memmap[] = {
    {"flash", 0x00000000, 0x08000000, -1, -1, NULL},
    {"gic-dist", 0x08000000, 0x10000, -1, 1, create_gic},
    {"gic-cpu", 0x08010000, 0x10000, -1, -1, create_gic_cpu},
    {"gicv2m", 0x08020000, 0x1000, 48, 2, create_gicv2m},
    {"uart", 0x09000000, 0x1000, 1, 3, create_uart},
    {"rtc", 0x09010000, 0x1000, 2, 4, create_rtc},
    {"pcie-mmio", 0x10000000, 0x2eff0000, 3, 5, NULL},
    {"gpio", 0x09030000, 0x1000, 7, 7, create_gpio},
    /* No window: the gpio-keys node describing the power key on line 3. */
    {"gpio-keys", 0, 0, -1, 8, create_gpio_keys},
    /* VIRT_VIRTIO_SLOTS transports of VIRTIO_MMIO_SIZE; slot i has SPI
     * 16 + i and is QEMU's device[9 + i]. */
    {"virtio-mmio", 0x0a000000, VIRT_VIRTIO_SLOTS * VIRTIO_MMIO_SIZE, 16, 9, create_virtio},
    {"fw-cfg", 0x09020000, 0x18, -1, -1, NULL},
    {"platform-bus", 0x0c000000, 0x02000000, 112, -1, NULL},
};

/* The power key: PL061 line 3, Linux input code KEY_POWER (0x74). */
#define POWER_KEY_LINE 3
#define KEY_POWER 0x74

/* Where a device's interrupt output goes: the GIC's input for the SPI,
 * unless a qtest client intercepts the GIC's inputs (it sees "IRQ raise
 * <spi>") or this device's output ("IRQ raise 0"). */
static void board_spi(void *sink, unsigned spi, int level)
{
    struct virt *vm = sink;
    if (vm->qtest && vm->intercept_out && vm->intercept_out->spi == (int)spi) {
        qtest_irq(vm->qtest, 0, level);
        return;
    }
    if (vm->qtest && vm->intercept_gic_in) {
        qtest_irq(vm->qtest, spi, level);
        return;
    }
    struct irq_line line = gic_spi_line(vm->gic, spi);
    irq_set(&line, level);
}

/* A device's interrupt output: its row's SPI, through board_spi (and
 * the fault rules that may hold it low, src/fault). */
static struct irq_line board_irq(struct virt *vm, const struct virt_region *r)
{
    if (!vm->gic || r->spi < 0)
        return (struct irq_line){0};
    return fault_irq_line(vm->faults, r->name, r->base,
                          (struct irq_line){board_spi, vm, (unsigned)r->spi});
}

/* Maps the first `mapped` bytes of the row's window (the rest aborts, as
 * on QEMU where the device's registers are smaller than the window). */
static bool place_device_window(struct virt *vm, const struct virt_region *r, uint64_t mapped,
                                const struct dev_ops *ops, void *dev)
{
    if (vm->n_devs == VIRT_MAX_DEVICES)
        return false;
    physmem_add_mmio(&vm->mem, r->name, r->base, mapped < r->size ? mapped : r->size, ops, dev);
    vm->devs[vm->n_devs++] = (struct virt_device){r, ops, dev};
    return true;
}

static bool place_device(struct virt *vm, const struct virt_region *r, const struct dev_ops *ops,
                         void *dev)
{
    return place_device_window(vm, r, r->size, ops, dev);
}

/* The GIC's IRQ and FIQ outputs for core n / 2 (FIQ when n is odd): the
 * core's interrupt lines, set atomically because any thread may drive them.
 * A rising line wakes the core from WFI. */
static void board_cpu_line(void *sink, unsigned n, int level)
{
    struct virt *vm = sink;
    struct cpu *cpu = &vm->cpu;
    uint32_t bit = (n & 1) ? CPU_FIQ_LINE : CPU_IRQ_LINE;
    if (!level) {
        __atomic_fetch_and(&cpu->irq_lines, ~bit, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_fetch_or(&cpu->irq_lines, bit, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&vm->wake_lock);
    pthread_cond_broadcast(&vm->wake);
    pthread_mutex_unlock(&vm->wake_lock);
}

static bool create_gic(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    const struct irq_line irq = {board_cpu_line, vm, 0}, fiq = {board_cpu_line, vm, 1};
    vm->gic = gic_create(1, &irq, &fiq);
    if (!vm->gic) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return place_device_window(vm, r, GIC_DIST_REGS_SIZE, &gic_dist_ops, vm->gic);
}

static bool create_gic_cpu(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    return place_device_window(vm, r, GIC_CPU_REGS_SIZE, &gic_cpu_ops, vm->gic);
}

static bool create_gicv2m(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    vm->v2m = gicv2m_create(board_irq(vm, r), (unsigned)r->spi, VIRT_GICV2M_SPIS);
    if (!vm->v2m) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return place_device(vm, r, &gicv2m_ops, vm->v2m);
}

/* The core's generic timer outputs go to its GIC PPIs (QEMU's
 * ARCH_TIMER_NS_EL1_IRQ and ARCH_TIMER_VIRT_IRQ). */
static bool wire_timer(struct virt *vm, char *err, size_t errlen)
{
    vm->timer = timer_attach(&vm->cpu, gic_ppi_line(vm->gic, 0, VIRT_PPI_TIMER_NS_EL1),
                             gic_ppi_line(vm->gic, 0, VIRT_PPI_TIMER_VIRT));
    if (!vm->timer) {
        snprintf(err, errlen, "cannot start the timer thread");
        return false;
    }
    return true;
}

/* Opens every -chardev (before the devices, as QEMU: a socket server with
 * wait=on holds start-up here until its client connects). */
static bool open_chardevs(struct virt *vm, char *err, size_t errlen)
{
    for (unsigned i = 0; i < vm->cfg.n_chardevs; i++) {
        vm->chardevs[i] = chardev_open_options(vm->cfg.chardevs[i].opts, err, errlen);
        if (!vm->chardevs[i])
            return false;
    }
    return true;
}

/* The opened -chardev with this id (main.c checked that it exists). */
static struct chardev *chardev_by_id(struct virt *vm, const char *id)
{
    for (unsigned i = 0; id && i < vm->cfg.n_chardevs; i++)
        if (!strcmp(vm->cfg.chardevs[i].id, id))
            return vm->chardevs[i];
    return NULL;
}

static void close_chardevs(struct virt *vm)
{
    for (unsigned i = 0; i < VIRT_MAX_CHARDEVS; i++)
        if (vm->chardevs[i])
            chardev_close(vm->chardevs[i]);
}

/* A virtio-serial-device and the ports -device virtconsole/virtserialport
 * put on it (cfg.virtio[n]). */
static struct virtio_device *create_virtio_serial(struct virt *vm, unsigned slot, unsigned n,
                                                  char *err, size_t errlen)
{
    struct virtio_console *con = virtio_console_create(&vm->mem);
    if (!con) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vm->virtio_console[slot] = con;
    for (unsigned i = 0; i < vm->cfg.n_serial_ports; i++) {
        const struct virt_serial_port *p = &vm->cfg.serial_ports[i];
        if (p->dev == n && !virtio_console_add_port(con, p->nr, p->console, p->name,
                                                    chardev_by_id(vm, p->chardev), err, errlen))
            return NULL;
    }
    return virtio_console_device(con);
}

static bool create_uart(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    struct chardev *chr = NULL;
    if (vm->cfg.serial && !strncmp(vm->cfg.serial, "chardev:", 8)) {
        chr = chardev_by_id(vm, vm->cfg.serial + 8);   /* a -chardev: not ours to close */
    } else if (vm->cfg.serial) {
        vm->serial = chardev_open(vm->cfg.serial, err, errlen);
        if (!vm->serial)
            return false;
        chr = vm->serial;
    }
    vm->uart = pl011_create(chr, board_irq(vm, r));
    if (!vm->uart) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    pl011_set_fault(vm->uart, fault_point_add(vm->faults, FAULT_TARGET_UART, "0", r->spi));
    vm->uart_region = r;
    return place_device(vm, r, &pl011_ops, vm->uart);
}

static bool create_rtc(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    vm->rtc = pl031_create(vm->clock, board_irq(vm, r));
    if (!vm->rtc) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return place_device(vm, r, &pl031_ops, vm->rtc);
}

static bool create_gpio(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    vm->gpio = pl061_create(board_irq(vm, r));
    if (!vm->gpio) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    vm->gpio_region = r;
    return place_device(vm, r, &pl061_ops, vm->gpio);
}

/* The gpio-keys node QEMU writes next to the PL061: the power key, active
 * high on line 3 (Linux's gpio-keys driver turns it into KEY_POWER). */
static int gpio_keys_fdt_node(void *dev, const struct fdt_ctx *ctx)
{
    struct virt *vm = ctx->board;
    char path[48];
    snprintf(path, sizeof(path), "/pl061@%llx", (unsigned long long)vm->gpio_region->base);
    int gpio = fdt_path_offset(ctx->fdt, path), rc;
    if (gpio < 0)
        return gpio;
    uint32_t phandle = fdt_get_phandle(ctx->fdt, gpio);
    int keys = fdt_add_subnode(ctx->fdt, 0, "gpio-keys");
    if (keys < 0)
        return keys;
    if ((rc = fdt_setprop_string(ctx->fdt, keys, "compatible", "gpio-keys")))
        return rc;
    int key = fdt_add_subnode(ctx->fdt, keys, "poweroff");
    if (key < 0)
        return key;
    const fdt32_t gpios[3] = {cpu_to_fdt32(phandle), cpu_to_fdt32(POWER_KEY_LINE), 0};
    if ((rc = fdt_setprop_string(ctx->fdt, key, "label", "GPIO Key Poweroff")) ||
        (rc = fdt_setprop_u32(ctx->fdt, key, "linux,code", KEY_POWER)) ||
        (rc = fdt_setprop(ctx->fdt, key, "gpios", gpios, sizeof(gpios))))
        return rc;
    return 0;
}

static const struct dev_ops gpio_keys_ops = {
    .name = "gpio-keys",
    .fdt_node = gpio_keys_fdt_node,
};

static bool create_gpio_keys(struct virt *vm, const struct virt_region *r, char *err,
                             size_t errlen)
{
    if (!vm->gpio_region || vm->n_devs == VIRT_MAX_DEVICES)
        return false;
    vm->devs[vm->n_devs++] = (struct virt_device){r, &gpio_keys_ops, vm};
    return true;
}

/* The fault point of the disk on `drive` in `slot`: named by the drive's
 * id, or "virtioN" for the Nth drive without one (-drive if=virtio), as
 * QEMU names those. */
static struct fault_point *fault_drive_point(struct virt *vm, const struct virt_drive *drive,
                                             unsigned slot)
{
    char name[32];
    if (!drive->id) {
        unsigned n = 0;
        for (const struct virt_drive *d = vm->cfg.drives; d < drive; d++)
            n += !d->id;
        snprintf(name, sizeof(name), "virtio%u", n);
    }
    return fault_point_add(vm->faults, FAULT_TARGET_DRIVE, drive->id ? drive->id : name,
                           vm->virtio_rows[slot].spi);
}

/* Adds the -fault rules once every device has its fault point. */
static bool add_faults(struct virt *vm, char *err, size_t errlen)
{
    for (unsigned i = 0; i < vm->cfg.n_faults; i++) {
        char why[160];
        if (!fault_add(vm->faults, vm->cfg.faults[i], why, sizeof(why))) {
            snprintf(err, errlen, "-fault %.80s: %s", vm->cfg.faults[i], why);
            return false;
        }
    }
    return true;
}

/* The virtio device for slot `slot`, or NULL for an empty one. QEMU fills
 * the slots from the top: the first -device gets slot 31. */
/* A virtio-net NIC in `slot`, with its -netdev opened for it. */
static struct virtio_device *create_virtio_net(struct virt *vm, unsigned slot,
                                               const struct virt_virtio *v, char *err,
                                               size_t errlen)
{
    if (v->netdev) {
        vm->net_backends[slot] = net_open(v->netdev->spec, err, errlen);
        if (!vm->net_backends[slot])
            return NULL;
    }
    vm->virtio_net[slot] = virtio_net_create(&vm->mem, vm->net_backends[slot], v->mac);
    if (!vm->virtio_net[slot])
        snprintf(err, errlen, "out of memory");
    else if (v->netdev)
        virtio_net_set_fault(vm->virtio_net[slot],
                             fault_point_add(vm->faults, FAULT_TARGET_NETDEV, v->netdev->id,
                                             vm->virtio_rows[slot].spi));
    return vm->virtio_net[slot] ? virtio_net_device(vm->virtio_net[slot]) : NULL;
}

static struct virtio_device *create_virtio_device(struct virt *vm, unsigned slot, char *err,
                                                  size_t errlen)
{
    unsigned n = VIRT_VIRTIO_SLOTS - 1 - slot;
    if (n >= vm->cfg.n_virtio)
        return NULL;
    const struct virt_virtio *v = &vm->cfg.virtio[n];
    if (v->kind == VIRT_VIRTIO_SERIAL)
        return create_virtio_serial(vm, slot, n, err, errlen);
    if (v->kind == VIRT_VIRTIO_NET)
        return create_virtio_net(vm, slot, v, err, errlen);
    if (v->kind == VIRT_VIRTIO_RNG) {
        vm->virtio_rng[slot] = virtio_rng_create(&vm->mem);
        return vm->virtio_rng[slot] ? virtio_rng_device(vm->virtio_rng[slot]) : NULL;
    }
    int rc = block_open(v->drive->file, v->drive->readonly, &vm->disks[slot]);
    if (rc < 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", v->drive->file, strerror(-rc));
        return NULL;
    }
    vm->virtio_blk[slot] = virtio_blk_create(&vm->mem, vm->disks[slot],
                                             v->serial ? v->serial : v->drive->serial);
    if (vm->virtio_blk[slot])
        virtio_blk_set_fault(vm->virtio_blk[slot], fault_drive_point(vm, v->drive, slot));
    return vm->virtio_blk[slot] ? virtio_blk_device(vm->virtio_blk[slot]) : NULL;
}

/* All the transports, empty or not, as QEMU always makes them. They are
 * listed from the highest slot down so that the device tree (libfdt puts
 * each new node first) shows the lowest address first, as QEMU's does. */
static bool create_virtio(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    for (int slot = VIRT_VIRTIO_SLOTS - 1; slot >= 0; slot--) {
        struct virt_region *row = &vm->virtio_rows[slot];
        *row = *r;
        row->base = r->base + (uint64_t)slot * VIRTIO_MMIO_SIZE;
        row->size = VIRTIO_MMIO_SIZE;
        row->spi = r->spi + slot;
        row->qom = r->qom + slot;
        err[0] = '\0';
        struct virtio_device *dev = create_virtio_device(vm, (unsigned)slot, err, errlen);
        if (err[0])
            return false;
        vm->virtio_mmio[slot] = virtio_mmio_create(dev, !vm->cfg.virtio_modern, board_irq(vm, row));
        if (!vm->virtio_mmio[slot]) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        if (!place_device(vm, row, &virtio_mmio_ops, vm->virtio_mmio[slot]))
            return false;
    }
    return true;
}

static void destroy_virtio(struct virt *vm)
{
    for (unsigned slot = 0; slot < VIRT_VIRTIO_SLOTS; slot++) {
        if (vm->virtio_mmio[slot])
            virtio_mmio_destroy(vm->virtio_mmio[slot]);
        if (vm->virtio_blk[slot])
            virtio_blk_destroy(vm->virtio_blk[slot]);
        if (vm->virtio_rng[slot])
            virtio_rng_destroy(vm->virtio_rng[slot]);
        if (vm->virtio_net[slot])
            virtio_net_destroy(vm->virtio_net[slot]);
        if (vm->net_backends[slot])
            net_close(vm->net_backends[slot]);
        if (vm->virtio_console[slot])
            virtio_console_destroy(vm->virtio_console[slot]);
        if (vm->disks[slot])
            block_close(vm->disks[slot]);
    }
}

/* ---- qtest ---- */

/* QEMU's /machine/unattached/device[N] naming, from the rows' qom field. */
static const struct virt_region *region_by_path(const struct virt *vm, const char *path)
{
    static const char prefix[] = "/machine/unattached/device[";
    if (strncmp(path, prefix, sizeof(prefix) - 1))
        return NULL;
    char *end;
    long n = strtol(path + sizeof(prefix) - 1, &end, 10);
    if (strcmp(end, "]"))
        return NULL;
    for (unsigned i = 0; i < vm->n_devs; i++)
        if (vm->devs[i].region->qom == n)
            return vm->devs[i].region;
    return NULL;
}

static const char *board_qtest_intercept(void *board, const char *path, bool in)
{
    struct virt *vm = board;
    const struct virt_region *r = region_by_path(vm, path);
    if (!r)
        return "Unknown device";
    if (in) {
        if (r->create != create_gic)
            return "No intercepts installed";   /* only the GIC's inputs are modelled */
        vm->intercept_gic_in = true;
    } else {
        if (r->spi < 0)
            return "No intercepts installed";
        vm->intercept_out = r;
    }
    return NULL;
}

static const char *board_qtest_set_irq_in(void *board, const char *path, const char *name,
                                          int n, int level)
{
    struct virt *vm = board;
    const struct virt_region *r = region_by_path(vm, path);
    if (!r)
        return "Unknown device";
    if (name)
        return "Interception of named in-GPIOs not yet supported";
    if (r->create == create_gic && n >= 0) {
        struct irq_line line = gic_spi_line(vm->gic, (unsigned)n);
        irq_set(&line, level);
    } else if (r->create == create_gpio && n >= 0) {
        pl061_set_input(vm->gpio, (unsigned)n, level);
    }
    return NULL;
}

static const struct qtest_board_ops board_qtest_ops = {
    .intercept = board_qtest_intercept,
    .set_irq_in = board_qtest_set_irq_in,
};

/* ---- firmware hooks ---- */

static bool board_firmware_call(struct cpu *cpu, bool smc, uint16_t imm)
{
    struct virt *vm = cpu->board;
    /* The PSCI conduit is HVC (no EL3 here): an SMC is UNDEFINED. */
    if (smc)
        return false;
    switch (psci_call(cpu)) {
    case PSCI_NONE:
        break;
    case PSCI_POWER_OFF:
        cpu->exit_requested = true;
        cpu->exit_status = 0;
        break;
    case PSCI_RESET:
        cpu->exit_requested = true;
        cpu->exit_status = 0;
        vm->reset_requested = !vm->cfg.no_reboot;
        break;
    case PSCI_CPU_OFF:
        vm->cpu_off = true;
        cpu->halted = true;
        break;
    }
    return true;
}

static const struct cpu_hooks board_hooks = {
    .firmware_call = board_firmware_call,
    .semihosting = semihost_call,
};

/* ---- building, running, resetting ---- */

/* Reports a start-up error (msg, or the reason in err) and frees what
 * virt_create had built. */
static bool fail(struct virt *vm, const char *err, const char *msg)
{
    fprintf(stderr, "armvirt: %s\n", msg ? msg : err);
    virt_destroy(vm);
    return false;
}

bool virt_create(struct virt *vm, const struct virt_config *cfg)
{
    char err[ERR_LEN] = "";
    memset(vm, 0, sizeof(*vm));
    vm->cfg = *cfg;
    pthread_mutex_init(&vm->wake_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&vm->wake, &attr);
    pthread_condattr_destroy(&attr);
    physmem_init(&vm->mem);
    vm->faults = fault_set_new();
    vm->clock = vclock_new(cfg->qtest != NULL);
    if (!vm->clock)
        return fail(vm, err, "cannot start the clock thread");
    vm->ram = physmem_add_ram(&vm->mem, "ram", VIRT_RAM_BASE, cfg->ram_size);
    if (!vm->ram)
        return fail(vm, err, "cannot allocate guest RAM");
    cpu_init(&vm->cpu, &vm->mem, 0);
    vm->cpu.board = vm;
    vm->cpu.hooks = &board_hooks;
    vm->cpu.semihosting = cfg->semihosting;
    if (cfg->no_jit)
        vm->cpu.jit_policy = JIT_OFF;
    semihost_configure(VIRT_RAM_BASE, cfg->ram_size, cfg->append);

    if (!open_chardevs(vm, err, sizeof(err)))
        return fail(vm, err, NULL);
    for (size_t i = 0; i < sizeof(virt_memmap) / sizeof(virt_memmap[0]); i++)
        if (virt_memmap[i].create && !virt_memmap[i].create(vm, &virt_memmap[i], err, sizeof(err)))
            return fail(vm, err, err[0] ? NULL : "too many devices");
    if (!add_faults(vm, err, sizeof(err)))
        return fail(vm, err, NULL);
    if (!wire_timer(vm, err, sizeof(err)))
        return fail(vm, err, NULL);

    vm->boot = calloc(1, sizeof(*vm->boot));
    if (!vm->boot)
        return fail(vm, err, "out of memory");
    vm->boot->ram_base = VIRT_RAM_BASE;
    vm->boot->ram_size = cfg->ram_size;
    if (cfg->kernel && !boot_load_kernel(vm->boot, cfg->kernel, err, sizeof(err)))
        return fail(vm, err, NULL);
    if (cfg->initrd && !boot_load_initrd(vm->boot, cfg->initrd, err, sizeof(err)))
        return fail(vm, err, NULL);

    vm->fdt = virt_fdt_create(vm, err, sizeof(err));
    if (!vm->fdt)
        return fail(vm, err, NULL);
    /* With no kernel the DTB still goes to the start of RAM, where QEMU
     * puts it for firmware to find. */
    if (!boot_place_dtb(vm->boot, vm->fdt, fdt_totalsize(vm->fdt), err, sizeof(err)))
        return fail(vm, err, NULL);
    boot_install(vm->boot, &vm->mem, &vm->cpu);
    if (cfg->qtest) {
        vm->qtest = qtest_open(cfg->qtest, cfg->qtest_log, &vm->mem, vm->clock,
                               &board_qtest_ops, vm, err, sizeof(err));
        if (!vm->qtest)
            return fail(vm, err, NULL);
        qtest_set_faults(vm->qtest, vm->faults);
    }
    return true;
}

bool virt_dump_dtb(struct virt *vm)
{
    FILE *f = fopen(vm->cfg.dumpdtb, "wb");
    size_t size = fdt_totalsize(vm->fdt);
    if (!f || fwrite(vm->fdt, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "armvirt: cannot write device tree to '%s'\n", vm->cfg.dumpdtb);
        return false;
    }
    /* QEMU's wording, so scripts written for it keep working. */
    fprintf(stderr, "armvirt: info: dtb dumped to %s. Exiting.\n", vm->cfg.dumpdtb);
    return true;
}

void virt_reset(struct virt *vm)
{
    vm->reset_requested = false;
    vm->cpu_off = false;
    memset(vm->ram, 0, vm->cfg.ram_size);
    for (unsigned i = 0; i < vm->n_devs; i++)
        if (vm->devs[i].ops->reset)
            vm->devs[i].ops->reset(vm->devs[i].dev);
    cpu_reset(&vm->cpu);
    timer_sync(&vm->cpu);   /* the timer registers are back to 0: outputs low */
    boot_install(vm->boot, &vm->mem, &vm->cpu);
}

void virt_kick(struct virt *vm)
{
    cpu_request_stop(&vm->cpu);
    pthread_mutex_lock(&vm->wake_lock);
    pthread_cond_broadcast(&vm->wake);
    pthread_mutex_unlock(&vm->wake_lock);
}

/* How long a sleeping core waits before it looks again on its own: a
 * safety net for a stop request made without virt_kick. */
#define WAKE_POLL_NS 100000000L

/* A halted core (WFI) sleeps until an interrupt line is raised or a stop
 * is requested; a core that PSCI turned off sleeps until the machine ends.
 * The lines are tested under wake_lock, which every raise takes after
 * setting its line, so no wake-up is lost. */
static void wait_for_interrupt(struct virt *vm)
{
    struct cpu *cpu = &vm->cpu;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += WAKE_POLL_NS;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&vm->wake_lock);
    while ((vm->cpu_off || !(cpu_irq_lines(cpu) || cpu->stop_request)) && !cpu->exit_requested)
        if (pthread_cond_timedwait(&vm->wake, &vm->wake_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&vm->wake_lock);
}

int virt_run(struct virt *vm)
{
    struct cpu *cpu = &vm->cpu;
    /* Under qtest no CPU runs: the test drives the machine until it hangs up. */
    if (vm->qtest) {
        qtest_serve(vm->qtest);
        return 0;
    }
    for (;;) {
        /* The debugger may hold the core stopped, or step it. */
        uint64_t budget = 1u << 24;
        if (vm->gdb && !(budget = gdb_before_run(vm->gdb, budget)))
            return 0;   /* killed from the debugger, as QEMU exits */
        if (vm->cpu_off || (cpu->halted && !cpu_irq_lines(cpu) && !cpu->stop_request)) {
            wait_for_interrupt(vm);
            continue;
        }
        cpu->halted = false;
        enum cpu_stop why = cpu_run(cpu, budget);
        if (vm->gdb)
            gdb_after_run(vm->gdb, why);
        if (cpu->exit_requested) {
            if (!vm->reset_requested) {
                if (vm->gdb)
                    gdb_guest_exited(vm->gdb, cpu->exit_status);
                return cpu->exit_status;
            }
            virt_reset(vm);
        }
    }
}

/* Frees everything; safe on a machine virt_create gave up on half-way. */
void virt_destroy(struct virt *vm)
{
    /* The timer and clock threads drive devices: stop them first. */
    if (vm->timer)
        timer_detach(vm->timer);
    vclock_free(vm->clock);
    qtest_close(vm->qtest);
    if (vm->boot) {
        boot_free(vm->boot);
        free(vm->boot);
    }
    free(vm->fdt);
    if (vm->uart)
        pl011_destroy(vm->uart);
    pl031_destroy(vm->rtc);
    pl061_destroy(vm->gpio);
    destroy_virtio(vm);
    if (vm->serial)
        chardev_close(vm->serial);
    close_chardevs(vm);
    if (vm->v2m)
        gicv2m_destroy(vm->v2m);
    if (vm->gic)
        gic_destroy(vm->gic);
    cpu_destroy(&vm->cpu);
    fault_set_free(vm->faults);   /* after every device that held a point */
    physmem_destroy(&vm->mem);
    pthread_cond_destroy(&vm->wake);
    pthread_mutex_destroy(&vm->wake_lock);
}
