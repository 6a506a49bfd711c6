# Sourced by both /init scripts: busybox applets, the usual mounts, and the
# virtio modules the kernel builds as modules (all of them in the cloud
# flavour; the generic one builds virtio and virtio_ring in).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for m in $(cat /lib/modules.order 2>/dev/null); do
    [ -f "/lib/modules/$m.ko" ] && insmod "/lib/modules/$m.ko" || echo "init: cannot load $m"
done
