/*
 * armvirt's command line, spelt as qemu-system-aarch64 spells it for the
 * virt board, so existing scripts work unchanged. Every mistake gets one
 * line on stderr naming it, and exit status 2.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/chardev.h"
#include "backend/net.h"
#include "fault/fault.h"
#include "gdb/gdbstub.h"
#include "machine/virt.h"
#include "trace/log.h"

#define EXIT_USAGE 2

static const char usage[] =
    "usage: armvirt -M virt [options] -kernel FILE\n"
    "\n"
    "  -M, -machine virt[,dumpdtb=FILE][,gic-version=2][,dtb-randomness=on|off]\n"
    "  -cpu cortex-a57       the CPU model (the only one)\n"
    "  -m SIZE               RAM size, QEMU suffixes (default 512M; no suffix = MiB)\n"
    "  -smp 1                one core\n"
    "  -kernel FILE          ELF64, Linux arm64 Image, or raw image\n"
    "  -initrd FILE          initial ramdisk (placed and named in /chosen)\n"
    "  -append STRING        kernel command line (/chosen/bootargs)\n"
    "  -dtb FILE             use this device tree instead of the generated one\n"
    "  -nographic            UART on the terminal (Ctrl-A x quits)\n"
    "  -serial stdio|mon:stdio|file:PATH|null|none|chardev:ID\n"
    "  -chardev stdio|file|pipe|null|socket|testdev,id=ID[,path=P][,host=H,port=N]\n"
    "          [,server=on|off][,wait=on|off]   a character backend for -serial chardev:ID\n"
    "                        or a virtconsole; testdev: the guest writes <n>q to exit (n<<1)|1\n"
    "  -semihosting          Arm semihosting (HLT #0xF000)\n"
    "  -semihosting-config enable=on|off[,target=native|auto]\n"
    "  -no-reboot            exit instead of rebooting\n"
    "  -drive if=none,id=ID,file=F,format=raw[,readonly=on][,serial=S]\n"
    "  -drive file=F,if=virtio[,format=raw][,readonly=on]   shorthand: a virtio-blk disk\n"
    "  -device virtio-blk-device,drive=ID[,serial=S] | virtio-rng-device\n"
    "  -device virtio-serial-device, then virtconsole|virtserialport,chardev=ID[,name=N][,nr=N]\n"
    "  -netdev user,id=ID[,hostfwd=[tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT]...[,restrict=on]\n"
    "          [,net=ADDR/BITS][,host=ADDR][,dhcpstart=ADDR][,dns=ADDR]   libslirp, 10.0.2.0/24\n"
    "  -netdev tap,id=ID,ifname=NAME[,script=no,downscript=no]   a host tap interface\n"
    "  -device virtio-net-device[,netdev=ID][,mac=52:54:00:12:34:56]   a NIC (default MACs\n"
    "                        52:54:00:12:34:56, :57... as QEMU)\n"
    "                        virtio-mmio devices; the first takes the highest slot\n"
    "  -global virtio-mmio.force-legacy=false   modern (version 2) virtio-mmio\n"
    "  -fault RULE           inject faults, e.g. drive=hd0,op=read,sectors=8-15,error=eio\n"
    "                        (repeatable; rule syntax in README, \"Fault injection\")\n"
    "  -qtest stdio|unix:PATH|tcp:HOST:PORT   no CPU runs; a test drives the machine\n"
    "                        over QEMU's qtest protocol (implies -accel qtest)\n"
    "  -qtest-log FILE       transcript of the qtest session\n"
    "  -gdb tcp::PORT|tcp:HOST:PORT   GDB remote stub; -s = -gdb tcp::1234\n"
    "  -S                    do not start the CPU until the debugger continues\n"
    "  -d ITEM,...           log in_asm, int, exec, cpu, mmu, guest_errors, unimp (-d help)\n"
    "  -D FILE               write the log to FILE instead of stderr\n"
    "  -dfilter RANGE,...    log only for ADDR+SIZE or ADDR..ADDR ranges\n"
    "  -nodefaults, -display none, -monitor none, -accel tcg   accepted for QEMU compatibility\n"
    "  -version, -h\n";

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("armvirt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static bool parse_bool(const char *opt, const char *key, const char *v)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return true;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return false;
    die("%s: %s=%s: expected on or off", opt, key, v);
    return false;
}

/* A size as QEMU's -m takes it: a number, possibly with a fraction, and an
 * optional suffix B, K, M, G, T (any case); no suffix means MiB. Rounded up
 * to 8 KiB as QEMU does. */
static uint64_t parse_ram_size(const char *arg)
{
    const char *s = arg;
    if (!strncmp(s, "size=", 5))
        s += 5;
    if (!isdigit((unsigned char)*s) && *s != '.')
        die("-m %s: expected a size such as 512M or 2G", arg);
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        die("-m %s: expected a size such as 512M or 2G", arg);
    double unit = 1 << 20;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'B': unit = 1; break;
        case 'K': unit = 1 << 10; break;
        case 'M': unit = 1 << 20; break;
        case 'G': unit = 1 << 30; break;
        case 'T': unit = (double)(1ull << 40); break;
        default: die("-m %s: unknown size suffix '%c' (use K, M, G or T)", arg, *end);
        }
        if (end[1])
            die("-m %s: unexpected text after the size", arg);
    }
    double bytes = v * unit;
    if (bytes > (double)VIRT_RAM_MAX)
        die("-m %s: the virt board's RAM is at most 255G", arg);
    uint64_t size = ((uint64_t)bytes + 8191) & ~8191ull;
    if (size == 0)
        die("-m %s: RAM size must be above zero", arg);
    return size;
}

/* -machine [type=]virt[,key=value...] */
static void parse_machine(struct virt_config *cfg, char *arg, bool *have_type)
{
    for (char *save = NULL, *item = strtok_r(arg, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            if (strcmp(item, "virt") && strcmp(item, "virt-7.2"))
                die("-machine %s: unsupported machine type (only 'virt')", item);
            *have_type = true;
            continue;
        }
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        if (!strcmp(key, "type")) {
            if (strcmp(val, "virt") && strcmp(val, "virt-7.2"))
                die("-machine type=%s: unsupported machine type (only 'virt')", val);
            *have_type = true;
        } else if (!strcmp(key, "dumpdtb")) {
            cfg->dumpdtb = val;
        } else if (!strcmp(key, "gic-version")) {
            if (strcmp(val, "2"))
                die("-machine gic-version=%s: not supported yet (only 2)", val);
        } else if (!strcmp(key, "dtb-randomness") || !strcmp(key, "dtb-kaslr-seed")) {
            cfg->dtb_randomness = parse_bool("-machine", key, val);
        } else if (!strcmp(key, "accel")) {
            if (strcmp(val, "tcg") && strcmp(val, "qtest"))
                die("-machine accel=%s: not supported (tcg or qtest)", val);
        } else if (!strcmp(key, "secure") || !strcmp(key, "virtualization") ||
                   !strcmp(key, "mte") || !strcmp(key, "ras") || !strcmp(key, "acpi")) {
            if (strcmp(val, "auto") && parse_bool("-machine", key, val))
                die("-machine %s=%s: not supported (armvirt has no such feature yet)", key, val);
        } else if (!strcmp(key, "highmem") || !strcmp(key, "its")) {
            parse_bool("-machine", key, val);   /* nothing lives there yet */
        } else if (!strcmp(key, "iommu")) {
            if (strcmp(val, "none"))
                die("-machine iommu=%s: not supported (only none)", val);
        } else {
            die("-machine: unknown property '%s'", key);
        }
    }
}

static void parse_semihosting_config(struct virt_config *cfg, char *arg)
{
    for (char *save = NULL, *item = strtok_r(arg, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            die("-semihosting-config %s: expected key=value", item);
        *eq = '\0';
        if (!strcmp(item, "enable"))
            cfg->semihosting = parse_bool("-semihosting-config", item, eq + 1);
        else if (!strcmp(item, "target")) {
            if (strcmp(eq + 1, "native") && strcmp(eq + 1, "auto"))
                die("-semihosting-config target=%s: only native is supported", eq + 1);
        } else
            die("-semihosting-config: unknown property '%s'", item);
    }
}

/* -drive: QEMU's key=value list. if=none needs an id for -device to name;
 * if=virtio also adds the virtio-blk device. */
static void parse_drive(struct virt_config *cfg, char *arg)
{
    if (cfg->n_drives == VIRT_MAX_DRIVES)
        die("-drive: at most %d drives", VIRT_MAX_DRIVES);
    struct virt_drive *d = &cfg->drives[cfg->n_drives];
    const char *iface = "ide";   /* QEMU's default, which the virt board has not */
    for (char *save = NULL, *item = strtok_r(arg, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            die("-drive %s: expected key=value", item);
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        if (!strcmp(key, "file"))
            d->file = val;
        else if (!strcmp(key, "id"))
            d->id = val;
        else if (!strcmp(key, "if"))
            iface = val;
        else if (!strcmp(key, "serial"))
            d->serial = val;
        else if (!strcmp(key, "readonly"))
            d->readonly = parse_bool("-drive", key, val);
        else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw"))
                die("-drive format=%s: only raw images are supported", val);
        } else if (!strcmp(key, "media")) {
            if (strcmp(val, "disk"))
                die("-drive media=%s: only disks are supported", val);
        } else if (strcmp(key, "cache") && strcmp(key, "aio") && strcmp(key, "discard"))
            die("-drive: unknown property '%s'", key);
    }
    if (!d->file || !*d->file)
        die("-drive: needs file=PATH");
    for (unsigned i = 0; i < cfg->n_drives; i++)
        if (d->id && cfg->drives[i].id && !strcmp(d->id, cfg->drives[i].id))
            die("-drive id=%s: duplicate drive id", d->id);
    cfg->n_drives++;
    if (!strcmp(iface, "virtio")) {
        /* NOTE: QEMU 7.2 makes this a virtio-blk-pci disk; armvirt has no PCI
         * yet, so it becomes the virtio-mmio disk instead. */
        if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
            die("-drive if=virtio: all %d virtio-mmio slots are taken", VIRT_VIRTIO_SLOTS);
        cfg->virtio[cfg->n_virtio++] = (struct virt_virtio){.kind = VIRT_VIRTIO_BLK, .drive = d};
    } else if (strcmp(iface, "none")) {
        die("-drive if=%s: not on the virt board (use if=none with -device, or if=virtio)",
            iface);
    } else if (!d->id) {
        die("-drive if=none: needs id=NAME for -device to refer to");
    }
}

/* -chardev BACKEND,id=ID[,...]: the id is checked here, the backend and
 * its properties when the board opens it (backend/chardev.c). */
static void parse_chardev(struct virt_config *cfg, const char *arg)
{
    /* The option string stays whole for the backend; the id is kept here. */
    static char ids[VIRT_MAX_CHARDEVS][64];
    if (cfg->n_chardevs == VIRT_MAX_CHARDEVS)
        die("-chardev: at most %d character devices", VIRT_MAX_CHARDEVS);
    char *id = ids[cfg->n_chardevs];
    id[0] = '\0';
    for (const char *t = strchr(arg, ','); t; t = strchr(t + 1, ',')) {
        size_t n = strcspn(t + 1, ",");
        if (strncmp(t + 1, "id=", 3))
            continue;
        if (n - 3 >= sizeof(ids[0]))
            die("-chardev %s: the id is too long", arg);
        memcpy(id, t + 4, n - 3);
        id[n - 3] = '\0';
    }
    if (!*id)
        die("-chardev %s: needs id=NAME", arg);
    for (unsigned i = 0; i < cfg->n_chardevs; i++)
        if (!strcmp(cfg->chardevs[i].id, id))
            die("-chardev id=%s: duplicate chardev id", id);
    cfg->chardevs[cfg->n_chardevs++] = (struct virt_chardev){id, arg};
}

/* -device virtio-serial-device, and its ports: -device virtconsole or
 * virtserialport,chardev=ID[,name=N][,nr=N], on the first
 * virtio-serial-device given before them (QEMU takes the first bus with
 * room). False if `arg` is another device type. */
static bool parse_serial_device(struct virt_config *cfg, char *arg)
{
    size_t tl = strcspn(arg, ",");
    bool bus = tl == 20 && !strncmp(arg, "virtio-serial-device", tl);
    bool console = tl == 11 && !strncmp(arg, "virtconsole", tl);
    if (!bus && !console && !(tl == 14 && !strncmp(arg, "virtserialport", tl)))
        return false;
    char *save = NULL;
    const char *type = strtok_r(arg, ",", &save);
    struct virt_serial_port port = {.nr = -1, .console = console};
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            die("-device %s: expected key=value, got '%s'", type, item);
        *eq = '\0';
        const char *val = eq + 1;
        if (!strcmp(item, "id")) {
            continue;
        } else if (bus && !strcmp(item, "max_ports")) {
            if (strcmp(val, "31"))
                die("-device virtio-serial-device: max_ports=%s: only 31 (QEMU's default)", val);
        } else if (!bus && !strcmp(item, "chardev")) {
            port.chardev = val;
        } else if (!bus && !strcmp(item, "name")) {
            port.name = val;
        } else if (!bus && !strcmp(item, "nr")) {
            char *end;
            errno = 0;
            long nr = strtol(val, &end, 10);
            if (errno || end == val || *end || nr < 0 || nr > 30)
                die("-device %s: nr=%s: expected a port number 0..30", type, val);
            port.nr = (int)nr;
        } else {
            die("-device %s: unknown property '%s'", type, item);
        }
    }
    if (bus) {
        if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
            die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
        cfg->virtio[cfg->n_virtio++] = (struct virt_virtio){.kind = VIRT_VIRTIO_SERIAL};
        return true;
    }
    unsigned dev = 0;
    while (dev < cfg->n_virtio && cfg->virtio[dev].kind != VIRT_VIRTIO_SERIAL)
        dev++;
    if (dev == cfg->n_virtio)
        die("-device %s: no virtio-serial-device before it to attach to", type);
    if (cfg->n_serial_ports == VIRT_MAX_SERIAL_PORTS)
        die("-device %s: at most %d ports", type, VIRT_MAX_SERIAL_PORTS);
    port.dev = dev;
    cfg->serial_ports[cfg->n_serial_ports++] = port;
    return true;
}

/* Every -chardev is used by exactly one device (-serial chardev:ID or a
 * virtio-serial port), and every use names a -chardev. */
static void check_chardev_use(const struct virt_config *cfg, const char *serial)
{
    unsigned uses[VIRT_MAX_CHARDEVS] = {0};
    const char *serial_id = serial && !strncmp(serial, "chardev:", 8) ? serial + 8 : NULL;
    for (unsigned p = 0; p <= cfg->n_serial_ports; p++) {
        const char *id = p < cfg->n_serial_ports ? cfg->serial_ports[p].chardev : serial_id;
        const char *user = p < cfg->n_serial_ports
                               ? (cfg->serial_ports[p].console ? "-device virtconsole"
                                                               : "-device virtserialport")
                               : "-serial";
        if (!id)
            continue;
        unsigned i = 0;
        while (i < cfg->n_chardevs && strcmp(cfg->chardevs[i].id, id))
            i++;
        if (i == cfg->n_chardevs)
            die("%s: no -chardev with id=%s", user, id);
        if (uses[i]++)
            die("%s: chardev '%s' is already in use", user, id);
    }
    /* A chardev nothing uses is opened all the same, as QEMU does. */
}

/* -netdev user|tap,id=ID,...: checked here, opened by the board for the
 * NIC that names it. */
static void parse_netdev(struct virt_config *cfg, const char *arg)
{
    static char ids[VIRT_MAX_NETDEVS][64];
    char err[256];
    char *id = ids[cfg->n_netdevs < VIRT_MAX_NETDEVS ? cfg->n_netdevs : 0];
    if (!net_check_spec(arg, id, sizeof(ids[0]), err, sizeof(err)))
        die("%s", err);
    for (unsigned i = 0; i < cfg->n_netdevs; i++)
        if (!strcmp(cfg->netdevs[i].id, id))
            die("-netdev id=%s: duplicate netdev id", id);
    if (cfg->n_netdevs == VIRT_MAX_NETDEVS)
        die("-netdev: at most %d network backends", VIRT_MAX_NETDEVS);
    cfg->netdevs[cfg->n_netdevs++] = (struct virt_netdev){id, arg};
}

/* The netdev= each NIC names, by its index in cfg->virtio (resolved after
 * all options: -netdev may come after its -device), and whether mac= was given. */
static const char *nic_netdev[VIRT_VIRTIO_SLOTS];
static bool nic_has_mac[VIRT_VIRTIO_SLOTS];

/* -device virtio-net-device[,netdev=ID][,mac=MAC][,id=ID]; false if arg is
 * another device. */
static bool parse_net_device(struct virt_config *cfg, char *arg)
{
    static const char type[] = "virtio-net-device";
    if (strncmp(arg, type, sizeof(type) - 1) || (arg[sizeof(type) - 1] && arg[sizeof(type) - 1] != ','))
        return false;
    if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
        die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
    unsigned n = cfg->n_virtio;
    struct virt_virtio v = {.kind = VIRT_VIRTIO_NET};
    char *save = NULL;
    strtok_r(arg, ",", &save);
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            die("-device %s: expected key=value, got '%s'", type, item);
        *eq++ = '\0';
        if (!strcmp(item, "netdev")) {
            nic_netdev[n] = eq;
        } else if (!strcmp(item, "mac")) {
            unsigned b[6];
            char end;
            if (sscanf(eq, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                       &end) != 6 || strlen(eq) != 17)
                die("-device %s: mac=%s: expected six hex bytes like 52:54:00:12:34:56", type, eq);
            for (int k = 0; k < 6; k++)
                v.mac[k] = (uint8_t)b[k];
            nic_has_mac[n] = true;
        } else if (strcmp(item, "id")) {
            die("-device %s: unknown property '%s' (netdev, mac, id)", type, item);
        }
    }
    cfg->virtio[cfg->n_virtio++] = v;
    return true;
}

/* Link each NIC to its -netdev (each backend serves one NIC) and give the
 * NICs without mac= QEMU's defaults: 52:54:00:12:34:56 + i for the lowest
 * i not taken by a NIC created before it. */
static void finish_nics(struct virt_config *cfg)
{
    bool used[cfg->n_netdevs + 1];
    memset(used, 0, sizeof(used));
    for (unsigned n = 0; n < cfg->n_virtio; n++) {
        struct virt_virtio *v = &cfg->virtio[n];
        if (v->kind != VIRT_VIRTIO_NET)
            continue;
        if (nic_netdev[n]) {
            unsigned i = 0;
            while (i < cfg->n_netdevs && strcmp(cfg->netdevs[i].id, nic_netdev[n]))
                i++;
            if (i == cfg->n_netdevs)
                die("-device virtio-net-device: no -netdev with id=%s", nic_netdev[n]);
            if (used[i])
                die("-device virtio-net-device: netdev %s is already in use", nic_netdev[n]);
            used[i] = true;
            v->netdev = &cfg->netdevs[i];
        }
        if (nic_has_mac[n])
            continue;
        for (unsigned k = 0; k < 256; k++) {
            uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + k)};
            bool taken = false;
            for (unsigned m = 0; m < n && !taken; m++)
                taken = cfg->virtio[m].kind == VIRT_VIRTIO_NET && !memcmp(cfg->virtio[m].mac, mac, 6);
            if (!taken) {
                memcpy(v->mac, mac, 6);
                break;
            }
        }
    }
    for (unsigned i = 0; i < cfg->n_netdevs; i++)
        if (!used[i])
            fprintf(stderr, "armvirt: warning: netdev %s has no peer\n", cfg->netdevs[i].id);
}

/* -device virtio-blk-device,drive=ID[,serial=S] or virtio-rng-device. */
static void parse_device(struct virt_config *cfg, char *arg)
{
    if (parse_serial_device(cfg, arg))
        return;
    if (parse_net_device(cfg, arg))
        return;
    char *save = NULL, *type = strtok_r(arg, ",", &save);
    if (!type)
        die("-device: expected a device type");
    struct virt_virtio v = {0};
    if (!strcmp(type, "virtio-blk-device"))
        v.kind = VIRT_VIRTIO_BLK;
    else if (!strcmp(type, "virtio-rng-device"))
        v.kind = VIRT_VIRTIO_RNG;
    else
        die("-device %s: unsupported device (virtio-blk-device or virtio-rng-device)", type);
    const char *drive = NULL;
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            die("-device %s: expected key=value, got '%s'", type, item);
        *eq = '\0';
        if (v.kind == VIRT_VIRTIO_BLK && !strcmp(item, "drive"))
            drive = eq + 1;
        else if (v.kind == VIRT_VIRTIO_BLK && !strcmp(item, "serial"))
            v.serial = eq + 1;
        else if (strcmp(item, "id"))
            die("-device %s: unknown property '%s'", type, item);
    }
    if (v.kind == VIRT_VIRTIO_BLK) {
        if (!drive)
            die("-device virtio-blk-device: needs drive=ID");
        for (unsigned i = 0; i < cfg->n_drives && !v.drive; i++)
            if (cfg->drives[i].id && !strcmp(cfg->drives[i].id, drive))
                v.drive = &cfg->drives[i];
        if (!v.drive)
            die("-device virtio-blk-device: no -drive with id=%s", drive);
        for (unsigned i = 0; i < cfg->n_virtio; i++)
            if (cfg->virtio[i].drive == v.drive)
                die("-device virtio-blk-device: drive %s is already in use", drive);
    }
    if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
        die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
    cfg->virtio[cfg->n_virtio++] = v;
}

/* -fault RULE: syntax checked now, devices named once they exist (virt.c). */
static void parse_fault(struct virt_config *cfg, const char *arg)
{
    char err[256];
    if (!fault_rule_check(arg, err, sizeof(err)))
        die("-fault %s: %s", arg, err);
    if (cfg->n_faults == VIRT_MAX_FAULTS)
        die("-fault %s: at most %d rules", arg, VIRT_MAX_FAULTS);
    cfg->faults[cfg->n_faults++] = arg;
}

static void parse_global(struct virt_config *cfg, const char *arg)
{
    if (!strcmp(arg, "virtio-mmio.force-legacy=false"))
        cfg->virtio_modern = true;
    else if (!strcmp(arg, "virtio-mmio.force-legacy=true"))
        cfg->virtio_modern = false;
    else
        die("-global %s: unsupported (only virtio-mmio.force-legacy=true|false)", arg);
}

static void parse_smp(const char *arg)
{
    const char *s = !strncmp(arg, "cpus=", 5) ? arg + 5 : arg;
    char *end;
    errno = 0;
    unsigned long n = strtoul(s, &end, 10);
    if (errno || end == s || *end)
        die("-smp %s: expected a number of cores", arg);
    if (n != 1)
        die("-smp %s: only one core is supported yet", arg);
}

int main(int argc, char **argv)
{
    struct virt_config cfg = {
        .ram_size = VIRT_RAM_DEFAULT,
        .dtb_randomness = true,
    };
    bool have_machine = false, nographic = false, nodefaults = false, hold = false;
    const char *serial = NULL, *gdb_spec = NULL;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (opt[0] != '-')
            die("unexpected argument '%s' (options start with '-'; see -h)", opt);
        if (opt[1] == '-')
            opt++;   /* QEMU accepts --option too */
        /* Options without an argument. */
        if (!strcmp(opt, "-h") || !strcmp(opt, "-help")) {
            fputs(usage, stdout);
            return 0;
        }
        if (!strcmp(opt, "-version")) {
            puts("armvirt 0.1 (models QEMU 7.2's aarch64 virt board)");
            return 0;
        }
        if (!strcmp(opt, "-nographic")) {
            nographic = true;
            continue;
        }
        if (!strcmp(opt, "-semihosting")) {
            cfg.semihosting = true;
            continue;
        }
        if (!strcmp(opt, "-no-reboot")) {
            cfg.no_reboot = true;
            continue;
        }
        if (!strcmp(opt, "-nodefaults")) {
            nodefaults = true;
            continue;
        }
        if (!strcmp(opt, "-s")) {
            gdb_spec = "tcp::1234";
            continue;
        }
        if (!strcmp(opt, "-S")) {
            hold = true;
            continue;
        }
        /* Options with one. */
        static const char *const with_arg[] = {
            "-M", "-machine", "-cpu", "-m", "-smp", "-kernel", "-initrd", "-append", "-dtb",
            "-serial", "-semihosting-config", "-display", "-monitor", "-accel", "-qtest",
            "-qtest-log", "-gdb", "-d", "-D", "-dfilter", "-drive", "-device", "-global", "-fault", "-chardev", "-netdev",
            NULL,
        };
        bool known = false;
        for (const char *const *w = with_arg; *w; w++)
            known |= !strcmp(opt, *w);
        if (!known)
            die("unknown option '%s' (see -h)", argv[i]);
        if (i + 1 >= argc)
            die("option '%s' needs an argument", argv[i]);
        char *arg = argv[++i];

        if (!strcmp(opt, "-M") || !strcmp(opt, "-machine")) {
            parse_machine(&cfg, arg, &have_machine);
        } else if (!strcmp(opt, "-cpu")) {
            if (strcmp(arg, "cortex-a57"))
                die("-cpu %s: unsupported CPU model (only cortex-a57)", arg);
        } else if (!strcmp(opt, "-m")) {
            cfg.ram_size = parse_ram_size(arg);
        } else if (!strcmp(opt, "-smp")) {
            parse_smp(arg);
        } else if (!strcmp(opt, "-kernel")) {
            cfg.kernel = arg;
        } else if (!strcmp(opt, "-initrd")) {
            cfg.initrd = arg;
        } else if (!strcmp(opt, "-append")) {
            cfg.append = arg;
        } else if (!strcmp(opt, "-dtb")) {
            cfg.dtb = arg;
        } else if (!strcmp(opt, "-serial")) {
            if (serial)
                die("-serial %s: only one serial port is modelled", arg);
            serial = arg;
        } else if (!strcmp(opt, "-semihosting-config")) {
            parse_semihosting_config(&cfg, arg);
        } else if (!strcmp(opt, "-display")) {
            if (strcmp(arg, "none"))
                die("-display %s: armvirt has no display (use -display none or -nographic)", arg);
        } else if (!strcmp(opt, "-monitor")) {
            if (strcmp(arg, "none"))
                die("-monitor %s: the QEMU monitor is not provided (use -monitor none)", arg);
        } else if (!strcmp(opt, "-accel")) {
            if (strcmp(arg, "tcg") && strcmp(arg, "qtest"))
                die("-accel %s: not supported (tcg or qtest)", arg);
        } else if (!strcmp(opt, "-qtest")) {
            cfg.qtest = arg;
        } else if (!strcmp(opt, "-qtest-log")) {
            cfg.qtest_log = arg;
        } else if (!strcmp(opt, "-drive")) {
            parse_drive(&cfg, arg);
        } else if (!strcmp(opt, "-device")) {
            parse_device(&cfg, arg);
        } else if (!strcmp(opt, "-netdev")) {
            parse_netdev(&cfg, arg);
        } else if (!strcmp(opt, "-chardev")) {
            parse_chardev(&cfg, arg);
        } else if (!strcmp(opt, "-global")) {
            parse_global(&cfg, arg);
        } else if (!strcmp(opt, "-fault")) {
            parse_fault(&cfg, arg);
        } else if (!strcmp(opt, "-gdb")) {
            gdb_spec = strcmp(arg, "none") ? arg : NULL;
        } else if (!strcmp(opt, "-d")) {
            char err[256];
            bool help = false;
            if (!log_parse_items(arg, &help, err, sizeof(err)))
                die("%s", err);
            if (help)
                return 0;
        } else if (!strcmp(opt, "-D")) {
            char err[256];
            if (!log_open_file(arg, err, sizeof(err)))
                die("%s", err);
        } else if (!strcmp(opt, "-dfilter")) {
            char err[256];
            if (!log_parse_dfilter(arg, err, sizeof(err)))
                die("%s", err);
        }
    }

    if (!have_machine)
        die("no machine given: use -M virt");
    check_chardev_use(&cfg, serial);
    finish_nics(&cfg);
    if ((cfg.initrd || cfg.append || cfg.dtb) && !cfg.kernel)
        die("-initrd, -append and -dtb need -kernel");
    if (!cfg.kernel && !cfg.dumpdtb && !cfg.qtest)
        die("nothing to run: give -kernel FILE (flash firmware is not modelled yet)");
    if (cfg.qtest_log && !cfg.qtest)
        die("-qtest-log needs -qtest");
    if (hold && !gdb_spec)
        die("-S needs -gdb or -s: there is no monitor to start the CPU from");
    if (gdb_spec && cfg.qtest)
        die("-gdb and -qtest cannot be used together (no CPU runs under qtest)");
    /* The first UART goes to the terminal with -nographic (QEMU's
     * mon:stdio) and, since there is no display, also when nothing is said;
     * under qtest the terminal may be the test's, so then only if asked. */
    if (serial)
        cfg.serial = strcmp(serial, "none") ? serial : NULL;
    else if (!nodefaults && !cfg.qtest)
        cfg.serial = nographic ? "mon:stdio" : "stdio";

    /* A closed output pipe (armvirt | head) must not kill the emulator
     * mid-write; the write fails and the UART drops the byte, as QEMU does. */
    signal(SIGPIPE, SIG_IGN);

    struct virt vm;
    if (!virt_create(&vm, &cfg))
        return EXIT_USAGE;
    if (gdb_spec && !cfg.dumpdtb) {
        char err[256];
        vm.gdb = gdb_open(gdb_spec, &vm.cpu, err, sizeof(err));
        if (!vm.gdb) {
            virt_destroy(&vm);
            die("%s", err);
        }
        if (hold)
            gdb_hold_at_start(vm.gdb);
    }
    if (cfg.dumpdtb) {
        bool ok = virt_dump_dtb(&vm);
        virt_destroy(&vm);
        return ok ? 0 : EXIT_USAGE;
    }
    int status = virt_run(&vm);
    chardev_restore_terminals();
    if (vm.gdb)
        gdb_close(vm.gdb);
    virt_destroy(&vm);
    log_close();
    return status;
}
