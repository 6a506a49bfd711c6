/*
 * The command line's device options, spelt as QEMU spells them for the
 * virt board: -drive, -device, -netdev, -chardev and -fault fill in the
 * machine configuration (machine/virt.h); the board opens what they name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/chardev.h"
#include "backend/net.h"
#include "cli/cli.h"
#include "fault/fault.h"

/* -drive: QEMU's key=value list. if=none needs an id for -device to name;
 * if=virtio also adds the virtio-blk device. */
void cli_parse_drive(struct virt_config *cfg, char *arg)
{
    if (cfg->n_drives == VIRT_MAX_DRIVES)
        cli_die("-drive: at most %d drives", VIRT_MAX_DRIVES);
    struct virt_drive *d = &cfg->drives[cfg->n_drives];
    const char *iface = "ide";   /* QEMU's default, which the virt board has not */
    for (char *save = NULL, *item = strtok_r(arg, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            cli_die("-drive %s: expected key=value", item);
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
            d->readonly = cli_parse_bool("-drive", key, val);
        else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw"))
                cli_die("-drive format=%s: only raw images are supported", val);
        } else if (!strcmp(key, "media")) {
            if (strcmp(val, "disk"))
                cli_die("-drive media=%s: only disks are supported", val);
        } else if (strcmp(key, "cache") && strcmp(key, "aio") && strcmp(key, "discard"))
            cli_die("-drive: unknown property '%s'", key);
    }
    if (!d->file || !*d->file)
        cli_die("-drive: needs file=PATH");
    for (unsigned i = 0; i < cfg->n_drives; i++)
        if (d->id && cfg->drives[i].id && !strcmp(d->id, cfg->drives[i].id))
            cli_die("-drive id=%s: duplicate drive id", d->id);
    cfg->n_drives++;
    if (!strcmp(iface, "virtio")) {
        /* NOTE: QEMU 7.2 makes this a virtio-blk-pci disk; armvirt has no PCI
         * yet, so it becomes the virtio-mmio disk instead. */
        if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
            cli_die("-drive if=virtio: all %d virtio-mmio slots are taken", VIRT_VIRTIO_SLOTS);
        cfg->virtio[cfg->n_virtio++] = (struct virt_virtio){.kind = VIRT_VIRTIO_BLK, .drive = d};
    } else if (strcmp(iface, "none")) {
        cli_die("-drive if=%s: not on the virt board (use if=none with -device, or if=virtio)",
            iface);
    } else if (!d->id) {
        cli_die("-drive if=none: needs id=NAME for -device to refer to");
    }
}

/* -chardev BACKEND,id=ID[,...]: the id is checked here, the backend and
 * its properties when the board opens it (backend/chardev.c). */
void cli_parse_chardev(struct virt_config *cfg, const char *arg)
{
    /* The option string stays whole for the backend; the id is kept here. */
    static char ids[VIRT_MAX_CHARDEVS][64];
    if (cfg->n_chardevs == VIRT_MAX_CHARDEVS)
        cli_die("-chardev: at most %d character devices", VIRT_MAX_CHARDEVS);
    char *id = ids[cfg->n_chardevs];
    id[0] = '\0';
    for (const char *t = strchr(arg, ','); t; t = strchr(t + 1, ',')) {
        size_t n = strcspn(t + 1, ",");
        if (strncmp(t + 1, "id=", 3))
            continue;
        if (n - 3 >= sizeof(ids[0]))
            cli_die("-chardev %s: the id is too long", arg);
        memcpy(id, t + 4, n - 3);
        id[n - 3] = '\0';
    }
    if (!*id)
        cli_die("-chardev %s: needs id=NAME", arg);
    for (unsigned i = 0; i < cfg->n_chardevs; i++)
        if (!strcmp(cfg->chardevs[i].id, id))
            cli_die("-chardev id=%s: duplicate chardev id", id);
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
            cli_die("-device %s: expected key=value, got '%s'", type, item);
        *eq = '\0';
        const char *val = eq + 1;
        if (!strcmp(item, "id")) {
            continue;
        } else if (bus && !strcmp(item, "max_ports")) {
            if (strcmp(val, "31"))
                cli_die("-device virtio-serial-device: max_ports=%s: only 31 (QEMU's default)", val);
        } else if (!bus && !strcmp(item, "chardev")) {
            port.chardev = val;
        } else if (!bus && !strcmp(item, "name")) {
            port.name = val;
        } else if (!bus && !strcmp(item, "nr")) {
            char *end;
            errno = 0;
            long nr = strtol(val, &end, 10);
            if (errno || end == val || *end || nr < 0 || nr > 30)
                cli_die("-device %s: nr=%s: expected a port number 0..30", type, val);
            port.nr = (int)nr;
        } else {
            cli_die("-device %s: unknown property '%s'", type, item);
        }
    }
    if (bus) {
        if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
            cli_die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
        cfg->virtio[cfg->n_virtio++] = (struct virt_virtio){.kind = VIRT_VIRTIO_SERIAL};
        return true;
    }
    unsigned dev = 0;
    while (dev < cfg->n_virtio && cfg->virtio[dev].kind != VIRT_VIRTIO_SERIAL)
        dev++;
    if (dev == cfg->n_virtio)
        cli_die("-device %s: no virtio-serial-device before it to attach to", type);
    if (cfg->n_serial_ports == VIRT_MAX_SERIAL_PORTS)
        cli_die("-device %s: at most %d ports", type, VIRT_MAX_SERIAL_PORTS);
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
            cli_die("%s: no -chardev with id=%s", user, id);
        if (uses[i]++)
            cli_die("%s: chardev '%s' is already in use", user, id);
    }
    /* A chardev nothing uses is opened all the same, as QEMU does. */
}

/* -netdev user|tap,id=ID,...: checked here, opened by the board for the
 * NIC that names it. */
void cli_parse_netdev(struct virt_config *cfg, const char *arg)
{
    static char ids[VIRT_MAX_NETDEVS][64];
    char err[256];
    char *id = ids[cfg->n_netdevs < VIRT_MAX_NETDEVS ? cfg->n_netdevs : 0];
    if (!net_check_spec(arg, id, sizeof(ids[0]), err, sizeof(err)))
        cli_die("%s", err);
    for (unsigned i = 0; i < cfg->n_netdevs; i++)
        if (!strcmp(cfg->netdevs[i].id, id))
            cli_die("-netdev id=%s: duplicate netdev id", id);
    if (cfg->n_netdevs == VIRT_MAX_NETDEVS)
        cli_die("-netdev: at most %d network backends", VIRT_MAX_NETDEVS);
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
        cli_die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
    unsigned n = cfg->n_virtio;
    struct virt_virtio v = {.kind = VIRT_VIRTIO_NET};
    char *save = NULL;
    strtok_r(arg, ",", &save);
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            cli_die("-device %s: expected key=value, got '%s'", type, item);
        *eq++ = '\0';
        if (!strcmp(item, "netdev")) {
            nic_netdev[n] = eq;
        } else if (!strcmp(item, "mac")) {
            unsigned b[6];
            char end;
            if (sscanf(eq, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                       &end) != 6 || strlen(eq) != 17)
                cli_die("-device %s: mac=%s: expected six hex bytes like 52:54:00:12:34:56", type, eq);
            for (int k = 0; k < 6; k++)
                v.mac[k] = (uint8_t)b[k];
            nic_has_mac[n] = true;
        } else if (strcmp(item, "id")) {
            cli_die("-device %s: unknown property '%s' (netdev, mac, id)", type, item);
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
                cli_die("-device virtio-net-device: no -netdev with id=%s", nic_netdev[n]);
            if (used[i])
                cli_die("-device virtio-net-device: netdev %s is already in use", nic_netdev[n]);
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

/* -device TYPE,...: the virtio-mmio devices (virtio-blk-device,drive=ID[,serial=S],
 * virtio-rng-device, and those parse_serial_device and parse_net_device take). */
void cli_parse_device(struct virt_config *cfg, char *arg)
{
    if (parse_serial_device(cfg, arg))
        return;
    if (parse_net_device(cfg, arg))
        return;
    char *save = NULL, *type = strtok_r(arg, ",", &save);
    if (!type)
        cli_die("-device: expected a device type");
    struct virt_virtio v = {0};
    if (!strcmp(type, "virtio-blk-device"))
        v.kind = VIRT_VIRTIO_BLK;
    else if (!strcmp(type, "virtio-rng-device"))
        v.kind = VIRT_VIRTIO_RNG;
    else
        cli_die("-device %s: unsupported device (virtio-blk-device, virtio-net-device, "
                "virtio-rng-device, virtio-serial-device, virtconsole, virtserialport)", type);
    const char *drive = NULL;
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            cli_die("-device %s: expected key=value, got '%s'", type, item);
        *eq = '\0';
        if (v.kind == VIRT_VIRTIO_BLK && !strcmp(item, "drive"))
            drive = eq + 1;
        else if (v.kind == VIRT_VIRTIO_BLK && !strcmp(item, "serial"))
            v.serial = eq + 1;
        else if (strcmp(item, "id"))
            cli_die("-device %s: unknown property '%s'", type, item);
    }
    if (v.kind == VIRT_VIRTIO_BLK) {
        if (!drive)
            cli_die("-device virtio-blk-device: needs drive=ID");
        for (unsigned i = 0; i < cfg->n_drives && !v.drive; i++)
            if (cfg->drives[i].id && !strcmp(cfg->drives[i].id, drive))
                v.drive = &cfg->drives[i];
        if (!v.drive)
            cli_die("-device virtio-blk-device: no -drive with id=%s", drive);
        for (unsigned i = 0; i < cfg->n_virtio; i++)
            if (cfg->virtio[i].drive == v.drive)
                cli_die("-device virtio-blk-device: drive %s is already in use", drive);
    }
    if (cfg->n_virtio == VIRT_VIRTIO_SLOTS)
        cli_die("-device %s: all %d virtio-mmio slots are taken", type, VIRT_VIRTIO_SLOTS);
    cfg->virtio[cfg->n_virtio++] = v;
}

/* -fault RULE: syntax checked now, devices named once they exist (virt.c). */
void cli_parse_fault(struct virt_config *cfg, const char *arg)
{
    char err[256];
    if (!fault_rule_check(arg, err, sizeof(err)))
        cli_die("-fault %s: %s", arg, err);
    if (cfg->n_faults == VIRT_MAX_FAULTS)
        cli_die("-fault %s: at most %d rules", arg, VIRT_MAX_FAULTS);
    cfg->faults[cfg->n_faults++] = arg;
}


/* After every option: NICs get their -netdev and MAC, chardevs their user. */
void cli_finish_devices(struct virt_config *cfg, const char *serial)
{
    check_chardev_use(cfg, serial);
    finish_nics(cfg);
}
