#!/bin/sh
# mkinitramfs.sh OUT BUSYBOX MODULES INIT [PROGRAM...]: a gzip'd newc cpio
# initramfs holding the static busybox as /bin/busybox, INIT as /init, each
# PROGRAM (a static executable) under /bin, and the virtio modules of the
# kernel (MODULES = its /lib/modules/<version>) under /lib/modules, with
# their load order in /lib/modules.order (from tests/linux/modules.list).
# Those the kernel has built in instead (the generic arm64 flavour builds
# virtio and virtio_ring in) are named in /lib/modules.builtin.
# tests/linux/init-common.sh becomes /lib/init-common.sh, which /init sources.
set -eu
out=$1 busybox=$2 modules=$3 init=$4
shift 4
here=$(cd "$(dirname "$0")/.." && pwd)
# MODULES is normally CACHE/FLAVOUR/modules of scripts/fetch-guest.sh, which
# make runs only when the kernel is missing: let it bring the cache in line
# with a changed modules.list first (it returns at once when nothing changed).
kdir=$(dirname "$modules")
if [ "$(basename "$modules")" = modules ] && [ -f "$kdir/vmlinuz" ]; then
    sh "$here/scripts/fetch-guest.sh" "$(dirname "$kdir")" "$(basename "$kdir")"
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
cp "$init" "$root/init"
chmod 755 "$root/init"
cp "$here/tests/linux/init-common.sh" "$root/lib/init-common.sh"
for prog in "$@"; do
    cp "$prog" "$root/bin/"
    chmod 755 "$root/bin/$(basename "$prog")"
done
: >"$root/lib/modules.order"
: >"$root/lib/modules.builtin"
while read -r mod; do
    case $mod in ''|'#'*) continue ;; esac
    f=$(find "$modules/kernel" -name "$mod.ko" | head -n 1)
    if [ -n "$f" ]; then
        cp "$f" "$root/lib/modules/"
        echo "$mod" >>"$root/lib/modules.order"
    elif grep -q "/$mod\.ko\$" "$modules/modules.builtin" 2>/dev/null; then
        echo "$mod" >>"$root/lib/modules.builtin"
    fi
done <"$here/tests/linux/modules.list"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
