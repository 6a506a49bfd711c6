#!/bin/sh
# Installs the Debian packages armvirt needs to build and test, asking apt-get
# only for the ones not yet installed (so a ready machine pays nothing).
set -eu

PACKAGES="build-essential pkg-config libfdt-dev device-tree-compiler libcapstone-dev \
libunicorn-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm \
ipxe-qemu cpio gdb-multiarch libc6-dev-arm64-cross e2fsprogs libslirp-dev python3"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
