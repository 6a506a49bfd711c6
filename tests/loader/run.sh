#!/bin/sh
# Loader tests: a guest built as a Linux arm64 Image checks the boot protocol
# (tests/loader/image.c). Runs on armvirt and qemu-system-aarch64 with the
# same options; both must print "image: N checks passed", the same N, and
# exit 0.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
IMAGE=$BUILD/tests/loader/image.bin
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -f "$IMAGE" ] || { echo "FAIL loader/image: $IMAGE not built"; exit 0; }
for emu in "$QEMU" "$ARMVIRT"; do
    n=$(basename "$emu")
    timeout 30 $emu $OPTS -kernel "$IMAGE" -append loader-test-cmdline </dev/null \
        >"$tmp/$n.out" 2>&1
    echo $? >"$tmp/$n.rc"
done
q=$(basename "$QEMU") a=$(basename "$ARMVIRT")
if ! grep -qx 'image: [0-9]* checks passed' "$tmp/$q.out" || [ "$(cat "$tmp/$q.rc")" != 0 ]; then
    echo "FAIL loader/image: qemu: $(head -c 300 "$tmp/$q.out" | tr '\n' '|')"
elif [ "$(cat "$tmp/$a.rc")" != 0 ] || ! cmp -s "$tmp/$q.out" "$tmp/$a.out"; then
    echo "FAIL loader/image: armvirt (status $(cat "$tmp/$a.rc")): $(head -c 300 "$tmp/$a.out" | tr '\n' '|')"
else
    echo "PASS loader/image"
fi
exit 0
