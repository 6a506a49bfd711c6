/*
 * The `virt` board: QEMU 7.2's memory map, the devices on it and how they
 * are wired. Every address, size and interrupt lives in virt_memmap[] below;
 * mapping, IRQ wiring and the device tree (fdt.c) all read it.
 *
 *   0x0000_0000 +--------------------------+
 *               | flash, 2 x 64 MiB        |  (not modelled yet)
 *   0x0800_0000 +--------------------------+
 *               | GIC distributor, CPU i/f |  (not modelled yet)
 *   0x0900_0000 +--------------------------+
 *               | PL011 UART0       SPI 1  |
 *   0x0901_0000 | PL031 RTC         SPI 2  |  (not modelled yet)
 *   0x0903_0000 | PL061 GPIO        SPI 7  |  (not modelled yet)
 *   0x0a00_0000 +--------------------------+
 *               | 32 virtio-mmio slots,    |  (not modelled yet)
 *               | 0x200 apart, SPI 16..47  |
 *   0x4000_0000 +--------------------------+
 *               | RAM (-m, default 512M)   |
 *               +--------------------------+
 *
 * Unmapped addresses answer with an external abort, as on QEMU.
 */
#include "machine/virt.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/chardev.h"
#include "dev/pl011.h"
#include "machine/boot.h"
#include "machine/fdt.h"
#include "machine/psci.h"
#include "machine/semihost.h"

#define ERR_LEN 256

static bool create_uart(struct virt *vm, const struct virt_region *r, char *err, size_t errlen);

/* In QEMU 7.2's creation order, which fixes the device tree's node order. */
static const struct virt_region virt_memmap[] = {
    {"uart", 0x09000000, 0x1000, 1, create_uart},
};

/* Interrupt outputs go nowhere until the GIC is modelled. */
static struct irq_line board_irq(struct virt *vm, const struct virt_region *r)
{
    return (struct irq_line){0};
}

static bool place_device(struct virt *vm, const struct virt_region *r, const struct dev_ops *ops,
                         void *dev)
{
    if (vm->n_devs == VIRT_MAX_DEVICES)
        return false;
    physmem_add_mmio(&vm->mem, r->name, r->base, r->size, ops, dev);
    vm->devs[vm->n_devs++] = (struct virt_device){r, ops, dev};
    return true;
}

static bool create_uart(struct virt *vm, const struct virt_region *r, char *err, size_t errlen)
{
    if (vm->cfg.serial) {
        vm->serial = chardev_open(vm->cfg.serial, err, errlen);
        if (!vm->serial)
            return false;
    }
    vm->uart = pl011_create(vm->serial, board_irq(vm, r));
    if (!vm->uart) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    vm->uart_region = r;
    return place_device(vm, r, &pl011_ops, vm->uart);
}

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
    physmem_init(&vm->mem);
    vm->ram = physmem_add_ram(&vm->mem, "ram", VIRT_RAM_BASE, cfg->ram_size);
    if (!vm->ram)
        return fail(vm, err, "cannot allocate guest RAM");
    cpu_init(&vm->cpu, &vm->mem, 0);
    vm->cpu.board = vm;
    vm->cpu.hooks = &board_hooks;
    vm->cpu.semihosting = cfg->semihosting;
    semihost_configure(VIRT_RAM_BASE, cfg->ram_size, cfg->append);

    for (size_t i = 0; i < sizeof(virt_memmap) / sizeof(virt_memmap[0]); i++)
        if (!virt_memmap[i].create(vm, &virt_memmap[i], err, sizeof(err)))
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
    if (cfg->kernel &&
        !boot_place_dtb(vm->boot, vm->fdt, fdt_totalsize(vm->fdt), err, sizeof(err)))
        return fail(vm, err, NULL);
    boot_install(vm->boot, &vm->mem, &vm->cpu);
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
    boot_install(vm->boot, &vm->mem, &vm->cpu);
}

/* A halted core (WFI) waits for an interrupt line. Until interrupt sources
 * exist nothing can wake it; we sleep rather than spin. */
static void wait_for_interrupt(struct virt *vm)
{
    const struct timespec tick = {0, 1000000};
    nanosleep(&tick, NULL);
}

int virt_run(struct virt *vm)
{
    struct cpu *cpu = &vm->cpu;
    for (;;) {
        if (vm->cpu_off || (cpu->halted && !cpu->irq_lines)) {
            wait_for_interrupt(vm);
            continue;
        }
        cpu->halted = false;
        cpu_run(cpu, 1u << 24);
        if (cpu->exit_requested) {
            if (!vm->reset_requested)
                return cpu->exit_status;
            virt_reset(vm);
        }
    }
}

/* Frees everything; safe on a machine virt_create gave up on half-way. */
void virt_destroy(struct virt *vm)
{
    if (vm->boot) {
        boot_free(vm->boot);
        free(vm->boot);
    }
    free(vm->fdt);
    if (vm->uart)
        pl011_destroy(vm->uart);
    if (vm->serial)
        chardev_close(vm->serial);
    cpu_destroy(&vm->cpu);
    physmem_destroy(&vm->mem);
}
