#!/bin/sh
# `make bench`: runs the integer benchmark guest ($BUILD/bench/intloop.elf)
# on armvirt and on qemu-system-aarch64 in the same run, with the same
# options. Each emulator's start-up and exit cost is measured with a guest
# that exits at once ($BUILD/tests/guest/trivial.elf) and subtracted. Each
# figure is the best of BENCH_RUNS runs (default 3), since the machine may be
# shared. The guest prints how many instructions its kernel executes (known
# by construction, see bench/intloop.h) and a checksum; both emulators must
# print the same line. Prints wall time, guest MIPS and the ratio. Then the
# FP/SIMD kernels of bench/fpsimd.c (a float matrix multiply, a NEON byte
# scan): fixed work, so compared by run time.
set -u
BUILD=${BUILD:-build}
ARMVIRT=${ARMVIRT:-$BUILD/armvirt}
QEMU=${QEMU:-qemu-system-aarch64}
RUNS=${BENCH_RUNS:-3}
LIMIT=${BENCH_TIMEOUT:-300}
OPTS="-M virt -cpu cortex-a57 -m 512M -nographic -semihosting"
ELF=$BUILD/bench/intloop.elf
TRIVIAL=$BUILD/tests/guest/trivial.elf

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }

# best_time EMULATOR ELF: the smallest wall time in seconds of RUNS runs;
# leaves the guest's output in $tmp/out. Prints nothing if a run failed.
best_time() {
    best=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        t0=$(now)
        timeout "$LIMIT" $1 $OPTS -kernel "$2" </dev/null >"$tmp/out" 2>&1
        rc=$?
        t1=$(now)
        if [ "$rc" -ne 0 ]; then
            echo "bench: $1 -kernel $2 exited with status $rc: $(head -c 300 "$tmp/out")" >&2
            return
        fi
        best=$(awk -v a="$best" -v b="$(( t1 - t0 ))" \
               'BEGIN { b /= 1e9; if (a == "" || b < a) print b; else print a }')
        i=$((i + 1))
    done
    echo "$best"
}

for f in "$ELF" "$TRIVIAL" "$BUILD/bench/matmul.elf" "$BUILD/bench/scan.elf"; do
    [ -f "$f" ] || { echo "bench: $f not built" >&2; exit 2; }
done

status=0
names=""
command -v "$QEMU" >/dev/null 2>&1 && names="qemu" ||
    { echo "bench: $QEMU not found (scripts/install-deps.sh installs it)"; status=1; }
[ -x "$ARMVIRT" ] && names="$names armvirt" ||
    { echo "bench: $ARMVIRT not built"; status=1; }

for n in $names; do
    [ "$n" = qemu ] && emu=$QEMU || emu=$ARMVIRT
    best_time "$emu" "$TRIVIAL" >"$tmp/$n.start"
done

# run_bench LABEL ELF: each emulator's run time (start-up subtracted) and,
# when the guest states its instruction count, guest MIPS; then the ratio.
run_bench() {
    label=$1 elf=$2
    echo "== $label"
    printf '%-9s %9s %9s %9s %9s\n' emulator "wall(s)" "start(s)" "run(s)" MIPS
    rm -f "$tmp"/*.run "$tmp"/*.line
    for n in $names; do
        [ "$n" = qemu ] && emu=$QEMU || emu=$ARMVIRT
        start=$(cat "$tmp/$n.start")
        wall=$(best_time "$emu" "$elf")
        if [ -z "$start" ] || [ -z "$wall" ]; then
            echo "$n: benchmark failed"
            status=1
            continue
        fi
        line=$(grep '^bench: ' "$tmp/out")
        if [ -z "$line" ]; then
            echo "$n: no 'bench:' line in the guest's output"
            status=1
            continue
        fi
        echo "$line" >"$tmp/$n.line"
        insns=$(echo "$line" | sed -n 's/.*instructions=\([0-9]*\).*/\1/p')
        awk -v n="$n" -v w="$wall" -v s="$start" -v i="${insns:-0}" 'BEGIN {
            r = w - s; if (r <= 0) r = 1e-9
            printf "%-9s %9.3f %9.3f %9.3f %9s\n", n, w, s, r, i ? sprintf("%.1f", i / r / 1e6) : "-"
            printf "%s\n", r > "/dev/stderr" }' 2>"$tmp/$n.run"
    done
    if [ -f "$tmp/qemu.line" ] && [ -f "$tmp/armvirt.line" ]; then
        if ! cmp -s "$tmp/qemu.line" "$tmp/armvirt.line"; then
            echo "bench: results differ: qemu \"$(cat "$tmp/qemu.line")\"," \
                 "armvirt \"$(cat "$tmp/armvirt.line")\""
            status=1
        fi
        awk -v a="$(cat "$tmp/armvirt.run")" -v q="$(cat "$tmp/qemu.run")" -v l="$label" 'BEGIN {
            printf "ratio armvirt/qemu (speed, %s): %.2f (above 1: armvirt is faster)\n", l, q / a }'
        echo "guest: $(cat "$tmp/qemu.line")"
    fi
}

run_bench "integer" "$ELF"
run_bench "fp matmul" "$BUILD/bench/matmul.elf"
run_bench "simd scan" "$BUILD/bench/scan.elf"

# Boot-to-init of Debian's cloud-arm64 kernel: seconds from starting the
# emulator to the first line /init prints, and to its exit after power-off
# (best of RUNS each).
LINUX_KERNEL=${LINUX_KERNEL:-build/guest-cache/cloud-arm64/vmlinuz}
LINUX_INITRD=${LINUX_INITRD:-$BUILD/linux/cloud-arm64/initrd-boot.gz}
boot_times() {
    best_init="" best_off=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        t0=$(now)
        timeout "$LIMIT" $1 -M virt -cpu cortex-a57 -m 512M -nographic -kernel "$LINUX_KERNEL" \
            -initrd "$LINUX_INITRD" -append "console=ttyAMA0 panic=-1" </dev/null 2>&1 |
            while IFS= read -r line; do
                case $line in *LINUX-INIT-STARTED*) now >"$tmp/init.t" ;; esac
            done
        t2=$(now)
        [ -s "$tmp/init.t" ] || { echo "bench: $1 did not reach /init" >&2; return; }
        t1=$(cat "$tmp/init.t")
        rm -f "$tmp/init.t"
        best_init=$(awk -v a="$best_init" -v b="$(( t1 - t0 ))" 'BEGIN { b /= 1e9; print (a == "" || b < a) ? b : a }')
        best_off=$(awk -v a="$best_off" -v b="$(( t2 - t0 ))" 'BEGIN { b /= 1e9; print (a == "" || b < a) ? b : a }')
        i=$((i + 1))
    done
    echo "$best_init $best_off"
}
if [ -f "$LINUX_KERNEL" ] && [ -f "$LINUX_INITRD" ]; then
    echo "== linux boot (Debian cloud-arm64 to /init, and to power-off)"
    printf '%-9s %9s %9s\n' emulator "init(s)" "off(s)"
    for n in $names; do
        [ "$n" = qemu ] && emu=$QEMU || emu=$ARMVIRT
        t=$(boot_times "$emu")
        if [ -z "$t" ]; then
            status=1
            continue
        fi
        echo "$t" >"$tmp/$n.boot"
        printf '%-9s %9.2f %9.2f\n' "$n" $t
    done
    if [ -f "$tmp/qemu.boot" ] && [ -f "$tmp/armvirt.boot" ]; then
        awk -v a="$(cat "$tmp/armvirt.boot")" -v q="$(cat "$tmp/qemu.boot")" 'BEGIN {
            split(a, x, " "); split(q, y, " ")
            printf "ratio armvirt/qemu (time, boot to init): %.2f, to power-off: %.2f (below 1: armvirt is faster)\n",
                x[1] / y[1], x[2] / y[2] }'
    fi
else
    echo "bench: $LINUX_KERNEL or $LINUX_INITRD missing: no boot benchmark"
    status=1
fi

# virtio-blk sequential throughput in the guest (bench/disk.sh), and
# virtio-net TCP throughput between guest and host (bench/net.sh).
sh bench/disk.sh || status=1
sh bench/net.sh || status=1
exit $status
