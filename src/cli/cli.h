/*
 * armvirt's command line (src/main.c, src/cli/): QEMU's option spelling for
 * the virt board. Every mistake gets one line on stderr and exit status 2.
 */
#ifndef ARMVIRT_CLI_H
#define ARMVIRT_CLI_H

#include <stdbool.h>

#include "machine/virt.h"

#define CLI_EXIT_USAGE 2

/* "armvirt: <message>" on stderr, then exit(CLI_EXIT_USAGE). */
void cli_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* on/yes/true or off/no/false, as QEMU takes them; anything else dies. */
bool cli_parse_bool(const char *opt, const char *key, const char *v);

/* The device options (devices.c); each dies on a mistake. */
void cli_parse_drive(struct virt_config *cfg, char *arg);
void cli_parse_device(struct virt_config *cfg, char *arg);
void cli_parse_netdev(struct virt_config *cfg, const char *arg);
void cli_parse_chardev(struct virt_config *cfg, const char *arg);
void cli_parse_fault(struct virt_config *cfg, const char *arg);
/* After the last option: every -device's -netdev and -chardev found, MACs
 * given, each chardev used once at most. `serial` is the -serial spec. */
void cli_finish_devices(struct virt_config *cfg, const char *serial);

#endif
