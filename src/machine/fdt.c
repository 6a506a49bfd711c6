/*
 * Device-tree generation for the virt board (see fdt.h). The board-level
 * nodes (root, /chosen, the APB clock, /cpus, /memory, /psci) are written
 * here; each device writes its own node through dev_ops.fdt_node.
 */
#include "machine/fdt.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "machine/boot.h"
#include "machine/psci.h"
#include "machine/virt.h"

/* Room for the generated tree; packed before use. QEMU uses 1 MiB too. */
#define FDT_BUILD_SIZE (1u << 20)
/* How much a user's tree may grow when we add /memory, /chosen and /psci. */
#define FDT_USER_SLACK (64u << 10)

/* QEMU 7.2 hands out phandles from 0x8000 upwards, the clock first. */
#define PHANDLE_CLOCK 0x8000u
#define PHANDLE_CPU0 0x8001u
#define APB_CLOCK_HZ 24000000u

static bool fail(char *err, size_t errlen, int rc, const char *what)
{
    snprintf(err, errlen, "device tree: %s: %s", what, fdt_strerror(rc));
    return false;
}

/* A property of 64-bit values written as pairs of cells (#address-cells =
 * #size-cells = 2 at the root). */
static int setprop_u64s(void *fdt, int node, const char *name, const uint64_t *v, unsigned n)
{
    fdt64_t cells[8];
    for (unsigned i = 0; i < n && i < 8; i++)
        cells[i] = cpu_to_fdt64(v[i]);
    return fdt_setprop(fdt, node, name, cells, (int)(n * sizeof(cells[0])));
}

/* An address in one cell when it fits, as QEMU writes the initrd bounds
 * (Linux reads either size). */
static int setprop_addr(void *fdt, int node, const char *name, uint64_t v)
{
    if (v <= UINT32_MAX)
        return fdt_setprop_u32(fdt, node, name, (uint32_t)v);
    return fdt_setprop_u64(fdt, node, name, v);
}

/* First cell of a GIC interrupt specifier (binding arm,gic.yaml). */
#define GIC_FDT_IRQ_TYPE_SPI 0u
#define GIC_FDT_IRQ_TYPE_PPI 1u
/* Bits 15..8 of a GICv2 PPI's flags: the CPUs it is wired to. */
#define GIC_FDT_PPI_CPU_SHIFT 8

/* `interrupts = <0 spi flags>`: a shared peripheral interrupt of the GIC. */
static int fdt_irq_gic(const struct fdt_ctx *ctx, int node, unsigned spi, unsigned flags)
{
    const fdt32_t cells[3] = {cpu_to_fdt32(GIC_FDT_IRQ_TYPE_SPI), cpu_to_fdt32(spi),
                              cpu_to_fdt32(flags)};
    return fdt_setprop(ctx->fdt, node, "interrupts", cells, sizeof(cells));
}

/* The architected timer's PPIs in QEMU's order (secure, non-secure
 * physical, virtual, hypervisor), level-high, wired to every core. */
static int add_timer(void *fdt, unsigned ncpu)
{
    static const unsigned ppis[4] = {VIRT_PPI_TIMER_S_EL1, VIRT_PPI_TIMER_NS_EL1,
                                     VIRT_PPI_TIMER_VIRT, VIRT_PPI_TIMER_NS_EL2};
    const uint32_t flags = IRQ_TYPE_LEVEL_HIGH | ((1u << ncpu) - 1) << GIC_FDT_PPI_CPU_SHIFT;
    fdt32_t cells[12];
    for (unsigned i = 0; i < 4; i++) {
        cells[3 * i] = cpu_to_fdt32(GIC_FDT_IRQ_TYPE_PPI);
        cells[3 * i + 1] = cpu_to_fdt32(ppis[i]);
        cells[3 * i + 2] = cpu_to_fdt32(flags);
    }
    static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
    int node = fdt_add_subnode(fdt, 0, "timer"), rc;
    if (node < 0)
        return node;
    if ((rc = fdt_setprop(fdt, node, "compatible", compat, sizeof(compat))) ||
        (rc = fdt_setprop(fdt, node, "always-on", NULL, 0)) ||
        (rc = fdt_setprop(fdt, node, "interrupts", cells, sizeof(cells))))
        return rc;
    return 0;
}

/* The interrupt controller a device wrote (the node with an
 * `interrupt-controller` property) becomes the root's interrupt-parent,
 * as QEMU's create_gic() sets it. */
static int set_interrupt_parent(void *fdt)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "interrupt-controller", NULL, 0);
    if (node < 0)
        return node == -FDT_ERR_NOTFOUND ? 0 : node;
    uint32_t phandle = fdt_get_phandle(fdt, node);
    if (!phandle)
        return -FDT_ERR_BADPHANDLE;
    return fdt_setprop_u32(fdt, 0, "interrupt-parent", phandle);
}

static int add_root(void *fdt, bool randomness)
{
    int rc;
    if ((rc = fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt")) ||
        (rc = fdt_setprop_u32(fdt, 0, "#address-cells", 2)) ||
        (rc = fdt_setprop_u32(fdt, 0, "#size-cells", 2)) ||
        (rc = fdt_setprop_string(fdt, 0, "model", "linux,dummy-virt")))
        return rc;
    int chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (chosen < 0)
        return chosen;
    if (randomness) {
        /* Fresh seeds each boot, as QEMU gives unless dtb-randomness=off. */
        uint32_t kaslr[2], rng[8];
        if (getrandom(kaslr, sizeof(kaslr), 0) != sizeof(kaslr) ||
            getrandom(rng, sizeof(rng), 0) != sizeof(rng))
            return -FDT_ERR_INTERNAL;
        if ((rc = fdt_setprop(fdt, chosen, "kaslr-seed", kaslr, sizeof(kaslr))) ||
            (rc = fdt_setprop(fdt, chosen, "rng-seed", rng, sizeof(rng))))
            return rc;
    }
    return 0;
}

static int add_clock(void *fdt)
{
    int node = fdt_add_subnode(fdt, 0, "apb-pclk"), rc;
    if (node < 0)
        return node;
    if ((rc = fdt_setprop_string(fdt, node, "compatible", "fixed-clock")) ||
        (rc = fdt_setprop_u32(fdt, node, "#clock-cells", 0)) ||
        (rc = fdt_setprop_u32(fdt, node, "clock-frequency", APB_CLOCK_HZ)) ||
        (rc = fdt_setprop_string(fdt, node, "clock-output-names", "clk24mhz")) ||
        (rc = fdt_setprop_u32(fdt, node, "phandle", PHANDLE_CLOCK)))
        return rc;
    return 0;
}

static int add_cpus(void *fdt, const struct cpu *cpu)
{
    int cpus = fdt_add_subnode(fdt, 0, "cpus"), rc;
    if (cpus < 0)
        return cpus;
    if ((rc = fdt_setprop_u32(fdt, cpus, "#address-cells", 1)) ||
        (rc = fdt_setprop_u32(fdt, cpus, "#size-cells", 0)))
        return rc;
    /* One core for now; enable-method = "psci" appears only with several. */
    char name[32];
    snprintf(name, sizeof(name), "cpu@%u", cpu->index);
    int node = fdt_add_subnode(fdt, cpus, name);
    if (node < 0)
        return node;
    if ((rc = fdt_setprop_string(fdt, node, "device_type", "cpu")) ||
        (rc = fdt_setprop_string(fdt, node, "compatible", "arm,cortex-a57")) ||
        (rc = fdt_setprop_u32(fdt, node, "reg", (uint32_t)(cpu->mpidr & 0xffffff))) ||
        (rc = fdt_setprop_u32(fdt, node, "phandle", PHANDLE_CPU0)))
        return rc;
    int map = fdt_add_subnode(fdt, cpus, "cpu-map");
    int socket = map < 0 ? map : fdt_add_subnode(fdt, map, "socket0");
    int cluster = socket < 0 ? socket : fdt_add_subnode(fdt, socket, "cluster0");
    int core = cluster < 0 ? cluster : fdt_add_subnode(fdt, cluster, "core0");
    if (core < 0)
        return core;
    return fdt_setprop_u32(fdt, core, "cpu", PHANDLE_CPU0);
}

static int add_devices(void *fdt, struct virt *vm)
{
    for (unsigned i = 0; i < vm->n_devs; i++) {
        const struct virt_device *d = &vm->devs[i];
        if (!d->ops->fdt_node)
            continue;
        struct fdt_ctx ctx = {
            .fdt = fdt,
            .base = d->region->base,
            .size = d->region->size,
            .spi = d->region->spi < 0 ? 0 : (unsigned)d->region->spi,
            .clk_phandle = PHANDLE_CLOCK,
            .fdt_irq = fdt_irq_gic,
            .board = vm,
        };
        int rc = d->ops->fdt_node(d->dev, &ctx);
        if (rc)
            return rc;
    }
    return 0;
}

/* Replaces every root memory node with one describing our RAM, as QEMU
 * does for its own tree and for a user's. */
static int set_memory(void *fdt, uint64_t base, uint64_t size)
{
    int node;
    for (;;) {
        bool found = false;
        fdt_for_each_subnode(node, fdt, 0) {
            const char *name = fdt_get_name(fdt, node, NULL);
            if (name && (!strcmp(name, "memory") || !strncmp(name, "memory@", 7))) {
                found = true;
                break;
            }
        }
        if (!found)
            break;
        int rc = fdt_del_node(fdt, node);
        if (rc)
            return rc;
    }
    char name[32];
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)base);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    const uint64_t reg[2] = {base, size};
    int rc;
    if ((rc = fdt_setprop_string(fdt, node, "device_type", "memory")) ||
        (rc = setprop_u64s(fdt, node, "reg", reg, 2)))
        return rc;
    return 0;
}

static int set_chosen(void *fdt, const char *bootargs, const struct boot_info *bi,
                      const char *stdout_path)
{
    int node = fdt_path_offset(fdt, "/chosen"), rc;
    if (node < 0)
        node = fdt_add_subnode(fdt, 0, "chosen");
    if (node < 0)
        return node;
    if (stdout_path && (rc = fdt_setprop_string(fdt, node, "stdout-path", stdout_path)))
        return rc;
    if (bootargs && *bootargs && (rc = fdt_setprop_string(fdt, node, "bootargs", bootargs)))
        return rc;
    if (bi->initrd_size) {
        const uint64_t start = bi->initrd_start, end = bi->initrd_start + bi->initrd_size;
        if ((rc = setprop_addr(fdt, node, "linux,initrd-start", start)) ||
            (rc = setprop_addr(fdt, node, "linux,initrd-end", end)))
            return rc;
    }
    return 0;
}

/* The firmware interface psci.c implements, with QEMU's function IDs. */
static int set_psci(void *fdt)
{
    int node = fdt_path_offset(fdt, "/psci"), rc;
    if (node >= 0 && (rc = fdt_del_node(fdt, node)))
        return rc;
    node = fdt_add_subnode(fdt, 0, "psci");
    if (node < 0)
        return node;
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    if ((rc = fdt_setprop(fdt, node, "compatible", compat, sizeof(compat))) ||
        (rc = fdt_setprop_string(fdt, node, "method", "hvc")) ||
        (rc = fdt_setprop_u32(fdt, node, "cpu_suspend", PSCI_FN64_CPU_SUSPEND)) ||
        (rc = fdt_setprop_u32(fdt, node, "cpu_off", PSCI_FN_CPU_OFF)) ||
        (rc = fdt_setprop_u32(fdt, node, "cpu_on", PSCI_FN64_CPU_ON)) ||
        (rc = fdt_setprop_u32(fdt, node, "migrate", PSCI_FN64_MIGRATE)))
        return rc;
    return 0;
}

/* The board's own tree, in QEMU 7.2's creation order. */
static void *build_board_tree(struct virt *vm, char *err, size_t errlen)
{
    void *fdt = malloc(FDT_BUILD_SIZE);
    if (!fdt) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = fdt_create_empty_tree(fdt, FDT_BUILD_SIZE);
    if (rc)
        goto out;
    if ((rc = add_root(fdt, vm->cfg.dtb_randomness)) || (rc = add_clock(fdt)) ||
        (rc = add_timer(fdt, 1)) || (rc = add_cpus(fdt, &vm->cpu)) ||
        (rc = add_devices(fdt, vm)) || (rc = set_interrupt_parent(fdt)))
        goto out;
    return fdt;
out:
    fail(err, errlen, rc, "building the tree");
    free(fdt);
    return NULL;
}

static void *load_user_tree(const char *path, char *err, size_t errlen)
{
    uint64_t len;
    uint8_t *file = boot_read_file(path, "device tree", FDT_BUILD_SIZE, &len, err, errlen);
    if (!file)
        return NULL;
    int rc = fdt_check_full(file, len);
    void *fdt = NULL;
    if (!rc) {
        size_t room = fdt_totalsize(file) + FDT_USER_SLACK;
        fdt = malloc(room);
        rc = fdt ? fdt_open_into(file, fdt, (int)room) : -FDT_ERR_NOSPACE;
    }
    free(file);
    if (rc) {
        snprintf(err, errlen, "device tree '%s' is not a valid DTB: %s", path, fdt_strerror(rc));
        free(fdt);
        return NULL;
    }
    return fdt;
}

void *virt_fdt_create(struct virt *vm, char *err, size_t errlen)
{
    void *fdt = vm->cfg.dtb ? load_user_tree(vm->cfg.dtb, err, errlen)
                            : build_board_tree(vm, err, errlen);
    if (!fdt)
        return NULL;
    char stdout_path[48];
    const char *console = NULL;
    if (!vm->cfg.dtb && vm->uart_region) {
        snprintf(stdout_path, sizeof(stdout_path), "/pl011@%llx",
                 (unsigned long long)vm->uart_region->base);
        console = stdout_path;
    }
    int rc;
    if ((rc = set_chosen(fdt, vm->cfg.append, vm->boot, console)) ||
        (rc = set_memory(fdt, VIRT_RAM_BASE, vm->cfg.ram_size)) || (rc = set_psci(fdt)) ||
        (rc = fdt_pack(fdt))) {
        fail(err, errlen, rc, "completing the tree");
        free(fdt);
        return NULL;
    }
    return fdt;
}
