/*
 * The virt board's device tree, built with libfdt from the board's device
 * table (virt.c) so that nothing restates an address or an interrupt. Nodes
 * are created in QEMU 7.2's order; libfdt puts each new node and property
 * first, which is why QEMU's dumps list them in reverse creation order and
 * ours do too.
 */
#ifndef ARMVIRT_FDT_H
#define ARMVIRT_FDT_H

#include <stdbool.h>
#include <stddef.h>

struct virt;

/* The board's tree, or the user's -dtb file, completed with /memory,
 * /chosen (bootargs, initrd) and /psci. Returns a packed tree (malloc'd) or
 * NULL with a one-line reason in err. */
void *virt_fdt_create(struct virt *vm, char *err, size_t errlen);

#endif
