/*
 * dtbcmp ARMVIRT.dtb QEMU.dtb ALLOWLIST: compares armvirt's device tree with
 * QEMU's for the same options, node by node and property by property (not
 * byte by byte: order and packing may differ).
 *
 *  - every node armvirt writes must exist in QEMU's tree at the same path,
 *    and each of its properties must have QEMU's exact value (the random
 *    /chosen seeds only their length);
 *  - every node or property QEMU has and armvirt lacks must be listed in
 *    ALLOWLIST ("node PATH-PREFIX" or "prop PATH NAME" lines, '#' comments),
 *    which records what is not modelled yet and why.
 *
 * Prints one line per difference and exits 1 if there is any.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALLOW 128

static char *allow_node[MAX_ALLOW], *allow_prop[MAX_ALLOW][2];
static unsigned n_allow_node, n_allow_prop;
static int differences;

static void *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "dtbcmp: cannot open %s\n", path);
        exit(2);
    }
    size_t max = 16u << 20;
    char *buf = malloc(max);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    fclose(f);
    if (!buf || fdt_check_full(buf, n)) {
        fprintf(stderr, "dtbcmp: %s is not a valid DTB\n", path);
        exit(2);
    }
    return buf;
}

static void load_allowlist(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dtbcmp: cannot open %s\n", path);
        exit(2);
    }
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char kind[16], a[256], b[128];
        int n = sscanf(line, "%15s %255s %127s", kind, a, b);
        if (n >= 2 && !strcmp(kind, "node") && n_allow_node < MAX_ALLOW)
            allow_node[n_allow_node++] = strdup(a);
        else if (n == 3 && !strcmp(kind, "prop") && n_allow_prop < MAX_ALLOW) {
            allow_prop[n_allow_prop][0] = strdup(a);
            allow_prop[n_allow_prop++][1] = strdup(b);
        }
    }
    fclose(f);
}

static int node_allowed(const char *path)
{
    for (unsigned i = 0; i < n_allow_node; i++)
        if (!strncmp(path, allow_node[i], strlen(allow_node[i])))
            return 1;
    return 0;
}

static int prop_allowed(const char *path, const char *name)
{
    for (unsigned i = 0; i < n_allow_prop; i++)
        if (!strcmp(path, allow_prop[i][0]) && !strcmp(name, allow_prop[i][1]))
            return 1;
    return 0;
}

static int is_random(const char *path, const char *name)
{
    return !strcmp(path, "/chosen") && (!strcmp(name, "rng-seed") || !strcmp(name, "kaslr-seed"));
}

static void differ(const char *fmt, const char *a, const char *b)
{
    printf(fmt, a, b);
    putchar('\n');
    differences++;
}

/* Every property of node `an` in tree a against node `qn` in tree q. */
static void compare_props(const void *a, int an, const void *q, int qn, const char *path)
{
    int off;
    fdt_for_each_property_offset(off, a, an) {
        const char *name;
        int alen, qlen;
        const void *av = fdt_getprop_by_offset(a, off, &name, &alen);
        const void *qv = fdt_getprop(q, qn, name, &qlen);
        if (!qv)
            differ("%s: property %s is not in QEMU's tree", path, name);
        else if (alen != qlen || (!is_random(path, name) && memcmp(av, qv, (size_t)alen)))
            differ("%s: property %s differs from QEMU's", path, name);
    }
    fdt_for_each_property_offset(off, q, qn) {
        const char *name;
        int len;
        fdt_getprop_by_offset(q, off, &name, &len);
        if (!fdt_getprop(a, an, name, &len) && !prop_allowed(path, name))
            differ("%s: property %s is missing (QEMU has it)", path, name);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: dtbcmp ARMVIRT.dtb QEMU.dtb ALLOWLIST\n");
        return 2;
    }
    void *a = load(argv[1]), *q = load(argv[2]);
    load_allowlist(argv[3]);
    char path[512];

    for (int an = 0; an >= 0; an = fdt_next_node(a, an, NULL)) {
        if (fdt_get_path(a, an, path, sizeof(path)))
            continue;
        int qn = fdt_path_offset(q, path);
        if (qn < 0)
            differ("%s: node is not in QEMU's tree%s", path, "");
        else
            compare_props(a, an, q, qn, path);
    }
    for (int qn = 0; qn >= 0; qn = fdt_next_node(q, qn, NULL)) {
        if (fdt_get_path(q, qn, path, sizeof(path)))
            continue;
        if (fdt_path_offset(a, path) < 0 && !node_allowed(path))
            differ("%s: node is missing (QEMU has it)%s", path, "");
    }
    free(a);
    free(q);
    for (unsigned i = 0; i < n_allow_node; i++)
        free(allow_node[i]);
    for (unsigned i = 0; i < n_allow_prop; i++) {
        free(allow_prop[i][0]);
        free(allow_prop[i][1]);
    }
    return differences ? 1 : 0;
}
