#!/bin/sh
# Malformed virtqueues over qtest: tests/vring/vring.py drives armvirt's
# virtio-blk and virtio-rng (legacy and modern virtio-mmio) with looping,
# out-of-RAM, oversized and out-of-range rings and checks that the device
# fails safely and recovers after a reset; the cases where QEMU 7.2 behaves
# the same run on qemu-system-aarch64 too. Under `make check SANITIZE=1`
# ($BUILD = build-san) any ASan/UBSan report on armvirt's stderr fails.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
here=$(dirname "$0")

command -v python3 >/dev/null 2>&1 || { echo "FAIL vring: python3 not found"; exit 0; }
[ -x "$ARMVIRT" ] || { echo "FAIL vring: $ARMVIRT not built"; exit 0; }
if command -v "$QEMU" >/dev/null 2>&1; then
    set -- --qemu "$QEMU"
else
    echo "SKIP vring/qemu: $QEMU not found"
    set --
fi
# The script times every reply out after 5 s; this bounds the whole run.
timeout 150 python3 -B "$here/vring.py" --armvirt "$ARMVIRT" "$@"
rc=$?
if [ "$rc" -eq 124 ]; then
    echo "FAIL vring: the run took more than 150 s"
elif [ "$rc" -ne 0 ]; then
    echo "FAIL vring: vring.py exited $rc"
fi
exit 0
