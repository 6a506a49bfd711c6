# Sourced by both /init scripts: busybox applets, the usual mounts, and the
# virtio modules Debian's cloud kernel builds as modules.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for m in $(cat /lib/modules.order 2>/dev/null); do
    [ -f "/lib/modules/$m.ko" ] && insmod "/lib/modules/$m.ko" || echo "init: cannot load $m"
done
