/* -chardev BACKEND,id=ID[,key=value...] option strings (see chardev.h). */
#include "backend/chardev_impl.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A boolean as QEMU's option parser takes it. */
static int chardev_bool(const char *v)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        return 1;
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        return 0;
    return -1;
}

/* Properties each backend takes besides id (QEMU's names). */
static bool chardev_takes(const char *backend, const char *key)
{
    static const char *const table[][5] = {
        {"stdio", "mux", "signal", NULL},
        {"file", "path", "append", "mux", NULL},
        {"pipe", "path", "mux", NULL},
        {"null", "mux", NULL},
        {"socket", "path", "host", "port", "server"},
        {"testdev", NULL},
    };
    if (!strcmp(backend, "socket") &&
        (!strcmp(key, "wait") || !strcmp(key, "nodelay") || !strcmp(key, "mux")))
        return true;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcmp(table[i][0], backend))
            for (size_t k = 1; k < 5 && table[i][k]; k++)
                if (!strcmp(table[i][k], key))
                    return true;
    return false;
}

static bool chardev_is_bool_key(const char *key)
{
    return !strcmp(key, "server") || !strcmp(key, "wait") || !strcmp(key, "append") ||
           !strcmp(key, "mux") || !strcmp(key, "signal") || !strcmp(key, "nodelay");
}

/* Splits "backend,key=value,..." (in place) into o. QEMU's short forms
 * are accepted for booleans: "server" for server=on, "nowait" for wait=off. */
static bool chardev_parse(char *opts, struct chardev_opts *o, char *err, size_t errlen)
{
    *o = (struct chardev_opts){.server = -1, .wait = -1, .append = -1, .mux = -1, .signal = -1};
    char *save = NULL;
    o->backend = strtok_r(opts, ",", &save);
    if (!o->backend) {
        snprintf(err, errlen, "-chardev: expected a backend name");
        return false;
    }
    static const char *const backends[] = {"stdio", "file", "pipe", "null", "socket", "testdev"};
    bool known = false;
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
        known |= !strcmp(o->backend, backends[i]);
    if (!known) {
        snprintf(err, errlen,
                 "-chardev %s: unknown backend (expected stdio, file, pipe, null, socket or "
                 "testdev)",
                 o->backend);
        return false;
    }
    for (char *item = strtok_r(NULL, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        const char *key = item, *val = eq ? eq + 1 : "on";
        if (eq)
            *eq = '\0';
        else if (!chardev_is_bool_key(key) && !strncmp(key, "no", 2) &&
                 chardev_is_bool_key(key + 2)) {
            key += 2;
            val = "off";
        }
        if (!strcmp(key, "id")) {
            o->id = val;
            continue;
        }
        if (!chardev_takes(o->backend, key)) {
            snprintf(err, errlen, "-chardev %s: unknown property '%s'", o->backend, key);
            return false;
        }
        if (chardev_is_bool_key(key)) {
            int b = chardev_bool(val);
            if (b < 0) {
                snprintf(err, errlen, "-chardev %s: %s=%s: expected on or off", o->backend, key,
                         val);
                return false;
            }
            if (!strcmp(key, "server"))
                o->server = b;
            else if (!strcmp(key, "wait"))
                o->wait = b;
            else if (!strcmp(key, "append"))
                o->append = b;
            else if (!strcmp(key, "mux"))
                o->mux = b;
            else if (!strcmp(key, "signal"))
                o->signal = b;
        } else if (!eq || !*val) {
            snprintf(err, errlen, "-chardev %s: %s needs a value", o->backend, key);
            return false;
        } else if (!strcmp(key, "path")) {
            o->path = val;
        } else if (!strcmp(key, "host")) {
            o->host = val;
        } else if (!strcmp(key, "port")) {
            o->port = val;
        }
    }
    if (!o->id) {
        snprintf(err, errlen, "-chardev %s: needs id=NAME", o->backend);
        return false;
    }
    return true;
}

struct chardev *chardev_open_options(const char *opts, char *err, size_t errlen)
{
    char *copy = strdup(opts);
    struct chardev *chr = calloc(1, sizeof(*chr));
    struct chardev_opts o;
    bool ok = copy && chr;
    if (!ok)
        snprintf(err, errlen, "-chardev: out of memory");
    else
        ok = chardev_parse(copy, &o, err, errlen);
    if (!ok) {
        free(copy);
        free(chr);
        return NULL;
    }
    chardev_init(chr);
    if (o.mux == 1 && strcmp(o.backend, "stdio")) {
        snprintf(err, errlen, "-chardev %s: mux=on is only supported with stdio", o.backend);
        ok = false;
    } else if (!strcmp(o.backend, "stdio")) {
        chr->mux = o.mux == 1;
        chr->no_signals = o.signal == 0;
        ok = chardev_open_stdio(chr, err, errlen);
    } else if (!strcmp(o.backend, "file") || !strcmp(o.backend, "pipe")) {
        if (!o.path) {
            snprintf(err, errlen, "-chardev %s: needs path=PATH", o.backend);
            ok = false;
        } else if (!strcmp(o.backend, "pipe")) {
            ok = chardev_open_pipe(chr, o.path, err, errlen);
        } else {
            int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o.append == 1 ? O_APPEND : O_TRUNC);
            chr->out_fd = open(o.path, flags, 0666);
            chr->close_out = true;
            if (chr->out_fd < 0)
                ok = chardev_fail(err, errlen, "-chardev file: could not open '%s': %s", o.path);
        }
    } else if (!strcmp(o.backend, "socket")) {
        ok = chardev_open_socket(chr, &o, err, errlen);
    } else if (!strcmp(o.backend, "testdev")) {
        chr->testdev = true;
    }
    free(copy);
    if (!ok) {
        chardev_close(chr);
        return NULL;
    }
    return chr;
}
