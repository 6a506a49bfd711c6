#!/bin/sh
# qtest parity: each tests/qtest/*.qtest script (requests, '#' comments; a
# first line "# args: ..." adds options, with @DISK@ standing for a fresh
# 1 MiB raw image) is sent to `qemu-system-aarch64 -M virt -S -qtest stdio`
# and to `armvirt -M virt -qtest stdio`; the replies, including asynchronous
# "IRQ raise/lower" lines, must be identical line for line. Debian's QEMU
# 7.2 has no qtest accelerator, so scripts avoid clock_step/clock_set, and
# -S keeps its CPU from running.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v "$QEMU" >/dev/null 2>&1 || { echo "FAIL qtest: $QEMU not found"; exit 0; }
[ -x "$ARMVIRT" ] || { echo "FAIL qtest: $ARMVIRT not built"; exit 0; }

for script in "$here"/*.qtest; do
    name=$(basename "$script" .qtest)
    grep -v '^#' "$script" >"$tmp/req"
    rm -f "$tmp/disk.img"
    head -c 1048576 /dev/zero >"$tmp/disk.img"
    args=$(sed -n '1s/^# args: //p' "$script" | sed "s#@DISK@#$tmp/disk.img#g")
    # QEMU does not exit when the test hangs up: wait for one OK/FAIL/ERR
    # per request, then end it.
    want=$(grep -c . "$tmp/req")
    : >"$tmp/q"
    "$QEMU" -M virt -S -display none $args -qtest stdio <"$tmp/req" >"$tmp/q" 2>/dev/null &
    qpid=$!
    i=0
    while [ "$(grep -cE '^(OK|FAIL|ERR)' "$tmp/q")" -lt "$want" ] && [ $i -lt 200 ] &&
          kill -0 "$qpid" 2>/dev/null; do
        sleep 0.05
        i=$((i + 1))
    done
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null
    timeout 30 "$ARMVIRT" -M virt $args -qtest stdio <"$tmp/req" >"$tmp/a" 2>"$tmp/a.err"
    rc=$?
    if [ ! -s "$tmp/q" ]; then
        echo "FAIL qtest/$name: no replies from qemu"
    elif [ "$rc" -ne 0 ]; then
        echo "FAIL qtest/$name: armvirt exited $rc: $(head -c 200 "$tmp/a.err")"
    elif ! cmp -s "$tmp/q" "$tmp/a"; then
        line=$(cmp "$tmp/q" "$tmp/a" 2>&1 | sed 's/.*line //')
        echo "FAIL qtest/$name: reply $line differs: qemu '$(sed -n "${line}p" "$tmp/q")'," \
             "armvirt '$(sed -n "${line}p" "$tmp/a")'"
    else
        echo "PASS qtest/$name"
    fi
done
exit 0
