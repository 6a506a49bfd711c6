#!/bin/sh
# fetch-guest.sh CACHE FLAVOUR: puts Debian 12's own arm64 kernel of the
# given flavour ("cloud-arm64" or "arm64", unsigned build) and the static
# busybox under CACHE, fetched with `apt-get download` and unpacked with
# dpkg-deb. Leaves CACHE/FLAVOUR/vmlinuz, CACHE/FLAVOUR/modules (the
# kernel's /lib/modules/<version>, trimmed to the modules the initramfs
# may carry) and CACHE/busybox. Anything already in
# the cache is used as it is: nothing is fetched twice. The cache keeps the
# modules.list it was trimmed to (CACHE/FLAVOUR/modules.list); when the list
# has changed since, the cache is trimmed again, and fetched again only if
# the list names a module of this kernel that an earlier trim removed
# (modules.order, which is never trimmed, names every module the kernel has).
# scripts/mkinitramfs.sh runs this before each build for that reason.
set -eu
cache=$1 flavour=$2
modlist=$(cd "$(dirname "$0")/.." && pwd)/tests/linux/modules.list
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
mods=$cache/$flavour/modules

# Several builds may run this at once (make -j): one at a time, so no two
# update apt's lists or rewrite the same cache together.
exec 9>>"$cache/.fetch-lock"
flock 9

# trim: keep only the modules an initramfs may carry (the list's names);
# the rest is hundreds of megabytes nobody loads. Records the list.
trim() {
    find "$mods/kernel" -name '*.ko' | while read -r ko; do
        grep -qx "$(basename "$ko" .ko)" "$modlist" || rm -f "$ko"
    done
    cp "$modlist" "$mods/modules.list.tmp"
    mv "$mods/modules.list.tmp" "$cache/$flavour/modules.list"
}

# trimmed_away: true when the list names a module the kernel has as a
# module (in modules.order) whose file is no longer in the cache.
trimmed_away() {
    grep -v '^#' "$modlist" | while read -r mod; do
        [ -n "$mod" ] || continue
        grep -q "/$mod\.ko\$" "$mods/modules.order" || continue
        [ -n "$(find "$mods/kernel" -name "$mod.ko" | head -n 1)" ] || { echo "$mod"; break; }
    done | grep -q .
}

if [ -f "$cache/$flavour/vmlinuz" ] && [ -d "$mods" ] && [ -f "$cache/busybox" ]; then
    cmp -s "$modlist" "$cache/$flavour/modules.list" && exit 0
    if ! trimmed_away; then
        trim
        exit 0
    fi
    echo "fetch-guest: tests/linux/modules.list names modules the $flavour cache lacks: fetching it again" >&2
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# arm64 packages are only downloaded, never installed, but apt must know
# the architecture to find them.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq </dev/null
fi
apt-cache show busybox-static:arm64 >/dev/null 2>&1 || $SUDO apt-get update -qq </dev/null

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download writes as the _apt user when it can; a root-owned
# folder only makes it warn, so let it write here.
chmod 755 "$work"

# The meta-package names the current versioned image; we want its unsigned
# build (the signed one only adds an EFI signature).
apt-get download -q "linux-image-$flavour:arm64" </dev/null >/dev/null 2>&1
image=$(dpkg-deb -f linux-image-"$flavour"_*.deb Depends |
        tr ',' '\n' | sed -n "s/^ *\(linux-image-[0-9][^ ]*-$flavour\).*/\1/p" | head -n 1)
[ -n "$image" ] || { echo "fetch-guest: cannot tell which kernel linux-image-$flavour names" >&2; exit 1; }
apt-get download -q "$image-unsigned:arm64" </dev/null >/dev/null 2>&1
dpkg-deb -x "$image"-unsigned_*.deb root
mkdir -p "$cache/$flavour"
cp root/boot/vmlinuz-* "$cache/$flavour/vmlinuz.tmp"
rm -rf "$mods" "$cache/$flavour/modules.list"
mv root/lib/modules/* "$mods"
trim
mv "$cache/$flavour/vmlinuz.tmp" "$cache/$flavour/vmlinuz"

if [ ! -f "$cache/busybox" ]; then
    apt-get download -q busybox-static:arm64 </dev/null >/dev/null 2>&1
    dpkg-deb -x busybox-static_*.deb bb
    cp bb/bin/busybox "$cache/busybox.tmp"
    mv "$cache/busybox.tmp" "$cache/busybox"
fi
echo "fetch-guest: $image and busybox-static in $cache" >&2
