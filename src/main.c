/*
 * armvirt's command line, spelt as qemu-system-aarch64 spells it for the
 * virt board, so existing scripts work unchanged. Every mistake gets one
 * line on stderr naming it, and exit status 2.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/chardev.h"
#include "cli/cli.h"
#include "gdb/gdbstub.h"
#include "machine/virt.h"
#include "trace/log.h"

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
    "  -accel tcg,jit=off    no code generation: every block interpreted\n"
    "  -version, -h\n";

/* A size as QEMU's -m takes it: a number, possibly with a fraction, and an
 * optional suffix B, K, M, G, T (any case); no suffix means MiB. Rounded up
 * to 8 KiB as QEMU does. */
static uint64_t parse_ram_size(const char *arg)
{
    const char *s = arg;
    if (!strncmp(s, "size=", 5))
        s += 5;
    if (!isdigit((unsigned char)*s) && *s != '.')
        cli_die("-m %s: expected a size such as 512M or 2G", arg);
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        cli_die("-m %s: expected a size such as 512M or 2G", arg);
    double unit = 1 << 20;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'B': unit = 1; break;
        case 'K': unit = 1 << 10; break;
        case 'M': unit = 1 << 20; break;
        case 'G': unit = 1 << 30; break;
        case 'T': unit = (double)(1ull << 40); break;
        default: cli_die("-m %s: unknown size suffix '%c' (use K, M, G or T)", arg, *end);
        }
        if (end[1])
            cli_die("-m %s: unexpected text after the size", arg);
    }
    double bytes = v * unit;
    if (bytes > (double)VIRT_RAM_MAX)
        cli_die("-m %s: the virt board's RAM is at most 255G", arg);
    uint64_t size = ((uint64_t)bytes + 8191) & ~8191ull;
    if (size == 0)
        cli_die("-m %s: RAM size must be above zero", arg);
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
                cli_die("-machine %s: unsupported machine type (only 'virt')", item);
            *have_type = true;
            continue;
        }
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        if (!strcmp(key, "type")) {
            if (strcmp(val, "virt") && strcmp(val, "virt-7.2"))
                cli_die("-machine type=%s: unsupported machine type (only 'virt')", val);
            *have_type = true;
        } else if (!strcmp(key, "dumpdtb")) {
            cfg->dumpdtb = val;
        } else if (!strcmp(key, "gic-version")) {
            if (strcmp(val, "2"))
                cli_die("-machine gic-version=%s: not supported yet (only 2)", val);
        } else if (!strcmp(key, "dtb-randomness") || !strcmp(key, "dtb-kaslr-seed")) {
            cfg->dtb_randomness = cli_parse_bool("-machine", key, val);
        } else if (!strcmp(key, "accel")) {
            if (strcmp(val, "tcg") && strcmp(val, "qtest"))
                cli_die("-machine accel=%s: not supported (tcg or qtest)", val);
        } else if (!strcmp(key, "secure") || !strcmp(key, "virtualization") ||
                   !strcmp(key, "mte") || !strcmp(key, "ras") || !strcmp(key, "acpi")) {
            if (strcmp(val, "auto") && cli_parse_bool("-machine", key, val))
                cli_die("-machine %s=%s: not supported (armvirt has no such feature yet)", key, val);
        } else if (!strcmp(key, "highmem") || !strcmp(key, "its")) {
            cli_parse_bool("-machine", key, val);   /* nothing lives there yet */
        } else if (!strcmp(key, "iommu")) {
            if (strcmp(val, "none"))
                cli_die("-machine iommu=%s: not supported (only none)", val);
        } else {
            cli_die("-machine: unknown property '%s'", key);
        }
    }
}

/* -accel tcg[,jit=on|off] or qtest. jit is armvirt's own: off interprets
 * every block (to rule code generation out when hunting a problem). */
static void parse_accel(struct virt_config *cfg, char *arg)
{
    char *save = NULL;
    char *name = strtok_r(arg, ",", &save);
    if (!name || (strcmp(name, "tcg") && strcmp(name, "qtest")))
        cli_die("-accel %s: not supported (tcg or qtest)", name ? name : "");
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            cli_die("-accel %s: expected key=value", item);
        *eq = '\0';
        if (!strcmp(item, "jit"))
            cfg->no_jit = !cli_parse_bool("-accel", item, eq + 1);
        else
            cli_die("-accel: unknown property '%s' (jit=on|off)", item);
    }
}

static void parse_semihosting_config(struct virt_config *cfg, char *arg)
{
    for (char *save = NULL, *item = strtok_r(arg, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            cli_die("-semihosting-config %s: expected key=value", item);
        *eq = '\0';
        if (!strcmp(item, "enable"))
            cfg->semihosting = cli_parse_bool("-semihosting-config", item, eq + 1);
        else if (!strcmp(item, "target")) {
            if (strcmp(eq + 1, "native") && strcmp(eq + 1, "auto"))
                cli_die("-semihosting-config target=%s: only native is supported", eq + 1);
        } else
            cli_die("-semihosting-config: unknown property '%s'", item);
    }
}

static void parse_global(struct virt_config *cfg, const char *arg)
{
    if (!strcmp(arg, "virtio-mmio.force-legacy=false"))
        cfg->virtio_modern = true;
    else if (!strcmp(arg, "virtio-mmio.force-legacy=true"))
        cfg->virtio_modern = false;
    else
        cli_die("-global %s: unsupported (only virtio-mmio.force-legacy=true|false)", arg);
}

static void parse_smp(const char *arg)
{
    const char *s = !strncmp(arg, "cpus=", 5) ? arg + 5 : arg;
    char *end;
    errno = 0;
    unsigned long n = strtoul(s, &end, 10);
    if (errno || end == s || *end)
        cli_die("-smp %s: expected a number of cores", arg);
    if (n != 1)
        cli_die("-smp %s: only one core is supported yet", arg);
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
            cli_die("unexpected argument '%s' (options start with '-'; see -h)", opt);
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
            cli_die("unknown option '%s' (see -h)", argv[i]);
        if (i + 1 >= argc)
            cli_die("option '%s' needs an argument", argv[i]);
        char *arg = argv[++i];

        if (!strcmp(opt, "-M") || !strcmp(opt, "-machine")) {
            parse_machine(&cfg, arg, &have_machine);
        } else if (!strcmp(opt, "-cpu")) {
            if (strcmp(arg, "cortex-a57"))
                cli_die("-cpu %s: unsupported CPU model (only cortex-a57)", arg);
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
                cli_die("-serial %s: only one serial port is modelled", arg);
            serial = arg;
        } else if (!strcmp(opt, "-semihosting-config")) {
            parse_semihosting_config(&cfg, arg);
        } else if (!strcmp(opt, "-display")) {
            if (strcmp(arg, "none"))
                cli_die("-display %s: armvirt has no display (use -display none or -nographic)", arg);
        } else if (!strcmp(opt, "-monitor")) {
            if (strcmp(arg, "none"))
                cli_die("-monitor %s: the QEMU monitor is not provided (use -monitor none)", arg);
        } else if (!strcmp(opt, "-accel")) {
            parse_accel(&cfg, arg);
        } else if (!strcmp(opt, "-qtest")) {
            cfg.qtest = arg;
        } else if (!strcmp(opt, "-qtest-log")) {
            cfg.qtest_log = arg;
        } else if (!strcmp(opt, "-drive")) {
            cli_parse_drive(&cfg, arg);
        } else if (!strcmp(opt, "-device")) {
            cli_parse_device(&cfg, arg);
        } else if (!strcmp(opt, "-netdev")) {
            cli_parse_netdev(&cfg, arg);
        } else if (!strcmp(opt, "-chardev")) {
            cli_parse_chardev(&cfg, arg);
        } else if (!strcmp(opt, "-global")) {
            parse_global(&cfg, arg);
        } else if (!strcmp(opt, "-fault")) {
            cli_parse_fault(&cfg, arg);
        } else if (!strcmp(opt, "-gdb")) {
            gdb_spec = strcmp(arg, "none") ? arg : NULL;
        } else if (!strcmp(opt, "-d")) {
            char err[256];
            bool help = false;
            if (!log_parse_items(arg, &help, err, sizeof(err)))
                cli_die("%s", err);
            if (help)
                return 0;
        } else if (!strcmp(opt, "-D")) {
            char err[256];
            if (!log_open_file(arg, err, sizeof(err)))
                cli_die("%s", err);
        } else if (!strcmp(opt, "-dfilter")) {
            char err[256];
            if (!log_parse_dfilter(arg, err, sizeof(err)))
                cli_die("%s", err);
        }
    }

    if (!have_machine)
        cli_die("no machine given: use -M virt");
    cli_finish_devices(&cfg, serial);
    if ((cfg.initrd || cfg.append || cfg.dtb) && !cfg.kernel)
        cli_die("-initrd, -append and -dtb need -kernel");
    if (!cfg.kernel && !cfg.dumpdtb && !cfg.qtest)
        cli_die("nothing to run: give -kernel FILE (flash firmware is not modelled yet)");
    if (cfg.qtest_log && !cfg.qtest)
        cli_die("-qtest-log needs -qtest");
    if (hold && !gdb_spec)
        cli_die("-S needs -gdb or -s: there is no monitor to start the CPU from");
    if (gdb_spec && cfg.qtest)
        cli_die("-gdb and -qtest cannot be used together (no CPU runs under qtest)");
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
        return CLI_EXIT_USAGE;
    if (gdb_spec && !cfg.dumpdtb) {
        char err[256];
        vm.gdb = gdb_open(gdb_spec, &vm.cpu, err, sizeof(err));
        if (!vm.gdb) {
            virt_destroy(&vm);
            cli_die("%s", err);
        }
        if (hold)
            gdb_hold_at_start(vm.gdb);
    }
    if (cfg.dumpdtb) {
        bool ok = virt_dump_dtb(&vm);
        virt_destroy(&vm);
        return ok ? 0 : CLI_EXIT_USAGE;
    }
    int status = virt_run(&vm);
    chardev_restore_terminals();
    if (vm.gdb)
        gdb_close(vm.gdb);
    virt_destroy(&vm);
    log_close();
    return status;
}
