/*
 * What every part of the command line shares: the one-line error and the
 * on/off values.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("armvirt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(CLI_EXIT_USAGE);
}

bool cli_parse_bool(const char *opt, const char *key, const char *v)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return true;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return false;
    cli_die("%s: %s=%s: expected on or off", opt, key, v);
    return false;
}
