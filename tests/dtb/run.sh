#!/bin/sh
# Device-tree parity: armvirt's -machine dumpdtb against QEMU 7.2's for the
# same options, compared node by node by dtbcmp (see dtbcmp.c and
# not-yet-modelled.txt). Cases: the default machine; 2 GiB with a kernel,
# initrd and command line (checks /memory, bootargs and where the initrd
# lands); and a user -dtb (QEMU's own tree fed back to both).
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
here=$(dirname "$0")
CMP=$BUILD/tests/dtb/dtbcmp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v "$QEMU" >/dev/null 2>&1 || { echo "FAIL dtb: $QEMU not found"; exit 0; }
[ -x "$ARMVIRT" ] || { echo "FAIL dtb: $ARMVIRT not built"; exit 0; }

# A small raw kernel (loaded as Linux by both) and an initrd.
head -c 65536 /dev/zero >"$tmp/kernel"
head -c 300000 /dev/urandom >"$tmp/initrd"

# check NAME ARGS...: dump with both emulators and compare.
check() {
    name=$1
    shift
    if ! "$QEMU" -display none "$@" -machine "dumpdtb=$tmp/q.dtb" >"$tmp/q.log" 2>&1; then
        echo "FAIL dtb/$name: qemu failed: $(head -c 300 "$tmp/q.log")"
        return
    fi
    if ! "$ARMVIRT" "$@" -machine "dumpdtb=$tmp/a.dtb" >"$tmp/a.log" 2>&1; then
        echo "FAIL dtb/$name: armvirt failed: $(head -c 300 "$tmp/a.log")"
        return
    fi
    if "$CMP" "$tmp/a.dtb" "$tmp/q.dtb" "$here/not-yet-modelled.txt" >"$tmp/diff" 2>&1; then
        echo "PASS dtb/$name"
    else
        echo "FAIL dtb/$name: $(head -n 5 "$tmp/diff" | tr '\n' ';')"
    fi
}

check default -M virt -cpu cortex-a57 -m 512
check kernel-initrd-append -M virt -cpu cortex-a57 -m 2G -kernel "$tmp/kernel" \
    -initrd "$tmp/initrd" -append "console=ttyAMA0 root=/dev/vda rw"
"$QEMU" -display none -M virt -cpu cortex-a57 -m 512 -machine "dumpdtb=$tmp/user.dtb" \
    >/dev/null 2>&1
check user-dtb -M virt -cpu cortex-a57 -m 1G -kernel "$tmp/kernel" -dtb "$tmp/user.dtb" \
    -append "quiet"
exit 0
