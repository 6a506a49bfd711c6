#!/bin/sh
# Guest-side virtio-blk throughput, armvirt against qemu-system-aarch64 in
# the same run: Debian's cloud-arm64 kernel boots an initramfs whose /init
# (tests/vblk/init-bench) runs busybox dd on /dev/vda, a 256 MiB raw image
# given as -drive if=none,id=hd0,file=F,format=raw -device
# virtio-blk-device,drive=hd0 (same options on both emulators): a 256 MiB
# sequential write (oflag=direct, bs=1M), then a 256 MiB read (iflag=direct),
# DISK_RUNS times per boot (default 3). The host stamps each console line
# as it arrives and times each dd between its start and end lines; the best
# run of each counts. Prints MB/s (10^6 bytes) per emulator and direction,
# the same run's figure by the guest's clock (/proc/uptime, 10 ms steps)
# alongside, and the ratios. The write's source costs guest CPU time (the
# kernel zeroes dd's 1 MiB buffer for every block read from /dev/zero), so
# that alone (/dev/zero to /dev/null) is timed too, and the write's figure
# with that time taken out is shown: the disk path alone.
# Exits 1 if an emulator could not run the benchmark.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
CACHE=${GUEST_CACHE:-build/guest-cache}
RUNS=${DISK_RUNS:-3}
LIMIT=${BENCH_TIMEOUT:-300}
KERNEL=$CACHE/cloud-arm64/vmlinuz
INITRD=$BUILD/vblk/initrd-bench.gz
BYTES=268435456

for f in "$KERNEL" "$INITRD"; do
    [ -f "$f" ] || { echo "bench: $f not built (make $INITRD)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fully allocated image, so neither emulator reads holes.
dd if=/dev/zero of="$tmp/disk.img" bs=1M count=256 status=none

# run NAME EMULATOR: the console with each line prefixed by the host time
# in $tmp/NAME.log.
run() {
    {
        timeout "$LIMIT" $2 -M virt -cpu cortex-a57 -m 512M -nographic \
            -kernel "$KERNEL" -initrd "$INITRD" \
            -append "console=ttyAMA0 panic=-1 quiet vblkruns=$RUNS" \
            -drive "if=none,id=hd0,file=$tmp/disk.img,format=raw" \
            -device virtio-blk-device,drive=hd0 </dev/null 2>&1
        echo "EMULATOR-EXIT $?"
    } | while IFS= read -r line; do
        printf '%s %s\n' "$(date +%s.%N)" "$line"
    done | tr -d '\r' >"$tmp/$1.log"
}

# best NAME OP: the shortest host time in seconds of OP (write, read or
# source) in NAME's log, then that run's time by the guest clock ("-" if
# it read 0); nothing if no run succeeded.
best() {
    awk -v op="$2" '
        $2 == "DISK-START" && $3 == op { s = $1; gs = $4 }
        $2 == "DISK-END" && $3 == op && $4 == 0 && s {
            t = $1 - s
            if (!n || t < b) { b = t; g = $5 - gs }
            n++
        }
        END { if (n) printf "%.4f %s\n", b, (g > 0 ? g : "-") }' "$tmp/$1.log"
}

# mbs SECONDS: 256 MiB in that time, in MB/s ("-" for none).
mbs() { awk -v t="$1" -v b="$BYTES" 'BEGIN { if (t > 0) printf "%.0f", b / t / 1e6; else print "-" }'; }

status=0
echo "== disk (virtio-blk, 256 MiB dd, direct I/O, bs=1M, best of $RUNS; MB/s, guest clock in brackets)"
printf '%-9s %14s %14s %14s %14s\n' emulator write read "zero source" "write-source"
for n in qemu armvirt; do
    [ "$n" = qemu ] && emu=$QEMU || emu=$ARMVIRT
    run "$n" "$emu"
    w=$(best "$n" write) r=$(best "$n" read) z=$(best "$n" source)
    if [ -z "$w" ] || [ -z "$r" ] || [ -z "$z" ]; then
        echo "$n: the benchmark did not run: $(grep 'DISK-ERROR' "$tmp/$n.log" | head -n 2 | cut -d' ' -f2- | tr '\n' '|')$(grep -v 'DISK-' "$tmp/$n.log" | tail -n 3 | cut -d' ' -f2- | tr '\n' '|')"
        status=1
        continue
    fi
    # shellcheck disable=SC2086
    set -- $w $r $z
    # The write's figure less the time the guest spent making its source.
    net=$(awk -v w="$1" -v z="$5" 'BEGIN { print w - z }')
    echo "$(mbs "$1") $(mbs "$3") $(mbs "$5") $(mbs "$net")" >"$tmp/$n.rates"
    printf '%-9s %14s %14s %14s %14s\n' "$n" "$(mbs "$1") ($(mbs "$2"))" "$(mbs "$3") ($(mbs "$4"))" \
        "$(mbs "$5") ($(mbs "$6"))" "$(mbs "$net")"
done
if [ -f "$tmp/qemu.rates" ] && [ -f "$tmp/armvirt.rates" ]; then
    awk -v a="$(cat "$tmp/armvirt.rates")" -v q="$(cat "$tmp/qemu.rates")" 'BEGIN {
        split(a, x, " "); split(q, y, " ")
        r = "%.2f"
        printf "ratio armvirt/qemu (throughput, disk write): " r ", read: " r \
            " (target >= 1); zero source: " r ", write less its source: " r "\n",
            x[1] / y[1], x[2] / y[2], x[3] / y[3], (x[4] > 0 && y[4] > 0) ? x[4] / y[4] : 0 }'
fi
exit $status
